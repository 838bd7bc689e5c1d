"""Endorsements and presentations: nested credentials verified by the same pipeline."""

from __future__ import annotations

import copy
import functools
from datetime import UTC, datetime
from typing import Any

import pytest

import microcred
from microcred import Ed25519Key, Status

from conftest import REFERENCE_TIME, SPEC_EXAMPLES, url_map_pins

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
OB = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SCHOOL = Ed25519Key.from_seed(b"s" * 32)
ACCREDITOR = Ed25519Key.from_seed(b"a" * 32)
LEARNER = Ed25519Key.from_seed(b"l" * 32)
ACHIEVEMENT = "https://school.example/achievements/welding-1"
#: the proofs are made before the fixed clock NOW that verifies them
present = functools.partial(microcred.sign_presentation, created="2026-11-01T00:00:00Z")


def endorsement(comment: str = "Meets the national welding standard") -> dict[str, Any]:
    return microcred.issue(
        {
            "@context": OB,
            "id": "urn:uuid:6a1e1f9e-8f0c-4a0e-9d43-2a8f7c1b2e10",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": "Accreditation of Welding 1",
            "issuer": {
                "id": ACCREDITOR.did,
                "type": ["Profile"],
                "name": "Welding Accreditation Board",
            },
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {
                "id": ACHIEVEMENT,
                "type": ["EndorsementSubject"],
                "endorsementComment": comment,
            },
        },
        ACCREDITOR,
        created="2026-01-01T00:00:00Z",
    )


def badge(
    subject: str = LEARNER.did, endorsements: list[Any] | None = None, name: str = "Welding 1"
) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": ACHIEVEMENT,
        "type": ["Achievement"],
        "name": name,
        "description": "Safe MIG welding of mild steel.",
        "criteria": {"narrative": "Passed the practical exam."},
    }
    if endorsements is not None:
        achievement["endorsement"] = endorsements
    return microcred.issue(
        {
            "@context": OB,
            "id": f"urn:uuid:0c9a2f7e-1d2b-4c3d-8e4f-{abs(hash(name)) % 10**12:012d}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": name,
            "issuer": {"id": SCHOOL.did, "type": ["Profile"], "name": "Example Trade School"},
            "validFrom": "2026-02-01T00:00:00Z",
            "credentialSubject": {
                "id": subject,
                "type": ["AchievementSubject"],
                "achievement": achievement,
            },
        },
        SCHOOL,
        created="2026-02-01T00:00:00Z",
    )


# -- endorsements ---------------------------------------------------------------------------


def test_an_embedded_endorsement_verifies() -> None:
    report = microcred.check(badge(endorsements=[endorsement()]), now=NOW, offline=True)
    assert report.verified
    check = report.check("endorsements")
    assert check.status is Status.PASSED
    (child,) = check.children
    assert child.pointer == "/credentialSubject/achievement/endorsement/0"
    assert child.report is not None
    assert child.report.issuer == ACCREDITOR.did


@pytest.mark.parametrize("form", ["str", "bytes"])
@pytest.mark.parametrize("escaped", [False, True])
def test_an_endorsement_in_json_text_is_found_however_its_key_is_spelled(
    form: str, escaped: bool
) -> None:
    """The text is searched for the word before the parsed document is: an escape in the key
    must not hide the endorsement (nor its failure) from that quick look."""
    import json

    forged = endorsement()
    forged["credentialSubject"]["endorsementComment"] = "Best welding school in the world"
    text = json.dumps(badge(endorsements=[forged]))
    if escaped:
        text = text.replace('"endorsement', '"\\u0065ndorsement')
        assert "endorsement" not in text
    data: str | bytes = text if form == "str" else text.encode()
    report = microcred.check(data, now=NOW, offline=True)
    assert report.check("proof").status is Status.PASSED
    check = report.check("endorsements")
    assert check.status is Status.FAILED
    assert check.pointer == "/credentialSubject/achievement/endorsement/0"


def test_a_tampered_endorsement_fails_the_credential_at_its_pointer() -> None:
    forged = endorsement()
    forged["credentialSubject"]["endorsementComment"] = "Best welding school in the world"
    report = microcred.check(badge(endorsements=[endorsement(), forged]), now=NOW, offline=True)
    assert not report.verified
    assert report.check("proof").status is Status.PASSED  # the badge itself is genuine
    check = report.check("endorsements")
    assert check.status is Status.FAILED
    assert check.pointer == "/credentialSubject/achievement/endorsement/1"
    assert [c.status for c in check.children] == [Status.PASSED, Status.FAILED]
    assert check.code == "PROOF_VERIFICATION_ERROR"
    assert report.to_dict()["checks"][-2]["children"][1]["report"]["verified"] is False


def test_the_spec_complete_example_has_five_failing_endorsements() -> None:
    path = (
        SPEC_EXAMPLES / "ob-spec-rendered-2024-04-03" / "complete-openbadgecredential.signed.json"
    )
    report = microcred.check(
        path.read_bytes(), now=REFERENCE_TIME, offline=True, pins=url_map_pins()
    )
    assert report.check("proof").status is Status.PASSED
    check = report.check("endorsements")
    assert check.status is Status.FAILED
    assert len(check.children) == 5
    # their placeholder suite is what fails them, not the schema they declare (which cannot be
    # checked offline): a failure explains a verdict before anything merely indeterminate
    assert [c.status for c in check.children] == [Status.FAILED] * 5
    assert {c.code for c in check.children} == {"UNSUPPORTED_CRYPTOSUITE"}
    assert check.code == "UNSUPPORTED_CRYPTOSUITE"
    assert not report.verified


