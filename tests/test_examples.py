"""Every script in examples/ runs and succeeds; the shipped badges verify."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import microcred

from conftest import REPO

SCRIPTS = sorted((REPO / "examples").glob("*.py"))
BADGES = REPO / "examples" / "badges"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=REPO
    )


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


def test_verify_folder_verifies_every_shipped_badge_offline() -> None:
    done = _run(str(REPO / "examples" / "verify_folder.py"), str(BADGES), "--offline")
    assert done.returncode == 0, done.stdout + done.stderr
    *lines, summary = done.stdout.splitlines()
    assert summary == f"5 credentials in {BADGES}: 5 verified"
    assert lines == [
        f"{name}: verified, issued by did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw"
        for name in (
            "data-analysis.json",
            "data-analysis.svg",
            "python-foundations.json",
            "python-foundations.png",
            "team-project.json",
        )
    ]


def test_verify_folder_reads_every_credential_format(tmp_path: Path) -> None:
    key = microcred.Ed25519Key.generate()
    badge = json.loads((BADGES / "python-foundations.json").read_text())
    badge.pop("proof")
    badge["issuer"]["id"] = key.did
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "badge.jwt").write_text(microcred.issue_jwt(badge, key))
    (tmp_path / "badge.png").write_bytes((BADGES / "python-foundations.png").read_bytes())
    tampered = (BADGES / "team-project.json").read_text().replace("Team", "Solo", 1)
    (tmp_path / "tampered.json").write_text(tampered)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skipped.json").write_text("not even JSON")
    (tmp_path / "notes.txt").write_text("not a credential")

    done = _run(str(REPO / "examples" / "verify_folder.py"), str(tmp_path), "--offline")
    assert done.returncode == 1, done.stderr
    *lines, summary = done.stdout.splitlines()
    assert summary == f"3 credentials in {tmp_path}: 1 proof failed, 2 verified"
    assert [line.split(":")[0] for line in lines] == [
        "badge.png",
        str(Path("nested", "badge.jwt")),
        "tampered.json",
    ]
    assert lines[2].startswith("tampered.json: proof failed: ")


def test_typed_usage_issues_and_verifies_the_badge_it_builds() -> None:
    done = _run(str(REPO / "examples" / "typed_usage.py"))
    assert done.returncode == 0, done.stderr
    *document, result = done.stdout.splitlines()
    signed = json.loads("\n".join(document))
    assert result == f"verified: True, issuer: {signed['issuer']['id']}"
    assert microcred.check(signed, offline=True).verified
    subject = signed["credentialSubject"]
    assert subject["achievement"]["criteria"]["narrative"]
    assert subject["achievement"]["alignment"][0]["targetFramework"] == "Example Skills Framework"
    assert subject["result"]
    assert signed["evidence"]
