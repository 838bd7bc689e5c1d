"""Turns pydantic's ValidationError into one MalformedCredential with a JSON Pointer and a sentence.

pydantic reports locations in its own terms (union members such as ``str`` or
``function-wrap[...]`` appear in ``loc``) and reports every branch of a union that failed. Users
need the JSON field and the one reason that applies, so the location is replayed against the
input document and failures of union branches that did not match the input's shape are dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..errors import MalformedCredential

__all__ = ["MODEL_NAMES", "required_detail", "to_malformed"]

#: Class names of the models; pydantic uses them as union tags in error locations.
MODEL_NAMES: set[str] = set()

_KINDS = {
    "string_type": "a string",
    "int_type": "a number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "is_instance_of": "an object",
}
_SCALAR_TAGS = {"str", "int", "float", "bool", "list", "dict", "none", "any"}

#: What to add when a required property is missing, by property name.
_HINTS = {
    "@context": "start it with https://www.w3.org/ns/credentials/v2",
    "achievement": "add the Achievement being awarded",
    "criteria": "add criteria.narrative or criteria.id",
    "credentialSubject": "add the subject (for a badge: an AchievementSubject)",
    "description": "add a short description",
    "id": "add a URI that identifies it (for example urn:uuid:...)",
    "issuer": "add the issuer's URI or a Profile with its id",
    "name": "add a name for display",
    "type": "add its type array",
    "validFrom": "add the date-time from which it is valid, e.g. 2024-01-31T12:00:00Z",
    "issuanceDate": "add the issuance date-time, e.g. 2024-01-31T12:00:00Z",
    "verifiableCredential": "add at least one credential",
}


def required_detail(name: str) -> str:
    """ "is required", and what to add, for a missing property called ``name``."""
    hint = _HINTS.get(name)
    return "is required" + (f": {hint}" if hint else "")


@dataclass
class _Problem:
    pointer: str
    message: str
    unions: tuple[str, ...]  # pointers of the unions whose branches produced it
    kind: str | None  # the JSON kind a union branch expected, if it failed on shape alone


def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _is_tag(element: str | int, node: Any) -> bool:
    if isinstance(element, int):
        return False
    if isinstance(node, Mapping) and element in node:
        return False
    return "[" in element or element in _SCALAR_TAGS or element in MODEL_NAMES


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return "null" if value is None else type(value).__name__


def _locate(
    loc: tuple[str | int, ...], data: Any, root: str, names: Mapping[str, str]
) -> tuple[str, list[str], Any]:
    """(pointer, pointers of the unions passed through, value found there)."""
    pointer, unions, node = root, [], data
    if loc and isinstance(loc[0], str):  # a Python field name given to a constructor
        loc = (names.get(loc[0], loc[0]), *loc[1:])
    for element in loc:
        if _is_tag(element, node):
            unions.append(pointer)
            continue
        pointer = f"{pointer}/{_escape(element)}"
        if isinstance(node, Mapping):
            node = node.get(element) if isinstance(element, str) else None
        elif isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node):
            node = node[element]
        else:
            node = None
    return pointer, unions, node


def _sentence(error: ErrorDetails, pointer: str, node: Any, whole: str) -> tuple[str, str]:
    """(pointer, message) for one error."""
    where = pointer or whole
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "microcred":
        if ctx.get("field"):
            pointer = f"{pointer}/{_escape(str(ctx['field']))}"
            where = pointer
        return pointer, f"{where} {ctx['detail']}"
    if kind == "missing":
        name = pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
        return pointer, f"{where} {required_detail(name)}"
    if kind in _KINDS:
        return pointer, f"{where} must be {_KINDS[kind]}, not {_json_kind(node)}"
    if kind == "too_short":
        return pointer, f"{where} must not be empty"
    if kind == "union_tag_invalid":
        return pointer, f"{where} has an unsupported type: {error['msg']}"
    return pointer, f"{where}: {error['msg']}"


def _problems(
    exc: ValidationError, data: Any, root: str, whole: str, names: Mapping[str, str]
) -> list[_Problem]:
    found = []
    for error in exc.errors(include_url=False):
        pointer, unions, node = _locate(tuple(error["loc"]), data, root, names)
        kind = _KINDS.get(error["type"]) if unions and unions[-1] == pointer else None
        pointer, message = _sentence(error, pointer, node, whole)
        found.append(_Problem(pointer, message, tuple(unions), kind))
    return found


def _select(found: list[_Problem], whole: str) -> list[_Problem]:
    """Drop the branches of a union that did not fit; merge them when none fitted."""
    out: list[_Problem] = []
    merged: set[str] = set()
    for problem in found:
        if problem.kind is None:
            out.append(problem)
            continue
        at = problem.pointer
        branch = [p for p in found if at in p.unions]
        if at in merged or any(not (p.kind and p.pointer == at) for p in branch):
            continue  # a branch of the right shape explains the failure
        merged.add(at)
        kinds = list(dict.fromkeys(p.kind for p in branch if p.kind))
        node_kind = problem.message.rsplit(", not ", 1)[-1]
        where = at or whole
        out.append(
            _Problem(
                at, f"{where} must be {' or '.join(kinds)}, not {node_kind}", problem.unions, None
            )
        )
    return out


def to_malformed(
    exc: ValidationError,
    data: Any,
    *,
    root: str = "",
    whole: str = "the document",
    names: Mapping[str, str] | None = None,
) -> MalformedCredential:
    """The first problem as the error; further problems are appended to its message.

    ``whole`` names the validated object in messages about it as a whole; ``names`` maps Python
    field names (as given to a constructor) to their JSON names.
    """
    problems = _select(_problems(exc, data, root, whole, names or {}), whole)
    if not problems:  # pragma: no cover - pydantic always reports at least one error
        return MalformedCredential("the document does not fit the data model", pointer=root)
    first, rest = problems[0], problems[1:]
    message = first.message
    if rest:
        shown = "; ".join(p.message for p in rest[:4])
        more = f" (and {len(rest) - 4} more)" if len(rest) > 4 else ""
        message = f"{message}; also {shown}{more}"
    return MalformedCredential(message, pointer=first.pointer)
