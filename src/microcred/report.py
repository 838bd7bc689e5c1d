"""The verification report: what was checked, what passed, and exactly what did not.

Two levels, as in the VC ecosystem: a check that *failed* is a verdict about the credential;
a check that is *indeterminate* could not be completed (a key server down). Neither verifies.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Check", "Problem", "Status", "VerificationReport"]


class Status(enum.StrEnum):
    """Outcome of one check."""

    PASSED = "passed"
    FAILED = "failed"
    INDETERMINATE = "indeterminate"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Problem:
    """One error or warning, as a problem detail with a JSON Pointer to the field."""

    code: str
    message: str
    pointer: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "pointer": self.pointer}


@dataclass(frozen=True)
class Check:
    """One named check (``proof``, ``issuer``, ``validity`` ...) and its outcome.

    ``children`` holds the parts of a compound check, e.g. one entry per proof of a proof set;
    ``report`` the full report of a nested credential (an endorsement, a presented credential).
    """

    name: str
    status: Status
    message: str = ""
    code: str | None = None
    pointer: str = ""
    warnings: tuple[Problem, ...] = ()
    children: tuple[Check, ...] = ()
    report: VerificationReport | None = None

    def __init__(  # the fields above, with their defaults
        self,
        name: str,
        status: Status,
        message: str = "",
        code: str | None = None,
        pointer: str = "",
        warnings: tuple[Problem, ...] = (),
        children: tuple[Check, ...] = (),
        report: VerificationReport | None = None,
    ) -> None:
        # A frozen dataclass's own __init__ sets each field through object.__setattr__; one
        # update of the instance dict is twice as fast, and every verification makes many.
        self.__dict__.update(
            name=name,
            status=status,
            message=message,
            code=code,
            pointer=pointer,
            warnings=warnings,
            children=children,
            report=report,
        )

    def __reduce__(self) -> tuple[type[Check], tuple[Any, ...]]:
        # Reports cross process boundaries in verify_many: the constructor's arguments pickle
        # and load faster than the default (class, then the instance dict as state).
        return Check, (
            *(self.name, self.status, self.message, self.code, self.pointer),
            *(self.warnings, self.children, self.report),
        )

    @property
    def problem(self) -> Problem | None:
        """The error this check contributes, if it failed or was indeterminate."""
        if self.status in (Status.FAILED, Status.INDETERMINATE):
            return Problem(self.code or self.status.upper(), self.message, self.pointer)
        return None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": self.name, "status": str(self.status)}
        if self.message:
            out["message"] = self.message
        if self.code:
            out["code"] = self.code
        if self.pointer:
            out["pointer"] = self.pointer
        if self.warnings:
            out["warnings"] = [w.to_dict() for w in self.warnings]
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        if self.report is not None:
            out["report"] = self.report.to_dict()
        return out


@dataclass(frozen=True)
class VerificationReport:
    """The result of checking one credential or presentation.

    ``verified`` is true only when no check failed or was indeterminate and the proof check
    passed: a report without a passing proof never verifies. ``format`` is ``json`` (a Data
    Integrity credential), ``jwt`` (a VC-JWT) or ``unknown`` (input that could not be read).
    """

    checks: tuple[Check, ...]
    credential_id: str | None = None
    issuer: str | None = None
    types: tuple[str, ...] = ()
    format: str = "unknown"
    input: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __init__(  # the fields above, with their defaults (as Check's, for speed)
        self,
        checks: tuple[Check, ...],
        credential_id: str | None = None,
        issuer: str | None = None,
        types: tuple[str, ...] = (),
        format: str = "unknown",
        input: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.__dict__.update(
            checks=checks,
            credential_id=credential_id,
            issuer=issuer,
            types=types,
            format=format,
            input=input,
            extra={} if extra is None else extra,
        )

    def __reduce__(self) -> tuple[type[VerificationReport], tuple[Any, ...]]:
        return VerificationReport, (  # as Check's
            *(self.checks, self.credential_id, self.issuer, self.types, self.format),
            *(self.input, self.extra),
        )

    @property
    def verified(self) -> bool:
        statuses = {c.name: c.status for c in self.checks}
        if statuses.get("proof") is not Status.PASSED:
            return False
        return all(c.status in (Status.PASSED, Status.SKIPPED) for c in self.checks)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for c in self.checks if (p := c.problem) is not None)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(w for c in self.checks for w in _walk_warnings(c))

    def check(self, name: str) -> Check:
        """The check called ``name``; KeyError if it was not run (see :meth:`get`)."""
        found = self.get(name)
        if found is None:
            raise KeyError(name)
        return found

    def get(self, name: str) -> Check | None:
        """The check called ``name``, or None when it was not run: after a ``parse`` failure
        only ``parse`` is there, and ``claims`` is only for a VC-JWT."""
        return next((c for c in self.checks if c.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON for tools and the CLI, in the VC verification vocabulary."""
        out: dict[str, Any] = {
            "verified": self.verified,
            "format": self.format,
            "credential": {
                "id": self.credential_id,
                "issuer": self.issuer,
                "type": list(self.types),
            },
            "checks": [c.to_dict() for c in self.checks],
            "errors": [p.to_dict() for p in self.errors],
            "warnings": [p.to_dict() for p in self.warnings],
        }
        if self.input is not None:
            out["input"] = self.input
        return out


def _walk_warnings(check: Check) -> Iterator[Problem]:
    yield from check.warnings
    for child in check.children:
        yield from _walk_warnings(child)
