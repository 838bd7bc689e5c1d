"""Hardened HTTP against a real local HTTPS server: policy, SSRF guard, limits, cache."""

from __future__ import annotations

import gzip
import ipaddress
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from microcred import _http
from microcred._http import DEFAULT_CACHE_SECONDS, HttpClient, HTTPErrorCode, HTTPPolicy, _forbidden
from microcred.errors import DocumentLoadError, ResolutionError

from httpserver import FAKE_PUBLIC_IP, FakeClock, HTTPSServer, drip

HOSTS = ["issuer.example", "example.edu", "state.gov"]
DOC = {"id": "did:web:issuer.example", "verificationMethod": []}
SECRET = "SECRET-MARKER-7f3a"


@pytest.fixture(scope="module")
def server() -> Iterator[HTTPSServer]:
    with HTTPSServer(hostnames=HOSTS) as running:
        yield running


@pytest.fixture
def fresh(server: HTTPSServer) -> HTTPSServer:
    server.reset()
    return server


def fail(client: HttpClient, url: str, code: HTTPErrorCode | str) -> DocumentLoadError:
    with pytest.raises(DocumentLoadError) as info:
        client.get_json(url)
    assert info.value.code == code, str(info.value)
    return info.value


# -- fetching -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/ld+json",
        "application/did+json",
        "application/did+ld+json",
        "application/jwk-set+json",
        "application/vc+json",
        "Application/JSON; charset=utf-8",
    ],
)
def test_json_content_types(fresh: HTTPSServer, content_type: str) -> None:
    fresh.route("/doc.json", json=DOC, content_type=content_type)
    with HttpClient(fresh.policy()) as http:
        assert http.get_json(fresh.url("/doc.json")) == DOC


def test_hostnames_fragment_and_headers(fresh: HTTPSServer) -> None:
    fresh.route("/.well-known/did.json", json=DOC, host="issuer.example")
    with HttpClient(fresh.policy()) as http:
        assert http.get_json("https://issuer.example/.well-known/did.json#key-1") == DOC
        fail(http, "https://example.edu/.well-known/did.json", "NOT_FOUND")  # host-specific
    (seen, _) = fresh.requests
    assert (seen.host, seen.path) == ("issuer.example", "/.well-known/did.json")
    assert seen.headers["accept"].startswith("application/did+json")
    assert seen.headers["user-agent"].startswith("microcred/")
    assert "cookie" not in seen.headers


def test_document_load_error_is_indeterminate() -> None:
    assert issubclass(DocumentLoadError, ResolutionError)


def test_policy_validation() -> None:
    with pytest.raises(ValueError, match="positive"):
        HTTPPolicy(total_timeout=0)
    assert HTTPPolicy(connect_to={("Host.Example", 443): ("::1", 1)}).connect_to == {
        ("host.example", 443): ("::1", 1)
    }


# -- cache -----------------------------------------------------------------------------


def test_cache_hit_returns_copies(fresh: HTTPSServer) -> None:
    fresh.route("/cached", json=DOC)
    with HttpClient(fresh.policy()) as http:
        first = http.get_json(fresh.url("/cached"))
        first["id"] = "mutated"
        assert http.get_json(fresh.url("/cached")) == DOC
    assert fresh.fetched("/cached") == 1


def test_cache_honours_max_age_capped_by_policy(fresh: HTTPSServer) -> None:
    clock = FakeClock()
    fresh.route("/short", json=DOC, headers={"Cache-Control": "public, max-age=60"})
    fresh.route("/long", json=DOC, headers={"Cache-Control": "max-age=86400"})
    with HttpClient(fresh.policy(cache_max_seconds=120), clock=clock) as http:
        http.get_json(fresh.url("/short"))
        http.get_json(fresh.url("/long"))
        clock.advance(59)
        http.get_json(fresh.url("/short"))
        assert fresh.fetched("/short") == 1
        clock.advance(2)
        http.get_json(fresh.url("/short"))
        http.get_json(fresh.url("/long"))
        assert (fresh.fetched("/short"), fresh.fetched("/long")) == (2, 1)
        clock.advance(60)  # 121 s: past the policy's cap on the day-long max-age
        http.get_json(fresh.url("/long"))
        assert fresh.fetched("/long") == 2


