"""Hardened HTTP for keys, DID documents and status lists: the only module that uses httpx.

A verifier fetches URLs chosen by whoever wrote the credential, so every fetch is hostile by
default: https only, the SSRF guard runs on the *resolved* address inside the network backend
(the vetted IP is the one connected to, while TLS still checks the hostname), every redirect hop
goes through the same guard, one deadline bounds the whole fetch, bodies are capped while
streaming, and no response byte is ever echoed into an error message. Every failure is a
:class:`DocumentLoadError` (could not complete -> indeterminate) with an :class:`HTTPErrorCode`.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import ipaddress
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ._parse import InputLimits, copy_json, parse_json_object
from .errors import DocumentLoadError, MalformedCredential, MicrocredError

if TYPE_CHECKING:
    import ssl

    import httpx

__all__ = ["DEFAULT_CACHE_SECONDS", "HTTPErrorCode", "HTTPPolicy", "HttpClient"]

DEFAULT_CACHE_SECONDS = 300.0
"""How long a response without ``Cache-Control`` is cached (bounded by ``cache_max_seconds``)."""
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_JSON_TYPES = frozenset(
    {"application/json", "application/ld+json", "application/did+json", "application/did+ld+json"}
)
_NOT_PUBLIC = (ipaddress.ip_network("100.64.0.0/10"), ipaddress.ip_network("64:ff9b:1::/48"))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_KINDS = ("loopback", "link_local", "multicast", "unspecified", "reserved", "site_local", "private")
_ACCEPT = "application/did+json, application/ld+json, application/json"
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)
_IP = ipaddress.IPv4Address | ipaddress.IPv6Address


class HTTPErrorCode(StrEnum):
    """The ``code`` of every :class:`DocumentLoadError` raised here; safe to match on."""

    BAD_URL = "HTTP_BAD_URL"
    INSECURE = "HTTP_INSECURE"
    REFUSED_ADDRESS = "HTTP_REFUSED_ADDRESS"
    NETWORK_ERROR = "HTTP_NETWORK_ERROR"
    TIMEOUT = "HTTP_TIMEOUT"
    REDIRECTS = "HTTP_REDIRECTS"
    NOT_FOUND = "NOT_FOUND"
    BAD_STATUS = "HTTP_BAD_STATUS"
    BAD_CONTENT_TYPE = "HTTP_BAD_CONTENT_TYPE"
    TOO_LARGE = "HTTP_TOO_LARGE"
    INVALID_JSON = "HTTP_INVALID_JSON"


_Code = HTTPErrorCode
_OPT_IN = " (HTTPPolicy(allow_private_networks=True) allows it)"


@functools.cache
def _user_agent() -> str:
    """``microcred/<installed version>``; read on first use, importlib.metadata is slow."""
    from importlib import metadata

    try:
        return f"microcred/{metadata.version('microcred')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "microcred/0"


@dataclass(frozen=True)
class HTTPPolicy:
    """What a fetch may do. The defaults suit a public verifier; loosen them only knowingly.

    ``total_timeout`` bounds one whole fetch (DNS lookups, every redirect hop and the body) in
    wall-clock time; a lookup also stops at ``connect_timeout``. Responses are cached for their
    ``Cache-Control: max-age``, at most ``cache_max_seconds``, or :data:`DEFAULT_CACHE_SECONDS`
    without one; ``no-store`` and ``no-cache`` responses are not cached. ``verify`` is an SSL
    context, a CA bundle file, or a bool (``True``: certifi's bundle). ``connect_to`` works like
    curl's ``--connect-to``: ``(host, port) -> (address, port)`` for tests and development; the
    SSRF guard still applies to the address connected to.
    """

    allow_http: bool = False
    allow_private_networks: bool = False
    connect_timeout: float = 3.0
    read_timeout: float = 5.0
    total_timeout: float = 10.0
    max_bytes: int = 1024 * 1024
    max_redirects: int = 3
    cache_max_entries: int = 1024
    cache_max_seconds: float = 3600
    verify: ssl.SSLContext | str | bool = True
    connect_to: Mapping[tuple[str, int], tuple[str, int]] = field(default_factory=dict)
    user_agent: str = field(default_factory=_user_agent)

    def __post_init__(self) -> None:
        limits = (self.connect_timeout, self.read_timeout, self.total_timeout, self.max_bytes)
        if min(limits) <= 0 or min(self.max_redirects, self.cache_max_entries) < 0:
            raise ValueError("HTTPPolicy: timeouts and max_bytes must be positive, counts >= 0")
        lowered = {(h.lower(), p): t for (h, p), t in self.connect_to.items()}
        object.__setattr__(self, "connect_to", MappingProxyType(lowered))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Picklable (for batch worker processes) unless ``verify`` is an SSLContext."""
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        fields["connect_to"] = dict(self.connect_to)
        return (_policy_from, (fields,))


def _policy_from(fields: dict[str, Any]) -> HTTPPolicy:
    return HTTPPolicy(**fields)


def _fail(code: HTTPErrorCode, message: str) -> DocumentLoadError:
    return DocumentLoadError(message, code=code.value)


def _short(text: object, limit: int = 200) -> str:
    """Server-chosen strings (URLs, content types) are quoted and truncated in messages."""
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _forbidden(ip: _IP) -> str | None:
    """Why ``ip`` is not a public unicast address (or None); embedded IPv4 forms are unwrapped."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour
        if inner is None and ip in _NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if inner is not None:
            return _forbidden(inner)
    for kind in _KINDS:  # is_site_local exists on IPv6 addresses only
        if getattr(ip, f"is_{kind}", False):
            return f"a {kind.replace('_', '-')} address"
    if not ip.is_global or any(ip in net for net in _NOT_PUBLIC):
        return "a non-public address"
    return None


def _literal(host: str) -> _IP | None:
    """``host`` as an IP address, including the legacy IPv4 forms (``2130706433``, ``127.1``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


# Lookups that outlived their caller's timeout still hold a thread until the system resolver
# gives up; at most this many may be pending at once, so hostile names cannot pile them up.
_PENDING_LOOKUPS = threading.BoundedSemaphore(32)


def _resolve(host: str, port: int, timeout: float | None) -> list[_IP]:
    """Every address ``host`` resolves to; IP literals are taken as they are (no lookup).

    The system resolver cannot be interrupted, so it runs in a daemon thread that is waited
    for at most ``timeout`` seconds (TimeoutError); a late answer is dropped.
    """
    literal = _literal(host)
    if literal is not None:
        return [literal]
    waited = "the timeout" if timeout is None else f"{timeout:.1f} s"
    slots = _PENDING_LOOKUPS
    if not slots.acquire(timeout=timeout):
        raise TimeoutError(f"looking up {host}: too many earlier lookups are still pending")
    answer: list[Any] = []

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except Exception as exc:  # handed to the caller, never printed by the thread
            answer.append(exc if isinstance(exc, OSError) else OSError(str(exc)))
        finally:
            slots.release()

    thread = threading.Thread(target=lookup, name="microcred-dns", daemon=True)
    thread.start()
    thread.join(timeout)
    if not answer:
        raise TimeoutError(f"looking up {host} took more than {waited}")
    if isinstance(answer[0], OSError):
        raise answer[0]
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0])) for info in answer[0]))


