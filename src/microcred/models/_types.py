"""Field types shared by every model: URIs, date-times, numbers, ``type`` values, vocabularies.

Each keeps the exact JSON value it was given (a date-time stays the original string, ``42.0``
stays a float) so that a loaded credential dumps back byte for byte; validation only checks.
"""

from __future__ import annotations

import enum
import re
from datetime import date
from typing import Annotated, TypeAlias, TypeVar

from pydantic import AfterValidator, StrictBool, StrictFloat, StrictInt
from pydantic_core import PydanticCustomError

from .._time import parse_datetime
from ..errors import MalformedCredential

__all__ = [
    "URI",
    "Date",
    "DateTime",
    "Flag",
    "LanguageCode",
    "Number",
    "OneOrMany",
    "TypeGroups",
    "TypeValue",
    "as_list",
    "fail",
    "is_datetime",
    "is_uri",
    "vocabulary",
]

T = TypeVar("T")

#: A value the JSON may give either as one item or as an array; the form given is preserved.
OneOrMany: TypeAlias = T | list[T]
#: Groups of type names; ``type`` must hold one name of each group.
TypeGroups: TypeAlias = tuple[tuple[str, ...], ...]

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S*\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*\Z")
_EXTENSION = re.compile(r"ext:\S+\Z")


def fail(detail: str, field: str = "") -> PydanticCustomError:
    """A validation error whose message completes "<pointer> ..."; ``field`` extends the pointer."""
    return PydanticCustomError("microcred", "{detail}", {"detail": detail, "field": field})


def as_list(value: T | list[T] | None) -> list[T]:
    """Any single-or-array field as a list (``[]`` when absent), for easy iteration."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def is_uri(value: object) -> bool:
    """An absolute URI (or IRI): a scheme, a colon, no white space. ``data:`` URIs included."""
    return isinstance(value, str) and _URI.match(value) is not None


def is_datetime(value: object) -> bool:
    """RFC 3339 date-time with a time zone, e.g. ``2024-01-31T12:00:00Z``."""
    try:
        parse_datetime(value, "")
    except MalformedCredential:
        return False
    return True


def _uri(value: str) -> str:
    if not is_uri(value):
        raise fail(
            f"must be an absolute URI with a scheme (e.g. https://... or urn:uuid:...), "
            f"got {value!r}"
        )
    return value


def _datetime(value: str) -> str:
    if not is_datetime(value):
        raise fail(
            "must be an RFC 3339 date-time with a time zone, e.g. 2024-01-31T12:00:00Z, "
            f"got {value!r}"
        )
    return value


def _date(value: str) -> str:
    try:
        ok = _DATE.match(value) is not None and bool(date.fromisoformat(value))
    except ValueError:
        ok = False
    if not ok:
        raise fail(f"must be a calendar date YYYY-MM-DD, got {value!r}")
    return value


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise fail(f"must be a BCP 47 language code such as 'en' or 'en-US', got {value!r}")
    return value


def vocabulary(values: type[enum.StrEnum], *, extensible: bool) -> AfterValidator:
    """Accept the values of ``values`` and, if ``extensible``, ``ext:``-prefixed terms."""
    allowed = frozenset(member.value for member in values)
    name = values.__name__

    def check(value: str) -> str:
        if value in allowed or (extensible and _EXTENSION.match(value)):
            return value
        extra = " or an extension term starting with 'ext:'" if extensible else ""
        raise fail(
            f"must be one of the {name} values ({', '.join(sorted(allowed))}){extra}, got {value!r}"
        )

    return AfterValidator(check)


def _non_empty_types(value: str | list[str]) -> str | list[str]:
    if value == [] or value == "":
        raise fail("must not be empty")
    return value


URI = Annotated[str, AfterValidator(_uri)]
DateTime = Annotated[str, AfterValidator(_datetime)]
Date = Annotated[str, AfterValidator(_date)]
LanguageCode = Annotated[str, AfterValidator(_language)]
Number = StrictInt | StrictFloat
Flag = StrictBool
TypeValue = Annotated[str | list[str], AfterValidator(_non_empty_types)]
