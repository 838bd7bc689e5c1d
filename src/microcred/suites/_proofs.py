"""The machinery every Data Integrity suite shares: proof configuration, hashing, signing.

For all three Ed25519 suites the signed bytes are ``sha256(transform(proofConfig)) ||
sha256(transform(document))`` — the proof configuration's hash first — and ``proofValue`` is
the base58btc multibase encoding of the 64-byte signature. Suites differ only in ``transform``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .. import _canon
from .._multibase import decode_multibase, encode_multibase
from .._parse import copy_json
from .._rdfc import DEFAULT_LIMITS, CanonLimits
from ..errors import (
    CredentialError,
    InvalidProof,
    MalformedCredential,
    ResourceLimitExceeded,
    UndefinedTerm,
)
from ..loaders import DocumentLoader, bundled_loader

__all__ = [
    "Cryptosuite",
    "DataIntegritySuite",
    "ProofOptions",
    "Transform",
    "add_proof",
    "jcs_transform",
    "proof_hash_data",
    "rdfc_transform",
    "verify_proof_value",
]

SIGNATURE_LENGTH = 64


@dataclass(frozen=True)
class Processing:
    """How documents are turned into bytes: where contexts come from and the work limits."""

    loader: DocumentLoader = bundled_loader
    limits: CanonLimits = DEFAULT_LIMITS
    #: Set by a caller whose documents (and the proofs built from their parts) all passed
    #: ``check_depth`` at this depth: canonicalisation need not walk them again to know they
    #: are plain JSON. The verifier and ``issue`` check every document they are given.
    checked_depth: int | None = None


Transform = Callable[[Mapping[str, Any], Processing], bytes]


def rdfc_transform(document: Mapping[str, Any], processing: Processing) -> bytes:
    """RDFC-1.0 canonical N-Quads of the JSON-LD document, in safe mode."""
    canonical = _canon.canonize(
        document,
        loader=processing.loader,
        limits=processing.limits,
        checked_depth=processing.checked_depth,
    )
    return canonical.encode()


def jcs_transform(document: Mapping[str, Any], processing: Processing) -> bytes:
    """RFC 8785 canonical JSON; numbers outside the I-JSON range are refused, not rounded."""
    import rfc8785  # on first use: only eddsa-jcs-2022 needs it

    try:
        data: bytes = rfc8785.dumps(document)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise MalformedCredential(f"cannot canonicalise as JSON (RFC 8785): {exc}") from None
    except RecursionError:
        raise ResourceLimitExceeded(
            "the document nests too deeply to canonicalise as JSON (RFC 8785); keep max_depth "
            "(InputLimits) at a few hundred levels at most"
        ) from None
    return data


class SigningKey(Protocol):
    """What a suite needs of a key."""

    def sign(self, data: bytes, /) -> bytes: ...

    def verify(self, data: bytes, signature: bytes, /) -> bool: ...


class Cryptosuite(Protocol):
    """A proof suite: the names it answers to and how documents become bytes."""

    @property
    def name(self) -> str: ...

    @property
    def proof_type(self) -> str: ...

    @property
    def cryptosuite(self) -> str | None: ...

    @property
    def proof_keeps_context(self) -> bool: ...

    @property
    def key_algorithm(self) -> str: ...

    def transform(self, document: Mapping[str, Any], processing: Processing, /) -> bytes: ...


@dataclass(frozen=True)
class DataIntegritySuite:
    """A concrete suite; ``proof_keeps_context`` says whether the proof carries ``@context``."""

    name: str
    proof_type: str
    cryptosuite: str | None
    transform: Transform = field(repr=False)
    proof_keeps_context: bool = False
    key_algorithm: str = "EdDSA"  # the JOSE name of the only key type the suite signs with


@dataclass(frozen=True)
class ProofOptions:
    """The options of a proof, in the order they appear in the proof object."""

    verification_method: str
    proof_purpose: str = "assertionMethod"
    created: str | None = None
    expires: str | None = None
    challenge: str | None = None
    domain: str | None = None
    id: str | None = None
    previous_proof: str | list[str] | None = None

    def to_proof(self, suite: Cryptosuite) -> dict[str, Any]:
        proof: dict[str, Any] = {"type": suite.proof_type}
        if self.id is not None:
            proof["id"] = self.id
        if suite.cryptosuite is not None:
            proof["cryptosuite"] = suite.cryptosuite
        optional = {
            "created": self.created,
            "verificationMethod": self.verification_method,
            "proofPurpose": self.proof_purpose,
            "expires": self.expires,
            "challenge": self.challenge,
            "domain": self.domain,
            "previousProof": self.previous_proof,
        }
        proof.update({k: v for k, v in optional.items() if v is not None})
        return proof


def proof_hash_data(
    document: Mapping[str, Any],
    proof_config: Mapping[str, Any],
    suite: Cryptosuite,
    processing: Processing = Processing(),
    *,
    proof_pointer: str = "/proof",
) -> bytes:
    """The 64 bytes that get signed: hash of the proof configuration, then of the document.

    A problem found in the proof configuration is reported at ``proof_pointer``.
    """
    try:
        config_bytes = suite.transform(proof_config, processing)
    except CredentialError as exc:
        if exc.pointer != "/@context":
            exc.pointer = proof_pointer + exc.pointer
        if isinstance(exc, UndefinedTerm) and suite.proof_type == "DataIntegrityProof":
            exc.message += _missing_proof_context(proof_config)
        raise
    config_hash = hashlib.sha256(config_bytes).digest()
    document_hash = hashlib.sha256(suite.transform(document, processing)).digest()
    return config_hash + document_hash


_V1 = "https://www.w3.org/2018/credentials/v1"
_DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"


def _missing_proof_context(config: Mapping[str, Any]) -> str:
    """The hint for the usual cause: a VC 1.1 credential without the Data Integrity context,
    which defines the proof's terms (the VC 2.0 context includes them)."""
    contexts = config.get("@context")
    listed = contexts if isinstance(contexts, list) else [contexts]
    if _V1 in listed and _DATA_INTEGRITY not in listed:
        return f" (a VC 1.1 credential needs {_DATA_INTEGRITY} in @context for this proof)"
    return ""


