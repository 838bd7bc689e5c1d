"""The command line, in-process (``main([...])``) and as a subprocess (``python -m microcred``).

What CI pipelines rely on is asserted exactly: exit codes, the ``--json`` document, the JUnit
XML (parsed back), input order with any number of workers, offline pins, Ctrl-C.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import stat
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Any

import pytest

import microcred
from microcred import Ed25519Key
from microcred.baking import bake
from microcred.cli import main
from microcred.keys import to_key_file

from conftest import REPO, SPEC_EXAMPLES, load_json, ob_badge
from httpserver import HTTPSServer

BADGES = REPO / "examples" / "badges"
NOW = ["--now", "2026-11-22T00:00:00Z"]
CREATED = "2026-01-01T00:00:00Z"
KEY = Ed25519Key.from_seed(bytes(range(32)))
OTHER = Ed25519Key.from_seed(bytes(range(1, 33)))
DID_WEB = "did:web:issuer.example"
SPEC_BASIC = SPEC_EXAMPLES / "ob-spec-rendered-2024-04-03" / "basic-openbadgecredential.signed.json"
RESULT_KEYS = {
    "verified",
    "format",
    "credential",
    "checks",
    "errors",
    "warnings",
    "input",
    "outcome",
    "image",
    "display",
}


# -- helpers ------------------------------------------------------------------------------


def _unsigned(did: str) -> dict[str, Any]:
    badge: dict[str, Any] = load_json(BADGES / "python-foundations.json")
    badge.pop("proof")
    badge["issuer"]["id"] = did
    return badge


def sign(
    document: dict[str, Any], key: Ed25519Key = KEY, method: str | None = None
) -> dict[str, Any]:
    return microcred.issue(document, key, verification_method=method, created=CREATED)


def badge(**extra: Any) -> dict[str, Any]:
    return ob_badge(KEY.did, valid_from=CREATED, **extra)


def write(path: Path, content: Any) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(capsys, "verify", "--json", *args)
    return code, json.loads(out)


def png_image() -> bytes:
    """A valid 1x1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


SVG_IMAGE = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'


def did_web_document() -> dict[str, Any]:
    method = KEY.verification_method_document(id=f"{DID_WEB}#key-1", controller=DID_WEB)
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID_WEB,
        "verificationMethod": [method],
        "assertionMethod": [f"{DID_WEB}#key-1"],
    }


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    """One credential per outcome, named so that folder order is a-e."""
    folder = tmp_path / "cases"
    folder.mkdir()
    valid = sign(badge())
    write(folder / "a-valid.json", valid)
    write(folder / "b-tampered.json", {**valid, "name": "Forged"})
    write(folder / "c-expired.json", sign(badge(validUntil="2026-06-01T00:00:00Z")))
    write(folder / "d-malformed.json", "this is not json")
    write(folder / "e-indeterminate.json", SPEC_BASIC.read_bytes())  # HTTPS key, offline
    return folder


EXPECTED = [
    ("a-valid.json", "verified", None),
    ("b-tampered.json", "failed", "PROOF_VERIFICATION_ERROR"),
    ("c-expired.json", "failed", "EXPIRED"),
    ("d-malformed.json", "failed", "MALFORMED_CREDENTIAL"),
    ("e-indeterminate.json", "indeterminate", "DOCUMENT_LOAD_ERROR"),
]


# -- keygen and issue -----------------------------------------------------------------------


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