class _Refused(Exception):
    """Raised inside the backend; turned into a DocumentLoadError naming the URL."""


def _remaining(error: type[Exception], timeout: float | None) -> float | None:
    """Clamp one socket operation's timeout to the fetch's overall deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the total timeout has passed")
    return left if timeout is None else min(timeout, left)


@functools.cache
def _transport_class() -> Callable[[HTTPPolicy], httpx.BaseTransport]:
    """The guarded transport's class, built on first use: httpx is imported only to fetch."""
    import ssl

    import httpcore
    import httpx

    class _DeadlineStream(httpcore.NetworkStream):
        """Every read, write and TLS handshake stops at the fetch deadline (slow drip included)."""

        def __init__(self, inner: httpcore.NetworkStream) -> None:
            self._inner = inner

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._inner.read(max_bytes, _remaining(httpcore.ReadTimeout, timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._inner.write(buffer, _remaining(httpcore.WriteTimeout, timeout))

        def close(self) -> None:
            self._inner.close()

        def start_tls(
            self,
            ssl_context: ssl.SSLContext,
            server_hostname: str | None = None,
            timeout: float | None = None,
        ) -> httpcore.NetworkStream:
            left = _remaining(httpcore.ConnectTimeout, timeout)
            return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, left))

        def get_extra_info(self, info: str) -> Any:
            return self._inner.get_extra_info(info)

    class _GuardedBackend(httpcore.SyncBackend):
        """Resolves once, vets every address, then connects to a vetted IP (no re-resolution)."""

        def __init__(self, policy: HTTPPolicy) -> None:
            self._policy = policy

        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Iterable[Any] | None = None,
        ) -> httpcore.NetworkStream:
            target, target_port = self._policy.connect_to.get((host.lower(), port), (host, port))
            try:
                addresses = _resolve(
                    target, target_port, _remaining(httpcore.ConnectTimeout, timeout)
                )
            except TimeoutError as exc:
                raise httpcore.ConnectTimeout(str(exc)) from None
            except OSError as exc:
                raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
            if not self._policy.allow_private_networks:
                for ip in addresses:
                    if reason := _forbidden(ip):
                        raise _Refused(f"{host} resolves to {ip}, {reason}")
            error: Exception = httpcore.ConnectError(f"{host} has no address")
            for ip in addresses:
                left = _remaining(httpcore.ConnectTimeout, timeout)
                try:
                    stream = super().connect_tcp(
                        str(ip), target_port, left, local_address, socket_options
                    )
                except httpcore.ConnectError as exc:
                    error = exc
                    continue
                return _DeadlineStream(stream)
            raise error

    class _GuardedTransport(httpx.HTTPTransport):
        """httpx's transport with its connection pool rebuilt on the guarded backend."""

        def __init__(self, policy: HTTPPolicy) -> None:
            verify = policy.verify
            if isinstance(verify, str):
                verify = ssl.create_default_context(cafile=verify)
            context = httpx.create_ssl_context(verify=verify, trust_env=False)
            super().__init__(verify=context, trust_env=False)
            if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
                raise RuntimeError("unsupported httpx version: cannot install the SSRF guard")
            self._pool = httpcore.ConnectionPool(
                ssl_context=context,
                network_backend=_GuardedBackend(policy),
                max_connections=20,
                keepalive_expiry=5.0,
            )

    return _GuardedTransport


class _Cache:
    """A thread-safe LRU of parsed documents with per-entry expiry."""

    def __init__(self, max_entries: int, clock: Callable[[], float]) -> None:
        self._entries: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._max, self._clock, self._lock = max_entries, clock, threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= self._clock():
                self._entries.pop(key, None)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, value: dict[str, Any], ttl: float) -> None:
        with self._lock:
            self._entries[key] = (self._clock() + ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)


def _ttl(headers: httpx.Headers, policy: HTTPPolicy) -> float:
    """Seconds to cache: ``max-age`` capped by the policy, 0 for no-store / no-cache / junk."""
    value = headers.get("cache-control", "")
    directives = dict(part.strip().lower().partition("=")[::2] for part in value.split(","))
    age = directives.get("max-age", "").strip('"')
    if "no-store" in directives or "no-cache" in directives or (age and not age.isdigit()):
        return 0.0
    return min(float(age) if age else DEFAULT_CACHE_SECONDS, policy.cache_max_seconds)


class _Flight:
    """One fetch under way, for the threads waiting on it."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.document: dict[str, Any] | None = None
        self.error: MicrocredError | None = None

    def outcome(self) -> dict[str, Any]:
        if self.document is not None:
            return self.document
        error = self.error
        if error is None:  # the fetching thread was interrupted: an error of its own
            raise _fail(_Code.NETWORK_ERROR, "the fetch this waited for did not finish")
        raise type(error)(error.message, pointer=error.pointer, code=error.code)  # a copy each


class HttpClient:
    """Fetches JSON documents under an :class:`HTTPPolicy`; share one per Verifier (and cache).

    ``transport`` replaces the guarded network stack and is meant only for fault-injection tests.
    ``clock`` drives cache expiry; timeouts always use the real monotonic clock.
    """

    def __init__(
        self,
        policy: HTTPPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or HTTPPolicy()
        self._transport = transport or _transport_class()(self.policy)
        self._cache = _Cache(self.policy.cache_max_entries, clock)
        self._flights: dict[str, _Flight] = {}  # URL -> the fetch of it under way
        self._flights_lock = threading.Lock()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    def get_json(self, url: str, *, accept: str = _ACCEPT) -> dict[str, Any]:
        """The JSON object at ``url`` (fragment ignored), from the cache when still fresh."""
        target = self._check(url)
        key = str(target)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._fetch_once(target, key, accept)
        return copy_json(cached)

    def _fetch_once(self, target: httpx.URL, key: str, accept: str) -> dict[str, Any]:
        """Fetch ``target``; threads asking for it meanwhile wait for that one fetch and share
        its document or its error (eight threads verifying one issuer's badges fetched its
        did.json eight times)."""
        with self._flights_lock:
            flight = self._flights.get(key)
            waiting = flight is not None
            if flight is None:
                flight = self._flights[key] = _Flight()
        # (a fetch that outlives its own deadline is not waited for: this thread fetches anew)
        if waiting and flight.done.wait(self.policy.total_timeout + 1.0):
            return flight.outcome()
        token = _DEADLINE.set(time.monotonic() + self.policy.total_timeout)
        try:
            document, ttl = self._fetch(target, accept)
            if ttl > 0:
                self._cache.put(key, document, ttl)
            flight.document = document
            return document
        except MicrocredError as exc:
            flight.error = exc
            raise
        finally:
            _DEADLINE.reset(token)
            with self._flights_lock:
                if self._flights.get(key) is flight:
                    del self._flights[key]
            flight.done.set()

    def _check(self, url: str | httpx.URL, base: httpx.URL | None = None) -> httpx.URL:
        import httpx

        try:
            target = base.join(url) if base is not None else httpx.URL(url)
        except (httpx.InvalidURL, TypeError):
            raise _fail(_Code.BAD_URL, f"{_short(url)} is not a valid URL") from None
        if target.scheme not in ("https", "http") or not target.host or target.userinfo:
            shown = _short(target.copy_with(userinfo=b""))  # never echo a password
            raise _fail(_Code.BAD_URL, f"{shown}: need http(s), a host and no user:password@")
        if target.scheme == "http" and not self.policy.allow_http:
            raise _fail(_Code.INSECURE, f"{_short(target)} is not https (see allow_http)")
        if base is not None and base.scheme == "https" and target.scheme == "http":
            raise _fail(_Code.INSECURE, f"{_short(base)} redirects to plain http")
        if not self.policy.allow_private_networks:
            literal = _literal(target.host)
            if literal is not None and (reason := _forbidden(literal)):
                raise _fail(_Code.REFUSED_ADDRESS, f"refused {_short(target)}: {reason}{_OPT_IN}")
        return target.copy_with(fragment=None)

    def _fetch(self, url: httpx.URL, accept: str) -> tuple[dict[str, Any], float]:
        import httpcore
        import httpx

        policy = self.policy
        headers = {"Accept": accept, "Accept-Encoding": "identity", "User-Agent": policy.user_agent}
        for hop in range(policy.max_redirects + 1):
            try:
                pool = _remaining(httpcore.PoolTimeout, policy.total_timeout)
                timeout = httpx.Timeout(
                    policy.read_timeout, connect=policy.connect_timeout, pool=pool
                )
                request = httpx.Request(
                    "GET", url, headers=headers, extensions={"timeout": timeout.as_dict()}
                )
                response = self._transport.handle_request(request)
                try:
                    location = response.headers.get("location")
                    if response.status_code not in _REDIRECTS or location is None:
                        return self._read(url, response), _ttl(response.headers, policy)
                finally:
                    response.close()
            except _Refused as exc:
                raise _fail(
                    _Code.REFUSED_ADDRESS, f"refused {_short(url)}: {exc}{_OPT_IN}"
                ) from None
            except (httpx.TimeoutException, httpcore.TimeoutException):
                p = policy
                limits = (
                    f"connect {p.connect_timeout}, read {p.read_timeout}, total {p.total_timeout}"
                )
                raise _fail(_Code.TIMEOUT, f"{_short(url)} timed out ({limits} s)") from None
            except httpx.ConnectError as exc:  # local OS / TLS messages, no response bytes
                raise _fail(
                    _Code.NETWORK_ERROR, f"cannot connect to {_short(url)}: {exc}"
                ) from None
            except httpx.HTTPError as exc:  # protocol errors may quote the response: name only
                name = type(exc).__name__
                raise _fail(_Code.NETWORK_ERROR, f"fetching {_short(url)} failed: {name}") from None
            if hop == policy.max_redirects:
                break
            url = self._check(location, base=url)
        raise _fail(_Code.REDIRECTS, f"more than {policy.max_redirects} redirects at {_short(url)}")

    def _read(self, url: httpx.URL, response: httpx.Response) -> dict[str, Any]:
        status, cap = response.status_code, self.policy.max_bytes
        if status in (404, 410):
            raise _fail(_Code.NOT_FOUND, f"{_short(url)} was not found (HTTP {status})")
        if not 200 <= status < 300:
            raise _fail(_Code.BAD_STATUS, f"{_short(url)} answered HTTP {status}")
        ctype = response.headers.get("content-type", "")
        media = ctype.partition(";")[0].strip().lower()
        if media not in _JSON_TYPES and not media.endswith("+json"):
            raise _fail(_Code.BAD_CONTENT_TYPE, f"{_short(url)} sent {_short(ctype)}, not JSON")
        too_large = _fail(_Code.TOO_LARGE, f"{_short(url)} sent more than {cap} bytes")
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise too_large
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("identity", ""):  # we asked for identity: no inflation bombs
            raise _fail(_Code.BAD_CONTENT_TYPE, f"{_short(url)} sent encoding {_short(encoding)}")
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > cap:
                raise too_large
        try:
            return parse_json_object(bytes(body), InputLimits(max_bytes=cap))
        except MalformedCredential as exc:
            # The parser's messages quote no content, except the duplicate key's name.
            reason = exc.message.removeprefix("not valid JSON: ")
            reason = "a duplicate key" if reason.startswith("duplicate") else reason
            raise _fail(_Code.INVALID_JSON, f"{_short(url)} is not valid JSON: {reason}") from None