def test_cache_default_lifetime_without_headers(fresh: HTTPSServer) -> None:
    clock = FakeClock()
    fresh.route("/plain", json=DOC)
    with HttpClient(fresh.policy(), clock=clock) as http:
        http.get_json(fresh.url("/plain"))
        clock.advance(DEFAULT_CACHE_SECONDS - 1)
        http.get_json(fresh.url("/plain"))
        assert fresh.fetched("/plain") == 1
        clock.advance(2)
        http.get_json(fresh.url("/plain"))
        assert fresh.fetched("/plain") == 2


@pytest.mark.parametrize("value", ["no-store", "no-cache", "max-age=0", "max-age=soon"])
def test_uncacheable_responses(fresh: HTTPSServer, value: str) -> None:
    fresh.route("/fresh", json=DOC, headers={"Cache-Control": value})
    with HttpClient(fresh.policy()) as http:
        http.get_json(fresh.url("/fresh"))
        http.get_json(fresh.url("/fresh"))
    assert fresh.fetched("/fresh") == 2


def test_cache_is_a_bounded_lru(fresh: HTTPSServer) -> None:
    for name in "abc":
        fresh.route(f"/{name}", json={"name": name})
    with HttpClient(fresh.policy(cache_max_entries=2)) as http:
        for name in "abac":  # a is used again, so b is the least recently used when c arrives
            http.get_json(fresh.url(f"/{name}"))
        http.get_json(fresh.url("/a"))
        assert fresh.fetched("/a") == 1
        http.get_json(fresh.url("/b"))
        assert fresh.fetched("/b") == 2


def test_cache_disabled(fresh: HTTPSServer) -> None:
    fresh.route("/x", json=DOC)
    with HttpClient(fresh.policy(cache_max_entries=0)) as http:
        http.get_json(fresh.url("/x"))
        http.get_json(fresh.url("/x"))
    assert fresh.fetched("/x") == 2


def test_errors_are_not_cached(fresh: HTTPSServer) -> None:
    fresh.route("/flaky", status=503)
    with HttpClient(fresh.policy()) as http:
        fail(http, fresh.url("/flaky"), HTTPErrorCode.BAD_STATUS)
        fresh.route("/flaky", json=DOC)
        assert http.get_json(fresh.url("/flaky")) == DOC


def test_shared_between_threads(fresh: HTTPSServer) -> None:
    for i in range(8):
        fresh.route(f"/t{i}", json={"i": i})
    results: list[object] = []
    with HttpClient(fresh.policy(cache_max_entries=4)) as http:

        def work(i: int) -> None:
            for _ in range(5):
                results.append(http.get_json(fresh.url(f"/t{i % 8}"))["i"] == i % 8)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == [True] * 80


# -- scheme and URL rules ------------------------------------------------------------------


def test_https_required(fresh: HTTPSServer) -> None:
    with HttpClient(fresh.policy()) as http:
        error = fail(http, f"http://localhost:{fresh.port}/doc.json", HTTPErrorCode.INSECURE)
    assert "allow_http" in str(error)
    assert fresh.requests == []


def test_plain_http_when_opted_in() -> None:
    with HTTPSServer(tls=False) as plain, HttpClient(plain.policy(allow_http=True)) as http:
        plain.route("/doc.json", json=DOC)
        assert http.get_json(plain.url("/doc.json")) == DOC


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pass@issuer.example/doc.json",
        "https://user@issuer.example/doc.json",
        "ftp://issuer.example/doc.json",
        "file:///etc/passwd",
        "https:///doc.json",
        "did:web:issuer.example",
        "/relative/only",
        "https://[::1/",
    ],
)
def test_bad_urls(fresh: HTTPSServer, url: str) -> None:
    with HttpClient(fresh.policy()) as http:
        error = fail(http, url, HTTPErrorCode.BAD_URL)
    assert "pass@" not in str(error)
    assert fresh.requests == []


