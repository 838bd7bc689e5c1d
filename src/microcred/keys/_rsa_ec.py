"""RSA (RS256) and EC P-256 (ES256) keys: generate, JWK and PEM import/export, sign, verify.

The arithmetic happens in :mod:`microcred._jose` (jwcrypto and its ``cryptography`` backend);
this module checks the shape of what it is given and names the field at fault. Keys are
immutable values, equal by public key; no secret appears in a repr, a message, a copy or a
pickle. RSA keys must have 2048 to 16384 bits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Self

from .._jose import (
    PRIVATE_JWK_MEMBERS,
    KeyMaterial,
    generate_material,
    jwk_thumbprint,
    material_from_ec_point,
    material_from_jwk,
    material_from_pem,
)
from .._multibase import b64url_decode, codec_name, decode_multibase, encode_multibase
from ..errors import InvalidKey, SigningError
from ._ed25519 import Ed25519Key, Key

__all__ = ["ECKey", "RSAKey", "key_from_jwk", "key_from_verification_method"]

MIN_RSA_BITS, MAX_RSA_BITS = 2048, 16384
_P256_PUB = b"\x80\x24"  # multicodec p256-pub (0x1200) as a varint
_JWK_TYPES = ("JsonWebKey", "JsonWebKey2020")
_PUBLISHED_SECRETS = ("secretKeyMultibase", "privateKeyMultibase", "privateKeyJwk")


def _member(jwk: Mapping[str, object], name: str, pointer: str, size: int | None = None) -> str:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise InvalidKey(f"JWK {name!r} must be a base64url string", pointer=f"{pointer}/{name}")
    try:
        raw = b64url_decode(value)
    except ValueError:
        raise InvalidKey(
            f"JWK {name!r} is not valid base64url", pointer=f"{pointer}/{name}"
        ) from None
    if size is not None and len(raw) != size:
        raise InvalidKey(
            f"JWK {name!r} must decode to {size} bytes, found {len(raw)}",
            pointer=f"{pointer}/{name}",
        )
    if not raw:
        raise InvalidKey(f"JWK {name!r} is empty", pointer=f"{pointer}/{name}")
    return value


class _JoseKey:
    """What RSAKey and ECKey share; subclasses name the key type, algorithm and members."""

    __slots__ = ("_material",)
    _material: KeyMaterial
    _KTY: ClassVar[str]
    _ALG: ClassVar[str]

    def __init__(self, material: KeyMaterial) -> None:
        """Prefer the ``from_*`` constructors and ``generate()``."""
        if not isinstance(material, KeyMaterial) or material.kty != self._KTY:
            kind = getattr(material, "kty", type(material).__name__)
            raise InvalidKey(f"expected an {self._KTY} key, found {kind!r:.20}")
        object.__setattr__(self, "_material", material)
        self._check()

    def _check(self) -> None:
        """Further limits on the key (size, curve); raise InvalidKey."""

    @classmethod
    def _members(cls, jwk: Mapping[str, object], pointer: str, private: bool) -> dict[str, str]:
        raise NotImplementedError

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def from_jwk(cls, jwk: Mapping[str, object], *, public_only: bool = False) -> Self:
        """A public or private JWK; ``public_only=True`` refuses private members."""
        return cls._from_jwk(jwk, "", public_only)

    @classmethod
    def _from_jwk(cls, jwk: object, pointer: str, public_only: bool) -> Self:
        if not isinstance(jwk, Mapping):
            raise InvalidKey("JWK must be a JSON object", pointer=pointer)
        if jwk.get("kty") != cls._KTY:
            raise InvalidKey(
                f"JWK 'kty' must be {cls._KTY!r} for {cls.__name__}, found {jwk.get('kty')!r:.20}",
                pointer=f"{pointer}/kty",
            )
        secret = sorted(PRIVATE_JWK_MEMBERS & jwk.keys())
        if secret and public_only:
            raise InvalidKey(
                f"the JWK holds private key material ({', '.join(secret)}); secret key material "
                "must never be published",
                pointer=f"{pointer}/{secret[0]}",
            )
        for name, allowed in (("alg", cls._ALG), ("use", "sig")):
            if jwk.get(name, allowed) != allowed:
                raise InvalidKey(
                    f"JWK {name!r} is {jwk[name]!r:.20}; a key for {cls._ALG} must say {allowed!r}",
                    pointer=f"{pointer}/{name}",
                )
        ops = jwk.get("key_ops")
        if ops is not None and (not isinstance(ops, list) or not {"sign", "verify"} & set(ops)):
            raise InvalidKey(
                "JWK 'key_ops' does not allow signatures", pointer=f"{pointer}/key_ops"
            )
        members = cls._members(jwk, pointer, bool(secret))
        return cls(material_from_jwk(members, f"the JWK at {pointer or '/'}"))

    @classmethod
    def from_pem(cls, data: bytes | str, password: bytes | str | None = None) -> Self:
        """A PEM private key (PKCS#8, PKCS#1 or SEC1, optionally encrypted), public key or
        X.509 certificate."""
        raw = data.encode("ascii", "replace") if isinstance(data, str) else bytes(data)
        secret = password.encode("utf-8") if isinstance(password, str) else password
        return cls(material_from_pem(raw, secret))

    # -- public forms ------------------------------------------------------------------------
    @property
    def algorithm(self) -> str:
        return self._ALG

    @property
    def has_secret(self) -> bool:
        return self._material.has_private

    def public_jwk(self) -> dict[str, str]:
        return self._material.members()

    def thumbprint(self) -> str:
        """The RFC 7638 SHA-256 JWK thumbprint (base64url), a stable key id."""
        return jwk_thumbprint(self.public_jwk())

    def to_pem(self, private: bool = False, *, password: bytes | str | None = None) -> bytes:
        """SubjectPublicKeyInfo PEM, or PKCS#8 PEM of the private key (encrypted if asked)."""
        if not private:
            return self._material.to_pem(False, None)
        self._require_secret()
        secret = password.encode("utf-8") if isinstance(password, str) else password
        return self._material.to_pem(True, secret)

    # -- secret forms and signatures ---------------------------------------------------------
    def _require_secret(self) -> None:
        if not self.has_secret:
            raise SigningError(f"{self!r} is a verify-only key: it has no private key")

    def private_jwk(self) -> dict[str, str]:
        self._require_secret()
        return self._material.members(private=True)

    def sign(self, data: bytes) -> bytes:
        self._require_secret()
        return self._material.sign(self._ALG, bytes(data))

    def verify(self, data: bytes, signature: bytes) -> bool:
        """True only for a valid signature: a bad one is an answer, not an exception."""
        if not isinstance(signature, bytes | bytearray | memoryview):
            return False
        return self._material.verify(self._ALG, bytes(data), bytes(signature))

    # -- a value: immutable, hashable; no secret in its repr, copies or pickles --------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _JoseKey) or type(other) is not type(self):
            return NotImplemented
        return self.public_jwk() == other.public_jwk()

    def __hash__(self) -> int:
        return hash((self._KTY, self.thumbprint()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.thumbprint()}, secret={self.has_secret})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: object) -> Self:
        return self

    def __reduce__(self) -> tuple[Any, tuple[dict[str, str]]]:
        """Pickle public keys only: a secret is exported on purpose, never by accident."""
        if self.has_secret:
            raise TypeError("refusing to pickle a secret key; use private_jwk() or to_pem()")
        return (type(self).from_jwk, (self.public_jwk(),))


