"""RSA and EC P-256 keys, and compact JWS: formats, interoperability, refusals, secrecy."""

from __future__ import annotations

import base64
import contextlib
import copy
import hmac
import json
import pickle
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred._jose import (
    DEFAULT_TYPS,
    check_header,
    jwk_thumbprint,
    parse_compact,
    sign_compact,
    verify_signature,
)
from microcred._multibase import encode_multibase
from microcred._parse import DEFAULT_INPUT_LIMITS
from microcred.errors import (
    InvalidKey,
    InvalidProof,
    InvalidSignature,
    MalformedCredential,
    MicrocredError,
    ResourceLimitExceeded,
    SigningError,
    UnsupportedSuite,
)
from microcred.keys import (
    ECKey,
    Ed25519Key,
    Key,
    RSAKey,
    key_from_jwk,
    key_from_verification_method,
)
from microcred.resolvers import key_from_method

# RFC 7517 appendix A.1 RSA public key; its RFC 7638 section 3.1 thumbprint.
RFC7517_RSA = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJ"
    "ECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2"
    "QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh"
    "6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
# RFC 7517 appendix A.1 EC key: published for encryption ("use": "enc").
RFC7517_EC = {
    "kty": "EC",
    "crv": "P-256",
    "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
    "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
    "use": "enc",
    "kid": "1",
}
# The P-256 did:key of tests/test_keys.py (did:key method specification example).
P256_MULTIKEY = "zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_token(header: Any, payload: bytes, sign: Any) -> str:
    """A compact JWS built by hand, so tests can make what sign_compact refuses to make."""
    head = b64(header if isinstance(header, bytes) else json.dumps(header).encode())
    signing_input = f"{head}.{b64(payload)}"
    return f"{signing_input}.{b64(sign(signing_input.encode()))}"


@pytest.fixture(scope="module")
def rsa_key() -> RSAKey:
    return RSAKey.generate()


@pytest.fixture(scope="module")
def ec_key() -> ECKey:
    return ECKey.generate()


@pytest.fixture(scope="module")
def ed_key() -> Ed25519Key:
    return Ed25519Key.generate()


def _no_chained_traceback(error: BaseException) -> None:
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


# -- keys: formats --------------------------------------------------------------------------
def test_rfc7638_thumbprint() -> None:
    key = RSAKey.from_jwk(RFC7517_RSA, public_only=True)
    assert key.thumbprint() == RFC7638_THUMBPRINT == jwk_thumbprint(RFC7517_RSA)
    assert key.public_jwk() == {k: RFC7517_RSA[k] for k in ("kty", "n", "e")}
    assert key.bits == 2048
    assert not key.has_secret
    assert key.algorithm == "RS256"


@pytest.mark.parametrize("kind", [RSAKey, ECKey])
def test_jwk_and_pem_round_trips(kind: type[RSAKey] | type[ECKey], request: Any) -> None:
    key = request.getfixturevalue("rsa_key" if kind is RSAKey else "ec_key")
    private = key.private_jwk()
    assert kind.from_jwk(private).private_jwk() == private
    assert kind.from_jwk(key.public_jwk()) == key
    assert kind.from_pem(key.to_pem()) == key
    assert not kind.from_pem(key.to_pem()).has_secret
    assert kind.from_pem(key.to_pem(private=True)).private_jwk() == private
    encrypted = key.to_pem(private=True, password="correct horse")
    assert b"ENCRYPTED" in encrypted
    assert kind.from_pem(encrypted, password=b"correct horse").private_jwk() == private
    assert kind.from_pem(encrypted.decode(), "correct horse") == key
    with pytest.raises(InvalidKey, match="password"):
        kind.from_pem(encrypted)
    with pytest.raises(InvalidKey):
        kind.from_pem(encrypted, password="wrong")