# -- SSRF guard ------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]"])
def test_default_policy_refuses_loopback(fresh: HTTPSServer, host: str) -> None:
    with HttpClient(fresh.public_policy()) as http:
        fail(http, f"https://{host}:{fresh.port}/doc.json", HTTPErrorCode.REFUSED_ADDRESS)
    assert fresh.requests == []


@pytest.mark.parametrize(
    "target",
    [
        "https://127.0.0.1:{port}/secret",
        "https://localhost:{port}/secret",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/secret",
        "https://[::1]:{port}/secret",
        "https://[::ffff:127.0.0.1]:{port}/secret",
        "https://[::ffff:a9fe:a9fe]/secret",
        "https://100.64.0.1/secret",
        "https://[fd00::1]/secret",
        "https://0.0.0.0:{port}/secret",
        "https://2130706433:{port}/secret",  # 127.0.0.1 as one decimal number
        "https://0x7f.1:{port}/secret",
    ],
)
def test_redirect_to_private_address_refused(fresh: HTTPSServer, target: str) -> None:
    fresh.route("/secret", json={"leak": SECRET})
    fresh.redirect("/go", target.format(port=fresh.port), host="issuer.example")
    with fresh.fake_dns(), HttpClient(fresh.public_policy()) as http:
        error = fail(http, "https://issuer.example/go", HTTPErrorCode.REFUSED_ADDRESS)
    assert "allow_private_networks" in str(error)
    assert fresh.fetched("/go") == 1
    assert fresh.fetched("/secret") == 0


def test_public_hostname_reaches_server(fresh: HTTPSServer) -> None:
    fresh.route("/doc.json", json=DOC)
    fresh.redirect("/moved", "https://example.edu/doc.json")
    with fresh.fake_dns(), HttpClient(fresh.public_policy()) as http:
        assert http.get_json("https://issuer.example/moved") == DOC
    assert [r.host for r in fresh.requests] == ["issuer.example", "example.edu"]


@pytest.mark.parametrize(
    "answers",
    [
        ["10.0.0.5"],
        ["192.168.1.1"],
        ["169.254.169.254"],
        ["fe80::1"],
        [FAKE_PUBLIC_IP, "127.0.0.1"],
    ],
)
def test_hostname_resolving_to_private_address_refused(
    fresh: HTTPSServer, answers: list[str]
) -> None:
    fresh.route("/doc.json", json=DOC)
    with fresh.fake_dns({"issuer.example": answers}), HttpClient(fresh.public_policy()) as http:
        error = fail(http, "https://issuer.example/doc.json", HTTPErrorCode.REFUSED_ADDRESS)
    assert "issuer.example resolves to" in str(error)
    assert fresh.requests == []


def test_redirect_to_hostname_resolving_privately_refused(fresh: HTTPSServer) -> None:
    fresh.redirect("/go", "https://internal.example/admin", host="issuer.example")
    answers = {"issuer.example": [FAKE_PUBLIC_IP], "internal.example": ["10.1.2.3"]}
    with fresh.fake_dns(answers), HttpClient(fresh.public_policy()) as http:
        fail(http, "https://issuer.example/go", HTTPErrorCode.REFUSED_ADDRESS)


