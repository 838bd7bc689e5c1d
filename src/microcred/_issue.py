"""Issuing: add a Data Integrity proof to a credential, refusing what a verifier would reject."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ._checks import VC_CONTEXTS, check_conformance, issuer_id, validity_period
from ._jwt import issue_jwt
from ._parse import DEFAULT_INPUT_LIMITS, checked_copy, copy_json, kind_of
from ._time import format_datetime, parse_datetime, utc_now
from .errors import MalformedCredential, ResourceLimitExceeded, SigningError
from .keys import Ed25519Key, Key
from .loaders import DocumentLoader, bundled_loader
from .suites import DEFAULT_SUITES, ProofOptions, suite_for
from .suites._proofs import Processing, add_proof_in_place

__all__ = ["issue", "sign_presentation", "sign_presentation_jwt"]


def _stamp(moment: datetime | str, name: str) -> str:
    """A proof date-time as written; a string must already be one a verifier accepts."""
    if isinstance(moment, datetime):
        return format_datetime(moment)
    parse_datetime(moment, f"/proof/{name}")  # raises MalformedCredential, naming it
    return moment


def _check_key_matches(method: str, key: Ed25519Key) -> None:
    """A did:key method names its key: refuse to sign with another one."""
    if method.startswith("did:key:") and method != key.verification_method:
        named = Ed25519Key.from_did_key(method)
        if named.public_jwk() != key.public_jwk():
            raise SigningError(
                f"{method} names another key than the one given: the proof could not verify"
            )


def _controller_of(method: str) -> str:
    return method.partition("#")[0]


def issue(
    credential: Mapping[str, Any] | Any,
    key: Ed25519Key,
    *,
    suite: str = "eddsa-rdfc-2022",
    created: datetime | str | None = None,
    verification_method: str | None = None,
    proof_purpose: str = "assertionMethod",
    expires: datetime | str | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    proof_id: str | None = None,
    loader: DocumentLoader = bundled_loader,
) -> dict[str, Any]:
    """Sign ``credential`` (a dict or a model) and return a new dict; the input is untouched.

    The key's controller must be the credential's issuer, and the credential must conform to
    the VC data model with every term defined by its contexts: otherwise this raises
    (:class:`MalformedCredential`, :class:`UndefinedTerm`, :class:`SigningError`) rather than
    produce a credential that verifiers will reject. A credential that already has a proof gets
    a second one (a proof set).
    """
    if hasattr(credential, "to_dict"):
        credential = credential.to_dict()
    document = checked_copy(credential)  # signed in place: the input is never changed
    expected_type = (
        "VerifiablePresentation" if proof_purpose == "authentication" else "VerifiableCredential"
    )
    check_conformance(document, expected_type)
    validity_period(document)  # a date verifiers cannot read fails them all: refuse it here
    if not isinstance(key, Ed25519Key):
        raise SigningError(
            f"Data Integrity proofs are signed with an Ed25519Key, not {type(key).__name__} "
            "(for RSA and EC keys use issue_jwt)"
        )
    if verification_method is not None and not isinstance(verification_method, str):
        raise SigningError(f"verification_method must be a string, not {verification_method!r:.40}")
    if not isinstance(proof_purpose, str) or not proof_purpose:
        raise SigningError(f"proof_purpose must be a non-empty string, not {proof_purpose!r:.40}")
    method = verification_method or key.verification_method
    if expected_type == "VerifiableCredential" and _controller_of(method) != issuer_id(document):
        raise SigningError(
            f"the issuer is {issuer_id(document)} but the key {method} is controlled by "
            f"{_controller_of(method)}: verifiers would reject it; set issuer to "
            f"{_controller_of(method)}, or name the verification method the issuer publishes "
            "(verification_method=, --verification-method)"
        )
    _check_key_matches(method, key)
    try:
        chosen = suite_for(suite, DEFAULT_SUITES)
    except KeyError:
        names = ", ".join(s.name for s in DEFAULT_SUITES)
        raise SigningError(f"unknown suite {suite!r}; choose one of {names}") from None
    options = ProofOptions(
        verification_method=method,
        proof_purpose=proof_purpose,
        created=_stamp(created if created is not None else utc_now(), "created"),
        expires=_stamp(expires, "expires") if expires is not None else None,
        challenge=challenge,
        domain=domain,
        id=proof_id,
    )
    checked = Processing(loader, checked_depth=DEFAULT_INPUT_LIMITS.max_depth)  # checked_copy
    try:
        return add_proof_in_place(document, key, chosen, options, checked)
    except ResourceLimitExceeded as exc:  # its advice (raise CanonLimits) is a verifier's
        reason = exc.message.partition(" (raise it")[0]
        raise ResourceLimitExceeded(
            f"{reason}: verifiers with the default limits would refuse this credential; make it "
            "smaller or simpler (fewer repeated nodes)",
            pointer=exc.pointer,
        ) from None


def new_urn_uuid() -> str:
    """A fresh ``urn:uuid:`` identifier for a credential."""
    import uuid  # on first use: only issuing needs it, and it slows every start-up

    return f"urn:uuid:{uuid.uuid4()}"


def _presentation(
    credentials: Iterable[Mapping[str, Any] | str | Any], holder: str, presentation_id: str | None
) -> dict[str, Any]:
    presentation: dict[str, Any] = {"@context": [VC_CONTEXTS[0]]}
    if presentation_id is not None:
        presentation["id"] = presentation_id
    presentation["type"] = ["VerifiablePresentation"]
    presentation["holder"] = holder
    presented = []
    for index, credential in enumerate(credentials):
        try:
            presented.append(_presentable(credential))
        except MalformedCredential as exc:
            exc.pointer = f"/verifiableCredential/{index}"
            raise
    presentation["verifiableCredential"] = presented
    return presentation


def sign_presentation(
    credentials: Iterable[Mapping[str, Any] | str | Any],
    holder_key: Ed25519Key,
    *,
    challenge: str,
    domain: str | None = None,
    holder: str | None = None,
    suite: str = "eddsa-rdfc-2022",
    created: datetime | str | None = None,
    verification_method: str | None = None,
    presentation_id: str | None = None,
    loader: DocumentLoader = bundled_loader,
) -> dict[str, Any]:
    """A Verifiable Presentation of ``credentials``, signed by the holder for one verifier.

    ``challenge`` (and ``domain``) come from the verifier and make the presentation useless
    anywhere else. Credentials may be signed dicts or models, or VC-JWT strings (enveloped as
    VCDM 2.0 ``EnvelopedVerifiableCredential``). The holder defaults to the key's controller.
    """
    method = verification_method or holder_key.verification_method
    presentation = _presentation(credentials, holder or _controller_of(method), presentation_id)
    return issue(
        presentation,
        holder_key,
        suite=suite,
        created=created,
        verification_method=method,
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
        loader=loader,
    )


def sign_presentation_jwt(
    credentials: Iterable[Mapping[str, Any] | str | Any],
    holder_key: Key,
    *,
    challenge: str,
    domain: str | None = None,
    holder: str | None = None,
    kid: str | None = None,
    presentation_id: str | None = None,
    issued_at: datetime | None = None,
) -> str:
    """A VP-JWT of ``credentials``: the presentation as the payload, signed by the holder.

    The challenge becomes the ``nonce`` claim and the domain the ``aud`` claim. An Ed25519
    holder defaults to its did:key; an RSA or EC holder needs ``holder`` and the ``kid`` where
    verifiers find its key.
    """
    if holder is None:
        if not isinstance(holder_key, Ed25519Key):
            raise SigningError(f"a {holder_key.algorithm} key needs holder= and kid=")
        holder = holder_key.did
    presentation = _presentation(credentials, holder, presentation_id)
    check_conformance(presentation, "VerifiablePresentation")
    return issue_jwt(
        presentation,
        holder_key,
        kid=kid,
        issued_at=issued_at if issued_at is not None else utc_now(),
        nonce=challenge,
        audience=domain,
    )


def _presentable(credential: Mapping[str, Any] | str | Any) -> Any:
    if isinstance(credential, str):
        return {
            "@context": [VC_CONTEXTS[0]],
            "id": f"data:application/vc+jwt,{credential}",
            "type": "EnvelopedVerifiableCredential",
        }
    if hasattr(credential, "to_dict"):
        return credential.to_dict()
    if not isinstance(credential, Mapping):
        raise MalformedCredential(
            "a presented credential is a JSON object, a model or a VC-JWT string, not "
            f"{kind_of(credential)}"
        )
    return copy_json(dict(credential))
