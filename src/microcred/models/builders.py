"""The shortest typed way to write a new badge: :func:`new_badge`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .achievement import Achievement, Result
from .ob import AchievementSubject, Evidence, OpenBadgeCredential
from .profile import IdentityObject, Image, Profile

__all__ = ["new_badge"]


def new_badge(
    *,
    issuer: Profile | str,
    achievement: Achievement,
    recipient: str | None = None,
    identifier: Sequence[IdentityObject] = (),
    result: Sequence[Result] = (),
    evidence: Sequence[Evidence] = (),
    name: str | None = None,
    description: str | None = None,
    image: Image | None = None,
    id: str | None = None,
    valid_from: datetime | str | None = None,
    valid_until: datetime | str | None = None,
    now: datetime | None = None,
    **extra: Any,
) -> OpenBadgeCredential:
    """A new, unsigned OpenBadgeCredential awarding ``achievement`` to ``recipient``.

    ``recipient`` is the subject's id (e.g. a DID); give ``identifier`` instead (or as well)
    to name the recipient by a (hashed) email address or another identity. Defaults are those
    of :meth:`OpenBadgeCredential.build`. Raises :class:`MalformedCredential` when a required
    property is missing or a value is invalid.
    """
    subject_fields: dict[str, Any] = {"achievement": achievement}
    if recipient is not None:
        subject_fields["id"] = recipient
    if identifier:
        subject_fields["identifier"] = list(identifier)
    if result:
        subject_fields["result"] = list(result)
    return OpenBadgeCredential.build(
        issuer=issuer,
        subject=AchievementSubject(**subject_fields),
        name=name,
        description=description,
        image=image,
        evidence=evidence,
        id=id,
        valid_from=valid_from,
        valid_until=valid_until,
        now=now,
        **extra,
    )
