"""VC-JWT: issuing, decoding, key selection and binding, claim checks, the spec's examples."""

from __future__ import annotations

import base64
import copy
import hmac
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from microcred._jose import parse_compact, sign_compact
from microcred._jwt import (
    JwtCredential,
    check_jwt_claims,
    check_jwt_times,
    decode_jwt_credential,
    issue_jwt,
    verify_jwt_signature,
)
from microcred._parse import InputLimits
from microcred.errors import (
    CredentialError,
    ExpiredCredential,
    InvalidKey,
    InvalidProof,
    InvalidSignature,
    MalformedCredential,
    PrematureCredential,
    ResolutionError,
    ResourceLimitExceeded,
    SigningError,
    UnsupportedSuite,
)
from microcred.keys import ECKey, Ed25519Key, Key, RSAKey
from microcred.resolvers import StaticResolver

SPEC = Path(__file__).parent / "vectors" / "spec-examples"
RENDERED = sorted((SPEC / "ob-spec-rendered-2024-04-03").glob("*.jwt"))
OUTCOMES = {
    Path(case["file"]).name: case
    for case in json.loads((SPEC / "expected-outcomes.json").read_text())["cases"]
    if case["format"] == "jwt"
}
V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ISSUER = "https://issuer.example/issuers/1"
NOW = datetime(2026, 11, 22, tzinfo=UTC)
NO_PINS = StaticResolver({})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def credential(issuer: str = ISSUER, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [V2, OB],
        "id": "urn:uuid:5b5b9b66-1a43-4c1e-8f6c-7f0a4a4c2a01",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2030-01-01T00:00:00Z",
        "name": "Example badge",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {"id": "https://issuer.example/achievements/1", "name": "A"},
        },
        **extra,
    }


def controller_document(controller: str, key: Key, kind: str = "JsonWebKey") -> dict[str, Any]:
    method: dict[str, Any] = {"id": f"{controller}#key-1", "type": kind, "controller": controller}
    if kind == "Multikey":
        assert isinstance(key, ECKey)
        method["publicKeyMultibase"] = key.public_key_multibase
    else:
        method["publicKeyJwk"] = key.public_jwk()
    return {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": controller,
        "verificationMethod": [method],
        "assertionMethod": [method["id"]],
    }


def resign(token: str, key: Key, *, header: Any = None, claims: Any = None) -> str:
    """The token with its header and/or claims changed, signed again (a consistent forgery)."""
    jws = parse_compact(token)
    payload = json.loads(jws.payload)
    new_claims = claims(payload) if callable(claims) else payload
    new_header = header(dict(jws.header)) if callable(header) else jws.header
    return sign_compact(json.dumps(new_claims).encode(), key, new_header)


def hand_signed(header: dict[str, Any], claims: dict[str, Any], sign: Any) -> str:
    """A token built without sign_compact's safety checks."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
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


# -- the spec's rendered examples --------------------------------------------------------
@pytest.mark.parametrize("path", RENDERED, ids=[p.name for p in RENDERED])
def test_spec_examples_verify_with_their_embedded_key(path: Path) -> None:
    outcome = OUTCOMES[path.name]
    decoded = decode_jwt_credential(path.read_text())
    assert decoded.header["alg"] == outcome["alg"] == "RS256"
    assert "kid" not in decoded.header
    assert not decoded.vc_claim
    assert not {"iss", "sub", "jti"} & decoded.credential.keys()
    issuer = decoded.credential["issuer"]["id"]
    assert decoded.claims["iss"] == issuer

    untrusted = verify_jwt_signature(decoded, NO_PINS)
    assert untrusted.source == "jwk"
    assert not untrusted.trusted
    assert untrusted.resolved.controller == ""
    assert untrusted.resolved.relationships == frozenset()
    assert untrusted.resolved.method_id.startswith("urn:ietf:params:oauth:jwk-thumbprint:")
    assert isinstance(untrusted.resolved.key, RSAKey)

    trusted = verify_jwt_signature(decoded, NO_PINS, trust_embedded_keys=True)
    assert trusted.trusted
    assert trusted.resolved.controller == issuer
    assert "assertionMethod" in trusted.resolved.relationships

    warnings = check_jwt_claims(decoded, now=NOW)
    missing = {w.pointer for w in warnings if w.code == "JWT_CLAIM_MISSING"}
    expected = {f"/{claim}" for claim in outcome["missing_claims"]}
    assert missing == expected | ({"/exp"} if "validUntil" in decoded.credential else set())
    assert all(w.code == "JWT_CLAIM_MISSING" for w in warnings)


@pytest.mark.parametrize("path", RENDERED[:2], ids=[p.name for p in RENDERED[:2]])
def test_spec_example_tampered(path: Path) -> None:
    token = path.read_text().strip()
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = "Tampered"
    forged = f"{head}.{b64(json.dumps(claims).encode())}.{signature}"
    with pytest.raises(InvalidSignature, match="altered"):
        verify_jwt_signature(decode_jwt_credential(forged), NO_PINS, trust_embedded_keys=True)


# -- issuing and round trips --------------------------------------------------------------
def test_eddsa_round_trip_with_did_key(ed_key: Ed25519Key) -> None:
    original = credential(ed_key.did)
    kept = copy.deepcopy(original)
    token = issue_jwt(original, ed_key)
    assert original == kept
    decoded = decode_jwt_credential(token)
    assert decoded.header == {"alg": "EdDSA", "typ": "JWT", "kid": ed_key.verification_method}
    assert decoded.credential == original
    assert decoded.claims["iss"] == ed_key.did
    assert decoded.claims["sub"] == "did:example:learner"
    assert decoded.claims["jti"] == original["id"]
    assert decoded.claims["nbf"] == 1704067200
    assert decoded.claims["exp"] == 1893456000
    assert "iat" not in decoded.claims
    found = verify_jwt_signature(decoded, NO_PINS)
    assert found.source == "kid"
    assert found.trusted
    assert found.resolved.controller == ed_key.did
    assert "assertionMethod" in found.resolved.relationships
    assert check_jwt_claims(decoded, now=NOW - timedelta(days=365)) == []


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        ("rsa_key", "JsonWebKey"),
        ("rsa_key", "JsonWebKey2020"),
        ("ec_key", "JsonWebKey"),
        ("ec_key", "JsonWebKey2020"),
        ("ec_key", "Multikey"),
    ],
)
def test_rs256_es256_round_trip_with_kid(fixture: str, kind: str, request: Any) -> None:
    key = request.getfixturevalue(fixture)
    resolver = StaticResolver({ISSUER: controller_document(ISSUER, key, kind)})
    token = issue_jwt(credential(), key, kid=f"{ISSUER}#key-1")
    decoded = decode_jwt_credential(token)
    assert decoded.header["alg"] == key.algorithm
    found = verify_jwt_signature(decoded, resolver)
    assert found.resolved.key == key
    assert found.resolved.controller == ISSUER
    assert found.resolved.relationships == {"assertionMethod"}
    assert check_jwt_claims(decoded) == []


@pytest.mark.parametrize("fixture", ["rsa_key", "ec_key", "ed_key"])
def test_embedded_jwk_round_trip(fixture: str, request: Any) -> None:
    key = request.getfixturevalue(fixture)
    token = issue_jwt(credential(), key, embed_jwk=True, issued_at=NOW)
    decoded = decode_jwt_credential(token)
    assert decoded.header["jwk"] == key.public_jwk()
    assert "kid" not in decoded.header
    assert decoded.claims["iat"] == int(NOW.timestamp())
    found = verify_jwt_signature(decoded, NO_PINS)
    assert (found.source, found.trusted, found.resolved.controller) == ("jwk", False, "")
    trusted = verify_jwt_signature(decoded, NO_PINS, trust_embedded_keys=True)
    assert (trusted.trusted, trusted.resolved.controller) == (True, ISSUER)


def test_relative_kid_is_a_fragment_of_the_issuer(rsa_key: RSAKey) -> None:
    resolver = StaticResolver({ISSUER: controller_document(ISSUER, rsa_key)})
    for kid in ("key-1", "#key-1"):
        decoded = decode_jwt_credential(issue_jwt(credential(), rsa_key, kid=kid))
        found = verify_jwt_signature(decoded, resolver)
        assert found.resolved.method_id == f"{ISSUER}#key-1"
        assert found.kid == kid
        assert found.resolved.controller == ISSUER
    unknown = decode_jwt_credential(issue_jwt(credential(), rsa_key, kid="key-9"))
    with pytest.raises(InvalidKey, match="does not contain"):
        verify_jwt_signature(unknown, resolver)
    with pytest.raises(ResolutionError, match="offline"):
        verify_jwt_signature(unknown, NO_PINS)


def test_relative_kid_with_jwk_falls_back_to_the_embedded_key(rsa_key: RSAKey) -> None:
    token = issue_jwt(credential(), rsa_key, kid="key-1", embed_jwk=True)
    found = verify_jwt_signature(decode_jwt_credential(token), NO_PINS)
    assert (found.source, found.trusted, found.kid) == ("jwk", False, "key-1")
    resolver = StaticResolver({ISSUER: controller_document(ISSUER, rsa_key)})
    bound = verify_jwt_signature(decode_jwt_credential(token), resolver)
    assert (bound.source, bound.resolved.controller) == ("kid", ISSUER)


def test_jwks_kid_is_origin_bound(rsa_key: RSAKey) -> None:
    jwks = "https://issuer.example/.well-known/jwks.json"
    published = {**rsa_key.public_jwk(), "kid": "k1", "use": "sig", "alg": "RS256"}
    resolver = StaticResolver({jwks: {"keys": [published]}})
    token = issue_jwt(credential(), rsa_key, kid=f"{jwks}#k1")
    found = verify_jwt_signature(decode_jwt_credential(token), resolver)
    assert found.resolved.origin_bound
    assert found.resolved.controller == "https://issuer.example"


def test_kid_and_jwk_must_agree(rsa_key: RSAKey) -> None:
    resolver = StaticResolver({ISSUER: controller_document(ISSUER, rsa_key)})
    token = issue_jwt(credential(), rsa_key, kid=f"{ISSUER}#key-1", embed_jwk=True)
    assert verify_jwt_signature(decode_jwt_credential(token), resolver).source == "kid"
    other = RSAKey.generate()
    swapped = resign(token, rsa_key, header=lambda h: {**h, "jwk": other.public_jwk()})
    with pytest.raises(InvalidProof, match="'jwk' header is not the key"):
        verify_jwt_signature(decode_jwt_credential(swapped), resolver)


@pytest.mark.parametrize(
    ("jwk", "reason"),
    [
        ({}, "kty None"),
        ({"kty": "RSA"}, "JWK 'n' must be a base64url string"),
        ({"kty": "OKP", "crv": "Ed25519", "x": 5}, "JWK 'x' must be a base64url string"),
    ],
)
def test_a_bad_jwk_beside_a_kid_is_named(rsa_key: RSAKey, jwk: dict[str, Any], reason: str) -> None:
    """The published key is found by kid, yet a jwk header that is no key is still refused,
    with what is wrong in it (it was 'cannot compute the thumbprint of a None JWK')."""
    resolver = StaticResolver({ISSUER: controller_document(ISSUER, rsa_key)})
    token = issue_jwt(credential(), rsa_key, kid=f"{ISSUER}#key-1")
    forged = resign(token, rsa_key, header=lambda h: {**h, "jwk": jwk})
    with pytest.raises(InvalidKey, match=f"header 'jwk' is not a usable public key: .*{reason}"):
        verify_jwt_signature(decode_jwt_credential(forged), resolver)


def test_vcdm_1_1_vc_claim_form(ec_key: ECKey) -> None:
    v1 = "https://www.w3.org/2018/credentials/v1"
    vc = {"@context": [v1], "type": ["VerifiableCredential"], "credentialSubject": {"a": 1}}
    claims = {
        "iss": ISSUER,
        "sub": "did:example:learner",
        "jti": "urn:uuid:1",
        "nbf": 1704067200,
        "exp": 1893456000,
        "vc": vc,
    }
    token = sign_compact(json.dumps(claims).encode(), ec_key, {"kid": f"{ISSUER}#key-1"})
    decoded = decode_jwt_credential(token)
    assert decoded.vc_claim
    assert decoded.credential == {
        **vc,
        "issuer": ISSUER,
        "credentialSubject": {"a": 1, "id": "did:example:learner"},
        "id": "urn:uuid:1",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "expirationDate": "2030-01-01T00:00:00Z",
    }
    assert check_jwt_claims(decoded, now=NOW - timedelta(days=365)) == []
    resolver = StaticResolver({ISSUER: controller_document(ISSUER, ec_key)})
    assert verify_jwt_signature(decoded, resolver).resolved.controller == ISSUER
    v2 = {**claims, "vc": {**vc, "@context": [V2], "issuer": {"name": "x"}}}
    completed = decode_jwt_credential(sign_compact(json.dumps(v2).encode(), ec_key, {}))
    assert completed.credential["issuer"] == {"name": "x", "id": ISSUER}
    assert completed.credential["validFrom"] == "2024-01-01T00:00:00Z"
    disagreeing = {**claims, "vc": {**vc, "issuer": "https://other.example"}}
    decoded = decode_jwt_credential(sign_compact(json.dumps(disagreeing).encode(), ec_key, {}))
    with pytest.raises(CredentialError, match="contradicts") as info:
        check_jwt_claims(decoded)
    assert info.value.pointer == "/iss"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"vc": "text"}, "'vc' claim must be a JSON object"),
        ({"vc": {}, "@context": [V2]}, "the only document"),
        ({"vc": {}, "vp": {}}, "the only document"),
    ],
)
def test_vc_claim_malformed(claims: dict[str, Any], reason: str, ec_key: ECKey) -> None:
    token = sign_compact(json.dumps(claims).encode(), ec_key, {})
    with pytest.raises(MalformedCredential, match=reason) as info:
        decode_jwt_credential(token)
    assert info.value.pointer == "/vc"


def test_issue_jwt_refusals(rsa_key: RSAKey, ed_key: Ed25519Key) -> None:
    with pytest.raises(SigningError, match="no issuer id"):
        issue_jwt({k: v for k, v in credential().items() if k != "issuer"}, ed_key)
    with pytest.raises(SigningError, match="pass kid="):
        issue_jwt(credential(), rsa_key)
    with pytest.raises(SigningError, match="controlled by"):
        issue_jwt(credential(), ed_key)  # the issuer is not the did:key
    with pytest.raises(SigningError, match="'iss' is a JWT claim name"):
        issue_jwt(credential(ed_key.did, iss="https://other.example"), ed_key)
    with pytest.raises(SigningError, match="'vc' is a JWT claim name"):
        issue_jwt(credential(ed_key.did, vc={}), ed_key)
    with pytest.raises(MalformedCredential, match="date-time") as info:
        issue_jwt(credential(ed_key.did, validFrom="yesterday"), ed_key)
    assert info.value.pointer == "/validFrom"
    with pytest.raises(MalformedCredential, match="unpaired surrogate"):
        issue_jwt(credential(ed_key.did, name="half a pair \udfff"), ed_key)
    public = RSAKey.from_jwk(rsa_key.public_jwk())
    with pytest.raises(SigningError, match="verify-only"):
        issue_jwt(credential(), public, kid="k")


def test_issue_jwt_accepts_models_and_v1_dates(ed_key: Ed25519Key) -> None:
    class Model:
        def to_dict(self) -> dict[str, Any]:
            document = credential(ed_key.did)
            document["issuanceDate"] = document.pop("validFrom")
            document["expirationDate"] = document.pop("validUntil")
            document["issuer"] = ed_key.did
            return document

    decoded = decode_jwt_credential(issue_jwt(Model(), ed_key))
    assert decoded.claims["nbf"] == 1704067200
    assert decoded.claims["exp"] == 1893456000
    assert decoded.claims["iss"] == ed_key.did
    assert check_jwt_claims(decoded) == []


# -- negative: algorithms and keys ---------------------------------------------------------
def test_alg_none(rsa_key: RSAKey) -> None:
    token = issue_jwt(credential(), rsa_key, embed_jwk=True)
    head, payload, _ = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    unsigned = f"{b64(json.dumps({**header, 'alg': 'none'}).encode())}.{payload}."
    decoded = decode_jwt_credential(unsigned)  # decoding is fine, for inspection
    for trust in (False, True):
        with pytest.raises(UnsupportedSuite, match="'none'"):
            verify_jwt_signature(decoded, NO_PINS, trust_embedded_keys=trust)


@pytest.mark.parametrize("form", ["pem", "jwk-json", "jwk-thumbprint"])
@pytest.mark.parametrize("where", ["kid", "jwk"])
def test_hs256_signed_with_the_rsa_public_key(rsa_key: RSAKey, form: str, where: str) -> None:
    secret = {
        "pem": rsa_key.to_pem(),
        "jwk-json": json.dumps(rsa_key.public_jwk()).encode(),
        "jwk-thumbprint": rsa_key.thumbprint().encode(),
    }[form]
    header: dict[str, Any] = {"alg": "HS256", "typ": "JWT"}
    if where == "kid":
        header["kid"] = f"{ISSUER}#key-1"
    else:
        header["jwk"] = rsa_key.public_jwk()
    claims = {**credential(), "iss": ISSUER}
    token = hand_signed(header, claims, lambda data: hmac.new(secret, data, "sha256").digest())
    resolver = StaticResolver({ISSUER: controller_document(ISSUER, rsa_key)})
    allowed = frozenset({"HS256", "RS256", "ES256", "EdDSA"})
    with pytest.raises(UnsupportedSuite, match="HMAC"):
        verify_jwt_signature(decode_jwt_credential(token), resolver, allowed_algs=allowed)


@pytest.mark.parametrize(
    ("alg", "signer", "published"),
    [
        ("RS256", "ec_key", "ec_key"),
        ("ES256", "rsa_key", "rsa_key"),
        ("EdDSA", "ec_key", "ec_key"),
        ("ES256", "ed_key", "ed_key"),
    ],
)
def test_alg_and_key_type_must_match(alg: str, signer: str, published: str, request: Any) -> None:
    key = request.getfixturevalue(signer)
    resolver = StaticResolver(
        {ISSUER: controller_document(ISSUER, request.getfixturevalue(published))}
    )
    claims = {**credential(), "iss": ISSUER}
    token = hand_signed({"alg": alg, "kid": f"{ISSUER}#key-1"}, claims, key.sign)
    with pytest.raises(InvalidProof, match="alg and key type must match") as info:
        verify_jwt_signature(decode_jwt_credential(token), resolver)
    assert type(info.value) is InvalidProof


def test_kid_of_another_issuer_does_not_bind(ed_key: Ed25519Key) -> None:
    """Mallory signs Alice's credential with her own did:key: the signature is valid, and the
    binding information names Mallory, so the issuer check fails it."""
    mallory = Ed25519Key.generate()
    forged = credential(ed_key.did)
    claims = {**forged, "iss": ed_key.did}
    token = sign_compact(
        json.dumps(claims).encode(), mallory, {"typ": "JWT", "kid": mallory.verification_method}
    )
    found = verify_jwt_signature(decode_jwt_credential(token), NO_PINS)
    assert found.trusted
    assert found.resolved.controller == mallory.did != ed_key.did
    with pytest.raises(SigningError, match="controlled by"):
        issue_jwt(forged, mallory, kid=None)


def test_kid_of_another_issuer_via_https(rsa_key: RSAKey) -> None:
    other = "https://other.example/issuers/9"
    resolver = StaticResolver({other: controller_document(other, rsa_key)})
    with pytest.raises(SigningError, match=f"names a key of {other}: verifiers would reject"):
        issue_jwt(credential(), rsa_key, kid=f"{other}#key-1")
    own = issue_jwt(credential(), rsa_key, kid=f"{ISSUER}#key-1")
    token = resign(own, rsa_key, header=lambda h: {**h, "kid": f"{other}#key-1"})
    found = verify_jwt_signature(decode_jwt_credential(token), resolver)
    assert found.resolved.controller == other != ISSUER


@pytest.mark.parametrize(
    "kid",
    ["#key-1", "key-1", f"{ISSUER}#key-1", "https://issuer.example/.well-known/jwks.json#k1"],
)
def test_a_kid_of_the_issuer_or_its_origin_is_signed(rsa_key: RSAKey, kid: str) -> None:
    assert decode_jwt_credential(issue_jwt(credential(), rsa_key, kid=kid)).header["kid"] == kid


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"credentialSubject": None}, "credentialSubject is required"),
        ({"type": ["OpenBadgeCredential"]}, "type must include 'VerifiableCredential'"),
        ({"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]}, "@context"),
        ({"validFrom": "garbage"}, "validFrom"),
    ],
)
def test_issue_jwt_refuses_what_verifiers_refuse(
    rsa_key: RSAKey, change: dict[str, Any], reason: str
) -> None:
    document = {**credential(), **change}
    document = {k: v for k, v in document.items() if v is not None}
    with pytest.raises(MalformedCredential, match=re.escape(reason)):
        issue_jwt(document, rsa_key, kid="#key-1")


def test_private_members_in_jwk_header(rsa_key: RSAKey, ec_key: ECKey) -> None:
    for key in (rsa_key, ec_key):
        claims = {**credential(), "iss": ISSUER}
        token = hand_signed({"alg": key.algorithm, "jwk": key.private_jwk()}, claims, key.sign)
        for trust in (False, True):
            with pytest.raises(InvalidProof, match="private key material") as info:
                verify_jwt_signature(
                    decode_jwt_credential(token), NO_PINS, trust_embedded_keys=trust
                )
            assert key.private_jwk()["d"] not in str(info.value)


@pytest.mark.parametrize(
    ("change", "error", "reason"),
    [
        ({"crit": ["exp"], "exp": 1}, InvalidProof, "critical"),
        ({"typ": "JOSE"}, InvalidProof, "typ"),
        ({"typ": "application/vc+ld+json"}, InvalidProof, "typ"),
        ({"jwk": None, "x5c": ["MIIB"]}, InvalidProof, "neither 'kid' nor 'jwk'"),
        ({"jwk": {"kty": "oct", "k": "c2VjcmV0"}}, InvalidProof, "private key material"),
        ({"jwk": {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}}, InvalidKey, "32 bytes"),
    ],
)
def test_header_refusals(
    rsa_key: RSAKey, change: dict[str, Any], error: type[Exception], reason: str
) -> None:
    token = issue_jwt(credential(), rsa_key, embed_jwk=True)

    def edit(header: dict[str, Any]) -> dict[str, Any]:
        header.update(change)
        return {k: v for k, v in header.items() if v is not None}

    jws = parse_compact(token)
    forged = hand_signed(edit(dict(jws.header)), json.loads(jws.payload), rsa_key.sign)
    with pytest.raises(error, match=reason):
        verify_jwt_signature(decode_jwt_credential(forged), NO_PINS, trust_embedded_keys=True)


@pytest.mark.parametrize("typ", ["JWT", "jwt", "vc+jwt", "application/vc+jwt"])
def test_accepted_typ(rsa_key: RSAKey, typ: str) -> None:
    token = resign(
        issue_jwt(credential(), rsa_key, embed_jwk=True),
        rsa_key,
        header=lambda h: {**h, "typ": typ},
    )
    assert verify_jwt_signature(decode_jwt_credential(token), NO_PINS).source == "jwk"


def test_a_credential_labelled_as_a_presentation_is_refused(rsa_key: RSAKey) -> None:
    token = resign(
        issue_jwt(credential(), rsa_key, embed_jwk=True),
        rsa_key,
        header=lambda h: {**h, "typ": "vp+jwt"},
    )
    with pytest.raises(InvalidProof, match="typ is 'vp\\+jwt'; expected one of jwt, vc\\+jwt"):
        verify_jwt_signature(decode_jwt_credential(token), NO_PINS)


def test_tampered_payload(ec_key: ECKey) -> None:
    token = issue_jwt(credential(), ec_key, embed_jwk=True)
    head, _, signature = token.split(".")
    claims = json.loads(parse_compact(token).payload)
    claims["credentialSubject"]["id"] = claims["sub"] = "did:example:mallory"
    forged = f"{head}.{b64(json.dumps(claims).encode())}.{signature}"
    decoded = decode_jwt_credential(forged)
    assert check_jwt_claims(decoded) == []  # consistent, but not what was signed
    with pytest.raises(InvalidSignature):
        verify_jwt_signature(decoded, NO_PINS, trust_embedded_keys=True)


# -- negative: claims ------------------------------------------------------------------------
MISMATCHES = {
    "iss": (lambda c: {**c, "iss": "https://other.example/issuers/1"}, "/iss"),
    "sub": (lambda c: {**c, "sub": "did:example:someone-else"}, "/sub"),
    "jti": (lambda c: {**c, "jti": "urn:uuid:another"}, "/jti"),
    "nbf": (lambda c: {**c, "nbf": c["nbf"] + 3600}, "/nbf"),
    "exp": (lambda c: {**c, "exp": c["exp"] + 86400}, "/exp"),
    "credential issuer": (lambda c: {**c, "issuer": "https://other.example/i/1"}, "/iss"),
    "credential subject": (lambda c: {**c, "credentialSubject": {"id": "did:x:y"}}, "/sub"),
    "credential id": (lambda c: {**c, "id": "urn:uuid:other"}, "/jti"),
    "credential validFrom": (lambda c: {**c, "validFrom": "2024-01-01T00:00:02Z"}, "/nbf"),
    "credential validUntil": (lambda c: {**c, "validUntil": "2031-01-01T00:00:00Z"}, "/exp"),
}


@pytest.mark.parametrize(("change", "pointer"), MISMATCHES.values(), ids=MISMATCHES)
def test_claim_mismatch_fails(ed_key: Ed25519Key, change: Any, pointer: str) -> None:
    token = resign(issue_jwt(credential(ed_key.did), ed_key), ed_key, claims=change)
    decoded = decode_jwt_credential(token)
    verify_jwt_signature(decoded, NO_PINS)  # the signature itself is fine
    with pytest.raises(CredentialError, match="contradicts the credential") as info:
        check_jwt_claims(decoded)
    assert info.value.code == "JWT_CLAIM_MISMATCH"
    assert info.value.pointer == pointer


def test_sub_with_list_of_subjects(ed_key: Ed25519Key) -> None:
    two = credential(ed_key.did)
    two["credentialSubject"] = [two["credentialSubject"], {"id": "did:example:other"}]
    decoded = decode_jwt_credential(issue_jwt(two, ed_key))
    assert "sub" not in decoded.claims
    assert check_jwt_claims(decoded) == []


def test_fractional_seconds_still_agree(ed_key: Ed25519Key) -> None:
    token = issue_jwt(credential(ed_key.did, validFrom="2024-01-01T00:00:00.750Z"), ed_key)
    decoded = decode_jwt_credential(token)
    assert decoded.claims["nbf"] == 1704067200
    assert check_jwt_claims(decoded) == []


@pytest.mark.parametrize("claim", ["iss", "sub", "jti", "nbf", "exp"])
def test_absent_claim_warns(ed_key: Ed25519Key, claim: str) -> None:
    token = resign(
        issue_jwt(credential(ed_key.did), ed_key),
        ed_key,
        claims=lambda c: {k: v for k, v in c.items() if k != claim},
    )
    warnings = check_jwt_claims(decode_jwt_credential(token))
    assert [(w.code, w.pointer) for w in warnings] == [("JWT_CLAIM_MISSING", f"/{claim}")]


def test_claim_without_counterpart_warns(ed_key: Ed25519Key) -> None:
    document = {k: v for k, v in credential(ed_key.did).items() if k != "validUntil"}
    token = resign(issue_jwt(document, ed_key), ed_key, claims=lambda c: {**c, "exp": 1893456000})
    warnings = check_jwt_claims(decode_jwt_credential(token))
    assert [(w.code, w.pointer) for w in warnings] == [("JWT_CLAIM_UNMAPPED", "/exp")]


def test_numeric_date_beyond_a_double_is_refused_on_decoding(ed_key: Ed25519Key) -> None:
    token = resign(
        issue_jwt(credential(ed_key.did), ed_key), ed_key, claims=lambda c: {**c, "nbf": 10**400}
    )
    with pytest.raises(MalformedCredential, match="range of a double") as info:
        decode_jwt_credential(token)
    assert info.value.pointer == "/nbf"


@pytest.mark.parametrize("value", ["1704067200", True, None, [1]])
def test_numeric_date_must_be_a_number(ed_key: Ed25519Key, value: Any) -> None:
    token = issue_jwt(credential(ed_key.did), ed_key)
    decoded = decode_jwt_credential(resign(token, ed_key, claims=lambda c: {**c, "nbf": value}))
    with pytest.raises(MalformedCredential, match="NumericDate") as info:
        check_jwt_claims(decoded)
    assert info.value.pointer == "/nbf"
    with pytest.raises(MalformedCredential):
        check_jwt_times(decoded, NOW)


# -- the JWT's own validity window ----------------------------------------------------------
def _timed(key: Ed25519Key, nbf: int, exp: int) -> JwtCredential:
    token = resign(
        issue_jwt(credential(key.did), key), key, claims=lambda c: {**c, "nbf": nbf, "exp": exp}
    )
    return decode_jwt_credential(token)


def test_expired_jwt(ed_key: Ed25519Key) -> None:
    now = int(NOW.timestamp())
    decoded = _timed(ed_key, now - 7200, now - 30)
    with pytest.raises(ExpiredCredential, match="expired at") as info:
        check_jwt_times(decoded, NOW)
    assert info.value.pointer == "/exp"
    check_jwt_times(decoded, NOW, timedelta(seconds=60))  # within the leeway
    with pytest.raises(ExpiredCredential):
        check_jwt_times(_timed(ed_key, now - 7200, now), NOW)  # exp is exclusive


def test_future_nbf(ed_key: Ed25519Key) -> None:
    now = int(NOW.timestamp())
    decoded = _timed(ed_key, now + 30, now + 7200)
    with pytest.raises(PrematureCredential, match="not valid before") as info:
        check_jwt_times(decoded, NOW)
    assert info.value.pointer == "/nbf"
    check_jwt_times(decoded, NOW, timedelta(seconds=60))
    check_jwt_times(_timed(ed_key, now, now + 1), NOW)


def test_check_jwt_claims_runs_the_time_checks(ed_key: Ed25519Key) -> None:
    decoded = decode_jwt_credential(issue_jwt(credential(ed_key.did), ed_key))
    assert check_jwt_claims(decoded, now=NOW - timedelta(days=365)) == []
    with pytest.raises(ExpiredCredential):
        check_jwt_claims(decoded, now=datetime(2031, 1, 1, tzinfo=UTC))
    with pytest.raises(PrematureCredential):
        check_jwt_claims(decoded, now=datetime(2023, 1, 1, tzinfo=UTC))


# -- negative: malformed tokens --------------------------------------------------------------
def test_malformed_payloads(ec_key: ECKey) -> None:
    for payload, reason in ((b"[1, 2]", "JSON object, not an array"), (b"{", "not valid JSON")):
        token = sign_compact(payload, ec_key, {})
        with pytest.raises(MalformedCredential, match=reason):
            decode_jwt_credential(token)
    huge_number = sign_compact(b'{"nbf": ' + b"9" * 5000 + b"}", ec_key, {})
    with pytest.raises(MalformedCredential, match="5000 digits"):
        decode_jwt_credential(huge_number)
    duplicate = sign_compact(b'{"iss": "a", "iss": "b"}', ec_key, {})
    with pytest.raises(MalformedCredential, match="duplicate JSON key 'iss'"):
        decode_jwt_credential(duplicate)


DUPLICATE = b'{"alg":"ES256","alg":"none"}'


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("eyJhbGciOiJFUzI1NiJ9.e30", "has 2"),
        ("eyJhbGciOiJFUzI1NiJ9.e30!.AA", "payload is not valid"),
        (f"{b64(b'not json')}.e30.AA", "JWS header: not valid JSON"),
        (f"{b64(DUPLICATE)}.e30.AA", "duplicate JSON key 'alg'"),
    ],
)
def test_malformed_tokens(token: str, reason: str) -> None:
    with pytest.raises(MalformedCredential, match=reason):
        decode_jwt_credential(token)


def test_token_size_limit(ed_key: Ed25519Key) -> None:
    token = issue_jwt(credential(ed_key.did, description="x" * 5000), ed_key)
    with pytest.raises(ResourceLimitExceeded, match="limit is 4096"):
        decode_jwt_credential(token, limits=InputLimits(max_bytes=4096))
    assert decode_jwt_credential(token).credential["description"] == "x" * 5000
    huge = "eyJhbGciOiJFUzI1NiJ9." + "A" * (5 * 1024 * 1024) + ".AA"
    with pytest.raises(ResourceLimitExceeded):
        decode_jwt_credential(huge)
