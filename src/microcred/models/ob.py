"""Open Badges 3.0: the badge itself (OpenBadgeCredential), its subject and evidence.

``AchievementCredential`` and ``OpenBadgeCredential`` are the same class: the specification
accepts either type name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Self

from pydantic import Field, model_validator

from ._types import URI, DateTime, Number, OneOrMany, TypeGroups, TypeValue, fail
from .achievement import Achievement, Result
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
from .vc import VC_V2, CredentialSubject, VerifiableCredential, utc_stamp
from .vc import Evidence as VCEvidence

__all__ = [
    "AchievementCredential",
    "AchievementSubject",
    "Evidence",
    "OpenBadgeCredential",
]


class Evidence(VCEvidence):
    """Evidence of the achievement: a URL or ``data:`` URI in ``id`` and/or a narrative."""

    required_types: ClassVar[TypeGroups] = (("Evidence",),)

    id: URI | None = None
    type: TypeValue = Field(default_factory=lambda: ["Evidence"])
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None


class AchievementSubject(CredentialSubject):
    """The recipient: who achieved what, with results, credits and dates."""

    required_types: ClassVar[TypeGroups] = (("AchievementSubject",),)

    id: URI | None = None
    type: TypeValue = Field(default_factory=lambda: ["AchievementSubject"])
    activity_end_date: DateTime | None = None
    activity_start_date: DateTime | None = None
    credits_earned: Number | None = None
    achievement: Achievement
    identifier: list[IdentityObject] | None = None
    image: Image | None = None
    license_number: str | None = None
    narrative: str | None = None
    result: list[Result] | None = None
    role: str | None = None
    source: Profile | None = None
    term: str | None = None

    @model_validator(mode="after")
    def _identified(self) -> AchievementSubject:
        if self.id is None and not self.identifier:
            raise fail(
                "needs an id or an identifier: add the recipient's id (e.g. a DID) or "
                "an IdentityObject in identifier"
            )
        return self


class OpenBadgeCredential(VerifiableCredential):
    """An Open Badge: an issuer's signed statement that a subject earned an achievement."""

    required_types: ClassVar[TypeGroups] = (
        ("VerifiableCredential",),
        ("OpenBadgeCredential", "AchievementCredential"),
    )
    build_valid_from: ClassVar[bool] = True

    context: OneOrMany[str | dict[str, Any]] = contexts(OB_CONTEXT)
    id: URI = Field(default_factory=new_urn_uuid)
    type: TypeValue = Field(default_factory=lambda: ["VerifiableCredential", "OpenBadgeCredential"])
    name: str | None = None
    description: str | None = None
    image: Image | None = None
    issuer: URI | Profile
    awarded_date: DateTime | None = None
    credential_subject: AchievementSubject
    # (lists are invariant; OB evidence narrows the VCDM class, as pydantic validates it)
    evidence: OneOrMany[Evidence] | None = None  # type: ignore[assignment]
    endorsement: list[EndorsementCredential] | None = None
    endorsement_jwt: list[str] | None = None

    @model_validator(mode="after")
    def _valid_from(self) -> OpenBadgeCredential:
        require_valid_from(self)
        return self

    @property
    def achievement(self) -> Achievement:
        """The achievement awarded (``credentialSubject.achievement``)."""
        return self.credential_subject.achievement

    @classmethod
    def build(
        cls,
        *,
        issuer: Profile | str,
        subject: AchievementSubject,
        name: str | None = None,
        description: str | None = None,
        image: Image | None = None,
        evidence: Sequence[Evidence] = (),
        id: str | None = None,
        valid_from: datetime | str | None = None,
        valid_until: datetime | str | None = None,
        now: datetime | None = None,
        contexts: Sequence[str] = (),
        **extra: Any,
    ) -> Self:
        """A new, unsigned badge with the defaults an issuer wants.

        ``id`` defaults to a fresh ``urn:uuid:``, ``@context`` to VC 2.0 + OB 3.0.3 (then
        ``contexts``), ``type`` to VerifiableCredential + OpenBadgeCredential, ``validFrom`` to
        ``now`` (default: the current time) in UTC to the second, ``name`` to the achievement's.
        Extra keyword arguments become further properties (their terms must be defined by the
        contexts, or signing will refuse them).
        """
        fields: dict[str, Any] = {
            "context": [VC_V2, OB_CONTEXT, *contexts],
            "id": id or new_urn_uuid(),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": name if name is not None else subject.achievement.name,
            "issuer": issuer,
            "valid_from": _stamp(valid_from if valid_from is not None else now),
            "credential_subject": subject,
        }
        optional = {
            "description": description,
            "image": image,
            "valid_until": _stamp(valid_until) if valid_until is not None else None,
            "evidence": list(evidence) or None,
        }
        fields.update({key: value for key, value in optional.items() if value is not None})
        return cls(**fields, **extra)


def _stamp(moment: datetime | str | None) -> str:
    return moment if isinstance(moment, str) else utc_stamp(moment)


#: The specification's other name for :class:`OpenBadgeCredential`.
AchievementCredential = OpenBadgeCredential
