"""Turns whatever the caller hands in (dict, JSON text, bytes) into one JSON object, safely.

Hostile input is normal input: sizes and nesting are bounded before anything expensive runs,
duplicate keys are refused (two parsers could read two different credentials from one text),
and every failure is a :class:`MalformedCredential` naming what is wrong.
"""

from __future__ import annotations

import copy
import functools
import json
import marshal
import math
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, AnyStr, Concatenate, NoReturn, ParamSpec, TypeVar, cast

from .errors import MalformedCredential, ResourceLimitExceeded

__all__ = [
    "DEFAULT_INPUT_LIMITS",
    "InputLimits",
    "check_depth",
    "check_size",
    "checked_copy",
    "copy_json",
    "kind_of",
    "parse_json_object",
    "recursive_walk",
    "require_object",
    "size_text",
]


@dataclass(frozen=True)
class InputLimits:
    """Bounds on one input document; raise them explicitly for unusually large credentials."""

    max_bytes: int = 4 * 1024 * 1024
    max_depth: int = 64


DEFAULT_INPUT_LIMITS = InputLimits()
_J = TypeVar("_J")
_MAX_INT_DIGITS = 4000  # below Python's own int conversion limit (4300)
_MAX_NUMBER = int(sys.float_info.max)  # JSON-LD and JCS turn numbers into doubles


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # in C; only when a key came twice is the list walked, for the message
    if len(out) != len(pairs):
        raise MalformedCredential(
            f"duplicate JSON key {first_repeated(pairs)!r}: a credential must be unambiguous"
        )
    return out


