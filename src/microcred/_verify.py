"""The verifier: configuration, shared caches, and the ordered pipeline of checks.

The OB 3.0 order: parse → proof → issuer binding → validity → status (the status-list
credential is verified by this same verifier). Independent checks still run after a failure so
the report is complete. :func:`check` returns the report; :func:`verify` raises unless verified.
"""

from __future__ import annotations

import dataclasses
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from datetime import datetime, timedelta
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from ._batch import KeptWorkers, verify_many
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
from ._jose import SUPPORTED_ALGS
from ._jwt import JwtCredential, decode_jwt_credential
from ._jwt_checks import check_jwt_claims_step, check_jwt_issuer, check_jwt_proof
from ._nested import check_nested, find_endorsements
from ._parse import (
    DEFAULT_INPUT_LIMITS,
    InputLimits,
    check_size,
    looks_like_compact_jws,
    parse_json_object,
    require_object,
)
from ._presentation import presentation_checks
from ._rdfc import DEFAULT_LIMITS, CanonLimits
from ._status_step import StatusStep
from ._time import Clock, as_timedelta, utc_now
from .errors import DocumentLoadError, MalformedCredential, ResolutionError, VerificationFailed
from .loaders import DocumentLoader, bundled_loader
from .report import Check, Status, VerificationReport
from .resolvers import Fetch, KeyResolver, default_resolver, pinned_fetch
from .status import STATUS_CHECKERS, StatusChecker
from .suites import DEFAULT_SUITES, Cryptosuite
from .suites._proofs import Processing

if TYPE_CHECKING:
    from ._http import HttpClient, HTTPPolicy

__all__ = ["Verifier", "check", "verify"]


class _Model(Protocol):
    """A credential model (:mod:`microcred.models`): checked as its JSON."""

    def to_dict(self) -> dict[str, Any]: ...


Input = Mapping[str, Any] | str | bytes | _Model
_REFRESH_TYPE = "1EdTechCredentialRefresh"


