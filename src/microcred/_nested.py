"""Credentials inside credentials: endorsements and presented credentials, same pipeline.

Open Badges lets an ``EndorsementCredential`` (or its VC-JWT, ``endorsementJwt``) sit on the
credential, its achievement, its issuer profile and other profiles. Each is verified in full;
policy (fail closed, as the 1EdTech validator does): a failing endorsement fails the credential,
while the report still shows the credential's own proof and exactly which endorsement failed.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any, cast

from ._parse import escape
from .report import Check, Problem, Status, VerificationReport

__all__ = ["ENDORSEMENT_KEYS", "check_nested", "find_endorsements"]

ENDORSEMENT_KEYS = ("endorsement", "endorsementJwt")


def find_endorsements(
    document: Mapping[str, Any], text: str | bytes | None = None
) -> Iterator[tuple[str, Any]]:
    """(JSON Pointer, endorsement) for every endorsement in the document, outermost first.

    An endorsement's own endorsements are not listed here: they belong to its own verification.
    This runs on every input, and most have no endorsement: ``text``, the JSON the document
    was parsed from, or a walk without paths says so first; only then are containers stacked
    with their paths, spelled out for what is found.
    """
    if text is not None and not _may_name_endorsements(text):
        return
    if not _mentions_endorsements(document):
        return
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            if "endorsement" in node or "endorsementJwt" in node:
                for key, value in node.items():
                    if key in ENDORSEMENT_KEYS:
                        here = _pointer((*path, key))
                        if isinstance(value, list):
                            yield from ((f"{here}/{i}", item) for i, item in enumerate(value))
                        else:
                            yield here, value
            children: list[tuple[tuple[str | int, ...], Any]] = [
                ((*path, key), value)
                for key, value in node.items()
                if (type(value) is dict or type(value) is list) and key not in ENDORSEMENT_KEYS
            ]
        elif isinstance(node, list):
            children = [
                ((*path, i), item)
                for i, item in enumerate(node)
                if type(item) is dict or type(item) is list
            ]
        else:
            continue
        stack.extend(reversed(children))


def _may_name_endorsements(text: str | bytes) -> bool:
    """Whether JSON text can hold the word; without a backslash, no escape can spell it."""
    if isinstance(text, str):
        return "\\" in text or "endorsement" in text
    return b"\\" in text or b"endorsement" in text


def _mentions_endorsements(document: Mapping[str, Any]) -> bool:
    try:  # marshal writes every string object out once, in C: 2-3 times faster than a walk
        if b"endorsement" not in marshal.dumps(cast(Any, document)):
            return False
    except ValueError:  # not plain data: walk it
        pass
    stack: list[Any] = [document]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if isinstance(node, dict):
            if "endorsement" in node or "endorsementJwt" in node:
                return True
            node = node.values()
        for item in node:
            kind = type(item)
            if kind is dict or kind is list:
                push(item)
    return False


@cache
def _none_found(name: str, noun: str) -> Check:
    return Check(name, Status.SKIPPED, f"no {noun}s")  # one immutable check per kind


def _pointer(path: tuple[str | int, ...]) -> str:
    return "".join(f"/{escape(str(step))}" for step in path)


def _verdict(report: VerificationReport) -> Status:
    if report.verified:
        return Status.PASSED
    statuses = {c.status for c in report.checks}
    return Status.FAILED if Status.FAILED in statuses else Status.INDETERMINATE


def _first_problem(report: VerificationReport, verdict: Status) -> Problem | None:
    """The error that explains ``verdict``: a failure before anything merely indeterminate."""
    for check in report.checks:
        if check.status is verdict and check.problem is not None:
            return check.problem
    return report.errors[0] if report.errors else None


def check_nested(
    name: str,
    found: list[tuple[str, Any]],
    verify: Callable[[str, Any], VerificationReport],
    *,
    depth: int,
    max_depth: int,
    noun: str,
) -> Check:
    """Verify each nested credential with ``verify(pointer, item)``; fold into one check.

    ``found`` lists (JSON Pointer, credential); a failing one fails the check, one that could
    not be completed makes it indeterminate, and every nested report is kept in ``children``.
    """
    if not found:
        return _none_found(name, noun)
    if depth >= max_depth:
        return Check(
            name,
            Status.FAILED,
            f"{noun}s are nested more than {max_depth} levels deep",
            "RESOURCE_LIMIT_EXCEEDED",
            found[0][0],
        )
    children = []
    for pointer, item in found:
        nested = verify(pointer, item)
        verdict = _verdict(nested)
        first = _first_problem(nested, verdict)
        if nested.verified:
            message = f"{noun} by {nested.issuer} verified"
        elif first is not None:
            message = f"{first.message} (at {pointer}{first.pointer})"
        else:
            message = "not verified"
        code = first.code if first is not None and not nested.verified else None
        children.append(Check(noun, verdict, message, code, pointer, report=nested))
    for status in (Status.FAILED, Status.INDETERMINATE):
        bad = [c for c in children if c.status is status]
        if bad:
            return Check(
                name,
                status,
                f"{len(bad)} of {len(children)} {noun}s did not verify; first: {bad[0].message}",
                bad[0].code,
                bad[0].pointer,
                children=tuple(children),
            )
    return Check(
        name, Status.PASSED, f"{len(children)} {noun}(s) verified", children=tuple(children)
    )
