"""CLR 2.0 (Comprehensive Learner Record): many credentials in one, and how they relate.

Also defines :data:`AnyCredential`, the field type that loads an embedded credential into the
most specific class its ``type`` names (OpenBadgeCredential, EndorsementCredential, ...).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Discriminator, Field, Tag, model_validator

from ._base import Node
from ._types import URI, DateTime, Flag, OneOrMany, TypeGroups, TypeValue, fail, vocabulary
from .achievement import Achievement
from .enums import AssociationType
from .ob import OpenBadgeCredential
from .profile import (
    OB_CONTEXT,
    EndorsementCredential,
    IdentityObject,
    Image,
    Profile,
    contexts,
    new_urn_uuid,
    require_valid_from,
)
from .vc import (
    CredentialSubject,
    EnvelopedVerifiableCredential,
    VerifiableCredential,
    VerifiablePresentation,
)

__all__ = [
    "CLR_CONTEXT",
    "AnyCredential",
    "Association",
    "ClrCredential",
    "ClrSubject",
    "credential_class",
]

#: The CLR 2.0 context, placed between the VC 2.0 and OB 3.0 contexts.
CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

AssociationTypeValue = Annotated[str, vocabulary(AssociationType, extensible=False)]


class Association(Node):
    """How two achievements in a CLR relate, e.g. one ``isChildOf`` the other."""

    required_types: ClassVar[TypeGroups] = (("Association",),)

    type: TypeValue = Field(default_factory=lambda: "Association")
    association_type: AssociationTypeValue
    source_id: URI
    target_id: URI


class ClrSubject(CredentialSubject):
    """The learner of a CLR, the credentials it bundles and the associations between them."""

    required_types: ClassVar[TypeGroups] = (("ClrSubject",),)

    id: URI | None = None
    type: TypeValue = Field(default_factory=lambda: ["ClrSubject"])
    identifier: list[IdentityObject] | None = None
    achievement: list[Achievement] | None = None
    verifiable_credential: list[AnyCredential] = Field(min_length=1)
    association: list[Association] | None = None

    @model_validator(mode="after")
    def _identified(self) -> ClrSubject:
        if self.id is None and not self.identifier:
            raise fail(
                "needs an id or an identifier: add the learner's id (e.g. a DID) or "
                "an IdentityObject in identifier"
            )
        return self


class ClrCredential(VerifiableCredential):
    """A Comprehensive Learner Record: a signed bundle of a learner's credentials."""

    required_types: ClassVar[TypeGroups] = (("VerifiableCredential",), ("ClrCredential",))
    build_valid_from: ClassVar[bool] = True

    context: OneOrMany[str | dict[str, Any]] = contexts(CLR_CONTEXT, OB_CONTEXT)
    id: URI = Field(default_factory=new_urn_uuid)
    type: TypeValue = Field(default_factory=lambda: ["VerifiableCredential", "ClrCredential"])
    name: str
    description: str | None = None
    image: Image | None = None
    partial: Flag | None = None
    issuer: URI | Profile
    awarded_date: DateTime | None = None
    credential_subject: ClrSubject
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = None

    @model_validator(mode="after")
    def _valid_from(self) -> ClrCredential:
        require_valid_from(self)
        return self


_CLASSES: tuple[tuple[str, type[Node]], ...] = (
    ("EnvelopedVerifiableCredential", EnvelopedVerifiableCredential),
    ("ClrCredential", ClrCredential),
    ("OpenBadgeCredential", OpenBadgeCredential),
    ("AchievementCredential", OpenBadgeCredential),
    ("EndorsementCredential", EndorsementCredential),
)


def credential_class(data: Any) -> type[Node]:
    """The most specific credential class for a JSON object, chosen by its ``type``."""
    types = data.get("type") if isinstance(data, dict) else None
    names = types if isinstance(types, list) else [types]
    for name, cls in _CLASSES:
        if name in names:
            return cls
    return VerifiableCredential


def _tag(data: Any) -> str:
    if isinstance(data, Node):  # an instance: the nearest class the union knows
        known = (cls for _, cls in _CLASSES if isinstance(data, cls))
        return next(known, VerifiableCredential).__name__
    return credential_class(data).__name__


#: An embedded credential, loaded into the class its ``type`` asks for.
AnyCredential = Annotated[
    Annotated[OpenBadgeCredential, Tag("OpenBadgeCredential")]
    | Annotated[EndorsementCredential, Tag("EndorsementCredential")]
    | Annotated[ClrCredential, Tag("ClrCredential")]
    | Annotated[EnvelopedVerifiableCredential, Tag("EnvelopedVerifiableCredential")]
    | Annotated[VerifiableCredential, Tag("VerifiableCredential")],
    Discriminator(_tag),
]

ClrSubject.model_rebuild()
VerifiablePresentation.model_rebuild(_types_namespace={"AnyCredential": AnyCredential})
