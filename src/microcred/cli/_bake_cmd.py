"""``microcred bake`` and ``microcred unbake``: credentials inside PNG and SVG badge images."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..baking import bake, image_kind, unbake
from ..errors import MicrocredError
from ._common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    dump_json,
    read_bytes,
    read_credential,
    write_file,
)

__all__ = ["add_parsers"]


def add_parsers(commands: Any) -> None:
    bake = commands.add_parser(
        "bake",
        help="put a credential into a PNG or SVG badge image",
        description="Bake a signed credential (JSON or VC-JWT) into a PNG or SVG image, as "
        "Open Badges 3.0 specifies; an existing baked credential is replaced.",
    )
    bake.set_defaults(handler=bake_command)
    bake.add_argument("image", help="PNG or SVG image")
    bake.add_argument("credential", help="signed credential: JSON or VC-JWT file, or -")
    bake.add_argument("-o", "--output", required=True, help="the baked image to write")
    unbake = commands.add_parser(
        "unbake",
        help="print the credential baked into a PNG or SVG image",
        description="Print the credential baked into an image (JSON, or the VC-JWT text). "
        "Nothing is verified: use 'microcred verify IMAGE' for that.",
    )
    unbake.set_defaults(handler=unbake_command)
    unbake.add_argument("image", help="PNG or SVG image, or - for stdin")
    unbake.add_argument("-o", "--output", help="write here instead of standard output")


def bake_command(args: argparse.Namespace) -> int:
    image = read_bytes(args.image, "image")
    if image_kind(image) is None:
        raise UsageError(f"{args.image} is neither a PNG nor an SVG image")
    credential = read_credential(args.credential)
    if isinstance(credential, dict) and "proof" not in credential:
        print(
            f"microcred: warning: {args.credential} has no proof: verifiers will reject it; "
            "sign it first with 'microcred issue'",
            file=sys.stderr,
        )
    try:
        baked = bake(image, credential)
    except MicrocredError as exc:
        print(f"microcred: error: cannot bake into {args.image}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    write_file(args.output, baked)
    return EXIT_OK


def unbake_command(args: argparse.Namespace) -> int:
    image = read_bytes(args.image, "image")
    if image_kind(image) is None:
        raise UsageError(f"{args.image} is neither a PNG nor an SVG image")
    try:
        payload = unbake(image)
    except MicrocredError as exc:
        print(f"microcred: error: {args.image}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    text = payload + "\n" if isinstance(payload, str) else dump_json(payload)
    if args.output:
        write_file(args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK
