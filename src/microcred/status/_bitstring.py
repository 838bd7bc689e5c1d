"""The status bitstring: packing, GZIP + base64url encoding, and hostile-input-safe decoding.

Layout (Bitstring Status List v1.0, section 2.2): entry ``i`` of ``status_size`` bits starts at
bit ``i * status_size``; bit 0 is the most significant bit of byte 0. The uncompressed list must
hold at least 131,072 entries (16 KiB of single bits) so one entry hides in a large herd.

A status list arrives from the network, so decoding assumes the worst: a tiny encodedList can
inflate to gigabytes. Decompression is streamed and stops as soon as the output passes
``max_bytes``; nothing is ever decompressed in one go.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import secrets
import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from .._multibase import b64url_decode, b64url_encode
from .._time import format_datetime
from ..errors import MalformedCredential, ResourceLimitExceeded

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_STATUS_SIZE",
    "MIN_ENTRIES",
    "StatusList",
    "decode_status_list_2021",
]

#: The herd-privacy minimum of the spec's validate algorithm (``minimumNumberOfEntries``).
MIN_ENTRIES = 131_072
#: Hard cap on a decompressed list: 16 MiB is 134 million single-bit entries.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
#: Widest entry supported; statusMessage needs 2**statusSize items, so wider is impractical.
MAX_STATUS_SIZE = 16
_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
_STEP = 64 * 1024
_LEGACY_B64 = re.compile(r"[A-Za-z0-9_\-+/]*={0,2}")


def _check_size(status_size: object) -> int:
    if (
        not isinstance(status_size, int)
        or isinstance(status_size, bool)
        or not 1 <= status_size <= MAX_STATUS_SIZE
    ):
        raise ValueError(f"status_size must be an integer from 1 to {MAX_STATUS_SIZE}")
    return status_size


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    """Inflate one GZIP member, refusing output past ``max_bytes`` while still inflating."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP header required
    out = bytearray()
    pending = data
    try:
        while not inflater.eof:
            # Small steps keep the peak near max_bytes; max_length is >= 1 (0 = unlimited).
            chunk = inflater.decompress(pending, min(_STEP, max_bytes + 1 - len(out)))
            out += chunk
            if len(out) > max_bytes:
                raise ResourceLimitExceeded(
                    f"encodedList inflates to more than {max_bytes} bytes: refused as a "
                    "possible decompression bomb (raise max_bytes if you trust this list)"
                )
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                break
    except zlib.error:
        raise MalformedCredential("encodedList is not valid GZIP data") from None
    if not inflater.eof:
        raise MalformedCredential("encodedList is truncated: the GZIP stream does not end")
    if inflater.unused_data:
        raise MalformedCredential("encodedList has unexpected data after the GZIP stream")
    return bytes(out)


def decode_status_list_2021(
    encoded: object, *, max_bytes: int = DEFAULT_MAX_BYTES, min_entries: int = MIN_ENTRIES
) -> StatusList:
    """Read a StatusList2021 ``encodedList``: GZIP then base64, with no multibase prefix.

    The 2021 report only says "base-64 encoded" and deployed lists use both alphabets, with and
    without padding, so this legacy reader accepts all of them (and nothing else).
    """
    if not isinstance(encoded, str) or not encoded:
        raise MalformedCredential("encodedList must be a non-empty string")
    if len(encoded) > 2 * max_bytes:
        raise ResourceLimitExceeded(f"encodedList is longer than {2 * max_bytes} characters")
    if encoded.startswith("uH4sI"):
        raise MalformedCredential(
            "encodedList has a multibase 'u' prefix, as in Bitstring Status List; "
            "StatusList2021 lists have none"
        )
    body = encoded.rstrip("=")
    if not _LEGACY_B64.fullmatch(encoded) or len(body) % 4 == 1:
        raise MalformedCredential("encodedList is not base64")
    body = body.replace("+", "-").replace("/", "_")
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):  # pragma: no cover - excluded by the pattern
        raise MalformedCredential("encodedList is not base64") from None
    return StatusList.from_bytes(_gunzip(compressed, max_bytes), min_entries=min_entries)


class StatusList:
    """A mutable list of ``length`` entries of ``status_size`` bits, all 0 (unset) at first.

    Issuers use it to build and update a BitstringStatusListCredential; verifiers get one from
    :meth:`decode`. ``allocated`` restores the indexes already handed out by :meth:`allocate`.
    A list shorter than ``min_entries`` (the spec's 131,072) is refused, as verifiers would
    refuse it; lower ``min_entries`` only where an ecosystem specification sets another bound.
    """

    def __init__(
        self,
        length: int = MIN_ENTRIES,
        *,
        status_size: int = 1,
        allocated: Iterable[int] = (),
        min_entries: int = MIN_ENTRIES,
    ) -> None:
        self._size = _check_size(status_size)
        if not isinstance(length, int) or length < max(min_entries, 1):
            raise ValueError(
                f"length must be at least {max(min_entries, 1)} entries (herd privacy)"
            )
        self._length = length
        self._bits = bytearray((length * self._size + 7) // 8)
        self._allocated: set[int] = set()
        for index in allocated:
            self._allocated.add(self._index(index))

    @property
    def length(self) -> int:
        return self._length

    @property
    def status_size(self) -> int:
        return self._size

    @property
    def allocated(self) -> frozenset[int]:
        """Indexes handed out so far (persist them with the list to keep them unique)."""
        return frozenset(self._allocated)

    def __len__(self) -> int:
        return self._length

    def _index(self, index: int) -> int:
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError("a status list index is an int")
        if not 0 <= index < self._length:
            raise IndexError(f"index {index} is outside the list (0 to {self._length - 1})")
        return index

    def get(self, index: int) -> int:
        """The status value of entry ``index`` (0 = unset)."""
        start = self._index(index) * self._size
        value = 0
        for bit in range(start, start + self._size):
            value = (value << 1) | (self._bits[bit >> 3] >> (7 - (bit & 7))) & 1
        return value

    def set(self, index: int, value: int = 1) -> None:
        """Set entry ``index`` to ``value`` (1 = revoked / suspended for single-bit lists)."""
        start = self._index(index) * self._size
        if not isinstance(value, int) or not 0 <= value < 1 << self._size:
            raise ValueError(f"value must fit in {self._size} bit(s): 0 to {(1 << self._size) - 1}")
        for offset in range(self._size):
            bit = start + offset
            mask = 0x80 >> (bit & 7)
            if value >> (self._size - 1 - offset) & 1:
                self._bits[bit >> 3] |= mask
            else:
                self._bits[bit >> 3] &= ~mask & 0xFF

    def clear(self, index: int) -> None:
        """Reset entry ``index`` to 0 (lifts a suspension; revocation is meant to be final)."""
        self.set(index, 0)

    def allocate(self) -> int:
        """A random index never handed out before, so positions reveal nothing about order.

        Raises ``ValueError`` when every index is taken: start a new list.
        """
        if len(self._allocated) >= self._length:
            raise ValueError(f"the status list is full ({self._length} entries allocated)")
        for _ in range(64):
            index = secrets.randbelow(self._length)
            if index not in self._allocated:
                break
        else:  # nearly full: draw from what is left instead of retrying forever
            free = [i for i in range(self._length) if i not in self._allocated]
            index = free[secrets.randbelow(len(free))]
        self._allocated.add(index)
        return index

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """``encodedList``: multibase ``u`` + unpadded base64url of the GZIP-ed bitstring.

        The GZIP timestamp is zero, so the same list always encodes to the same text.
        """
        return "u" + b64url_encode(gzip.compress(bytes(self._bits), compresslevel=9, mtime=0))

    @classmethod
    def from_bytes(
        cls, data: bytes, *, status_size: int = 1, min_entries: int = MIN_ENTRIES
    ) -> StatusList:
        """Wrap an uncompressed bitstring, refusing one below the herd-privacy minimum."""
        size = _check_size(status_size)
        entries = len(data) * 8 // size
        if entries < max(min_entries, 1):
            raise MalformedCredential(
                f"the status list holds {entries} entries of {size} bit(s); at least "
                f"{min_entries} are required for herd privacy",
                code="STATUS_LIST_LENGTH_ERROR",
            )
        result = cls(entries, status_size=size, min_entries=min_entries)
        result._bits[:] = data[: len(result._bits)]
        return result

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        max_bytes: int = DEFAULT_MAX_BYTES,
        min_entries: int = MIN_ENTRIES,
    ) -> StatusList:
        """Read an ``encodedList``; every problem is a :class:`MalformedCredential`.

        ``min_entries`` is the spec's minimum (STATUS_LIST_LENGTH_ERROR below it); lower it only
        where an ecosystem specification sets a different bound.
        """
        if not isinstance(encoded, str) or not encoded:
            raise MalformedCredential("encodedList must be a non-empty string")
        if encoded[0] != "u":
            raise MalformedCredential(
                f"encodedList must be multibase base64url (prefix 'u'), not prefix "
                f"{encoded[0]!r}"
                + (" (this looks like StatusList2021 encoding)" if encoded[0] == "H" else "")
            )
        if len(encoded) > 2 * max_bytes:  # cheap bound before any decoding work
            raise ResourceLimitExceeded(f"encodedList is longer than {2 * max_bytes} characters")
        try:
            compressed = b64url_decode(encoded[1:])
        except ValueError:
            raise MalformedCredential(
                "encodedList is not valid unpadded base64url after its 'u' prefix"
            ) from None
        return cls.from_bytes(
            _gunzip(compressed, max_bytes), status_size=status_size, min_entries=min_entries
        )

    def entry(
        self,
        index: int,
        *,
        list_url: str,
        purpose: str = "revocation",
        status_messages: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """A BitstringStatusListEntry pointing at ``index``, for a ``credentialStatus``.

        Lists wider than one bit need ``status_messages``: one text per value, in value order
        (the spec requires exactly ``2**status_size`` of them, carried by every entry).
        """
        self._index(index)
        entry: dict[str, Any] = {
            "id": f"{list_url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(index),
            "statusListCredential": list_url,
        }
        if self._size > 1 or status_messages is not None:
            count = 1 << self._size
            if status_messages is None or len(status_messages) != count:
                raise ValueError(
                    f"a list of {self._size}-bit entries needs exactly {count} status_messages"
                )
            entry["statusSize"] = self._size
            entry["statusMessage"] = [
                {"status": f"0x{value:x}", "message": text}
                for value, text in enumerate(status_messages)
            ]
        return entry

    def to_credential(
        self,
        *,
        id: str,
        issuer: str | Mapping[str, Any],
        purpose: str | list[str] = "revocation",
        valid_from: datetime | str | None = None,
        valid_until: datetime | str | None = None,
    ) -> dict[str, Any]:
        """An unsigned BitstringStatusListCredential (VC 2.0), ready for :func:`microcred.issue`.

        Only the VC 2.0 context is used: it defines every status-list term. Publish the signed
        result at ``id``, the URL the entries name as ``statusListCredential``.
        """
        credential: dict[str, Any] = {
            "@context": [_V2_CONTEXT],
            "id": id,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": dict(issuer) if isinstance(issuer, Mapping) else issuer,
        }
        for name, moment in (("validFrom", valid_from), ("validUntil", valid_until)):
            if moment is not None:
                credential[name] = (
                    format_datetime(moment) if isinstance(moment, datetime) else moment
                )
        credential["credentialSubject"] = {
            "id": f"{id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": list(purpose) if isinstance(purpose, list) else purpose,
            "encodedList": self.encode(),
        }
        return credential
