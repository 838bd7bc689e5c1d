"""Compact JWS (RFC 7515) and the RSA / EC P-256 key operations behind it.

The only module that imports jwcrypto (and its ``cryptography`` backend). Every failure is a
typed microcred error with a message naming the JOSE member at fault; nothing from those
libraries escapes. The rules, all fail-closed:

* an explicit ``alg`` allowlist (RS256, ES256, EdDSA); ``none`` and HMAC (``HS*``) are never
  accepted, whatever the caller allows, and ``alg`` must fit the key type (RS256 — RSA,
  ES256 — EC P-256, EdDSA — Ed25519), so a public key can never be used as an HMAC secret;
* ``crit`` is refused (no extension is understood), ``typ`` must be one of the expected types,
  a ``jwk`` header must be a public key;
* base64url is strict (no padding, canonical), the header is a JSON object without duplicate
  members, the token has a size limit; ES256 signatures are JOSE ``r || s`` (64 bytes).

:func:`parse_compact` checks structure only (so a token can be inspected); verification is
:func:`verify_signature`: the header rules, then key type, then the signature.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple

from ._multibase import b64url_decode, b64url_encode
from ._parse import DEFAULT_INPUT_LIMITS, InputLimits, parse_json_object
from .errors import (
    InvalidKey,
    InvalidProof,
    InvalidSignature,
    MalformedCredential,
    ResourceLimitExceeded,
    SigningError,
    UnsupportedSuite,
)

if TYPE_CHECKING:
    from .keys import Key

__all__ = [
    "DEFAULT_TYPS",
    "PRIVATE_JWK_MEMBERS",
    "SUPPORTED_ALGS",
    "CompactJWS",
    "KeyMaterial",
    "check_header",
    "check_key_fits",
    "generate_material",
    "jwk_thumbprint",
    "material_from_ec_point",
    "material_from_jwk",
    "material_from_pem",
    "parse_compact",
    "sign_compact",
    "verify_checked_signature",
    "verify_signature",
]

#: JWS algorithms microcred implements, each with the key type (and curve) it needs.
_ALG_KEYS = {"RS256": ("RSA", None), "ES256": ("EC", "P-256"), "EdDSA": ("OKP", "Ed25519")}
SUPPORTED_ALGS = frozenset(_ALG_KEYS)
#: ``typ`` values accepted by default (compared case-insensitively, ``application/`` optional).
DEFAULT_TYPS = frozenset({"jwt", "vc+jwt", "vp+jwt"})
#: JWK members that hold private or symmetric key material (RFC 7518 section 6).
PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_HEADER_LIMITS = InputLimits(max_bytes=16 * 1024, max_depth=8)
_THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}
_THUMBPRINT_MEMBERS["OKP"] = ("crv", "kty", "x")


class CompactJWS(NamedTuple):
    """A parsed compact JWS: nothing about it is checked beyond its structure.

    A named tuple, not a dataclass: one is made for every token, and a tuple is made faster.
    """

    header: dict[str, Any]
    payload: bytes
    signing_input: bytes
    signature: bytes


def _part(text: str, what: str) -> bytes:
    try:
        return b64url_decode(text)
    except ValueError:
        raise MalformedCredential(
            f"the JWS {what} is not valid unpadded base64url (RFC 7515 section 2)"
        ) from None


def parse_compact(
    token: str | bytes, *, max_length: int = DEFAULT_INPUT_LIMITS.max_bytes
) -> CompactJWS:
    """Split and decode ``header.payload.signature``; the header must be a JSON object."""
    if isinstance(token, bytes | bytearray):
        try:
            token = bytes(token).decode("ascii")
        except UnicodeDecodeError:
            raise MalformedCredential("a compact JWS is ASCII text") from None
    if not isinstance(token, str):
        raise MalformedCredential(f"a compact JWS is a string, not {type(token).__name__}")
    if len(token) > max_length:
        raise ResourceLimitExceeded(
            f"the token is {len(token)} characters; the limit is {max_length} "
            "(InputLimits.max_bytes raises it for a source you trust)"
        )
    parts = token.strip().split(".")
    if len(parts) != 3:
        kind = " (5 parts: an encrypted JWE, which is not supported)" if len(parts) == 5 else ""
        raise MalformedCredential(
            f"a compact JWS has 3 parts separated by '.', this has {len(parts)}{kind}"
        )
    if not parts[0] or not parts[1]:
        raise MalformedCredential("the JWS header and payload must not be empty")
    header = _header(parts[0])
    payload, signature = _part(parts[1], "payload"), _part(parts[2], "signature")
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    return CompactJWS(header, payload, signing_input, signature)


_HEADERS: dict[str, dict[str, Any]] = {}  # encoded header -> parsed: one issuer sends the same
_MAX_HEADERS = 256


def _header(encoded: str) -> dict[str, Any]:
    """The header as a JSON object without duplicate members, small and shallow.

    Tokens of one issuer share their header, so one of strings (and a ``jwk`` of strings) is
    remembered; a copy is returned, as callers may change theirs.
    """
    known = _HEADERS.get(encoded)
    if known is not None:
        return _header_copy(known)
    try:
        header = parse_json_object(_part(encoded, "header"), _HEADER_LIMITS)
    except MalformedCredential as exc:
        raise type(exc)(f"JWS header: {exc.message}", code=exc.code) from None
    if all(_plain(value) for value in header.values()):
        if len(_HEADERS) >= _MAX_HEADERS:
            _HEADERS.clear()
        _HEADERS[encoded] = _header_copy(header)
    return header


def _plain(value: Any) -> bool:
    return type(value) is str or (
        type(value) is dict and all(type(item) is str for item in value.values())
    )


def _header_copy(header: dict[str, Any]) -> dict[str, Any]:
    return {name: value.copy() if type(value) is dict else value for name, value in header.items()}


def check_header(
    header: Mapping[str, Any],
    *,
    allowed_algs: frozenset[str] = SUPPORTED_ALGS,
    allowed_typs: frozenset[str] = DEFAULT_TYPS,
) -> str:
    """Apply the header rules above; return the (allowed) ``alg``."""
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise InvalidProof("the JWS header has no 'alg' string")
    if alg.lower() == "none":
        raise UnsupportedSuite("JWS alg 'none' means unsigned: refused")
    if alg.upper().startswith("HS"):
        raise UnsupportedSuite(
            f"JWS alg {alg!r:.20} is an HMAC (shared-secret) algorithm: refused, a shared "
            "secret cannot show who issued a credential"
        )
    if alg not in allowed_algs or alg not in SUPPORTED_ALGS:
        accepted = sorted(allowed_algs & SUPPORTED_ALGS)
        raise UnsupportedSuite(
            f"JWS alg {alg!r:.20} is not accepted (accepted: {', '.join(accepted) or 'none'})"
        )
    if "crit" in header:
        raise InvalidProof(
            f"the JWS header marks {header['crit']!r:.80} as critical ('crit'); no JWS extension "
            "is understood here, so the token must be refused (RFC 7515 section 4.1.11)"
        )
    typ = header.get("typ")
    if typ is not None and (
        not isinstance(typ, str) or typ.lower().removeprefix("application/") not in allowed_typs
    ):
        raise InvalidProof(
            f"the JWS typ is {typ!r:.40}; expected one of {', '.join(sorted(allowed_typs))}"
        )
    kid = header.get("kid")
    if kid is not None and (not isinstance(kid, str) or not kid):
        raise InvalidProof("the JWS header 'kid' must be a non-empty string")
    jwk = header.get("jwk")
    if jwk is not None:
        if not isinstance(jwk, Mapping):
            raise InvalidProof("the JWS header 'jwk' must be a JSON object")
        if secret := sorted(PRIVATE_JWK_MEMBERS & jwk.keys()):
            raise InvalidProof(
                f"the JWS header 'jwk' holds private key material ({', '.join(secret)}): the "
                "issuer's secret key is exposed; refuse the token and tell the issuer"
            )
    return alg


def check_key_fits(alg: str, key: Key) -> None:
    """Raise InvalidProof unless ``key`` is of the type ``alg`` needs (no key confusion)."""
    kty, crv = _ALG_KEYS.get(alg, ("?", None))
    jwk = key.public_jwk()
    if key.algorithm != alg or jwk.get("kty") != kty or jwk.get("crv", crv) != crv:
        found = f"{jwk.get('kty')!r:.10}" + (f"/{jwk['crv']!r:.10}" if "crv" in jwk else "")
        raise InvalidProof(
            f"the JWS alg {alg} needs a {kty}{'/' + crv if crv else ''} key, but the key is "
            f"{found} ({key.algorithm}): alg and key type must match"
        )


def verify_signature(
    header: Mapping[str, Any],
    signing_input: bytes,
    signature: bytes,
    key: Key,
    *,
    allowed_algs: frozenset[str] = SUPPORTED_ALGS,
    allowed_typs: frozenset[str] = DEFAULT_TYPS,
) -> None:
    """Check the header rules, that the key fits ``alg``, and the signature; raise if not."""
    alg = check_header(header, allowed_algs=allowed_algs, allowed_typs=allowed_typs)
    verify_checked_signature(alg, signing_input, signature, key)


def verify_checked_signature(alg: str, signing_input: bytes, signature: bytes, key: Key) -> None:
    """:func:`verify_signature` for a header :func:`check_header` already passed (with ``alg``)."""
    check_key_fits(alg, key)
    if not key.verify(signing_input, signature):
        raise InvalidSignature(
            f"the {alg} signature does not match the token and the key: the token was altered "
            "or signed with another key"
        )


def sign_compact(payload: bytes, key: Key, header: Mapping[str, Any]) -> str:
    """Sign ``payload``; ``alg`` comes from the key (a different ``alg`` in header is refused)."""
    alg = key.algorithm
    if header.get("alg", alg) != alg or alg not in _ALG_KEYS:
        raise SigningError(f"cannot sign with alg {header.get('alg', alg)!r:.20} and this key")
    jwk = header.get("jwk")
    if isinstance(jwk, Mapping) and PRIVATE_JWK_MEMBERS & jwk.keys():
        raise SigningError("refusing to publish private key material in the 'jwk' header")
    try:
        check_key_fits(alg, key)
    except InvalidProof as exc:
        raise SigningError(exc.message) from None
    full = {"alg": alg, **{name: value for name, value in header.items() if name != "alg"}}
    encoded = json.dumps(full, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    signing_input = f"{b64url_encode(encoded)}.{b64url_encode(bytes(payload))}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a public RSA, EC or OKP JWK, base64url."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None or not all(isinstance(jwk.get(m), str) for m in members):
        raise InvalidKey(f"cannot compute the thumbprint of a {jwk.get('kty')!r:.10} JWK")
    text = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(text.encode("utf-8")).digest())


# -- RSA and EC P-256 keys, held by jwcrypto -----------------------------------------------
_PUBLIC_MEMBERS = {"RSA": ("n", "e"), "EC": ("crv", "x", "y")}
_SECRET_MEMBERS = {"RSA": ("d", "p", "q", "dp", "dq", "qi"), "EC": ("d",)}


class _Jose(NamedTuple):
    JWK: Any
    JWA: Any
    key_errors: tuple[type[Exception], ...]  # what bad key material raises
    bad_signature: tuple[type[Exception], ...]  # what a wrong signature raises


@functools.cache
def _jose() -> _Jose:
    """jwcrypto and cryptography, imported on first use: Ed25519 work never needs them."""
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from jwcrypto.common import JWException  # type: ignore[import-untyped]
    from jwcrypto.jwa import JWA  # type: ignore[import-untyped]
    from jwcrypto.jwk import JWK  # type: ignore[import-untyped]

    errors = (JWException, ValueError, TypeError, UnsupportedAlgorithm)
    return _Jose(JWK, JWA, errors, (InvalidSignature, ValueError))


@contextmanager
def _key_errors(what: str) -> Iterator[None]:
    """Turn library errors about key material into InvalidKey (messages name no secret)."""
    try:
        yield
    except _jose().key_errors as exc:
        if isinstance(exc, TypeError) and "assword" in str(exc):  # pyca's fixed messages
            encrypted = "not given" in str(exc)
            hint = "it is encrypted: pass its password" if encrypted else "pass no password"
            raise InvalidKey(f"{what} cannot be read: {hint}") from None
        raise InvalidKey(f"{what} is not a valid key ({type(exc).__name__})") from None


class KeyMaterial:
    """An RSA or EC P-256 key inside jwcrypto; opaque outside this module, never pickled."""

    __slots__ = ("_jwk", "kty")

    def __init__(self, jwk: Any, what: str) -> None:
        self._jwk, self.kty = jwk, str(jwk.get("kty"))
        if self.kty not in _PUBLIC_MEMBERS or jwk.get("crv", "P-256") != "P-256":
            kind = f"{self.kty}/{jwk['crv']}" if "crv" in jwk else self.kty
            raise InvalidKey(f"{what} holds a {kind!r:.20} key, not an RSA or EC P-256 key")
        with _key_errors(what):  # build the library's key objects now: validates the numbers
            self._jwk.get_op_key("verify", self._curve)
            if self.has_private:
                self._jwk.get_op_key("sign", self._curve)

    @property
    def _curve(self) -> str | None:
        return "P-256" if self.kty == "EC" else None

    @property
    def has_private(self) -> bool:
        return bool(self._jwk.has_private)

    def members(self, private: bool = False) -> dict[str, str]:
        names = _PUBLIC_MEMBERS[self.kty] + (_SECRET_MEMBERS[self.kty] if private else ())
        return {"kty": self.kty, **{name: str(self._jwk[name]) for name in names}}

    def sign(self, alg: str, data: bytes) -> bytes:
        try:
            return bytes(_jose().JWA.signing_alg(alg).sign(self._jwk, bytes(data)))
        except _jose().key_errors:
            raise SigningError(f"{alg} signing failed with this {self.kty} key") from None

    def verify(self, alg: str, data: bytes, signature: bytes) -> bool:
        try:
            _jose().JWA.signing_alg(alg).verify(self._jwk, bytes(data), bytes(signature))
        except _jose().bad_signature:
            return False
        return True

    def to_pem(self, private: bool, password: bytes | None) -> bytes:
        with _key_errors("the key"):
            if private:
                return bytes(self._jwk.export_to_pem(private_key=True, password=password))
            return bytes(self._jwk.export_to_pem(private_key=False))

    def __repr__(self) -> str:
        return f"KeyMaterial({self.kty})"

    def __reduce__(self) -> Any:
        raise TypeError("key material is not picklable; export it on purpose (JWK or PEM)")


def generate_material(kty: str, bits: int = 2048) -> KeyMaterial:
    if kty == "RSA":
        return KeyMaterial(_jose().JWK.generate(kty="RSA", size=bits), "the generated key")
    return KeyMaterial(_jose().JWK.generate(kty="EC", crv="P-256"), "the generated key")


def material_from_jwk(members: Mapping[str, str], what: str = "the JWK") -> KeyMaterial:
    """From already shape-checked JWK members; the numbers are validated here."""
    with _key_errors(what):
        jwk = _jose().JWK(**dict(members))
    return KeyMaterial(jwk, what)


def material_from_pem(data: bytes, password: bytes | None) -> KeyMaterial:
    """A PKCS#8 / PKCS#1 / SEC1 private key, a SubjectPublicKeyInfo, or an X.509 certificate."""
    with _key_errors("the PEM data"):
        jwk = _jose().JWK.from_pem(bytes(data), password)
    return KeyMaterial(jwk, "the PEM data")


def material_from_ec_point(point: bytes, what: str) -> KeyMaterial:
    """An uncompressed or compressed SEC1 P-256 point (as in a P-256 Multikey)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    with _key_errors(what):
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), bytes(point))
        jwk = _jose().JWK.from_pyca(public)
    return KeyMaterial(jwk, what)