class RSAKey(_JoseKey):
    """An RSA key pair (or public key) for RS256 (RSASSA-PKCS1-v1_5 with SHA-256)."""

    __slots__ = ()
    _KTY, _ALG = "RSA", "RS256"

    @classmethod
    def generate(cls, bits: int = 2048) -> RSAKey:
        if not isinstance(bits, int) or not MIN_RSA_BITS <= bits <= MAX_RSA_BITS:
            raise ValueError(f"RSA key size must be {MIN_RSA_BITS} to {MAX_RSA_BITS} bits")
        return cls(generate_material("RSA", bits))

    @classmethod
    def _members(cls, jwk: Mapping[str, object], pointer: str, private: bool) -> dict[str, str]:
        if "oth" in jwk:
            raise InvalidKey("multi-prime RSA keys ('oth') are not supported", pointer=pointer)
        names = ("n", "e", *(("d", "p", "q", "dp", "dq", "qi") if private else ()))
        return {"kty": "RSA", **{name: _member(jwk, name, pointer) for name in names}}

    @property
    def bits(self) -> int:
        return int.from_bytes(b64url_decode(self.public_jwk()["n"]), "big").bit_length()

    def _check(self) -> None:
        if not MIN_RSA_BITS <= self.bits <= MAX_RSA_BITS:
            raise InvalidKey(
                f"the RSA key has {self.bits} bits; {MIN_RSA_BITS} to {MAX_RSA_BITS} are accepted"
            )


