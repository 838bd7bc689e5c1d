"""The ``microcred`` command: verify, issue, keygen, bake, unbake, inspect, status.

One small module per command; this one builds the parser and turns errors into exit codes:
0 success; 1 the operation failed (a credential did not verify, signing was refused); 2 a
usage error or an unreadable input; 130 interrupted; 141 the reader of stdout left. Messages
go to stderr and say what was wrong and what to do; stdout carries only results.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Sequence

from .. import __version__
from ..errors import MicrocredError
from . import _bake_cmd, _inspect_cmd, _keys_cmd, _status_cmd, _verify_cmd
from ._common import EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, UsageError

__all__ = ["main"]


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser, and each command's own (to report a command's bad option with its usage)."""
    parser = argparse.ArgumentParser(
        prog="microcred",
        description="Issue and verify Open Badges 3.0 / W3C Verifiable Credentials.",
        epilog="Run 'microcred COMMAND --help' for a command's options. Docs: docs/cli.md",
    )
    parser.add_argument("--version", action="version", version=f"microcred {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _verify_cmd.add_parser(commands)
    _keys_cmd.add_parsers(commands)
    _bake_cmd.add_parsers(commands)
    _inspect_cmd.add_parser(commands)
    _status_cmd.add_parser(commands)
    return parser, dict(commands.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (``python -m microcred`` exits with it)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # credential text must never crash output
            stream.reconfigure(errors="backslashreplace")
    parser, command_parsers = _parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # said by the command's parser, with its usage rather than the top level's
            command_parsers[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exc:  # --help, --version, or argparse's own usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UsageError as exc:
        print(f"microcred: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MicrocredError as exc:
        print(f"microcred: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("microcred: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. '| head': the reader left; not an error of ours
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _silence_stdout() -> None:
    """After a broken pipe, stop Python from complaining again when it flushes stdout."""
    try:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass
