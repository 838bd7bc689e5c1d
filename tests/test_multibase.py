"""Base58btc, multibase and multicodec helpers (src/microcred/_multibase.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred._multibase import (
    ED25519_PRIV,
    ED25519_PUB,
    b58decode,
    b58encode,
    b64url_decode,
    b64url_encode,
    codec_name,
    decode_multibase,
    encode_multibase,
    strip_multicodec,
)

# Test vectors of the Base58 Encoding Scheme draft (draft-msporny-base58), section 5.
BASE58_VECTORS = [
    (b"", ""),
    (b"Hello World!", "2NEpo7TZRRrLZSi2U"),
    (
        b"The quick brown fox jumps over the lazy dog.",
        "USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z",
    ),
    (bytes.fromhex("0000287fb4cd"), "11233QC4"),
    # Leading zero bytes are leading '1's, one for one, and nothing else.
    (b"\0", "1"),
    (b"\0\0\0", "111"),
    (b"\0\x01", "12"),
    (b"\x39", "z"),
    (b"\x3a", "21"),
]


@pytest.mark.parametrize(("raw", "text"), BASE58_VECTORS)
def test_base58_vectors(raw: bytes, text: str) -> None:
    assert b58encode(raw) == text
    assert b58decode(text) == raw


@given(st.binary(max_size=300))
def test_base58_round_trip(raw: bytes) -> None:
    assert b58decode(b58encode(raw)) == raw


@given(st.binary(max_size=300))
def test_multibase_round_trip(raw: bytes) -> None:
    text = encode_multibase(raw)
    assert text.startswith("z")
    assert decode_multibase(text) == raw


def test_long_input_decodes_quickly() -> None:
    # A hostile document may carry a huge "key"; decoding must not be quadratic.
    raw = bytes(range(256)) * 200
    assert b58decode(b58encode(raw)) == raw


@pytest.mark.parametrize(
    ("text", "char", "position"),
    [("0", "'0'", 0), ("2NEpo7TZRRrLZSi2O", "'O'", 16), ("abcIdef", "'I'", 3), ("xyl", "'l'", 2)],
)
def test_base58_bad_character_named_with_position(text: str, char: str, position: int) -> None:
    with pytest.raises(
        ValueError, match=rf"invalid base58 character {char} at position {position}"
    ):
        b58decode(text)


def test_base58_error_does_not_echo_long_input() -> None:
    text = "2" * 500 + "0" + "3" * 500
    with pytest.raises(ValueError, match="position 500") as info:
        b58decode(text)
    assert len(str(info.value)) < 100


@pytest.mark.parametrize(
    ("text", "found"),
    [("uSGVsbG8", "'u'"), ("f68656c6c6f", "'f'"), ("mSGVsbG8", "'m'"), ("6MkhaXg", "'6'")],
)
def test_multibase_only_base58btc(text: str, found: str) -> None:
    with pytest.raises(ValueError, match=rf"prefix {found}.*only base58btc \('z'\)"):
        decode_multibase(text)


def test_multibase_empty() -> None:
    with pytest.raises(ValueError, match="empty"):
        decode_multibase("")


def test_multibase_bad_body() -> None:
    with pytest.raises(ValueError, match="invalid base58 character '0' at position 4"):
        decode_multibase("z6Mk0")


def test_multicodec_headers_are_varints() -> None:
    assert list(ED25519_PUB) == [0xED, 0x01]  # 0xed: low 7 bits | 0x80, then 0xed >> 7
    assert list(ED25519_PRIV) == [0x80, 0x26]  # 0x1300: 0x00 | 0x80, then 0x1300 >> 7 == 0x26
    assert encode_multibase(ED25519_PUB + bytes(32)).startswith("z6Mk")
    assert encode_multibase(ED25519_PRIV + bytes(32)).startswith("z3u2")


def test_strip_multicodec() -> None:
    body = bytes(range(32))
    assert strip_multicodec(ED25519_PUB + body, ED25519_PUB, 32, "key") == body
    with pytest.raises(ValueError, match=r"key: expected multicodec header 0xed01 .* 0x8024"):
        strip_multicodec(b"\x80\x24" + body, ED25519_PUB, 32, "key")
    with pytest.raises(ValueError, match="key: expected 32 bytes after the header, found 31"):
        strip_multicodec(ED25519_PUB + body[:31], ED25519_PUB, 32, "key")
    with pytest.raises(ValueError, match="found 33"):
        strip_multicodec(ED25519_PUB + body + b"\0", ED25519_PUB, 32, "key")


def test_codec_name() -> None:
    assert codec_name(b"\x80\x24rest") == "0x8024 (p256-pub)"
    assert codec_name(b"\x12\x34") == "0x1234"
    assert "too short" in codec_name(b"\x01")


@given(st.binary(max_size=100))
def test_b64url_round_trip(raw: bytes) -> None:
    text = b64url_encode(raw)
    assert "=" not in text
    assert b64url_decode(text) == raw


@pytest.mark.parametrize("text", ["AA==", "A", "AB+/", "AB CD", "AB\n", "AB", "AAB"])
def test_b64url_strict(text: str) -> None:
    # padding, a lone char, the standard alphabet, whitespace, non-canonical final bits
    with pytest.raises(ValueError, match="not valid unpadded base64url"):
        b64url_decode(text)
