"""The checks of the verification pipeline: proof, issuer binding, validity window.

Each check is a function of the shared :class:`Run` that returns a passing :class:`Check` or
raises a typed :class:`MicrocredError`; :func:`run_check` turns errors into report entries —
a :class:`CredentialError` fails the check, a :class:`ResolutionError` makes it indeterminate.
Anything else is a bug and propagates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol
from urllib.parse import urlsplit

from ._schema import validate_schema
from ._time import format_datetime, parse_datetime
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
    ResourceLimitExceeded,
    UnsupportedSuite,
)
from .report import Check, Problem, Status
from .resolvers import KeyResolver, ResolvedKey
from .suites import Cryptosuite
from .suites._proofs import Processing, chain_input, verify_proof_value

if TYPE_CHECKING:
    from ._jwt import JwtCredential, JwtKey

_P = ParamSpec("_P")

__all__ = [
    "Run",
    "as_list",
    "check_conformance",
    "check_issuer",
    "check_proofs",
    "check_validity",
    "issuer_id",
    "run_check",
]


class Config(Protocol):
    """What the checks read from the verifier's configuration."""

    @property
    def resolver(self) -> KeyResolver: ...
    @property
    def suites(self) -> tuple[Cryptosuite, ...]: ...
    @property
    def processing(self) -> Processing: ...
    @property
    def leeway(self) -> timedelta: ...
    @property
    def trust_embedded_keys(self) -> bool: ...
    @property
    def schema_warnings(self) -> bool: ...
    @property
    def jwt_algorithms(self) -> frozenset[str]: ...
    @property
    def max_proofs(self) -> int: ...


@dataclass(slots=True)  # slots: read by every check, made for every verification
class Run:
    """What the checks of one verification share."""

    config: Config
    document: dict[str, Any]
    now: datetime
    challenge: str | None = None
    domain: str | None = None
    purpose: str = "assertionMethod"
    signer: str = "issuer"  # the property naming who must control the key: issuer or holder
    bound_keys: list[ResolvedKey] = field(default_factory=list)
    jwt: JwtCredential | None = None  # set when the input was a VC-JWT
    jwt_key: JwtKey | None = None


def run_check(name: str, check: Callable[_P, Check], *args: _P.args, **kwargs: _P.kwargs) -> Check:
    """Run ``check(*args)``; a verdict error fails it, a could-not-complete one is indeterminate."""
    try:
        return check(*args, **kwargs)
    except CredentialError as exc:
        return Check(name, Status.FAILED, exc.message, exc.code, exc.pointer)
    except ResolutionError as exc:
        return Check(name, Status.INDETERMINATE, exc.message, exc.code, exc.pointer)


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def issuer_id(document: Mapping[str, Any], field: str = "issuer") -> str | None:
    """The id of ``issuer`` (or ``holder``), whether it is a URL or an object with an id."""
    party = document.get(field)
    if type(party) is dict or isinstance(party, Mapping):  # the exact type first: cheaper
        party = party.get("id")
    return party if isinstance(party, str) else None


def _no_party(role: str) -> MalformedCredential:
    """The one message for an ``issuer`` (``holder``) that is absent or has no id."""
    return MalformedCredential(
        f"{role} must be a URL, or an object whose id is a URL: it is missing, or has no such id",
        pointer=f"/{role}",
    )


VC_CONTEXTS = ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1")


def check_conformance(document: Mapping[str, Any], expected_type: str) -> None:
    """The VC data model rules that the signature cannot vouch for; raise on the first broken.

    A proof over RDF is blind to @context order, and a JCS proof to the meaning of ``type``:
    a validly signed document that is not a conforming credential (or presentation) is still
    refused, by the verifier as by :func:`microcred.issue`.
    """
    contexts = document.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first not in VC_CONTEXTS:
        raise MalformedCredential(
            f"@context must start with {VC_CONTEXTS[0]} (or the VC 1.1 context)",
            pointer="/@context",
        )
    if expected_type not in as_list(document.get("type")):
        raise MalformedCredential(f"type must include {expected_type!r}", pointer="/type")
    if expected_type == "VerifiableCredential":
        if issuer_id(document) is None:
            raise _no_party("issuer")
        if "credentialSubject" not in document:
            raise MalformedCredential("credentialSubject is required", pointer="/credentialSubject")