def test_ec_key_members_and_multikey(ec_key: ECKey) -> None:
    jwk = ec_key.public_jwk()
    assert set(jwk) == {"kty", "crv", "x", "y"}
    assert jwk["crv"] == "P-256"
    assert ec_key.algorithm == "ES256"
    assert ec_key.public_key_multibase.startswith("zDn")
    assert ECKey.from_multibase(ec_key.public_key_multibase) == ec_key
    published = ECKey.from_multibase(P256_MULTIKEY)
    assert published.public_key_multibase == P256_MULTIKEY
    with pytest.raises(InvalidKey, match="p256-pub"):
        ECKey.from_multibase(Ed25519Key.generate().public_key_multibase)
    with pytest.raises(InvalidKey, match="not a valid key"):  # 0x05 is no SEC1 point prefix
        ECKey.from_multibase(encode_multibase(b"\x80\x24\x05" + bytes(32)))


def test_keys_from_other_tools_pem() -> None:
    """PKCS#1 / SEC1 / SPKI PEM written by pyca/cryptography directly."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pkcs1 = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    assert RSAKey.from_pem(pkcs1).has_secret
    ec_private = ec.generate_private_key(ec.SECP256R1())
    sec1 = ec_private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    assert ECKey.from_pem(sec1).has_secret


def _pem(private: Any) -> bytes:
    return bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.mark.parametrize(
    ("kind", "make", "reason"),
    [
        (RSAKey, lambda: rsa.generate_private_key(65537, 1024), "1024 bits"),
        (ECKey, lambda: ec.generate_private_key(ec.SECP384R1()), "EC/P-384"),
        (RSAKey, lambda: ec.generate_private_key(ec.SECP256R1()), "expected an RSA key"),
        (ECKey, lambda: rsa.generate_private_key(65537, 2048), "expected an EC key"),
        (RSAKey, Ed25519PrivateKey.generate, "not an RSA or EC"),
    ],
    ids=["rsa-1024", "p-384", "ec-as-rsa", "rsa-as-ec", "ed25519-pem"],
)
def test_pem_of_the_wrong_kind(kind: type[RSAKey] | type[ECKey], make: Any, reason: str) -> None:
    with pytest.raises(InvalidKey, match=reason) as info:
        kind.from_pem(_pem(make()))
    _no_chained_traceback(info.value)


@pytest.mark.parametrize("data", [b"", b"not a pem", b"-----BEGIN PRIVATE KEY-----\nAAAA\n"])
def test_pem_garbage(data: bytes) -> None:
    with pytest.raises(InvalidKey, match="PEM data is not a valid key"):
        RSAKey.from_pem(data)


def _rsa_jwk(**changes: Any) -> dict[str, Any]:
    return {**{k: RFC7517_RSA[k] for k in ("kty", "n", "e")}, **changes}


BAD_JWKS: dict[str, tuple[Any, dict[str, Any], str, str]] = {
    "ec use enc": (ECKey, RFC7517_EC, "'use' is 'enc'", "/use"),
    "rsa alg PS256": (RSAKey, _rsa_jwk(alg="PS256"), "must say 'RS256'", "/alg"),
    "wrong kty": (RSAKey, {**RFC7517_EC, "use": "sig"}, "'kty' must be 'RSA'", "/kty"),
    "key_ops encrypt": (RSAKey, _rsa_jwk(key_ops=["encrypt"]), "key_ops", "/key_ops"),
    "padded n": (RSAKey, _rsa_jwk(n=RFC7517_RSA["n"] + "="), "not valid base64url", "/n"),
    "missing e": (RSAKey, {"kty": "RSA", "n": RFC7517_RSA["n"]}, "'e' must be", "/e"),
    "numeric n": (RSAKey, _rsa_jwk(n=12345), "'n' must be a base64url string", "/n"),
    "short rsa": (RSAKey, _rsa_jwk(n=b64(b"\xff" * 128)), "1024 bits", ""),
    "even exponent": (RSAKey, _rsa_jwk(e="AAAC"), "not a valid key", ""),
    "multi-prime": (RSAKey, _rsa_jwk(d="AQAB", oth=[]), "multi-prime", ""),
    "p-384": (ECKey, {**RFC7517_EC, "crv": "P-384", "use": "sig"}, "'crv' must be", "/crv"),
    "short x": (ECKey, {**RFC7517_EC, "x": b64(bytes(31)), "use": "sig"}, "32 bytes", "/x"),
    "not on curve": (ECKey, {**RFC7517_EC, "x": b64(bytes(32)), "use": "sig"}, "not a valid", ""),
}


@pytest.mark.parametrize(("kind", "jwk", "reason", "pointer"), BAD_JWKS.values(), ids=BAD_JWKS)
def test_bad_jwks(kind: type[RSAKey] | type[ECKey], jwk: Any, reason: str, pointer: str) -> None:
    with pytest.raises(InvalidKey, match=reason) as info:
        kind.from_jwk(jwk)
    assert info.value.pointer == pointer
    _no_chained_traceback(info.value)


def test_inconsistent_private_jwks(rsa_key: RSAKey, ec_key: ECKey) -> None:
    other_rsa, other_ec = RSAKey.generate().private_jwk(), ECKey.generate().private_jwk()
    pairs = [(RSAKey, rsa_key.private_jwk(), other_rsa), (ECKey, ec_key.private_jwk(), other_ec)]
    for kind, jwk, other in pairs:
        mixed = {**jwk, "d": other["d"]}
        with pytest.raises(InvalidKey) as info:
            kind.from_jwk(mixed)
        assert other["d"] not in str(info.value)
        assert jwk["d"] not in str(info.value)
    partial = {k: v for k, v in rsa_key.private_jwk().items() if k != "qi"}
    with pytest.raises(InvalidKey, match="'qi'"):
        RSAKey.from_jwk(partial)


@pytest.mark.parametrize("fixture", ["rsa_key", "ec_key", "ed_key"])
def test_public_only_refuses_private_members(fixture: str, request: Any) -> None:
    key = request.getfixturevalue(fixture)
    private = key.private_jwk()
    with pytest.raises(InvalidKey, match="private key material") as info:
        key_from_jwk(private, public_only=True)
    assert info.value.pointer == "/d"
    assert private["d"] not in str(info.value)
    assert key_from_jwk(private, public_only=False) == key
    assert key_from_jwk(key.public_jwk()) == key
    if not isinstance(key, Ed25519Key):
        with pytest.raises(InvalidKey, match="private key material"):
            type(key).from_jwk(private, public_only=True)


def test_key_from_jwk_refuses_other_kinds() -> None:
    with pytest.raises(InvalidKey, match="unsupported JWK kty 'oct'") as info:
        key_from_jwk({"kty": "oct", "k": "c2VjcmV0"}, public_only=False)
    assert info.value.pointer == "/kty"
    with pytest.raises(InvalidKey, match="JSON object"):
        key_from_jwk(["kty"])  # type: ignore[arg-type]


# -- keys: secrecy, values ------------------------------------------------------------------
@pytest.mark.parametrize("fixture", ["rsa_key", "ec_key"])
def test_secrets_stay_secret(fixture: str, request: Any) -> None:
    key = request.getfixturevalue(fixture)
    secret = key.private_jwk()["d"]
    assert secret not in repr(key)
    assert "secret=True" in repr(key)
    assert repr(key._material) in ("KeyMaterial(RSA)", "KeyMaterial(EC)")
    with pytest.raises(TypeError, match="refusing to pickle"):
        pickle.dumps(key)
    public = type(key).from_jwk(key.public_jwk())
    assert pickle.loads(pickle.dumps(public)) == public == key
    assert hash(public) == hash(key)
    assert {public, key} == {key}
    assert copy.copy(key) is key
    assert copy.deepcopy(key) is key
    with pytest.raises(AttributeError, match="immutable"):
        key._material = None
    with pytest.raises(SigningError, match="verify-only"):
        public.private_jwk()
    with pytest.raises(SigningError, match="verify-only"):
        public.sign(b"data")
    with pytest.raises(SigningError, match="verify-only"):
        public.to_pem(private=True)
    assert key != RSAKey.generate()
    assert key != "key"


# -- keys: signatures, checked against pyca/cryptography directly -------------------------
def test_rs256_interoperates(rsa_key: RSAKey) -> None:
    public = serialization.load_pem_public_key(rsa_key.to_pem())
    assert isinstance(public, rsa.RSAPublicKey)
    signature = rsa_key.sign(b"payload")
    public.verify(signature, b"payload", padding.PKCS1v15(), hashes.SHA256())
    private = serialization.load_pem_private_key(rsa_key.to_pem(private=True), None)
    assert isinstance(private, rsa.RSAPrivateKey)
    theirs = private.sign(b"other", padding.PKCS1v15(), hashes.SHA256())
    assert rsa_key.verify(b"other", theirs)
    assert not rsa_key.verify(b"othe", theirs)
    assert not rsa_key.verify(b"other", theirs[:-1])
    assert not rsa_key.verify(b"other", b"")


def test_es256_is_raw_r_s_and_interoperates(ec_key: ECKey) -> None:
    public = serialization.load_pem_public_key(ec_key.to_pem())
    assert isinstance(public, ec.EllipticCurvePublicKey)
    signature = ec_key.sign(b"payload")
    assert len(signature) == 64
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    public.verify(encode_dss_signature(r, s), b"payload", ec.ECDSA(hashes.SHA256()))
    private = serialization.load_pem_private_key(ec_key.to_pem(private=True), None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    der = private.sign(b"other", ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    assert ec_key.verify(b"other", raw)
    assert not ec_key.verify(b"other", der)  # DER is not the JOSE form
    assert not ec_key.verify(b"other", raw[:63])
    assert not ec_key.verify(b"other", bytes(64))
    assert not ec_key.verify(b"other", "not bytes")  # type: ignore[arg-type]


# -- verification methods (resolvers.key_from_method) -------------------------------------
def test_verification_methods(rsa_key: RSAKey, ec_key: ECKey, ed_key: Ed25519Key) -> None:
    for key in (rsa_key, ec_key, ed_key):
        for kind in ("JsonWebKey", "JsonWebKey2020"):
            method = {"id": "https://a.example#k", "type": kind, "publicKeyJwk": key.public_jwk()}
            assert key_from_method(method) == key
    multikey = {"type": "Multikey", "publicKeyMultibase": ec_key.public_key_multibase}
    assert key_from_verification_method(multikey) == ec_key
    assert key_from_method({"type": "Multikey", "publicKeyMultibase": P256_MULTIKEY})
    ed_multikey = {"type": "Multikey", "publicKeyMultibase": ed_key.public_key_multibase}
    assert key_from_method(ed_multikey) == ed_key


@pytest.mark.parametrize("fixture", ["rsa_key", "ec_key"])
def test_verification_methods_never_hold_secrets(fixture: str, request: Any) -> None:
    key = request.getfixturevalue(fixture)
    leaked = {"type": "JsonWebKey", "publicKeyJwk": key.private_jwk()}
    with pytest.raises(InvalidKey, match="must never be published") as info:
        key_from_method(leaked)
    assert info.value.pointer == "/publicKeyJwk/d"
    extra = {"type": "JsonWebKey", "publicKeyJwk": key.public_jwk(), "privateKeyJwk": {}}
    with pytest.raises(InvalidKey, match="must never be published"):
        key_from_method(extra)


def test_bad_p256_multikey_in_method() -> None:
    broken = encode_multibase(b"\x80\x24\x05" + bytes(32))
    with pytest.raises(InvalidKey) as info:
        key_from_method({"type": "Multikey", "publicKeyMultibase": broken})
    assert info.value.pointer == "/publicKeyMultibase"


# -- compact JWS: sign / verify ------------------------------------------------------------
@pytest.mark.parametrize("fixture", ["rsa_key", "ec_key", "ed_key"])
def test_sign_and_verify_compact(fixture: str, request: Any) -> None:
    key = request.getfixturevalue(fixture)
    token = sign_compact(b'{"hello":"world"}', key, {"typ": "JWT", "kid": "k"})
    jws = parse_compact(token)
    assert jws.header == {"alg": key.algorithm, "typ": "JWT", "kid": "k"}
    assert jws.payload == b'{"hello":"world"}'
    verify_signature(jws.header, jws.signing_input, jws.signature, key)
    with pytest.raises(InvalidSignature, match="altered"):
        verify_signature(jws.header, jws.signing_input + b"x", jws.signature, key)
    with pytest.raises(InvalidSignature):
        verify_signature(jws.header, jws.signing_input, b"", key)


def test_sign_compact_refuses(rsa_key: RSAKey, ec_key: ECKey) -> None:
    with pytest.raises(SigningError, match="alg 'ES256'"):
        sign_compact(b"{}", rsa_key, {"alg": "ES256"})
    with pytest.raises(SigningError, match="private key material"):
        sign_compact(b"{}", rsa_key, {"jwk": rsa_key.private_jwk()})

    class Liar:  # claims RS256 but is an EC key underneath
        algorithm = "RS256"
        sign, verify, public_jwk = ec_key.sign, ec_key.verify, ec_key.public_jwk

    liar: Key = Liar()
    with pytest.raises(SigningError, match="needs a RSA key"):
        sign_compact(b"{}", liar, {})
    jws = parse_compact(raw_token({"alg": "RS256"}, b"{}", ec_key.sign))
    with pytest.raises(InvalidProof, match="alg and key type must match"):
        verify_signature(jws.header, jws.signing_input, jws.signature, liar)


@pytest.mark.parametrize(
    ("alg", "fixture"),
    [("RS256", "ec_key"), ("ES256", "rsa_key"), ("EdDSA", "ec_key"), ("ES256", "ed_key")],
)
def test_alg_must_fit_the_key(alg: str, fixture: str, request: Any) -> None:
    key = request.getfixturevalue(fixture)
    jws = parse_compact(raw_token({"alg": alg}, b"{}", key.sign))
    with pytest.raises(InvalidProof, match=f"alg {alg} needs a") as info:
        verify_signature(jws.header, jws.signing_input, jws.signature, key)
    assert type(info.value) is InvalidProof


def _hs256_with(secret: bytes) -> Any:
    return lambda data: hmac.new(secret, data, "sha256").digest()


@pytest.mark.parametrize("form", ["pem", "jwk", "n"])
def test_hs256_with_the_public_key_as_secret(rsa_key: RSAKey, form: str) -> None:
    """The classic key-confusion attack: HMAC keyed with the verifier's RSA public key."""
    secret = {
        "pem": rsa_key.to_pem(),
        "jwk": json.dumps(rsa_key.public_jwk()).encode(),
        "n": rsa_key.public_jwk()["n"].encode(),
    }[form]
    jws = parse_compact(raw_token({"alg": "HS256", "typ": "JWT"}, b"{}", _hs256_with(secret)))
    for allowed in (frozenset({"RS256"}), frozenset({"HS256", "RS256"})):
        with pytest.raises(UnsupportedSuite, match="HMAC"):
            verify_signature(
                jws.header, jws.signing_input, jws.signature, rsa_key, allowed_algs=allowed
            )


