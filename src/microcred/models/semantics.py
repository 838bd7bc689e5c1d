"""Open Badges rules a JSON Schema cannot express, as named findings.

The checks read the JSON exactly as received (no model needed), so a verifier can report every
problem of a credential instead of stopping at the first. Each finding names its rule in
``code``:

``subject-identifier``  the AchievementSubject has neither ``id`` nor ``identifier``
``result-description``  a Result's ``resultDescription`` is not the id of a ResultDescription
                        of the achievement
``achieved-level``      a Result's ``achievedLevel`` is not the id of a RubricCriterionLevel of
                        the ResultDescription it links to
``required-level``      a ResultDescription's ``requiredLevel`` is not one of its own levels
``uri``                 an ``id``, ``url``, ``targetUrl``, image or link is not an absolute URI
``date-time``           a date-time is not RFC 3339 with a time zone
``criteria``            (warning) criteria with neither ``id`` nor ``narrative``
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .._parse import escape, recursive_walk
from ._types import is_datetime, is_uri

__all__ = ["SchemaFinding", "Severity", "check_semantics"]

#: ``error``: the document is wrong; ``warning``: accepted but worth fixing; ``indeterminate``:
#: could not be checked (e.g. a schema that is not bundled) -- not a pass.
Severity = Literal["error", "warning", "indeterminate"]

_OB_TYPES = ("OpenBadgeCredential", "AchievementCredential")
_DATE_KEYS = frozenset(
    {
        "validFrom",
        "validUntil",
        "issuanceDate",
        "expirationDate",
        "awardedDate",
        "created",
        "expires",
        "activityStartDate",
        "activityEndDate",
    }
)
_URI_KEYS = frozenset(
    {
        "id",
        "url",
        "targetUrl",
        "achievedLevel",
        "requiredLevel",
        "sourceId",
        "targetId",
        "verificationMethod",
    }
)


@dataclass(frozen=True)
class SchemaFinding:
    """One problem found by a schema or rule check, with a JSON Pointer to the field."""

    code: str
    message: str
    pointer: str = ""
    severity: Severity = "error"
    schema: str | None = None

    def to_dict(self) -> dict[str, str]:
        out = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "pointer": self.pointer,
        }
        if self.schema:
            out["schema"] = self.schema
        return out


def _types(node: Mapping[str, Any]) -> list[Any]:
    value = node.get("type")
    return value if isinstance(value, list) else [value]


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _walk(node: Any, pointer: str) -> Iterator[tuple[str, str, Any]]:
    """(pointer, key, value) for every property, skipping @context (it is not data)."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "@context":
                continue
            here = f"{pointer}/{escape(key)}"
            yield here, key, value
            yield from _walk(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{i}")


def _generic(document: Mapping[str, Any]) -> Iterator[SchemaFinding]:
    for pointer, key, value in _walk(document, ""):
        if key in _DATE_KEYS and isinstance(value, str) and not is_datetime(value):
            yield SchemaFinding(
                "date-time",
                f"{pointer} must be an RFC 3339 date-time with a "
                f"time zone, e.g. 2024-01-31T12:00:00Z, got {value!r}",
                pointer,
            )
        # An image object's URI is its "id", checked when the walk gets there.
        link = key in _URI_KEYS or key in ("image", "resultDescription")
        if link and isinstance(value, str) and not is_uri(value):
            yield SchemaFinding(
                "uri",
                f"{pointer} must be an absolute URI with a scheme "
                f"(e.g. https://...), got {value!r}",
                pointer,
            )


def _achievement_rules(subject: Mapping[str, Any], at: str) -> Iterator[SchemaFinding]:
    if not subject.get("id") and not subject.get("identifier"):
        yield SchemaFinding(
            "subject-identifier",
            f"{at} needs an id or an identifier: add the "
            "recipient's id (e.g. a DID) or an IdentityObject in identifier",
            at,
        )
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    criteria = achievement.get("criteria")
    if isinstance(criteria, Mapping) and not (criteria.get("id") or criteria.get("narrative")):
        where = f"{at}/achievement/criteria"
        yield SchemaFinding(
            "criteria",
            f"{where} should have a narrative or an id (a page "
            "describing how to earn the achievement)",
            where,
            "warning",
        )
    descriptions: dict[str, Mapping[str, Any]] = {}
    for i, rd in enumerate(_items(achievement.get("resultDescription"))):
        if not isinstance(rd, Mapping):
            continue
        if isinstance(rd.get("id"), str):
            descriptions[rd["id"]] = rd
        levels = _level_ids(rd)
        required = rd.get("requiredLevel")
        if isinstance(required, str) and required not in levels:
            where = f"{at}/achievement/resultDescription/{i}/requiredLevel"
            yield SchemaFinding(
                "required-level",
                f"{where} is {required!r}, which is not the "
                "id of any of its rubricCriterionLevel entries",
                where,
            )
    yield from _result_rules(subject, at, descriptions)


def _level_ids(description: Mapping[str, Any]) -> set[str]:
    return {
        level["id"]
        for level in _items(description.get("rubricCriterionLevel"))
        if isinstance(level, Mapping) and isinstance(level.get("id"), str)
    }


def _result_rules(
    subject: Mapping[str, Any], at: str, descriptions: Mapping[str, Mapping[str, Any]]
) -> Iterator[SchemaFinding]:
    known = ", ".join(descriptions) or "none"
    for i, result in enumerate(_items(subject.get("result"))):
        if not isinstance(result, Mapping):
            continue
        linked = result.get("resultDescription")
        where = f"{at}/result/{i}/resultDescription"
        if isinstance(linked, str) and linked not in descriptions:
            yield SchemaFinding(
                "result-description",
                f"{where} is {linked!r}, which is not the "
                "id of a resultDescription of the achievement (known: "
                f"{known}): fix the link or add that ResultDescription",
                where,
            )
            continue
        level = result.get("achievedLevel")
        if not isinstance(level, str):
            continue
        where = f"{at}/result/{i}/achievedLevel"
        scope = [descriptions[linked]] if isinstance(linked, str) else list(descriptions.values())
        levels = set().union(*(_level_ids(rd) for rd in scope)) if scope else set()
        if level not in levels:
            owner = (
                f"the ResultDescription {linked!r}"
                if isinstance(linked, str)
                else ("any ResultDescription of the achievement")
            )
            yield SchemaFinding(
                "achieved-level",
                f"{where} is {level!r}, which is not the id of a rubricCriterionLevel of {owner}",
                where,
            )


def _credential_rules(document: Mapping[str, Any], at: str) -> Iterator[SchemaFinding]:
    types = _types(document)
    subject = document.get("credentialSubject")
    if any(t in types for t in _OB_TYPES):
        for i, item in enumerate(_items(subject)):
            if isinstance(item, Mapping):
                here = f"{at}/credentialSubject" + (f"/{i}" if isinstance(subject, list) else "")
                yield from _achievement_rules(item, here)
    if "ClrCredential" in types and isinstance(subject, Mapping):
        for i, inner in enumerate(_items(subject.get("verifiableCredential"))):
            if isinstance(inner, Mapping):
                yield from _credential_rules(
                    inner, f"{at}/credentialSubject/verifiableCredential/{i}"
                )


@recursive_walk
def check_semantics(document: Mapping[str, Any]) -> list[SchemaFinding]:
    """Every rule above that ``document`` breaks (an empty list when it breaks none)."""
    return [*_credential_rules(document, ""), *_generic(document)]
