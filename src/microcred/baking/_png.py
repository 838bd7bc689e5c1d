"""PNG baking: one uncompressed ``iTXt`` chunk with keyword ``openbadgecredential`` (OB 3.0).

PNG layout (W3C PNG, 2nd/3rd ed.): an 8-byte signature, then chunks of ``length`` (4 bytes,
big-endian, at most 2**31-1), ``type`` (4 ASCII letters), ``data`` and a CRC-32 over type and
data. ``iTXt`` data is: keyword, NUL, compression flag, compression method, language tag,
NUL, translated keyword, NUL, UTF-8 text.

The walker is defensive because the image comes from whoever sent the badge: the whole file
and every chunk are size-capped before anything is read, every CRC is checked, the first
chunk must be IHDR and the last IEND, and nothing may follow IEND. Chunk data is never
copied: the walker hands out ``memoryview`` slices of the caller's bytes.

Compressed text (``iTXt`` with flag 1, ``zTXt``) is read with a bounded inflate (the
decompressed text may not exceed the credential size limit), never written: the spec says
compression MUST NOT be used, but being strict here would only lose legible badges.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .._parse import DEFAULT_INPUT_LIMITS, InputLimits
from ..errors import MalformedCredential, ResourceLimitExceeded
from . import _payload
from ._payload import ObVersion, Payload

__all__ = ["MAX_PNG_BYTES", "MAX_PNG_CHUNKS", "MAX_PNG_CHUNK_BYTES", "SIGNATURE", "bake", "unbake"]

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 64 * 1024 * 1024
MAX_PNG_CHUNK_BYTES = 16 * 1024 * 1024
MAX_PNG_CHUNKS = 100_000  # real images have a few hundred; bounds work on a stream of empty chunks

OB3_KEYWORD = b"openbadgecredential"
OB2_KEYWORD = b"openbadges"
_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")
_MAX_LENGTH = 0x7FFFFFFF  # PNG: "a four-byte unsigned integer ... limited to 2**31-1"


@dataclass(frozen=True, slots=True)
class _Chunk:
    kind: bytes
    start: int  # byte offset of the length field
    end: int  # byte offset just past the CRC
    data: memoryview

    @property
    def name(self) -> str:
        return self.kind.decode("latin-1")

    def keyword(self) -> bytes | None:
        """The keyword of a text chunk (``tEXt`` / ``zTXt`` / ``iTXt``), else ``None``."""
        if self.kind not in _TEXT_CHUNKS:
            return None
        head = bytes(self.data[:80])  # keywords are 1-79 bytes
        nul = head.find(b"\0")
        return head[:nul] if nul > 0 else None


def _walk(data: bytes, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> Iterator[_Chunk]:
    """Every chunk, checked; raises when the image is malformed. Exhaust it to check the end."""
    if not data.startswith(SIGNATURE):
        raise MalformedCredential("not a PNG image (no PNG signature)")
    size, image_cap = len(data), _payload.image_limit(MAX_PNG_BYTES, limits)
    chunk_cap = max(MAX_PNG_CHUNK_BYTES, limits.max_bytes)  # a stored, uncompressed credential
    if size > image_cap:
        raise ResourceLimitExceeded(f"the PNG image is {size} bytes; the limit is {image_cap}")
    view = memoryview(data)
    pos, count, seen_idat = len(SIGNATURE), 0, False
    while True:
        if pos + 8 > size:
            raise MalformedCredential(f"truncated PNG: it ends at byte {size} with no IEND chunk")
        count += 1
        if count > MAX_PNG_CHUNKS:
            raise ResourceLimitExceeded(f"the PNG image has more than {MAX_PNG_CHUNKS} chunks")
        length = int.from_bytes(view[pos : pos + 4], "big")
        kind = bytes(view[pos + 4 : pos + 8])
        if not (kind.isascii() and kind.isalpha()):
            raise MalformedCredential(f"PNG chunk at byte {pos} has an invalid type {kind!r}")
        name = kind.decode("ascii")
        if length > _MAX_LENGTH:
            raise MalformedCredential(
                f"PNG chunk {name!r} at byte {pos} declares an invalid length {length}"
            )
        if length > chunk_cap:
            raise ResourceLimitExceeded(
                f"PNG chunk {name!r} at byte {pos} declares {length} bytes; "
                f"the limit is {chunk_cap}"
            )
        end = pos + 12 + length
        if end > size:
            raise MalformedCredential(
                f"truncated PNG: chunk {name!r} at byte {pos} declares {length} bytes "
                f"but the file ends at byte {size}"
            )
        if zlib.crc32(view[pos + 4 : end - 4]) != int.from_bytes(view[end - 4 : end], "big"):
            raise MalformedCredential(f"PNG chunk {name!r} at byte {pos} has a bad CRC")
        if count == 1 and kind != b"IHDR":
            raise MalformedCredential(f"the first PNG chunk must be IHDR, not {name!r}")
        seen_idat = seen_idat or kind == b"IDAT"
        yield _Chunk(kind, pos, end, view[pos + 8 : end - 4])
        pos = end
        if kind == b"IEND":
            break
    if not seen_idat:
        raise MalformedCredential("the PNG image has no IDAT chunk (no image data)")
    if pos != size:
        raise MalformedCredential(f"the PNG image has {size - pos} bytes after its IEND chunk")


def _inflate(compressed: bytes | memoryview, chunk: _Chunk, limit: int) -> bytes:
    """zlib-decompress at most the credential size limit: a small chunk cannot become a bomb."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(compressed, limit + 1)
    except zlib.error as exc:
        raise MalformedCredential(
            f"PNG chunk {chunk.name!r} at byte {chunk.start} has corrupt compressed text: {exc}"
        ) from None
    if len(out) > limit:
        raise ResourceLimitExceeded(
            f"PNG chunk {chunk.name!r} at byte {chunk.start} decompresses to more than "
            f"{limit} bytes"
        )
    if not inflater.eof:
        raise MalformedCredential(
            f"PNG chunk {chunk.name!r} at byte {chunk.start} has truncated compressed text"
        )
    return out


def _text(chunk: _Chunk, keyword: bytes, limit: int) -> str:
    """The text of a ``tEXt``, ``zTXt`` or ``iTXt`` chunk (after its keyword)."""
    rest = chunk.data[len(keyword) + 1 :]
    if chunk.kind == b"tEXt":
        return bytes(rest).decode("latin-1")
    bad = MalformedCredential(f"PNG chunk {chunk.name!r} at byte {chunk.start} is malformed")
    if chunk.kind == b"zTXt":
        if len(rest) < 1 or rest[0] != 0:
            raise bad
        return _inflate(rest[1:], chunk, limit).decode("latin-1")
    if len(rest) < 2:
        raise bad
    flag, method = rest[0], rest[1]
    fields = bytes(rest[2:])
    language_end = fields.find(b"\0")
    translated_end = fields.find(b"\0", language_end + 1) if language_end >= 0 else -1
    if translated_end < 0 or flag not in (0, 1) or method != 0:
        raise bad
    raw = fields[translated_end + 1 :]
    try:
        return (_inflate(raw, chunk, limit) if flag else raw).decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedCredential(
            f"PNG chunk {chunk.name!r} at byte {chunk.start} holds text that is not UTF-8"
        ) from None


def unbake(data: bytes, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> tuple[Payload, ObVersion]:
    """The baked credential: the OB 3.0 ``iTXt`` chunk, else an OB 2.0 ``openbadges`` chunk."""
    found: dict[bytes, list[_Chunk]] = {OB3_KEYWORD: [], OB2_KEYWORD: []}
    for chunk in _walk(data, limits):
        keyword = chunk.keyword()
        if keyword not in found:
            continue
        if keyword == OB3_KEYWORD and chunk.kind != b"iTXt":
            raise MalformedCredential(
                f"PNG chunk {chunk.name!r} at byte {chunk.start} has the keyword "
                "'openbadgecredential', which OB 3.0 puts only in an iTXt chunk"
            )
        hits = found[keyword]
        hits.append(chunk)
        if len(hits) > 1:
            raise MalformedCredential(
                f"the PNG image has more than one {keyword.decode()!r} chunk (at bytes "
                f"{hits[0].start} and {chunk.start}): a baked image holds exactly one credential"
            )
    versions: tuple[tuple[bytes, ObVersion], ...] = ((OB3_KEYWORD, "3.0"), (OB2_KEYWORD, "2.0"))
    for keyword, version in versions:
        if found[keyword]:
            chunk = found[keyword][0]
            where = f"PNG chunk {chunk.name!r} {keyword.decode()!r} at byte {chunk.start}"
            text = _text(chunk, keyword, limits.max_bytes)
            return _payload.decode(text, version, where, limits), version
    raise MalformedCredential(
        "the PNG image has no baked credential (no iTXt chunk 'openbadgecredential')"
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def bake(data: bytes, text: str) -> bytes:
    """A copy of the PNG with ``text`` in the one credential chunk, right after IHDR.

    Earlier credential chunks (OB 3.0 and OB 2.0) are dropped: the image then holds exactly
    one credential. Every other chunk is kept byte for byte and in order.
    """
    body = OB3_KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + text.encode("utf-8")
    #      keyword       NUL    flag+method  lang NUL  translated-keyword NUL   text
    view = memoryview(data)
    parts: list[bytes | memoryview] = []
    pos = 0
    for chunk in _walk(data):
        if chunk.keyword() in (OB3_KEYWORD, OB2_KEYWORD):
            parts.append(view[pos : chunk.start])
            pos = chunk.end
        elif chunk.kind == b"IHDR":
            parts += [view[pos : chunk.end], _chunk(b"iTXt", body)]
            pos = chunk.end
    parts.append(view[pos:])
    return b"".join(parts)