HEADERS: dict[str, tuple[dict[str, Any], type[MicrocredError], str]] = {
    "alg none": ({"alg": "none"}, UnsupportedSuite, "'none' means unsigned"),
    "alg None": ({"alg": "None"}, UnsupportedSuite, "unsigned"),
    "alg HS512": ({"alg": "HS512"}, UnsupportedSuite, "HMAC"),
    "alg PS256": ({"alg": "PS256"}, UnsupportedSuite, "not accepted"),
    "alg missing": ({"typ": "JWT"}, InvalidProof, "no 'alg'"),
    "alg number": ({"alg": 256}, InvalidProof, "no 'alg'"),
    "crit unknown": ({"alg": "RS256", "crit": ["exp"], "exp": 1}, InvalidProof, "critical"),
    "crit b64": ({"alg": "RS256", "crit": ["b64"], "b64": False}, InvalidProof, "critical"),
    "crit empty": ({"alg": "RS256", "crit": []}, InvalidProof, "critical"),
    "typ JOSE": ({"alg": "RS256", "typ": "JOSE"}, InvalidProof, "typ is 'JOSE'"),
    "typ at+jwt": ({"alg": "RS256", "typ": "at+jwt"}, InvalidProof, "expected one of"),
    "typ number": ({"alg": "RS256", "typ": 1}, InvalidProof, "typ"),
    "kid empty": ({"alg": "RS256", "kid": ""}, InvalidProof, "'kid'"),
    "jwk string": ({"alg": "RS256", "jwk": "x"}, InvalidProof, "'jwk' must be a JSON object"),
    "jwk with d": ({"alg": "RS256", "jwk": {"kty": "RSA", "d": "x"}}, InvalidProof, "private"),
    "jwk with k": ({"alg": "RS256", "jwk": {"kty": "oct", "k": "x"}}, InvalidProof, "private"),
}


