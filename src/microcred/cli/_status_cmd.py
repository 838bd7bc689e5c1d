"""``microcred status``: create and update a signed Bitstring Status List credential.

``status create -o LIST.json`` writes two files: ``LIST.json``, the signed list credential to
publish at ``--url``, and ``LIST.allocations.json``, the private record of the indexes handed
out by ``status entry`` — it is *not* published, because it would tell everyone which indexes
are in use (the list's herd privacy). ``status set`` / ``clear`` flip one entry and sign the
list again with the same issuer, verification method and cryptosuite.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from .._issue import issue
from .._time import utc_now
from .._verify import Verifier
from ..errors import MicrocredError
from ..keys import Ed25519Key
from ..report import Status
from ..resolvers import StaticResolver
from ..status import MIN_ENTRIES, StatusList
from ._common import (
    EXIT_OK,
    UsageError,
    dump_json,
    load_signing_key,
    parse_when,
    read_json,
    write_file,
)

__all__ = ["add_parser", "allocations_path"]

_PURPOSES = ("revocation", "suspension")


def add_parser(commands: Any) -> None:
    status = commands.add_parser(
        "status",
        help="create and update status lists (revocation, suspension)",
        description="Manage a Bitstring Status List credential: create it, allocate entries "
        "for new credentials, set (revoke / suspend) and clear entries.",
    )
    actions = status.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="create and sign a new, empty status list")
    create.set_defaults(handler=create_command)
    create.add_argument("--url", required=True, help="where the list will be published")
    create.add_argument("--issuer", required=True, metavar="ID", help="the list's issuer id")
    create.add_argument(
        "--key", required=True, metavar="FILE", help="the issuer's Ed25519 key file"
    )
    create.add_argument(
        "--verification-method", metavar="ID", help="method id (default: the key's did:key)"
    )
    create.add_argument(
        "--size",
        type=int,
        default=MIN_ENTRIES,
        metavar="N",
        help=f"entries (at least {MIN_ENTRIES})",
    )
    create.add_argument("--purpose", choices=_PURPOSES, default="revocation")
    create.add_argument(
        "--valid-from", metavar="WHEN", help="ISO 8601 date-time the list starts (default now)"
    )
    create.add_argument("--valid-until", metavar="WHEN", help="ISO 8601 date-time the list expires")
    create.add_argument("-o", "--output", required=True, metavar="LIST.json")
    create.add_argument("--force", action="store_true", help="overwrite an existing list")
    for name, verb in (("set", "revoke or suspend"), ("clear", "reinstate")):
        change = actions.add_parser(name, help=f"{verb} one entry and sign the list again")
        change.set_defaults(handler=change_command, value=int(name == "set"))
        change.add_argument("list", metavar="LIST.json")
        change.add_argument("index", type=int)
        change.add_argument(
            "--key", required=True, metavar="FILE", help="the key that signs the list"
        )
        change.add_argument(
            "--verification-method",
            metavar="ID",
            help="sign with this method (default: the list's own)",
        )
    entry = actions.add_parser("entry", help="allocate an index; print its credentialStatus")
    entry.set_defaults(handler=entry_command)
    entry.add_argument("list", metavar="LIST.json")
    entry.add_argument(
        "--index", type=int, metavar="N", help="use this index instead of a random free one"
    )


def allocations_path(list_path: str) -> Path:
    """``lists/1.json`` -> ``lists/1.allocations.json``."""
    path = Path(list_path)
    return path.with_name(f"{path.stem}.allocations.json")


def _signing_key(path: str) -> Ed25519Key:
    key = load_signing_key(path)
    if not isinstance(key, Ed25519Key):
        raise UsageError(f"{path} is an {key.algorithm} key; status lists are signed with Ed25519")
    return key


def create_command(args: argparse.Namespace) -> int:
    key = _signing_key(args.key)
    allocations = allocations_path(args.output)
    for path in (Path(args.output), allocations):
        if path.exists() and not args.force:
            raise UsageError(
                f"{path} exists: overwriting it would lose the list's entries; pass --force "
                "only if you mean to start over"
            )
    try:
        status_list = StatusList(args.size)
    except ValueError as exc:
        raise UsageError(f"--size: {exc}") from None
    valid_from = parse_when(args.valid_from, "--valid-from") if args.valid_from else utc_now()
    valid_until = parse_when(args.valid_until, "--valid-until") if args.valid_until else None
    unsigned = status_list.to_credential(
        id=args.url,
        issuer=args.issuer,
        purpose=args.purpose,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    signed = issue(unsigned, key, verification_method=args.verification_method)
    write_file(args.output, dump_json(signed), overwrite=True)
    _save_allocations(allocations, args.url, status_list.length, [])
    print(
        f"microcred: wrote {args.output} (publish it at {args.url}) and {allocations} "
        "(private: keep it, do not publish)",
        file=sys.stderr,
    )
    return EXIT_OK


def _read_list(path: str) -> tuple[dict[str, Any], StatusList]:
    document = read_json(path, "status list")
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise UsageError(
            f"{path} is not a BitstringStatusListCredential (as 'status create' writes)"
        )
    try:
        status_list = StatusList.decode(subject.get("encodedList"))  # type: ignore[arg-type]
    except MicrocredError as exc:
        raise UsageError(f"{path}: its encodedList cannot be read: {exc.message}") from None
    if not isinstance(document.get("id"), str):
        raise UsageError(f"{path} has no id: the URL it is published at")
    return document, status_list


def _load_allocations(path: Path, url: str) -> list[int]:
    data = read_json(str(path), "allocations file")
    allocated = data.get("allocated") if isinstance(data, dict) else None
    if not isinstance(allocated, list) or not all(isinstance(i, int) for i in allocated):
        raise UsageError(f"{path} is not an allocations file written by 'microcred status'")
    if data.get("statusListCredential") != url:
        raise UsageError(
            f"{path} belongs to the list {data.get('statusListCredential')}, not {url}"
        )
    return allocated


def _save_allocations(path: Path, url: str, length: int, allocated: list[int]) -> None:
    data = {
        "note": "Private: the status list indexes in use. Never publish this file.",
        "statusListCredential": url,
        "length": length,
        "allocated": sorted(allocated),
    }
    write_file(str(path), json.dumps(data, indent=2) + "\n", secret=True)


def change_command(args: argparse.Namespace) -> int:
    key = _signing_key(args.key)
    document, status_list = _read_list(args.list)
    proof = document.get("proof")
    proof = proof[0] if isinstance(proof, list) and proof else proof
    method = args.verification_method or (proof or {}).get("verificationMethod")
    if not isinstance(method, str):
        raise UsageError(f"{args.list} has no proof; pass --verification-method")
    if args.verification_method is None:
        _check_same_key(document, key, method, args.list, args.key)
    try:
        status_list.set(args.index, args.value)
    except (IndexError, TypeError) as exc:
        raise UsageError(f"{args.list}: {exc}") from None
    allocations = allocations_path(args.list)
    if allocations.exists() and args.index not in _load_allocations(allocations, document["id"]):
        print(
            f"microcred: warning: index {args.index} was never allocated by 'status entry'",
            file=sys.stderr,
        )
    unsigned = copy.deepcopy(document)
    unsigned.pop("proof", None)
    unsigned["credentialSubject"]["encodedList"] = status_list.encode()
    suite = proof.get("cryptosuite") if isinstance(proof, dict) else None
    signed = issue(unsigned, key, verification_method=method, suite=suite or "eddsa-rdfc-2022")
    write_file(args.list, dump_json(signed))
    state = "set" if args.value else "cleared"
    print(f"microcred: index {args.index} {state}; publish {args.list} again", file=sys.stderr)
    return EXIT_OK


def _check_same_key(
    document: dict[str, Any], key: Ed25519Key, method: str, path: str, key_path: str
) -> None:
    """The key must be the one that signed the list (else the new list would not verify)."""
    public = Ed25519Key.from_public_bytes(key.public_bytes)
    with Verifier(resolver=StaticResolver({method: public}), offline=True) as verifier:
        report = verifier.check(document)
    if report.check("proof").status is not Status.PASSED:
        raise UsageError(
            f"the key in {key_path} did not sign {path} (its proof names {method}); pass the "
            "key that did, or --verification-method to sign with another published key"
        )


def entry_command(args: argparse.Namespace) -> int:
    document, status_list = _read_list(args.list)
    url = document["id"]
    allocations = allocations_path(args.list)
    if not allocations.exists():
        raise UsageError(
            f"{allocations} is missing: it records the indexes in use, and without it an index "
            "could be handed out twice; restore it from your backup"
        )
    allocated = _load_allocations(allocations, url)
    purpose = document["credentialSubject"].get("statusPurpose")
    if not isinstance(purpose, str):
        raise UsageError(f"{args.list}: statusPurpose must be one string to allocate entries")
    try:
        if args.index is None:
            index = StatusList(status_list.length, allocated=allocated).allocate()
        else:
            status_list.get(args.index)  # in range?
            index = args.index
    except (ValueError, IndexError, TypeError) as exc:
        raise UsageError(f"{args.list}: {exc}") from None
    if args.index is not None and args.index in allocated:
        raise UsageError(f"index {args.index} is already allocated; omit --index for a free one")
    _save_allocations(allocations, url, status_list.length, [*allocated, index])
    sys.stdout.write(dump_json(status_list.entry(index, list_url=url, purpose=purpose)))
    return EXIT_OK
