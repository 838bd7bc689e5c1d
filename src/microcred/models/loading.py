"""Reading credentials and presentations into models. Reading is not verifying."""

from __future__ import annotations

import base64
import binascii
import copy
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .._parse import parse_json_object, require_object
from ..errors import MalformedCredential
from ._errors import to_malformed
from .clr import credential_class
from .vc import VerifiableCredential, VerifiablePresentation

__all__ = ["load_credential", "load_presentation"]

_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*")


def _document(data: Mapping[str, Any] | str | bytes) -> dict[str, Any]:
    if isinstance(data, str | bytes):
        text = data.decode("ascii", "replace") if isinstance(data, bytes) else data
        match = _COMPACT_JWS.fullmatch(text.strip())
        if match:
            return _jws_payload(match.group(1))
        return parse_json_object(data)
    return copy.deepcopy(require_object(data))


def _jws_payload(segment: str) -> dict[str, Any]:
    try:
        payload = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise MalformedCredential("the compact JWS payload is not base64url") from None
    return parse_json_object(payload)


def load_credential(data: Mapping[str, Any] | str | bytes) -> VerifiableCredential:
    """Parse a credential into the most specific model its ``type`` names.

    This does NOT verify the credential: no proof, issuer, date or status is checked, so never
    trust what it returns. Use :func:`microcred.verify` for that.

    ``data`` is a JSON object, JSON text or bytes, or a compact JWS (VC-JWT) whose payload is
    read without checking its signature. Returns :class:`~ob.OpenBadgeCredential` for
    OpenBadgeCredential / AchievementCredential, :class:`~profile.EndorsementCredential`,
    :class:`~clr.ClrCredential`, or :class:`~vc.VerifiableCredential` for any other type. The
    input is copied, never modified; ``to_dict()`` of the result equals it.

    Raises :class:`MalformedCredential` (with a JSON Pointer to the field and a sentence saying
    what to fix) when the input is not JSON or does not fit the data model.
    """
    document = _document(data)
    cls = credential_class(document)
    if not issubclass(cls, VerifiableCredential):
        raise MalformedCredential(
            "an EnvelopedVerifiableCredential is not a credential by itself: decode its id "
            "(a data: URL) and load what it holds",
            pointer="/type",
        )
    try:
        return cls.model_validate(document, by_alias=True, by_name=False)
    except ValidationError as exc:
        raise to_malformed(exc, document, whole="the credential") from None


def load_presentation(data: Mapping[str, Any] | str | bytes) -> VerifiablePresentation:
    """Parse a Verifiable Presentation; each embedded credential gets its specific model.

    Like :func:`load_credential`, this does NOT verify anything.
    """
    document = _document(data)
    try:
        return VerifiablePresentation.model_validate(document, by_alias=True, by_name=False)
    except ValidationError as exc:
        raise to_malformed(exc, document, whole="the presentation") from None
