"""Presentations as JWTs (VP-JWT): the holder signs, nonce = challenge, aud = domain."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest

import microcred
from microcred import ECKey, Ed25519Key, SigningError, StaticResolver, Status
from microcred._jose import sign_compact
from test_nested import LEARNER, NOW, SCHOOL, badge

CHALLENGE, DOMAIN = "c-4711", "ats.example"


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _resign(token: str, key: Any, change: Any) -> str:
    """The token with its claims changed by ``change``, signed again by ``key``."""
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    payload = json.dumps(change(_claims(token))).encode()
    return sign_compact(payload, key, header)


def _mixed() -> list[Any]:
    """Three badges for the learner: two with embedded proofs, one a VC-JWT."""
    jwt_badge = {k: v for k, v in badge(name="Welding 3").items() if k != "proof"}
    return [
        badge(name="Welding 1"),
        badge(name="Welding 2"),
        microcred.issue_jwt(jwt_badge, SCHOOL),
    ]


def _check(token: str, **options: Any) -> microcred.VerificationReport:
    return microcred.check(token, now=NOW, offline=True, **options)


def test_a_vp_jwt_of_mixed_formats_verifies() -> None:
    token = microcred.sign_presentation_jwt(_mixed(), LEARNER, challenge=CHALLENGE, domain=DOMAIN)
    claims = _claims(token)
    assert (claims["iss"], claims["nonce"], claims["aud"]) == (LEARNER.did, CHALLENGE, DOMAIN)
    assert claims["type"] == ["VerifiablePresentation"]
    report = _check(token, challenge=CHALLENGE, domain=DOMAIN, holder_is_subject=True)
    assert report.verified, report.to_dict()
    assert (report.format, report.issuer) == ("jwt", LEARNER.did)
    children = report.check("credentials").children
    assert [c.report.format for c in children if c.report] == ["json", "json", "jwt"]


def test_one_tampered_badge_is_reported_at_its_pointer() -> None:
    badges = _mixed()
    badges[1]["name"] = "Welding Master"
    token = microcred.sign_presentation_jwt(badges, LEARNER, challenge=CHALLENGE)
    report = _check(token, challenge=CHALLENGE)
    assert not report.verified
    assert report.check("proof").status is Status.PASSED  # the holder signed what it sent
    credentials = report.check("credentials")
    assert credentials.pointer == "/verifiableCredential/1"
    assert [c.status for c in credentials.children] == [Status.PASSED, Status.FAILED, Status.PASSED]


@pytest.mark.parametrize(
    ("challenge", "domain", "code", "pointer"),
    [
        ("replayed", DOMAIN, "INVALID_CHALLENGE_ERROR", "/nonce"),
        (CHALLENGE, "evil.example", "INVALID_DOMAIN_ERROR", "/aud"),
    ],
)
def test_wrong_challenge_or_domain_fails(
    challenge: str, domain: str, code: str, pointer: str
) -> None:
    token = microcred.sign_presentation_jwt(
        _mixed()[:1], LEARNER, challenge=CHALLENGE, domain=DOMAIN
    )
    check = _check(token, challenge=challenge, domain=domain).check("challenge")
    assert (check.status, check.code, check.pointer) == (Status.FAILED, code, pointer)


def test_a_nonce_edited_for_a_replay_breaks_the_signature() -> None:
    token = microcred.sign_presentation_jwt(_mixed()[:1], LEARNER, challenge="first")
    header, _, signature = token.split(".")
    edited = {**_claims(token), "nonce": "second"}
    body = base64.urlsafe_b64encode(json.dumps(edited).encode()).rstrip(b"=").decode()
    report = _check(f"{header}.{body}.{signature}", challenge="second")
    assert report.check("proof").code == "PROOF_VERIFICATION_ERROR"
    assert not report.verified


def test_without_an_expected_challenge_a_warning_is_given() -> None:
    token = microcred.sign_presentation_jwt(_mixed()[:1], LEARNER, challenge="x")
    report = _check(token)
    assert report.verified
    assert "NO_CHALLENGE" in [w.code for w in report.warnings]


def test_a_vp_jwt_signed_by_someone_else_fails() -> None:
    with pytest.raises(microcred.SigningError, match="names a key of"):  # refused when signing
        microcred.sign_presentation_jwt(
            _mixed()[:1],
            SCHOOL,
            challenge=CHALLENGE,
            holder=LEARNER.did,
            kid=SCHOOL.verification_method,
        )
    token = microcred.sign_presentation_jwt(_mixed()[:1], SCHOOL, challenge=CHALLENGE)
    token = _resign(token, SCHOOL, lambda c: {**c, "holder": LEARNER.did, "iss": LEARNER.did})
    report = _check(token, challenge=CHALLENGE)
    assert report.check("holder").code == "ISSUER_MISMATCH"
    assert not report.verified


def test_iss_must_name_the_holder() -> None:
    token = microcred.sign_presentation_jwt(_mixed()[:1], LEARNER, challenge=CHALLENGE)
    token = _resign(token, LEARNER, lambda c: {**c, "holder": "did:example:mallory"})
    report = _check(token, challenge=CHALLENGE)
    assert report.check("claims").code == "JWT_CLAIM_MISMATCH"
    assert not report.verified


def test_an_expired_vp_jwt_fails() -> None:
    token = microcred.sign_presentation_jwt(_mixed()[:1], LEARNER, challenge=CHALLENGE)
    expired = _resign(token, LEARNER, lambda c: {**c, "exp": int(NOW.timestamp()) - 60})
    assert _check(expired, challenge=CHALLENGE).check("claims").code == "EXPIRED"


def test_the_vcdm_1_1_vp_claim_form_verifies() -> None:
    presentation = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [badge(name="Welding 1")],
    }
    claims = {"iss": LEARNER.did, "nonce": CHALLENGE, "jti": "urn:uuid:1", "vp": presentation}
    header = {"alg": "EdDSA", "typ": "JWT", "kid": LEARNER.verification_method}
    token = sign_compact(json.dumps(claims).encode(), LEARNER, header)
    report = _check(token, challenge=CHALLENGE)
    assert report.verified, report.to_dict()
    assert (report.issuer, report.credential_id) == (LEARNER.did, "urn:uuid:1")


@pytest.mark.parametrize(("typ", "verified"), [("vp+jwt", True), ("JWT", True), ("vc+jwt", False)])
def test_the_typ_must_not_call_a_presentation_a_credential(typ: str, verified: bool) -> None:
    token = microcred.sign_presentation_jwt(_mixed()[:1], LEARNER, challenge=CHALLENGE)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    relabelled = sign_compact(json.dumps(_claims(token)).encode(), LEARNER, {**header, "typ": typ})
    proof = _check(relabelled, challenge=CHALLENGE).check("proof")
    assert (proof.status is Status.PASSED) is verified, proof.message
    if not verified:
        assert "expected one of jwt, vp+jwt" in proof.message


def test_an_es256_holder_with_a_published_key() -> None:
    key = ECKey.generate()
    holder, kid = "did:web:holder.example", "did:web:holder.example#key-1"
    method = {
        "id": kid,
        "type": "JsonWebKey",
        "controller": holder,
        "publicKeyJwk": key.public_jwk(),
    }
    document = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": holder,
        "verificationMethod": [method],
        "authentication": [kid],
    }
    token = microcred.sign_presentation_jwt(
        [badge(subject=holder)], key, challenge=CHALLENGE, holder=holder, kid=kid
    )
    resolver = StaticResolver({holder: document})
    report = microcred.check(
        token, now=NOW, resolver=resolver, challenge=CHALLENGE, holder_is_subject=True
    )
    assert report.verified, report.to_dict()
    assert report.check("holder").message.endswith(f"a key of the holder {holder}")


def test_an_rsa_or_ec_holder_needs_a_holder_and_kid() -> None:
    with pytest.raises(SigningError, match="holder="):
        microcred.sign_presentation_jwt([], ECKey.generate(), challenge=CHALLENGE)


def test_a_presentation_cannot_pose_as_a_credential_inside_one() -> None:
    inner = microcred.sign_presentation_jwt(_mixed()[:1], LEARNER, challenge="inner")
    token = microcred.sign_presentation_jwt([inner], LEARNER, challenge=CHALLENGE)
    report = _check(token, challenge=CHALLENGE)
    assert report.check("credentials").code == "MALFORMED_CREDENTIAL"
    assert not report.verified


def test_time_of_signing_is_recorded() -> None:
    moment = datetime(2026, 11, 22, 11, tzinfo=UTC)
    token = microcred.sign_presentation_jwt(
        [], Ed25519Key.from_seed(b"h" * 32), challenge=CHALLENGE, issued_at=moment
    )
    assert _claims(token)["iat"] == int(moment.timestamp())
