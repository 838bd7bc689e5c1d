"""Baking credentials into PNG and SVG badge images, reading them back, and refusing hostile images.

Images are generated here (a small RGB PNG built with zlib, a small SVG) so every byte is known.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import re
import struct
import time
import tracemalloc
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microcred.baking import (
    MAX_PNG_CHUNKS,
    MAX_SVG_BYTES,
    bake,
    image_kind,
    unbake,
    unbake_with_version,
)
from microcred.errors import MalformedCredential, ResourceLimitExceeded

SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "http://www.w3.org/2000/svg"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
OB2_NS = "http://openbadges.org"
NON_ASCII = "Zürich — 東京 🎓"

CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:4f0e5d3c-9a55-4f0b-8f7c-0d6a1c1b2e3f",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": NON_ASCII},
    "validFrom": "2024-01-01T00:00:00Z",
    "name": NON_ASCII,
    "description": "CDATA ends with ]]> and markup <b>&amp;</b> stays text",
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": {"name": "Teamwork"}},
}
JWS = "eyJhbGciOiJFZERTQSIsImtpZCI6ImRpZDpleGFtcGxlIn0.eyJ2YyI6eyJuYW1lIjoiWiJ9fQ.c2lnbmF0dXJl"
OTHER_JWS = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.b3RoZXI"


# --- image builders -------------------------------------------------------------------------

WIDTH, HEIGHT = 4, 3
PIXELS = [
    [(x * 60 % 256, y * 100 % 256, (x * 7 + y * 31) % 256) for x in range(WIDTH)]
    for y in range(HEIGHT)
]


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def itxt(keyword: bytes, text: str, *, compressed: bool = False, lang: bytes = b"") -> bytes:
    raw = text.encode("utf-8")
    body = zlib.compress(raw) if compressed else raw
    flag = b"\1\0" if compressed else b"\0\0"
    return chunk(b"iTXt", keyword + b"\0" + flag + lang + b"\0" + b"\0" + body)


def text_chunk(keyword: bytes, text: str) -> bytes:
    return chunk(b"tEXt", keyword + b"\0" + text.encode("latin-1"))


def make_png(*extra: bytes) -> bytes:
    """A 4x3 RGB PNG with its image data split over two IDAT chunks, plus ``extra`` chunks."""
    raw = b"".join(b"\0" + bytes(v for px in row for v in px) for row in PIXELS)
    data = zlib.compress(raw)
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0))
    comment = text_chunk(b"Comment", "made for microcred's tests")
    idats = chunk(b"IDAT", data[:10]) + chunk(b"IDAT", data[10:])
    return SIGNATURE + ihdr + comment + b"".join(extra) + idats + chunk(b"IEND", b"")


def chunks_of(png: bytes) -> list[tuple[bytes, bytes]]:
    """An independent, trusting chunk reader for checking what bake wrote."""
    out, pos = [], len(SIGNATURE)
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        out.append((png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return out


def credential_chunks(png: bytes) -> list[bytes]:
    return [data for kind, data in chunks_of(png) if data.startswith(b"openbadgecredential\0")]


SVG = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a badge for {NON_ASCII} -->
<svg xmlns="{SVG_NS}"
     viewBox="0 0 10 10" data-note='a > b, "quoted"'>
  <title>{NON_ASCII}</title>
  <rect width="10" height="10" fill="#f80"/>
</svg>
""".encode()


def root_tag_end(svg: bytes) -> int:
    """Where the root start tag ends (attribute values may hold a literal ">")."""
    match = re.compile(rb"""<svg(?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/?>""").search(svg)
    assert match is not None
    return match.end()


