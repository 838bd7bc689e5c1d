"""The ``microcred`` command: keygen, issue and verify, for people and CI pipelines.

Exit codes of ``verify``: 0 every credential verified, 1 at least one did not, 2 usage error
or unreadable input.
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import json
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from ._issue import issue
from ._time import parse_datetime
from ._verify import Verifier
from .errors import MicrocredError
from .keys import Ed25519Key, to_key_file
from .report import VerificationReport

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
CREDENTIAL_SUFFIXES = (".json", ".jsonld")


class UsageError(Exception):
    """A problem with the command line or an unreadable input: exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="microcred",
        description="Issue and verify Open Badges 3.0 / W3C Verifiable Credentials.",
    )
    parser.add_argument("--version", action="version", version=f"microcred {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    keygen = commands.add_parser("keygen", help="create an Ed25519 key file (mode 0600)")
    keygen.add_argument("-o", "--output", default="microcred-key.json", help="key file to write")
    keygen.add_argument("--force", action="store_true", help="overwrite an existing file")

    issue_cmd = commands.add_parser("issue", help="sign a credential and print it")
    issue_cmd.add_argument("credential", help="unsigned credential JSON file, or - for stdin")
    issue_cmd.add_argument("--key", required=True, help="key file written by 'microcred keygen'")
    issue_cmd.add_argument(
        "--suite",
        default="eddsa-rdfc-2022",
        help="eddsa-rdfc-2022 (default), eddsa-jcs-2022 or Ed25519Signature2020",
    )
    issue_cmd.add_argument("--verification-method", help="method id (default: the key's did:key)")
    issue_cmd.add_argument("-o", "--output", help="write here instead of standard output")

    verify = commands.add_parser("verify", help="verify credentials: files, folders, globs, -")
    verify.add_argument("paths", nargs="+", metavar="PATH", help="file, folder, glob or - (stdin)")
    verify.add_argument("--json", action="store_true", help="print the reports as JSON")
    verify.add_argument(
        "--quiet", "-q", action="store_true", help="print nothing; use the exit code"
    )
    verify.add_argument("--now", help="verify as of this ISO 8601 date-time (reproducible runs)")
    verify.add_argument("--leeway", type=float, default=60, help="clock-skew tolerance, seconds")
    verify.add_argument(
        "--offline",
        action="store_true",
        help="no network: keys and status lists only from did:key, did:jwk and pins",
    )
    verify.add_argument(
        "--pin",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="use FILE as the document published at URL (repeatable)",
    )
    verify.add_argument(
        "--pins", metavar="MAP.json", help='JSON object {"URL": "file relative to MAP.json"}'
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "keygen":
            return _keygen(args)
        if args.command == "issue":
            return _issue(args)
        return _verify(args)
    except UsageError as exc:
        print(f"microcred: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MicrocredError as exc:
        print(f"microcred: error: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _read_json_file(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        return json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc.msg} (line {exc.lineno})") from None


def _keygen(args: argparse.Namespace) -> int:
    key = Ed25519Key.generate()
    path = Path(args.output)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if args.force else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise UsageError(f"{path} exists; use --force to overwrite it") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(to_key_file(key), out, indent=2)
        out.write("\n")
    print(key.did)
    return EXIT_OK


def _issue(args: argparse.Namespace) -> int:
    key_data = _read_json_file(args.key)
    if not isinstance(key_data, dict):
        raise UsageError(f"{args.key} is not a key file")
    key = Ed25519Key.from_key_file(key_data)
    credential = _read_json_file(args.credential)
    signed = issue(credential, key, suite=args.suite, verification_method=args.verification_method)
    text = json.dumps(signed, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _expand_paths(paths: Sequence[str]) -> Iterator[str]:
    for spec in paths:
        if spec == "-":
            yield spec
            continue
        matches = sorted(glob.glob(spec, recursive=True)) if glob.has_magic(spec) else [spec]
        if not matches:
            raise UsageError(f"no files match {spec}")
        for match in matches:
            path = Path(match)
            if path.is_dir():
                found = sorted(
                    p
                    for p in path.rglob("*")
                    if p.suffix.lower() in CREDENTIAL_SUFFIXES and p.is_file()
                )
                yield from (str(p) for p in found)
            elif path.is_file():
                yield match
            else:
                raise UsageError(f"{match}: no such file or folder")


def _load_pins(args: argparse.Namespace) -> dict[str, Any]:
    pins: dict[str, Any] = {}
    if args.pins:
        mapping = _read_json_file(args.pins)
        if isinstance(mapping, dict) and isinstance(mapping.get("urls"), dict):
            mapping = mapping["urls"]  # the {"description", "urls": {...}} form is accepted too
        if not isinstance(mapping, dict):
            raise UsageError(f"{args.pins} must hold a JSON object mapping URLs to files")
        folder = Path(args.pins).parent
        for url, file in mapping.items():
            pins[url] = None if file is None else _read_json_file(str(folder / file))
    for item in args.pin:
        url, sep, file = item.partition("=")
        if not sep:
            raise UsageError(f"--pin takes URL=FILE, got {item!r}")
        pins[url] = _read_json_file(file)
    return pins


def _clock(args: argparse.Namespace) -> datetime | None:
    if args.now is None:
        return None
    try:
        return parse_datetime(args.now, "--now")
    except MicrocredError:
        raise UsageError(
            f"--now must be an ISO 8601 date-time with a zone, got {args.now!r}"
        ) from None


def _verify(args: argparse.Namespace) -> int:
    inputs = list(_expand_paths(args.paths))
    if not inputs:
        raise UsageError("no credential files found in " + " ".join(args.paths))
    verifier = Verifier(
        pins=_load_pins(args), offline=args.offline, now=_clock(args), leeway=args.leeway
    )
    reports: list[VerificationReport] = []
    with verifier:
        for path in inputs:
            data = sys.stdin.buffer.read() if path == "-" else _read_bytes(path)
            report = verifier.check(data)
            reports.append(dataclasses.replace(report, input=path))
    if args.json:
        json.dump([r.to_dict() for r in reports], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif not args.quiet:
        _print_lines(reports, sys.stdout)
    return EXIT_OK if all(r.verified for r in reports) else EXIT_FAILED


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def _print_lines(reports: Sequence[VerificationReport], out: TextIO) -> None:
    for report in reports:
        if report.verified:
            out.write(f"PASS  {report.input}  issuer={report.issuer}\n")
            continue
        problem = report.errors[0] if report.errors else None
        failing = next((c.name for c in report.checks if c.problem is not None), "proof")
        detail = f"{failing}: {problem.message}" if problem else "not verified"
        out.write(f"FAIL  {report.input}  {detail}\n")
    passed = sum(r.verified for r in reports)
    out.write(f"{passed} verified, {len(reports) - passed} not verified\n")