@pytest.mark.parametrize(("header", "error", "reason"), HEADERS.values(), ids=HEADERS)
def test_header_rules(header: dict[str, Any], error: type[MicrocredError], reason: str) -> None:
    with pytest.raises(error, match=reason) as info:
        check_header(header)
    assert type(info.value) is error


def test_private_jwk_header_names_no_secret(rsa_key: RSAKey) -> None:
    private = rsa_key.private_jwk()
    with pytest.raises(InvalidProof, match="d, dp, dq, p, q, qi") as info:
        check_header({"alg": "RS256", "jwk": private})
    assert private["d"] not in str(info.value)


@pytest.mark.parametrize("typ", ["JWT", "jwt", "vc+jwt", "VC+JWT", "application/vc+jwt"])
def test_accepted_typs(typ: str) -> None:
    assert check_header({"alg": "ES256", "typ": typ}) == "ES256"
    assert "jwt" in DEFAULT_TYPS


def test_allowlist_narrows(ec_key: ECKey) -> None:
    with pytest.raises(UnsupportedSuite, match=r"accepted: RS256\)"):
        check_header({"alg": "ES256"}, allowed_algs=frozenset({"RS256"}))
    with pytest.raises(UnsupportedSuite, match="accepted: none"):
        check_header({"alg": "ES256"}, allowed_algs=frozenset({"HS256"}))
    assert check_header({"alg": "ES256", "typ": "vp+jwt"}, allowed_typs=frozenset({"vp+jwt"}))


# -- compact JWS: malformed tokens --------------------------------------------------------
GOOD_HEAD = b64(b'{"alg":"ES256"}')
DUPLICATE_HEAD = b64(b'{"alg":"ES256","alg":"none"}')
NAN_HEAD = b64(b'{"alg":NaN}')
HUGE_NUMBER_HEAD = b64(b'{"n":' + b"9" * 5000 + b"}")
DEEP_HEAD = b64(b'{"a":' * 20 + b"1" + b"}" * 20)
MALFORMED: dict[str, tuple[Any, type[MicrocredError], str]] = {
    "two parts": (f"{GOOD_HEAD}.e30", MalformedCredential, "has 2"),
    "four parts": (f"{GOOD_HEAD}.e30.AA.AA", MalformedCredential, "has 4"),
    "jwe": ("a.b.c.d.e", MalformedCredential, "encrypted JWE"),
    "empty header": (".e30.AA", MalformedCredential, "must not be empty"),
    "empty payload": (f"{GOOD_HEAD}..AA", MalformedCredential, "must not be empty"),
    "padding": (f"{GOOD_HEAD}=.e30.AA", MalformedCredential, "header is not valid"),
    "std base64": (f"{GOOD_HEAD}.e30.A+/A", MalformedCredential, "signature is not valid"),
    "bad char": (f"{GOOD_HEAD}.e3*.AA", MalformedCredential, "payload is not valid"),
    "non-canonical": (f"{GOOD_HEAD}.e31.AA", MalformedCredential, "payload is not valid"),
    "not json": (f"{b64(b'alg:RS256')}.e30.AA", MalformedCredential, "JWS header: not valid"),
    "not utf-8": (f"{b64(bytes([0xFF, 0xFE]))}.e30.AA", MalformedCredential, "JWS header"),
    "array": (f"{b64(b'[1]')}.e30.AA", MalformedCredential, "JWS header: .*not an array"),
    "duplicate alg": (f"{DUPLICATE_HEAD}.e30.AA", MalformedCredential, "duplicate JSON key 'alg'"),
    "NaN": (f"{NAN_HEAD}.e30.AA", MalformedCredential, "JWS header: NaN"),
    "deep": (f"{DEEP_HEAD}.e30.AA", ResourceLimitExceeded, "deeper"),
    "big header": (f"{b64(b' ' * 17000 + b'{}')}.e30.AA", ResourceLimitExceeded, "limit"),
    "non-ascii": ("é.e30.AA", MalformedCredential, "payload|header"),
    "bytes non-ascii": ("é.e30.AA".encode(), MalformedCredential, "ASCII"),
    "not a string": (42, MalformedCredential, "string, not int"),
    "huge number": (f"{HUGE_NUMBER_HEAD}.e30.AA", MalformedCredential, "digits"),
}


@pytest.mark.parametrize(("token", "error", "reason"), MALFORMED.values(), ids=MALFORMED)
def test_malformed_tokens(token: Any, error: type[MicrocredError], reason: str) -> None:
    with pytest.raises(error, match=reason) as info:
        parse_compact(token)
    assert type(info.value) is error
    _no_chained_traceback(info.value)


def test_size_limit() -> None:
    huge = f"{GOOD_HEAD}.{'A' * DEFAULT_INPUT_LIMITS.max_bytes}.AA"
    with pytest.raises(ResourceLimitExceeded, match="the limit is"):
        parse_compact(huge)
    with pytest.raises(ResourceLimitExceeded):
        parse_compact(f"{GOOD_HEAD}.e30.AA", max_length=10)


def test_surrounding_whitespace_is_tolerated(ec_key: ECKey) -> None:
    token = sign_compact(b"{}", ec_key, {})
    assert parse_compact(f"\n {token}\n").signing_input == parse_compact(token).signing_input
    assert parse_compact(token.encode()).payload == b"{}"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="AZaz09-_.=+/ {}\"'é", max_size=60))
def test_parse_compact_fails_only_with_microcred_errors(text: str) -> None:
    with contextlib.suppress(MalformedCredential):
        parse_compact(text)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["kty", "n", "e", "d", "p", "q", "dp", "dq", "qi", "crv", "x", "y", "use"]),
        st.one_of(
            st.sampled_from(["RSA", "EC", "P-256", "AQAB", "AA", "", "sig", RFC7517_RSA["n"]]),
            st.binary(max_size=40).map(b64),
            st.integers(),
            st.none(),
        ),
    )
)
def test_key_import_fails_only_with_invalid_key(jwk: dict[str, Any]) -> None:
    for kind in (RSAKey, ECKey):
        with contextlib.suppress(InvalidKey):
            kind.from_jwk(jwk)