class Verifier:
    """Verifies credentials with one configuration and shared caches; reuse it for batches.

    Keys and status lists are fetched over hardened HTTPS (``http`` policy) unless
    ``offline=True``; ``pins`` (URL -> JSON document, ``None`` = not found) are consulted first.
    With ``refresh=True`` a credential offering a ``1EdTechCredentialRefresh`` service is
    fetched again from it, once, and the refreshed credential is what gets verified.
    ``suites`` and ``jwt_algorithms`` (``RS256``, ``ES256``, ``EdDSA``) are what a proof may use.
    ``schema_warnings=True`` adds the type-inferred 1EdTech schema and the OB semantic rules,
    as warnings; the schemas a credential declares are always checked.
    ``resolvers`` adds key resolvers by identifier prefix (``{"did:ion:": resolve_ion}``),
    tried before the built-in ones; ``resolver`` replaces key resolution entirely;
    ``now`` pins the clock (a datetime or a callable); ``leeway`` tolerates clock skew.
    """

    def __init__(
        self,
        *,
        resolver: KeyResolver | None = None,
        resolvers: Mapping[str, KeyResolver] | None = None,
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
        refresh: bool = False,
        max_endorsement_depth: int = 3,
        trust_embedded_keys: bool = False,
        max_fetches: int = 32,
        max_proofs: int = 8,
        schema_warnings: bool = False,
        jwt_algorithms: Iterable[str] = SUPPORTED_ALGS,
    ) -> None:
        suites = tuple(suites)
        _refuse_bad_options(locals())
        # Kept so that batch workers can build an identical verifier in another process.
        self.options: dict[str, Any] = {
            k: v for k, v in locals().items() if k not in ("self", "__class__")
        }
        self.options["status_checkers"] = dict(status_checkers)
        self.trust_embedded_keys = trust_embedded_keys
        self.schema_warnings = schema_warnings
        self.jwt_algorithms = frozenset(jwt_algorithms)
        self.options["jwt_algorithms"] = self.jwt_algorithms
        self.refresh = refresh
        self.max_endorsement_depth = max_endorsement_depth
        self.max_proofs = max_proofs
        self._policy = http  # None: the default policy, made with the client on first fetch
        self._http: HttpClient | None = None
        documents = pinned_fetch(dict(pins or {}), None if offline else self._get_json)
        self.max_fetches = max_fetches
        self.fetch: Fetch = partial(_budgeted_fetch, documents, max_fetches)
        self.resolver: KeyResolver = resolver or default_resolver(self.fetch, resolvers)
        self.suites = suites
        self._status = StatusStep(self.fetch, status_checkers, self._verify_status_list)
        # every document checked here comes through _parse, which checks its depth and types
        self.processing = Processing(loader, canon_limits, input_limits.max_depth)
        self.input_limits = input_limits
        self.leeway = as_timedelta(leeway)
        self._clock: Clock = (lambda: now) if isinstance(now, datetime) else (now or utc_now)
        self._lock = threading.Lock()
        # worker processes of verify_many, kept between batches until close()
        self._kept_workers = KeptWorkers(self.options)
        weakref.finalize(self, self._kept_workers.close)

    def __enter__(self) -> Verifier:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """End the worker processes kept by :meth:`verify_many` and close the HTTP client (a
        later batch or fetch starts new ones)."""
        self._kept_workers.close()
        with self._lock:
            client, self._http = self._http, None
        if client is not None:
            client.close()

    def _get_json(self, url: str) -> Mapping[str, Any]:
        """Fetch over hardened HTTP; the client (and its cache) is created on first use.

        :mod:`._http` is imported here, on the first fetch: an offline verifier never needs it.
        """
        from ._http import HttpClient

        with self._lock:
            if self._http is None:
                self._http = HttpClient(self._policy)
            client = self._http
        return client.get_json(url)

    def check(
        self,
        data: Input,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        holder_is_subject: bool = False,
    ) -> VerificationReport:
        """Run every check and return the report; never raises for a bad credential.

        For a presentation, ``challenge`` and ``domain`` are what the holder's proof must carry
        (pass them: without a challenge a replayed presentation cannot be detected), and
        ``holder_is_subject`` requires the holder to be the subject of every credential.
        """
        for name, value in (("challenge", challenge), ("domain", domain)):
            if value is not None and not isinstance(value, str):  # the caller's slip, not the
                raise TypeError(f"{name} must be a string, not {type(value).__name__}")  # VP's
        budget = _fetch_budget.set([self.max_fetches])
        try:
            return self._check_and_refresh(data, challenge, domain, holder_is_subject)
        finally:
            _fetch_budget.reset(budget)

    def _check_and_refresh(
        self, data: Input, challenge: str | None, domain: str | None, holder_is_subject: bool
    ) -> VerificationReport:
        report = self._check(
            data, challenge=challenge, domain=domain, holder_is_subject=holder_is_subject
        )
        service = report.extra.get("refresh_service")
        if not (self.refresh and isinstance(service, str)):
            return report
        if report.check("proof").status is not Status.PASSED:
            return _with_refresh(
                report,
                Check(
                    "refresh", Status.SKIPPED, "not refreshed: the credential's own proof failed"
                ),
            )
        try:
            fresh = self.fetch(service)
        except ResolutionError as exc:
            return _with_refresh(
                report,
                Check(
                    "refresh",
                    Status.INDETERMINATE,
                    f"the refresh service failed: {exc.message}",
                    exc.code,
                    "/refreshService/id",
                ),
            )
        renewed = self._check(fresh, challenge=challenge, domain=domain, with_status=True)
        if renewed.issuer != report.issuer:
            return _with_refresh(
                renewed,
                Check(
                    "refresh",
                    Status.FAILED,
                    f"the refresh service returned a credential of issuer {renewed.issuer}, not "
                    f"{report.issuer}",
                    "REFRESH_ISSUER_MISMATCH",
                    "/issuer",
                ),
            )
        return _with_refresh(
            renewed,
            Check(
                "refresh",
                Status.PASSED,
                f"refreshed from {service}; this report is about the refreshed credential",
            ),
        )

    def verify(
        self,
        data: Input,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        holder_is_subject: bool = False,
    ) -> VerificationReport:
        """Like :meth:`check`, but raise :class:`VerificationFailed` unless verified."""
        report = self.check(
            data, challenge=challenge, domain=domain, holder_is_subject=holder_is_subject
        )
        if not report.verified:
            raise VerificationFailed(report)
        return report

    def verify_many(
        self,
        inputs: Iterable[Input],
        *,
        workers: int = 1,
        window: int | None = None,
        on_report: Callable[[int, VerificationReport], None] | None = None,
    ) -> Iterator[VerificationReport]:
        """Check every input and yield the reports in input order, streaming.

        ``workers`` > 1 verifies in that many processes: this one, and ``workers - 1`` more,
        each with its own verifier built from this one's options (its plug-ins must then be
        picklable). The processes are kept for the next batch until :meth:`close`. At most
        ``window`` inputs (default about two thousand) are in flight, so memory stays bounded
        for any number of inputs. A worker process that dies raises RuntimeError, after the
        reports before it.
        ``on_report(index, report)`` is called as each report is ready (e.g. for progress).
        """
        if isinstance(inputs, str | bytes | Mapping):  # iterating one would yield its parts
            raise TypeError(
                "verify_many takes an iterable of credentials (a list, a generator); "
                f"for one credential ({type(inputs).__name__}) use check()"
            )
        return verify_many(self, inputs, workers=workers, window=window, on_report=on_report)

    # -- pipeline ------------------------------------------------------------------------

    def _check(
        self,
        data: Input,
        *,
        challenge: str | None,
        domain: str | None,
        with_status: bool = True,
        depth: int = 0,
        holder_is_subject: bool = False,
    ) -> VerificationReport:
        try:
            document, jwt, text = self._parse(data)
        except MalformedCredential as exc:
            failed = Check("parse", Status.FAILED, exc.message, exc.code, exc.pointer)
            return VerificationReport(checks=(failed,), format=_format_of(data))
        types = tuple([t for t in as_list(document.get("type")) if isinstance(t, str)])
        nested = partial(self._check_nested, depth=depth + 1)
        parsed = _PARSED_JSON if jwt is None else _PARSED_JWT
        if "VerifiablePresentation" in types and depth > 0:
            # an endorsement or a presented credential must be a credential: a presentation
            # there would pass with its own challenge unchecked
            refused = Check(
                "parse",
                Status.FAILED,
                "a presentation where a credential is expected; present or endorse credentials",
                MalformedCredential.code,
                "/type",
            )
            return VerificationReport(
                checks=(refused,), types=types, format="json" if jwt is None else "jwt"
            )
        if "VerifiablePresentation" in types:
            run = Run(
                self,
                document,
                self._clock(),
                challenge,
                domain,
                purpose="authentication",
                signer="holder",
                jwt=jwt,
            )
            checks = presentation_checks(
                run,
                partial(nested, ""),
                depth=depth,
                max_depth=self.max_endorsement_depth,
                holder_is_subject=holder_is_subject,
            )
            return VerificationReport(
                checks=(parsed, *checks),
                issuer=issuer_id(document, "holder"),
                types=types,
                credential_id=_string(document.get("id")),
                format="json" if jwt is None else "jwt",
            )
        run = Run(self, document, self._clock(), challenge, domain, jwt=jwt)
        signature: tuple[Check, ...]
        if jwt is None:
            signature = (
                run_check("proof", check_proofs, run),
                run_check("issuer", check_issuer, run),
            )
        else:
            signature = (
                run_check("proof", check_jwt_proof, run),
                run_check("issuer", check_jwt_issuer, run),
                run_check("claims", check_jwt_claims_step, run),
            )
        status = (
            run_check("status", self._status, run)
            if with_status
            else Check("status", Status.SKIPPED, "status lists are not checked for status lists")
        )
        checks = (
            parsed,
            run_check("schema", check_schema, run),
            *signature,
            run_check("validity", check_validity, run),
            status,
            check_nested(
                "endorsements",
                list(find_endorsements(document, text)),
                nested,
                depth=depth,
                max_depth=self.max_endorsement_depth,
                noun="endorsement",
            ),
            _refresh_offer(document),
        )
        extra: dict[str, Any] = {"subjects": _subject_ids(document)}
        service = document.get("refreshService")
        if service is not None and _refreshable(service):  # (the ABC check costs, on None too)
            extra["refresh_service"] = service["id"]
        return VerificationReport(
            checks=checks,
            credential_id=_string(document.get("id")),
            issuer=issuer_id(document),
            types=types,
            extra=extra,
            format="json" if jwt is None else "jwt",
        )

    def _check_nested(self, pointer: str, item: Any, *, depth: int) -> VerificationReport:
        return self._check(item, challenge=None, domain=None, depth=depth)

    def _verify_status_list(self, document: Mapping[str, Any]) -> VerificationReport:
        return self._check(document, challenge=None, domain=None, with_status=False)

    def _parse(
        self, data: Input
    ) -> tuple[dict[str, Any], JwtCredential | None, str | bytes | None]:
        """The credential as JSON, the decoded VC-JWT when that is what came in, and the JSON
        text it was read from (None for a dict)."""
        if isinstance(data, bytes) and _image_kind(data) is not None:
            data = _unbaked(data, self.input_limits)
            if isinstance(data, dict):
                return require_object(data, self.input_limits), None, None
        if isinstance(data, str | bytes):
            check_size(data, self.input_limits)
            if looks_like_compact_jws(data):
                text = data.decode("ascii") if isinstance(data, bytes) else data
                decoded = decode_jwt_credential(text.strip(), limits=self.input_limits)
                return decoded.credential, decoded, decoded.payload
            try:
                return parse_json_object(data, self.input_limits), None, data
            except MalformedCredential as exc:
                raise _what_it_is_not(data, exc) from None
        if hasattr(data, "to_dict"):
            data = data.to_dict()
        elif isinstance(data, bytearray | memoryview):  # bytes by another name
            return self._parse(bytes(data))
        return require_object(data, self.input_limits), None, None


def _refuse_bad_options(options: Mapping[str, Any]) -> None:
    """A wrong setting fails here, naming it, not at the first credential with an AttributeError
    from inside (``suites=["eddsa-rdfc-2022"]``, a naive ``now``, ``jwt_algorithms="EdDSA"``)."""

    def kind(name: str, expected: str) -> TypeError:
        return TypeError(f"{name} must be {expected}, not {type(options[name]).__name__}")

    if options["resolver"] is not None and not callable(options["resolver"]):
        raise kind("resolver", "a key resolver (a callable)")
    if not callable(options["loader"]):
        raise kind("loader", "a document loader (a callable)")
    for name, what in (("resolvers", "key resolver"), ("status_checkers", "status checker")):
        table = options[name]
        if table is not None and not (
            isinstance(table, Mapping) and all(callable(v) for v in table.values())
        ):
            raise TypeError(f"{name} must map names to {what} callables")
    pins = options["pins"]
    if pins is not None and not isinstance(pins, Mapping):
        raise kind("pins", "a mapping of URL to JSON document (or None: not found)")
    for url, document in (pins or {}).items():
        if document is not None and not isinstance(document, Mapping):
            raise TypeError(
                f"pins[{url!r:.80}] must be a JSON object or None (not found), not "
                f"{type(document).__name__}"
            )
    if options["http"] is not None:
        from ._http import HTTPPolicy  # (imported only when one is given: httpx is slow to load)

        if not isinstance(options["http"], HTTPPolicy):
            raise kind("http", "an HTTPPolicy")
    if not isinstance(options["canon_limits"], CanonLimits):
        raise kind("canon_limits", "a CanonLimits")
    if not isinstance(options["input_limits"], InputLimits):
        raise kind("input_limits", "an InputLimits")
    for suite in options["suites"]:
        if not all(hasattr(suite, a) for a in ("name", "proof_type", "cryptosuite", "transform")):
            raise TypeError(
                "suites must be cryptosuites (microcred.suites.EDDSA_RDFC_2022, or "
                f"suite_for(name)), not {type(suite).__name__}"
            )
    now = options["now"]
    if isinstance(now, datetime) and now.utcoffset() is None:
        raise ValueError("now must be timezone-aware, e.g. datetime(2026, 1, 1, tzinfo=UTC)")
    if now is not None and not isinstance(now, datetime) and not callable(now):
        raise kind("now", "a datetime or a callable returning one")
    algorithms = options["jwt_algorithms"]
    if isinstance(algorithms, str | bytes):
        raise TypeError(f"jwt_algorithms is a collection of names, e.g. {{{algorithms!r}}}")
    for name, least in (("max_endorsement_depth", 0), ("max_fetches", 0), ("max_proofs", 1)):
        value = options[name]
        if type(value) is not int or value < least:
            raise ValueError(f"{name} must be an integer of at least {least}, not {value!r}")


_JSON_STARTS = (*'{["-0123456789', "true", "false", "null")


def _what_it_is_not(data: str | bytes, exc: MalformedCredential) -> MalformedCredential:
    """A JSON error, said plainly when the input does not even look like JSON (a text file, a
    JWS of two or four parts): what microcred reads, then what the parser found."""
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    start = text.lstrip().removeprefix("\ufeff").removeprefix("\xef\xbb\xbf")
    if not start.strip() and type(exc) is MalformedCredential:
        return MalformedCredential("the input is empty", code=exc.code)
    if type(exc) is not MalformedCredential or start.startswith(_JSON_STARTS):
        return exc  # (a size limit, or JSON gone wrong: the parser's own words say it best)
    parts = text.strip().count(".") + 1 if start.startswith("ey") else 0
    jws = f" (a VC-JWT has 3 parts separated by '.', this has {parts})" if parts > 1 else ""
    return MalformedCredential(
        f"the input is neither JSON, a VC-JWT{jws}, nor a PNG or SVG badge image: {exc.message}",
        pointer=exc.pointer,
        code=exc.code,
    )


_fetch_budget: ContextVar[list[int] | None] = ContextVar("microcred_fetch_budget", default=None)


def _budgeted_fetch(fetch: Fetch, limit: int, url: str) -> Mapping[str, Any]:
    """Every document fetched for one verification counts; past ``limit`` the rest fail."""
    budget = _fetch_budget.get()
    if budget is not None:
        budget[0] -= 1
        if budget[0] < 0:
            raise DocumentLoadError(
                f"more than {limit} documents were needed to verify one credential; raise "
                "Verifier(max_fetches=...) if that is expected",
                code="FETCH_LIMIT",
            )
    return fetch(url)