@pytest.mark.parametrize("kind", ["rsa", "p256"])
def test_keygen_rsa_and_p256(kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "key.json"
    code, out, err = run(capsys, "keygen", "--type", kind, "-o", str(key_file))
    assert code == 0
    stored = load_json(key_file)
    key = microcred.keys.key_from_jwk(stored, public_only=False)
    assert out.strip() == key.thumbprint()  # type: ignore[attr-defined]
    assert stored["d"] not in out + err
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    code, out, _ = run(capsys, "keygen", "--type", kind, "-o", str(key_file), "--force", "--json")
    public = json.loads(out)
    assert public["type"] == kind
    assert "d" not in public["publicKeyJwk"]
    assert "secret" not in public


def test_keygen_secrets_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text("{}")
    key_file.chmod(0o644)
    code, out, err = run(capsys, "keygen", "-o", str(key_file), "--force", "--show-secret")
    assert code == 0
    secret = load_json(key_file)["secretKeyMultibase"]
    assert out.splitlines()[1] == secret
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # --force does not keep 0644
    code, out, err = run(capsys, "keygen", "-o", str(key_file))
    assert code == 2
    assert "exists; pass --force" in err


def test_issue_refuses_a_mismatched_issuer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "key.json"
    main(["keygen", "-o", str(key_file)])
    capsys.readouterr()
    unsigned = tmp_path / "badge.json"
    unsigned.write_text(json.dumps(_unsigned("https://example.edu/issuers/1")))
    assert main(["issue", str(unsigned), "--key", str(key_file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("microcred: error: ")  # as every command's (docs/cli.md)
    assert "verifiers would reject it" in err


def test_a_bad_option_is_told_with_the_commands_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--bogus", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: microcred verify ")
    assert "microcred verify: error: unrecognized arguments: --bogus" in err


class _LeftReader(io.StringIO):
    """A stdout whose reader has gone away: every write is a broken pipe."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_leaves_is_exit_141_not_a_failure(
    cases: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", _LeftReader())
    assert main(["verify", "--offline", *NOW, str(cases / "a-valid.json")]) == 141
    assert capsys.readouterr().err == ""


def test_issue_suites_and_jwt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = write(tmp_path / "key.json", to_key_file(KEY))
    unsigned = write(tmp_path / "badge.json", badge())
    code, out, _ = run(
        capsys, "issue", str(unsigned), "--key", str(key_file), "--suite", "eddsa-jcs-2022"
    )
    assert code == 0
    assert json.loads(out)["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    jwt = tmp_path / "badge.jwt"
    code, _, _ = run(
        capsys, "issue", str(unsigned), "--key", str(key_file), "--jwt", "-o", str(jwt)
    )
    assert code == 0
    assert jwt.read_text().count(".") == 2
    assert run(capsys, "verify", str(jwt), *NOW)[0] == 0

    p256 = tmp_path / "p256.json"
    run(capsys, "keygen", "--type", "p256", "-o", str(p256))
    code, _, err = run(capsys, "issue", str(unsigned), "--key", str(p256))
    assert code == 2
    assert "need an Ed25519 key" in err
    assert "--jwt --kid" in err
    code, _, err = run(capsys, "issue", str(unsigned), "--key", str(p256), "--jwt")
    assert code == 2
    assert "pass --kid" in err
    code, _, err = run(
        capsys,
        "issue",
        str(unsigned),
        "--key",
        str(p256),
        "--jwt",
        "--kid",
        "https://example.edu/keys/1",
    )
    assert code == 1  # the issuer is a did:key: that kid is another party's key
    assert "names a key of https://example.edu/keys/1: verifiers would reject it" in err
    code, out, _ = run(
        capsys, "issue", str(unsigned), "--key", str(p256), "--jwt", "--kid", "#p256"
    )
    assert code == 0
    assert out.count(".") == 2


# -- verify: outcomes, exit codes, output formats -----------------------------------------


def test_verify_folder_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tampered = tmp_path / "tampered.json"
    tampered.write_text((BADGES / "data-analysis.json").read_text().replace("Cleans", "Invents"))
    code, document = run_json(capsys, str(BADGES), str(tampered), *NOW)
    assert code == 1
    reports = document["results"]
    assert [r["verified"] for r in reports] == [True] * 5 + [False]
    assert {r["image"] for r in reports} == {None, "png", "svg"}
    assert reports[-1]["input"] == str(tampered)
    assert reports[-1]["errors"][0]["code"] == "PROOF_VERIFICATION_ERROR"


def test_json_schema_for_every_outcome(cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(capsys, str(cases), "--offline", *NOW)
    assert code == 1
    assert set(document) == {"microcred", "summary", "results"}
    assert document["microcred"] == microcred.__version__
    assert document["summary"] == {
        "total": 5,
        "verified": 1,
        "failed": 3,
        "indeterminate": 1,
        "unreadable": 0,
        "interrupted": False,
    }
    results = document["results"]
    for result, (name, outcome, code_) in zip(results, EXPECTED, strict=True):
        assert set(result) == RESULT_KEYS, result.keys()
        assert result["input"] == str(cases / name)
        assert result["outcome"] == outcome
        assert result["verified"] is (outcome == "verified")
        assert result["image"] is None
        assert [e["code"] for e in result["errors"]][:1] == ([code_] if code_ else [])
        assert all({"check", "status"} <= set(c) for c in result["checks"])
    assert results[0]["display"] == {"issuer": "Example University", "achievement": "Teamwork"}
    assert results[0]["credential"]["issuer"] == KEY.did
    assert results[3]["display"] == {"issuer": None, "achievement": None}


def test_text_output_one_line_per_credential(
    cases: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "verify", str(cases), "--offline", *NOW)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 6
    words = [line.split()[0] for line in lines[:5]]
    assert words == ["PASS", "FAIL", "FAIL", "FAIL", "INDETERMINATE"]
    assert lines[0].endswith("a-valid.json | Example University | Teamwork")
    assert "| proof: " in lines[1]
    assert "(at /proof/proofValue)" in lines[1]
    assert "| validity: " in lines[2]
    assert "2026-06-01" in lines[2]
    assert "| parse: the input is neither JSON, a VC-JWT, nor a PNG or SVG badge image" in lines[3]
    assert "| proof: " in lines[4]
    assert "offline" in lines[4]
    assert lines[5] == (
        "5 credential(s): 1 verified, 4 not verified (3 failed, 1 indeterminate, 0 unreadable)"
    )
    assert err == ""  # stderr is not a terminal: no progress


def test_junit_xml(cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "junit.xml"
    code, out, _ = run(
        capsys, "verify", str(cases), "--offline", "-q", "--junit", str(report), *NOW
    )
    assert code == 1
    assert out == ""
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "3", "1")
    cases_ = suite.findall("testcase")
    assert [c.get("name") for c in cases_] == [str(cases / name) for name, _, _ in EXPECTED]
    for case, (_, outcome, code_) in zip(cases_, EXPECTED, strict=True):
        children = [child.tag for child in case]
        expected = {"verified": [], "failed": ["failure"], "indeterminate": ["error"]}[outcome]
        assert children == expected
        if expected:
            element = case[0]
            assert element.get("type") == code_
            assert element.get("message", "").split(":")[0] in ("proof", "validity", "parse")
            assert f"outcome: {outcome}" in (element.text or "")


def test_quiet_prints_nothing(cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "verify", str(cases / "a-valid.json"), "-q", *NOW) == (0, "", "")
    assert run(capsys, "verify", str(cases), "--quiet", "--offline", *NOW) == (1, "", "")
    code, _, err = run(capsys, "verify", str(cases), "--quiet", "--json")
    assert code == 2
    assert "not allowed with" in err


def test_progress_only_on_a_terminal(
    cases: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    code, out, err = run(capsys, "verify", str(cases / "a-valid.json"), "--json", *NOW)
    assert code == 0
    assert "\rchecked 1/1" in err
    assert "checked 1/1" not in out
    json.loads(out)  # stdout holds the results only
    code, _, err = run(capsys, "verify", str(cases), "--json", "--offline", *NOW)
    assert code == 1
    assert re.search(r"\rchecked (\d+)/\1, [1-9]\d* not verified", err), err  # not "verified"


@pytest.mark.parametrize(("name", "value"), [("CI", "true"), ("CI", "1"), ("TERM", "dumb")])
def test_no_progress_in_ci_or_on_a_dumb_terminal(
    name: str,
    value: str,
    cases: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A CI log keeps every redraw, and a dumb terminal cannot redraw: stderr stays empty."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv(name, value)
    assert run(capsys, "verify", str(cases / "a-valid.json"), "--json", *NOW)[::2] == (0, "")


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.dumps(sign(badge())).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, document = run_json(capsys, "-", *NOW)
    assert code == 0
    assert document["results"][0]["input"] == "-"
    code, _, err = run(capsys, "verify", "-", "-")
    assert code == 2
    assert "only once" in err


def test_a_file_that_is_not_a_credential_fails_with_1(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("this is not json")
    assert main(["verify", str(junk), "--quiet"]) == 1


@pytest.mark.parametrize(
    "content", [b"", b"[1, 2]", b'{"a": 1, "a": 2}', b"\x89PNG\r\n\x1a\ntruncated", b"<svg"]
)
def test_malformed_inputs_are_failed_credentials(
    content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write(tmp_path / "input.bin", content)
    code, document = run_json(capsys, str(file))
    assert code == 1
    (result,) = document["results"]
    assert result["outcome"] == "failed"
    assert result["checks"][0]["check"] == "parse"
    assert result["checks"][0]["message"]


def test_unreadable_input_exits_2_after_checking_the_rest(
    cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "gone.json")
    code, document = run_json(capsys, str(cases / "a-valid.json"), str(dangling), *NOW)
    assert code == 2
    assert [r["outcome"] for r in document["results"]] == ["verified", "unreadable"]
    assert document["summary"]["unreadable"] == 1
    error = document["results"][1]["errors"][0]
    assert error["code"] == "INPUT_UNREADABLE"
    assert "check the path" in error["message"]
    code, out, _ = run(capsys, "verify", str(dangling))
    assert code == 2
    assert out.startswith("UNREADABLE")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["verify", "does-not-exist.json"], "no such file or folder"),
        (["verify", "no-such-dir/*.json"], "no files match"),
        (["verify", "--now", "yesterday", str(BADGES)], "--now must be an ISO 8601"),
        (["verify", "--pin", "no-equals-sign", str(BADGES)], "--pin takes URL=FILE"),
        (["verify", "--pins", "missing-map.json", str(BADGES)], "cannot read pins map"),
        (["verify", "--jobs", "-2", str(BADGES)], "--jobs must be"),
        *(
            (["verify", "--leeway", bad, str(BADGES)], "--leeway must be from 0 to")
            for bad in ("-1", "nan", "inf", "1e308")
        ),
        (["verify", "--connect-to", "a:b", str(BADGES)], "HOST:PORT:ADDRESS:PORT"),
        (["verify", "--ca-bundle", "missing.pem", str(BADGES)], "cannot load the CA bundle"),
        (["verify", "--junit", "no-such-dir/out.xml", str(BADGES)], "does not exist"),
        (["verify", "--policy", "missing.toml", str(BADGES)], "cannot read policy file"),
        (["verify"], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "error:" in err
    assert message in err


def _denied(monkeypatch: pytest.MonkeyPatch, name: str, denied: Path) -> None:
    """``os.<name>`` raises EACCES for ``denied``, as it does for a user without access
    (faked: the tests may run as root, whom permissions do not stop)."""
    real = getattr(os, name)

    def guarded(path: Any, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, guarded)


@pytest.mark.parametrize("where", ["top", "inside"])
def test_a_folder_that_cannot_be_listed_is_a_usage_error(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not 'holds no credential files', nor a silent skip of what it may hold."""
    inner = tmp_path / "inner"
    inner.mkdir()
    write(tmp_path / "a.json", json.dumps(sign(badge())))
    denied = tmp_path if where == "top" else inner
    _denied(monkeypatch, "scandir", denied)
    code, out, err = run(capsys, "verify", "--offline", str(tmp_path))
    assert (code, out) == (2, "")
    assert f"{denied}: Permission denied; check the permissions" in err


def test_a_file_in_a_folder_without_access_is_not_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "locked" / "signed.json"
    _denied(monkeypatch, "lstat", target)
    code, _, err = run(capsys, "verify", "--offline", str(target))
    assert code == 2
    assert "signed.json: Permission denied; check the permissions of it and of the folders" in err
    assert "no such file" not in err


def test_leeway_and_far_clocks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--leeway forgives that much clock skew and no more; clocks near year 1 or 9999 are
    verdicts, not overflows."""
    early = write(
        tmp_path / "early.json", sign(ob_badge(KEY.did, valid_from="2026-11-22T00:10:00Z"))
    )
    at = ["--now", "2026-11-22T00:00:00Z"]
    assert run_json(capsys, str(early), *at)[0] == 1
    assert run_json(capsys, str(early), *at, "--leeway", "599")[0] == 1
    assert run_json(capsys, str(early), *at, "--leeway", "600")[0] == 0
    valid = write(tmp_path / "valid.json", sign(badge()))
    assert run_json(capsys, str(valid), "--now", "9999-12-31T23:59:59Z")[0] == 0
    code, document = run_json(capsys, str(valid), "--now", "0001-01-01T00:00:00Z")
    assert code == 1
    pointers = {error["pointer"] for error in document["results"][0]["errors"]}
    assert pointers == {"/proof/created", "/validFrom"}  # both lie in that clock's future


def test_trust_embedded_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A key only in the JWS header proves integrity, not authorship, unless trusted."""
    rsa = microcred.RSAKey.generate()
    token = microcred.issue_jwt(ob_badge("https://jwt.example/issuers/1"), rsa, embed_jwk=True)
    path = write(tmp_path / "badge.jwt", token)
    code, document = run_json(capsys, str(path), *NOW)
    assert code == 1
    issuer = next(c for c in document["results"][0]["checks"] if c["check"] == "issuer")
    assert (issuer["status"], issuer["code"]) == ("indeterminate", "EMBEDDED_KEY_NOT_TRUSTED")
    assert run_json(capsys, str(path), *NOW, "--trust-embedded-keys")[0] == 0


def test_empty_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "notes.txt", "not a credential file")
    code, _, err = run(capsys, "verify", str(tmp_path))
    assert code == 2
    assert "holds no credential files" in err


def test_terminal_escapes_in_credentials_are_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = badge()
    document["issuer"]["name"] = "Evil\x1b[2J\nPASS  forged.json"
    file = write(tmp_path / "evil.json", sign(document))
    code, out, _ = run(capsys, "verify", str(file), *NOW)
    assert code == 0
    assert "\x1b" not in out
    assert len(out.splitlines()) == 2
    assert "Evil\\u001b[2J\\u000aPASS" in out


# -- inputs: folders, globs, images, JWTs ---------------------------------------------------


def test_folder_mixing_json_jwt_png_and_svg(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mixed"
    (folder / "nested").mkdir(parents=True)
    (folder / ".hidden").mkdir()
    credential = sign(badge())
    token = microcred.issue_jwt(badge(name="Token"), KEY)
    write(folder / "1.json", credential)
    write(folder / "2.jwt", token)
    write(folder / "nested" / "3.png", bake(png_image(), credential))
    write(folder / "nested" / "4.svg", bake(SVG_IMAGE, token))
    write(folder / "5.json", token)  # by content, not by name: a JWT in a .json file
    write(folder / "6.png", png_image())  # an image without a credential: failed
    write(folder / ".hidden" / "7.json", "skipped: hidden")
    write(folder / "8.txt", "skipped: not a credential suffix")
    code, document = run_json(capsys, str(folder), *NOW)
    assert code == 1
    got = [
        (Path(r["input"]).name, r["outcome"], r["format"], r["image"], r["display"]["achievement"])
        for r in document["results"]
    ]
    assert got == [
        ("1.json", "verified", "json", None, "Teamwork"),
        ("2.jwt", "verified", "jwt", None, "Token"),
        ("5.json", "verified", "jwt", None, "Token"),
        ("6.png", "failed", "unknown", "png", None),
        ("3.png", "verified", "json", "png", "Teamwork"),
        ("4.svg", "verified", "jwt", "svg", "Token"),
    ]
    assert "no baked credential" in document["results"][3]["errors"][0]["message"]


def test_globs_and_duplicates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a.json", "b.json", "c.jwt"):
        write(tmp_path / name, sign(badge()))
    code, document = run_json(capsys, str(tmp_path / "*.json"), str(tmp_path / "a.json"), *NOW)
    assert code == 0
    assert [Path(r["input"]).name for r in document["results"]] == ["a.json", "b.json"]


def test_presentations_and_their_challenge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vp = microcred.sign_presentation([sign(badge())], OTHER, challenge="c-1", created=CREATED)
    file = write(tmp_path / "vp.json", vp)
    code, out, _ = run(capsys, "verify", str(file), "--challenge", "c-1", *NOW)
    assert code == 0
    assert f"| {OTHER.did} | presentation of 1 credential(s)" in out
    code, document = run_json(capsys, str(file), "--challenge", "c-2", "-j", "2", *NOW)
    assert code == 1
    assert document["results"][0]["outcome"] == "failed"
    code, document = run_json(capsys, str(file), *NOW)  # no challenge expected: a warning
    assert code == 0
    assert document["results"][0]["warnings"][0]["code"] == "NO_CHALLENGE"


def test_presentations_and_their_domain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vp = microcred.sign_presentation(
        [sign(badge())], OTHER, challenge="c-1", domain="verifier.example", created=CREATED
    )
    file = write(tmp_path / "vp.json", vp)
    args = [str(file), "--challenge", "c-1", *NOW]
    code, document = run_json(capsys, *args, "--domain", "verifier.example")
    assert code == 0, document
    (result,) = document["results"]
    assert (result["outcome"], result["errors"], result["warnings"]) == ("verified", [], [])
    code, document = run_json(capsys, *args, "--domain", "other.example")
    assert code == 1
    (result,) = document["results"]
    assert result["outcome"] == "failed"
    assert result["errors"][0]["code"] == "INVALID_DOMAIN_ERROR"
    assert "'verifier.example', expected 'other.example'" in result["errors"][0]["message"]
    code, out, _ = run(capsys, "verify", *args, "--domain", "other.example")
    assert (code, out.startswith("FAIL")) == (1, True)
    # A presentation made for no domain does not pass where one is expected.
    undirected = microcred.sign_presentation([sign(badge())], OTHER, challenge="c-1")
    file = write(tmp_path / "undirected.json", undirected)
    code, document = run_json(capsys, str(file), "--challenge", "c-1", "--domain", "v.example")
    assert code == 1
    assert document["results"][0]["errors"][0]["code"] == "INVALID_DOMAIN_ERROR"


# -- pins and offline -----------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_offline_pins_verify_did_web_and_https_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_network: None
) -> None:
    did_web = sign(ob_badge(DID_WEB, valid_from=CREATED), method=f"{DID_WEB}#key-1")
    credential = write(tmp_path / "did-web.json", did_web)
    write(tmp_path / "did.json", did_web_document())
    pin_map = write(
        tmp_path / "pins.json", {"https://issuer.example/.well-known/did.json": "did.json"}
    )
    args = [str(credential), str(SPEC_BASIC), "--offline", *NOW]
    code, document = run_json(capsys, *args)
    assert code == 1
    assert [r["outcome"] for r in document["results"]] == ["indeterminate", "indeterminate"]
    url_map = str(SPEC_EXAMPLES / "url-map.json")  # the {"description", "urls": {...}} form
    code, document = run_json(capsys, *args, "--pins", str(pin_map), "--pins", url_map)
    assert code == 0, document
    assert document["summary"]["verified"] == 2
    code, document = run_json(
        capsys, *args, "--pins", url_map, "--pin", f"{DID_WEB}={tmp_path / 'did.json'}"
    )
    assert code == 0, document


def test_pinned_as_not_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    did_web = sign(ob_badge(DID_WEB, valid_from=CREATED), method=f"{DID_WEB}#key-1")
    credential = write(tmp_path / "did-web.json", did_web)
    pin_map = write(tmp_path / "pins.json", {DID_WEB: None})
    code, document = run_json(capsys, str(credential), "--pins", str(pin_map), *NOW)
    assert code == 1
    assert document["results"][0]["errors"][0]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("option", ["--pins", "--pin"])
def test_a_pin_file_nested_too_deeply_is_a_usage_error(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    value = str(deep) if option == "--pins" else f"https://issuer.example/key={deep}"
    code, _, err = run(capsys, "verify", str(BADGES), "--offline", option, value)
    assert code == 2
    assert "nests too deeply" in err


def test_pins_verify_https_keys_offline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(SPEC_BASIC), "--offline", *NOW]) == 1  # no key document
    assert "verifying offline" in capsys.readouterr().out
    mapping = load_json(SPEC_EXAMPLES / "url-map.json")["urls"]
    pin_args = [f"--pin={url}={SPEC_EXAMPLES / file}" for url, file in mapping.items()]
    assert main(["verify", str(SPEC_BASIC), "--offline", *NOW, *pin_args]) == 0


# -- status lists over HTTPS: revoked, active, indeterminate ---------------------------------


@pytest.fixture
def network_args(server: HTTPSServer, tmp_path: Path) -> list[str]:
    ca = tmp_path / "ca.pem"
    server.ca.cert_pem.write_to_path(str(ca))
    return [
        "--ca-bundle",
        str(ca),
        "--allow-private-networks",
        "--connect-to",
        f"issuer.example:443:127.0.0.1:{server.port}",
    ]


def _status_setup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, Path, list[Path]]:
    """A status list made with 'microcred status' and two badges with entries on it."""
    key_file = write(tmp_path / "issuer-key.json", to_key_file(KEY))
    listing = tmp_path / "list.json"
    url = "https://issuer.example/status/1"
    code, _, err = run(
        capsys,
        "status",
        "create",
        "--url",
        url,
        "--issuer",
        KEY.did,
        "--key",
        str(key_file),
        "--valid-from",
        CREATED,
        "-o",
        str(listing),
    )
    assert code == 0, err
    assert (tmp_path / "list.allocations.json").exists()
    badges = []
    for name in ("active", "revoked"):
        code, out, err = run(capsys, "status", "entry", str(listing))
        assert code == 0, err
        entry = json.loads(out)
        assert entry["statusListCredential"] == url
        badges.append(write(tmp_path / f"{name}.json", sign(badge(credentialStatus=entry))))
    return key_file, listing, badges


