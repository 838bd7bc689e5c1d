"""Shared test set-up: no network beyond loopback, a fixed clock, the vector folders."""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from httpserver import HTTPSServer

VECTORS = Path(__file__).parent / "vectors"
SPEC_EXAMPLES = VECTORS / "spec-examples"
W3C = VECTORS / "w3c-vc-di-eddsa"
ONE_EDTECH = VECTORS / "1edtech-impl-guide"
REPO = Path(__file__).parent.parent
# The reference time of spec-examples/expected-outcomes.json.
REFERENCE_TIME = datetime(2026, 11, 22, tzinfo=UTC)


class NetworkAccessError(AssertionError):
    """A test tried to reach a host other than this machine."""


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(str(address[0])):
        raise NetworkAccessError(f"tests must not reach {address!r}")
    return _real_connect(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _is_loopback(host.decode() if isinstance(host, bytes) else host):
        raise NetworkAccessError(f"tests must not resolve {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _guarded_getaddrinfo
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def url_map_pins() -> dict[str, Any]:
    """The controller documents the spec examples' issuers publish (for offline pins)."""
    mapping = load_json(SPEC_EXAMPLES / "url-map.json")["urls"]
    return {url: load_json(SPEC_EXAMPLES / file) for url, file in mapping.items()}


# Hosts of the spec examples' issuers (url-map.json) and of our own test issuers.
HTTP_HOSTS = ["issuer.example", "example.edu", "example.com", "1edtech.edu", "state.gov"]


@pytest.fixture(scope="session")
def https_server() -> Iterator[HTTPSServer]:
    """One real HTTPS server on 127.0.0.1 for the whole run (a trustme CA, see httpserver.py)."""
    with HTTPSServer(hostnames=HTTP_HOSTS) as server:
        yield server


@pytest.fixture(params=["fast", "pyld"])
def jsonld_path(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test on the fast JSON-LD path, then on pyld's (the fast path switched off)."""
    from microcred import _fastld

    saved = _fastld.enabled
    _fastld.enabled = request.param == "fast"
    yield request.param
    _fastld.enabled = saved


@pytest.fixture
def server(https_server: HTTPSServer) -> HTTPSServer:
    """The shared HTTPS server with its routes and request log cleared for this test."""
    https_server.reset()
    return https_server


OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def ob_badge(
    issuer: str,
    *,
    ident: str = "urn:uuid:a63a60be-f4af-491c-87fc-2c8fd3007a58",
    name: str = "Teamwork",
    valid_from: str = "2026-01-01T00:00:00Z",
    extra_context: tuple[str, ...] = (),
    **extra: Any,
) -> dict[str, Any]:
    """An unsigned OB 3.0 badge (issuer Profile, subject, achievement with criteria)."""
    return {
        "@context": [*OB_CONTEXT, *extra_context],
        "id": ident,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "validFrom": valid_from,
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:learner",
            "achievement": {
                "id": "https://example.edu/achievements/teamwork",
                "type": ["Achievement"],
                "name": name,
                "description": "Works well in a team.",
                "criteria": {"narrative": "Completed the group project."},
            },
        },
        **extra,
    }
