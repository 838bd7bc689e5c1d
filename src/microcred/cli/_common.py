"""What every command shares: exit codes, the usage error, reading and writing files, keys.

Every message names the file or option at fault and says what to do about it. Text that comes
from a credential is passed through :func:`shown` before it reaches a terminal.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from .._parse import looks_like_compact_jws, parse_json_object, size_text
from .._time import parse_datetime
from ..errors import InvalidKey, MicrocredError
from ..keys import ECKey, Ed25519Key, Key, RSAKey, key_from_jwk

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "MAX_INPUT_BYTES",
    "UsageError",
    "dump_json",
    "load_signing_key",
    "parse_size",
    "parse_when",
    "read_bytes",
    "read_credential",
    "read_json",
    "shown",
    "write_file",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a command the signal ended
#: Largest input file read (a baked PNG can be far larger than its credential).
MAX_INPUT_BYTES = 32 * 1024 * 1024
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


class UsageError(Exception):
    """A problem with the command line, or an input that cannot be read: exit code 2."""


def shown(text: object, limit: int = 200) -> str:
    """``text`` safe for one terminal line: control and bidi characters escaped, truncated."""
    value = _CONTROL.sub(lambda m: f"\\u{ord(m.group(0)):04x}", str(text))
    return value if len(value) <= limit else value[: limit - 3] + "..."


def read_bytes(path: str, what: str = "input") -> bytes:
    """The bytes of ``path`` (``-`` = standard input), at most :data:`MAX_INPUT_BYTES`."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with open(path, "rb") as file:
                data = file.read(MAX_INPUT_BYTES + 1)
    except IsADirectoryError:
        raise UsageError(f"{what} {path} is a folder; name a file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT_BYTES:
        raise UsageError(
            f"{what} {path} is larger than {size_text(MAX_INPUT_BYTES)}: is it the right file?"
        )
    return data


def read_json(path: str, what: str = "file") -> Any:
    """A JSON file; a clear usage error when it cannot be read or is not JSON."""
    data = read_bytes(path, what)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UsageError(f"{what} {path} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{what} {path} is not valid JSON: {exc.msg} (line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise UsageError(f"{what} {path} nests too deeply to be read") from None


def read_credential(path: str) -> dict[str, Any] | str:
    """A credential file for signing or baking: a JSON object, or a compact JWS (VC-JWT)."""
    data = read_bytes(path, "credential")
    if looks_like_compact_jws(data):
        return data.decode("ascii").strip()
    try:
        return parse_json_object(data)
    except MicrocredError as exc:
        raise UsageError(
            f"credential {path} is neither a JSON object nor a compact JWS: {exc.message}"
        ) from None


def dump_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write_file(
    path: str, data: str | bytes, *, secret: bool = False, overwrite: bool = True
) -> None:
    """Write ``path`` atomically (a temporary file renamed over it): never half a file.

    ``secret`` files are created with mode 0600 whatever the umask; other files get the usual
    mode (0666 minus the umask). ``overwrite=False`` refuses an existing file. A symbolic link
    is followed (the file it names is replaced, the link kept), and what is not a regular file
    (``/dev/stdout``, a pipe, a device) is written to, never replaced.
    """
    target = Path(path)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise UsageError(f"{path} exists; pass --force to overwrite it")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        kind = os.stat(target).st_mode
    except OSError:
        kind = None  # nothing there (or a dangling link): created below
    if kind is not None and not stat.S_ISREG(kind):
        try:
            with open(target, "wb") as out:
                out.write(raw)
        except OSError as exc:
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
        return
    if kind is not None and target.is_symlink():
        target = Path(os.path.realpath(target))
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: folder {folder} does not exist")
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
        if not secret:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def load_signing_key(path: str) -> Key:
    """A private key file: microcred's Multikey JSON, a private JWK, or a PEM private key."""
    data = read_bytes(path, "key file")
    stripped = data.lstrip()
    try:
        if stripped.startswith(b"-----BEGIN"):
            return _pem_key(data, path)
        try:
            document = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise UsageError(
                f"key file {path} is neither JSON nor PEM; create one with 'microcred keygen'"
            ) from None
        if not isinstance(document, Mapping):
            raise UsageError(f"key file {path} must hold a JSON object")
        key: Key = (
            key_from_jwk(document, public_only=False)
            if "kty" in document
            else Ed25519Key.from_key_file(document)
        )
    except InvalidKey as exc:
        raise UsageError(f"key file {path}: {exc}") from None
    if not getattr(key, "has_secret", False):
        raise UsageError(f"key file {path} holds only a public key: signing needs the private key")
    return key


def _pem_key(data: bytes, path: str) -> Key:
    errors = []
    for kind in (RSAKey, ECKey):
        try:
            return kind.from_pem(data)
        except InvalidKey as exc:
            errors.append(exc.message)
    raise UsageError(
        f"key file {path} is PEM but not an RSA or P-256 private key ({'; '.join(errors)}); "
        "Ed25519 keys are stored as 'microcred keygen' writes them"
    )


_SIZE = re.compile(r"(\d{1,16})\s*([KMG]?)(?:i?B)?", re.IGNORECASE)


_MAX_SIZE = 1 << 40  # more than any machine reads into memory; the reads themselves need a bound


def parse_size(value: str, option: str) -> int:
    """A size option: bytes, or with K, M or G (KiB, MiB, GiB) after the number."""
    match = _SIZE.fullmatch(value.strip())
    size = 0 if match is None else int(match[1]) << 10 * "_KMG".index(match[2].upper() or "_")
    if not 0 < size <= _MAX_SIZE:
        raise UsageError(
            f"{option} must be a size such as 8M, 512K or 1000000, at most 1024G; got {value!r:.40}"
        )
    return size


def parse_when(value: str, option: str) -> datetime:
    """An ISO 8601 date-time option with a time zone."""
    try:
        return parse_datetime(value, option)
    except MicrocredError:
        raise UsageError(
            f"{option} must be an ISO 8601 date-time with a time zone, e.g. "
            f"2026-01-31T12:00:00Z; got {value!r}"
        ) from None
