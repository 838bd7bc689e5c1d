"""W3C Verifiable Credentials Data Model 2.0 and 1.1: the classes every credential shares.

Both versions are understood: 2.0 (``validFrom`` / ``validUntil``) and 1.1 (``issuanceDate`` /
``expirationDate``, required there). Properties the VCDM lets be one value or an array keep the
form they were given; use :func:`as_list` to iterate over them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

from pydantic import Field, field_validator, model_validator

from .._time import format_datetime, parse_datetime
from ._base import Node
from ._types import URI, DateTime, Number, OneOrMany, TypeGroups, TypeValue, fail

if TYPE_CHECKING:
    from .clr import AnyCredential

__all__ = [
    "VC_V1",
    "VC_V2",
    "CredentialSchema",
    "CredentialStatus",
    "CredentialSubject",
    "EnvelopedVerifiableCredential",
    "Evidence",
    "Holder",
    "Issuer",
    "LangValue",
    "Proof",
    "RefreshService",
    "TermsOfUse",
    "VerifiableCredential",
    "VerifiablePresentation",
    "utc_stamp",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"

#: A string, or (VCDM 2.0) language-tagged values ``{"@value": ..., "@language": ...}``.
LangValue: TypeAlias = str | dict[str, Any] | list[str | dict[str, Any]]


def utc_stamp(moment: datetime | None = None) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` for ``moment`` (default: now), the form issuers should write."""
    return format_datetime(moment if moment is not None else datetime.now(UTC))


class Proof(Node):
    """An embedded proof (Data Integrity, Ed25519Signature2020, or a legacy JWS proof)."""

    id: URI | None = None
    type: TypeValue
    cryptosuite: str | None = None
    created: DateTime | None = None
    expires: DateTime | None = None
    verification_method: URI | None = None
    proof_purpose: str | None = None
    proof_value: str | None = None
    jws: str | None = None
    challenge: str | None = None
    domain: str | list[str] | None = None
    nonce: str | None = None
    previous_proof: URI | list[URI] | None = None


class CredentialStatus(Node):
    """Where to look up revocation or suspension (e.g. BitstringStatusListEntry)."""

    id: URI | None = None
    type: TypeValue
    status_purpose: str | None = None
    status_list_index: str | int | None = None
    status_list_credential: URI | None = None
    status_size: Number | None = None

    @field_validator("status_list_index", mode="before")
    @classmethod
    def _index(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, str | int | None):
            raise fail("must be a string or an integer")
        return value


class CredentialSchema(Node):
    """A schema the credential declares it conforms to (e.g. 1EdTechJsonSchemaValidator2019)."""

    id: URI
    type: TypeValue


class RefreshService(Node):
    """Where a fresh copy of the credential can be obtained (e.g. 1EdTechCredentialRefresh)."""

    id: URI | None = None
    type: TypeValue


class TermsOfUse(Node):
    """Terms of use set by the issuer or holder."""

    id: URI | None = None
    type: TypeValue


class Evidence(Node):
    """VCDM evidence: what supports the claims. Open Badges refines it (see ``ob.Evidence``)."""

    id: URI | None = None
    type: TypeValue


class Issuer(Node):
    """The issuer as an object; it needs an ``id``. Open Badges uses :class:`~ob.Profile`."""

    id: URI
    name: LangValue | None = None
    description: LangValue | None = None


class CredentialSubject(Node):
    """The subject of the claims; what else it holds depends on the credential type."""

    id: URI | None = None


class Holder(Node):
    """The holder of a presentation, given as an object."""

    id: URI


def _v2_only() -> list[str | dict[str, Any]]:
    return [VC_V2]


def _check_contexts(value: Any) -> Any:
    first = value[0] if isinstance(value, list) and value else value
    if first not in (VC_V2, VC_V1):
        raise fail(f"must start with {VC_V2} (VCDM 2.0) or {VC_V1} (VCDM 1.1)")
    return value


class VerifiableCredential(Node):
    """A W3C Verifiable Credential of any type; the specific classes narrow its properties."""

    required_types: ClassVar[TypeGroups] = (("VerifiableCredential",),)
    #: Whether building fills in ``validFrom`` (now) when the credential is VCDM 2.0.
    build_valid_from: ClassVar[bool] = False

    context: OneOrMany[str | dict[str, Any]] = Field(
        default_factory=_v2_only, validation_alias="@context", serialization_alias="@context"
    )
    id: URI | None = None
    type: TypeValue = Field(default_factory=lambda: ["VerifiableCredential"])
    name: LangValue | None = None
    description: LangValue | None = None
    issuer: URI | Issuer
    valid_from: DateTime | None = None
    valid_until: DateTime | None = None
    issuance_date: DateTime | None = None
    expiration_date: DateTime | None = None
    credential_subject: OneOrMany[CredentialSubject]
    credential_status: OneOrMany[CredentialStatus] | None = None
    credential_schema: OneOrMany[CredentialSchema] | None = None
    refresh_service: OneOrMany[RefreshService] | None = None
    terms_of_use: OneOrMany[TermsOfUse] | None = None
    evidence: OneOrMany[Evidence] | None = None
    proof: OneOrMany[Proof] | None = None

    @field_validator("context")
    @classmethod
    def _contexts(cls, value: Any) -> Any:
        return _check_contexts(value)

    @model_validator(mode="after")
    def _dates(self) -> VerifiableCredential:
        if self.is_v1 and self.issuance_date is None:
            raise fail(
                "is required in a VCDM 1.1 credential: add the issuance date-time, "
                "e.g. 2024-01-31T12:00:00Z",
                field="issuanceDate",
            )
        return self

    @classmethod
    def _prepare_build(cls, data: Mapping[str, Any]) -> Mapping[str, Any]:
        contexts = data.get("context", data.get("@context"))
        first = contexts[0] if isinstance(contexts, list) and contexts else contexts
        if cls.build_valid_from and first != VC_V1 and not {"valid_from", "validFrom"} & set(data):
            return {**data, "valid_from": utc_stamp()}
        return data

    @property
    def is_v1(self) -> bool:
        """True for a VCDM 1.1 credential (first context is the 2018 one)."""
        first = self.context[0] if isinstance(self.context, list) else self.context
        return first == VC_V1

    @property
    def issuer_id(self) -> str:
        """The issuer's URI, whether ``issuer`` is a URI or an object."""
        return self.issuer if isinstance(self.issuer, str) else self.issuer.id

    def validity(self) -> tuple[datetime | None, datetime | None]:
        """(not before, not after) as aware datetimes, from the 2.0 or 1.1 property names."""
        start = self.valid_from or self.issuance_date
        end = self.valid_until or self.expiration_date
        return (
            parse_datetime(start, "/validFrom") if start else None,
            parse_datetime(end, "/validUntil") if end else None,
        )


class EnvelopedVerifiableCredential(Node):
    """A credential carried inside a presentation in another format, as a ``data:`` URL."""

    required_types: ClassVar[TypeGroups] = (("EnvelopedVerifiableCredential",),)

    context: OneOrMany[str | dict[str, Any]] = Field(
        validation_alias="@context", serialization_alias="@context"
    )
    id: URI
    type: TypeValue


class VerifiablePresentation(Node):
    """A presentation: credentials (objects or VC-JWT strings) and the holder's proof."""

    required_types: ClassVar[TypeGroups] = (("VerifiablePresentation",),)

    context: OneOrMany[str | dict[str, Any]] = Field(
        default_factory=_v2_only, validation_alias="@context", serialization_alias="@context"
    )
    id: URI | None = None
    type: TypeValue = Field(default_factory=lambda: ["VerifiablePresentation"])
    holder: URI | Holder | None = None
    verifiable_credential: OneOrMany[AnyCredential | str] | None = None
    terms_of_use: OneOrMany[TermsOfUse] | None = None
    proof: OneOrMany[Proof] | None = None

    @field_validator("context")
    @classmethod
    def _contexts(cls, value: Any) -> Any:
        return _check_contexts(value)