def test_revoked_active_and_indeterminate_status(
    server: HTTPSServer,
    network_args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The real clock: 'status set' signs the list now, so a pinned --now would precede it.
    key_file, listing, (active, revoked) = _status_setup(tmp_path, capsys)
    index = json.loads(revoked.read_text())["credentialStatus"]["statusListIndex"]
    code, _, err = run(capsys, "status", "set", str(listing), index, "--key", str(key_file))
    assert code == 0, err
    server.route("/status/1", json=load_json(listing), host="issuer.example")
    junit = tmp_path / "junit.xml"
    code, document = run_json(
        capsys, str(active), str(revoked), "--junit", str(junit), *network_args
    )
    assert code == 1
    assert [r["outcome"] for r in document["results"]] == ["verified", "failed"], document
    assert document["results"][1]["errors"][0]["code"] == "REVOKED"
    failure = ET.parse(junit).getroot().find("testsuite/testcase[2]/failure")
    assert failure is not None
    assert failure.get("type") == "REVOKED"

    code, _, err = run(capsys, "status", "clear", str(listing), index, "--key", str(key_file))
    assert code == 0, err
    server.route("/status/1", json=load_json(listing), host="issuer.example")
    code, out, _ = run(capsys, "verify", str(revoked), *network_args)
    assert code == 0, out

    server.route("/status/1", status=503, host="issuer.example")
    code, document = run_json(capsys, str(active), *network_args)
    assert code == 1
    assert document["results"][0]["outcome"] == "indeterminate"
    status = next(c for c in document["results"][0]["checks"] if c["check"] == "status")
    assert status["status"] == "indeterminate"
    policy = write(tmp_path / "policy.toml", 'indeterminate_status = "warn"\n')
    code, document = run_json(capsys, str(active), "--policy", str(policy), *network_args)
    assert code == 0
    (result,) = document["results"]
    assert result["outcome"] == "verified"
    assert "status not checked" in result["warnings"][-1]["message"]


def test_refresh_only_when_asked(
    server: HTTPSServer,
    network_args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "https://issuer.example/refresh/cli"
    old_id = "urn:uuid:0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a41"
    new_id = "urn:uuid:7e6f5a41-9c8d-4b72-8a61-0b1c2d3e4f50"

    def refreshable(ident: str, name: str) -> dict[str, Any]:
        return sign(
            badge(
                ident=ident,
                name=name,
                extra_context=("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",),
                refreshService={"id": url, "type": "1EdTechCredentialRefresh"},
            )
        )

    server.route("/refresh/cli", json=refreshable(new_id, "Renewed"), host="issuer.example")
    file = write(tmp_path / "old.json", refreshable(old_id, "Old"))
    code, document = run_json(capsys, str(file), *network_args, *NOW)
    assert code == 0, document
    (result,) = document["results"]
    refresh = next(c for c in result["checks"] if c["check"] == "refresh")
    assert refresh["status"] == "skipped"
    assert url in refresh["message"]
    assert result["credential"]["id"] == old_id
    assert server.fetched("/refresh/cli", host="issuer.example") == 0

    code, document = run_json(capsys, str(file), "--refresh", *network_args, *NOW)
    assert code == 0, document
    (result,) = document["results"]
    refresh = next(c for c in result["checks"] if c["check"] == "refresh")
    assert refresh["status"] == "passed"
    assert result["credential"]["id"] == new_id, result  # the refreshed one was verified
    assert server.fetched("/refresh/cli", host="issuer.example") == 1

    server.route("/refresh/cli", status=404, host="issuer.example")
    code, document = run_json(capsys, str(file), "--refresh", *network_args, *NOW)
    assert code == 1
    (result,) = document["results"]
    assert result["outcome"] == "indeterminate"
    refresh = next(c for c in result["checks"] if c["check"] == "refresh")
    assert refresh["status"] == "indeterminate"


def test_ca_bundle_from_the_environment(
    server: HTTPSServer,
    network_args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, listing, (active, _) = _status_setup(tmp_path, capsys)
    server.route("/status/1", json=load_json(listing), host="issuer.example")
    without_ca = network_args[2:]
    code, document = run_json(capsys, str(active), *without_ca)
    assert code == 1
    assert document["results"][0]["outcome"] == "indeterminate"
    assert "CERTIFICATE_VERIFY_FAILED" in document["results"][0]["errors"][0]["message"]
    monkeypatch.setenv("MICROCRED_CA_BUNDLE", network_args[1])
    assert run_json(capsys, str(active), *without_ca)[0] == 0


def test_status_commands_refuse_mistakes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file, listing, _ = _status_setup(tmp_path, capsys)
    url = "https://issuer.example/status/1"
    create = ["status", "create", "--url", url, "--issuer", KEY.did, "--key", str(key_file)]
    code, _, err = run(capsys, *create, "-o", str(listing))
    assert code == 2
    assert "would lose the list's entries" in err
    code, _, err = run(capsys, *create, "-o", str(tmp_path / "small.json"), "--size", "8")
    assert code == 2
    assert "herd privacy" in err
    other = write(tmp_path / "other-key.json", to_key_file(OTHER))
    code, _, err = run(capsys, "status", "set", str(listing), "1", "--key", str(other))
    assert code == 2
    assert "did not sign" in err
    code, _, err = run(capsys, "status", "set", str(listing), "999999999", "--key", str(key_file))
    assert code == 2
    assert "outside the list" in err
    allocated = load_json(tmp_path / "list.allocations.json")["allocated"]
    code, _, err = run(capsys, "status", "entry", str(listing), "--index", str(allocated[0]))
    assert code == 2
    assert "already allocated" in err
    (tmp_path / "list.allocations.json").unlink()
    code, _, err = run(capsys, "status", "entry", str(listing))
    assert code == 2
    assert "could be handed out twice" in err
    listed = load_json(listing)
    assert "allocated" not in json.dumps(listed)  # the allocation is never published


# -- policy --------------------------------------------------------------------------------


def test_trusted_issuers(cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    valid = str(cases / "a-valid.json")
    policy = write(tmp_path / "policy.toml", 'trusted_issuers = ["did:web:registrar.example"]\n')
    code, document = run_json(capsys, valid, "--policy", str(policy), *NOW)
    assert code == 1
    (result,) = document["results"]
    error = result["errors"][0]
    assert error["code"] == "UNTRUSTED_ISSUER"
    assert error["pointer"] == "/issuer"
    assert KEY.did in error["message"]
    assert "not among the trusted issuers" in error["message"]
    code, out, _ = run(capsys, "verify", valid, "--policy", str(policy), *NOW)
    assert "| policy: issuer did:key:" in out
    code, document = run_json(
        capsys, valid, "--policy", str(policy), "--trust-issuer", KEY.did, *NOW
    )
    assert code == 0
    assert document["results"][0]["checks"][-1]["check"] == "policy"
    assert run_json(capsys, valid, "--trust-issuer", KEY.did, *NOW)[0] == 0
    assert run_json(capsys, valid, "--trust-issuer", "did:web:other.example", *NOW)[0] == 1


def test_policy_suites_algorithms_and_required_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rdfc = write(tmp_path / "rdfc.json", sign(badge()))
    token = write(tmp_path / "token.jwt", microcred.issue_jwt(badge(), KEY))
    policy = write(
        tmp_path / "policy.json",
        {"accepted_suites": ["eddsa-jcs-2022"], "accepted_jwt_algorithms": ["ES256"]},
    )
    code, document = run_json(capsys, str(rdfc), str(token), "--policy", str(policy), *NOW)
    assert code == 1
    codes = [r["errors"][0]["code"] for r in document["results"]]
    assert codes == ["UNSUPPORTED_CRYPTOSUITE", "JWT_ALGORITHM_NOT_ACCEPTED"]
    required = write(tmp_path / "required.toml", 'required_checks = ["status"]\n')
    code, document = run_json(capsys, str(rdfc), "--policy", str(required), *NOW)
    assert code == 1
    error = document["results"][0]["errors"][0]
    assert error["code"] == "REQUIRED_CHECK_NOT_PASSED"
    assert "requires the status check to pass, but it is skipped" in error["message"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('trusted_issuer = ["x"]\n', "unknown key 'trusted_issuer'"),
        ("trusted_issuers = 'x'\n", "must be a list of strings"),
        ('accepted_suites = ["eddsa-2022"]\n', "choose from"),
        ('accepted_jwt_algorithms = ["HS256"]\n', "choose from"),
        ('required_checks = ["revocation"]\n', "choose from"),
        ('indeterminate_status = "ignore"\n', 'must be "fail" or "warn"'),
        ("accepted_suites = []\n", "accepted_suites is empty"),
        ("accepted_jwt_algorithms = []\n", "accepted_jwt_algorithms is empty"),
        ('{"trusted_issuers": null}', "must be a list of strings (leave the key out"),
        (
            '{"trusted_issuers": ["did:example:x"], "trusted_issuers": null}',
            "key 'trusted_issuers' twice",
        ),
        ("this is = not toml", "not valid TOML"),
        ('{"trusted_issuers": [1]', "not valid JSON"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nests too deeply"),
        ('{"x": ' + "[" * 5000 + "]" * 5000 + "}", "nests too deeply"),
    ],
)
def test_bad_policy_files(
    content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = write(tmp_path / "policy.toml", content)
    code, _, err = run(capsys, "verify", str(BADGES), "--policy", str(policy))
    assert code == 2
    assert message in err


# -- workers and Ctrl-C --------------------------------------------------------------------


def test_two_jobs_give_the_same_output_as_one(
    cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(4):
        write(cases / f"f-{i}.json", sign(badge(name=f"Badge {i}")))
    write(cases / "g.png", bake(png_image(), sign(badge())))
    args = [str(cases), "--offline", *NOW]
    one = run(capsys, "verify", *args, "-j", "1")
    two = run(capsys, "verify", *args, "-j", "2")
    assert one == two
    assert one[0] == 1
    assert len(one[1].splitlines()) == 11
    assert run_json(capsys, *args, "-j", "1") == run_json(capsys, *args, "--jobs", "2")


def test_a_long_list_goes_to_workers_in_chunks_and_keeps_its_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signed = sign(badge())
    for i in range(200):  # 200 sources: chunks of 3 (one by one below 64)
        write(tmp_path / f"{i:03}.json", signed if i % 7 else {**signed, "name": "tampered"})
    one = run_json(capsys, str(tmp_path), "--offline", *NOW, "-j", "1")
    two = run_json(capsys, str(tmp_path), "--offline", *NOW, "-j", "2")
    assert one == two
    outcomes = [r["outcome"] for r in one[1]["results"]]
    assert outcomes == ["verified" if i % 7 else "failed" for i in range(200)]


def _dies(sources: Any) -> Any:
    """Stands in for the worker's check: the worker process ends, as if killed."""
    os._exit(3)


def test_a_worker_that_dies_is_an_error_message_not_a_traceback(
    cases: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from microcred.cli import _run

    monkeypatch.setattr(_run, "_check_in_worker", _dies)
    code, _, err = run(capsys, "verify", str(cases), "--offline", "-j", "2", *NOW)
    assert code == 1
    assert "worker process stopped abruptly" in err
    assert "-j 1 verifies in this process" in err
    assert "Traceback" not in err


def test_ctrl_c_stops_cleanly_and_prints_what_finished(
    cases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from microcred.cli import _run

    real = _run.check_source
    calls = 0

    def interrupted_on_third(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(_run, "check_source", interrupted_on_third)
    code, out, err = run(capsys, "verify", str(cases), "--offline", *NOW)
    assert code == 130
    lines = out.splitlines()
    assert [line.split()[0] for line in lines[:2]] == ["PASS", "FAIL"]
    assert lines[2].endswith("interrupted: 3 of 5 input(s) not checked")
    assert "interrupted after 2 of 5" in err

    calls = 0
    junit = tmp_path / "partial.xml"
    code, document = run_json(capsys, str(cases), "--offline", "--junit", str(junit), *NOW)
    assert code == 130
    assert document["summary"]["interrupted"] is True
    assert len(document["results"]) == 2
    assert len(ET.parse(junit).getroot().findall("testsuite/testcase")) == 2


# -- bake, unbake, inspect ------------------------------------------------------------------


def test_bake_unbake_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    credential = write(tmp_path / "badge.json", sign(badge()))
    token = write(tmp_path / "badge.jwt", microcred.issue_jwt(badge(), KEY))
    png = write(tmp_path / "plain.png", png_image())
    svg = write(tmp_path / "plain.svg", SVG_IMAGE)
    for image, payload, out_name in ((png, credential, "b.png"), (svg, token, "b.svg")):
        baked = tmp_path / out_name
        assert run(capsys, "bake", str(image), str(payload), "-o", str(baked))[0] == 0
        code, out, _ = run(capsys, "unbake", str(baked))
        assert code == 0
        if payload.suffix == ".json":
            assert json.loads(out) == load_json(payload)
        else:
            assert out == payload.read_text() + "\n"
        assert run(capsys, "verify", str(baked), *NOW)[0] == 0
    code, _, err = run(capsys, "unbake", str(png))
    assert code == 1
    assert "no baked credential" in err
    code, _, err = run(capsys, "bake", str(credential), str(credential), "-o", "x.png")
    assert code == 2
    assert "neither a PNG nor an SVG" in err
    unsigned = write(tmp_path / "unsigned.json", badge())
    code, _, err = run(capsys, "bake", str(png), str(unsigned), "-o", str(tmp_path / "u.png"))
    assert code == 0
    assert "warning: " in err
    assert "has no proof" in err


def test_inspect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = {
        "id": "https://issuer.example/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://issuer.example/status/1",
    }
    signed = sign(badge(credentialStatus=entry, validUntil="2030-01-01T00:00:00Z"))
    files = {
        "JSON": write(tmp_path / "badge.json", signed),
        "VC-JWT": write(tmp_path / "badge.jwt", microcred.issue_jwt(badge(), KEY)),
        "baked PNG image, JSON": write(tmp_path / "badge.png", bake(png_image(), signed)),
        "baked SVG image, VC-JWT": write(
            tmp_path / "badge.svg", bake(SVG_IMAGE, microcred.issue_jwt(badge(), KEY))
        ),
    }
    for form, file in files.items():
        code, out, _ = run(capsys, "inspect", str(file))
        assert code == 0
        lines = out.splitlines()
        assert lines[0].startswith("NOT VERIFIED — use `microcred verify`")
        assert lines[1] == f"File:          {file} ({form})"
        assert f"Issuer:        Example University ({KEY.did})" in lines
        assert "Recipient:     did:example:learner" in lines
        assert "Achievement:   Teamwork (https://example.edu/achievements/teamwork)" in lines
        assert "  Criteria:    Completed the group project." in lines
        assert "Valid from:    2026-01-01T00:00:00Z" in lines
    out = run(capsys, "inspect", str(files["JSON"]))[1]
    assert "Status:        BitstringStatusListEntry revocation, index 94567 of " in out
    assert "Valid until:   2030-01-01T00:00:00Z" in out
    assert f"Proof:         DataIntegrityProof eddsa-rdfc-2022 by {KEY.verification_method}" in out
    assert "Proof:         VC-JWT, alg EdDSA" in run(capsys, "inspect", str(files["VC-JWT"]))[1]
    junk = write(tmp_path / "junk.json", "junk")
    code, _, err = run(capsys, "inspect", str(junk))
    assert code == 1
    assert "is not a credential: the input is neither JSON, a VC-JWT, nor" in err
    array = write(tmp_path / "array.json", "[]")
    assert (
        "is not a credential: a credential is a JSON object, not an array"
        in run(capsys, "inspect", str(array))[2]
    )
    empty = write(tmp_path / "empty.json", "")
    assert "is not a credential: the input is empty" in run(capsys, "inspect", str(empty))[2]
    assert run(capsys, "inspect", str(tmp_path / "missing.json"))[0] == 2


def test_inspect_endorsements_and_presentations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    complete = SPEC_EXAMPLES / "ob-spec-rendered-2024-04-03" / "complete-openbadgecredential.jwt"
    code, out, _ = run(capsys, "inspect", str(complete))
    assert code == 0
    assert "Endorsements:  5" in out
    assert "Endorsement at /endorsement/0:" in out
    vp = microcred.sign_presentation([sign(badge())], OTHER, challenge="c-1", created=CREATED)
    code, out, _ = run(capsys, "inspect", str(write(tmp_path / "vp.json", vp)))
    assert code == 0
    assert f"Holder:        {OTHER.did}" in out
    assert "Credential at /verifiableCredential/0:" in out


# -- as a subprocess ------------------------------------------------------------------------


def _subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "microcred", *args], capture_output=True, text=True, timeout=120
    )


def test_python_dash_m_and_version() -> None:
    done = _subprocess("--version")
    assert done.returncode == 0
    assert done.stdout.startswith("microcred ")
    done = _subprocess("verify", str(BADGES), *NOW)
    assert done.returncode == 0, done.stderr
    assert "5 verified" in done.stdout


def test_subprocess_exit_codes_json_and_junit(cases: Path, tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    done = _subprocess(
        "verify", str(cases), "--offline", "--json", "--junit", str(junit), "-j", "2", *NOW
    )
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert [r["outcome"] for r in document["results"]] == [e[1] for e in EXPECTED]
    assert done.stderr == ""
    assert ET.parse(junit).getroot().find("testsuite").get("tests") == "5"  # type: ignore[union-attr]
    assert _subprocess("verify", str(cases / "a-valid.json"), "-q", *NOW).returncode == 0
    done = _subprocess("verify", str(tmp_path / "missing.json"))
    assert done.returncode == 2
    assert "no such file or folder" in done.stderr
    done = _subprocess("verify", "--bogus", str(cases))
    assert done.returncode == 2
    assert "unrecognized arguments" in done.stderr


def test_subprocess_mixed_folder_with_an_unreadable_input(tmp_path: Path) -> None:
    """JSON, JWT, PNG and SVG inputs and a dangling symlink, with --json and --junit: every
    input gets its result and its testcase, in order, and the unreadable one makes it exit 2."""
    folder = tmp_path / "mixed"
    (folder / "nested").mkdir(parents=True)
    credential = sign(badge())
    token = microcred.issue_jwt(badge(name="Token"), KEY)
    write(folder / "1.json", credential)
    write(folder / "2.jwt", token)
    write(folder / "3-tampered.json", {**credential, "name": "Forged"})
    write(folder / "4.png", png_image())  # no credential baked in
    (folder / "5.json").symlink_to(tmp_path / "gone.json")  # dangling: unreadable
    write(folder / "6.json", SPEC_BASIC.read_bytes())  # HTTPS key, offline: indeterminate
    write(folder / "nested" / "7.png", bake(png_image(), credential))
    write(folder / "nested" / "8.svg", bake(SVG_IMAGE, token))
    expected = [  # (input, outcome, JUnit child, its type)
        ("1.json", "verified", None, None),
        ("2.jwt", "verified", None, None),
        ("3-tampered.json", "failed", "failure", "PROOF_VERIFICATION_ERROR"),
        ("4.png", "failed", "failure", "MALFORMED_CREDENTIAL"),
        ("5.json", "unreadable", "error", "INPUT_UNREADABLE"),
        ("6.json", "indeterminate", "error", "DOCUMENT_LOAD_ERROR"),
        ("nested/7.png", "verified", None, None),
        ("nested/8.svg", "verified", None, None),
    ]
    junit = tmp_path / "junit.xml"
    done = _subprocess(
        "verify", str(folder), "--offline", "--json", "--junit", str(junit), "-j", "2", *NOW
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    document = json.loads(done.stdout)
    inputs = [str(folder / name) for name, *_ in expected]
    assert [(r["input"], r["outcome"]) for r in document["results"]] == [
        (path, outcome) for path, (_, outcome, *_) in zip(inputs, expected, strict=True)
    ]
    assert [r["format"] for r in document["results"]][:2] == ["json", "jwt"]
    assert [r["image"] for r in document["results"]][-2:] == ["png", "svg"]
    assert document["summary"] == {
        "total": 8,
        "verified": 4,
        "failed": 2,
        "indeterminate": 1,
        "unreadable": 1,
        "interrupted": False,
    }

    (suite,) = ET.parse(junit).getroot().findall("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("8", "2", "2")
    testcases = suite.findall("testcase")
    assert [case.get("name") for case in testcases] == inputs
    for case, (name, outcome, tag, kind) in zip(testcases, expected, strict=True):
        assert [child.tag for child in case] == ([tag] if tag else []), name
        if tag:
            assert case[0].get("type") == kind, name
            assert f"outcome: {outcome}" in (case[0].text or ""), name


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_in_a_subprocess(jobs: str, tmp_path: Path) -> None:
    """A real Ctrl-C reaches the whole process group, workers included: exit 130, and no
    traceback from any process."""
    folder = tmp_path / "many"
    folder.mkdir()
    credential = json.dumps(sign(badge()))
    for i in range(5000):  # seconds of work, so that the signal lands mid-run on any machine
        write(folder / f"{i:04}.json", credential)
    process = subprocess.Popen(
        [sys.executable, "-m", "microcred", "verify", str(folder), "--offline", "-j", jobs, *NOW],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # a test run started in the background (no job control) ignores SIGINT, and a child
        # inherits that: give it the default disposition, as a terminal's Ctrl-C would meet
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("PASS")  # verification has started
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted: " in out.splitlines()[-1]
    assert "Traceback" not in err
    assert err.strip().startswith("microcred: interrupted after")


def test_no_stray_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Atomic writes leave no temporary files behind."""
    key = tmp_path / "k.json"
    run(capsys, "keygen", "-o", str(key))
    run(capsys, "keygen", "-o", str(key), "--force")
    assert sorted(os.listdir(tmp_path)) == ["k.json"]


JWS_LOOKALIKES = [
    b"eyJhbGciOiJFZERTQSJ9.\xff\xfe.abc",  # 'ey' and two dots, but not ASCII
    "eyJhbGciOiJFZERTQSJ9.\u00e9.abc".encode(),
    b"ey.a.b c",
    b" eyJ.x.y \n",
    b"ey..",
]


@pytest.mark.parametrize("data", JWS_LOOKALIKES)
def test_text_that_looks_like_a_jws_is_refused_not_a_traceback(
    data: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for given in (data, data.decode("utf-8", "surrogateescape")):
        report = microcred.check(given, offline=True)
        assert not report.verified
        assert report.check("parse").code == "MALFORMED_CREDENTIAL"
    path = tmp_path / "token.jwt"
    path.write_bytes(data)
    code, document = run_json(capsys, str(path), "--offline")
    assert code == 1
    (result,) = document["results"]
    assert result["outcome"] == "failed"
    assert result["errors"][0]["code"] == "MALFORMED_CREDENTIAL"


def test_a_fifo_in_a_folder_or_a_pattern_is_passed_over(tmp_path: Path) -> None:
    # opening a FIFO blocks until something writes to it: the walk of a folder hung on one
    folder = tmp_path / "inbox"
    folder.mkdir()
    write(folder / "badge.json", sign(badge()))
    os.mkfifo(folder / "pipe.json")
    for source in (str(folder), str(folder / "*.json")):
        done = subprocess.run(
            [sys.executable, "-m", "microcred", "verify", source, "--offline", *NOW],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "1 verified" in done.stdout
        assert "pipe.json" not in done.stdout


def test_a_file_name_that_is_not_utf8_is_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its bytes come back as \\xe9, not as a lone surrogate that strict JSON parsers refuse."""
    name = os.fsdecode(b"caf\xe9.json")
    write(tmp_path / name, json.dumps(sign(badge())))
    code, out, _ = run(capsys, "verify", "--json", "--offline", *NOW, str(tmp_path))
    assert code == 0
    assert json.loads(out)["results"][0]["input"] == f"{tmp_path}/caf\\xe9.json"
    code, out, _ = run(capsys, "verify", "--offline", *NOW, str(tmp_path / name))
    assert (code, out.split()[1]) == (0, f"{tmp_path}/caf\\xe9.json")


def test_max_bytes_raises_or_lowers_the_size_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = write(tmp_path / "big.json", json.dumps(sign(badge(description="x" * 5_000_000))))
    code, out, _ = run(capsys, "verify", "--offline", *NOW, str(big))
    assert code == 1
    assert "the limit is 4 MiB (InputLimits.max_bytes, or verify --max-bytes, raises it" in out
    assert run(capsys, "verify", "--offline", *NOW, "--max-bytes", "6M", str(big))[0] == 0
    small = write(tmp_path / "small.json", json.dumps(sign(badge())))
    code, out, _ = run(capsys, "verify", "--offline", *NOW, "--max-bytes", "512", str(small))
    assert code == 1
    assert "the limit is 512 bytes" in out
    baked = write(tmp_path / "small.png", bake(png_image(), sign(badge())))  # inside an image too
    code, out, _ = run(capsys, "verify", "--offline", *NOW, "--max-bytes", "512", str(baked))
    assert code == 1
    assert "the limit is 512 bytes" in out


@pytest.mark.parametrize(
    "size", ["0", "3x", "-1", "1T", "", "1025G", "99999999999999999999G", "9" * 40]
)
def test_max_bytes_must_be_a_size(size: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "verify", "--max-bytes", size, str(BADGES))
    assert code == 2
    assert "--max-bytes must be a size such as 8M" in err


def test_junit_refuses_to_overwrite_a_credential(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    badges = [write(tmp_path / f"{i}.json", json.dumps(sign(badge()))) for i in range(2)]
    before = badges[0].read_bytes()
    # what the shell makes of `--junit *.json`: the first badge becomes the report file
    code, _, err = run(capsys, "verify", "--offline", *NOW, "--junit", *map(str, badges))
    assert code == 2
    assert "is not a JUnit XML report (a credential?)" in err
    assert badges[0].read_bytes() == before
    report = tmp_path / "report.xml"
    for _ in range(2):  # an earlier report is replaced
        assert (
            run(capsys, "verify", "--offline", *NOW, "--junit", str(report), str(badges[1]))[0] == 0
        )
    assert ET.parse(report).getroot().get("tests") == "1"


def test_output_through_a_link_or_to_a_pipe_is_written_not_replaced(tmp_path: Path) -> None:
    from microcred.cli._common import write_file

    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_file(str(link), "new")
    assert link.is_symlink()
    assert real.read_text() == "new"
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    write_file(str(fifo), "through the pipe")
    assert reader.communicate(timeout=10)[0] == b"through the pipe"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
