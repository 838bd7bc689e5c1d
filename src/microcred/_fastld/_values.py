"""Helpers of the emitter: explicit value objects, embedded-context memo keys, value arrays."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator
from typing import Any

from ._context import KEYWORDS, Context, expand_vocab
from ._errors import Unsupported
from ._literal import is_absolute, language_literal, native_literal, string_literal

__all__ = ["context_key", "flat", "value_object"]


def context_key(local: Any) -> Hashable:
    """Memo key of an embedded ``@context``: its URLs, or its exact JSON text."""
    if isinstance(local, str):
        return ("u", local)
    if isinstance(local, list) and all(isinstance(item, str) for item in local):
        return ("u", tuple(local))
    return ("j", json.dumps(local, ensure_ascii=False))


def value_object(ctx: Context, keywords: dict[str, Any], top: bool) -> str | None:
    """An explicit value object: ``@value`` with an optional ``@type`` or ``@language``."""
    value, language = keywords["@value"], keywords.get("@language")
    if isinstance(value, dict | list) or top:
        raise Unsupported("value object")
    if language is not None:
        if "@type" in keywords or not isinstance(language, str):
            raise Unsupported("language-tagged value object")
        language = language.lower()
    datatype = None
    if "@type" in keywords:
        raw = keywords["@type"]
        if not isinstance(raw, str):
            raise Unsupported("value object @type")
        datatype = expand_vocab(ctx, raw)
        if datatype is None or datatype in KEYWORDS or not is_absolute(datatype):
            raise Unsupported("value object datatype")
        if datatype.startswith("_:"):
            raise Unsupported("blank node datatype")
    if value is None:
        return None
    if language is not None:
        if not isinstance(value, str):
            raise Unsupported("language-tagged non-string")
        return language_literal(value, language)
    if isinstance(value, str):
        return string_literal(value, datatype)
    return native_literal(value, datatype)


def flat(value: Any) -> Iterator[Any]:
    """The non-null items of a value, nested arrays flattened (as expansion does)."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, list):
                yield from flat(item)
            elif item is not None:
                yield item
    elif value is not None:
        yield value
