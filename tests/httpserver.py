"""A real HTTP(S) server on 127.0.0.1 for tests: a trustme CA, a mutable route table, faults.

    with HTTPSServer(hostnames=["issuer.example"]) as server:
        server.route("/.well-known/did.json", json=doc, host="issuer.example")
        with HttpClient(server.policy()) as http:
            http.get_json("https://issuer.example/.well-known/did.json")
        assert server.fetched("/.well-known/did.json")

``server.policy()`` reaches every hostname through ``connect_to`` (so did:web URLs need no
port) with ``allow_private_networks=True``. To test the SSRF guard with the default policy, use
``server.fake_dns({...})``: named hosts then resolve to the given addresses, and connections to
:data:`FAKE_PUBLIC_IP` are diverted to this server. Nothing but 127.0.0.1 is ever bound.
"""

from __future__ import annotations

import json as jsonlib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import trustme

from microcred._http import HTTPPolicy

__all__ = [
    "FAKE_PUBLIC_IP",
    "FakeClock",
    "HTTPSServer",
    "Route",
    "SeenRequest",
    "drip",
    "wait_until",
]

# A public address that tests pretend hostnames resolve to. It is never contacted: fake_dns
# diverts connections to it to the local server, and the conftest guard refuses anything else.
FAKE_PUBLIC_IP = "93.184.215.14"


