"""``microcred verify``: check credentials for people and CI pipelines.

Exit codes: 0 every credential verified; 1 at least one failed or was indeterminate; 2 a usage
error or an input that could not be read; 130 interrupted (Ctrl-C; what finished is printed).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import ssl
import sys
import time
from pathlib import Path
from typing import Any

from .._time import MAX_LEEWAY, as_timedelta
from ._common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    parse_size,
    parse_when,
    read_json,
    write_file,
)
from ._output import json_document, junit_xml, summary_line, write_line
from ._policy import Policy, load_policy
from ._run import Result, Settings, Source, run_all
from ._sources import expand_inputs

__all__ = ["add_parser"]

CA_BUNDLE_VARIABLE = "MICROCRED_CA_BUNDLE"
_CONNECT_TO = re.compile(r"([^:\[\]]+):(\d+):(\[[0-9A-Fa-f:.]+\]|[^:\[\]]+):(\d+)")


def add_parser(commands: Any) -> None:
    verify = commands.add_parser(
        "verify",
        help="verify credentials: files, folders, globs, - (stdin)",
        description="Verify credentials (JSON, VC-JWT, baked PNG/SVG; told apart by content). "
        "Exit codes: 0 all verified, 1 some failed or indeterminate, 2 usage error or "
        "unreadable input, 130 interrupted.",
    )
    verify.set_defaults(handler=run)
    verify.add_argument(
        "inputs", nargs="+", metavar="PATH", help="file, folder (recursive), glob, or - (stdin)"
    )
    out = verify.add_argument_group("output")
    shape = out.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print one JSON document")
    shape.add_argument("-q", "--quiet", action="store_true", help="print nothing; exit code only")
    out.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE")
    checks = verify.add_argument_group("checking")
    checks.add_argument(
        "--now", metavar="WHEN", help="verify as of this ISO 8601 date-time (reproducible runs)"
    )
    checks.add_argument(
        "--leeway", type=float, default=60, metavar="SECONDS", help="clock skew (default 60)"
    )
    checks.add_argument("--policy", metavar="FILE", help="TOML or JSON policy (see docs/cli.md)")
    checks.add_argument(
        "--trust-issuer",
        action="append",
        default=[],
        metavar="ID",
        help="accept only credentials of these issuers (repeatable)",
    )
    checks.add_argument(
        "--trust-embedded-keys",
        action="store_true",
        help="bind a VC-JWT key found only in its 'jwk' header to the issuer",
    )
    checks.add_argument(
        "--refresh", action="store_true", help="use a credential's 1EdTech refresh service"
    )
    checks.add_argument(
        "--challenge", help="presentations: the challenge the holder's proof must carry"
    )
    checks.add_argument("--domain", help="presentations: the domain the holder's proof must carry")
    checks.add_argument(
        "--max-bytes",
        metavar="SIZE",
        help="largest credential accepted, e.g. 16M (default 4M: InputLimits.max_bytes)",
    )
    checks.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="processes, this one included (0 = CPUs)",
    )
    net = verify.add_argument_group("documents and network")
    net.add_argument(
        "--offline", action="store_true", help="no network: keys only from did:key/did:jwk/pins"
    )
    net.add_argument(
        "--pin",
        action="append",
        default=[],
        metavar="URL=FILE",
        help="use FILE as the document at URL (repeatable)",
    )
    net.add_argument(
        "--pins",
        action="append",
        default=[],
        metavar="MAP.json",
        help='{"URL": "file relative to MAP.json" or null} (repeatable)',
    )
    net.add_argument(
        "--ca-bundle",
        metavar="FILE",
        help=f"trust these CA certificates (PEM) for HTTPS (default ${CA_BUNDLE_VARIABLE})",
    )
    net.add_argument(
        "--allow-private-networks",
        action="store_true",
        help="allow fetching from private and loopback addresses (development only)",
    )
    net.add_argument(
        "--connect-to",
        action="append",
        default=[],
        metavar="HOST:PORT:ADDR:PORT",
        help="connect to ADDR:PORT for HOST:PORT, like curl (development and tests)",
    )


def run(args: argparse.Namespace) -> int:
    policy = (load_policy(args.policy) if args.policy else Policy()).trusting(args.trust_issuer)
    settings = _settings(args, policy)
    if args.jobs < 0:
        raise UsageError(f"--jobs must be 0 (one per CPU) or more, not {args.jobs}")
    jobs = args.jobs or os.cpu_count() or 1
    if args.junit:
        _check_writable(args.junit)
    sources = [
        Source("-", sys.stdin.buffer.read(settings.read_limit + 1)) if path == "-" else Source(path)
        for path in expand_inputs(args.inputs)
    ]
    lines = not args.quiet and not args.json
    progress = _Progress(len(sources)) if not args.quiet and _on_a_terminal() else None
    shared_terminal = progress is not None and sys.stdout.isatty()
    results: list[Result] = []

    def on_result(result: Result) -> None:
        if not result.unreadable:
            result = dataclasses.replace(result, report=policy.apply(result.report, result.jwt_alg))
        results.append(result)
        if lines:
            if progress is not None and shared_terminal:
                progress.clear()
            write_line(result, sys.stdout)
            sys.stdout.flush()
        if progress is not None:
            progress.update(len(results), not result.report.verified)

    try:
        interrupted = run_all(settings, sources, jobs, on_result)
    finally:
        if progress is not None:
            progress.clear()
    if lines:
        sys.stdout.write(summary_line(results, interrupted, len(sources)))
    elif args.json:
        document = json_document(results, interrupted)
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    sys.stdout.flush()
    if args.junit:
        write_file(args.junit, junit_xml(results, interrupted))
    if interrupted:
        print(
            f"microcred: interrupted after {len(results)} of {len(sources)} input(s)",
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    if any(r.unreadable for r in results):
        return EXIT_USAGE
    return EXIT_OK if all(r.report.verified for r in results) else EXIT_FAILED


def _on_a_terminal() -> bool:
    """Whether progress may be shown: stderr is a terminal that can redraw a line, and this is
    not a CI job (``CI`` set, as CI services do; a CI log keeps every redraw)."""
    in_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return sys.stderr.isatty() and not in_ci and os.environ.get("TERM") != "dumb"


class _Progress:
    """``checked 120/5000, 2 not verified`` on a terminal's stderr, rewritten in place a few
    times a second."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._last = 0.0
        self._shown = False
        self._not_verified = 0

    def update(self, done: int, not_verified: bool = False) -> None:
        self._not_verified += not_verified
        now = time.monotonic()
        if done < self.total and now - self._last < 0.1:
            return
        self._last = now
        tally = f", {self._not_verified} not verified" if self._not_verified else ""
        sys.stderr.write(f"\rchecked {done}/{self.total}{tally}")
        sys.stderr.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self._shown = False


def _settings(args: argparse.Namespace, policy: Policy) -> Settings:
    try:
        as_timedelta(args.leeway)
    except ValueError:
        limit = MAX_LEEWAY.total_seconds()
        raise UsageError(
            f"--leeway must be from 0 to {limit:.0f} seconds, not {args.leeway}"
        ) from None
    ca_bundle = args.ca_bundle or os.environ.get(CA_BUNDLE_VARIABLE) or None
    if ca_bundle is not None:
        source = "--ca-bundle" if args.ca_bundle else f"${CA_BUNDLE_VARIABLE}"
        try:
            ssl.create_default_context(cafile=ca_bundle)
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(
                f"cannot load the CA bundle {ca_bundle} ({source}): {exc}; it must be a "
                "readable file of PEM certificates"
            ) from None
    suites = policy.accepted_suites
    return Settings(
        pins=_pins(args),
        offline=args.offline,
        now=parse_when(args.now, "--now") if args.now else None,
        leeway=args.leeway,
        suites=suites,
        trust_embedded_keys=args.trust_embedded_keys,
        refresh=args.refresh,
        ca_bundle=ca_bundle,
        allow_private_networks=args.allow_private_networks,
        connect_to=tuple(_connect_to(item) for item in args.connect_to),
        challenge=args.challenge,
        domain=args.domain,
        max_bytes=None if args.max_bytes is None else parse_size(args.max_bytes, "--max-bytes"),
    )


def _connect_to(item: str) -> tuple[str, int, str, int]:
    match = _CONNECT_TO.fullmatch(item)
    if match is None:
        raise UsageError(
            f"--connect-to takes HOST:PORT:ADDRESS:PORT (e.g. issuer.example:443:127.0.0.1:8443), "
            f"got {item!r}"
        )
    host, port, address, address_port = match.groups()
    return host.lower(), int(port), address.strip("[]"), int(address_port)


def _pins(args: argparse.Namespace) -> dict[str, Any]:
    pins: dict[str, Any] = {}
    for map_path in args.pins:
        mapping = read_json(map_path, "pins map")
        if isinstance(mapping, dict) and isinstance(mapping.get("urls"), dict):
            mapping = mapping["urls"]  # the {"description": ..., "urls": {...}} form
        if not isinstance(mapping, dict):
            raise UsageError(
                f'pins map {map_path} must hold a JSON object {{"URL": "file", ...}} '
                '(or {"urls": {...}})'
            )
        folder = Path(map_path).parent
        for url, file in mapping.items():
            if file is not None and not isinstance(file, str):
                raise UsageError(
                    f"pins map {map_path}: the value for {url} must be a file name or null"
                )
            pins[url] = None if file is None else _pinned(str(folder / file), url)
    for item in args.pin:
        url, sep, file = item.partition("=")
        if not sep or not url or not file:
            raise UsageError(f"--pin takes URL=FILE, got {item!r}")
        pins[url] = _pinned(file, url)
    return pins


def _pinned(path: str, url: str) -> Any:
    document = read_json(path, f"pinned document for {url}")
    if not isinstance(document, dict):
        raise UsageError(f"pinned document {path} (for {url}) must be a JSON object")
    return document


def _check_writable(path: str) -> None:
    folder = Path(path).parent
    if not folder.is_dir():
        raise UsageError(f"--junit {path}: folder {folder} does not exist")
    if Path(path).is_dir():
        raise UsageError(f"--junit {path} is a folder; name a file")
    try:
        with open(path, "rb") as existing:
            start = existing.read(256).strip()
    except OSError:
        return  # a new file (or not a readable one: writing it will say)
    if Path(path).is_file() and start and b"<testsuite" not in start:
        raise UsageError(
            f"--junit {path} exists and is not a JUnit XML report (a credential?); name a new "
            "file or an earlier report (with a pattern, put --junit FILE before it)"
        )