class ECKey(_JoseKey):
    """An EC P-256 key pair (or public key) for ES256 (ECDSA with SHA-256, JOSE r||s)."""

    __slots__ = ()
    _KTY, _ALG = "EC", "ES256"

    @classmethod
    def generate(cls) -> ECKey:
        return cls(generate_material("EC"))

    @classmethod
    def _members(cls, jwk: Mapping[str, object], pointer: str, private: bool) -> dict[str, str]:
        if jwk.get("crv") != "P-256":
            raise InvalidKey(
                f"JWK 'crv' must be 'P-256', found {jwk.get('crv')!r:.20}", pointer=f"{pointer}/crv"
            )
        names = ("x", "y", *(("d",) if private else ()))
        return {"kty": "EC", "crv": "P-256", **{n: _member(jwk, n, pointer, 32) for n in names}}

    @classmethod
    def from_multibase(cls, text: str) -> ECKey:
        """A public P-256 Multikey (``zDn…``: multicodec p256-pub + compressed point)."""
        try:
            data = decode_multibase(text) if isinstance(text, str) else b""
        except ValueError as exc:
            raise InvalidKey(f"P-256 Multikey: {exc}") from None
        if not data.startswith(_P256_PUB) or len(data) != 2 + 33:
            raise InvalidKey(
                f"not a P-256 public Multikey: found {codec_name(data)}, {len(data)} bytes; "
                "expected 0x8024 (p256-pub) + a 33-byte compressed point"
            )
        return cls(material_from_ec_point(data[2:], "the P-256 Multikey"))

    @property
    def public_key_multibase(self) -> str:
        jwk = self.public_jwk()
        y = b64url_decode(jwk["y"])
        return encode_multibase(_P256_PUB + bytes([2 + (y[-1] & 1)]) + b64url_decode(jwk["x"]))


def key_from_jwk(jwk: Mapping[str, object], *, public_only: bool = True, pointer: str = "") -> Key:
    """The key a JWK describes: RSA, EC P-256 or Ed25519; private members refused by default."""
    if not isinstance(jwk, Mapping):
        raise InvalidKey("JWK must be a JSON object", pointer=pointer)
    kty = jwk.get("kty")
    if kty == "RSA":
        return RSAKey._from_jwk(jwk, pointer, public_only)
    if kty == "EC":
        return ECKey._from_jwk(jwk, pointer, public_only)
    if kty == "OKP":
        if public_only and (secret := sorted(PRIVATE_JWK_MEMBERS & jwk.keys())):
            raise InvalidKey(
                "the JWK holds private key material; secret key material must never be published",
                pointer=f"{pointer}/{secret[0]}",
            )
        return Ed25519Key._jwk(jwk, pointer)
    raise InvalidKey(
        f"unsupported JWK kty {kty!r:.20}: expected RSA, EC (P-256) or OKP (Ed25519)",
        pointer=f"{pointer}/kty",
    )


def key_from_verification_method(vm: Mapping[str, Any]) -> Key:
    """The public key of a published verification method: Ed25519 (Multikey, JWK, 2018/2020
    types), RSA and EC P-256 (JsonWebKey / JsonWebKey2020), P-256 Multikey (``zDn…``)."""
    if not isinstance(vm, Mapping):
        raise InvalidKey("verification method must be a JSON object")
    jwk, multibase = vm.get("publicKeyJwk"), vm.get("publicKeyMultibase")
    is_jose = vm.get("type") in _JWK_TYPES and isinstance(jwk, Mapping) and jwk.get("kty") != "OKP"
    is_p256 = vm.get("type") == "Multikey" and isinstance(multibase, str)
    if is_p256:
        try:
            is_p256 = decode_multibase(str(multibase)).startswith(_P256_PUB)
        except ValueError:
            is_p256 = False  # the Ed25519 path reports the decoding error
    if not (is_jose or is_p256):
        return Ed25519Key.from_verification_method(vm)
    if found := [name for name in _PUBLISHED_SECRETS if name in vm]:
        raise InvalidKey(
            f"verification method has {found[0]!r}: secret key material must never be published",
            pointer=f"/{found[0]}",
        )
    if is_p256:
        try:
            return ECKey.from_multibase(str(multibase))
        except InvalidKey as exc:
            raise InvalidKey(exc.message, pointer="/publicKeyMultibase") from None
    return key_from_jwk(jwk, public_only=True, pointer="/publicKeyJwk")  # type: ignore[arg-type]
