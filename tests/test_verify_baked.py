"""Baked badges go straight into check(): PNG and SVG, JSON and JWT payloads, OB 2.0 refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

import microcred
from microcred import Ed25519Key, Status
from microcred.baking import bake
from test_baking import SVG, chunk, make_png, text_chunk

from conftest import ob_badge

NOW = datetime(2026, 11, 22, tzinfo=UTC)
KEY = Ed25519Key.from_seed(b"p" * 32)


@pytest.mark.parametrize("image", [make_png(), SVG], ids=["png", "svg"])
@pytest.mark.parametrize("form", ["json", "jwt"])
def test_a_baked_badge_verifies(image: bytes, form: str) -> None:
    badge = ob_badge(KEY.did, name="Zürich — 東京 🎓")
    payload = (
        microcred.issue(badge, KEY, created="2026-01-01T00:00:00Z")
        if form == "json"
        else microcred.issue_jwt(badge, KEY)
    )
    report = microcred.check(bake(image, payload), now=NOW, offline=True)
    assert report.verified, report.to_dict()
    assert report.format == form


def test_a_tampered_baked_badge_fails() -> None:
    signed = microcred.issue(ob_badge(KEY.did), KEY)
    signed["name"] = "Forged"
    report = microcred.check(bake(make_png(), signed), now=NOW, offline=True)
    assert report.check("proof").status is Status.FAILED


def test_an_ob2_image_is_a_clear_failure() -> None:
    png = make_png(text_chunk(b"openbadges", "https://example.org/assertions/1"))
    report = microcred.check(png, now=NOW, offline=True)
    assert report.check("parse").status is Status.FAILED
    assert "Open Badges 2.0" in report.check("parse").message


def test_a_broken_image_is_a_clear_failure() -> None:
    png = make_png(chunk(b"tIME", b"\0" * 7))
    broken = png[:40] + bytes([png[40] ^ 1]) + png[41:]  # flip a bit: a CRC no longer matches
    report = microcred.check(broken, now=NOW, offline=True)
    assert report.check("parse").code == "MALFORMED_CREDENTIAL"
    assert "CRC" in report.check("parse").message


@pytest.mark.parametrize("image", [make_png(), SVG], ids=["png", "svg"])
@pytest.mark.parametrize("form", ["json", "jwt"])
def test_the_verifiers_size_limit_bounds_a_baked_credential(image: bytes, form: str) -> None:
    badge = ob_badge(KEY.did, description="long " * 1000)
    payload = microcred.issue(badge, KEY) if form == "json" else microcred.issue_jwt(badge, KEY)
    baked = bake(image, payload)
    small = microcred.Verifier(offline=True, input_limits=microcred.InputLimits(max_bytes=4000))
    parse = small.check(baked).check("parse")
    assert parse.status is Status.FAILED
    assert parse.code == "RESOURCE_LIMIT_EXCEEDED"
    assert microcred.Verifier(offline=True).check(baked).verified


@pytest.mark.parametrize("form", ["json", "jwt"])
def test_a_raised_size_limit_admits_a_larger_baked_credential(form: str) -> None:
    from microcred.baking import MAX_PAYLOAD_BYTES, _png

    badge = ob_badge(KEY.did, description="x" * MAX_PAYLOAD_BYTES)
    signed = microcred.issue(badge, KEY) if form == "json" else microcred.issue_jwt(badge, KEY)
    text = signed if isinstance(signed, str) else json.dumps(signed)
    baked = _png.bake(make_png(), text)  # bake() itself keeps to the default bound
    assert microcred.check(baked, offline=True).check("parse").code == "RESOURCE_LIMIT_EXCEEDED"
    limits = microcred.InputLimits(max_bytes=2 * MAX_PAYLOAD_BYTES)
    assert microcred.Verifier(offline=True, input_limits=limits).check(baked).verified
