"""Key resolution: from a proof's ``verificationMethod`` to a public key and who controls it.

A resolver is any callable ``resolver(method_id) -> ResolvedKey``. The ones here share one
algorithm (:func:`dereference`): fetch the document the method URL names (a DID document, a
controller document, a verification-method document or a JWK Set), find the method *by its
id*, and record which verification relationships (``assertionMethod``, ``authentication`` ...)
its controller lists it under. Documents come from a :data:`Fetch` function — pins first, then
hardened HTTP — so every resolver works offline with pins. A key is never read out of the URL
itself: ``https://issuer.example#z6Mk…`` means "dereference me".
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from ._multibase import b64url_decode
from ._time import format_datetime, parse_datetime, utc_now
from .errors import DocumentLoadError, InvalidKey, KeyResolutionError, MalformedCredential
from .keys import Ed25519Key, Key, key_from_verification_method

__all__ = [
    "RELATIONSHIPS",
    "Fetch",
    "KeyResolver",
    "ResolvedKey",
    "StaticResolver",
    "default_resolver",
    "dereference",
    "did_web_url",
    "pinned_fetch",
    "resolve_did_jwk",
    "resolve_did_key",
]

RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)
_SIGNING = frozenset(RELATIONSHIPS) - {"keyAgreement"}

Fetch = Callable[[str], Mapping[str, Any]]
"""Returns the JSON document published at a URL (no fragment); raises ResolutionError."""


@dataclass(frozen=True)
class ResolvedKey:
    """A public key, the method id it was found under, its controller and relationships.

    ``origin_bound`` marks keys from a JWK Set, which has no controller of its own: such a key
    speaks for the web origin that serves it (``controller`` is that origin).
    """

    key: Key
    method_id: str
    controller: str
    relationships: frozenset[str]
    origin_bound: bool = False


class KeyResolver(Protocol):
    """Turns a verification method id into a :class:`ResolvedKey`.

    Raise :class:`~microcred.errors.KeyResolutionError` (or another ResolutionError) when the
    key cannot be obtained — the check becomes indeterminate — and a
    :class:`~microcred.errors.CredentialError` when the published documents show the key is
    not valid for it — the check fails.
    """

    def __call__(self, method_id: str, /) -> ResolvedKey: ...


def _split(method_id: str) -> tuple[str, str]:
    base, _, fragment = method_id.partition("#")
    return base, fragment


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _entries(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _references(entries: Any, base: str) -> Iterable[str]:
    for entry in _entries(entries):
        if isinstance(entry, str):
            yield _absolute(entry, base)
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            yield _absolute(entry["id"], base)


def _methods(document: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    """Every verification method object in a controller document, embedded ones included."""
    for name in ("verificationMethod", *RELATIONSHIPS):
        yield from (e for e in _entries(document.get(name, [])) if isinstance(e, Mapping))


def _is_method_document(document: Mapping[str, Any]) -> bool:
    return "controller" in document and any(
        k in document for k in ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58")
    )


def key_from_method(method: Mapping[str, Any]) -> Key:
    """The public key of a verification method object: Ed25519 (Multikey, JWK, the 2018 and
    2020 types), RSA and EC P-256 (``JsonWebKey`` / ``JsonWebKey2020``), P-256 Multikey."""
    return key_from_verification_method(method)


def _key(method: Mapping[str, Any], method_id: str) -> Key:
    """:func:`key_from_method`, its errors naming the method instead of a JSON Pointer into a
    published document (the report's pointers are into the credential)."""
    try:
        return key_from_method(method)
    except InvalidKey as exc:
        where = f" at {exc.pointer}" if exc.pointer else ""
        raise InvalidKey(
            f"the key of verification method {method_id:.200} is unusable{where}: {exc.message}",
            code=exc.code,
        ) from exc


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _from_jwk_set(document: Mapping[str, Any], method_id: str) -> ResolvedKey:
    base, kid = _split(method_id)
    found = [
        k for k in _entries(document["keys"]) if isinstance(k, Mapping) and k.get("kid") == kid
    ]
    if len(found) != 1:
        raise InvalidKey(f"the JWK Set at {base} has {len(found)} keys with kid {kid!r}; need one")
    key = _key({"type": "JsonWebKey", "publicKeyJwk": found[0]}, method_id)
    return ResolvedKey(key, method_id, _origin(base), _SIGNING, origin_bound=True)


def dereference(method_id: str, fetch: Fetch) -> ResolvedKey:
    """Resolve ``method_id`` through the documents ``fetch`` returns (the shared algorithm)."""
    base, _ = _split(method_id)
    document = fetch(base)
    # A JWK Set speaks for a web origin; a DID names a DID document, never a JWK Set.
    is_url = base.startswith(("https://", "http://"))
    if is_url and isinstance(document.get("keys"), list) and "id" not in document:
        return _from_jwk_set(document, method_id)
    if _is_method_document(document) and document.get("id") == method_id:
        method: Mapping[str, Any] = document
        controller = _split(str(document["controller"]))[0]
        controller_doc = fetch(controller)
    else:
        controller_doc, controller = document, base
        found = [m for m in _methods(document) if _absolute(str(m.get("id")), base) == method_id]
        if not found:
            raise InvalidKey(
                f"the controller document {base} does not contain the verification method "
                f"{method_id}"
            )
        method = found[0]
        declared = _split(str(method.get("controller", controller)))[0]
        if declared != controller:
            raise InvalidKey(
                f"verification method {method_id} names controller {declared!r}, "
                f"but it is published by {controller}"
            )
    if controller_doc.get("id") != controller:
        raise InvalidKey(
            f"the document at {controller} has id {controller_doc.get('id')!r:.80}; a controller "
            "document must carry its own URL as id",
            code="INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID",
        )
    relationships = frozenset(
        name
        for name in RELATIONSHIPS
        if method_id in _references(controller_doc.get(name), controller)
    )
    _require_in_force(method, method_id)
    return ResolvedKey(_key(method, method_id), method_id, controller, relationships)


def _require_in_force(method: Mapping[str, Any], method_id: str) -> None:
    """A method its controller marks ``revoked`` verifies nothing, whenever the proof says it
    was made (that date is the signer's word); one past its ``expires`` neither (Controlled
    Identifiers 1.0)."""
    if "revoked" in method:
        raise InvalidKey(
            f"verification method {method_id:.200} is revoked (since {method['revoked']!r:.40}): "
            "its controller withdrew the key, so nothing signed with it can be trusted; ask the "
            "issuer for a credential signed with a current key"
        )
    if "expires" in method:
        try:
            expires = parse_datetime(method["expires"], "")
        except MalformedCredential:
            raise InvalidKey(
                f"verification method {method_id:.200} has an 'expires' that is not a date-time"
            ) from None
        if expires <= utc_now():
            raise InvalidKey(
                f"verification method {method_id:.200} expired at {format_datetime(expires)}; ask "
                "the issuer for a credential signed with a current key"
            )


@functools.lru_cache(maxsize=4096)
def resolve_did_key(method_id: str, /) -> ResolvedKey:
    """``did:key`` methods: the DID document is derived from the DID itself; nothing is fetched.

    Pure and immutable, so results are memoised (errors are not cached and raise again).
    """
    base, _ = _split(method_id)
    if not base.startswith("did:key:"):
        raise KeyResolutionError(f"{method_id} is not a did:key verification method")
    document = Ed25519Key.from_did_key(base).did_document()
    return dereference(method_id, lambda url: document)


@functools.lru_cache(maxsize=4096)
def resolve_did_jwk(method_id: str, /) -> ResolvedKey:
    """``did:jwk`` methods: the DID is the base64url JWK; its one method is ``#0``.

    Pure and immutable, like ``did:key``: results are memoised (errors raise again).
    """
    did, fragment = _split(method_id)
    if not did.startswith("did:jwk:") or fragment != "0":
        raise InvalidKey(f"{method_id} is not a did:jwk verification method (did:jwk:…#0)")
    try:
        jwk = json.loads(b64url_decode(did.removeprefix("did:jwk:")))
    except (ValueError, UnicodeDecodeError):
        raise InvalidKey("the did:jwk identifier is not base64url-encoded JSON") from None
    if not isinstance(jwk, Mapping):
        raise InvalidKey("the did:jwk identifier does not encode a JSON object")
    key = _key({"type": "JsonWebKey", "publicKeyJwk": jwk}, method_id)
    return ResolvedKey(key, method_id, did, _SIGNING)


def did_web_url(did: str) -> str:
    """Where a ``did:web`` DID document is published (W3C CCG did:web method)."""
    parts = did.removeprefix("did:web:").split(":")
    if not did.startswith("did:web:") or not parts[0] or any(not p for p in parts):
        raise MalformedCredential(f"{did!r:.100} is not a valid did:web identifier")
    host = unquote(parts[0])
    if any(c in host for c in "/@?#\\ ") or not host.strip("."):
        raise MalformedCredential(f"{did!r:.100} has an invalid host")
    path = "/".join(unquote(p) for p in parts[1:])
    if ".." in path.split("/"):
        raise MalformedCredential(f"{did!r:.100} has an invalid path")
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


class StaticResolver:
    """Keys from documents the caller supplies (pins): URL or DID -> document, or key.

    Use it for offline verification and tests. A bare key pinned under a full method id is
    trusted as the caller says: controlled by the id before ``#``, usable for assertions and
    authentication.
    """

    def __init__(self, documents: Mapping[str, Mapping[str, Any] | Ed25519Key | None]) -> None:
        self._documents = dict(documents)
        self._resolve = default_resolver(pinned_fetch(self._documents, None))

    def __call__(self, method_id: str, /) -> ResolvedKey:
        pinned = self._documents.get(method_id)
        if isinstance(pinned, Ed25519Key):
            relationships = frozenset({"assertionMethod", "authentication"})
            return ResolvedKey(pinned, method_id, _split(method_id)[0], relationships)
        return self._resolve(method_id)


def pinned_fetch(pins: Mapping[str, Any], fallback: Fetch | None) -> Fetch:
    """Documents from ``pins`` (URL -> JSON, ``None`` = not found), else from ``fallback``.

    A ``did:web`` DID may be pinned instead of its URL: it stands for the URL its DID document
    is published at (a pin under the URL itself wins).
    """
    aliases: dict[str, str] = {}
    for name in pins:
        if isinstance(name, str) and name.startswith("did:web:") and "#" not in name:
            try:
                aliases.setdefault(did_web_url(name), name)
            except MalformedCredential:
                continue

    def fetch(url: str) -> Mapping[str, Any]:
        name = url if url in pins else aliases.get(url)
        if name is not None:
            document = pins[name]
            if not isinstance(document, Mapping):
                raise DocumentLoadError(f"{url} is pinned as not found", code="NOT_FOUND")
            return document
        if fallback is None:  # keys, status lists, refresh services alike: not only keys
            raise DocumentLoadError(
                f"cannot fetch {url}: verifying offline and nothing is pinned for it; pin its "
                "document (pins= / --pin URL=FILE) or allow network access"
            )
        return fallback(url)

    return fetch


def default_resolver(fetch: Fetch, extra: Mapping[str, KeyResolver] | None = None) -> KeyResolver:
    """did:key and did:jwk locally; did:web and HTTPS URLs through ``fetch``.

    ``extra`` maps identifier prefixes (``"did:ion:"``, ``"https://keys.example/"``) to
    resolvers consulted before the built-in ones, the longest matching prefix first.
    """
    prefixes = sorted((extra or {}).items(), key=lambda item: -len(item[0]))

    def resolve(method_id: str, /) -> ResolvedKey:
        for prefix, resolver in prefixes:
            if method_id.startswith(prefix):
                return resolver(method_id)
        if method_id.startswith("did:key:"):  # the usual case first, without splitting
            return resolve_did_key(method_id)
        scheme = method_id.split(":", 2)[:2]
        if scheme == ["did", "key"]:
            return resolve_did_key(method_id)
        if scheme == ["did", "jwk"]:
            return resolve_did_jwk(method_id)
        if scheme == ["did", "web"]:
            did = _split(method_id)[0]
            url = did_web_url(did)
            return dereference(method_id, lambda u: fetch(url) if u == did else fetch(u))
        if scheme[0] in ("https", "http"):
            return dereference(method_id, fetch)
        raise KeyResolutionError(
            f"cannot resolve {method_id:.100}: no resolver for this kind of identifier "
            "(supported: did:key, did:jwk, did:web, https URLs)"
        )

    return resolve
