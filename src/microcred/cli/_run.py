"""Running ``verify`` over many inputs: in this process, or in worker processes, in order.

Verification is CPU-bound Python, so ``-j N`` uses N *processes*: this one and N - 1 workers,
each with its own :class:`~microcred.Verifier` built from the same picklable :class:`Settings`
(its own HTTP cache), sharing the inputs as :func:`microcred._batch.shared_work` does. A few
inputs (up to 16 a chunk, for long lists) per process are in flight and results come back in
input order. Workers ignore SIGINT:
Ctrl-C reaches only this process, which stops and keeps what finished.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .._batch import pooled_work, worker_died
from .._http import HTTPPolicy
from .._parse import DEFAULT_INPUT_LIMITS, InputLimits, size_text
from .._pool import WorkerDied, start_pool
from .._verify import Verifier
from ..errors import MicrocredError
from ..report import Check, Status, VerificationReport
from ..suites import DEFAULT_SUITES, suite_for
from ._common import MAX_INPUT_BYTES
from ._sources import Loaded, load, shown_path

__all__ = ["Result", "Settings", "Source", "check_source", "display_text", "run_all"]


@dataclass(frozen=True)
class Settings:
    """Everything a worker needs to build its verifier; plain data, so it pickles."""

    pins: Mapping[str, Any] = field(default_factory=dict)
    offline: bool = False
    now: datetime | None = None
    leeway: float = 60
    suites: tuple[str, ...] | None = None
    trust_embedded_keys: bool = False
    refresh: bool = False
    ca_bundle: str | None = None
    allow_private_networks: bool = False
    connect_to: tuple[tuple[str, int, str, int], ...] = ()
    challenge: str | None = None
    domain: str | None = None
    max_bytes: int | None = None  # InputLimits.max_bytes; None: its default

    @property
    def read_limit(self) -> int:
        return _read_limit(self.max_bytes or DEFAULT_INPUT_LIMITS.max_bytes)

    def http_policy(self) -> HTTPPolicy:
        return HTTPPolicy(
            allow_private_networks=self.allow_private_networks,
            verify=self.ca_bundle if self.ca_bundle is not None else True,
            connect_to={(h, p): (a, ap) for h, p, a, ap in self.connect_to},
        )

    def verifier(self) -> Verifier:
        suites = (
            DEFAULT_SUITES
            if self.suites is None
            else tuple(suite_for(name) for name in self.suites)
        )
        return Verifier(
            pins=self.pins,
            http=self.http_policy(),
            offline=self.offline,
            now=self.now,
            leeway=self.leeway,
            suites=suites,
            trust_embedded_keys=self.trust_embedded_keys,
            refresh=self.refresh,
            input_limits=InputLimits(max_bytes=self.max_bytes)
            if self.max_bytes
            else DEFAULT_INPUT_LIMITS,
        )


@dataclass(frozen=True)
class Source:
    """One input: a file to read, or bytes already read (standard input)."""

    name: str
    data: bytes | None = None


@dataclass(frozen=True)
class Result:
    """The report on one input and what the listing shows about it."""

    input: str
    report: VerificationReport
    image: str | None = None
    issuer_name: str | None = None
    achievement: str | None = None
    jwt_alg: str | None = None
    seconds: float = 0.0
    unreadable: bool = False

    @property
    def outcome(self) -> str:
        """``verified``, ``failed``, ``indeterminate`` or ``unreadable``."""
        if self.unreadable:
            return "unreadable"
        if self.report.verified:
            return "verified"
        statuses = {c.status for c in self.report.checks}
        if Status.FAILED in statuses or Status.INDETERMINATE not in statuses:
            return "failed"
        return "indeterminate"


def _read_limit(max_bytes: int) -> int:
    """How much of one input is read: an image may be far larger than the JSON it holds."""
    return max(MAX_INPUT_BYTES, 4 * max_bytes)


def check_source(
    verifier: Verifier, source: Source, challenge: str | None = None, domain: str | None = None
) -> Result:
    """Read, unbake and verify one input; every problem with its content is in the report."""
    started = time.perf_counter()
    data, name = source.data, shown_path(source.name)
    limit = _read_limit(verifier.input_limits.max_bytes)
    if data is None:
        try:
            with open(source.name, "rb") as file:
                data = file.read(limit + 1)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            message = f"cannot read {name}: {reason}; check the path and its permissions"
            check = Check("read", Status.INDETERMINATE, message, "INPUT_UNREADABLE")
            report = VerificationReport(checks=(check,), input=name)
            return Result(name, report, unreadable=True)
    if len(data) > limit:
        message = f"the input is larger than {size_text(limit)}: not a credential"
        check = Check("parse", Status.FAILED, message, "RESOURCE_LIMIT_EXCEEDED")
        return Result(name, VerificationReport(checks=(check,), input=name))
    if not data.strip():
        check = Check("parse", Status.FAILED, "the input is empty", "MALFORMED_CREDENTIAL")
        return Result(name, VerificationReport(checks=(check,), input=name))
    loaded = load(data, verifier.input_limits)
    if loaded.problem is not None:
        problem = loaded.problem
        check = Check("parse", Status.FAILED, problem.message, problem.code, problem.pointer)
        report = VerificationReport(checks=(check,))
    elif loaded.is_presentation:
        report = verifier.check(loaded.payload, challenge=challenge, domain=domain)
    else:
        report = verifier.check(loaded.payload)
    alg = loaded.jwt_header.get("alg") if loaded.jwt_header else None
    return Result(
        name,
        dataclasses.replace(report, input=name),
        loaded.image,
        *_names(loaded),
        jwt_alg=alg if isinstance(alg, str) else None,
        seconds=time.perf_counter() - started,
    )


def display_text(value: Any) -> str | None:
    """A display string from a plain string, a language value object or a list of them."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return display_text(value.get("@value"))
    if isinstance(value, list):
        return next((t for t in map(display_text, value) if t), None)
    return None


