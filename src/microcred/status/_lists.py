"""Bitstring Status List v1.0 entries and their StatusList2021 predecessor.

Follows the spec's validate algorithm: fetch the (verified) list credential, check its type
and that its ``statusPurpose`` includes the entry's, expand the bitstring, refuse a list below
the herd-privacy minimum (STATUS_LIST_LENGTH_ERROR), refuse an index outside it (RANGE_ERROR),
then read ``statusSize`` bits at ``statusListIndex * statusSize``.

Whatever is wrong with the *list* (wrong type or purpose, undecodable, too short, too big)
makes the status unknown: :class:`~microcred.ResolutionError`. What is wrong with the *entry*,
which the issuer signed into the credential, is a verdict: :class:`~microcred.MalformedCredential`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import (
    MalformedCredential,
    ResolutionError,
    ResourceLimitExceeded,
    RevokedCredential,
)
from ._bitstring import MAX_STATUS_SIZE, StatusList, decode_status_list_2021
from ._common import (
    VERIFY_ERROR,
    ListFetcher,
    StatusResult,
    fetch_list,
    issuer_warning,
    malformed,
    short,
    strings,
    url_of,
)

__all__ = ["check_bitstring_entry", "check_status_list_2021_entry"]


@dataclass(frozen=True)
class _Kind:
    """What differs between Bitstring Status List and its StatusList2021 predecessor."""

    credential_type: str
    subject_type: str
    decode: Callable[[object, int], StatusList]
    multibit: bool  # statusSize / statusMessage exist
    lenient_purpose: bool  # deployed 2021 lists write "Revocation"


def _decode_bitstring(encoded: object, size: int) -> StatusList:
    if not isinstance(encoded, str):
        raise MalformedCredential("encodedList must be a string")
    return StatusList.decode(encoded, status_size=size)


_BITSTRING = _Kind(
    "BitstringStatusListCredential", "BitstringStatusList", _decode_bitstring, True, False
)
_SL2021 = _Kind(
    "StatusList2021Credential",
    "StatusList2021",
    lambda encoded, _size: decode_status_list_2021(encoded),
    False,
    True,
)
_DIGITS = re.compile(r"[0-9]+")
_HEX = re.compile(r"0[xX][0-9a-fA-F]{1,8}")


def _parse_messages(entry: Mapping[str, Any], size: int, pointer: str) -> dict[int, str] | None:
    raw = entry.get("statusMessage")
    if raw is None:
        if size > 1:
            raise malformed(
                "statusMessage is required when statusSize is above 1", f"{pointer}/statusMessage"
            )
        return None
    count = 1 << size
    if not isinstance(raw, list) or len(raw) != count:
        raise malformed(
            f"statusMessage must be an array of {count} items", f"{pointer}/statusMessage"
        )
    messages: dict[int, str] = {}
    for i, item in enumerate(raw):
        where = f"{pointer}/statusMessage/{i}"
        status = item.get("status") if isinstance(item, Mapping) else None
        text = item.get("message") if isinstance(item, Mapping) else None
        if not isinstance(status, str) or not _HEX.fullmatch(status) or int(status, 16) >= count:
            raise malformed(f'status must be a hexadecimal value below {count}, e.g. "0x1"', where)
        if not isinstance(text, str):
            raise malformed("message must be a string", where)
        messages.setdefault(int(status, 16), text)
    return messages


def _parse_entry(
    entry: Mapping[str, Any], pointer: str, kind: _Kind
) -> tuple[str, int, str, int, dict[int, str] | None]:
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise malformed(
            'statusPurpose must be a string such as "revocation"', f"{pointer}/statusPurpose"
        )
    raw = entry.get("statusListIndex")
    where = f"{pointer}/statusListIndex"
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        raise malformed(
            "statusListIndex must be a non-negative integer written as a base-10 string "
            f'(e.g. "94567"), not {short(raw)}',
            where,
        )
    if len(raw.lstrip("0")) > 18:
        raise MalformedCredential(
            "statusListIndex is larger than any status list",
            pointer=where,
            code="STATUS_RANGE_ERROR",
        )
    url = url_of(entry, "statusListCredential", pointer)
    size, messages = 1, None
    if kind.multibit:
        size = entry.get("statusSize", 1)
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise malformed("statusSize must be a positive integer", f"{pointer}/statusSize")
        if size > MAX_STATUS_SIZE:
            raise ResolutionError(
                f"statusSize {size} is not supported (at most {MAX_STATUS_SIZE}): the status "
                "cannot be checked",
                pointer=f"{pointer}/statusSize",
            )
        messages = _parse_messages(entry, size, pointer)
    elif entry.get("statusSize", 1) != 1:
        raise ResolutionError(
            f"statusSize {short(entry['statusSize'])} on a {entry.get('type')}: that list "
            "has one bit per entry, so the status the issuer meant cannot be read",
            pointer=f"{pointer}/statusSize",
        )
    return purpose, int(raw), url, size, messages


def _list_subject(
    listing: Mapping[str, Any], url: str, kind: _Kind, purpose: str, pointer: str
) -> tuple[Mapping[str, Any], list[str]]:
    """The list's credentialSubject, once its types and purposes are what the entry needs."""
    warnings: list[str] = []
    if kind.credential_type not in strings(listing.get("type")):
        raise ResolutionError(
            f"{url} is not a {kind.credential_type}: it cannot be used to check the status",
            pointer=pointer,
            code=VERIFY_ERROR,
        )
    subject = listing.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or kind.subject_type not in strings(subject.get("type")):
        raise ResolutionError(
            f"the credentialSubject of {url} is not a {kind.subject_type}",
            pointer=pointer,
            code=VERIFY_ERROR,
        )
    purposes = strings(subject.get("statusPurpose"))
    if purpose not in purposes:
        if not (kind.lenient_purpose and purpose.lower() in (p.lower() for p in purposes)):
            raise ResolutionError(
                f"the status list {url} is for {purposes or 'no purpose'}, not {purpose!r}: "
                "it cannot answer this entry",
                pointer=pointer,
                code=VERIFY_ERROR,
            )
        warnings.append(
            f"the status list {url} spells its statusPurpose {purposes}, not {purpose!r}"
        )
    listed_id = listing.get("id")
    if isinstance(listed_id, str) and listed_id != url:
        warnings.append(f"the status list fetched from {url} identifies itself as {listed_id}")
    return subject, warnings


