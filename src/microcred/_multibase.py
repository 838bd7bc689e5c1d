"""Base58btc multibase and multicodec key headers.

Keys and Data Integrity proof values travel as base58btc multibase strings (prefix ``z``).
Only base58btc is accepted when decoding: the specs microcred implements use nothing else, and
accepting every multibase alphabet would only widen what an attacker can feed us.
Errors are plain ``ValueError``; callers translate them into the right ``MicrocredError``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re

__all__ = [
    "ED25519_PRIV",
    "ED25519_PUB",
    "KEY_CODEC_NAMES",
    "b58decode",
    "b58encode",
    "b64url_decode",
    "b64url_encode",
    "codec_name",
    "decode_multibase",
    "encode_multibase",
    "strip_multicodec",
]

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(_ALPHABET)}
_PAIR = 58**2
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]  # every two-digit string, by value
_CHUNK = _PAIR**2
_BASE58 = re.compile(f"[{_ALPHABET}]*")
#: each alphabet byte to its digit value, for bytes.translate
_DIGITS = bytes(_INDEX.get(chr(byte), 0) for byte in range(256))
_LEAF = 128  # digits turned into a number at once; longer input is split first
#: per step of :func:`_leaf_to_int`, for slots of ``width`` bytes: the width in bits, the mask
#: of the low slot of each pair, and 58**width
_LEAF_STEPS: list[tuple[int, int, int, int]] = [
    (
        width,
        8 * width,
        int.from_bytes((bytes(width) + b"\xff" * width) * (64 // width), "big"),
        58**width,
    )
    for width in (1, 2, 4, 8, 16, 32, 64)
]

#: multicodec ``ed25519-pub`` (0xed) as an unsigned varint.
ED25519_PUB = b"\xed\x01"
#: multicodec ``ed25519-priv`` (0x1300) as an unsigned varint.
ED25519_PRIV = b"\x80\x26"
#: Names of key multicodec headers (varint bytes), so an error can say what was found instead.
KEY_CODEC_NAMES = {
    ED25519_PUB: "ed25519-pub",
    ED25519_PRIV: "ed25519-priv",
    b"\xec\x01": "x25519-pub",
    b"\xe7\x01": "secp256k1-pub",
    b"\x80\x24": "p256-pub",
    b"\x81\x24": "p384-pub",
    b"\x85\x24": "rsa-pub",
    b"\x86\x26": "p256-priv",
}
_B64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# To the standard alphabet, and the standard-only characters (and padding) to one that is in
# neither: binascii's strict mode then refuses any character outside base64url.
_TO_STANDARD = bytes.maketrans(b"-_+/=", b"+/!!!")
# The last character of a canonical encoding leaves its unused low bits zero: 4 of them after
# 2 characters of a group (1 byte), 2 after 3 characters (2 bytes).
_FINAL = {2: frozenset(_B64URL_ALPHABET[::16]), 3: frozenset(_B64URL_ALPHABET[::4])}


def b58encode(data: bytes) -> str:
    """Encode bytes with the bitcoin base58 alphabet; each leading zero byte becomes ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    chunks: list[str] = []
    # four digits per division (58**4 fits one CPython int digit, the fast path), written as
    # two looked-up pairs: a proofValue is encoded on every signature
    while number:
        number, rest = divmod(number, _CHUNK)
        high, low = divmod(rest, _PAIR)
        chunks.append(_PAIRS[high] + _PAIRS[low])
    return "1" * zeros + "".join(reversed(chunks)).lstrip("1")


def b58decode(text: str) -> bytes:
    """Decode bitcoin base58; each leading ``1`` becomes a zero byte.

    Raises ``ValueError`` naming the first character outside the alphabet and its position
    (not the whole input, which may be long or sensitive).
    """
    return _b58decode(text, 0)


def _b58decode(text: str, offset: int) -> bytes:
    """``offset`` makes the reported position count from the start of what the user gave."""
    if not _BASE58.fullmatch(text):
        for position, char in enumerate(text, offset):
            if char not in _INDEX:
                raise ValueError(f"invalid base58 character {char!r} at position {position}")
    number = _to_int(text.encode("ascii").translate(_DIGITS))
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def _to_int(digits: bytes) -> int:
    """Split in halves so long (hostile) input costs Karatsuba time, not quadratic time."""
    if len(digits) <= _LEAF:
        return _leaf_to_int(digits)
    low = len(digits) // 2
    return _to_int(digits[:-low]) * _power(low) + _to_int(digits[-low:])


def _leaf_to_int(digits: bytes) -> int:
    """The digits (one per byte) as a number, combining neighbours in place, all at once.

    Read as one big integer, each byte holds a digit; each step merges every pair of
    neighbouring slots into one twice as wide (``high * 58**width + low``), which still fits
    (58 < 256). About seven big-integer operations replace a Python loop over ~88 digits, 3x
    faster: every Data Integrity proofValue is decoded here.
    """
    number = int.from_bytes(digits, "big")
    for width, bits, mask, scale in _LEAF_STEPS:
        if width >= len(digits):
            break
        number = ((number >> bits) & mask) * scale + (number & mask)
    return number


@functools.lru_cache(maxsize=128)
def _power(exponent: int) -> int:
    return int(58**exponent)  # int() only for the type checker: int ** int is Any


def encode_multibase(data: bytes) -> str:
    """Encode as base58btc multibase (``z`` prefix), the only form the VC specs use for keys."""
    return "z" + b58encode(data)


def decode_multibase(text: str) -> bytes:
    """Decode a base58btc multibase string; any other multibase prefix is refused."""
    if not text:
        raise ValueError("empty multibase string")
    if text[0] != "z":
        raise ValueError(
            f"unsupported multibase prefix {text[0]!r}: only base58btc ('z') is accepted"
        )
    return _b58decode(text[1:], 1)


def codec_name(data: bytes) -> str:
    """Describe the multicodec header at the start of ``data`` for an error message."""
    if len(data) < 2:
        return "no multicodec header (too short)"
    name = KEY_CODEC_NAMES.get(data[:2])
    return f"0x{data[:2].hex()}" + (f" ({name})" if name else "")


def strip_multicodec(data: bytes, header: bytes, length: int, what: str) -> bytes:
    """Check the multicodec ``header`` and the body ``length``; return the body.

    ``what`` names the expected value (e.g. "Ed25519 public key") in the error message.
    """
    if not data.startswith(header):
        raise ValueError(
            f"{what}: expected multicodec header {codec_name(header)}, found {codec_name(data)}"
        )
    body = data[len(header) :]
    if len(body) != length:
        raise ValueError(f"{what}: expected {length} bytes after the header, found {len(body)}")
    return body


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url (RFC 7515 / RFC 8037 JWK members, multibase ``u`` body)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict unpadded base64url: no padding, no other alphabet, no non-canonical final bits.

    The message never echoes the input (a JWK ``d`` is a secret).
    """
    rest = len(text) % 4
    if text.isascii() and rest != 1 and (rest == 0 or text[-1] in _FINAL[rest]):
        # one translate and binascii's strict mode check the alphabet, in C: several times
        # faster than a regular expression over a whole JWT payload
        padded = text.encode("ascii").translate(_TO_STANDARD) + b"=" * (4 - rest if rest else 0)
        try:
            return binascii.a2b_base64(padded, strict_mode=True)
        except binascii.Error:
            pass
    raise ValueError("not valid unpadded base64url")
