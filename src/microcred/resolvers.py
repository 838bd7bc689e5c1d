"""Key resolution: from a proof's ``verificationMethod`` to a public key and who controls it.

A resolver is any callable ``resolver(method_id) -> ResolvedKey``. Every resolver here works the
same way: fetch the document the method URL names (a DID document, a controller document, or a
verification-method document), find the method *by its id* in it, and record which verification
relationships (``assertionMethod``, ``authentication`` ...) the controller lists it under. A key
is never read out of the URL itself (``https://issuer.example#z6Mk…`` means "dereference me").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import InvalidKey, KeyResolutionError
from .keys import Ed25519Key

__all__ = [
    "RELATIONSHIPS",
    "KeyResolver",
    "ResolvedKey",
    "StaticResolver",
    "default_resolver",
    "dereference",
    "resolve_did_key",
]

RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)

Fetch = Callable[[str], Mapping[str, Any]]
"""Returns the JSON document published at a URL (no fragment); raises ResolutionError."""


@dataclass(frozen=True)
class ResolvedKey:
    """A public key, the method id it was found under, its controller and relationships."""

    key: Ed25519Key
    method_id: str
    controller: str
    relationships: frozenset[str]


class KeyResolver(Protocol):
    """Turns a verification method id into a :class:`ResolvedKey`.

    Raise :class:`~microcred.errors.KeyResolutionError` when the key cannot be obtained (the
    check becomes indeterminate) and a :class:`~microcred.errors.CredentialError` when the
    published documents show the key is not valid for it (the check fails).
    """

    def __call__(self, method_id: str, /) -> ResolvedKey: ...


def _split(method_id: str) -> tuple[str, str]:
    base, _, fragment = method_id.partition("#")
    return base, fragment


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _references(entries: Any, base: str) -> Iterable[str]:
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, str):
            yield _absolute(entry, base)
        elif isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
            yield _absolute(entry["id"], base)


def _methods(document: Mapping[str, Any], base: str) -> Iterable[Mapping[str, Any]]:
    """Every verification method object in a controller document, embedded ones included."""
    for name in ("verificationMethod", *RELATIONSHIPS):
        entries = document.get(name, [])
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, Mapping):
                yield entry


def _relationships(controller_doc: Mapping[str, Any], method_id: str, base: str) -> frozenset[str]:
    return frozenset(
        name for name in RELATIONSHIPS if method_id in _references(controller_doc.get(name), base)
    )


def _is_method_document(document: Mapping[str, Any]) -> bool:
    return "controller" in document and any(
        k in document for k in ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58")
    )


def dereference(method_id: str, fetch: Fetch) -> ResolvedKey:
    """Resolve ``method_id`` through the documents ``fetch`` returns (the shared algorithm)."""
    base, _ = _split(method_id)
    document = fetch(base)
    if _is_method_document(document) and document.get("id") == method_id:
        method: Mapping[str, Any] = document
        controller = str(document["controller"])
        controller_base, _ = _split(controller)
        controller_doc = fetch(controller_base)
    else:
        controller_doc, controller = document, base
        if document.get("id") != base:
            raise InvalidKey(
                f"the document at {base} has id {document.get('id')!r}; a controller document "
                "must carry its own URL as id",
                code="INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID",
            )
        found = [
            m for m in _methods(document, base) if _absolute(str(m.get("id")), base) == method_id
        ]
        if not found:
            raise InvalidKey(
                f"the controller document {base} does not contain the verification method "
                f"{method_id}",
            )
        method = found[0]
        declared = method.get("controller", controller)
        if _split(str(declared))[0] != controller:
            raise InvalidKey(
                f"verification method {method_id} names controller {declared!r}, not {controller}"
            )
    if controller_doc.get("id") != _split(controller)[0]:
        raise InvalidKey(
            f"the controller document for {method_id} does not carry the controller's id",
            code="INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID",
        )
    key = Ed25519Key.from_verification_method(method)
    relationships = _relationships(controller_doc, method_id, _split(controller)[0])
    return ResolvedKey(key, method_id, _split(controller)[0], relationships)


def resolve_did_key(method_id: str, /) -> ResolvedKey:
    """``did:key`` methods: the DID document is derived from the DID itself; nothing is fetched."""
    base, _ = _split(method_id)
    if not base.startswith("did:key:"):
        raise KeyResolutionError(f"{method_id} is not a did:key verification method")
    document = Ed25519Key.from_did_key(base).did_document()
    return dereference(method_id, lambda url: document)


class StaticResolver:
    """Keys from documents the caller supplies (pins): URL -> controller/method document or key.

    Use it for offline verification and tests. A bare key pinned under a full method id is
    trusted as the caller says: controlled by the URL before ``#``, usable for assertions and
    authentication.
    """

    def __init__(self, documents: Mapping[str, Mapping[str, Any] | Ed25519Key | None]) -> None:
        self._documents = dict(documents)

    def _fetch(self, url: str) -> Mapping[str, Any]:
        document = self._documents.get(url)
        if document is None:
            raise KeyResolutionError(f"no document is pinned for {url}")
        if not isinstance(document, Mapping):
            raise KeyResolutionError(f"{url} is pinned to a key, not to a document")
        return document

    def __contains__(self, method_id: str) -> bool:
        return method_id in self._documents or _split(method_id)[0] in self._documents

    def __call__(self, method_id: str, /) -> ResolvedKey:
        pinned = self._documents.get(method_id)
        if isinstance(pinned, Ed25519Key):
            relationships = frozenset({"assertionMethod", "authentication"})
            return ResolvedKey(pinned, method_id, _split(method_id)[0], relationships)
        return dereference(method_id, self._fetch)


def default_resolver(
    pins: Mapping[str, Mapping[str, Any] | Ed25519Key | None] | None = None,
) -> KeyResolver:
    """did:key natively, then the caller's pins; anything else cannot be resolved offline."""
    static = StaticResolver(pins or {})

    def resolve(method_id: str, /) -> ResolvedKey:
        if method_id in static:
            return static(method_id)
        if method_id.startswith("did:key:"):
            return resolve_did_key(method_id)
        raise KeyResolutionError(
            f"cannot resolve {method_id}: no resolver is configured for it; pin its controller "
            "document (StaticResolver / --pin) or enable HTTP resolution"
        )

    return resolve