def timed_and_bounded(call: Callable[[], object], *, seconds: float = 2.0, mib: int = 32) -> None:
    """Run ``call`` (expected to raise) twice: once timed, once with its memory traced."""
    started = time.perf_counter()
    with contextlib.suppress(Exception):
        call()
    elapsed = time.perf_counter() - started
    assert elapsed < seconds, f"took {elapsed:.2f}s"
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert peak < mib * 1024 * 1024, f"peak memory {peak / 2**20:.1f} MiB"


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (make_png(), "png"),
        (SVG, "svg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "svg"),
        (b'\xef\xbb\xbf  <?xml version="1.0"?><!-- c > d --><?pi x?>\n<svg>', "svg"),
        (
            b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg/>',
            "svg",
        ),
        (b'<!DOCTYPE svg [<!ENTITY a "b>c">]><svg/>', "svg"),
        (b'<s:svg xmlns:s="http://www.w3.org/2000/svg"/>', "svg"),
        ('<?xml version="1.0" encoding="UTF-16"?><svg/>'.encode("utf-16"), "svg"),
        (b"GIF89a\x01\x00\x01\x00", None),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", None),
        (b"<html><svg/></html>", None),
        (b"<svgfoo/>", None),
        (b'{"svg": 1}', None),
        (b"", None),
    ],
)
def test_image_kind_is_judged_by_content(data: bytes, kind: str | None) -> None:
    assert image_kind(data) == kind


# --- round trips ----------------------------------------------------------------------------

IMAGES = {"png": make_png(), "svg": SVG}


@pytest.mark.parametrize("kind", ["png", "svg"])
@pytest.mark.parametrize(
    ("credential", "expected"),
    [
        (CREDENTIAL, CREDENTIAL),
        (JWS, JWS),
        (f"  {JWS}\n", JWS),
        (json.dumps(CREDENTIAL, indent=2), CREDENTIAL),
    ],
    ids=["json", "jws", "jws-with-whitespace", "json-text"],
)
def test_round_trip(kind: str, credential: dict[str, Any] | str, expected: object) -> None:
    baked = bake(IMAGES[kind], credential)
    assert image_kind(baked) == kind
    assert unbake(baked) == expected
    assert unbake_with_version(baked) == (expected, "3.0")


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_non_ascii_survives_as_utf8(kind: str) -> None:
    baked = bake(IMAGES[kind], CREDENTIAL, kind=kind)  # type: ignore[arg-type]
    assert NON_ASCII.encode() in baked  # stored as UTF-8, not as \u escapes
    result = unbake(baked)
    assert isinstance(result, dict)
    assert result["name"] == NON_ASCII
    assert result["description"] == CREDENTIAL["description"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec=None)))
def test_any_string_survives_both_formats(text: str) -> None:
    credential = {"type": ["VerifiableCredential"], "name": text, text: [text]}
    for image in IMAGES.values():
        assert unbake(bake(image, credential)) == credential


@pytest.mark.parametrize("odd", ["\ud800", "\udfff x", "\ufffe", "\uffff", "]]>", "]]]]>>"])
def test_characters_that_xml_or_utf8_cannot_carry_are_escaped_in_json(odd: str) -> None:
    credential = {"name": odd}
    for image in IMAGES.values():
        assert unbake(bake(image, credential)) == credential
    ET.fromstring(bake(SVG, credential))  # still well-formed XML


def test_bake_does_not_modify_the_credential() -> None:
    original = json.loads(json.dumps(CREDENTIAL))
    bake(make_png(), CREDENTIAL)
    bake(SVG, CREDENTIAL)
    assert original == CREDENTIAL


# --- PNG specifics --------------------------------------------------------------------------


def test_png_chunk_is_an_uncompressed_itxt_right_after_ihdr() -> None:
    original = make_png()
    baked = bake(original, CREDENTIAL)
    kinds = [kind for kind, _ in chunks_of(baked)]
    assert kinds == [b"IHDR", b"iTXt", b"tEXt", b"IDAT", b"IDAT", b"IEND"]
    data = chunks_of(baked)[1][1]
    keyword, rest = data.split(b"\0", 1)
    assert keyword == b"openbadgecredential"
    assert rest[:4] == b"\0\0\0\0"  # flag 0, method 0, empty language tag, empty translation
    assert json.loads(rest[4:].decode("utf-8")) == CREDENTIAL
    compact = json.dumps(CREDENTIAL, ensure_ascii=False, separators=(",", ":"))
    assert rest[4:] == compact.replace("]]>", "]]\\u003e").encode()  # same text as in SVG CDATA
    # every other chunk is kept byte for byte
    assert [c for c in chunks_of(baked) if c[0] != b"iTXt"] == chunks_of(original)


