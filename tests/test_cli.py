"""The command line, in-process and as a subprocess: exit codes, key files, JSON output."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from microcred.cli import main

from conftest import REPO, SPEC_EXAMPLES, load_json

BADGES = REPO / "examples" / "badges"
NOW = ["--now", "2026-11-22T00:00:00Z"]


def _unsigned(did: str) -> dict[str, Any]:
    badge = load_json(BADGES / "python-foundations.json")
    badge.pop("proof")
    badge["issuer"]["id"] = did
    return badge


def test_keygen_issue_verify_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "key.json"
    assert main(["keygen", "-o", str(key_file)]) == 0
    did = capsys.readouterr().out.strip()
    assert did.startswith("did:key:z6Mk")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    secret = load_json(key_file)["secretKeyMultibase"]
    assert secret not in did
    assert main(["keygen", "-o", str(key_file)]) == 2  # never overwrites silently

    unsigned = tmp_path / "badge.json"
    unsigned.write_text(json.dumps(_unsigned(did)))
    assert main(["issue", str(unsigned), "--key", str(key_file)]) == 0
    signed = tmp_path / "signed.json"
    signed.write_text(capsys.readouterr().out)
    assert json.loads(signed.read_text())["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert main(["verify", str(signed)]) == 0
    out = capsys.readouterr().out
    assert secret not in out
    assert "1 verified, 0 not verified" in out


def test_issue_refuses_a_mismatched_issuer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "key.json"
    main(["keygen", "-o", str(key_file)])
    unsigned = tmp_path / "badge.json"
    unsigned.write_text(json.dumps(_unsigned("https://example.edu/issuers/1")))
    assert main(["issue", str(unsigned), "--key", str(key_file)]) == 1
    assert "verifiers would reject it" in capsys.readouterr().err


def test_verify_folder_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tampered = tmp_path / "tampered.json"
    tampered.write_text((BADGES / "data-analysis.json").read_text().replace("Cleans", "Invents"))
    assert main(["verify", str(BADGES), str(tampered), "--json", *NOW]) == 1
    reports = json.loads(capsys.readouterr().out)
    assert [r["verified"] for r in reports] == [True, True, True, False]
    assert reports[-1]["input"] == str(tampered)
    assert reports[-1]["errors"][0]["code"] == "PROOF_VERIFICATION_ERROR"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["verify", "does-not-exist.json"], 2),
        (["verify", "no-such-dir/*.json"], 2),
        (["verify", "--now", "yesterday", str(BADGES)], 2),
        (["verify", "--pin", "no-equals-sign", str(BADGES)], 2),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == code
    assert "microcred: error:" in capsys.readouterr().err


def test_a_file_that_is_not_a_credential_fails_with_1(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("this is not json")
    assert main(["verify", str(junk), "--quiet"]) == 1


def test_pins_verify_https_keys_offline(capsys: pytest.CaptureFixture[str]) -> None:
    example = (
        SPEC_EXAMPLES / "ob-spec-rendered-2024-04-03" / "basic-openbadgecredential.signed.json"
    )
    assert main(["verify", str(example), "--offline", *NOW]) == 1  # no key document available
    assert "verifying offline" in capsys.readouterr().out
    pins = str(SPEC_EXAMPLES / "url-map.json")
    # url-map.json holds {"description", "urls": {...}}: pass the inner mapping via --pin.
    mapping = load_json(SPEC_EXAMPLES / "url-map.json")["urls"]
    pin_args = [f"--pin={url}={SPEC_EXAMPLES / file}" for url, file in mapping.items()]
    assert main(["verify", str(example), "--offline", *NOW, *pin_args]) == 0
    assert pins


def test_python_dash_m_and_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "microcred", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.startswith("microcred ")
    done = subprocess.run(
        [sys.executable, "-m", "microcred", "verify", str(BADGES), *NOW],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "3 verified" in done.stdout