def first_repeated(pairs: list[tuple[str, Any]]) -> str | None:
    """The first key of a JSON object's members that an earlier member already had."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    return None


class _OutOfRange(Exception):
    """A number beyond a double: the slow walk finds it again, to name its JSON Pointer."""


def _parse_int(text: str) -> int:
    if len(text) > _MAX_INT_DIGITS:
        raise MalformedCredential(f"a number has {len(text)} digits; at most {_MAX_INT_DIGITS}")
    return int(text)


def _parse_int_in_range(text: str) -> int:
    value = _parse_int(text)
    if len(text) > 300 and not -_MAX_NUMBER <= value <= _MAX_NUMBER:
        raise _OutOfRange
    return value


def _parse_finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 overflows to infinity
        raise _OutOfRange
    return value


def _reject_constant(name: str) -> float:
    raise MalformedCredential(f"{name} is not valid JSON")


# One decoder for every document (json.loads with hooks would build a new one each call). The
# first refuses numbers no double holds, so that what it returns is JSON within range and only
# the depth is left to check; the second keeps them, for the walk that names where they are.
_DECODER = json.JSONDecoder(
    object_pairs_hook=_reject_duplicates,
    parse_constant=_reject_constant,
    parse_int=_parse_int_in_range,
    parse_float=_parse_finite,
)
_LENIENT_DECODER = json.JSONDecoder(
    object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant, parse_int=_parse_int
)
# the C scanner that JSONDecoder.decode wraps in Python (an attribute typeshed leaves out)
_SCAN: Callable[[str, int], tuple[Any, int]] = cast(Any, _DECODER).scan_once


def _decode(text: str) -> Any:
    """``_DECODER.decode(text)``; an object from the first character to the last, as nearly
    every input is, goes straight to the scanner; anything else, and errors, take decode."""
    if text[:1] == "{" and text[-1:] == "}":
        try:
            value, end = _SCAN(text, 0)
        except StopIteration:
            pass
        else:
            if end == len(text):
                return value
    return _DECODER.decode(text)


def size_text(size: int) -> str:
    """A byte count for a message: ``4 MiB``, ``14.3 MiB``, ``16 KiB``, ``200 bytes``."""
    for unit, name in ((1 << 20, "MiB"), (1 << 10, "KiB")):
        if size >= unit:
            return f"{size // unit} {name}" if size % unit == 0 else f"{size / unit:.1f} {name}"
    return f"{size} bytes"


def check_size(data: str | bytes, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> None:
    """Refuse input over ``limits.max_bytes`` before any work on it."""
    # A str never has more characters than its UTF-8 bytes: refuse huge text without copying it.
    size = (
        len(data)
        if isinstance(data, bytes) or data.isascii() or len(data) > limits.max_bytes
        else len(data.encode("utf-8", "surrogatepass"))
    )
    if size > limits.max_bytes:
        raise ResourceLimitExceeded(
            f"the input is {size_text(size)} or more; the limit is {size_text(limits.max_bytes)} "
            "(InputLimits.max_bytes, or verify --max-bytes, raises it for a source you trust)"
        )


def parse_json_object(
    data: str | bytes, limits: InputLimits = DEFAULT_INPUT_LIMITS
) -> dict[str, Any]:
    """Parse JSON text that must hold one object (a leading byte order mark is dropped)."""
    if not isinstance(data, str | bytes):
        raise MalformedCredential(f"JSON text is a str or bytes, not {type(data).__name__}")
    check_size(data, limits)
    try:
        text = _text(data) if isinstance(data, bytes) else data.removeprefix("\ufeff")
        try:
            value = _decode(text)
        except _OutOfRange:
            return require_object(_LENIENT_DECODER.decode(text), limits)  # raises, naming where
    except UnicodeDecodeError as exc:
        raise MalformedCredential(f"the input is not UTF-8 text: {exc.reason}") from None
    except RecursionError:
        raise ResourceLimitExceeded(
            f"the JSON nests deeper than {limits.max_depth} levels"
        ) from None
    except json.JSONDecodeError as exc:
        raise MalformedCredential(
            f"not valid JSON: {exc.msg.removesuffix(' at')} at line {exc.lineno} column {exc.colno}"
        ) from None
    if type(value) is dict and text.count("{") + text.count("[") <= limits.max_depth:
        return value  # JSON within range (the decoder saw to it), and too few brackets to nest
    return require_object(value, limits)


def _text(data: bytes) -> str:
    """UTF-8, with or without a byte order mark (the utf-8-sig codec is slower Python)."""
    return (data[3:] if data.startswith(b"\xef\xbb\xbf") else data).decode("utf-8")


_JSON_KINDS = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
_JSON_KINDS.update({int: "a number", float: "a number", type(None): "null"})


def kind_of(value: Any) -> str:
    """What a value is, for a message: its JSON kind (``an array``), else its Python type."""
    return _JSON_KINDS.get(type(value)) or type(value).__name__


def _not_an_object(value: Any) -> MalformedCredential:
    many = "; give one credential at a time (a file each, or verify_many)" * (type(value) is list)
    return MalformedCredential(f"a credential is a JSON object, not {kind_of(value)}{many}")


def require_object(value: Any, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> dict[str, Any]:
    """Check an already-parsed value: a JSON object, within the depth limit, JSON types only."""
    # the exact-type test first: isinstance against the Mapping ABC costs several times more
    if type(value) is not dict and not isinstance(value, Mapping):
        raise _not_an_object(value)
    try:
        check_depth(value, limits.max_depth)
    except MalformedCredential:
        plain = _as_dicts(value, min(limits.max_depth + 1, 500))  # bounded recursion
        if plain is None:
            raise
        check_depth(plain, limits.max_depth)  # the same verdict on every other count
        return cast(dict[str, Any], plain)
    return dict(value)


def _as_dicts(value: Any, budget: int) -> Any:
    """``value`` with every Mapping (an OrderedDict, a MappingProxyType ...) made a plain dict
    and every list copied, for :func:`check_depth` to judge again; None for other values, and
    for containers deeper than ``budget`` (left as they are: too deep either way)."""
    if budget < 0 or not isinstance(value, Mapping | list):
        return None
    if isinstance(value, list):
        return [item if (c := _as_dicts(item, budget - 1)) is None else c for item in value]
    return {k: v if (c := _as_dicts(v, budget - 1)) is None else c for k, v in value.items()}


_P = ParamSpec("_P")
_R = TypeVar("_R")


def recursive_walk(
    func: Callable[Concatenate[Mapping[str, Any], _P], _R],
) -> Callable[Concatenate[Mapping[str, Any], _P], _R]:
    """For a public function that walks a document by recursion, called with anything: a
    non-object is a MalformedCredential, nesting too deep for Python a ResourceLimitExceeded."""

    @functools.wraps(func)
    def walk(document: Mapping[str, Any], /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not isinstance(document, Mapping):
            raise _not_an_object(document)
        try:
            return func(document, *args, **kwargs)
        except RecursionError:
            raise ResourceLimitExceeded(
                "the document nests too deeply to be checked (a credential needs a few levels, "
                f"not hundreds); {func.__name__} refused it"
            ) from None

    return walk


def check_depth(value: Any, max_depth: int) -> None:
    """Refuse nesting deeper than ``max_depth`` and non-JSON values, without recursion.

    This runs on every input, so the walk keeps no paths and looks at one level of containers
    at a time (no depth to store per container; most values are strings, never stored); the
    JSON Pointer of a problem is worked out once one is found.
    """
    level: list[Any] = [(value,)]  # the value as the child of a root
    depth = -1
    while level:
        if depth > max_depth:
            _explain(value, max_depth)
        deeper: list[Any] = []
        push = deeper.append
        for node in level:
            if type(node) is dict:
                for key in node:
                    if type(key) is not str:
                        _explain(value, max_depth)
                children = node.values()
            else:
                children = node
            for child in children:
                kind = type(child)
                if kind is str or kind is bool or child is None:
                    continue
                if kind is dict or kind is list:
                    push(child)
                elif kind is int:
                    if not -_MAX_NUMBER <= child <= _MAX_NUMBER:
                        _explain(value, max_depth)
                elif kind is not float or not math.isfinite(child):
                    _explain(value, max_depth)
        level, depth = deeper, depth + 1


def _explain(value: Any, max_depth: int) -> NoReturn:
    """The slow walk, with JSON Pointers, for an input known to hold a problem."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        node, depth, pointer = stack.pop()
        if depth > max_depth:
            raise ResourceLimitExceeded(
                f"the document nests deeper than {max_depth} levels; raise max_depth "
                "(InputLimits or CanonLimits) only for input you trust",
                pointer=pointer,
            )
        if isinstance(node, Mapping):
            for key, child in node.items():
                if not isinstance(key, str):
                    raise MalformedCredential("object keys must be strings", pointer=pointer)
                stack.append((child, depth + 1, f"{pointer}/{escape(key)}"))
        elif isinstance(node, list):
            stack.extend((child, depth + 1, f"{pointer}/{i}") for i, child in enumerate(node))
        elif isinstance(node, float) and not math.isfinite(node):
            raise MalformedCredential("numbers must be finite", pointer=pointer)
        elif isinstance(node, int) and not -_MAX_NUMBER <= node <= _MAX_NUMBER:
            raise MalformedCredential(
                "a number beyond the range of a double (I-JSON) cannot be signed or verified",
                pointer=pointer,
            )
        elif node is not None and not isinstance(node, str | int | float | bool):
            raise MalformedCredential(f"{type(node).__name__} is not a JSON value", pointer=pointer)
    raise MalformedCredential("the document is not plain JSON")


