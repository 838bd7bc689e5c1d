"""Open Badges 3.0: what is achieved (Achievement) and how it was assessed (results, rubrics)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from ._base import Node
from ._types import URI, LanguageCode, Number, TypeGroups, TypeValue, vocabulary
from .enums import AchievementType, AlignmentTargetType, ResultStatusType, ResultType
from .profile import EndorsementCredential, IdentifierEntry, Image, Profile

__all__ = [
    "Achievement",
    "Alignment",
    "Criteria",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
]

AchievementTypeValue = Annotated[str, vocabulary(AchievementType, extensible=True)]
TargetTypeValue = Annotated[str, vocabulary(AlignmentTargetType, extensible=True)]
ResultTypeValue = Annotated[str, vocabulary(ResultType, extensible=True)]
StatusValue = Annotated[str, vocabulary(ResultStatusType, extensible=False)]


class Criteria(Node):
    """How the achievement is earned: a page (``id``) and/or a Markdown ``narrative``."""

    id: URI | None = None
    narrative: str | None = None


class Alignment(Node):
    """A link to a node of a skills or competency framework (CASE, CTDL, ...)."""

    required_types: ClassVar[TypeGroups] = (("Alignment",),)

    type: TypeValue = Field(default_factory=lambda: ["Alignment"])
    target_code: str | None = None
    target_description: str | None = None
    target_name: str
    target_framework: str | None = None
    target_type: TargetTypeValue | None = None
    target_url: URI


class Related(Node):
    """Another version of the same achievement (e.g. in another language)."""

    required_types: ClassVar[TypeGroups] = (("Related",),)

    id: URI
    type: TypeValue = Field(default_factory=lambda: ["Related"])
    in_language: LanguageCode | None = None
    version: str | None = None


class RubricCriterionLevel(Node):
    """One level of a rubric criterion (e.g. "Mastered"); results point at it by ``id``."""

    required_types: ClassVar[TypeGroups] = (("RubricCriterionLevel",),)

    id: URI
    type: TypeValue = Field(default_factory=lambda: ["RubricCriterionLevel"])
    alignment: list[Alignment] | None = None
    description: str | None = None
    level: str | None = None
    name: str
    points: str | None = None


class ResultDescription(Node):
    """A result an achievement can have (a grade, a status, a rubric); results point at it."""

    required_types: ClassVar[TypeGroups] = (("ResultDescription",),)

    id: URI
    type: TypeValue = Field(default_factory=lambda: ["ResultDescription"])
    alignment: list[Alignment] | None = None
    allowed_value: list[str] | None = None
    name: str
    required_level: URI | None = None
    required_value: str | None = None
    result_type: ResultTypeValue
    rubric_criterion_level: list[RubricCriterionLevel] | None = None
    value_max: str | None = None
    value_min: str | None = None


class Result(Node):
    """The recipient's result, described by one of the achievement's ResultDescriptions."""

    required_types: ClassVar[TypeGroups] = (("Result",),)

    type: TypeValue = Field(default_factory=lambda: ["Result"])
    achieved_level: URI | None = None
    alignment: list[Alignment] | None = None
    result_description: URI | None = None
    status: StatusValue | None = None
    value: str | None = None


class Achievement(Node):
    """What was accomplished: a badge, course, competency, degree ..."""

    required_types: ClassVar[TypeGroups] = (("Achievement",),)

    id: URI
    type: TypeValue = Field(default_factory=lambda: ["Achievement"])
    alignment: list[Alignment] | None = None
    achievement_type: AchievementTypeValue | None = None
    creator: Profile | None = None
    credits_available: Number | None = None
    criteria: Criteria
    description: str
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = None
    field_of_study: str | None = None
    human_code: str | None = None
    image: Image | None = None
    in_language: LanguageCode | None = None
    name: str
    other_identifier: list[IdentifierEntry] | None = None
    related: list[Related] | None = None
    result_description: list[ResultDescription] | None = None
    specialization: str | None = None
    tag: list[str] | None = None
    version: str | None = None
