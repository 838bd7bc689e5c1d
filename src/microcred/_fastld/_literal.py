"""RDF terms for the fast path: IRIs, literals, canonical doubles and JSON literals.

Every function here either returns the canonical N-Quads token that the pyld path would have
produced, or raises :class:`Unsupported` so that the pyld path decides. Written from the JSON-LD
1.1 "Object to RDF Conversion" rules and the XSD canonical lexical forms.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .. import _rdfc
from ..errors import MalformedCredential
from ._errors import Unsupported

__all__ = [
    "RDF_FIRST",
    "RDF_NIL",
    "RDF_REST",
    "RDF_TYPE",
    "canonical_double",
    "iri_token",
    "is_absolute",
    "json_literal",
    "language_literal",
    "native_literal",
    "needs_escape",
    "string_literal",
]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN, XSD_DOUBLE, XSD_INTEGER = _XSD + "boolean", _XSD + "double", _XSD + "integer"
RDF_JSON = _RDF + "JSON"
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = (
    f"<{_RDF}{name}>" for name in ("type", "first", "rest", "nil")
)

# What pyld calls an absolute IRI (it decides which branch of IRI expansion runs): a scheme (its
# character class also admits ",", and "_" for blank nodes), a colon, then no whitespace.
_PYLD_ABSOLUTE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+,.-]*|_):[^\s]*\Z")
# What the fast path emits: the intersection of pyld's rule, the safe-mode check of _canon and
# the N-Quads IRI grammar of _rdfc. Anything else falls back to the pyld path.
_STRICT_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|^`\\\x00-\x20\ud800-\udfff]*\Z')
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\\ud800-\udfff]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")
needs_escape = _NEEDS_ESCAPE.search  # None: the string is written between quotes as it is
_MAX_SAFE_INT = 2**53

# IRI -> "<IRI>" for IRIs already checked; bounded, plain dict operations only (thread-safe).
_tokens: dict[str, str] = {}


def is_absolute(value: str) -> bool:
    """pyld's notion of an absolute IRI (blank node identifiers included)."""
    return _PYLD_ABSOLUTE.match(value) is not None


def iri_token(value: str) -> str:
    """``<value>`` for an absolute IRI the fast path can emit with certainty."""
    token = _tokens.get(value)
    if token is None:
        if _STRICT_IRI.match(value) is None:
            raise Unsupported(f"IRI {value!r} is not plainly absolute")
        token = f"<{value}>"
        if len(_tokens) < 65_536:
            _tokens[value] = token
    return token


def _quoted(value: str) -> str:
    if needs_escape(value) is None:
        return f'"{value}"'
    try:
        return _rdfc.literal(value)
    except MalformedCredential:
        raise Unsupported("literal with an unpaired surrogate") from None


def string_literal(value: str, datatype: str | None) -> str:
    """A string value with an optional datatype IRI (``None`` for xsd:string)."""
    if datatype == XSD_DOUBLE:
        raise Unsupported("string typed xsd:double (pyld re-formats it)")
    text = _quoted(value)
    if datatype is None or datatype == _rdfc.XSD_STRING:
        return text
    return f"{text}^^{iri_token(datatype)}"


def language_literal(value: str, language: str) -> str:
    """A language-tagged string; the tag is already lower-cased, as pyld does."""
    if not language.isascii():
        raise Unsupported("non-ASCII language tag")
    try:
        return _rdfc.literal(value, language=language)
    except MalformedCredential:
        raise Unsupported(f"language tag {language!r} or value not representable") from None


def canonical_double(value: float) -> str:
    """The canonical xsd:double form: one digit, '.', trimmed fraction, 'E', exponent."""
    mantissa, exponent = f"{value:.15E}".split("E")
    whole, fraction = mantissa.split(".")
    return f"{whole}.{fraction.rstrip('0') or '0'}E{int(exponent)}"


def native_literal(value: bool | int | float, datatype: str | None) -> str:
    """A JSON boolean or number, typed as JSON-LD's "Object to RDF Conversion" says."""
    if isinstance(value, bool):
        lexical, default = ("true" if value else "false"), XSD_BOOLEAN
    elif isinstance(value, float) and not value.is_integer():
        lexical, default = canonical_double(value), XSD_DOUBLE
    elif datatype == XSD_DOUBLE or abs(value) >= 1e21:  # integral, but a double here
        try:
            lexical, default = canonical_double(float(value)), XSD_DOUBLE
        except OverflowError:
            raise Unsupported("integer beyond the double range") from None
    else:
        lexical, default = str(int(value)), XSD_INTEGER
    if datatype == _rdfc.XSD_STRING:  # xsd:string is implicit in canonical N-Quads
        return f'"{lexical}"'
    return f'"{lexical}"^^{iri_token(datatype or default)}'


def _canonical_json(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        if _SURROGATE.search(value):
            raise Unsupported("JSON literal with an unpaired surrogate")
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise Unsupported("JSON literal with a fractional number")
        if abs(value) >= _MAX_SAFE_INT:
            raise Unsupported("JSON literal with an integer beyond 2**53")
        out.append(str(int(value)))
    elif isinstance(value, list):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _canonical_json(item, out)
        out.append("]")
    elif isinstance(value, dict):
        for key in value:
            if _SURROGATE.search(key):
                raise Unsupported("JSON literal key with an unpaired surrogate")
        out.append("{")
        for index, key in enumerate(sorted(value, key=lambda k: k.encode("utf-16-be"))):
            if index:
                out.append(",")
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _canonical_json(value[key], out)
        out.append("}")
    else:
        raise Unsupported(f"{type(value).__name__} in a JSON literal")


def json_literal(value: Any) -> str:
    """An rdf:JSON literal: the value in canonical JSON (RFC 8785 for these value kinds)."""
    out: list[str] = []
    _canonical_json(value, out)
    return string_literal("".join(out), RDF_JSON)