def _names(loaded: Loaded) -> tuple[str | None, str | None]:
    """(issuer name or id, achievement name) of a credential; holder and count of a VP."""
    document = loaded.document
    if document is None:
        return None, None
    types = document.get("type")
    if "VerifiablePresentation" in (types if isinstance(types, list) else [types]):
        presented = document.get("verifiableCredential")
        count = len(presented) if isinstance(presented, list) else int(presented is not None)
        holder = document.get("holder")
        if isinstance(holder, Mapping):
            holder = holder.get("id")
        return display_text(holder), f"presentation of {count} credential(s)"
    issuer = document.get("issuer")
    name = (
        display_text(issuer.get("name")) or display_text(issuer.get("id"))
        if isinstance(issuer, Mapping)
        else display_text(issuer)
    )
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    title = display_text(achievement.get("name")) if isinstance(achievement, Mapping) else None
    return name, title or display_text(document.get("name"))


# -- workers --------------------------------------------------------------------------------

_worker: tuple[Verifier, Settings] | None = None


def _start_worker(settings: Settings) -> None:
    global _worker
    _worker = settings.verifier(), settings  # (the pool's worker ignores SIGINT)


def _check_in_worker(sources: list[Source]) -> list[Result]:
    assert _worker is not None
    verifier, settings = _worker
    return [check_source(verifier, s, settings.challenge, settings.domain) for s in sources]


def run_all(
    settings: Settings,
    sources: Sequence[Source],
    jobs: int,
    on_result: Callable[[Result], None],
) -> bool:
    """Check every source, calling ``on_result`` in input order; True if Ctrl-C stopped it."""
    with settings.verifier() as verifier:

        def check(source: Source) -> Result:
            return check_source(verifier, source, settings.challenge, settings.domain)

        if jobs <= 1 or len(sources) <= 1:
            try:
                for source in sources:
                    on_result(check(source))
            except KeyboardInterrupt:
                return True
            return False
        processes = min(jobs, len(sources)) - 1
        # sources one by one share a short list evenly; chunks of a long one cost less to send
        chunk = min(16, max(1, len(sources) // 64))
        pool = start_pool(processes, _start_worker, (settings,))
        results = pooled_work(
            pool, check, _check_in_worker, sources, processes=processes, chunk=chunk
        )
        try:
            with closing(results):  # closes the pool too, at once if Ctrl-C stopped it
                for result in results:
                    on_result(result)
        except KeyboardInterrupt:
            return True
        except WorkerDied:
            raise MicrocredError(worker_died("-j 1"), code="WORKER_FAILED") from None
        return False
