"""``microcred inspect``: what a credential says, readable, and clearly NOT verified."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from .._nested import find_endorsements
from .._presentation import presented_credentials
from .._verify import Verifier
from ._common import EXIT_FAILED, EXIT_OK, read_bytes, shown
from ._run import display_text
from ._sources import load, load_text

__all__ = ["add_parser"]

BANNER = "NOT VERIFIED — use `microcred verify` to check signatures, issuer, dates and status."


def add_parser(commands: Any) -> None:
    inspect = commands.add_parser(
        "inspect",
        help="summarise a credential without verifying it",
        description="Print issuer, recipient, achievement, criteria, dates, status entries, "
        "endorsements and proofs of a credential or presentation (JSON, VC-JWT, baked PNG or "
        "SVG). Nothing is verified.",
    )
    inspect.set_defaults(handler=run)
    inspect.add_argument("file", help="credential file, or - for stdin")


def run(args: argparse.Namespace) -> int:
    data = read_bytes(args.file)
    loaded = load(data)
    if loaded.problem is not None:
        print(f"microcred: error: {args.file}: {loaded.problem}", file=sys.stderr)
        return EXIT_FAILED
    if loaded.document is None:  # what the verifier says of it: the same words as verify's
        parse = Verifier(offline=True).check(data).check("parse")
        message = f"microcred: error: {args.file} is not a credential: {parse.message}"
        print(message, file=sys.stderr)
        return EXIT_FAILED
    form = "VC-JWT" if loaded.jwt_header is not None else "JSON"
    container = f"baked {loaded.image.upper()} image, {form}" if loaded.image else form
    out = [BANNER, _row("File", f"{args.file} ({container})")]
    out += _describe(loaded.document, loaded.jwt_header, "")
    sys.stdout.write("\n".join(out) + "\n")
    return EXIT_OK


def _row(label: str, value: object, indent: str = "") -> str:
    return f"{indent}{label + ':':<14} {shown(value, 300)}"


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _ident(value: Any) -> str:
    if isinstance(value, Mapping):
        name, ident = display_text(value.get("name")), display_text(value.get("id"))
        if name and ident:
            return f"{name} ({ident})"
        return name or ident or "(no id)"
    return display_text(value) or "(none)"


def _describe(document: Mapping[str, Any], header: Mapping[str, Any] | None, at: str) -> list[str]:
    types = [t for t in _list(document.get("type")) if isinstance(t, str)]
    out = [_row("Type", ", ".join(types) or "(none)", at)]
    if document.get("id") is not None:
        out.append(_row("ID", document["id"], at))
    if "VerifiablePresentation" in types:
        out.append(_row("Holder", _ident(document.get("holder")), at))
        out += _proofs(document, header, at)
        for pointer, item in presented_credentials(document):
            out.append(f"{at}Credential at {pointer}:")
            out += _nested(item, at + "    ")
        return out
    if document.get("name") is not None:
        out.append(_row("Name", display_text(document["name"]) or "", at))
    out.append(_row("Issuer", _ident(document.get("issuer")), at))
    for subject in _list(document.get("credentialSubject")):
        if isinstance(subject, Mapping):
            out += _subject(subject, at)
    out += _dates(document, at)
    out += _status(document, at)
    endorsements = list(find_endorsements(document))
    out.append(_row("Endorsements", len(endorsements), at))
    for pointer, item in endorsements:
        out.append(f"{at}  Endorsement at {pointer}:")
        out += _nested(item, at + "    ")
    evidence = _list(document.get("evidence"))
    if evidence:
        out.append(_row("Evidence", f"{len(evidence)} item(s)", at))
    out += _proofs(document, header, at)
    return out


def _nested(item: Any, at: str) -> list[str]:
    if isinstance(item, str):
        loaded = load_text(item.encode("utf-8"))
        if loaded.document is None:
            return [_row("Unreadable", "not a VC-JWT", at)]
        return _describe(loaded.document, loaded.jwt_header, at)
    if isinstance(item, Mapping):
        return _describe(item, None, at)
    return [_row("Unreadable", "not a credential", at)]


def _subject(subject: Mapping[str, Any], at: str) -> Iterator[str]:
    recipient = [display_text(subject.get("id"))] if subject.get("id") is not None else []
    for identity in _list(subject.get("identifier")):
        if isinstance(identity, Mapping):
            hashed = " (hashed)" if identity.get("hashed") else ""
            recipient.append(
                f"{identity.get('identityType', 'identity')} {identity.get('identityHash')}{hashed}"
            )
    yield _row("Recipient", "; ".join(r for r in recipient if r) or "(not identified)", at)
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping):
        return
    yield _row("Achievement", _ident(achievement), at)
    if achievement.get("achievementType") is not None:
        yield _row("  Type", achievement["achievementType"], at)
    if achievement.get("description") is not None:
        yield _row("  Description", display_text(achievement["description"]) or "", at)
    criteria = achievement.get("criteria")
    if isinstance(criteria, Mapping):
        parts = [display_text(criteria.get("narrative")), display_text(criteria.get("id"))]
        yield _row("  Criteria", " / ".join(p for p in parts if p) or "(empty)", at)


def _dates(document: Mapping[str, Any], at: str) -> Iterator[str]:
    for label, names in (
        ("Awarded", ("awardedDate",)),
        ("Valid from", ("validFrom", "issuanceDate")),
        ("Valid until", ("validUntil", "expirationDate")),
    ):
        value = next((document[n] for n in names if document.get(n) is not None), None)
        if value is not None:
            yield _row(label, value, at)
        elif label == "Valid until":
            yield _row(label, "(no end)", at)


def _status(document: Mapping[str, Any], at: str) -> Iterator[str]:
    entries = _list(document.get("credentialStatus"))
    if not entries:
        yield _row("Status", "(none declared: cannot be revoked)", at)
    for entry in entries:
        if not isinstance(entry, Mapping):
            yield _row("Status", "(malformed entry)", at)
            continue
        index = entry.get("statusListIndex")
        where = entry.get("statusListCredential") or entry.get("id")
        purpose = entry.get("statusPurpose")
        text = f"{entry.get('type')}{f' {purpose}' if purpose else ''}"
        text += f", index {index} of {where}" if index is not None else f" at {where}"
        yield _row("Status", text, at)


def _proofs(document: Mapping[str, Any], header: Mapping[str, Any] | None, at: str) -> list[str]:
    out = []
    if header is not None:
        key = header.get("kid") or ("embedded jwk" if "jwk" in header else "(no key)")
        out.append(_row("Proof", f"VC-JWT, alg {header.get('alg')}, key {key}", at))
    for proof in _list(document.get("proof")):
        if not isinstance(proof, Mapping):
            out.append(_row("Proof", "(malformed)", at))
            continue
        kind = " ".join(str(proof[k]) for k in ("type", "cryptosuite") if k in proof)
        text = f"{kind} by {proof.get('verificationMethod')}"
        if proof.get("created"):
            text += f", created {proof['created']}"
        out.append(_row("Proof", text, at))
    if not out:
        out.append(_row("Proof", "(none: unsigned)", at))
    return out
