"""Date-times as the VC data model writes them (XML Schema dateTimeStamp / RFC 3339)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from .errors import MalformedCredential

__all__ = ["Clock", "format_datetime", "parse_datetime", "utc_now"]

Clock = Callable[[], datetime]

_DATETIME = re.compile(
    r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z", re.IGNORECASE
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_datetime(moment: datetime) -> str:
    """UTC, seconds precision, ``Z``: the form issuers are asked to use."""
    # isoformat, not strftime: it writes years below 1000 with four digits, as XML Schema does
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def parse_datetime(value: object, pointer: str) -> datetime:
    """A timezone-aware datetime, or MalformedCredential naming the field."""
    if isinstance(value, str):
        moment = _parse(value)
        if moment is not None:
            return moment
        if _DATETIME.match(value):
            raise MalformedCredential(f"{value!r} is not a valid date-time", pointer=pointer)
    raise MalformedCredential(
        f"{value!r} is not a date-time with a time zone (e.g. 2024-01-31T12:00:00Z)",
        pointer=pointer,
    )


@lru_cache(maxsize=1024)  # a credential repeats its dates (validFrom, nbf), a batch its issuer's
def _parse(value: str) -> datetime | None:
    if not _DATETIME.match(value):
        return None
    text = value.upper().replace("Z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:  # Python accepts at most 6 fractional digits
        digits = re.match(r"\d+", rest)
        frac = digits.group(0) if digits else ""
        text = f"{head}.{frac[:6].ljust(6, '0')}{rest[len(frac) :]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


#: The largest clock skew accepted: beyond a year it is not skew but a different clock.
MAX_LEEWAY = timedelta(days=366)


def as_timedelta(leeway: float | timedelta) -> timedelta:
    """``leeway`` as a timedelta; ValueError unless it is between 0 and :data:`MAX_LEEWAY`."""
    if isinstance(leeway, timedelta):
        seconds = leeway.total_seconds()
    elif isinstance(leeway, int | float) and not isinstance(leeway, bool):
        seconds = leeway
    else:
        raise TypeError(f"leeway must be seconds or a timedelta, not {type(leeway).__name__}")
    if not 0 <= seconds <= MAX_LEEWAY.total_seconds():  # also refuses nan
        raise ValueError(
            f"leeway must be from 0 to {MAX_LEEWAY.total_seconds():.0f} seconds, not {leeway}"
        )
    return timedelta(seconds=seconds)
