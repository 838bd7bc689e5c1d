"""Every script in examples/ runs and succeeds; the shipped badges verify."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

SCRIPTS = sorted((REPO / "examples").glob("*.py"))


def test_there_are_examples() -> None:
    assert {p.name for p in SCRIPTS} >= {"issue_badge.py", "verify_badge.py"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_script_runs(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), "an example should show what it did"


def test_verify_badge_reports_a_tampered_badge(tmp_path: Path) -> None:
    badge = (REPO / "examples" / "badges" / "python-foundations.json").read_text()
    tampered = tmp_path / "tampered.json"
    tampered.write_text(badge.replace("Python Foundations", "Python Mastery", 1))
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "verify_badge.py"), str(tampered)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "NOT verified" in done.stdout
