"""``microcred keygen`` and ``microcred issue``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .._issue import issue
from .._jwt import issue_jwt
from ..keys import ECKey, Ed25519Key, Key, RSAKey, to_key_file
from ..suites import DEFAULT_SUITES
from ._common import (
    EXIT_OK,
    UsageError,
    dump_json,
    load_signing_key,
    parse_when,
    read_credential,
    write_file,
)

__all__ = ["add_parsers"]

KEY_TYPES = ("ed25519", "rsa", "p256")


def add_parsers(commands: Any) -> None:
    keygen = commands.add_parser(
        "keygen",
        help="create a signing key file (mode 0600)",
        description="Create a private key file, readable by you only. Prints the public "
        "identifier: the did:key of an Ed25519 key, the JWK thumbprint of an RSA or P-256 key.",
    )
    keygen.set_defaults(handler=keygen_command)
    keygen.add_argument("--type", choices=KEY_TYPES, default="ed25519", help="default ed25519")
    keygen.add_argument(
        "--bits", type=int, default=2048, metavar="N", help="RSA key size (default 2048)"
    )
    keygen.add_argument("-o", "--output", default="microcred-key.json", help="key file to write")
    keygen.add_argument("--force", action="store_true", help="overwrite an existing key file")
    keygen.add_argument("--json", action="store_true", help="print the public key details as JSON")
    keygen.add_argument(
        "--show-secret", action="store_true", help="also print the secret key (careful)"
    )

    issue_cmd = commands.add_parser(
        "issue",
        help="sign a credential (Data Integrity or VC-JWT)",
        description="Sign a credential with a Data Integrity proof (Ed25519 keys), or as a "
        "VC-JWT with --jwt (Ed25519, RSA or P-256 keys). The credential is checked first: "
        "microcred refuses to sign what verifiers would reject.",
    )
    issue_cmd.set_defaults(handler=issue_command)
    issue_cmd.add_argument("credential", help="unsigned credential JSON file, or - for stdin")
    issue_cmd.add_argument(
        "--key", required=True, metavar="FILE", help="key file (keygen output, JWK or PEM)"
    )
    form = issue_cmd.add_mutually_exclusive_group()
    form.add_argument(
        "--suite",
        choices=[s.name for s in DEFAULT_SUITES],
        help="Data Integrity cryptosuite (default eddsa-rdfc-2022)",
    )
    form.add_argument("--jwt", action="store_true", help="sign as a VC-JWT (compact JWS)")
    issue_cmd.add_argument(
        "--verification-method",
        metavar="ID",
        help="Data Integrity: the method id (default: the did:key)",
    )
    issue_cmd.add_argument(
        "--kid",
        metavar="ID",
        help="VC-JWT: the key id verifiers dereference (required for RSA and P-256)",
    )
    issue_cmd.add_argument(
        "--embed-jwk", action="store_true", help="VC-JWT: also put the public key in the header"
    )
    issue_cmd.add_argument(
        "--created", metavar="WHEN", help="Data Integrity: proof date-time (default now)"
    )
    issue_cmd.add_argument("-o", "--output", help="write here instead of standard output")


def _new_key(kind: str, bits: int) -> Key:
    if kind == "rsa":
        if not 2048 <= bits <= 16384:
            raise UsageError(f"--bits must be from 2048 to 16384, not {bits}")
        return RSAKey.generate(bits)
    if kind == "p256":
        return ECKey.generate()
    return Ed25519Key.generate()


def keygen_command(args: argparse.Namespace) -> int:
    key = _new_key(args.type, args.bits)
    public: dict[str, Any]
    secret: Any
    if isinstance(key, Ed25519Key):
        stored: dict[str, Any] = to_key_file(key)
        public = {
            "type": args.type,
            "id": key.did,
            "verificationMethod": key.verification_method,
            "publicKeyMultibase": key.public_key_multibase,
            "publicKeyJwk": key.public_jwk(),
        }
        secret = key.secret_key_multibase()
    else:
        assert isinstance(key, RSAKey | ECKey)
        stored = key.private_jwk()
        public = {"type": args.type, "id": key.thumbprint(), "publicKeyJwk": key.public_jwk()}
        secret = stored
    write_file(args.output, dump_json(stored), secret=True, overwrite=args.force)
    if args.json:
        if args.show_secret:
            public["secret"] = secret
        sys.stdout.write(dump_json(public))
    else:
        print(public["id"])
        if args.show_secret:
            print(secret if isinstance(secret, str) else json.dumps(secret))
    print(f"microcred: wrote {args.output} (mode 0600): keep it secret", file=sys.stderr)
    return EXIT_OK


def issue_command(args: argparse.Namespace) -> int:
    key = load_signing_key(args.key)
    credential = read_credential(args.credential)
    if isinstance(credential, str):
        raise UsageError(f"{args.credential} is already a VC-JWT; give the unsigned JSON")
    if args.jwt:
        if args.verification_method or args.created:
            raise UsageError(
                "--verification-method and --created are for Data Integrity; with --jwt use --kid"
            )
        if args.kid is None and not args.embed_jwk and not isinstance(key, Ed25519Key):
            raise UsageError(
                f"a {key.algorithm} key has no self-describing id: pass --kid with the URL or "
                "DID URL where verifiers find the public key (or --embed-jwk, which verifiers "
                "trust only when told to)"
            )
        text = issue_jwt(credential, key, kid=args.kid, embed_jwk=args.embed_jwk) + "\n"
    else:
        if args.kid or args.embed_jwk:
            raise UsageError("--kid and --embed-jwk are for --jwt; use --verification-method")
        if not isinstance(key, Ed25519Key):
            raise UsageError(
                f"{args.key} is an {key.algorithm} key: Data Integrity proofs (eddsa-*) need an "
                "Ed25519 key; sign as a VC-JWT instead: --jwt --kid URL-OF-THE-PUBLIC-KEY"
            )
        signed = issue(
            credential,
            key,
            suite=args.suite or "eddsa-rdfc-2022",
            verification_method=args.verification_method,
            created=parse_when(args.created, "--created") if args.created else None,
        )
        text = dump_json(signed)
    if args.output:
        write_file(args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK
