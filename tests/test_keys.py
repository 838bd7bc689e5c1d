"""Ed25519 keys: vectors, every import/export format, signatures, bad input, secrecy."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from microcred._multibase import ED25519_PRIV, ED25519_PUB, b58encode, encode_multibase
from microcred.errors import InvalidKey, SigningError
from microcred.keys import Ed25519Key, Key, to_key_file

VECTORS = Path(__file__).parent / "vectors"
W3C_PAIR = json.loads((VECTORS / "w3c-vc-di-eddsa/keyPair.json").read_text())
W3C_CHAIN = json.loads((VECTORS / "w3c-vc-di-eddsa/proof-set-chain/multiKeyPairs.json").read_text())
W3C_PAIRS = [W3C_PAIR, *W3C_CHAIN.values()]
EDTECH = json.loads((VECTORS / "1edtech-impl-guide/obv3p0/key-pair.json").read_text())

# RFC 8032 section 7.1 TEST 1, and the same key as an RFC 8037 appendix A.1 JWK.
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIG_EMPTY = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
RFC8037_JWK = {
    "kty": "OKP",
    "crv": "Ed25519",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
}
P256_DID = "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"


@pytest.fixture(scope="module")
def key() -> Ed25519Key:
    return Ed25519Key.generate()


# -- upstream vectors ------------------------------------------------------------------------
@pytest.mark.parametrize("pair", W3C_PAIRS, ids=["keyPair", *W3C_CHAIN])
def test_w3c_secret_derives_published_public(pair: dict[str, str]) -> None:
    key = Ed25519Key.from_multibase(pair["privateKeyMultibase"])
    assert key.has_secret
    assert key.public_key_multibase == pair["publicKeyMultibase"]
    assert key.secret_key_multibase() == pair["privateKeyMultibase"]
    assert key == Ed25519Key.from_multibase(pair["publicKeyMultibase"])
    assert Ed25519Key.from_key_file(pair).secret_key_multibase() == pair["privateKeyMultibase"]


def test_1edtech_key_pair_all_forms_agree() -> None:
    key = Ed25519Key.from_multibase(EDTECH["secretKeyMultibase"])  # 0x8026 + seed || public
    assert key.public_bytes.hex() == EDTECH["publicKeyHex"]
    assert key.seed().hex() + key.public_bytes.hex() == EDTECH["privateKeyHex"]
    assert key.public_key_multibase == EDTECH["publicKeyMultibase"]
    assert EDTECH["id"].endswith("#" + key.public_key_multibase)
    assert Ed25519Key.from_seed(bytes.fromhex(EDTECH["privateKeyHex"])[:32]) == key
    assert Ed25519Key.from_multibase(key.secret_key_multibase()).seed() == key.seed()
    assert key.secret_key_multibase().startswith("z3u2")  # we write the standard Multikey form
    from_file = Ed25519Key.from_key_file(EDTECH)  # type Multikey, https id and controller
    assert from_file.has_secret
    assert from_file.seed() == key.seed()


def test_1edtech_layout_checks_its_public_half() -> None:
    raw = bytes.fromhex(EDTECH["privateKeyHex"])
    other = Ed25519Key.generate().public_bytes
    tampered = encode_multibase(ED25519_PRIV + raw[:32] + other)
    with pytest.raises(InvalidKey, match="public key does not match the secret key") as info:
        Ed25519Key.from_multibase(tampered)
    assert raw[:32].hex() not in str(info.value)
    assert tampered not in str(info.value)


def test_rfc8032_and_rfc8037() -> None:
    key = Ed25519Key.from_seed(RFC8032_SEED)
    assert key.public_bytes == RFC8032_PUBLIC
    assert key.sign(b"") == RFC8032_SIG_EMPTY
    assert key.private_jwk() == RFC8037_JWK
    assert key.public_jwk() == {k: v for k, v in RFC8037_JWK.items() if k != "d"}
    assert Ed25519Key.from_jwk(RFC8037_JWK).seed() == RFC8032_SEED
    assert Ed25519Key.from_public_bytes(RFC8032_PUBLIC).verify(b"", RFC8032_SIG_EMPTY)


# -- round trips -----------------------------------------------------------------------------
def _all_keys() -> list[Ed25519Key]:
    keys = [Ed25519Key.from_multibase(pair["privateKeyMultibase"]) for pair in W3C_PAIRS]
    return [*keys, Ed25519Key.from_seed(RFC8032_SEED), Ed25519Key.generate()]


@pytest.mark.parametrize("key", _all_keys(), ids=repr)
def test_round_trip_every_format(key: Ed25519Key) -> None:
    public = Ed25519Key.from_public_bytes(key.public_bytes)
    assert not public.has_secret
    assert public == key
    assert hash(public) == hash(key)
    assert key.public_key_multibase.startswith("z6Mk")
    assert key.secret_key_multibase().startswith("z3u2")
    assert len(key.seed()) == 32
    assert len(key.public_bytes) == 32
    assert key.algorithm == "EdDSA"
    same_secret = [
        Ed25519Key.from_seed(key.seed()),
        Ed25519Key.from_multibase(key.secret_key_multibase()),
        Ed25519Key.from_jwk(key.private_jwk()),
        Ed25519Key.from_key_file(to_key_file(key)),
    ]
    for other in same_secret:
        assert other.has_secret
        assert other.seed() == key.seed()
        assert other == key
    same_public = [
        Ed25519Key.from_multibase(key.public_key_multibase),
        Ed25519Key.from_jwk(key.public_jwk()),
        Ed25519Key.from_did_key(key.did),
        Ed25519Key.from_did_key(key.verification_method),
        Ed25519Key.from_key_file(to_key_file(public)),
        Ed25519Key.from_verification_method(key.verification_method_document()),
        Ed25519Key.from_verification_method(
            key.verification_method_document(type="Ed25519VerificationKey2020")
        ),
        Ed25519Key.from_verification_method(key.verification_method_document(type="JsonWebKey")),
        Ed25519Key.from_verification_method(
            {"type": "JsonWebKey2020", "publicKeyJwk": key.public_jwk()}
        ),
        Ed25519Key.from_verification_method(
            {"type": "Ed25519VerificationKey2018", "publicKeyBase58": b58encode(key.public_bytes)}
        ),
        *[
            Ed25519Key.from_verification_method(vm)
            for vm in key.did_document()["verificationMethod"]
        ],
    ]
    for other in same_public:
        assert not other.has_secret
        assert other == key
        assert other.public_bytes == key.public_bytes


def test_key_file(key: Ed25519Key) -> None:
    data = to_key_file(key)
    assert data == {
        "type": "Multikey",
        "id": key.verification_method,
        "controller": key.did,
        "publicKeyMultibase": key.public_key_multibase,
        "secretKeyMultibase": key.secret_key_multibase(),
    }
    json.dumps(data)
    public_only = to_key_file(Ed25519Key.from_public_bytes(key.public_bytes))
    assert "secretKeyMultibase" not in public_only
    bare = {"secretKeyMultibase": key.secret_key_multibase()}
    assert Ed25519Key.from_key_file(bare).seed() == key.seed()


# -- did:key and verification methods ------------------------------------------------------
def test_did_key_document_shape(key: Ed25519Key) -> None:
    mb = key.public_key_multibase
    did = f"did:key:{mb}"
    vm_id = f"{did}#{mb}"
    assert key.did == did
    assert key.verification_method == vm_id
    assert key.did_document() == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": mb}
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityInvocation": [vm_id],
        "capabilityDelegation": [vm_id],
    }
    assert json.loads(json.dumps(key.did_document())) == key.did_document()


def test_verification_method_document(key: Ed25519Key) -> None:
    vm = key.verification_method_document("https://example.edu/issuers/1#key-1")
    assert vm == {
        "id": "https://example.edu/issuers/1#key-1",
        "type": "Multikey",
        "controller": "https://example.edu/issuers/1",
        "publicKeyMultibase": key.public_key_multibase,
    }
    vm = key.verification_method_document(
        "https://example.edu/keys/1", controller="https://example.edu", type="JsonWebKey2020"
    )
    assert vm["controller"] == "https://example.edu"
    assert vm["publicKeyJwk"] == key.public_jwk()
    assert "d" not in vm["publicKeyJwk"]
    with pytest.raises(ValueError, match="EcdsaSecp256k1VerificationKey2019"):
        key.verification_method_document(type="EcdsaSecp256k1VerificationKey2019")


# -- signatures ------------------------------------------------------------------------------
def test_sign_verify(key: Ed25519Key) -> None:
    data = b"an OpenBadgeCredential, canonicalised"
    signature = key.sign(data)
    assert len(signature) == 64
    assert key.verify(data, signature)
    assert Ed25519Key.from_did_key(key.did).verify(data, signature)
    flipped = bytes([signature[0] ^ 0x01]) + signature[1:]
    assert not key.verify(data, flipped)
    assert not key.verify(data + b".", signature)
    assert not key.verify(data, signature[:63])
    assert not key.verify(data, signature + b"\0")
    assert not key.verify(data, b"")
    assert not key.verify(data, "not bytes")  # type: ignore[arg-type]
    assert not Ed25519Key.generate().verify(data, signature)


def test_verify_only_key_cannot_sign(key: Ed25519Key) -> None:
    public = Ed25519Key.from_multibase(key.public_key_multibase)
    for attempt in (
        lambda: public.sign(b"x"),
        public.seed,
        public.secret_key_multibase,
        public.private_jwk,
    ):
        with pytest.raises(SigningError, match="verify-only"):
            attempt()


def test_satisfies_key_protocol(key: Ed25519Key) -> None:
    generic: Key = key
    assert generic.algorithm == "EdDSA"
    assert generic.verify(b"m", generic.sign(b"m"))
    assert generic.public_jwk()["kty"] == "OKP"


# -- bad input: always InvalidKey, naming the problem ---------------------------------------
_KEY = Ed25519Key.from_multibase(W3C_PAIR["privateKeyMultibase"])
_PUB = _KEY.public_key_multibase
_SECRET = _KEY.secret_key_multibase()
_OTHER = Ed25519Key.from_multibase(W3C_CHAIN["keyPair1"]["privateKeyMultibase"])

BAD_MULTIBASE = {
    "truncated public": (_PUB[:-1], "found an unknown header, 3[0-9] bytes in all"),
    "truncated secret": (_SECRET[:-2], "found an unknown header, 3[0-9] bytes in all"),
    "31-byte body": (encode_multibase(ED25519_PUB + _KEY.public_bytes[:31]), "found 31"),
    "33-byte body": (encode_multibase(ED25519_PUB + _KEY.public_bytes + b"\0"), "found 33"),
    "non-base58": (_PUB[:10] + "0" + _PUB[11:], "invalid base58 character '0' at position 10"),
    "base58 l": (_PUB[:5] + "l" + _PUB[6:], "'l' at position 5"),
    "p-256": (P256_DID.removeprefix("did:key:"), r"0x8024 \(p256-pub\)"),
    "x25519": (encode_multibase(b"\xec\x01" + bytes(32)), "x25519-pub"),
    "base64 prefix": ("u" + _PUB[1:], "prefix 'u'.*only base58btc"),
    "empty": ("", "empty"),
    "just z": ("z", "too short"),
    "not a point": (encode_multibase(ED25519_PUB + b"\x01" + bytes(31)), "not a valid Ed25519"),
}


def _no_chained_traceback(error: BaseException) -> None:
    assert error.__cause__ is None
    assert error.__context__ is None or error.__suppress_context__


@pytest.mark.parametrize(("text", "message"), BAD_MULTIBASE.values(), ids=BAD_MULTIBASE)
def test_bad_multibase(text: str, message: str) -> None:
    with pytest.raises(InvalidKey, match=message) as info:
        Ed25519Key.from_multibase(text)
    _no_chained_traceback(info.value)
    assert info.value.code == "INVALID_VERIFICATION_METHOD"
    assert len(str(info.value)) < 200


@pytest.mark.parametrize("value", [None, 42, b"z6Mk"])
def test_multibase_not_a_string(value: Any) -> None:
    with pytest.raises(InvalidKey, match="must be a multibase string"):
        Ed25519Key.from_multibase(value)


def test_truncated_did_key_names_what_it_found() -> None:
    with pytest.raises(InvalidKey, match=r"did:key identifier: .* found 0x[0-9a-f]{4}, 3\d bytes"):
        Ed25519Key.from_did_key(f"did:key:{_PUB[:-1]}")


def test_bad_raw_bytes() -> None:
    with pytest.raises(InvalidKey, match="public key must be 32 bytes, got 31"):
        Ed25519Key.from_public_bytes(bytes(31))
    with pytest.raises(InvalidKey, match="seed must be 32 bytes, got 64"):
        Ed25519Key.from_seed(bytes(64))
    with pytest.raises(InvalidKey, match="must be bytes, not str"):
        Ed25519Key.from_seed("00" * 32)  # type: ignore[arg-type]
    with pytest.raises(InvalidKey, match="not a valid Ed25519 public key"):
        Ed25519Key.from_public_bytes(b"\x01" + bytes(31))  # the identity: small order


def test_bad_did_key() -> None:
    with pytest.raises(InvalidKey, match=r"did:key identifier: .*0x8024 \(p256-pub\)"):
        Ed25519Key.from_did_key(P256_DID)
    with pytest.raises(InvalidKey, match="not a did:key"):
        Ed25519Key.from_did_key(f"did:web:example.com#{_PUB}")
    with pytest.raises(InvalidKey, match="fragment must equal"):
        Ed25519Key.from_did_key(f"did:key:{_PUB}#{_OTHER.public_key_multibase}")
    with pytest.raises(InvalidKey, match="fragment must equal"):
        Ed25519Key.from_did_key(f"did:key:{_PUB}#key-1")
    with pytest.raises(InvalidKey, match="secret key material must never be published") as info:
        Ed25519Key.from_did_key(f"did:key:{_SECRET}")
    assert _SECRET not in str(info.value)


def _jwk(**changes: Any) -> dict[str, Any]:
    jwk: dict[str, Any] = {**_KEY.public_jwk(), **changes}
    return {k: v for k, v in jwk.items() if v is not None}


BAD_JWKS = {
    "kty RSA": (_jwk(kty="RSA", n="AQAB", e="AQAB"), "'kty' must be 'OKP'", "/kty"),
    "kty missing": (_jwk(kty=None), "'kty' must be 'OKP'.*None", "/kty"),
    "crv X25519": (_jwk(crv="X25519"), "'crv' must be 'Ed25519'.*X25519", "/crv"),
    "crv P-256": (_jwk(kty="OKP", crv="P-256"), "'crv'", "/crv"),
    "alg ES256": (_jwk(alg="ES256"), "'alg' must be 'EdDSA'", "/alg"),
    "x missing": (_jwk(x=None), "'x' must be a base64url string", "/x"),
    "x padded": (_jwk(x=_KEY.public_jwk()["x"] + "="), "'x'.*base64url", "/x"),
    "x standard b64": (_jwk(x="+" + _KEY.public_jwk()["x"][1:]), "'x'.*base64url", "/x"),
    "x 31 bytes": (_jwk(x="A" * 41 + "w"), "'x'.*32 bytes, got 31", "/x"),
    "d 31 bytes": (_jwk(d="A" * 41 + "w"), "'d'.*32 bytes, got 31", "/d"),
    "d wrong key": (_jwk(d=_OTHER.private_jwk()["d"]), "does not match", "/x"),
}


@pytest.mark.parametrize(("jwk", "message", "pointer"), BAD_JWKS.values(), ids=BAD_JWKS)
def test_bad_jwk(jwk: dict[str, Any], message: str, pointer: str) -> None:
    with pytest.raises(InvalidKey, match=message) as info:
        Ed25519Key.from_jwk(jwk)
    assert info.value.pointer == pointer
    _no_chained_traceback(info.value)
    if "d" in jwk:
        assert jwk["d"] not in str(info.value)


def test_jwk_not_an_object() -> None:
    with pytest.raises(InvalidKey, match="JWK must be a JSON object"):
        Ed25519Key.from_jwk(["OKP"])  # type: ignore[arg-type]


BAD_VMS = {
    "unknown type": (
        {"type": "EcdsaSecp256k1VerificationKey2019", "publicKeyMultibase": _PUB},
        "unsupported verification method type 'EcdsaSecp256k1VerificationKey2019'",
        "/type",
    ),
    "no type": ({"publicKeyMultibase": _PUB}, "unsupported verification method type None", "/type"),
    "published private JWK": (
        {"type": "JsonWebKey2020", "publicKeyJwk": _KEY.private_jwk()},
        "'publicKeyJwk/d'.*must never be published",
        "/publicKeyJwk/d",
    ),
    "secretKeyMultibase field": (
        {"type": "Multikey", "publicKeyMultibase": _PUB, "secretKeyMultibase": _SECRET},
        "'secretKeyMultibase'.*must never be published",
        "/secretKeyMultibase",
    ),
    "secret as public": (
        {"type": "Multikey", "publicKeyMultibase": _SECRET},
        "publicKeyMultibase: holds a secret key",
        "/publicKeyMultibase",
    ),
    "missing publicKeyMultibase": (
        {"type": "Ed25519VerificationKey2020", "publicKeyBase58": "abc"},
        "publicKeyMultibase: must be a multibase string",
        "/publicKeyMultibase",
    ),
    "JWK in a Multikey": (
        {"type": "JsonWebKey", "publicKeyJwk": _jwk(crv="X25519")},
        "'crv'",
        "/publicKeyJwk/crv",
    ),
    "missing publicKeyJwk": ({"type": "JsonWebKey"}, "JWK must be a JSON object", "/publicKeyJwk"),
    "bad publicKeyBase58": (
        {"type": "Ed25519VerificationKey2018", "publicKeyBase58": "0" + _PUB[2:]},
        "publicKeyBase58: invalid base58 character '0' at position 0",
        "/publicKeyBase58",
    ),
    "short publicKeyBase58": (
        {"type": "Ed25519VerificationKey2018", "publicKeyBase58": b58encode(bytes(31))},
        "publicKeyBase58: .*32 bytes, got 31",
        "/publicKeyBase58",
    ),
    "P-256 Multikey": (
        {"type": "Multikey", "publicKeyMultibase": P256_DID.removeprefix("did:key:")},
        "p256-pub",
        "/publicKeyMultibase",
    ),
}


@pytest.mark.parametrize(("vm", "message", "pointer"), BAD_VMS.values(), ids=BAD_VMS)
def test_bad_verification_method(vm: dict[str, Any], message: str, pointer: str) -> None:
    with pytest.raises(InvalidKey, match=message) as info:
        Ed25519Key.from_verification_method(vm)
    assert info.value.pointer == pointer
    assert pointer in str(info.value)
    _no_chained_traceback(info.value)
    for secret in (_SECRET, _KEY.private_jwk()["d"], _KEY.seed().hex()):
        assert secret not in str(info.value)


BAD_KEY_FILES = {
    "mismatch": (
        {"publicKeyMultibase": _PUB, "privateKeyMultibase": _OTHER.secret_key_multibase()},
        "publicKeyMultibase does not match privateKeyMultibase",
    ),
    "public as secret": ({"secretKeyMultibase": _PUB}, "holds a public key, not a secret key"),
    "empty": ({}, "neither publicKeyMultibase nor secretKeyMultibase"),
    "type": ({"type": "JsonWebKey", "secretKeyMultibase": _SECRET}, "'type' must be 'Multikey'"),
    "secret in public field": ({"publicKeyMultibase": _SECRET}, "holds a secret key"),
    "two secrets": (
        {"secretKeyMultibase": _SECRET, "privateKeyMultibase": _OTHER.secret_key_multibase()},
        "differ",
    ),
    "bad secret": (
        {"secretKeyMultibase": _SECRET[:-1] + "0"},
        "secretKeyMultibase: invalid base58",
    ),
}


@pytest.mark.parametrize(("data", "message"), BAD_KEY_FILES.values(), ids=BAD_KEY_FILES)
def test_bad_key_file(data: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidKey, match=message) as info:
        Ed25519Key.from_key_file(data)
    for secret in (_SECRET, _OTHER.secret_key_multibase(), _KEY.seed().hex()):
        assert secret not in str(info.value)


def test_key_file_by_path(key: Ed25519Key, tmp_path: Path) -> None:
    """``from_key_file`` takes the file's path (str or PathLike) as well as its parsed JSON."""
    path = tmp_path / "microcred-key.json"
    path.write_text(json.dumps(to_key_file(key)))
    assert Ed25519Key.from_key_file(path).seed() == key.seed()
    assert Ed25519Key.from_key_file(str(path)) == key


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the key file .*: No such file or directory"),
        (b"", "is not a key file: not valid JSON"),
        (b"[1]", "is not a key file: .*JSON object"),
        (b"\xff\xfe", "is not a key file: .*not UTF-8"),
        (b" " * 70_000, "is not a key file: .*limit"),
        (b'{"type": "JsonWebKey"}', "'type' must be 'Multikey'"),
    ],
)
def test_bad_key_file_path(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "key.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidKey, match=message):
        Ed25519Key.from_key_file(path)


# -- secrecy and value semantics ---------------------------------------------------------------
def test_repr_and_str_hide_the_secret(key: Ed25519Key) -> None:
    secrets = [
        key.secret_key_multibase(),
        key.seed().hex(),
        key.private_jwk()["d"],
        repr(key.seed()),
    ]
    for text in (repr(key), str(key), f"{key}", f"{key!r}", repr([key]), repr({"k": key})):
        for secret in secrets:
            assert secret not in text
    assert repr(key) == f"Ed25519Key({key.did}, secret=True)"
    public = Ed25519Key.from_public_bytes(key.public_bytes)
    assert repr(public) == f"Ed25519Key({key.did}, secret=False)"


def test_immutable_and_hashable(key: Ed25519Key) -> None:
    with pytest.raises(AttributeError):
        key._public = bytes(32)
    with pytest.raises(AttributeError):
        del key._signer
    with pytest.raises(AttributeError):
        key.extra = 1
    assert copy.copy(key) is key
    assert copy.deepcopy({"k": key})["k"] is key
    public = Ed25519Key.from_public_bytes(key.public_bytes)
    assert {key, public} == {key}
    assert key != _KEY
    assert key != key.public_key_multibase


def test_pickle_refuses_secret_keeps_public(key: Ed25519Key) -> None:
    with pytest.raises(TypeError, match="refusing to pickle a secret key"):
        pickle.dumps(key)
    public = Ed25519Key.from_public_bytes(key.public_bytes)
    restored = pickle.loads(pickle.dumps(public))
    assert restored == key
    assert not restored.has_secret
