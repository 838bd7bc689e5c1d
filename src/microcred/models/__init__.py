"""Typed, lossless models of Open Badges 3.0, CLR 2.0 and W3C Verifiable Credentials 1.1 / 2.0.

Attributes are snake_case; the JSON keeps the specifications' camelCase names. Unknown and
extension properties are kept, and ``to_dict()`` of a loaded, unchanged model is exactly the
JSON it came from. Loading checks the data model only: it never verifies a credential.
"""

from __future__ import annotations

from ._types import as_list
from .achievement import (
    Achievement,
    Alignment,
    Criteria,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
)
from .builders import new_badge
from .clr import CLR_CONTEXT, AnyCredential, Association, ClrCredential, ClrSubject
from .enums import (
    AchievementType,
    AlignmentTargetType,
    AssociationType,
    IdentifierTypeEnum,
    ResultStatusType,
    ResultType,
)
from .loading import load_credential, load_presentation
from .ob import AchievementCredential, AchievementSubject, Evidence, OpenBadgeCredential
from .profile import (
    OB_CONTEXT,
    OB_EXTENSIONS,
    Address,
    EndorsementCredential,
    EndorsementSubject,
    GeoCoordinates,
    IdentifierEntry,
    IdentityObject,
    Image,
    Profile,
)
from .semantics import SchemaFinding, Severity, check_semantics
from .vc import (
    VC_V1,
    VC_V2,
    CredentialSchema,
    CredentialStatus,
    CredentialSubject,
    EnvelopedVerifiableCredential,
    Holder,
    Issuer,
    Proof,
    RefreshService,
    TermsOfUse,
    VerifiableCredential,
    VerifiablePresentation,
)
from .vc import Evidence as VCEvidence

__all__ = [
    "CLR_CONTEXT",
    "OB_CONTEXT",
    "OB_EXTENSIONS",
    "VC_V1",
    "VC_V2",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "AchievementType",
    "Address",
    "Alignment",
    "AlignmentTargetType",
    "AnyCredential",
    "Association",
    "AssociationType",
    "ClrCredential",
    "ClrSubject",
    "CredentialSchema",
    "CredentialStatus",
    "CredentialSubject",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "EnvelopedVerifiableCredential",
    "Evidence",
    "GeoCoordinates",
    "Holder",
    "IdentifierEntry",
    "IdentifierTypeEnum",
    "IdentityObject",
    "Image",
    "Issuer",
    "OpenBadgeCredential",
    "Profile",
    "Proof",
    "RefreshService",
    "Related",
    "Result",
    "ResultDescription",
    "ResultStatusType",
    "ResultType",
    "RubricCriterionLevel",
    "SchemaFinding",
    "Severity",
    "TermsOfUse",
    "VCEvidence",
    "VerifiableCredential",
    "VerifiablePresentation",
    "as_list",
    "check_semantics",
    "load_credential",
    "load_presentation",
    "new_badge",
]
