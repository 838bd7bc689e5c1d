"""1EdTechCredentialRefresh: reported by default, used once on opt-in, the result re-verified."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import microcred
from microcred import Ed25519Key, Status

from conftest import REPO, load_json
from httpserver import HTTPSServer

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
KEY = Ed25519Key.from_seed(b"r" * 32)


def _badge(name: str, refresh_url: str | None, ident: str | None = None) -> dict[str, Any]:
    badge = load_json(REPO / "examples" / "badges" / "python-foundations.json")
    badge.pop("proof")
    if ident is not None:
        badge["id"] = ident
    badge["issuer"]["id"] = KEY.did
    badge["name"] = name
    if refresh_url:
        badge["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")
        badge["refreshService"] = {"id": refresh_url, "type": "1EdTechCredentialRefresh"}
    return microcred.issue(badge, KEY, created="2026-01-15T09:00:00Z")


def test_refresh_service_is_reported_not_used_by_default(server: HTTPSServer) -> None:
    url = "https://issuer.example/refresh/1"
    report = microcred.check(_badge("Old", url), now=NOW, http=server.policy())
    assert report.verified
    assert report.check("refresh").status is Status.SKIPPED
    assert url in report.check("refresh").message
    assert server.requests == []


def test_refresh_fetches_once_and_verifies_the_new_credential(server: HTTPSServer) -> None:
    url = "https://issuer.example/refresh/1"
    renewed = "urn:uuid:5d1c0f6e-2b7a-4c39-8e0d-9f4a3b2c1d0e"
    server.route("/refresh/1", json=_badge("New", url, renewed), host="issuer.example")
    old = _badge("Old", url)
    report = microcred.check(old, now=NOW, http=server.policy(), refresh=True)
    assert report.verified
    assert report.check("refresh").status is Status.PASSED
    assert (report.credential_id, old["id"] != renewed) == (renewed, True)  # the new one
    assert server.fetched("/refresh/1", host="issuer.example") == 1  # never followed twice


def test_a_tampered_refreshed_credential_fails(server: HTTPSServer) -> None:
    url = "https://issuer.example/refresh/2"
    fresh = _badge("New", None)
    fresh["name"] = "Forged"
    server.route("/refresh/2", json=fresh, host="issuer.example")
    report = microcred.check(_badge("Old", url), now=NOW, http=server.policy(), refresh=True)
    assert not report.verified
    assert report.check("proof").status is Status.FAILED


def test_refresh_from_another_issuer_fails(server: HTTPSServer) -> None:
    other = Ed25519Key.from_seed(b"o" * 32)
    badge = load_json(REPO / "examples" / "badges" / "python-foundations.json")
    badge.pop("proof")
    badge["issuer"]["id"] = other.did
    refreshed = microcred.issue(badge, other, created="2026-01-15T09:00:00Z")
    server.route("/refresh/3", json=refreshed, host="issuer.example")
    report = microcred.check(
        _badge("Old", "https://issuer.example/refresh/3"),
        now=NOW,
        http=server.policy(),
        refresh=True,
    )
    assert report.check("proof").status is Status.PASSED  # genuine, but from someone else
    assert report.check("refresh").status is Status.FAILED
    assert report.check("refresh").code == "REFRESH_ISSUER_MISMATCH"
    assert not report.verified


def test_unreachable_refresh_service_is_indeterminate(server: HTTPSServer) -> None:
    report = microcred.check(
        _badge("Old", "https://issuer.example/refresh/404"),
        now=NOW,
        http=server.policy(),
        refresh=True,
    )
    assert report.check("refresh").status is Status.INDETERMINATE
    assert not report.verified
