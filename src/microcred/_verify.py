"""The verifier: configuration, shared caches, and the ordered pipeline of checks.

The OB 3.0 order: parse → proof → issuer binding → validity → status (the status-list
credential is verified by this same verifier). Independent checks still run after a failure so
the report is complete. :func:`check` returns the report; :func:`verify` raises unless verified.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from functools import partial
from types import TracebackType
from typing import Any

from ._checks import (
    Run,
    as_list,
    check_issuer,
    check_proofs,
    check_schema,
    check_validity,
    issuer_id,
    run_check,
)
from ._http import HttpClient, HTTPPolicy
from ._parse import DEFAULT_INPUT_LIMITS, InputLimits, parse_json_object, require_object
from ._rdfc import DEFAULT_LIMITS, CanonLimits
from ._time import Clock, as_timedelta, utc_now
from .errors import MalformedCredential, ResolutionError, VerificationFailed
from .loaders import DocumentLoader, bundled_loader
from .report import Check, Problem, Status, VerificationReport
from .resolvers import Fetch, KeyResolver, default_resolver, pinned_fetch
from .status import STATUS_CHECKERS, StatusChecker
from .suites import DEFAULT_SUITES, Cryptosuite
from .suites._proofs import Processing

__all__ = ["Verifier", "check", "verify"]

Input = Mapping[str, Any] | str | bytes
# Status methods whose list is a plain document, not a credential to verify.
_UNSIGNED_LISTS = frozenset({"1EdTechRevocationList"})
_STATUS_CACHE_SIZE = 256


class Verifier:
    """Verifies credentials with one configuration and shared caches; reuse it for batches.

    Keys and status lists are fetched over hardened HTTPS (``http`` policy) unless
    ``offline=True``; ``pins`` (URL -> JSON document, ``None`` = not found) are consulted first.
    ``resolver`` replaces key resolution entirely; ``suites`` are the accepted proof suites;
    ``now`` pins the clock (a datetime or a callable); ``leeway`` tolerates clock skew.
    """

    def __init__(
        self,
        *,
        resolver: KeyResolver | None = None,
        pins: Mapping[str, Any] | None = None,
        http: HTTPPolicy | None = None,
        offline: bool = False,
        loader: DocumentLoader = bundled_loader,
        suites: Iterable[Cryptosuite] = DEFAULT_SUITES,
        status_checkers: Mapping[str, StatusChecker] = STATUS_CHECKERS,
        now: datetime | Clock | None = None,
        leeway: float | timedelta = 60,
        canon_limits: CanonLimits = DEFAULT_LIMITS,
        input_limits: InputLimits = DEFAULT_INPUT_LIMITS,
        purpose: str = "assertionMethod",
    ) -> None:
        self._policy = http or HTTPPolicy()
        self._http: HttpClient | None = None
        self.fetch: Fetch = pinned_fetch(dict(pins or {}), None if offline else self._get_json)
        self.resolver: KeyResolver = resolver or default_resolver(self.fetch)
        self.suites = tuple(suites)
        self.status_checkers = dict(status_checkers)
        self.processing = Processing(loader, canon_limits)
        self.input_limits = input_limits
        self.leeway = as_timedelta(leeway)
        self.purpose = purpose
        self._clock: Clock = (lambda: now) if isinstance(now, datetime) else (now or utc_now)
        self._status_lists: OrderedDict[str, Mapping[str, Any] | str] = OrderedDict()
        self._lock = threading.Lock()

    def __enter__(self) -> Verifier:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client (a later fetch opens a new one)."""
        with self._lock:
            client, self._http = self._http, None
        if client is not None:
            client.close()

    def _get_json(self, url: str) -> Mapping[str, Any]:
        """Fetch over hardened HTTP; the client (and its cache) is created on first use."""
        with self._lock:
            if self._http is None:
                self._http = HttpClient(self._policy)
            client = self._http
        return client.get_json(url)

    def check(
        self, data: Input, *, challenge: str | None = None, domain: str | None = None
    ) -> VerificationReport:
        """Run every check and return the report; never raises for a bad credential."""
        return self._check(data, challenge=challenge, domain=domain, with_status=True)

    def verify(
        self, data: Input, *, challenge: str | None = None, domain: str | None = None
    ) -> VerificationReport:
        """Like :meth:`check`, but raise :class:`VerificationFailed` unless verified."""
        report = self.check(data, challenge=challenge, domain=domain)
        if not report.verified:
            raise VerificationFailed(report)
        return report

    # -- pipeline ------------------------------------------------------------------------

    def _check(
        self, data: Input, *, challenge: str | None, domain: str | None, with_status: bool
    ) -> VerificationReport:
        try:
            document = self._parse(data)
        except MalformedCredential as exc:
            failed = Check("parse", Status.FAILED, exc.message, exc.code, exc.pointer)
            return VerificationReport(checks=(failed,))
        run = Run(self, document, self._clock(), challenge, domain)
        status = (
            run_check("status", partial(self._check_status, run))
            if with_status
            else Check("status", Status.SKIPPED, "status lists are not checked for status lists")
        )
        checks = (
            Check("parse", Status.PASSED, "a JSON object"),
            run_check("schema", partial(check_schema, run)),
            run_check("proof", partial(check_proofs, run)),
            run_check("issuer", partial(check_issuer, run)),
            run_check("validity", partial(check_validity, run)),
            status,
        )
        ident = document.get("id")
        return VerificationReport(
            checks=checks,
            credential_id=ident if isinstance(ident, str) else None,
            issuer=issuer_id(document),
            types=tuple(t for t in as_list(document.get("type")) if isinstance(t, str)),
        )

    def _parse(self, data: Input) -> dict[str, Any]:
        if isinstance(data, str | bytes):
            return parse_json_object(data, self.input_limits)
        if hasattr(data, "to_dict"):
            data = data.to_dict()
        return require_object(data, self.input_limits)

    # -- status --------------------------------------------------------------------------

    def _check_status(self, run: Run) -> Check:
        declared = run.document.get("credentialStatus")
        if declared is None:
            return Check("status", Status.SKIPPED, "the credential declares no status")
        entries = as_list(declared)
        pointers = (
            [f"/credentialStatus/{i}" for i in range(len(entries))]
            if isinstance(declared, list)
            else ["/credentialStatus"]
        )
        children = tuple(
            run_check("status", partial(self._check_status_entry, run, entry, pointer))
            for entry, pointer in zip(entries, pointers, strict=True)
        )
        for status in (Status.FAILED, Status.INDETERMINATE):
            worst = next((c for c in children if c.status is status), None)
            if worst is not None:
                return Check(
                    "status",
                    status,
                    worst.message,
                    worst.code,
                    worst.pointer,
                    children=children if len(children) > 1 else (),
                )
        warnings = tuple(w for c in children for w in c.warnings)
        message = "; ".join(c.message for c in children)
        return Check(
            "status",
            Status.PASSED,
            message,
            warnings=warnings,
            children=children if len(children) > 1 else (),
        )

    def _check_status_entry(self, run: Run, entry: Any, pointer: str) -> Check:
        kind = entry.get("type") if isinstance(entry, Mapping) else None
        checker = self.status_checkers.get(kind) if isinstance(kind, str) else None
        if checker is None:
            raise ResolutionError(
                f"status method {kind!r:.60} is not supported, so revocation cannot be checked",
                pointer=f"{pointer}/type",
            )
        fetch = self.fetch if kind in _UNSIGNED_LISTS else self._verified_status_list
        result = checker(entry, pointer, fetch, run.document)
        warnings = tuple(Problem("STATUS_WARNING", w, pointer) for w in result.warnings)
        return Check("status", Status.PASSED, result.message, pointer=pointer, warnings=warnings)

    def _verified_status_list(self, url: str) -> Mapping[str, Any]:
        """The status-list credential at ``url``, verified by this verifier (cached)."""
        with self._lock:
            cached = self._status_lists.get(url)
        if cached is None:
            cached = self._verify_status_list(url)
            with self._lock:
                self._status_lists[url] = cached
                while len(self._status_lists) > _STATUS_CACHE_SIZE:
                    self._status_lists.popitem(last=False)
        if isinstance(cached, str):
            raise ResolutionError(cached)
        return cached

    def _verify_status_list(self, url: str) -> Mapping[str, Any] | str:
        """The verified list, or the reason it cannot be used (fetch failures are not cached)."""
        document = self.fetch(url)
        report = self._check(document, challenge=None, domain=None, with_status=False)
        if report.verified:
            return document
        first = report.errors[0] if report.errors else None
        reason = f"{first.message} ({first.pointer or '/'})" if first else "not verified"
        return f"the status list credential at {url} did not verify: {reason}"


def check(data: Input, **options: Any) -> VerificationReport:
    """Verify ``data`` and return the report (never raises for a bad credential).

    ``data`` may be a dict, JSON text or bytes; ``options`` are those of :class:`Verifier`
    plus ``challenge`` and ``domain``.
    """
    expected = {k: options.pop(k) for k in ("challenge", "domain") if k in options}
    with Verifier(**options) as verifier:
        return verifier.check(data, **expected)


def verify(data: Input, **options: Any) -> VerificationReport:
    """Verify ``data``; raise :class:`VerificationFailed` (with ``.report``) unless verified."""
    report = check(data, **options)
    if not report.verified:
        raise VerificationFailed(report)
    return report
