"""Document loaders: where JSON-LD contexts come from. Contexts are bundled, never fetched.

A loader follows pyld's contract: ``loader(url, options) -> {"contextUrl", "documentUrl",
"document"}``. It is always passed per call, never installed as pyld's process-wide default.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any, Protocol, TypedDict

from . import _data
from .errors import UnknownContext

__all__ = ["DocumentLoader", "RemoteDocument", "bundled_loader", "loader_with"]


class RemoteDocument(TypedDict, total=False):
    """What a loader returns (pyld's RemoteDocument)."""

    contextUrl: str | None
    documentUrl: str
    document: Any
    tag: str


class DocumentLoader(Protocol):
    """Turns a URL into a document; raises :class:`UnknownContext` when it has none."""

    def __call__(self, url: str, options: Mapping[str, Any], /) -> RemoteDocument: ...


def bundled_loader(url: str, options: Mapping[str, Any] | None = None, /) -> RemoteDocument:
    """The contexts shipped with microcred. Never touches the network.

    Bundled documents are immutable, so they are tagged ``static``: the processed form of each
    is cached and reused across calls.
    """
    try:
        data = _data.context_bytes(url)
    except KeyError:
        raise UnknownContext(
            f"the JSON-LD context {url!r} is not bundled with microcred and is never fetched "
            "from the network; if you trust it, supply it with "
            "microcred.loader_with({url: document})",
            pointer="/@context",
        ) from None
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(data), "tag": "static"}


def loader_with(documents: Mapping[str, Any], /) -> DocumentLoader:
    """A loader that knows the bundled contexts plus ``documents`` (URL -> JSON object).

    Bundled URLs cannot be overridden: what a bundled URL means is fixed. The extra documents
    are not tagged static, so their processed form never outlives the call that used them.
    """
    extra = {url: copy.deepcopy(doc) for url, doc in documents.items()}
    shadowed = sorted(set(extra) & set(_data.context_urls()))
    if shadowed:
        raise ValueError(f"these contexts are bundled and cannot be replaced: {shadowed}")

    def load(url: str, options: Mapping[str, Any] | None = None, /) -> RemoteDocument:
        if url in extra:
            return {"contextUrl": None, "documentUrl": url, "document": copy.deepcopy(extra[url])}
        return bundled_loader(url, options)

    return load