def _proof_config(
    document: Mapping[str, Any], proof: Mapping[str, Any], suite: Cryptosuite
) -> dict[str, Any]:
    """The proof without its value, under the document's ``@context`` (when it has one)."""
    config = dict(proof)  # a copy, then one key out: cheaper than filtering every key
    config.pop("proofValue", None)
    if "@context" in document and "@context" not in config:
        config["@context"] = document["@context"]
    return config


def _without_proof(document: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow view without ``proof``: canonicalisation only reads it."""
    view = dict(document)
    view.pop("proof", None)
    return view


def add_proof(
    document: Mapping[str, Any],
    key: SigningKey,
    suite: Cryptosuite,
    options: ProofOptions,
    processing: Processing = Processing(),
) -> dict[str, Any]:
    """A new document with one more proof (a proof set when it already had proofs).

    With ``options.previous_proof`` the new proof also covers the named earlier proofs
    (a proof chain). The input is never modified.
    """
    return add_proof_in_place(copy_json(dict(document)), key, suite, options, processing)


def add_proof_in_place(
    secured: dict[str, Any],
    key: SigningKey,
    suite: Cryptosuite,
    options: ProofOptions,
    processing: Processing = Processing(),
) -> dict[str, Any]:
    """:func:`add_proof` on a document that is the caller's own copy: it gets the proof itself."""
    existing = secured.pop("proof", [])
    existing = existing if isinstance(existing, list) else [existing]
    unsecured = chain_input(secured, existing, options.previous_proof)
    proof = options.to_proof(suite)
    config = _proof_config(unsecured, proof, suite)
    signature = key.sign(proof_hash_data(unsecured, config, suite, processing))
    if suite.proof_keeps_context and "@context" in config:
        proof["@context"] = copy_json(config["@context"])  # not shared with the document
    proof["proofValue"] = encode_multibase(signature)
    secured["proof"] = [*existing, proof] if existing else proof
    return secured


def chain_input(
    unsecured: Mapping[str, Any],
    proofs: list[Any],
    previous: str | list[str] | None,
) -> dict[str, Any]:
    """The document a proof covers: without proofs, or with the earlier proofs it chains to."""
    if previous is None:
        return _without_proof(unsecured)
    wanted = [previous] if isinstance(previous, str) else previous
    if not isinstance(wanted, list) or not all(isinstance(w, str) for w in wanted):
        raise InvalidProof("previousProof must be a proof id or a list of proof ids")
    ids = set(wanted)  # a set: a list of n names would cost n per proof
    found = [p for p in proofs if isinstance(p, Mapping) and _string_id(p) in ids]
    if len(found) != len(wanted):
        missing = sorted(set(wanted) - {str(p.get("id")) for p in found})
        raise InvalidProof(f"previousProof names proofs that are not present: {missing}")
    return {**_without_proof(unsecured), "proof": list(found)}


def _string_id(proof: Mapping[str, Any]) -> str | None:
    value = proof.get("id")
    return value if isinstance(value, str) else None


def verify_proof_value(
    unsecured: Mapping[str, Any],
    proof: Mapping[str, Any],
    suite: Cryptosuite,
    key: SigningKey,
    processing: Processing = Processing(),
    *,
    pointer: str = "/proof",
) -> bool:
    """Whether ``proof`` is a valid signature by ``key`` over ``unsecured``.

    Raises :class:`InvalidProof` when the proof cannot even be checked (malformed value,
    mismatched ``@context``); returns False only for a well-formed, wrong signature.
    """
    value = proof.get("proofValue")
    if not isinstance(value, str):
        raise InvalidProof("proofValue is missing or not a string", pointer=f"{pointer}/proofValue")
    try:
        signature = decode_multibase(value)
    except ValueError as exc:
        raise InvalidProof(
            f"proofValue is not base58btc multibase: {exc}", pointer=f"{pointer}/proofValue"
        ) from None
    if len(signature) != SIGNATURE_LENGTH:
        raise InvalidProof(
            f"proofValue decodes to {len(signature)} bytes; an Ed25519 signature has 64",
            pointer=f"{pointer}/proofValue",
        )
    if "@context" in proof and not _starts_with(unsecured.get("@context"), proof["@context"]):
        raise InvalidProof(
            "the proof's @context is not a prefix of the document's @context",
            pointer=f"{pointer}/@context",
        )
    config = _proof_config(unsecured, proof, suite)
    data = proof_hash_data(unsecured, config, suite, processing, proof_pointer=pointer)
    return key.verify(data, signature)


def _starts_with(context: Any, prefix: Any) -> bool:
    full = context if isinstance(context, list) else [context]
    head = prefix if isinstance(prefix, list) else [prefix]
    return full[: len(head)] == head
