"""The verifier: an ordered pipeline of checks that turns any input into a report.

Exceptions inside, report outside: each check raises a typed :class:`MicrocredError`, and
:func:`_run` turns it into a report entry — a :class:`CredentialError` fails the check, a
:class:`ResolutionError` makes it indeterminate. Anything else is a bug and propagates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from types import TracebackType
from typing import Any

from ._parse import DEFAULT_INPUT_LIMITS, InputLimits, parse_json_object, require_object
from ._rdfc import DEFAULT_LIMITS, CanonLimits
from ._time import Clock, as_timedelta, parse_datetime, utc_now
from .errors import (
    CredentialError,
    ExpiredCredential,
    InvalidProof,
    InvalidSignature,
    IssuerMismatch,
    MalformedCredential,
    MicrocredError,
    PrematureCredential,
    ResolutionError,
    UnsupportedSuite,
    VerificationFailed,
)
from .loaders import DocumentLoader, bundled_loader
from .report import Check, Status, VerificationReport
from .resolvers import KeyResolver, ResolvedKey, default_resolver
from .suites import DEFAULT_SUITES, Cryptosuite
from .suites._proofs import Processing, chain_input, verify_proof_value

__all__ = ["Verifier", "check", "verify"]

Input = Mapping[str, Any] | str | bytes


@dataclass
class _Run:
    """What the checks of one verification share."""

    document: dict[str, Any]
    now: datetime
    challenge: str | None
    domain: str | None
    bound_keys: list[ResolvedKey] = field(default_factory=list)


def _run(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except CredentialError as exc:
        return Check(name, Status.FAILED, exc.message, exc.code, exc.pointer)
    except ResolutionError as exc:
        return Check(name, Status.INDETERMINATE, exc.message, exc.code, exc.pointer)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """The credential's issuer id, whether ``issuer`` is a URL or a profile object."""
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


class Verifier:
    """Verifies credentials with one configuration and shared caches; reuse it for batches.

    ``resolver`` maps verification methods to keys (default: did:key, plus ``pins``);
    ``suites`` are the proof suites accepted; ``now`` pins the clock (a datetime or a callable);
    ``leeway`` tolerates clock skew on every date comparison.
    """

    def __init__(
        self,
        *,
        resolver: KeyResolver | None = None,
        pins: Mapping[str, Any] | None = None,
        loader: DocumentLoader = bundled_loader,
        suites: Iterable[Cryptosuite] = DEFAULT_SUITES,
        now: datetime | Clock | None = None,
        leeway: float | timedelta = 60,
        canon_limits: CanonLimits = DEFAULT_LIMITS,
        input_limits: InputLimits = DEFAULT_INPUT_LIMITS,
        purpose: str = "assertionMethod",
    ) -> None:
        if resolver is not None and pins is not None:
            raise ValueError("pass either resolver= or pins=, not both")
        self.resolver: KeyResolver = resolver or default_resolver(pins)
        self.suites = tuple(suites)
        self.processing = Processing(loader, canon_limits)
        self.input_limits = input_limits
        self.leeway = as_timedelta(leeway)
        self.purpose = purpose
        self._clock: Clock = (lambda: now) if isinstance(now, datetime) else (now or utc_now)

    def __enter__(self) -> Verifier:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release network clients and caches (none are held yet)."""

    def check(
        self, data: Input, *, challenge: str | None = None, domain: str | None = None
    ) -> VerificationReport:
        """Run every check and return the report; never raises for a bad credential."""
        try:
            document = self._parse(data)
        except MalformedCredential as exc:
            failed = Check("parse", Status.FAILED, exc.message, exc.code, exc.pointer)
            return VerificationReport(checks=(failed,))
        run = _Run(document, self._clock(), challenge, domain)
        checks = (
            Check("parse", Status.PASSED, "a JSON object"),
            _run("proof", lambda: self._check_proofs(run)),
            _run("issuer", lambda: self._check_issuer(run)),
            _run("validity", lambda: self._check_validity(run)),
            _run("status", lambda: self._check_status(run)),
        )
        types = tuple(t for t in _as_list(document.get("type")) if isinstance(t, str))
        ident = document.get("id")
        return VerificationReport(
            checks=checks,
            credential_id=ident if isinstance(ident, str) else None,
            issuer=issuer_id(document),
            types=types,
        )

    def verify(
        self, data: Input, *, challenge: str | None = None, domain: str | None = None
    ) -> VerificationReport:
        """Like :meth:`check`, but raise :class:`VerificationFailed` unless verified."""
        report = self.check(data, challenge=challenge, domain=domain)
        if not report.verified:
            raise VerificationFailed(report)
        return report

    # -- steps ---------------------------------------------------------------------------

    def _parse(self, data: Input) -> dict[str, Any]:
        if isinstance(data, str | bytes):
            return parse_json_object(data, self.input_limits)
        if hasattr(data, "to_dict"):
            data = data.to_dict()
        return require_object(data, self.input_limits)

    def _check_proofs(self, run: _Run) -> Check:
        proofs = run.document.get("proof")
        if proofs is None or proofs == []:
            raise InvalidProof("the credential has no proof: it is not signed", pointer="/proof")
        items = _as_list(proofs)
        pointers = (
            [f"/proof/{i}" for i in range(len(items))] if isinstance(proofs, list) else ["/proof"]
        )
        children = tuple(
            _run("proof", partial(self._check_one_proof, run, items, proof, ptr))
            for proof, ptr in zip(items, pointers, strict=True)
        )
        for status in (Status.PASSED, Status.INDETERMINATE):
            best = [c for c in children if c.status is status]
            if best:
                first = best[0]
                message = (
                    first.message
                    if len(children) == 1
                    else (f"{len(best)} of {len(children)} proofs: {first.message}")
                )
                return Check("proof", status, message, first.code, first.pointer, children=children)
        first = children[0]
        return Check(
            "proof",
            Status.FAILED,
            first.message,
            first.code,
            first.pointer,
            children=children if len(children) > 1 else (),
        )

    def _suite(self, proof: Mapping[str, Any], pointer: str) -> Cryptosuite:
        kind, name = proof.get("type"), proof.get("cryptosuite")
        for suite in self.suites:
            if suite.proof_type == kind and suite.cryptosuite == name:
                return suite
        label = f"{kind}/{name}" if name is not None else str(kind)
        accepted = ", ".join(s.name for s in self.suites) or "none"
        raise UnsupportedSuite(
            f"proof suite {label} is not accepted (accepted: {accepted})", pointer=pointer
        )

    def _check_one_proof(self, run: _Run, proofs: list[Any], proof: Any, pointer: str) -> Check:
        if not isinstance(proof, Mapping):
            raise InvalidProof("a proof must be a JSON object", pointer=pointer)
        suite = self._suite(proof, pointer)
        method = self._check_proof_options(run, proof, pointer)
        unsecured = chain_input(run.document, proofs, proof.get("previousProof"))
        try:
            resolved = self.resolver(method)
        except MicrocredError as exc:
            exc.pointer = exc.pointer or f"{pointer}/verificationMethod"
            raise
        if not verify_proof_value(
            unsecured, proof, suite, resolved.key, self.processing, pointer=pointer
        ):
            raise InvalidSignature(
                f"the {suite.name} signature does not match the credential and the key "
                f"{method}: the credential was altered or signed with another key",
                pointer=f"{pointer}/proofValue",
            )
        run.bound_keys.append(resolved)
        return Check(
            "proof", Status.PASSED, f"{suite.name} signature by {method} is valid", pointer=pointer
        )

    def _check_proof_options(self, run: _Run, proof: Mapping[str, Any], pointer: str) -> str:
        method = proof.get("verificationMethod")
        if not isinstance(method, str) or not method:
            raise InvalidProof(
                "verificationMethod is missing or not a string",
                pointer=f"{pointer}/verificationMethod",
            )
        purpose = proof.get("proofPurpose")
        if purpose != self.purpose:
            raise InvalidProof(
                f"proofPurpose is {purpose!r}; a credential proof must be {self.purpose!r}",
                pointer=f"{pointer}/proofPurpose",
                code="MISMATCHED_PROOF_PURPOSE_ERROR",
            )
        if "created" in proof:
            created = parse_datetime(proof["created"], f"{pointer}/created")
            if created > run.now + self.leeway:
                raise InvalidProof(
                    f"the proof was created in the future ({proof['created']})",
                    pointer=f"{pointer}/created",
                    code="PROOF_VERIFICATION_ERROR",
                )
        if "expires" in proof:
            expires = parse_datetime(proof["expires"], f"{pointer}/expires")
            if expires < run.now - self.leeway:
                raise InvalidProof(
                    f"the proof expired at {proof['expires']}",
                    pointer=f"{pointer}/expires",
                    code="PROOF_VERIFICATION_ERROR",
                )
        for name, expected, code in (
            ("challenge", run.challenge, "INVALID_CHALLENGE_ERROR"),
            ("domain", run.domain, "INVALID_DOMAIN_ERROR"),
        ):
            if expected is not None and proof.get(name) != expected:
                raise InvalidProof(
                    f"the proof's {name} is {proof.get(name)!r}, expected {expected!r}",
                    pointer=f"{pointer}/{name}",
                    code=code,
                )
        return method

    def _check_issuer(self, run: _Run) -> Check:
        issuer = issuer_id(run.document)
        if issuer is None:
            raise MalformedCredential(
                "issuer is missing: it must be a URL or an object with an id", pointer="/issuer"
            )
        if not run.bound_keys:
            return Check("issuer", Status.SKIPPED, "no valid proof to bind to the issuer")
        for resolved in run.bound_keys:
            if resolved.controller == issuer and self.purpose in resolved.relationships:
                return Check(
                    "issuer",
                    Status.PASSED,
                    f"signed with {resolved.method_id}, a key of the issuer {issuer}",
                )
        resolved = run.bound_keys[0]
        if resolved.controller == issuer:
            raise IssuerMismatch(
                f"the issuer {issuer} does not list {resolved.method_id} under {self.purpose}",
                pointer="/issuer",
                code="INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD",
            )
        raise IssuerMismatch(
            f"the credential names issuer {issuer} but was signed with a key controlled by "
            f"{resolved.controller}",
            pointer="/issuer",
        )

    def _check_validity(self, run: _Run) -> Check:
        doc, now, leeway = run.document, run.now, self.leeway
        start_name = "validFrom" if "validFrom" in doc else "issuanceDate"
        end_name = "validUntil" if "validUntil" in doc else "expirationDate"
        if start_name in doc:
            start = parse_datetime(doc[start_name], f"/{start_name}")
            if now + leeway < start:
                raise PrematureCredential(
                    f"the credential is not valid before {doc[start_name]}",
                    pointer=f"/{start_name}",
                )
        if end_name in doc:
            end = parse_datetime(doc[end_name], f"/{end_name}")
            if now - leeway > end:
                raise ExpiredCredential(
                    f"the credential expired at {doc[end_name]}", pointer=f"/{end_name}"
                )
        return Check("validity", Status.PASSED, f"valid at {now.isoformat()}")

    def _check_status(self, run: _Run) -> Check:
        if "credentialStatus" not in run.document:
            return Check("status", Status.SKIPPED, "the credential declares no status")
        raise ResolutionError(
            "the credential declares a status list but no status checker is configured: "
            "its revocation status is unknown",
            pointer="/credentialStatus",
        )


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