def check_proofs(run: Run) -> Check:
    proofs = run.document.get("proof")
    if proofs is None or proofs == []:
        raise InvalidProof("the credential has no proof: it is not signed", pointer="/proof")
    items = as_list(proofs)
    if len(items) > run.config.max_proofs:
        # each proof of a chain covers the document with the proofs before it: without a
        # bound, n proofs naming each other cost n canonicalisations of a growing document
        raise ResourceLimitExceeded(
            f"the credential has {len(items)} proofs; at most {run.config.max_proofs} are "
            "checked (raise Verifier(max_proofs=...) if that is expected)",
            pointer="/proof",
        )
    pointers = (
        [f"/proof/{i}" for i in range(len(items))] if isinstance(proofs, list) else ["/proof"]
    )
    children = tuple(
        run_check("proof", _check_one_proof, run, items, proof, ptr)
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


def _suite(run: Run, proof: Mapping[str, Any], pointer: str) -> Cryptosuite:
    kind, name = proof.get("type"), proof.get("cryptosuite")
    for suite in run.config.suites:
        if suite.proof_type == kind and suite.cryptosuite == name:
            return suite
    label = f"{kind}/{name}" if name is not None else str(kind)
    accepted = ", ".join(s.name for s in run.config.suites) or "none"
    raise UnsupportedSuite(
        f"proof suite {label} is not accepted (accepted: {accepted})", pointer=pointer
    )


def _check_one_proof(run: Run, proofs: list[Any], proof: Any, pointer: str) -> Check:
    if type(proof) is not dict and not isinstance(proof, Mapping):
        raise InvalidProof("a proof must be a JSON object", pointer=pointer)
    suite = _suite(run, proof, pointer)
    method = _check_proof_options(run, proof, pointer)
    unsecured = chain_input(run.document, proofs, proof.get("previousProof"))
    try:
        resolved = run.config.resolver(method)
    except MicrocredError as exc:
        exc.pointer = exc.pointer or f"{pointer}/verificationMethod"
        raise
    if resolved.key.algorithm != suite.key_algorithm:
        raise InvalidProof(
            f"{method} is a {resolved.key.algorithm} key; the {suite.name} suite verifies only "
            f"{suite.key_algorithm} keys",
            pointer=f"{pointer}/verificationMethod",
            code="INVALID_VERIFICATION_METHOD",
        )
    if not verify_proof_value(
        unsecured, proof, suite, resolved.key, run.config.processing, pointer=pointer
    ):
        raise InvalidSignature(
            f"the {suite.name} signature does not match the credential and the key "
            f"{_shown_method(method)}: the credential was altered or signed with another key; "
            "do not rely on what it says (its issuer can send an intact copy)",
            pointer=f"{pointer}/proofValue",
        )
    run.bound_keys.append(resolved)
    shown = _shown_method(method)
    return Check(
        "proof", Status.PASSED, f"{suite.name} signature by {shown} is valid", pointer=pointer
    )


def _shown_method(method: str) -> str:
    """A did:key method as its DID: its fragment only repeats the key (``did:key:z6Mk…#z6Mk…``)."""
    did, _, fragment = method.partition("#")
    return did if did.startswith("did:key:") and fragment == did[8:] else method


def _check_proof_options(run: Run, proof: Mapping[str, Any], pointer: str) -> str:
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise InvalidProof(
            "verificationMethod is missing or not a string",
            pointer=f"{pointer}/verificationMethod",
        )
    purpose = proof.get("proofPurpose")
    if purpose != run.purpose:
        raise InvalidProof(
            f"proofPurpose is {purpose!r}; this proof must be {run.purpose!r}",
            pointer=f"{pointer}/proofPurpose",
            code="MISMATCHED_PROOF_PURPOSE_ERROR",
        )
    if "created" in proof:
        created = parse_datetime(proof["created"], f"{pointer}/created")
        if created - run.now > run.config.leeway:  # differences never overflow
            raise InvalidProof(
                f"the proof was created in the future ({proof['created']})",
                pointer=f"{pointer}/created",
                code="PROOF_VERIFICATION_ERROR",
            )
    if "expires" in proof:
        expires = parse_datetime(proof["expires"], f"{pointer}/expires")
        if run.now - expires > run.config.leeway:
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


def _controls(resolved: ResolvedKey, issuer: str) -> bool:
    """Whether the key speaks for the issuer: its controller, or (JWK Sets) its web origin."""
    if resolved.origin_bound:
        parts = urlsplit(issuer)
        return parts.scheme == "https" and f"https://{parts.netloc}" == resolved.controller
    return resolved.controller == issuer


def check_issuer(run: Run) -> Check:
    """The key of a verified proof is controlled by the issuer (the holder, for presentations)."""
    role = run.signer
    party = issuer_id(run.document, role)
    if party is None:
        raise _no_party(role)
    if not run.bound_keys:
        return Check(role, Status.SKIPPED, f"no valid proof to bind to the {role}")
    for resolved in run.bound_keys:
        if _controls(resolved, party) and run.purpose in resolved.relationships:
            return Check(
                role,
                Status.PASSED,
                f"signed with {resolved.method_id}, a key of the {role} {party}",
            )
    resolved = run.bound_keys[0]
    if _controls(resolved, party):
        raise IssuerMismatch(
            f"the {role} {party} does not list {resolved.method_id} under {run.purpose}",
            pointer=f"/{role}",
            code="INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD",
        )
    raise IssuerMismatch(
        f"the {role} is {party} but the proof was made with a key controlled by "
        f"{resolved.controller}",
        pointer=f"/{role}",
    )


def validity_period(
    doc: Mapping[str, Any],
) -> tuple[tuple[str, datetime] | None, tuple[str, datetime] | None]:
    """The credential's start and end, each with the property that gives it (VC 2.0's
    ``validFrom`` / ``validUntil``, or VC 1.1's names); MalformedCredential for a bad date."""
    start_name = "validFrom" if "validFrom" in doc else "issuanceDate"
    end_name = "validUntil" if "validUntil" in doc else "expirationDate"
    return _dated(doc, start_name), _dated(doc, end_name)


def _dated(doc: Mapping[str, Any], name: str) -> tuple[str, datetime] | None:
    return (name, parse_datetime(doc[name], f"/{name}")) if name in doc else None


def check_validity(run: Run) -> Check:
    doc, now, leeway = run.document, run.now, run.config.leeway
    start, end = validity_period(doc)
    if start is not None and start[1] - now > leeway:
        raise PrematureCredential(
            f"the credential is not valid before {doc[start[0]]}", pointer=f"/{start[0]}"
        )
    if end is not None and now - end[1] > leeway:
        raise ExpiredCredential(f"the credential expired at {doc[end[0]]}", pointer=f"/{end[0]}")
    return Check("validity", Status.PASSED, f"valid at {_to_the_second(now)}")


_last_second: tuple[float, str] = (float("nan"), "")


def _to_the_second(now: datetime) -> str:
    """``now`` for a message, to the second; the last one is remembered (a batch shares it)."""
    global _last_second
    second = now.timestamp() // 1
    seen, text = _last_second
    if second != seen:
        try:
            text = format_datetime(now)
        except (OverflowError, ValueError):  # the edge of the calendar in another time zone
            text = now.isoformat()
        _last_second = (second, text)
    return text


def check_schema(run: Run) -> Check:
    """OB conformance: the schemas the credential declares decide; the rest only inform.

    A declared ``1EdTechJsonSchemaValidator2019`` schema that the credential breaks fails the
    check, one that cannot be checked offline makes it indeterminate. With the verifier's
    ``schema_warnings``, the schema inferred from the credential's type and the OB semantic
    rules are checked too and reported as warnings (they cost more than the signature check).
    """
    check_conformance(run.document, "VerifiableCredential")
    if "credentialSchema" not in run.document and not run.config.schema_warnings:
        return _NO_SCHEMA  # the usual case, without the machinery for findings
    declared = validate_schema(run.document, inferred=False)
    informative = []
    if run.config.schema_warnings:
        from .models import check_semantics  # on first use: importing the models costs

        informative = [
            f for f in validate_schema(run.document, declared=False) if f not in declared
        ]
        informative += check_semantics(run.document)
    warnings = tuple(
        Problem(f.code.upper().replace("-", "_"), f.message, f.pointer)
        for f in [*declared, *informative]
        if f.severity == "warning" or f in informative
    )
    for severity, error in (("error", MalformedCredential), ("indeterminate", ResolutionError)):
        problems = [f for f in declared if f.severity == severity]
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise error(
                problems[0].message + more,
                pointer=problems[0].pointer,
                code="SCHEMA_" + ("ERROR" if severity == "error" else "UNAVAILABLE"),
            )
    count = len(as_list(run.document.get("credentialSchema", [])))
    if not count and not warnings:
        return _NO_SCHEMA
    message = f"conforms to its {count} declared schema(s)" if count else "no schema declared"
    return Check("schema", Status.PASSED, message, warnings=warnings)


_NO_SCHEMA = Check("schema", Status.PASSED, "no schema declared")
