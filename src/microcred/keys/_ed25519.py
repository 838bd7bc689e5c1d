"""Ed25519 keys and their published forms: Multikey, JWK (RFC 8037), did:key.

This is the only module that imports PyNaCl; every malformed key becomes ``InvalidKey`` here,
with a message naming what is wrong (and a JSON Pointer when a field is at fault), so nothing
from the crypto library leaks out. Secret material never appears in a repr or a message.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import nacl.bindings
import nacl.exceptions
import nacl.signing

from .._multibase import (
    ED25519_PRIV,
    ED25519_PUB,
    KEY_CODEC_NAMES,
    b58decode,
    b64url_decode,
    b64url_encode,
    codec_name,
    decode_multibase,
    encode_multibase,
    strip_multicodec,
)
from .._parse import InputLimits, parse_json_object
from ..errors import InvalidKey, MicrocredError, SigningError

__all__ = ["DID_CONTEXT", "MULTIKEY_CONTEXT", "Ed25519Key", "Key", "to_key_file"]

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
_JWK_VALUES = {"kty": ("OKP",), "crv": ("Ed25519",), "alg": ("EdDSA", "Ed25519")}
_PUBLIC = "publicKeyMultibase"
_SECRET_FIELDS = ("secretKeyMultibase", "privateKeyMultibase")
_PUBLISHED_SECRETS = (*_SECRET_FIELDS, "privateKeyJwk", "privateKeyBase58")
_MULTIBASE_TYPES = ("Multikey", "Ed25519VerificationKey2020")
_JWK_TYPES = ("JsonWebKey2020", "JsonWebKey")
_PURPOSES = ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation")


class Key(Protocol):
    """What signing and verifying code needs from any key: Ed25519, RSA or EC P-256."""

    @property
    def algorithm(self) -> str: ...  # the JOSE name, e.g. "EdDSA"

    def sign(self, data: bytes) -> bytes: ...

    def verify(self, data: bytes, signature: bytes) -> bool: ...

    def public_jwk(self) -> dict[str, str]: ...


@contextmanager
def _field(label: str, pointer: str = "") -> Iterator[None]:
    """Turn decoding problems into ``InvalidKey`` naming the field, without a chained traceback."""
    try:
        yield
    except (ValueError, InvalidKey) as exc:
        message = exc.message if isinstance(exc, InvalidKey) else str(exc)
        raise InvalidKey(f"{label}: {message}", pointer=pointer) from None


def _bytes32(value: object, what: str) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise InvalidKey(f"{what} must be bytes, not {type(value).__name__}")
    if len(raw := bytes(value)) != 32:
        raise InvalidKey(f"{what} must be 32 bytes, got {len(raw)}")
    return raw


def _jwk_member(jwk: Mapping[str, object], name: str, pointer: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise InvalidKey(f"JWK {name!r} must be a base64url string", pointer=f"{pointer}/{name}")
    with _field(f"JWK {name!r}", f"{pointer}/{name}"):
        return _bytes32(b64url_decode(value), "the decoded value")


class Ed25519Key:
    """An Ed25519 key pair, or a public key alone (verify-only). Immutable; equal by public key."""

    __slots__ = ("_jwk_x", "_multibase", "_public", "_signer")
    _public: bytes
    _signer: nacl.signing.SigningKey | None
    _multibase: str  # computed on first use: base58 costs more than a signature
    _jwk_x: str  # computed on first use: a VC-JWT check asks for the JWK on every verification

    def __init__(self, public_key: bytes, seed: bytes | None = None) -> None:
        """Prefer the ``from_*`` constructors; this one checks the pair is consistent."""
        public = _bytes32(public_key, "Ed25519 public key")
        signer = None
        if seed is not None:
            signer = nacl.signing.SigningKey(_bytes32(seed, "Ed25519 seed"))
            if bytes(signer.verify_key) != public:
                raise InvalidKey("the public key does not match the secret key")
        if not nacl.bindings.crypto_core_ed25519_is_valid_point(public):
            raise InvalidKey("not a valid Ed25519 public key (not a point of the main subgroup)")
        object.__setattr__(self, "_public", public)
        object.__setattr__(self, "_signer", signer)

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def generate(cls) -> Ed25519Key:
        return cls.from_seed(bytes(nacl.signing.SigningKey.generate()))

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519Key:
        """From the 32-byte RFC 8032 secret key (the seed, not libsodium's 64-byte form)."""
        signer = nacl.signing.SigningKey(_bytes32(seed, "Ed25519 seed"))
        return cls(bytes(signer.verify_key), bytes(signer))

    @classmethod
    def from_public_bytes(cls, public_key: bytes) -> Ed25519Key:
        return cls(public_key)

    @classmethod
    def from_multibase(cls, text: str) -> Ed25519Key:
        """Public ``z6Mk…``, secret Multikey ``z3u2…``, or 1EdTech ``zrv2…`` (seed || public)."""
        return cls._decode(text, "multibase key", "", True)

    @classmethod
    def _decode(cls, text: object, label: str, pointer: str, secret_ok: bool) -> Ed25519Key:
        """Decode a multibase key; ``secret_ok`` is False for anything read from a publication."""
        expected = "0xed01 (ed25519-pub) + 32 bytes" + (" or 0x8026 + 32" if secret_ok else "")
        with _field(label, pointer):
            if not isinstance(text, str):
                raise InvalidKey(f"must be a multibase string, not {type(text).__name__}")
            data = decode_multibase(text)
            if data.startswith(ED25519_PUB):
                return cls(strip_multicodec(data, ED25519_PUB, 32, "Ed25519 public key"))
            if data.startswith(ED25519_PRIV) and not secret_ok:
                raise InvalidKey("holds a secret key; secret key material must never be published")
            if data.startswith(ED25519_PRIV):
                if len(data) == 2 + 64:  # the 1EdTech layout: seed || public, which must agree
                    return cls(data[34:], data[2:34])
                return cls.from_seed(strip_multicodec(data, ED25519_PRIV, 32, "Ed25519 secret key"))
            # Where a secret may be, show only a known header: unknown bytes may be secret bits.
            shown = data[:2] in KEY_CODEC_NAMES or len(data) < 2 or not secret_ok
            found = f"{codec_name(data) if shown else 'an unknown header'}, {len(data)} bytes"
            raise InvalidKey(f"not an Ed25519 key: found {found} in all; expected {expected}")

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, object]) -> Ed25519Key:
        """An RFC 8037 OKP JWK: public (``x``) or private (``x`` and ``d``)."""
        return cls._jwk(jwk, "")

    @classmethod
    def _jwk(cls, jwk: object, pointer: str) -> Ed25519Key:
        if not isinstance(jwk, Mapping):
            raise InvalidKey("JWK must be a JSON object", pointer=pointer)
        for name, allowed in _JWK_VALUES.items():
            value = jwk.get(name, "EdDSA" if name == "alg" else None)  # alg is optional
            if value not in allowed:
                raise InvalidKey(
                    f"JWK {name!r} must be {allowed[0]!r} for an Ed25519 key, found {value!r:.40}",
                    pointer=f"{pointer}/{name}",
                )
        public = _jwk_member(jwk, "x", pointer)
        seed = _jwk_member(jwk, "d", pointer) if "d" in jwk else None
        with _field("JWK 'x'", f"{pointer}/x"):
            return cls(public, seed)

    @classmethod
    def from_did_key(cls, did_or_vm: str) -> Ed25519Key:
        """``did:key:z6Mk…`` or ``did:key:z6Mk…#z6Mk…`` (the fragment must repeat the id)."""
        if not isinstance(did_or_vm, str) or not did_or_vm.startswith("did:key:"):
            raise InvalidKey("not a did:key identifier: expected 'did:key:z6Mk…'")
        did, hash_sign, fragment = did_or_vm.partition("#")
        msid = did.removeprefix("did:key:")
        if hash_sign and fragment != msid:
            raise InvalidKey("did:key fragment must equal the method-specific identifier")
        return cls._decode(msid, "did:key identifier", "", False)

    @classmethod
    def from_verification_method(cls, vm: Mapping[str, object]) -> Ed25519Key:
        """A published verification method; refuses any secret material found in it."""
        if not isinstance(vm, Mapping):
            raise InvalidKey("verification method must be a JSON object")
        jwk = vm.get("publicKeyJwk")
        secrets = [name for name in _PUBLISHED_SECRETS if name in vm]
        if isinstance(jwk, Mapping) and "d" in jwk:
            secrets.append("publicKeyJwk/d")
        if secrets:
            raise InvalidKey(
                f"verification method has {secrets[0]!r}: secret key material must never be "
                "published",
                pointer=f"/{secrets[0]}",
            )
        vm_type = vm.get("type")
        if vm_type in _MULTIBASE_TYPES:
            return cls._decode(vm.get(_PUBLIC), _PUBLIC, f"/{_PUBLIC}", False)
        if vm_type in _JWK_TYPES:
            return cls._jwk(jwk, "/publicKeyJwk")
        if vm_type == "Ed25519VerificationKey2018":
            value = vm.get("publicKeyBase58")
            with _field("publicKeyBase58", "/publicKeyBase58"):
                if not isinstance(value, str):
                    raise InvalidKey("must be a base58 string")
                return cls(b58decode(value))
        raise InvalidKey(
            f"unsupported verification method type {vm_type!r:.60}; expected one of "
            f"{', '.join((*_MULTIBASE_TYPES, *_JWK_TYPES, 'Ed25519VerificationKey2018'))}",
            pointer="/type",
        )

    @classmethod
    def from_key_file(cls, data: Mapping[str, object] | str | os.PathLike[str]) -> Ed25519Key:
        """Read :func:`to_key_file` output (a ``microcred keygen`` file), or a bare public/secret
        Multikey pair: its parsed JSON, or the path of the file."""
        if isinstance(data, str | os.PathLike):
            data = _read_key_file(os.fspath(data))
        if not isinstance(data, Mapping):
            raise InvalidKey("key file must be a JSON object")
        if (kind := data.get("type", "Multikey")) != "Multikey":
            raise InvalidKey(
                f"key file 'type' must be 'Multikey', not {kind!r:.40}", pointer="/type"
            )
        public = (
            cls._decode(data[_PUBLIC], _PUBLIC, f"/{_PUBLIC}", False) if _PUBLIC in data else None
        )
        present = [name for name in _SECRET_FIELDS if name in data]
        if not present:
            if public is None:
                raise InvalidKey("key file has neither publicKeyMultibase nor secretKeyMultibase")
            return public
        if data[present[0]] != data[present[-1]]:
            raise InvalidKey("key file's secretKeyMultibase and privateKeyMultibase differ")
        name = present[0]
        key = cls._decode(data[name], name, f"/{name}", True)
        if not key.has_secret:
            raise InvalidKey(f"{name} holds a public key, not a secret key", pointer=f"/{name}")
        if public is not None and public != key:
            raise InvalidKey(f"{_PUBLIC} does not match {name}", pointer=f"/{_PUBLIC}")
        return key

    # -- public forms ------------------------------------------------------------------------
    @property
    def algorithm(self) -> str:
        return "EdDSA"

    @property
    def public_bytes(self) -> bytes:
        return self._public

    @property
    def has_secret(self) -> bool:
        return self._signer is not None

    @property
    def public_key_multibase(self) -> str:
        try:
            return self._multibase
        except AttributeError:
            value = encode_multibase(ED25519_PUB + self._public)
            object.__setattr__(self, "_multibase", value)
            return value

    @property
    def did(self) -> str:
        return f"did:key:{self.public_key_multibase}"

    @property
    def verification_method(self) -> str:
        return f"{self.did}#{self.public_key_multibase}"

    def public_jwk(self) -> dict[str, str]:
        try:
            x = self._jwk_x
        except AttributeError:
            x = b64url_encode(self._public)
            object.__setattr__(self, "_jwk_x", x)
        return {"kty": "OKP", "crv": "Ed25519", "x": x}

    def did_document(self) -> dict[str, Any]:
        """The did:key DID document (without the optional X25519 keyAgreement derivation)."""
        doc: dict[str, Any] = {"@context": [DID_CONTEXT, MULTIKEY_CONTEXT], "id": self.did}
        doc["verificationMethod"] = [self.verification_method_document()]
        for relationship in _PURPOSES:  # the verification relationships of a did:key document
            doc[relationship] = [self.verification_method]
        return doc

    def verification_method_document(
        self, id: str | None = None, controller: str | None = None, type: str = "Multikey"
    ) -> dict[str, Any]:
        """A verification method to publish; the controller defaults to the id before ``#``."""
        vm_id = self.verification_method if id is None else id
        doc: dict[str, Any] = {"id": vm_id, "type": type}
        doc["controller"] = vm_id.partition("#")[0] if controller is None else controller
        if type in _MULTIBASE_TYPES:
            doc["publicKeyMultibase"] = self.public_key_multibase
        elif type in _JWK_TYPES:
            doc["publicKeyJwk"] = self.public_jwk()
        else:
            raise ValueError(f"cannot express an Ed25519 key as a {type!r:.60} verification method")
        return doc

    # -- secret forms ------------------------------------------------------------------------
    def _signing_key(self) -> nacl.signing.SigningKey:
        if self._signer is None:
            raise SigningError(f"{self.did} is a verify-only key: it has no secret key")
        return self._signer

    def seed(self) -> bytes:
        return bytes(self._signing_key())

    def secret_key_multibase(self) -> str:
        return encode_multibase(ED25519_PRIV + self.seed())

    def private_jwk(self) -> dict[str, str]:
        return {**self.public_jwk(), "d": b64url_encode(self.seed())}

    # -- signatures --------------------------------------------------------------------------
    def sign(self, data: bytes) -> bytes:
        return self._signing_key().sign(bytes(data)).signature

    def verify(self, data: bytes, signature: bytes) -> bool:
        """True only for a valid signature: a bad one is an answer, not an exception."""
        if not isinstance(signature, bytes | bytearray | memoryview) or len(signature) != 64:
            return False
        try:
            nacl.signing.VerifyKey(self._public).verify(bytes(data), bytes(signature))
        except nacl.exceptions.BadSignatureError:
            return False
        return True

    # -- a value: immutable, hashable; no secret in its repr, copies or pickles --------------
    def __eq__(self, other: object) -> bool:
        return self._public == other._public if isinstance(other, Ed25519Key) else NotImplemented

    def __hash__(self) -> int:
        return hash(("Ed25519", self._public))

    def __repr__(self) -> str:
        return f"Ed25519Key({self.did}, secret={self.has_secret})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Ed25519Key is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Ed25519Key is immutable")

    def __copy__(self) -> Ed25519Key:
        return self

    def __deepcopy__(self, memo: object) -> Ed25519Key:
        return self

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        """Pickle public keys only: a secret is exported on purpose, never by accident."""
        if self._signer is not None:
            raise TypeError("refusing to pickle a secret key; use secret_key_multibase()")
        return (Ed25519Key.from_public_bytes, (self._public,))


def to_key_file(key: Ed25519Key) -> dict[str, str]:
    """The JSON the CLI stores: a did:key Multikey, with ``secretKeyMultibase`` when known."""
    data = {"type": "Multikey", "id": key.verification_method, "controller": key.did}
    data["publicKeyMultibase"] = key.public_key_multibase
    if key.has_secret:
        data["secretKeyMultibase"] = key.secret_key_multibase()
    return data


_KEY_FILE_LIMITS = InputLimits(max_bytes=64 * 1024, max_depth=4)


def _read_key_file(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as file:
            text = file.read(_KEY_FILE_LIMITS.max_bytes + 1)
    except OSError as exc:
        raise InvalidKey(f"cannot read the key file {path!r}: {exc.strerror or exc}") from None
    try:
        return parse_json_object(text, _KEY_FILE_LIMITS)
    except MicrocredError as exc:
        raise InvalidKey(f"the key file {path!r} is not a key file: {exc.message}") from None
