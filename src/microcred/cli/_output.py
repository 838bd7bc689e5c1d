"""What ``verify`` prints: one line per credential, the ``--json`` document, JUnit XML.

The JSON document (schema documented in docs/cli.md, kept stable)::

    {"microcred": "0.1.0",
     "summary": {"total", "verified", "failed", "indeterminate", "unreadable", "interrupted"},
     "results": [report.to_dict() + {"input", "outcome", "image", "display"}]}
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

from .. import __version__
from ..errors import _with_pointer
from ..report import Check, Status
from ._common import shown
from ._run import Result

__all__ = ["OUTCOMES", "json_document", "junit_xml", "summary", "summary_line", "write_line"]

OUTCOMES = ("verified", "failed", "indeterminate", "unreadable")
_WORDS = {
    "verified": "PASS",
    "failed": "FAIL",
    "indeterminate": "INDETERMINATE",
    "unreadable": "UNREADABLE",
}
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def first_problem(result: Result) -> Check | None:
    """The check behind the outcome: the first failed one, else the first indeterminate one."""
    checks = result.report.checks
    failed = next((c for c in checks if c.status is Status.FAILED), None)
    return failed or next((c for c in checks if c.problem is not None), None)


def describe(check: Check) -> str:
    return f"{check.name}: {_with_pointer(check.message, check.pointer)}"


def write_line(result: Result, out: TextIO) -> None:
    """``WORD  input | issuer | achievement[ | check: message]``."""
    fields = [
        shown(result.input, 400),
        shown(result.issuer_name or "-", 80),
        shown(result.achievement or "-", 80),
    ]
    problem = first_problem(result)
    if problem is not None and result.outcome != "verified":
        fields.append(shown(describe(problem), 400))
    out.write(f"{_WORDS[result.outcome]:<13} {' | '.join(fields)}\n")


def summary(results: Sequence[Result], interrupted: bool) -> dict[str, Any]:
    counts = Counter(r.outcome for r in results)
    found: dict[str, Any] = {"total": len(results)}
    found.update({outcome: counts[outcome] for outcome in OUTCOMES})
    found["interrupted"] = interrupted
    return found


def summary_line(results: Sequence[Result], interrupted: bool, planned: int) -> str:
    counts = summary(results, interrupted)
    not_verified = len(results) - counts["verified"]
    line = (
        f"{len(results)} credential(s): {counts['verified']} verified, {not_verified} not "
        f"verified ({counts['failed']} failed, {counts['indeterminate']} indeterminate, "
        f"{counts['unreadable']} unreadable)"
    )
    if interrupted:
        line += f"; interrupted: {planned - len(results)} of {planned} input(s) not checked"
    return line + "\n"


def json_document(results: Sequence[Result], interrupted: bool) -> dict[str, Any]:
    return {
        "microcred": __version__,
        "summary": summary(results, interrupted),
        "results": [_result_dict(r) for r in results],
    }


def _result_dict(result: Result) -> dict[str, Any]:
    out = result.report.to_dict()
    out["input"] = result.input
    out["outcome"] = result.outcome
    out["image"] = result.image
    out["display"] = {"issuer": result.issuer_name, "achievement": result.achievement}
    return out


def junit_xml(results: Sequence[Result], interrupted: bool) -> bytes:
    """One ``<testcase>`` per input: ``<failure>`` when it failed, ``<error>`` otherwise."""
    counts = summary(results, interrupted)
    errors = counts["indeterminate"] + counts["unreadable"]
    total_time = f"{sum(r.seconds for r in results):.3f}"
    attributes = {
        "name": "microcred verify",
        "tests": str(len(results)),
        "failures": str(counts["failed"]),
        "errors": str(errors),
        "skipped": "0",
        "time": total_time,
    }
    suites = ET.Element("testsuites", attributes)
    suite = ET.SubElement(suites, "testsuite", attributes)
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "microcred", "value": __version__})
    ET.SubElement(properties, "property", {"name": "interrupted", "value": str(interrupted)})
    for result in results:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": "microcred.verify",
                "name": _xml(result.input),
                "time": f"{result.seconds:.3f}",
            },
        )
        if result.outcome == "verified":
            continue
        problem = first_problem(result)
        tag = "failure" if result.outcome == "failed" else "error"
        message = describe(problem) if problem is not None else "not verified"
        element = ET.SubElement(
            case,
            tag,
            {
                "message": _xml(message),
                "type": (problem.code or str(problem.status)) if problem is not None else tag,
            },
        )
        element.text = _xml(_details(result))
    ET.indent(suites)
    return bytes(ET.tostring(suites, encoding="utf-8", xml_declaration=True)) + b"\n"


def _details(result: Result) -> str:
    lines = [
        f"input: {result.input}",
        f"issuer: {result.issuer_name or '-'}",
        f"achievement: {result.achievement or '-'}",
        f"outcome: {result.outcome}",
    ]
    lines += [f"{c.status:>13}  {describe(c)}" for c in result.report.checks]
    return "\n".join(lines)


def _xml(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped."""
    return _XML_INVALID.sub("?", text)
