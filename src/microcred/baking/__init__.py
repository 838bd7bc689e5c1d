"""Bake a credential into a PNG or SVG badge image, and read it back (OB 3.0 "Baked Badge").

A baked badge is a picture that carries its own credential, so it can be shared anywhere an
image can and still be verified. :func:`bake` writes the OB 3.0 form: a PNG ``iTXt`` chunk
``openbadgecredential``, or an SVG ``<openbadges:credential>`` element. :func:`unbake` also
reads the OB 2.0 forms (PNG ``openbadges`` chunk, SVG ``<openbadges:assertion>``) so old
badges can be migrated; :func:`unbake_with_version` says which form it found.

Images come from strangers, so every reader here is defensive: sizes are capped before any
work, PNG chunk lengths and CRCs are checked, SVG parsing refuses DTDs with declarations and
entities, and an image with two credentials is an error rather than a guess. Every failure is
a :class:`~microcred.errors.MalformedCredential` (or its subclass
:class:`~microcred.errors.ResourceLimitExceeded`) with a message that says what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeAlias

from .._parse import DEFAULT_INPUT_LIMITS, InputLimits
from ..errors import MalformedCredential
from . import _payload, _png, _svg
from ._payload import MAX_PAYLOAD_BYTES, ObVersion, Payload
from ._png import MAX_PNG_BYTES, MAX_PNG_CHUNK_BYTES, MAX_PNG_CHUNKS
from ._svg import MAX_SVG_BYTES

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "MAX_PNG_BYTES",
    "MAX_PNG_CHUNKS",
    "MAX_PNG_CHUNK_BYTES",
    "MAX_SVG_BYTES",
    "ImageKind",
    "ObVersion",
    "Payload",
    "bake",
    "image_kind",
    "unbake",
    "unbake_with_version",
]

ImageKind: TypeAlias = Literal["png", "svg"]

_NOT_AN_IMAGE = "not a PNG or SVG image (no PNG signature and no <svg> root element)"


def image_kind(data: bytes) -> ImageKind | None:
    """``"png"`` or ``"svg"`` judged by content (PNG signature, ``<svg>`` root), never by name.

    A cheap sniff of the first bytes: it says which parser to use, not that the image is valid.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        hint = " (SVG text: pass svg.encode('utf-8'))" if isinstance(data, str) else ""
        raise MalformedCredential(f"an image is bytes, not {type(data).__name__}{hint}")
    data = bytes(data)
    if data.startswith(_png.SIGNATURE):
        return "png"
    if _svg.looks_like_svg(data):
        return "svg"
    return None


def bake(
    image: bytes, credential: Mapping[str, Any] | str, *, kind: ImageKind | None = None
) -> bytes:
    """A copy of ``image`` with ``credential`` baked in; the input is not modified.

    ``credential`` is a JSON object (serialised compactly as UTF-8) or a compact JWS string
    (JSON text is accepted too and baked as given). A credential already baked in the image,
    OB 3.0 or OB 2.0, is replaced, so the result holds exactly one. ``kind`` defaults to the
    detected one; when given it must match the content.
    """
    detected = image_kind(image)
    if kind is not None and kind not in ("png", "svg"):
        raise ValueError(f"kind must be 'png', 'svg' or None, not {kind!r}")
    if detected is None:
        raise MalformedCredential(_NOT_AN_IMAGE)
    if kind is not None and kind != detected:
        raise MalformedCredential(f"kind={kind!r} but the image is {detected.upper()}")
    text, is_json = _payload.encode(credential)
    if detected == "png":
        return _png.bake(image, text)
    return _svg.bake(image, text, is_json)


def unbake_with_version(
    image: bytes, *, limits: InputLimits = DEFAULT_INPUT_LIMITS
) -> tuple[Payload, ObVersion]:
    """The baked credential and the convention it was baked with: ``"3.0"`` or ``"2.0"``.

    The OB 3.0 form wins when an image has both. For OB 2.0 the string may also be the URL of
    a hosted assertion (which microcred does not fetch or verify). ``limits.max_bytes`` bounds
    the credential (the image may be larger, up to :data:`MAX_PNG_BYTES` or
    :data:`MAX_SVG_BYTES`, or four times the credential's bound when that is more).
    """
    detected = image_kind(image)
    if detected == "png":
        return _png.unbake(image, limits)
    if detected == "svg":
        return _svg.unbake(image, limits)
    raise MalformedCredential(_NOT_AN_IMAGE)


def unbake(image: bytes, *, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> Payload:
    """The baked credential: a JSON object (``dict``) or a compact JWS (``str``)."""
    return unbake_with_version(image, limits=limits)[0]