@dataclass
class Route:
    """One canned response; the fault knobs make slow, huge or odd responses."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    repeat: int = 1  # the body is sent this many times: huge bodies without the memory
    chunk_size: int = 64 * 1024
    interval: float = 0.0  # seconds between chunks: a slow drip
    delay: float = 0.0  # seconds before the status line: a server that hangs
    content_length: bool = True  # False: no Content-Length, the body ends when we close


@dataclass
class SeenRequest:
    """What the server received, and how many body bytes it managed to send back."""

    method: str
    host: str
    path: str
    headers: dict[str, str]
    bytes_sent: int = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # idle keep-alive connections do not hold the server open
    server: _Server

    def do_GET(self) -> None:
        host = _bare_host(self.headers.get("Host", ""))
        seen = SeenRequest("GET", host, self.path, {k.lower(): v for k, v in self.headers.items()})
        owner = self.server.owner
        owner._log(seen)
        route = owner._lookup(host, self.path)
        stopping = owner._stopping
        if route.delay and stopping.wait(route.delay):
            return
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        if route.content_length:
            self.send_header("Content-Length", str(len(route.body) * route.repeat))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            for _ in range(route.repeat):
                for start in range(0, len(route.body), route.chunk_size):
                    if route.interval and stopping.wait(route.interval):
                        return
                    chunk = route.body[start : start + route.chunk_size]
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    seen.bytes_sent += len(chunk)
        except (OSError, ValueError):  # the client hung up: expected for the fault routes
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # server_close() joins every handler thread

    def __init__(self, owner: HTTPSServer, context: ssl.SSLContext | None) -> None:
        self.owner, self._context = owner, context
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(5)
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no 40 ms ACK stalls
        if self._context is not None:
            try:
                request = self._context.wrap_socket(request, server_side=True)
            except OSError:  # e.g. the client rejected our certificate
                return
        with self._lock:
            self._open.add(request)
        try:
            super().finish_request(request, client_address)
        finally:
            with self._lock:
                self._open.discard(request)
            request.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # client disconnects are part of the fault tests

    def hang_up_all(self) -> None:
        with self._lock:
            for sock in self._open:
                with suppress(OSError):  # the plain shutdown also wakes a thread in TLS recv
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)


class HTTPSServer:
    """A threaded HTTP(S) server on 127.0.0.1 with a random port; use it as a context manager."""

    def __init__(self, hostnames: Sequence[str] = (), *, tls: bool = True) -> None:
        self.hostnames = [h.lower() for h in hostnames]
        self.tls = tls
        self.ca = trustme.CA()
        context = None
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ca.issue_cert("localhost", "127.0.0.1", *self.hostnames).configure_cert(context)
        self._routes: dict[tuple[str | None, str], Route] = {}
        self._requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(self, context)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> HTTPSServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.hang_up_all()
        self._server.server_close()
        self._thread.join()

    # -- configuration -------------------------------------------------------------------

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    def url(self, path: str, host: str | None = None) -> str:
        """``https://localhost:PORT/path``, or ``https://HOST/path`` (reached via connect_to)."""
        return (
            f"{self.scheme}://{host}{path}"
            if host
            else f"{self.scheme}://localhost:{self.port}{path}"
        )

    def client_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts this server's CA (and nothing else)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies certificate and hostname
        self.ca.configure_trust(context)
        return context

    def policy(self, **overrides: Any) -> HTTPPolicy:
        """A policy that reaches this server under every hostname (private networks allowed)."""
        default_port = 443 if self.tls else 80
        connect_to = {
            (host, port): ("127.0.0.1", self.port)
            for host in ["localhost", *self.hostnames]
            for port in (default_port, self.port)
        }
        settings: dict[str, Any] = {
            "allow_private_networks": True,
            "allow_http": not self.tls,
            "verify": self.client_context(),
            "connect_to": connect_to,
        }
        return HTTPPolicy(**{**settings, **overrides})

    def public_policy(self, **overrides: Any) -> HTTPPolicy:
        """The default (strict) policy, trusting this server's CA: pair it with fake_dns()."""
        return HTTPPolicy(**{"verify": self.client_context(), **overrides})

    def route(
        self,
        path: str,
        json: Any = None,
        *,
        body: bytes | None = None,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str | None = None,
        host: str | None = None,
        **faults: Any,
    ) -> Route:
        """Serve ``json`` (or raw ``body``) at ``path``, on every host unless ``host`` is given."""
        if body is None:
            body = b"" if json is None else jsonlib.dumps(json).encode()
        all_headers = {"Content-Type": content_type or "application/json"}
        all_headers.update(headers or {})
        route = Route(status=status, headers=all_headers, body=body, **faults)
        with self._lock:
            self._routes[(host.lower() if host else None, path)] = route
        return route

    def redirect(
        self, path: str, location: str, *, status: int = 302, host: str | None = None
    ) -> Route:
        """Answer ``path`` with a redirect to ``location`` (relative or absolute, any URL)."""
        return self.route(path, status=status, headers={"Location": location}, host=host)

    def huge(self, path: str, size: int, *, content_length: bool = True, **kw: Any) -> Route:
        """A JSON-typed body of ``size`` bytes (rounded to 64 KiB), generated as it is sent."""
        block = b" " * (64 * 1024)
        return self.route(
            path, body=block, repeat=max(1, size // len(block)), content_length=content_length, **kw
        )

    # -- inspection ---------------------------------------------------------------------

    @property
    def requests(self) -> list[SeenRequest]:
        with self._lock:
            return list(self._requests)

    def fetched(self, path: str, host: str | None = None) -> int:
        """How many requests asked for ``path`` (on ``host``, when given)."""
        return sum(1 for r in self.requests if r.path == path and host in (None, r.host))

    def clear(self) -> None:
        """Forget the request log (keep the routes)."""
        with self._lock:
            self._requests.clear()

    def reset(self) -> None:
        """Forget routes and requests: a shared (session) server between tests."""
        with self._lock:
            self._requests.clear()
            self._routes.clear()

    # -- fake name resolution ----------------------------------------------------------------

    @contextmanager
    def fake_dns(self, answers: Mapping[str, Sequence[str]] | None = None) -> Iterator[None]:
        """Names in ``answers`` resolve to those addresses (default: every hostname to
        FAKE_PUBLIC_IP); connections to FAKE_PUBLIC_IP reach this server. Restores on exit."""
        if answers is None:
            answers = {host: [FAKE_PUBLIC_IP] for host in self.hostnames}
        table = {host.lower(): list(ips) for host, ips in answers.items()}
        real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection

        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            name = host.decode() if isinstance(host, bytes) else host
            if isinstance(name, str) and name.lower() in table:
                return [_addrinfo(ip, int(port or 0)) for ip in table[name.lower()]]
            return real_getaddrinfo(host, port, *args, **kwargs)

        def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
            if address[0] == FAKE_PUBLIC_IP:
                address = ("127.0.0.1", self.port)
            return real_connect(address, *args, **kwargs)

        socket.getaddrinfo = getaddrinfo
        socket.create_connection = create_connection  # type: ignore[assignment]
        try:
            yield
        finally:
            socket.getaddrinfo, socket.create_connection = real_getaddrinfo, real_connect

    # -- internals ---------------------------------------------------------------------

    def _log(self, seen: SeenRequest) -> None:
        with self._lock:
            self._requests.append(seen)

    def _lookup(self, host: str, path: str) -> Route:
        bare = path.split("?", 1)[0]
        with self._lock:
            for key in ((host, path), (host, bare), (None, path), (None, bare)):
                if key in self._routes:
                    return replace(self._routes[key])
        return Route(status=404, headers={"Content-Type": "text/plain"}, body=b"no route")


def _bare_host(header: str) -> str:
    """The Host header without its port: ``[::1]:8443`` -> ``::1``."""
    if header.startswith("["):
        return header[1:].partition("]")[0].lower()
    return header.partition(":")[0].lower()


def _addrinfo(ip: str, port: int) -> tuple[Any, ...]:
    if ":" in ip:
        return (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port, 0, 0))
    return (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))


def drip(body: bytes, interval: float = 0.05, chunk_size: int = 1) -> dict[str, Any]:
    """Fault knobs for :meth:`HTTPSServer.route`: send ``body`` a few bytes at a time."""
    return {"body": body, "interval": interval, "chunk_size": chunk_size}


class FakeClock:
    """An injectable monotonic clock for cache-expiry tests."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def wait_until(predicate: Callable[[], bool], timeout: float = 2.0) -> bool:
    """Poll ``predicate`` (server-side state settles a moment after the client returns)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True
