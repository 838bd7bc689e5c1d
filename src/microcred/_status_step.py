"""The status step: read each ``credentialStatus`` entry against its (verified) status list.

A list that cannot be fetched, does not verify or cannot be read makes the check
indeterminate — never "not revoked". Verified lists are cached per verifier, each with the
time window in which its verdict holds (a list that has since expired is verified again).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from ._checks import Run, as_list, run_check
from ._time import parse_datetime
from .errors import MicrocredError, ResolutionError
from .report import Check, Problem, Status, VerificationReport
from .resolvers import Fetch
from .status import StatusChecker

__all__ = ["StatusStep"]

# Status methods whose list is a plain document, not a credential to verify.
_UNSIGNED_LISTS = frozenset({"1EdTechRevocationList"})
_CACHE_SIZE = 256


_NO_STATUS = Check("status", Status.SKIPPED, "the credential declares no status")


class StatusStep:
    """Checks status entries with ``checkers`` (by entry type) and lists from ``fetch``."""

    def __init__(
        self,
        fetch: Fetch,
        checkers: Mapping[str, StatusChecker],
        verify_list: Callable[[Mapping[str, Any]], VerificationReport],
    ) -> None:
        self.fetch = fetch
        self.checkers = dict(checkers)
        self._verify_list = verify_list
        # digest -> the window (not before, not after) in which the list verified
        self._lists: OrderedDict[str, tuple[datetime | None, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, run: Run) -> Check:
        declared = run.document.get("credentialStatus")
        if declared is None:
            return _NO_STATUS
        entries = as_list(declared)
        pointers = (
            [f"/credentialStatus/{i}" for i in range(len(entries))]
            if isinstance(declared, list)
            else ["/credentialStatus"]
        )
        children = tuple(
            run_check("status", self._check_status_entry, run, entry, pointer)
            for entry, pointer in zip(entries, pointers, strict=True)
        )
        for status in (Status.FAILED, Status.INDETERMINATE):
            worst = next((c for c in children if c.status is status), None)
            if worst is not None:
                return Check(
                    "status",
                    status,
                    worst.message,
                    worst.code,
                    worst.pointer,
                    children=children if len(children) > 1 else (),
                )
        warnings = tuple(w for c in children for w in c.warnings)
        message = "; ".join(c.message for c in children)
        return Check(
            "status",
            Status.PASSED,
            message,
            warnings=warnings,
            children=children if len(children) > 1 else (),
        )

    def _check_status_entry(self, run: Run, entry: Any, pointer: str) -> Check:
        kind = entry.get("type") if isinstance(entry, Mapping) else None
        checker = self.checkers.get(kind) if isinstance(kind, str) else None
        if checker is None:
            raise ResolutionError(
                f"status method {kind!r:.60} is not supported, so revocation cannot be checked",
                pointer=f"{pointer}/type",
            )
        fetch = (
            self.fetch
            if kind in _UNSIGNED_LISTS
            else partial(self._verified_status_list, run.now, run.config.leeway)
        )
        result = checker(entry, pointer, fetch, run.document)
        warnings = tuple(Problem("STATUS_WARNING", w, pointer) for w in result.warnings)
        return Check("status", Status.PASSED, result.message, pointer=pointer, warnings=warnings)

    def _verified_status_list(
        self, now: datetime, leeway: timedelta, url: str
    ) -> Mapping[str, Any]:
        """The status-list credential at ``url``, verified by this verifier.

        The document is fetched every time (the HTTP layer caches it for as long as its server
        allows, so a new revocation is seen); verifying it again is skipped while its bytes are
        unchanged and ``now`` is inside the validity window it verified in. Only a list that
        verified is remembered: a refusal (which may be a key server that was down) is worked
        out again next time.
        """
        document = self.fetch(url)
        digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
        with self._lock:
            window = self._lists.get(digest)
        if window is not None and _inside(window, now, leeway):
            return document
        report = self._verify_list(document)
        if not report.verified:
            raise ResolutionError(_reason(url, report), code="STATUS_VERIFICATION_ERROR")
        verified_window = _window(document)
        if verified_window is not None:
            with self._lock:
                self._lists[digest] = verified_window
                while len(self._lists) > _CACHE_SIZE:
                    self._lists.popitem(last=False)
        return document


def _window(document: Mapping[str, Any]) -> tuple[datetime | None, datetime | None] | None:
    """When a verified list stays valid: its validity period and its proofs' created/expires
    (None, never cached, if a date cannot be read)."""
    try:
        starts = _moments(document, "validFrom", "issuanceDate", "created")
        ends = _moments(document, "validUntil", "expirationDate", "expires")
    except MicrocredError:
        return None
    return (max(starts) if starts else None), (min(ends) if ends else None)


def _moments(document: Mapping[str, Any], v2: str, v1: str, proof_field: str) -> list[datetime]:
    values = [document.get(v2, document.get(v1))]
    values += [p.get(proof_field) for p in as_list(document.get("proof")) if isinstance(p, Mapping)]
    return [parse_datetime(value, "") for value in values if value is not None]


def _inside(
    window: tuple[datetime | None, datetime | None], now: datetime, leeway: timedelta
) -> bool:
    start, end = window
    return (start is None or start - now <= leeway) and (end is None or now - end <= leeway)


def _reason(url: str, report: VerificationReport) -> str:
    first = report.errors[0] if report.errors else None
    reason = f"{first.message} ({first.pointer or '/'})" if first else "not verified"
    return f"the status list credential at {url} did not verify: {reason}"