def test_baked_png_still_decodes_to_the_same_pixels() -> None:
    import png  # pypng, a real PNG decoder (test extra); it checks every CRC too

    baked = bake(make_png(), CREDENTIAL)
    for image in (make_png(), baked, bake(baked, JWS)):
        width, height, rows, info = png.Reader(bytes=image).read()
        assert (width, height, info["bitdepth"], info["planes"]) == (WIDTH, HEIGHT, 8, 3)
        assert [list(row) for row in rows] == [[v for px in row for v in px] for row in PIXELS]


def test_png_baking_again_replaces_the_credential() -> None:
    once = bake(make_png(), CREDENTIAL)
    twice = bake(once, JWS)
    assert len(credential_chunks(twice)) == 1
    assert unbake(twice) == JWS
    assert twice == bake(make_png(), JWS)  # no trace of the first credential


def test_png_bake_replaces_an_ob2_chunk_too() -> None:
    legacy = make_png(text_chunk(b"openbadges", "https://example.org/assertions/1"))
    baked = bake(legacy, JWS)
    assert unbake_with_version(baked) == (JWS, "3.0")
    assert b"openbadges\0" not in baked
    assert baked == bake(make_png(), JWS)


def test_png_compressed_itxt_is_read() -> None:
    image = make_png(itxt(b"openbadgecredential", json.dumps(CREDENTIAL), compressed=True))
    assert unbake(image) == CREDENTIAL


def test_png_language_tag_and_translated_keyword_are_ignored() -> None:
    image = make_png(itxt(b"openbadgecredential", JWS, lang=b"en"))
    assert unbake(image) == JWS


# --- SVG specifics --------------------------------------------------------------------------


@pytest.mark.parametrize("credential", [CREDENTIAL, JWS], ids=["json", "jws"])
def test_baked_svg_is_valid_xml_with_the_element_first_under_svg(
    credential: dict[str, Any] | str,
) -> None:
    baked = bake(SVG, credential)
    root = ET.fromstring(baked)  # our own output, trusted: an independent XML reader
    assert root.tag == f"{{{SVG_NS}}}svg"
    first = root[0]
    assert first.tag == f"{{{OB3_NS}}}credential"
    if isinstance(credential, str):
        assert first.get("verify") == JWS
        assert not (first.text or "").strip()
    else:
        assert first.get("verify") is None
        assert json.loads(first.text or "") == CREDENTIAL
        assert b"<openbadges:credential><![CDATA[{" in baked
    assert [child.tag for child in root[1:]] == [f"{{{SVG_NS}}}title", f"{{{SVG_NS}}}rect"]
    assert root.find(f"{{{SVG_NS}}}title").text == NON_ASCII  # type: ignore[union-attr]
    assert f'xmlns:openbadges="{OB3_NS}"'.encode() in baked[: root_tag_end(baked)]


def test_svg_baking_keeps_every_other_byte() -> None:
    baked = bake(SVG, CREDENTIAL)
    start = SVG.index(b"<svg")
    assert baked.startswith(SVG[:start])  # declaration and comment
    assert baked.endswith(SVG[root_tag_end(SVG) :])  # the whole body
    assert baked[start : root_tag_end(baked)] == (
        SVG[start : start + 4]
        + f' xmlns:openbadges="{OB3_NS}"'.encode()
        + SVG[start + 4 : root_tag_end(SVG)]
    )


def test_svg_baking_again_replaces_the_element() -> None:
    once = bake(SVG, CREDENTIAL)
    twice = bake(once, JWS)
    assert twice.count(b"<openbadges:credential") == 1
    assert twice.count(b"xmlns:openbadges") == 1
    assert unbake(twice) == JWS
    assert twice == bake(SVG, JWS)


