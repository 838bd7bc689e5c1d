"""The inputs of ``verify`` and ``inspect``: which files, and what is inside each one.

Paths, folders (searched recursively for the :data:`SUFFIXES`, hidden entries skipped), globs
and ``-`` (standard input) are expanded in order, each file once. What a file holds is told from
its content, never from its name: a baked PNG or SVG badge image, a compact JWS (VC-JWT), or
JSON (a credential or a presentation).
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._jwt import decode_jwt_credential
from .._parse import DEFAULT_INPUT_LIMITS, InputLimits, looks_like_compact_jws, parse_json_object
from ..baking import ImageKind, image_kind, unbake_with_version
from ..errors import MalformedCredential, MicrocredError
from ._common import UsageError

__all__ = ["SUFFIXES", "Loaded", "expand_inputs", "image_kind", "load", "load_text", "shown_path"]

SUFFIXES = frozenset({".json", ".jsonld", ".jwt", ".jws", ".png", ".svg"})


@dataclass(frozen=True)
class Loaded:
    """One input, ready for the verifier.

    ``payload`` is what the verifier gets (the parsed JSON object, the JWS text, or the raw
    bytes when they could not be parsed, so that the verifier reports why); ``document`` is the
    credential as JSON for display (None when unreadable); ``image`` the container it was baked
    in; ``problem`` an unbaking error (the input is then a failed credential).
    """

    payload: dict[str, Any] | str | bytes
    document: dict[str, Any] | None = None
    image: ImageKind | None = None
    jwt_header: dict[str, Any] | None = None
    problem: MicrocredError | None = None

    @property
    def is_presentation(self) -> bool:
        types = self.document.get("type") if self.document is not None else None
        return "VerifiablePresentation" in (types if isinstance(types, list) else [types])


def shown_path(path: str) -> str:
    """``path`` as text every JSON parser and terminal takes: the bytes of a file name that are
    not UTF-8 (which Python keeps as lone surrogates) are shown as ``\\xe9``."""
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that no file name's bytes produce
        raw = path.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def expand_inputs(specs: Sequence[str]) -> list[str]:
    """Every input file, in command-line order, each once; UsageError for a missing one."""
    found: list[str] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = path if path == "-" else os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for spec in specs:
        if spec == "-":
            if "-" in seen:
                raise UsageError("standard input (-) can be read only once")
            add(spec)
            continue
        matches = sorted(glob.glob(spec, recursive=True)) if glob.has_magic(spec) else [spec]
        if not matches:
            raise UsageError(f"no files match {spec!r}; check the pattern (quote it for the shell)")
        for match in matches:
            if os.path.isdir(match):
                files = list(_walk(match))
                if not files and not glob.has_magic(spec):
                    suffixes = " ".join(sorted(SUFFIXES))
                    raise UsageError(f"folder {match} holds no credential files ({suffixes})")
                for file in files:
                    add(file)
            elif _exists(match):
                if match == spec or _may_be_read(match):  # a pattern's FIFO would block
                    add(match)
            else:
                raise UsageError(f"{match}: no such file or folder")
    return found


def _exists(path: str) -> bool:
    """Whether ``path`` exists (a broken link too); UsageError when that cannot be known."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise _unreadable(path, exc) from None
    return True


def _unreadable(path: str, exc: OSError) -> UsageError:
    why = exc.strerror or type(exc).__name__
    return UsageError(f"{path}: {why}; check the permissions of it and of the folders above it")


def _walk(folder: str) -> Iterator[str]:
    """Files with a credential suffix below ``folder``, sorted, hidden entries skipped; a
    folder that cannot be listed is a UsageError (it might hold credentials)."""

    def refuse(exc: OSError) -> None:
        raise _unreadable(exc.filename or folder, exc)

    for root, dirs, files in os.walk(folder, onerror=refuse):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = os.path.join(root, name)
            credential_file = Path(name).suffix.lower() in SUFFIXES and not name.startswith(".")
            if credential_file and _may_be_read(path):
                yield path


def _may_be_read(path: str) -> bool:
    """Not a FIFO, socket or device found by a folder or a pattern: reading one would block
    or never end. Only a file named on the command line is read whatever it is (a pipe from
    the shell's ``<(...)``); a broken link is kept, for the reader to report."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


def load(data: bytes, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> Loaded:
    """Tell what ``data`` holds and prepare it for the verifier (never raises for content)."""
    kind = image_kind(data)
    if kind is None:
        return load_text(data, limits)
    try:
        payload = _unbake(data, limits)
    except MicrocredError as exc:
        return Loaded(data, image=kind, problem=exc)
    if isinstance(payload, dict):
        return Loaded(payload, payload, kind)
    inner = load_text(payload.encode("utf-8"), limits)
    return Loaded(inner.payload, inner.document, kind, inner.jwt_header)


def load_text(data: bytes, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> Loaded:
    if looks_like_compact_jws(data):
        text = data.decode("ascii").strip()
        try:
            decoded = decode_jwt_credential(text, limits=limits)
        except MicrocredError:
            return Loaded(text)
        return Loaded(text, decoded.credential, jwt_header=decoded.header)
    try:
        document = parse_json_object(data, limits)
    except MicrocredError:
        return Loaded(data)
    return Loaded(document, document)


def _unbake(data: bytes, limits: InputLimits) -> dict[str, Any] | str:
    """The credential baked into an image; MalformedCredential when there is none."""
    payload, version = unbake_with_version(data, limits=limits)
    if version == "3.0":
        return payload
    if isinstance(payload, str) and not looks_like_compact_jws(payload):
        raise MalformedCredential(
            "the image holds the URL of an Open Badges 2.0 hosted assertion, not a verifiable "
            "credential; microcred verifies Open Badges 3.0 / W3C Verifiable Credentials",
            code="OB2_ASSERTION",
        )
    types = payload.get("type") if isinstance(payload, dict) else ["VerifiableCredential"]
    if "VerifiableCredential" not in (types if isinstance(types, list) else [types]):
        raise MalformedCredential(
            "the image holds an Open Badges 2.0 assertion, not a verifiable credential; "
            "microcred verifies Open Badges 3.0 / W3C Verifiable Credentials",
            code="OB2_ASSERTION",
        )
    return payload