def test_connect_to_target_is_guarded_too(fresh: HTTPSServer) -> None:
    policy = fresh.public_policy(connect_to={("issuer.example", 443): ("127.0.0.1", fresh.port)})
    with HttpClient(policy) as http:
        fail(http, "https://issuer.example/doc.json", HTTPErrorCode.REFUSED_ADDRESS)
    assert fresh.requests == []


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1",
        "100.127.255.254", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1",
        "255.255.255.255", "192.0.2.1", "198.18.0.1", "::", "::1", "fc00::1", "fd12:3456::1",
        "fe80::1", "fec0::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "::ffff:169.254.169.254", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:a00:1::1",
        "2001:db8::1", "::127.0.0.1",
    ],
)  # fmt: skip
def test_forbidden_addresses(address: str) -> None:
    assert _forbidden(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address",
    ["8.8.8.8", FAKE_PUBLIC_IP, "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"],
)
def test_public_addresses(address: str) -> None:
    assert _forbidden(ipaddress.ip_address(address)) is None


# -- redirects -------------------------------------------------------------------------------


def test_relative_redirects_within_limit(fresh: HTTPSServer) -> None:
    fresh.route("/final", json=DOC)
    fresh.redirect("/r1", "/r2", status=301)
    fresh.redirect("/r2", "r3", status=307)
    fresh.redirect("/r3", fresh.url("/final"), status=308)
    with HttpClient(fresh.policy(max_redirects=3)) as http:
        assert http.get_json(fresh.url("/r1")) == DOC
    with HttpClient(fresh.policy(max_redirects=2)) as http:
        fail(http, fresh.url("/r1"), HTTPErrorCode.REDIRECTS)


def test_endless_redirects(fresh: HTTPSServer) -> None:
    fresh.redirect("/loop-a", "/loop-b")
    fresh.redirect("/loop-b", "/loop-a")
    fresh.redirect("/self", "/self")
    with HttpClient(fresh.policy()) as http:
        fail(http, fresh.url("/loop-a"), HTTPErrorCode.REDIRECTS)
        fail(http, fresh.url("/self"), HTTPErrorCode.REDIRECTS)
    assert len(fresh.requests) == 2 * 4  # the first request and three redirects, each


def test_redirect_without_location_is_a_bad_status(fresh: HTTPSServer) -> None:
    fresh.route("/nowhere", status=302)
    with HttpClient(fresh.policy()) as http:
        fail(http, fresh.url("/nowhere"), HTTPErrorCode.BAD_STATUS)


def test_https_to_http_downgrade_refused_even_when_http_allowed(fresh: HTTPSServer) -> None:
    with HTTPSServer(tls=False) as plain:
        plain.route("/doc.json", json=DOC)
        fresh.redirect("/downgrade", plain.url("/doc.json"))
        with HttpClient(fresh.policy(allow_http=True)) as http:
            error = fail(http, fresh.url("/downgrade"), HTTPErrorCode.INSECURE)
        assert "plain http" in str(error)
        assert plain.requests == []


def test_redirect_to_other_scheme_refused(fresh: HTTPSServer) -> None:
    fresh.redirect("/file", "file:///etc/passwd")
    with HttpClient(fresh.policy()) as http:
        fail(http, fresh.url("/file"), HTTPErrorCode.BAD_URL)


# -- timeouts --------------------------------------------------------------------------------


def test_slow_drip_stops_at_total_timeout(fresh: HTTPSServer) -> None:
    fresh.route("/drip", **drip(json.dumps(DOC).encode() * 10, interval=0.05))
    with HttpClient(fresh.policy(total_timeout=0.5, read_timeout=5)) as http:
        started = time.monotonic()
        fail(http, fresh.url("/drip"), HTTPErrorCode.TIMEOUT)
    assert time.monotonic() - started < 2.0  # each byte arrives well within read_timeout


