"""The text that goes into a badge image, and back: a JSON credential or a compact JWS.

Shared by the PNG and SVG formats so both bake the same bytes and refuse the same things.
Whatever ``bake`` writes, ``unbake`` must read back: the size limit and JSON checks of
:mod:`microcred._parse` apply in both directions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal, TypeAlias

from .._parse import (
    DEFAULT_INPUT_LIMITS,
    InputLimits,
    looks_like_compact_jws,
    parse_json_object,
    require_object,
)
from ..errors import MalformedCredential, ResourceLimitExceeded

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "ObVersion",
    "Payload",
    "ascii_only",
    "decode",
    "encode",
    "image_limit",
]

Payload: TypeAlias = dict[str, Any] | str
"""A credential as JSON (``dict``) or as a compact JWS (``str``)."""

ObVersion: TypeAlias = Literal["3.0", "2.0"]
"""Which baking convention the credential was found under."""

MAX_PAYLOAD_BYTES = DEFAULT_INPUT_LIMITS.max_bytes
"""The largest credential baked or unbaked; the same bound as any other input document."""

# Lone surrogates cannot be encoded as UTF-8 and U+FFFE / U+FFFF are not XML characters.
# ``]]>`` would end a CDATA section. None of them can occur in JSON outside a string, so
# escaping them as \uXXXX keeps the JSON value identical.
_UNSAFE = re.compile("[\ud800-\udfff\ufffe\uffff]|(?<=\\]\\])>")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_HOSTED_URL = re.compile(r"https?://[^\s\"'<>]+")


_RAISE_IT = " (InputLimits.max_bytes, or verify --max-bytes, raises it for a source you trust)"


def image_limit(cap: int, limits: InputLimits) -> int:
    """An image's size cap, raised with the credential's: the picture and a credential escaped
    for XML take room too."""
    return max(cap, 4 * limits.max_bytes)


def _escape(match: re.Match[str]) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in match.group())


def ascii_only(json_text: str) -> str:
    """JSON text with every non-ASCII character escaped, for images in non-UTF-8 encodings."""
    return _NON_ASCII.sub(lambda m: json.dumps(m.group())[1:-1], json_text)


def _check_size(text: str, limit: int = MAX_PAYLOAD_BYTES, hint: str = "") -> None:
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise ResourceLimitExceeded(f"the credential is {size} bytes; the limit is {limit}{hint}")


def encode(credential: Mapping[str, Any] | str) -> tuple[str, bool]:
    """The text to bake and whether it is JSON (``True``) or a compact JWS (``False``).

    A mapping is serialised compactly (UTF-8, non-ASCII kept). A string is baked as given:
    a compact JWS, or JSON text (checked like any input, so unbaking it cannot fail).
    """
    if isinstance(credential, str):
        text = credential.strip()
        if looks_like_compact_jws(text):
            _check_size(text)
            return text, False
        if not text.startswith("{"):
            raise MalformedCredential(
                "a credential to bake is a JSON object or a compact JWS; this text is neither"
            )
        parse_json_object(text)
    else:
        if not isinstance(credential, Mapping):
            raise MalformedCredential(
                f"a credential to bake is a JSON object or a compact JWS, not "
                f"{type(credential).__name__}"
            )
        document = require_object(credential)
        try:
            text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:  # e.g. a nested Mapping that is not a dict
            raise MalformedCredential(f"the credential is not serialisable: {exc}") from None
    text = _UNSAFE.sub(_escape, text)
    _check_size(text)
    return text, True


def decode(
    text: str, version: ObVersion, where: str, limits: InputLimits = DEFAULT_INPUT_LIMITS
) -> Payload:
    """Turn the baked text into a JSON object or a compact JWS; anything else is an error.

    OB 2.0 images may instead hold the URL of a hosted assertion; it is returned as a string.
    """
    body = text.strip()
    if not body:
        raise MalformedCredential(f"the {where} is empty")
    if body.startswith("{"):
        return parse_json_object(body, limits)
    _check_size(body, limits.max_bytes, _RAISE_IT)
    if looks_like_compact_jws(body):
        return body
    if version == "2.0" and _HOSTED_URL.fullmatch(body):
        return body
    raise MalformedCredential(f"the {where} holds neither a JSON credential nor a compact JWS")