def _format_of(data: Input) -> str:
    """What the report of an input that could not be read calls it: ``jwt`` for text that
    starts as a JWS header does (``ey``), ``json`` for data or text that starts as a JSON object
    or array, else ``unknown``."""
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if isinstance(data, bytes):
        if _image_kind(data) is not None:
            return "unknown"  # what the image carries was not read
        data = data[:256].decode("utf-8", "replace")
    if not isinstance(data, str):
        return "json" if isinstance(data, Mapping | list) or hasattr(data, "to_dict") else "unknown"
    start = data[:256].lstrip("\ufeff \t\r\n")[:2]
    return "jwt" if start == "ey" else "json" if start[:1] in ("{", "[") else "unknown"


def _image_kind(data: bytes) -> str | None:
    """``"png"``, ``"svg"`` or None; :mod:`.baking` is imported here, as only bytes need it."""
    from .baking import image_kind

    return image_kind(data)


def _unbaked(image: bytes, limits: InputLimits) -> dict[str, Any] | str:
    """The credential baked into a PNG or SVG badge (OB 3.0); OB 2.0 images are refused."""
    from .baking import unbake_with_version

    payload, version = unbake_with_version(image, limits=limits)
    if version != "3.0":
        raise MalformedCredential(
            "this image carries an Open Badges 2.0 assertion; microcred verifies Open Badges 3.0 "
            "credentials (OB 2.0 used other signatures and hosted verification)"
        )
    return payload


# Checks whose outcome is always the same are made once (reports are immutable).
_PARSED_JSON = Check("parse", Status.PASSED, "a JSON object")
_PARSED_JWT = Check("parse", Status.PASSED, "a VC-JWT")
_NO_REFRESH = Check("refresh", Status.SKIPPED, "no refresh service")


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _subject_ids(document: Mapping[str, Any]) -> tuple[str, ...]:
    subjects = as_list(document.get("credentialSubject"))
    return tuple(
        [
            s["id"]
            for s in subjects
            if (type(s) is dict or isinstance(s, Mapping)) and isinstance(s.get("id"), str)
        ]
    )


def _refreshable(service: Any) -> bool:
    return (
        isinstance(service, Mapping)
        and service.get("type") == _REFRESH_TYPE
        and isinstance(service.get("id"), str)
    )


def _refresh_offer(document: Mapping[str, Any]) -> Check:
    """Report a refresh service without using it (fetching is the caller's opt-in)."""
    service = document.get("refreshService")
    if service is None:
        return _NO_REFRESH
    if not _refreshable(service):
        return Check(
            "refresh",
            Status.SKIPPED,
            f"refresh service of an unsupported type (only {_REFRESH_TYPE}) is ignored",
            pointer="/refreshService",
        )
    return Check(
        "refresh",
        Status.SKIPPED,
        f"a refreshed credential is offered at {service['id']}; verify with refresh=True to use it",
        pointer="/refreshService",
    )


def _with_refresh(report: VerificationReport, refresh: Check) -> VerificationReport:
    checks = (*(c for c in report.checks if c.name != "refresh"), refresh)
    return dataclasses.replace(report, checks=checks)


def check(data: Input, **options: Any) -> VerificationReport:
    """Verify ``data`` and return the report (never raises for a bad credential).

    ``data`` may be a dict, JSON text or bytes; ``options`` are those of :class:`Verifier`
    plus ``challenge``, ``domain`` and ``holder_is_subject`` (see :meth:`Verifier.check`).
    """
    per_call = ("challenge", "domain", "holder_is_subject")
    expected = {k: options.pop(k) for k in per_call if k in options}
    with Verifier(**options) as verifier:
        return verifier.check(data, **expected)


def verify(data: Input, **options: Any) -> VerificationReport:
    """Verify ``data``; raise :class:`VerificationFailed` (with ``.report``) unless verified."""
    report = check(data, **options)
    if not report.verified:
        raise VerificationFailed(report)
    return report
