"""Build, issue and verify an Open Badge with typed models.

The badge has an achievement with criteria, an alignment to a skills framework, a result graded
on a rubric, and evidence. It is signed with a fresh Ed25519 key whose did:key is the issuer, so
it verifies offline. Run it with ``python examples/typed_usage.py``: it prints the signed
credential and the verification result. Every class and keyword below is checked by
``mypy --strict``. Nothing touches the network.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import microcred
from microcred.models import (
    Achievement,
    AchievementType,
    Alignment,
    AlignmentTargetType,
    Criteria,
    Evidence,
    Image,
    OpenBadgeCredential,
    Profile,
    Result,
    ResultDescription,
    ResultType,
    RubricCriterionLevel,
    as_list,
    load_credential,
    new_badge,
)

SITE = "https://example.edu"


def build(issuer: str) -> OpenBadgeCredential:
    """A badge for a learner's teamwork, aligned to a skills framework and graded on a rubric.

    ``issuer`` is the issuer's id: it must be the controller of the key that signs the badge.
    """
    mastered = RubricCriterionLevel(
        id="urn:uuid:0c1a3b7e-5c5a-4c62-9a53-46cbd4c5f1a1",
        name="Mastered",
        level="Mastered",
        points="4",
    )
    rubric = ResultDescription(
        id="urn:uuid:4d8e5a5f-1f3b-4b0e-8f7e-0a3cc1d2e9b4",
        name="Teamwork rubric",
        result_type=ResultType.RUBRIC_CRITERION_LEVEL,
        rubric_criterion_level=[mastered],
        required_level=mastered.id,
    )
    achievement = Achievement(
        id=f"{SITE}/achievements/teamwork",
        name="Teamwork",
        description="Works effectively in a team to deliver a shared result.",
        criteria=Criteria(narrative="Nominated by peers and confirmed by a tutor's review."),
        achievement_type=AchievementType.BADGE,
        image=Image(id=f"{SITE}/achievements/teamwork.png", caption="Teamwork badge"),
        alignment=[
            Alignment(
                target_name="Collaborate with others",
                target_url="https://example.org/frameworks/skills/collaborate",
                target_framework="Example Skills Framework",
                target_type=AlignmentTargetType.CF_ITEM,
                target_code="S.3.2",
            )
        ],
        result_description=[rubric],
    )
    return new_badge(
        issuer=Profile(id=issuer, name="Example University", url=SITE),
        achievement=achievement,
        recipient="did:example:ebfeb1f712ebc6f1c276e12ec21",
        result=[Result(result_description=rubric.id, achieved_level=mastered.id)],
        evidence=[Evidence(id=f"{SITE}/projects/42/report", name="Project report", genre="Report")],
        now=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
    )


def main() -> int:
    key = microcred.Ed25519Key.generate()  # in production, load your key file instead
    badge = build(issuer=key.did)
    again = load_credential(badge.to_json())  # reading back is lossless (and verifies nothing)
    assert again == badge
    for evidence in as_list(badge.evidence):
        assert evidence.id is not None

    signed = microcred.issue(badge, key, created="2024-05-01T09:30:00Z")  # the model, as is
    print(json.dumps(signed, indent=2))
    report = microcred.verify(signed, offline=True)  # raises VerificationFailed unless verified
    assert report.verified
    assert report.issuer == key.did

    print(f"verified: {report.verified}, issuer: {report.issuer}")
    tampered = {**signed, "name": "Leadership"}  # any change breaks the proof
    assert not microcred.check(tampered, offline=True).verified

    issued = load_credential(signed)  # the signed badge, typed again
    assert isinstance(issued, OpenBadgeCredential)
    assert issued.proof is not None
    assert [a.target_code for a in issued.achievement.alignment or []] == ["S.3.2"]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
