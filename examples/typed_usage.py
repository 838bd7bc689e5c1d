"""Build an Open Badge with typed models: achievement, criteria, alignment, result, evidence.

Run it with ``python examples/typed_usage.py``; it prints the unsigned credential as JSON.
Every class and keyword below is checked by ``mypy --strict``. Nothing touches the network.
"""

from __future__ import annotations

from datetime import UTC, datetime

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

ISSUER = "https://example.edu/issuers/565049"


def build() -> OpenBadgeCredential:
    """A badge for a learner's teamwork, aligned to a skills framework and graded on a rubric."""
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
        id=f"{ISSUER}/achievements/teamwork",
        name="Teamwork",
        description="Works effectively in a team to deliver a shared result.",
        criteria=Criteria(narrative="Nominated by peers and confirmed by a tutor's review."),
        achievement_type=AchievementType.BADGE,
        image=Image(id=f"{ISSUER}/achievements/teamwork.png", caption="Teamwork badge"),
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
        issuer=Profile(id=ISSUER, name="Example University", url="https://example.edu"),
        achievement=achievement,
        recipient="did:example:ebfeb1f712ebc6f1c276e12ec21",
        result=[Result(result_description=rubric.id, achieved_level=mastered.id)],
        evidence=[
            Evidence(
                id="https://example.edu/projects/42/report", name="Project report", genre="Report"
            )
        ],
        now=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
    )


def main() -> int:
    badge = build()
    print(badge.to_json(indent=2))
    again = load_credential(badge.to_json())  # reading back is lossless (and verifies nothing)
    assert again == badge
    for evidence in as_list(badge.evidence):
        assert evidence.id is not None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
