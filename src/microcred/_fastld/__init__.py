"""The fast path of canonicalisation: JSON-LD expansion straight to quads, contexts processed once.

:func:`to_quads` returns exactly the quads (up to blank node labels) that pyld's ``to_rdf``
produces through :mod:`microcred._canon`, or raises :class:`Unsupported` for anything it does
not handle with certainty; :mod:`microcred._canon` then takes the pyld path, which also raises
every safe-mode error (undefined terms, relative IRIs, protected redefinitions, unknown
contexts). The fast path never decides that a document is wrong.

Processed contexts are kept per loader object (weakly: they go with the loader), built once from
the documents the loader tags ``static`` (every bundled context) and reused by every call and
thread; documents without that tag are loaded and processed again on each call, as pyld does.

``MICROCRED_FASTLD=0`` in the environment, or ``microcred._fastld.enabled = False``, turns the
fast path off (the benchmark's plain path, and tests that compare both paths). One exception
only crosses the boundary besides :class:`Unsupported`: the ``max_quads`` limit, raised as the
:mod:`microcred._rdfc` error before a huge dataset is built.

Modules: ``_context`` (active contexts, term definitions, IRI expansion), ``_terms`` (Create Term
Definition), ``_process`` (Context Processing, remote contexts, memoised transitions), ``_emit``
(expansion to quads), ``_values`` and ``_literal`` (value objects, RDF literals, JSON literals).
Written from the JSON-LD 1.1 Processing Algorithms; pyld's choices are followed where they
decide the bytes (it is the reference the differential tests compare against).
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any

from .._guarded import HiddenProperty
from .._lossless import scan_for_pyld
from .._rdfc import CanonLimits, Quad
from ..loaders import bundled_loader
from ._context import Context
from ._emit import Emitter
from ._errors import Unsupported
from ._process import Loader, Resolver, plain_json

__all__ = ["Unsupported", "enabled", "to_quads"]

enabled: bool = os.environ.get("MICROCRED_FASTLD", "1").strip() not in ("0", "false", "no", "off")


class _LoaderState:
    """What one loader's static documents become: the root context and their definitions."""

    def __init__(self) -> None:
        self.root = Context({})
        self.static: dict[str, tuple[Any, ...]] = {}


_states: weakref.WeakKeyDictionary[Any, _LoaderState] = weakref.WeakKeyDictionary()
_states_lock = threading.Lock()


_bundled = _LoaderState()  # the default loader's, without a weak-dictionary look-up


def _state_for(loader: Loader) -> _LoaderState:
    if loader is bundled_loader:
        return _bundled
    with _states_lock:
        try:
            state = _states.get(loader)
            if state is None:
                state = _states[loader] = _LoaderState()
            return state
        except TypeError:  # not weak-referenceable: nothing outlives this call
            return _LoaderState()


_MAX_DEPTH = 100  # beyond this the emitter's recursion could approach Python's limit


def to_quads(
    document: Any, loader: Loader, limits: CanonLimits, *, checked_depth: int | None = None
) -> list[Quad]:
    """The dataset of ``document`` as quads, or :class:`Unsupported`.

    ``checked_depth``: the caller has already checked the document with
    :func:`microcred._parse.check_depth` at that depth (exact JSON types, finite numbers); when
    that is within this call's limit, the walk that would check it again is skipped.
    """
    if not limits.max_depth <= _MAX_DEPTH:
        raise Unsupported("a depth limit beyond what the emitter's recursion allows")
    vouched = checked_depth is not None and checked_depth <= limits.max_depth
    if not vouched and not plain_json(document, limits.max_depth):
        raise Unsupported("not plain JSON within the depth limit")
    if type(document) is not dict:
        raise Unsupported("not a JSON object")
    state = _state_for(loader)
    resolver = Resolver(loader, state.root, state.static)
    try:
        return Emitter(resolver, limits).document(document)
    except HiddenProperty:
        scan_for_pyld(document)  # the refusal the pyld path makes, with where it is found
        raise