_JWS = r"\s*[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*"
_COMPACT_JWS_TEXT, _COMPACT_JWS_BYTES = re.compile(_JWS), re.compile(_JWS.encode())


def looks_like_compact_jws(data: str | bytes) -> bool:
    """Whether the input is a compact JWS (three base64url parts), i.e. a VC-JWT to decode.

    A JWS header is a JSON object, whose base64url starts ``ey``, which JSON text never does:
    that, two dots and ASCII say so without matching every character (decoding checks the
    alphabet). Callers may then decode the input as ASCII.
    """
    if isinstance(data, str):
        return _starts_jws(data.lstrip(), "ey", ".") or bool(_COMPACT_JWS_TEXT.fullmatch(data))
    return _starts_jws(data.lstrip(), b"ey", b".") or bool(_COMPACT_JWS_BYTES.fullmatch(data))


def _starts_jws(start: AnyStr, prefix: AnyStr, dot: AnyStr) -> bool:
    if not start.startswith(prefix):
        return False
    # exactly two dots, found with find (memchr) rather than counted over the whole token
    second = start.find(dot, start.find(dot) + 1)
    return second > 0 and start.find(dot, second + 1) < 0 and start.isascii()


def escape(key: str) -> str:
    """One JSON Pointer reference token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


class _NotPlain(Exception):
    """What :func:`check_depth` refuses; it then runs, to say what and where."""


def checked_copy(value: Any, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> dict[str, Any]:
    """:func:`require_object` and :func:`copy_json` in one walk: a deep copy, checked alike.

    Signing works on a copy of its input; checking while copying costs one Python walk where
    checking, then copying, costs a walk and a copy (a third less on a large credential). On
    any problem :func:`require_object` runs and raises, naming the field.
    """
    if type(value) is dict:
        try:
            return _copy_object(value, limits.max_depth)
        except (_NotPlain, RecursionError):
            pass
    return copy_json(require_object(value, limits))  # raises; copies a Mapping that passes


# Strings, booleans and nulls, most of a credential's values, are taken in the loops below
# rather than through a call to _copy_value each: a third less time on a large credential.
def _copy_object(node: dict[Any, Any], budget: int) -> dict[str, Any]:
    if budget <= 0 and node:
        raise _NotPlain
    out = {}
    for key, item in node.items():
        if type(key) is not str:
            raise _NotPlain
        kind = type(item)
        out[key] = (
            item if kind is str or kind is bool or item is None else _copy_value(item, budget - 1)
        )
    return out


def _copy_list(node: list[Any], budget: int) -> list[Any]:
    if budget <= 0 and node:
        raise _NotPlain
    return [item if type(item) is str else _copy_value(item, budget - 1) for item in node]


def _copy_value(item: Any, budget: int) -> Any:
    kind = type(item)
    if kind is dict:
        return _copy_object(item, budget)
    if kind is list:
        return _copy_list(item, budget)
    if (
        kind is str
        or kind is bool
        or item is None
        or (kind is int and -_MAX_NUMBER <= item <= _MAX_NUMBER)
        or (kind is float and math.isfinite(item))
    ):
        return item
    raise _NotPlain


def copy_json(value: _J) -> _J:
    """A deep copy of JSON data, several times faster than :func:`copy.deepcopy` on it.

    marshal writes and reads plain dicts, lists, strings and numbers in C (2.5 times faster
    than rebuilding them in Python, on a large credential); anything it refuses (subclasses,
    other objects) is rebuilt here, with ``copy.deepcopy`` for what is not JSON. Like
    ``deepcopy``, an object that appears twice is copied once. Nesting is bounded by the
    input limits' depth check, which every document passes before it is copied.
    """
    try:
        return cast(_J, marshal.loads(marshal.dumps(cast(Any, value))))
    except ValueError:
        return cast(_J, _copy(value))


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    return copy.deepcopy(value)
