"""Baked badges go straight into check(): PNG and SVG, JSON and JWT payloads, OB 2.0 refused."""

from __future__ import annotations

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