@pytest.mark.parametrize("embed_jwk", [False, True])
def test_a_header_changed_by_its_caller_does_not_change_the_next_token(
    ed_key: Ed25519Key, embed_jwk: bool
) -> None:
    header: dict[str, Any] = {"kid": "did:example:issuer#key-1"}
    if embed_jwk:
        header["jwk"] = ed_key.public_jwk()
    token = sign_compact(b"{}", ed_key, header)
    first = parse_compact(token).header
    first["alg"] = "none"
    if embed_jwk:
        first["jwk"]["x"] = "changed"
    again = parse_compact(token).header
    assert again["alg"] == "EdDSA"
    assert again.get("jwk") == header.get("jwk")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("eyJhbGciOiJFZERTQSJ9.e30.AAAA", True),
        ("  eyJhbGciOiJFZERTQSJ9.e30.AAAA\n", True),
        (b"eyJhbGciOiJFZERTQSJ9.e30.AAAA", True),
        ("eyJhbGciOiJFZERTQSJ9.e30", False),  # two parts
        ("eyJhbGciOiJFZERTQSJ9", False),
        ("eyJhbGciOiJFZERTQSJ9.e30.AAAA.BBBB", False),  # four parts
        ("eyJhbGciOiJFZERTQSJ9.e30.AAAA.BBBB.CCCC", False),  # a JWE's five
        ("eyJhbGciOiJFZERTQSJ9.e30.ÄÄ", False),  # not ASCII
        ('{"a": "ey.x.y"}', False),  # JSON text
        ("", False),
    ],
)
def test_what_is_taken_for_a_compact_jws(data: str | bytes, expected: bool) -> None:
    from microcred._parse import looks_like_compact_jws

    assert looks_like_compact_jws(data) is expected


def test_a_remembered_header_is_handed_out_as_a_copy(ec_key: ECKey) -> None:
    token = sign_compact(b"{}", ec_key, {"jwk": ec_key.public_jwk(), "kid": "k"})
    first = parse_compact(token).header
    first["kid"] = "changed"
    first["jwk"]["x"] = "changed"
    again = parse_compact(token).header
    assert again["kid"] == "k"
    assert again["jwk"] == ec_key.public_jwk()