def test_svg_existing_element_anywhere_is_replaced() -> None:
    svg = (
        f'<svg xmlns="{SVG_NS}" xmlns:openbadges="{OB3_NS}"><g>\n'
        f'  <openbadges:credential verify="{OTHER_JWS}" />\n</g></svg>'
    ).encode()
    assert unbake(svg) == OTHER_JWS
    baked = bake(svg, CREDENTIAL)
    assert baked.count(b"<openbadges:credential") == 1
    assert baked.count(b"xmlns:openbadges") == 1
    assert unbake(baked) == CREDENTIAL
    assert b"<g>\n  \n</g>" in baked


def test_svg_self_closing_root() -> None:
    baked = bake(f'<svg xmlns="{SVG_NS}" width="1"/>'.encode(), JWS)
    assert (
        baked
        == (
            f'<svg xmlns:openbadges="{OB3_NS}" xmlns="{SVG_NS}" width="1">'
            f'<openbadges:credential verify="{JWS}"></openbadges:credential></svg>'
        ).encode()
    )
    assert unbake(baked) == JWS


def test_svg_prefix_bound_to_ob2_gets_a_local_declaration() -> None:
    svg = (
        f'<svg xmlns="{SVG_NS}" xmlns:openbadges="{OB2_NS}">'
        f'<openbadges:assertion verify="{OTHER_JWS}"/><circle r="1"/></svg>'
    ).encode()
    baked = bake(svg, JWS)
    root = ET.fromstring(baked)
    assert [child.tag for child in root] == [f"{{{OB3_NS}}}credential", f"{{{SVG_NS}}}circle"]
    assert unbake_with_version(baked) == (JWS, "3.0")


def test_svg_with_plain_svg11_doctype_is_accepted() -> None:
    svg = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    )
    assert unbake(bake(svg, CREDENTIAL)) == CREDENTIAL


def test_svg_in_a_non_utf8_encoding_gets_ascii_json() -> None:
    svg = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        f'<svg xmlns="{SVG_NS}"><title>Zürich</title></svg>'
    ).encode("latin-1")
    baked = bake(svg, CREDENTIAL)
    assert baked.isascii() is False  # the original Latin-1 title is untouched ...
    assert b"<title>Z\xfcrich</title>" in baked
    inserted = baked[root_tag_end(baked) : baked.index(b"<title>")]
    assert inserted.isascii()  # ... and the credential is pure ASCII
    assert unbake(baked) == CREDENTIAL


def test_utf16_svg_unbakes_but_is_not_baked() -> None:
    svg = f'<svg xmlns="{SVG_NS}" xmlns:openbadges="{OB3_NS}"><openbadges:credential verify="{JWS}"/></svg>'
    data = codecs.BOM_UTF16_LE + svg.encode("utf-16-le")
    assert unbake(data) == JWS
    with pytest.raises(MalformedCredential, match="UTF-16"):
        bake(data, JWS)


# --- OB 2.0 migration -----------------------------------------------------------------------

ASSERTION = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "urn:x"}


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        (make_png(text_chunk(b"openbadges", json.dumps(ASSERTION))), ASSERTION),
        (make_png(itxt(b"openbadges", JWS)), JWS),
        (make_png(text_chunk(b"openbadges", "https://example.org/a/1")), "https://example.org/a/1"),
        (
            f'<svg xmlns="{SVG_NS}" xmlns:openbadges="{OB2_NS}">'
            f'<openbadges:assertion verify="{JWS}"/></svg>'.encode(),
            JWS,
        ),
        (
            f'<svg xmlns="{SVG_NS}" xmlns:openbadges="{OB2_NS}">\n'
            '  <openbadges:assertion verify="https://example.org/a/1">\n'
            f"    <![CDATA[ {json.dumps(ASSERTION)} ]]>\n"
            "  </openbadges:assertion></svg>".encode(),
            ASSERTION,
        ),
    ],
    ids=["png-tEXt-json", "png-iTXt-jws", "png-tEXt-hosted-url", "svg-jws", "svg-json"],
)
def test_ob2_images_unbake_and_say_so(image: bytes, expected: object) -> None:
    assert unbake_with_version(image) == (expected, "2.0")
    assert unbake(image) == expected


