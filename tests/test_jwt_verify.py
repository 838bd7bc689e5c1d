"""VC-JWT through check()/verify(): keys by kid (did:key, JWK Set on HTTPS), embedded keys,
claim mapping, endorsementJwt and presentations mixing formats."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

import microcred
from microcred import ECKey, Ed25519Key, RSAKey, Status
from microcred._jose import sign_compact

from httpserver import HTTPSServer

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
CREATED = "2026-11-01T00:00:00Z"  # proofs made before NOW, the clock that verifies them
OB = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ED = Ed25519Key.from_seed(b"j" * 32)


def badge(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": OB,
        "id": "urn:uuid:2f0c5d4e-9b1a-4c8e-a7d6-5e4f3c2b1a09",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "JWT School"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "JWT Basics",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://jwt.example/a/1",
                "type": ["Achievement"],
                "name": "JWT Basics",
                "description": "Signs tokens.",
                "criteria": {"narrative": "Passed."},
            },
        },
        **extra,
    }


def test_eddsa_did_key_jwt_verifies() -> None:
    token = microcred.issue_jwt(badge(ED.did), ED)
    report = microcred.verify(token, now=NOW, offline=True)
    assert report.format == "jwt"
    assert report.check("claims").status is Status.PASSED
    assert report.warnings == ()


def test_rs256_key_published_in_a_jwk_set(server: HTTPSServer) -> None:
    key = RSAKey.generate()
    jwk = {**key.public_jwk(), "kid": "2026-rsa"}
    server.route("/.well-known/jwks.json", json={"keys": [jwk]}, host="issuer.example")
    token = microcred.issue_jwt(
        badge("https://issuer.example/issuers/1"),
        key,
        kid="https://issuer.example/.well-known/jwks.json#2026-rsa",
    )
    report = microcred.check(token, now=NOW, http=server.policy())
    assert report.verified, report.to_dict()
    other = microcred.issue_jwt(badge("https://other.example/issuers/1"), key, kid="#2026-rsa")
    _, payload, _ = other.split(".")
    other_origin = sign_compact(  # issue_jwt refuses a kid of another origin: forged
        base64.urlsafe_b64decode(payload + "=="),
        key,
        {"typ": "JWT", "kid": "https://issuer.example/.well-known/jwks.json#2026-rsa"},
    )
    report = microcred.check(other_origin, now=NOW, http=server.policy())
    assert report.check("issuer").code == "ISSUER_MISMATCH"


def test_an_embedded_key_proves_integrity_only() -> None:
    key = ECKey.generate()
    token = microcred.issue_jwt(badge("https://issuer.example/issuers/1"), key, embed_jwk=True)
    report = microcred.check(token, now=NOW, offline=True)
    assert report.check("proof").status is Status.PASSED
    assert report.check("issuer").status is Status.INDETERMINATE
    assert not report.verified
    assert microcred.check(token, now=NOW, offline=True, trust_embedded_keys=True).verified


def _payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("iss", "did:example:someone-else"),
        ("sub", "did:example:other"),
        ("jti", "urn:uuid:x"),
        ("nbf", 1_600_000_000),
        ("exp", 1_900_000_000),
    ],
)
def test_a_disagreeing_claim_fails(claim: str, value: Any) -> None:
    payload = _payload(microcred.issue_jwt(badge(ED.did, validUntil="2030-01-01T00:00:00Z"), ED))
    payload[claim] = value
    token = sign_compact(
        json.dumps(payload).encode(),
        ED,
        {"alg": "EdDSA", "typ": "JWT", "kid": ED.verification_method},
    )
    report = microcred.check(token, now=NOW, offline=True)
    assert report.check("claims").code == "JWT_CLAIM_MISMATCH"
    assert report.check("claims").pointer == f"/{claim}"
    assert not report.verified


def test_a_tampered_payload_fails() -> None:
    head, _, rest = microcred.issue_jwt(badge(ED.did), ED).partition(".")
    body, _, signature = rest.partition(".")
    payload = _payload(f"{head}.{body}.")
    payload["name"] = "JWT Mastery"
    forged_body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    report = microcred.check(f"{head}.{forged_body}.{signature}", now=NOW, offline=True)
    assert report.check("proof").code == "PROOF_VERIFICATION_ERROR"


def test_alg_none_is_refused_through_the_pipeline() -> None:
    payload = _payload(microcred.issue_jwt(badge(ED.did), ED))
    encode = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    token = f"{encode({'alg': 'none'})}.{encode(payload)}."
    report = microcred.check(token, now=NOW, offline=True)
    assert report.check("proof").status is Status.FAILED
    assert "none" in report.check("proof").message


def test_endorsement_jwt_is_verified_too() -> None:
    endorser = Ed25519Key.from_seed(b"e" * 32)
    endorsement = microcred.issue_jwt(
        {
            "@context": OB,
            "id": "urn:uuid:7d1c2b3a-4e5f-4061-8a9b-0c1d2e3f4a5b",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Endorsed",
            "issuer": {"id": endorser.did, "type": ["Profile"], "name": "Board"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "https://jwt.example/a/1",
                "type": ["EndorsementSubject"],
                "endorsementComment": "Good",
            },
        },
        endorser,
    )
    signed = microcred.issue(badge(ED.did, endorsementJwt=[endorsement]), ED, created=CREATED)
    report = microcred.check(signed, now=NOW, offline=True)
    assert report.verified, report.to_dict()
    (child,) = report.check("endorsements").children
    assert child.report is not None
    assert child.report.format == "jwt"
    assert child.pointer == "/endorsementJwt/0"


def test_a_presentation_mixing_json_and_jwt_credentials() -> None:
    holder = Ed25519Key.from_seed(b"h" * 32)
    as_json = microcred.issue(badge(ED.did), ED, created=CREATED)
    as_jwt = microcred.issue_jwt(badge(ED.did), ED)
    broken_jwt = as_jwt[:-4] + ("AAAA" if not as_jwt.endswith("AAAA") else "BBBB")
    vp = microcred.sign_presentation(
        [as_json, as_jwt, broken_jwt], holder, challenge="n-1", created=CREATED
    )
    report = microcred.check(vp, now=NOW, offline=True, challenge="n-1")
    children = report.check("credentials").children
    assert [c.status for c in children] == [Status.PASSED, Status.PASSED, Status.FAILED]
    assert children[1].report is not None
    assert children[1].report.format == "jwt"
    assert report.check("credentials").pointer == "/verifiableCredential/2"
    assert not report.verified
