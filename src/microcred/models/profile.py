"""Open Badges 3.0: who issues and endorses (Profile, EndorsementCredential) and their parts.

Built in Python, these classes fill in the ``type`` the specification requires, so
``Profile(id=..., name=...)`` is enough; loaded from JSON, nothing is added or changed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from typing import Annotated, Any, ClassVar

from pydantic import Field, model_validator

from ._base import Node
from ._types import (
    URI,
    Date,
    DateTime,
    Flag,
    Number,
    OneOrMany,
    TypeGroups,
    TypeValue,
    fail,
    vocabulary,
)
from .enums import IdentifierTypeEnum
from .vc import VC_V2, CredentialSubject, Issuer, VerifiableCredential

__all__ = [
    "OB_CONTEXT",
    "OB_EXTENSIONS",
    "Address",
    "EndorsementCredential",
    "EndorsementSubject",
    "GeoCoordinates",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "Profile",
    "new_urn_uuid",
]

#: The Open Badges 3.0 context issuers should use today (after the VC 2.0 context).
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: Defines 1EdTechJsonSchemaValidator2019, 1EdTechRevocationList and 1EdTechCredentialRefresh.
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

IdentifierType = Annotated[str, vocabulary(IdentifierTypeEnum, extensible=True)]


def new_urn_uuid() -> str:
    """A fresh random ``urn:uuid:`` identifier."""
    return f"urn:uuid:{uuid.uuid4()}"


class Image(Node):
    """An image by URI or ``data:`` URI, with an optional caption."""

    required_types: ClassVar[TypeGroups] = (("Image",),)

    id: URI
    type: TypeValue = Field(default_factory=lambda: "Image")
    caption: str | None = None


class GeoCoordinates(Node):
    """A point on the earth (WGS 84)."""

    required_types: ClassVar[TypeGroups] = (("GeoCoordinates",),)

    type: TypeValue = Field(default_factory=lambda: "GeoCoordinates")
    latitude: Number
    longitude: Number


class Address(Node):
    """A postal address."""

    required_types: ClassVar[TypeGroups] = (("Address",),)

    type: TypeValue = Field(default_factory=lambda: ["Address"])
    address_country: str | None = None
    address_country_code: str | None = None
    address_region: str | None = None
    address_locality: str | None = None
    street_address: str | None = None
    post_office_box_number: str | None = None
    postal_code: str | None = None
    geo: GeoCoordinates | None = None


class IdentifierEntry(Node):
    """Another identifier of a profile or achievement (e.g. a sourcedId)."""

    required_types: ClassVar[TypeGroups] = (("IdentifierEntry",),)

    type: TypeValue = Field(default_factory=lambda: "IdentifierEntry")
    identifier: str
    identifier_type: IdentifierType


class IdentityObject(Node):
    """Identifies the recipient (e.g. a salted hash of an email address)."""

    required_types: ClassVar[TypeGroups] = (("IdentityObject",),)

    type: TypeValue = Field(default_factory=lambda: "IdentityObject")
    hashed: Flag
    identity_hash: str
    identity_type: IdentifierType
    salt: str | None = None

    @classmethod
    def hashed_identity(
        cls,
        value: str,
        identity_type: str = IdentifierTypeEnum.EMAIL_ADDRESS,
        *,
        salt: str | None = None,
    ) -> IdentityObject:
        """A salted ``sha256$<hex>`` identity, so the credential does not reveal ``value``."""
        salt = secrets.token_hex(16) if salt is None else salt
        digest = hashlib.sha256((value + salt).encode()).hexdigest()
        return cls(
            hashed=True, identity_hash=f"sha256${digest}", identity_type=identity_type, salt=salt
        )

    def matches(self, value: str) -> bool:
        """Whether ``value`` (e.g. an email address) is the identity this object describes."""
        if not self.hashed:
            return hmac.compare_digest(self.identity_hash.encode(), value.encode())
        algorithm, _, expected = self.identity_hash.partition("$")
        if algorithm.lower() not in ("sha256", "md5"):
            return False
        digest = hashlib.new(
            algorithm.lower(), (value + (self.salt or "")).encode(), usedforsecurity=False
        )  # md5 is allowed by the spec for matching
        return hmac.compare_digest(digest.hexdigest().encode(), expected.lower().encode())


class Profile(Issuer):
    """A person or organisation: an issuer, creator, endorser or source."""

    required_types: ClassVar[TypeGroups] = (("Profile",),)

    id: URI
    type: TypeValue = Field(default_factory=lambda: ["Profile"])
    name: str | None = None
    url: URI | None = None
    phone: str | None = None
    description: str | None = None
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = None
    image: Image | None = None
    email: str | None = None
    address: Address | None = None
    other_identifier: list[IdentifierEntry] | None = None
    official: str | None = None
    parent_org: Profile | None = None
    family_name: str | None = None
    given_name: str | None = None
    additional_name: str | None = None
    patronymic_name: str | None = None
    honorific_prefix: str | None = None
    honorific_suffix: str | None = None
    family_name_prefix: str | None = None
    date_of_birth: Date | None = None


class EndorsementSubject(CredentialSubject):
    """What an endorsement is about (a profile, achievement or credential) and the comment."""

    required_types: ClassVar[TypeGroups] = (("EndorsementSubject",),)

    id: URI
    type: TypeValue = Field(default_factory=lambda: ["EndorsementSubject"])
    endorsement_comment: str | None = None


def contexts(*urls: str) -> Any:
    """``@context`` field defaulting to VC 2.0 followed by ``urls``."""
    return Field(
        default_factory=lambda: [VC_V2, *urls],
        validation_alias="@context",
        serialization_alias="@context",
    )


def require_valid_from(credential: VerifiableCredential) -> None:
    """OB and CLR need ``validFrom`` in a VCDM 2.0 credential (``issuanceDate`` in 1.1)."""
    if not credential.is_v1 and credential.valid_from is None:
        raise fail(
            "is required: add the date-time from which it is valid, e.g. 2024-01-31T12:00:00Z",
            field="validFrom",
        )


class EndorsementCredential(VerifiableCredential):
    """A third party's signed statement about a profile, achievement or credential."""

    required_types: ClassVar[TypeGroups] = (("VerifiableCredential",), ("EndorsementCredential",))
    build_valid_from: ClassVar[bool] = True

    context: OneOrMany[str | dict[str, Any]] = contexts(OB_CONTEXT)
    id: URI = Field(default_factory=new_urn_uuid)
    type: TypeValue = Field(
        default_factory=lambda: ["VerifiableCredential", "EndorsementCredential"]
    )
    name: str
    description: str | None = None
    issuer: URI | Profile
    credential_subject: EndorsementSubject
    awarded_date: DateTime | None = None

    @model_validator(mode="after")
    def _valid_from(self) -> EndorsementCredential:
        require_valid_from(self)
        return self