def test_ob3_wins_over_ob2_in_the_same_image() -> None:
    png = make_png(text_chunk(b"openbadges", JWS), itxt(b"openbadgecredential", OTHER_JWS))
    assert unbake_with_version(png) == (OTHER_JWS, "3.0")
    svg = (
        f'<svg xmlns="{SVG_NS}" xmlns:a="{OB2_NS}" xmlns:b="{OB3_NS}">'
        f'<a:assertion verify="{JWS}"/><b:credential verify="{OTHER_JWS}"/></svg>'
    ).encode()
    assert unbake_with_version(svg) == (OTHER_JWS, "3.0")
    baked = bake(svg, CREDENTIAL)  # baking drops both old elements
    assert b"assertion" not in baked
    assert b"b:credential" not in baked
    assert unbake_with_version(baked) == (CREDENTIAL, "3.0")


def test_ob3_payload_must_not_be_a_url() -> None:
    image = make_png(itxt(b"openbadgecredential", "https://example.org/a/1"))
    with pytest.raises(MalformedCredential, match="neither a JSON credential nor a compact JWS"):
        unbake(image)


# --- hostile and malformed PNGs -------------------------------------------------------------


def _png_cases() -> list[Any]:
    good = make_png()
    ihdr = good[: 8 + 25]
    idat_at = good.index(b"IDAT") - 4
    bad_crc = bytearray(good)
    bad_crc[idat_at + 9] ^= 0xFF
    cred = itxt(b"openbadgecredential", JWS)
    return [
        pytest.param(good[:-20], MalformedCredential, "truncated PNG", id="truncated"),
        pytest.param(good[:13], MalformedCredential, "truncated PNG", id="truncated-header"),
        pytest.param(
            bytes(bad_crc),
            MalformedCredential,
            f"PNG chunk 'IDAT' at byte {idat_at} has a bad CRC",
            id="bad-crc",
        ),
        pytest.param(
            ihdr + struct.pack(">I", 0x7FFFFFFF) + b"IDAT" + b"\0" * 64,
            ResourceLimitExceeded,
            "declares 2147483647 bytes; the limit is",
            id="huge-declared-chunk",
        ),
        pytest.param(
            ihdr + struct.pack(">I", 0xFFFFFFFF) + b"IDAT" + b"\0" * 64,
            MalformedCredential,
            "invalid length 4294967295",
            id="length-beyond-png-maximum",
        ),
        pytest.param(good[:-12], MalformedCredential, "no IEND chunk", id="missing-IEND"),
        pytest.param(
            good + b"trailing", MalformedCredential, "8 bytes after its IEND", id="after-IEND"
        ),
        pytest.param(
            SIGNATURE + chunk(b"IDAT", b"") + good[8:],
            MalformedCredential,
            "first PNG chunk must be IHDR",
            id="IHDR-not-first",
        ),
        pytest.param(
            ihdr + chunk(b"IEND", b""), MalformedCredential, "no IDAT chunk", id="no-IDAT"
        ),
        pytest.param(
            ihdr + chunk(b"1234", b"") + good[33:],
            MalformedCredential,
            "invalid type",
            id="bad-chunk-type",
        ),
        pytest.param(
            make_png(cred, cred),
            MalformedCredential,
            "more than one 'openbadgecredential'",
            id="two-credentials",
        ),
        pytest.param(
            make_png(text_chunk(b"openbadges", JWS), text_chunk(b"openbadges", JWS)),
            MalformedCredential,
            "more than one 'openbadges'",
            id="two-ob2-chunks",
        ),
        pytest.param(
            make_png(text_chunk(b"openbadgecredential", JWS)),
            MalformedCredential,
            "only in an iTXt chunk",
            id="ob3-in-tEXt",
        ),
        pytest.param(
            make_png(chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0\xff\xfe")),
            MalformedCredential,
            "not UTF-8",
            id="itxt-not-utf8",
        ),
        pytest.param(
            make_png(chunk(b"iTXt", b"openbadgecredential\0\2\0\0\0x")),
            MalformedCredential,
            "is malformed",
            id="itxt-bad-flag",
        ),
        pytest.param(
            make_png(chunk(b"iTXt", b"openbadgecredential\0\0\0\0")),
            MalformedCredential,
            "is malformed",
            id="itxt-missing-separator",
        ),
        pytest.param(
            make_png(chunk(b"iTXt", b"openbadgecredential\0\1\0\0\0not zlib")),
            MalformedCredential,
            "corrupt compressed text",
            id="itxt-corrupt-zlib",
        ),
        pytest.param(
            make_png(chunk(b"iTXt", b"openbadgecredential\0\1\0\0\0" + zlib.compress(b"{}")[:-3])),
            MalformedCredential,
            "truncated compressed text",
            id="itxt-truncated-zlib",
        ),
        pytest.param(
            make_png(itxt(b"openbadgecredential", "   ")),
            MalformedCredential,
            "is empty",
            id="empty",
        ),
        pytest.param(
            make_png(itxt(b"openbadgecredential", "hello")),
            MalformedCredential,
            "neither a JSON credential nor a compact JWS",
            id="not-a-credential",
        ),
        pytest.param(
            make_png(itxt(b"openbadgecredential", '{"a": 1, "a": 2}')),
            MalformedCredential,
            "duplicate JSON key",
            id="duplicate-keys",
        ),
        pytest.param(good, MalformedCredential, "no baked credential", id="no-credential"),
        pytest.param(
            ihdr + chunk(b"teSt", b"") * (MAX_PNG_CHUNKS + 1),
            ResourceLimitExceeded,
            "more than 100000 chunks",
            id="too-many-chunks",
        ),
    ]


@pytest.mark.parametrize(("image", "error", "message"), _png_cases())
def test_hostile_png_is_a_clear_error(image: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as caught:
        timed_and_bounded(lambda: unbake(image))
    assert type(caught.value) is error


def test_png_compression_bomb_is_bounded() -> None:
    inflater = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    bomb = b"".join(inflater.compress(block) for _ in range(256)) + inflater.flush()  # 256 MiB
    image = make_png(chunk(b"iTXt", b"openbadgecredential\0\1\0\0\0" + bomb))
    with pytest.raises(ResourceLimitExceeded, match="decompresses to more than"):
        timed_and_bounded(lambda: unbake(image), mib=16)


def test_oversized_png_is_refused_before_reading() -> None:
    image = make_png() + b"\0" * (64 * 1024 * 1024)
    with pytest.raises(ResourceLimitExceeded, match=r"the PNG image is \d+ bytes; the limit is"):
        timed_and_bounded(lambda: unbake(image), seconds=0.5, mib=1)


def test_bake_refuses_a_broken_png() -> None:
    bad = bytearray(make_png())
    bad[20] ^= 1  # inside IHDR
    with pytest.raises(MalformedCredential, match="'IHDR' at byte 8 has a bad CRC"):
        bake(bytes(bad), JWS)


# --- hostile and malformed SVGs -------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n  <!ENTITY lol "lol">\n'
    + b"".join(
        f'  <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<svg xmlns="http://www.w3.org/2000/svg"><title>&lol9;</title></svg>'
)


def _svg_cases() -> list[Any]:
    cred = f'<openbadges:credential verify="{JWS}"/>'
    head = f'<svg xmlns="{SVG_NS}" xmlns:openbadges="{OB3_NS}">'
    return [
        pytest.param(
            b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg"><title>&x;</title></svg>',
            MalformedCredential,
            "DOCTYPE with an internal subset",
            id="external-entity",
        ),
        pytest.param(
            BILLION_LAUGHS,
            MalformedCredential,
            "DOCTYPE with an internal subset",
            id="billion-laughs",
        ),
        pytest.param(
            b'<!DOCTYPE svg [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><svg/>',
            MalformedCredential,
            "DOCTYPE with an internal subset",
            id="parameter-entity",
        ),
        pytest.param(
            b'<!DOCTYPE svg [<!ELEMENT svg ANY>]><svg xmlns="http://www.w3.org/2000/svg"/>',
            MalformedCredential,
            "DOCTYPE with an internal subset",
            id="doctype-with-declarations",
        ),
        pytest.param(
            b'<!DOCTYPE svg SYSTEM "http://127.0.0.1:9/evil.dtd">'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            MalformedCredential,
            "undefined entity",
            id="entity-from-external-dtd",
        ),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>',
            MalformedCredential,
            "not a well-formed SVG image: mismatched tag",
            id="malformed-xml",
        ),
        pytest.param(
            f"{head}{cred}<g>{cred}</g></svg>".encode(),
            MalformedCredential,
            "2 OB 3.0 credential elements",
            id="two-credentials",
        ),
        pytest.param(
            f'{head}<openbadges:credential verify="{JWS}">{{}}</openbadges:credential></svg>'.encode(),
            MalformedCredential,
            "both a verify attribute and a body",
            id="verify-and-body",
        ),
        pytest.param(
            f"{head}<openbadges:credential><g/></openbadges:credential></svg>".encode(),
            MalformedCredential,
            "contains other elements",
            id="child-elements",
        ),
        pytest.param(
            f"{head}<openbadges:credential/></svg>".encode(),
            MalformedCredential,
            "is empty",
            id="empty-element",
        ),
        pytest.param(
            f"{head}<openbadges:credential><![CDATA[[1, 2]]]></openbadges:credential></svg>".encode(),
            MalformedCredential,
            "neither a JSON credential nor a compact JWS",
            id="json-array",
        ),
        pytest.param(SVG, MalformedCredential, "no baked credential", id="no-credential"),
        pytest.param(
            b"<svg xmlns='http://example.org/not-svg'/>",
            MalformedCredential,
            "the root element is <svg> in namespace 'http://example.org/not-svg'",
            id="svg-in-another-namespace",
        ),
        pytest.param(
            SVG + b"<!--" + b"x" * MAX_SVG_BYTES + b"-->",
            ResourceLimitExceeded,
            "the SVG image is .* bytes; the limit is",
            id="oversized",
        ),
        pytest.param(b"GIF89a", MalformedCredential, "not a PNG or SVG image", id="gif"),
        pytest.param(b"<html/>", MalformedCredential, "not a PNG or SVG image", id="html"),
        pytest.param(b"", MalformedCredential, "not a PNG or SVG image", id="empty-input"),
    ]


@pytest.mark.parametrize(("image", "error", "message"), _svg_cases())
def test_hostile_svg_is_a_clear_error(image: bytes, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as caught:
        timed_and_bounded(lambda: unbake(image))
    assert type(caught.value) is error


@pytest.mark.parametrize(
    "image",
    [BILLION_LAUGHS, b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>'],
    ids=["billion-laughs", "external-entity"],
)
def test_bake_refuses_a_hostile_svg(image: bytes) -> None:
    with pytest.raises(MalformedCredential, match="DOCTYPE"):
        timed_and_bounded(lambda: bake(image, JWS))


# --- bake argument errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "credential", "kind", "error", "message"),
    [
        (make_png(), JWS, "svg", MalformedCredential, "kind='svg' but the image is PNG"),
        (SVG, JWS, "png", MalformedCredential, "kind='png' but the image is SVG"),
        (b"GIF89a", JWS, None, MalformedCredential, "not a PNG or SVG image"),
        (make_png(), "not a credential", None, MalformedCredential, "neither"),
        (make_png(), "{not json", None, MalformedCredential, "not valid JSON"),
        (make_png(), ["a list"], None, MalformedCredential, "not list"),
        (make_png(), {"when": object()}, None, MalformedCredential, "not a JSON value"),
        (make_png(), {"n": float("nan")}, None, MalformedCredential, "finite"),
        (
            make_png(),
            {"big": "x" * (4 * 1024 * 1024)},
            None,
            ResourceLimitExceeded,
            "the limit is 4194304",
        ),
        (make_png(), JWS, "gif", ValueError, "kind must be"),
    ],
    ids=[
        "png-as-svg",
        "svg-as-png",
        "not-an-image",
        "plain-text",
        "bad-json-text",
        "list",
        "non-json-value",
        "nan",
        "too-big",
        "bad-kind",
    ],
)
def test_bake_refuses_bad_arguments(
    image: bytes, credential: Any, kind: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        bake(image, credential, kind=kind)
