"""The enumerated vocabularies of Open Badges 3.0 and CLR 2.0.

Fields typed with these also accept plain strings; the extensible ones (``EnumExt`` in the
specs: AchievementType, AlignmentTargetType, IdentifierTypeEnum, ResultType) also accept terms
prefixed with ``ext:``, e.g. ``"ext:MicroBadge"``.
"""

from __future__ import annotations

import enum

__all__ = [
    "AchievementType",
    "AlignmentTargetType",
    "AssociationType",
    "IdentifierTypeEnum",
    "ResultStatusType",
    "ResultType",
]


class AchievementType(enum.StrEnum):
    """The kind of achievement (extensible with ``ext:``)."""

    ACHIEVEMENT = "Achievement"
    APPRENTICESHIP_CERTIFICATE = "ApprenticeshipCertificate"
    ASSESSMENT = "Assessment"
    ASSIGNMENT = "Assignment"
    ASSOCIATE_DEGREE = "AssociateDegree"
    AWARD = "Award"
    BADGE = "Badge"
    BACHELOR_DEGREE = "BachelorDegree"
    CERTIFICATE = "Certificate"
    CERTIFICATE_OF_COMPLETION = "CertificateOfCompletion"
    CERTIFICATION = "Certification"
    COMMUNITY_SERVICE = "CommunityService"
    COMPETENCY = "Competency"
    COURSE = "Course"
    CO_CURRICULAR = "CoCurricular"
    DEGREE = "Degree"
    DIPLOMA = "Diploma"
    DOCTORAL_DEGREE = "DoctoralDegree"
    FIELDWORK = "Fieldwork"
    GENERAL_EDUCATION_DEVELOPMENT = "GeneralEducationDevelopment"
    JOURNEYMAN_CERTIFICATE = "JourneymanCertificate"
    LEARNING_PROGRAM = "LearningProgram"
    LICENSE = "License"
    MEMBERSHIP = "Membership"
    PROFESSIONAL_DOCTORATE = "ProfessionalDoctorate"
    QUALITY_ASSURANCE_CREDENTIAL = "QualityAssuranceCredential"
    MASTER_CERTIFICATE = "MasterCertificate"
    MASTER_DEGREE = "MasterDegree"
    MICRO_CREDENTIAL = "MicroCredential"
    RESEARCH_DOCTORATE = "ResearchDoctorate"
    SECONDARY_SCHOOL_DIPLOMA = "SecondarySchoolDiploma"


class AlignmentTargetType(enum.StrEnum):
    """The kind of node an alignment points at in its framework (extensible with ``ext:``)."""

    CEASN_COMPETENCY = "ceasn:Competency"
    CETERMS_CREDENTIAL = "ceterms:Credential"
    CF_ITEM = "CFItem"
    CF_RUBRIC = "CFRubric"
    CF_RUBRIC_CRITERION = "CFRubricCriterion"
    CF_RUBRIC_CRITERION_LEVEL = "CFRubricCriterionLevel"
    CTDL = "CTDL"


class IdentifierTypeEnum(enum.StrEnum):
    """The kind of identifier in an IdentityObject or IdentifierEntry (extensible with ``ext:``)."""

    NAME = "name"
    SOURCED_ID = "sourcedId"
    SYSTEM_ID = "systemId"
    PRODUCT_ID = "productId"
    USER_NAME = "userName"
    ACCOUNT_ID = "accountId"
    EMAIL_ADDRESS = "emailAddress"
    NATIONAL_IDENTITY_NUMBER = "nationalIdentityNumber"
    ISBN = "isbn"
    ISSN = "issn"
    LIS_SOURCED_ID = "lisSourcedId"
    ONE_ROSTER_SOURCED_ID = "oneRosterSourcedId"
    SIS_SOURCED_ID = "sisSourcedId"
    LTI_CONTEXT_ID = "ltiContextId"
    LTI_DEPLOYMENT_ID = "ltiDeploymentId"
    LTI_TOOL_ID = "ltiToolId"
    LTI_PLATFORM_ID = "ltiPlatformId"
    LTI_USER_ID = "ltiUserId"
    IDENTIFIER = "identifier"


class ResultType(enum.StrEnum):
    """What a ResultDescription describes (extensible with ``ext:``)."""

    GRADE_POINT_AVERAGE = "GradePointAverage"
    LETTER_GRADE = "LetterGrade"
    PERCENT = "Percent"
    PERFORMANCE_LEVEL = "PerformanceLevel"
    PREDICTED_SCORE = "PredictedScore"
    RAW_SCORE = "RawScore"
    RESULT = "Result"
    RUBRIC_CRITERION = "RubricCriterion"
    RUBRIC_CRITERION_LEVEL = "RubricCriterionLevel"
    RUBRIC_SCORE = "RubricScore"
    SCALED_SCORE = "ScaledScore"
    STATUS = "Status"


class ResultStatusType(enum.StrEnum):
    """The status of an achievement in a Result (closed vocabulary)."""

    COMPLETED = "Completed"
    ENROLLED = "Enrolled"
    FAILED = "Failed"
    IN_PROGRESS = "InProgress"
    ON_HOLD = "OnHold"
    PROVISIONAL = "Provisional"
    WITHDREW = "Withdrew"


class AssociationType(enum.StrEnum):
    """How two achievements of a CLR relate (closed vocabulary)."""

    EXACT_MATCH_OF = "exactMatchOf"
    IS_CHILD_OF = "isChildOf"
    IS_PARENT_OF = "isParentOf"
    IS_PART_OF = "isPartOf"
    IS_PEER_OF = "isPeerOf"
    IS_RELATED_TO = "isRelatedTo"
    PRECEDES = "precedes"
    REPLACED_BY = "replacedBy"
