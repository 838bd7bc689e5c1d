"""The adversarial corpus: every case in tests/vectors/microcred/verify/ fails for its stated reason.

Each case names the check and the code it must produce (see that folder's SOURCES.md; rebuild it
with ``python tests/vectors/microcred/make_cases.py``). Cases that currently expose a bug carry
the *correct* expectation and are marked ``xfail(strict=True)`` below, so fixing the bug turns
them into failures until the mark is removed.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from microcred import Check, Status, VerificationReport, Verifier, loader_with

from conftest import VECTORS, load_json

CASES_DIR = VECTORS / "microcred" / "verify"
CHECK_OPTIONS = ("challenge", "domain", "holder_is_subject")
VERIFIER_OPTIONS = ("trust_embedded_keys", "max_endorsement_depth")

# Case id -> (the paths it fails on: "default" and/or "pyld", what is wrong), for a case that
# exposes a bug not fixed yet. Each case file holds the correct behaviour. None today.
KNOWN_BUGS: dict[str, tuple[tuple[str, ...], str]] = {}


def _fast_path() -> Any:
    """microcred's fast JSON-LD path, if this version has one (switchable for tests)."""
    try:
        from microcred import _fastld
    except ImportError:
        return None
    return _fastld if hasattr(_fastld, "enabled") else None


# Every case runs through the default canonicalisation and, where a fast JSON-LD path exists,
# through pyld alone too: both must give the same verdicts.
PATHS = ["default", "pyld"] if _fast_path() is not None else ["default"]


def _cases() -> Iterator[Any]:
    for path in sorted(CASES_DIR.glob("*.json")):
        case = load_json(path)
        for mode in PATHS:
            marks = []
            bug = KNOWN_BUGS.get(case["id"])
            # without a fast path, the default path is pyld's
            if bug is not None and (mode in bug[0] or (PATHS == ["default"] and "pyld" in bug[0])):
                marks.append(pytest.mark.xfail(strict=True, reason=f"BUG: {bug[1]}"))
            yield pytest.param(case, mode, id=f"{case['id']}[{mode}]", marks=marks)


def _verify(case: dict[str, Any]) -> VerificationReport:
    options = case.get("options", {})
    unknown = set(options) - {*CHECK_OPTIONS, *VERIFIER_OPTIONS}
    assert not unknown, f"unknown case options {unknown}"
    # A loader of its own gives each case its own context cache: one case cannot change what a
    # context means for the next (see context-import-then-use).
    with Verifier(
        pins=case.get("pins"),
        offline=True,
        now=datetime.fromisoformat(case["now"].replace("Z", "+00:00")),
        loader=loader_with({}),
        **{k: v for k, v in options.items() if k in VERIFIER_OPTIONS},
    ) as verifier:
        data = case["input"]
        if case.get("input_encoding") == "base64":
            data = base64.b64decode(data)
        return verifier.check(data, **{k: v for k, v in options.items() if k in CHECK_OPTIONS})


def _named(report: VerificationReport, name: str) -> Check:
    try:
        return report.check(name)
    except KeyError:
        pytest.fail(f"no {name!r} check in {[c.name for c in report.checks]}")


@pytest.mark.parametrize(("case", "mode"), list(_cases()))
def test_case(case: dict[str, Any], mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if mode == "pyld":
        monkeypatch.setattr(_fast_path(), "enabled", False)
    expect = case["expect"]
    report = _verify(case)
    check = _named(report, expect["check"])
    summary = {"checks": report.to_dict()["checks"]}
    assert (str(check.status), check.code) == (expect["status"], expect["code"]), summary
    if "pointer" in expect:
        assert check.pointer == expect["pointer"], summary
    if "warning" in expect:
        assert expect["warning"] in {w.code for w in report.warnings}, summary
    assert report.verified is expect["verified"], summary
    if expect["verified"]:
        assert all(c.status in (Status.PASSED, Status.SKIPPED) for c in report.checks)


def test_the_corpus_is_large_and_well_formed() -> None:
    paths = sorted(CASES_DIR.glob("*.json"))
    assert len(paths) >= 300
    for path in paths:
        case = load_json(path)
        assert path.stem == case["id"]
        allowed = {"id", "description", "now", "input", "input_encoding", "pins", "options"}
        assert set(case) <= {*allowed, "expect"}
        assert set(case["expect"]) >= {"verified", "check", "status", "code"}
        assert case["expect"]["status"] in {s.value for s in Status}
    assert set(KNOWN_BUGS) <= {p.stem for p in paths}, "a KNOWN_BUGS entry names no case"


def test_no_case_file_is_large() -> None:
    sizes = {p.name: p.stat().st_size for p in CASES_DIR.glob("*.json")}
    assert max(sizes.values()) < 256 * 1024, max(sizes.items(), key=lambda kv: kv[1])


def test_sources_document_the_generator() -> None:
    sources = (CASES_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert "make_cases.py" in sources
    assert Path(CASES_DIR.parent / "make_cases.py").is_file()
