"""The status step: read each ``credentialStatus`` entry against its (verified) status list.

A list that cannot be fetched, does not verify or cannot be read makes the check
indeterminate — never "not revoked". Verified lists are cached per verifier.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from ._checks import Run, as_list, run_check
from .errors import ResolutionError
from .report import Check, Problem, Status, VerificationReport
from .resolvers import Fetch
from .status import StatusChecker

__all__ = ["StatusStep"]

# Status methods whose list is a plain document, not a credential to verify.
_UNSIGNED_LISTS = frozenset({"1EdTechRevocationList"})
_CACHE_SIZE = 256


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
        self._lists: OrderedDict[str, str] = OrderedDict()  # digest -> '' or why not
        self._lock = threading.Lock()

    def __call__(self, run: Run) -> Check:
        declared = run.document.get("credentialStatus")
        if declared is None:
            return Check("status", Status.SKIPPED, "the credential declares no status")
        entries = as_list(declared)
        pointers = (
            [f"/credentialStatus/{i}" for i in range(len(entries))]
            if isinstance(declared, list)
            else ["/credentialStatus"]
        )
        children = tuple(
            run_check("status", partial(self._check_status_entry, run, entry, pointer))
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
        fetch = self.fetch if kind in _UNSIGNED_LISTS else self._verified_status_list
        result = checker(entry, pointer, fetch, run.document)
        warnings = tuple(Problem("STATUS_WARNING", w, pointer) for w in result.warnings)
        return Check("status", Status.PASSED, result.message, pointer=pointer, warnings=warnings)

    def _verified_status_list(self, url: str) -> Mapping[str, Any]:
        """The status-list credential at ``url``, verified by this verifier.

        The document is fetched every time (the HTTP layer caches it for as long as its server
        allows, so a new revocation is seen); verifying it again is skipped while its bytes are
        unchanged. Only definite verdicts are remembered: a list whose signer's key could not
        be fetched is tried again next time.
        """
        document = self.fetch(url)
        digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
        with self._lock:
            verdict = self._lists.get(digest)
        if verdict is None:
            report = self._verify_list(document)
            verdict = "" if report.verified else _reason(url, report)
            if report.verified or any(c.status is Status.FAILED for c in report.checks):
                with self._lock:
                    self._lists[digest] = verdict
                    while len(self._lists) > _CACHE_SIZE:
                        self._lists.popitem(last=False)
        if verdict:
            raise ResolutionError(verdict, code="STATUS_VERIFICATION_ERROR")
        return document


def _reason(url: str, report: VerificationReport) -> str:
    first = report.errors[0] if report.errors else None
    reason = f"{first.message} ({first.pointer or '/'})" if first else "not verified"
    return f"the status list credential at {url} did not verify: {reason}"