def test_slow_dns_stops_at_the_timeout(fresh: HTTPSServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A resolver that never answers (fault injected: no real one is this slow on cue) costs
    the connect timeout, not the resolver's own minutes."""
    answered = threading.Event()

    def hanging_getaddrinfo(*args: object, **kwargs: object) -> object:
        answered.wait(5)
        raise OSError("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    with HttpClient(fresh.public_policy(connect_timeout=0.3, total_timeout=2)) as http:
        started = time.monotonic()
        error = fail(http, "https://slow-dns.example/doc.json", HTTPErrorCode.TIMEOUT)
        elapsed = time.monotonic() - started
    answered.set()
    assert elapsed < 1.5, elapsed
    assert "timed out" in str(error)


def test_pending_lookups_are_bounded(fresh: HTTPSServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lookups still running after their timeout hold a slot: past the bound, a fetch fails
    without starting another thread."""
    answered = threading.Event()
    asked: list[object] = []

    def hanging_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        asked.append(host)
        answered.wait(5)
        raise OSError("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    monkeypatch.setattr(_http, "_PENDING_LOOKUPS", threading.BoundedSemaphore(1))
    with HttpClient(fresh.public_policy(connect_timeout=0.2, total_timeout=2)) as http:
        fail(http, "https://slow-1.example/doc.json", HTTPErrorCode.TIMEOUT)
        fail(http, "https://slow-2.example/doc.json", HTTPErrorCode.TIMEOUT)
    assert asked == ["slow-1.example"]  # the second lookup never started
    answered.set()


def test_total_timeout_spans_redirect_hops(fresh: HTTPSServer) -> None:
    fresh.route("/slow-hop", json=DOC, delay=0.3)
    fresh.redirect("/hop1", "/hop2")
    fresh.route("/hop2", status=302, headers={"Location": "/slow-hop"}, delay=0.3)
    with HttpClient(fresh.policy(total_timeout=0.5, read_timeout=0.45)) as http:
        fail(http, fresh.url("/hop1"), HTTPErrorCode.TIMEOUT)


def test_hanging_server_hits_read_timeout(fresh: HTTPSServer) -> None:
    fresh.route("/hang", json=DOC, delay=3)
    with HttpClient(fresh.policy(read_timeout=0.3)) as http:
        started = time.monotonic()
        error = fail(http, fresh.url("/hang"), HTTPErrorCode.TIMEOUT)
    assert time.monotonic() - started < 2.0
    assert "timed out" in str(error)


def test_connect_timeout() -> None:
    # A real connect timeout needs an address that drops SYNs: not available on loopback.
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    with HttpClient(transport=httpx.MockTransport(handler)) as http:
        fail(http, "https://issuer.example/doc.json", HTTPErrorCode.TIMEOUT)


# -- size cap --------------------------------------------------------------------------------


def test_oversized_body_refused_from_content_length(fresh: HTTPSServer) -> None:
    fresh.huge("/huge", 256 * 1024 * 1024)
    with HttpClient(fresh.policy(max_bytes=1024 * 1024)) as http:
        error = fail(http, fresh.url("/huge"), HTTPErrorCode.TOO_LARGE)
    assert "1048576 bytes" in str(error)
    assert fresh.requests[-1].bytes_sent < 64 * 1024 * 1024


def test_oversized_body_without_content_length_stops_reading(fresh: HTTPSServer) -> None:
    fresh.huge("/huge-stream", 256 * 1024 * 1024, content_length=False)
    with HttpClient(fresh.policy(max_bytes=1024 * 1024)) as http:
        fail(http, fresh.url("/huge-stream"), HTTPErrorCode.TOO_LARGE)
    assert fresh.requests[-1].bytes_sent < 64 * 1024 * 1024


def test_body_at_the_cap_is_accepted(fresh: HTTPSServer) -> None:
    body = json.dumps({"pad": "x" * 1000}).encode()
    fresh.route("/exact", body=body, content_length=False)
    with HttpClient(fresh.policy(max_bytes=len(body))) as http:
        assert http.get_json(fresh.url("/exact"))["pad"] == "x" * 1000
    with HttpClient(fresh.policy(max_bytes=len(body) - 1)) as http:
        fail(http, fresh.url("/exact"), HTTPErrorCode.TOO_LARGE)


def test_compressed_responses_refused(fresh: HTTPSServer) -> None:
    bomb = gzip.compress(b" " * (16 * 1024 * 1024))
    fresh.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    with HttpClient(fresh.policy()) as http:
        error = fail(http, fresh.url("/bomb"), HTTPErrorCode.BAD_CONTENT_TYPE)
    assert "gzip" in str(error)
    assert fresh.requests[-1].headers["accept-encoding"] == "identity"


# -- statuses, content types, JSON ----------------------------------------------------------


@pytest.mark.parametrize(("status", "code"), [(404, "NOT_FOUND"), (410, "NOT_FOUND"),
                                             (500, "HTTP_BAD_STATUS"), (403, "HTTP_BAD_STATUS"),
                                             (204, "HTTP_INVALID_JSON")])  # fmt: skip
def test_http_statuses(fresh: HTTPSServer, status: int, code: str) -> None:
    fresh.route("/status", json={"error": SECRET}, status=status)
    with HttpClient(fresh.policy()) as http:
        error = fail(http, fresh.url("/status"), code)
    if code == "HTTP_BAD_STATUS":
        assert str(status) in str(error)


def test_wrong_content_type_named(fresh: HTTPSServer) -> None:
    fresh.route("/page", body=b"<html>" + SECRET.encode(), content_type="text/html; charset=utf-8")
    fresh.route("/untyped", body=b"{}", headers={"Content-Type": ""})
    with HttpClient(fresh.policy()) as http:
        error = fail(http, fresh.url("/page"), HTTPErrorCode.BAD_CONTENT_TYPE)
        assert "text/html" in str(error)
        fail(http, fresh.url("/untyped"), HTTPErrorCode.BAD_CONTENT_TYPE)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2, 3]",
        b'{"a": NaN}',
        b"\xff\xfe{}",
        b"",
        b'{"a": 1}{"b": 2}',
        b'{"k": "%s"' % SECRET.encode(),
        b"[" * 100 + b"]" * 100,
        b'{"a":' * 100 + b"1" + b"}" * 100,
    ],
)
def test_invalid_json(fresh: HTTPSServer, body: bytes) -> None:
    fresh.route("/bad.json", body=body)
    with HttpClient(fresh.policy()) as http:
        error = fail(http, fresh.url("/bad.json"), HTTPErrorCode.INVALID_JSON)
    assert "not valid JSON" in str(error)


def test_duplicate_keys_refused_without_echoing_them(fresh: HTTPSServer) -> None:
    fresh.route("/dup.json", body=b'{"%s": 1, "%s": 2}' % (SECRET.encode(), SECRET.encode()))
    with HttpClient(fresh.policy()) as http:
        error = fail(http, fresh.url("/dup.json"), HTTPErrorCode.INVALID_JSON)
    assert "duplicate key" in str(error)
    assert SECRET not in str(error)


# -- response bytes never reach error messages ----------------------------------------------


@pytest.mark.parametrize(
    ("route", "code"),
    [
        ({"body": b"{" + SECRET.encode()}, HTTPErrorCode.INVALID_JSON),
        ({"body": b'{"a": "' + SECRET.encode() + b'"'}, HTTPErrorCode.INVALID_JSON),
        ({"body": SECRET.encode(), "content_type": "text/plain"}, HTTPErrorCode.BAD_CONTENT_TYPE),
        ({"body": SECRET.encode(), "status": 500}, HTTPErrorCode.BAD_STATUS),
        ({"body": SECRET.encode(), "status": 404}, HTTPErrorCode.NOT_FOUND),
        ({"body": SECRET.encode() * 100_000}, HTTPErrorCode.TOO_LARGE),
        ({"body": SECRET.encode() * 100_000, "content_length": False}, HTTPErrorCode.TOO_LARGE),
        ({"body": b'{"a": 1}', "content_type": SECRET[:4]}, HTTPErrorCode.BAD_CONTENT_TYPE),
    ],
)
def test_response_body_never_echoed(
    fresh: HTTPSServer, route: dict[str, object], code: str
) -> None:
    fresh.route("/leak", **route)  # type: ignore[arg-type]
    with HttpClient(fresh.policy(max_bytes=64 * 1024)) as http:
        error = fail(http, fresh.url("/leak"), code)
    for text in (str(error), error.message, repr(error.args)):
        assert SECRET not in text


@pytest.mark.parametrize(
    "exception",
    [
        httpx.RemoteProtocolError(f"illegal status line: b'{SECRET}'"),
        httpx.ReadError(f"connection reset after {SECRET}"),
        httpx.LocalProtocolError(SECRET),
    ],
)
def test_transport_faults(exception: httpx.HTTPError) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exception

    with HttpClient(transport=httpx.MockTransport(handler)) as http:
        error = fail(http, "https://issuer.example/doc.json", HTTPErrorCode.NETWORK_ERROR)
    assert type(exception).__name__ in str(error)
    assert SECRET not in str(error)


def test_connection_reset_mid_body() -> None:
    def body() -> Iterator[bytes]:
        yield b'{"partial": '
        raise httpx.ReadError("reset")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/json"}, content=body())

    with HttpClient(transport=httpx.MockTransport(handler)) as http:
        fail(http, "https://issuer.example/doc.json", HTTPErrorCode.NETWORK_ERROR)


def test_untrusted_certificate(fresh: HTTPSServer) -> None:
    fresh.route("/doc.json", json=DOC)
    with HttpClient(fresh.policy(verify=True)) as http:  # the public CA bundle
        error = fail(http, fresh.url("/doc.json"), HTTPErrorCode.NETWORK_ERROR)
    assert "certificate" in str(error).lower()
    assert fresh.requests == []


def test_certificate_checked_against_hostname(fresh: HTTPSServer) -> None:
    policy = fresh.policy(connect_to={("unlisted.example", 443): ("127.0.0.1", fresh.port)})
    with HttpClient(policy) as http:
        fail(http, "https://unlisted.example/doc.json", HTTPErrorCode.NETWORK_ERROR)
    assert fresh.requests == []


def test_unreachable_port() -> None:
    with HTTPSServer() as stopped:
        policy = stopped.policy()
        port = stopped.port
    with HttpClient(policy) as http:
        fail(http, f"https://localhost:{port}/doc.json", HTTPErrorCode.NETWORK_ERROR)


# -- one fetch for many threads -------------------------------------------------------------


def _at_once(fetch: Any, threads: int = 8) -> list[Any]:
    """Run ``fetch()`` in ``threads`` threads started together; each one's result or error."""
    start = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = fetch()
        except Exception as exc:  # collected, for the test to look at
            results[index] = exc

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    return results


@pytest.mark.parametrize("cacheable", [True, False])
def test_threads_asking_for_one_url_share_one_fetch(fresh: HTTPSServer, cacheable: bool) -> None:
    """A service verifying one issuer's badges in eight threads fetched its did.json eight
    times; the threads now wait for the one fetch under way (cacheable or not)."""
    headers = None if cacheable else {"Cache-Control": "no-store"}
    fresh.route("/did.json", json=DOC, headers=headers, delay=0.3)
    with HttpClient(fresh.policy()) as http:
        results = _at_once(lambda: http.get_json(fresh.url("/did.json")))
    assert results == [DOC] * 8
    assert len({id(r) for r in results}) == 8  # each caller has its own copy
    assert fresh.fetched("/did.json") == 1


def test_threads_share_the_error_of_the_one_fetch(fresh: HTTPSServer) -> None:
    fresh.route("/gone.json", status=404, delay=0.3)
    with HttpClient(fresh.policy()) as http:
        results = _at_once(lambda: http.get_json(fresh.url("/gone.json")))
    assert all(isinstance(r, DocumentLoadError) and r.code == "NOT_FOUND" for r in results)
    assert len({id(r) for r in results}) == 8  # an error of its own for each thread
    assert fresh.fetched("/gone.json") == 1