def _outcome(
    purpose: str, value: int, where: str, messages: dict[int, str] | None, pointer: str
) -> tuple[str, list[str]]:
    """Turn a value into a sentence, or raise when it revokes or suspends the credential."""
    text = messages.get(value) if messages is not None else None
    warnings = []
    if messages is not None and text is None:
        warnings.append(f"the issuer gives no statusMessage for value 0x{value:x} ({where})")
    detail = f": {text}" if text is not None else ""
    if purpose in ("revocation", "suspension"):
        word, code = (
            ("revoked", "REVOKED") if purpose == "revocation" else ("suspended", "SUSPENDED")
        )
        if value:
            raise RevokedCredential(f"{word} ({where}){detail}", pointer=pointer, code=code)
        return f"not {word} ({where}){detail}", warnings
    if purpose == "message":
        return (text if text is not None else f"status 0x{value:x} ({where})"), warnings
    if purpose == "refresh":
        if value:
            return (
                f"a refreshed credential is available from the issuer's refresh service ({where})",
                warnings,
            )
        return f"no refresh pending ({where})", warnings
    if value:
        raise ResolutionError(
            f"status purpose {purpose!r} is set (0x{value:x}, {where}) and microcred does not "
            "know what it means: the credential's status is unknown",
            pointer=f"{pointer}/statusPurpose",
            code="UNSUPPORTED_STATUS_PURPOSE",
        )
    return f"{purpose} status not set ({where}){detail}", warnings


def _check_list_entry(
    entry: Mapping[str, Any],
    pointer: str,
    fetch: ListFetcher,
    credential: Mapping[str, Any],
    kind: _Kind,
) -> StatusResult:
    purpose, index, url, size, messages = _parse_entry(entry, pointer, kind)
    list_pointer = f"{pointer}/statusListCredential"
    listing = fetch_list(fetch, url, list_pointer)
    subject, warnings = _list_subject(listing, url, kind, purpose, list_pointer)
    warnings += issuer_warning(listing, credential, url)
    try:
        bits = kind.decode(subject.get("encodedList"), size)
    except MalformedCredential as exc:
        keep = isinstance(exc, ResourceLimitExceeded) or exc.code == "STATUS_LIST_LENGTH_ERROR"
        raise ResolutionError(
            f"the status list {url} is unusable: {exc.message}",
            pointer=list_pointer,
            code=exc.code if keep else VERIFY_ERROR,
        ) from exc
    if index >= bits.length:
        raise MalformedCredential(
            f"statusListIndex {index} is outside the status list {url} ({bits.length} entries)",
            pointer=f"{pointer}/statusListIndex",
            code="STATUS_RANGE_ERROR",
        )
    value = bits.get(index)
    meaning = purpose.lower() if kind.lenient_purpose else purpose
    message, more = _outcome(meaning, value, f"index {index} of {url}", messages, pointer)
    return StatusResult(purpose, value, message, tuple(warnings + more))


def check_bitstring_entry(
    entry: Mapping[str, Any], pointer: str, fetch: ListFetcher, credential: Mapping[str, Any], /
) -> StatusResult:
    """A ``BitstringStatusListEntry`` (W3C Bitstring Status List v1.0, validate algorithm)."""
    return _check_list_entry(entry, pointer, fetch, credential, _BITSTRING)


def check_status_list_2021_entry(
    entry: Mapping[str, Any], pointer: str, fetch: ListFetcher, credential: Mapping[str, Any], /
) -> StatusResult:
    """A ``StatusList2021Entry`` (the 2021 predecessor: single bits, no multibase prefix)."""
    return _check_list_entry(entry, pointer, fetch, credential, _SL2021)