def test_endorsement_nesting_is_bounded() -> None:
    inner: dict[str, Any] = endorsement()
    doc = badge(endorsements=[inner])
    report = microcred.check(doc, now=NOW, offline=True, max_endorsement_depth=0)
    assert report.check("endorsements").code == "RESOURCE_LIMIT_EXCEEDED"


# -- presentations --------------------------------------------------------------------------


def _three_badges() -> list[dict[str, Any]]:
    return [badge(name=n) for n in ("Welding 1", "Welding 2", "Welding 3")]


def test_a_presentation_of_three_badges_verifies() -> None:
    vp = present(_three_badges(), LEARNER, challenge="c-123", domain="ats.example")
    report = microcred.check(
        vp, now=NOW, offline=True, challenge="c-123", domain="ats.example", holder_is_subject=True
    )
    assert report.verified, report.to_dict()
    assert report.issuer == LEARNER.did
    assert len(report.check("credentials").children) == 3


def test_one_tampered_badge_is_reported_exactly() -> None:
    badges = _three_badges()
    badges[1]["name"] = "Welding Master"
    vp = present(badges, LEARNER, challenge="c-1")
    report = microcred.check(vp, now=NOW, offline=True, challenge="c-1")
    assert not report.verified
    assert report.check("proof").status is Status.PASSED  # the holder signed what it sent
    credentials = report.check("credentials")
    assert credentials.pointer == "/verifiableCredential/1"
    assert [c.status for c in credentials.children] == [Status.PASSED, Status.FAILED, Status.PASSED]


@pytest.mark.parametrize(
    ("challenge", "domain", "code"),
    [
        ("other", "ats.example", "INVALID_CHALLENGE_ERROR"),
        ("c-9", "evil.example", "INVALID_DOMAIN_ERROR"),
    ],
)
def test_wrong_challenge_or_domain_fails(challenge: str, domain: str, code: str) -> None:
    vp = present(_three_badges()[:1], LEARNER, challenge="c-9", domain="ats.example")
    report = microcred.check(vp, now=NOW, offline=True, challenge=challenge, domain=domain)
    assert report.check("proof").code == code
    assert not report.verified


def test_a_replayed_presentation_fails() -> None:
    vp = present(_three_badges()[:1], LEARNER, challenge="first")
    replay = copy.deepcopy(vp)
    replay["proof"]["challenge"] = "second"  # editing the challenge breaks the signature
    assert not microcred.check(replay, now=NOW, offline=True, challenge="second").verified
    assert not microcred.check(vp, now=NOW, offline=True, challenge="second").verified


def test_without_an_expected_challenge_a_warning_is_given() -> None:
    vp = present(_three_badges()[:1], LEARNER, challenge="x")
    report = microcred.check(vp, now=NOW, offline=True)
    assert report.verified
    assert [w.code for w in report.warnings] == ["NO_CHALLENGE"]


def test_holder_must_be_the_subject_when_asked() -> None:
    someone_else = badge(subject="did:example:other", name="Welding 4")
    vp = present([someone_else], LEARNER, challenge="c")
    assert microcred.check(vp, now=NOW, offline=True, challenge="c").verified
    report = microcred.check(vp, now=NOW, offline=True, challenge="c", holder_is_subject=True)
    assert report.check("holder_binding").code == "HOLDER_NOT_SUBJECT"
    assert not report.verified


def test_a_presentation_signed_by_someone_else_fails() -> None:
    vp = present(_three_badges()[:1], SCHOOL, challenge="c", holder=LEARNER.did)
    report = microcred.check(vp, now=NOW, offline=True, challenge="c")
    assert report.check("holder").code == "ISSUER_MISMATCH"
    assert not report.verified


def test_a_credential_proof_cannot_sign_a_presentation() -> None:
    vp = present(_three_badges()[:1], LEARNER, challenge="c")
    vp["proof"]["proofPurpose"] = "assertionMethod"
    report = microcred.check(vp, now=NOW, offline=True, challenge="c")
    assert report.check("proof").code == "MISMATCHED_PROOF_PURPOSE_ERROR"


@pytest.mark.parametrize("escaped", [False, True])
def test_an_endorsement_in_a_vc_jwt_is_found_however_its_key_is_spelled(escaped: bool) -> None:
    import json

    from microcred._jose import parse_compact, sign_compact

    forged = endorsement()
    forged["credentialSubject"]["endorsementComment"] = "Best welding school in the world"
    document = badge(endorsements=[forged])
    del document["proof"]
    jws = parse_compact(microcred.issue_jwt(document, SCHOOL))
    payload = jws.payload.decode()
    if escaped:  # the same JSON: a key may be written with \u escapes
        payload = payload.replace('"endorsement', '"\\u0065ndorsement')
        assert "endorsement" not in payload
        assert json.loads(payload) == json.loads(jws.payload)
    token = sign_compact(payload.encode(), SCHOOL, jws.header)
    report = microcred.check(token, now=NOW, offline=True)
    assert report.check("proof").status is Status.PASSED
    check = report.check("endorsements")
    assert check.status is Status.FAILED
    assert check.pointer == "/credentialSubject/achievement/endorsement/0"


def test_endorsements_are_found_in_any_mapping() -> None:
    """The quick scan (marshal) refuses a dict subclass: the walk still finds what it holds."""
    from collections import OrderedDict

    from microcred._nested import find_endorsements

    document = OrderedDict(credentialSubject={"endorsement": [{"id": "urn:x"}]})
    assert [p for p, _ in find_endorsements(document)] == ["/credentialSubject/endorsement/0"]
    assert list(find_endorsements({"name": "no endorsement here", "n": [1, {"a": "b"}]})) == []
