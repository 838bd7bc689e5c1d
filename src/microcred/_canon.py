"""JSON-LD in safe mode, and RDFC-1.0 canonical N-Quads. The only module that imports pyld.

Why safe mode: a property or type that the contexts do not define is silently dropped by
JSON-LD expansion, so it would not be covered by a signature. Here it raises
:class:`UndefinedTerm` with a JSON Pointer to it. Relative IRIs are never resolved (the base IRI
is null). Canonicalisation is our own :mod:`microcred._rdfc`, which has a work limit; pyld's
URDNA2015 has none. Every pyld error is translated here; ``JsonLdError`` never escapes.

Speed: :func:`to_dataset` (and so :func:`canonize`) first asks :mod:`microcred._fastld`, which
expands straight to quads with contexts processed once, for the same quads pyld gives. It steps
aside for anything it does not handle with certainty, and for every document safe mode refuses,
so every error below still comes from the pyld path. ``MICROCRED_FASTLD=0`` turns it off.
pyld itself is imported on first use, so a process that never falls back never loads it.
"""

from __future__ import annotations

import functools
import re
import sys
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from . import _fastld, _rdfc
from ._lossless import scan_for_pyld
from ._parse import check_depth, kind_of
from ._rdfc import DEFAULT_LIMITS, CanonLimits, Quad
from .errors import MalformedCredential, MicrocredError, ResourceLimitExceeded, UndefinedTerm
from .loaders import DocumentLoader, bundled_loader

__all__ = ["canonize", "expand", "to_dataset"]

_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# Substrings of the JSON-LD API error codes raised while processing an @context.
_CONTEXT_CODES = (
    *("context", "mapping", "term definition", "keyword", "version", "vocab", "@import"),
    *("@propagate", "@protected", "prefix", "cyclic", "processing mode", "base", "default"),
)


class _Cache(OrderedDict[str, Any]):
    """Resolved contexts of one loader, oldest evicted first (pyld's ``shared_cache``)."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if len(self) > 256:
            self.popitem(last=False)


# One cache per loader object: what one loader supplied is never served to a call using another.
_caches: weakref.WeakKeyDictionary[DocumentLoader, _Cache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def _cache_for(loader: DocumentLoader) -> _Cache:
    with _caches_lock:
        try:
            return _caches.setdefault(loader, _Cache())
        except TypeError:  # not weak-referenceable: cache for this call only
            return _Cache()


def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _walk(document: Any) -> Iterator[tuple[str, Any, str | None, int]]:
    """Every value in document order: (pointer, value, key it is held under, depth)."""
    stack: list[tuple[str, Any, str | None, int]] = [("", document, None, 1)]
    while stack:
        pointer, value, key, depth = stack.pop()
        yield pointer, value, key, depth
        if isinstance(value, dict):
            items = [(f"{pointer}/{_escape(k)}", v, k, depth + 1) for k, v in value.items()]
        elif isinstance(value, list):
            items = [(f"{pointer}/{i}", v, key, depth + 1) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(reversed(items))


def _caller_locals() -> tuple[Any, Any]:
    """``key`` and ``element`` of pyld's ``_expand_object``, the frame that calls our handler.

    pyld hands the handler only the expanded property; the JSON key and the object holding it
    are needed for a JSON Pointer. ``(None, None)`` when pyld's internals no longer match.
    """
    frame = sys._getframe(1)
    for _ in range(4):
        if frame.f_code.co_name == "_expand_object":
            return frame.f_locals.get("key"), frame.f_locals.get("element")
        if frame.f_back is None:
            break
        frame = frame.f_back
    return None, None


def _find_key(document: Any, key: str, element: Any) -> str:
    """Pointer to ``key`` in the object that is (or equals) ``element``; else its first use.

    pyld 3.3 expands a deep copy of the input, so ``element`` is usually an equal copy.
    """
    owners = [(p, v) for p, v, _, _ in _walk(document) if isinstance(v, dict) and key in v]
    for test in (lambda v: v is element, lambda v: v == element, lambda v: True):
        for pointer, value in owners:
            if test(value):
                return f"{pointer}/{_escape(key)}"
    return ""


def _find_value(document: Any, value: str, keys: tuple[str, ...]) -> str:
    """Pointer to the first string ``value``, preferring one held under one of ``keys``."""
    hits = [(p, k) for p, v, k, _ in _walk(document) if v == value]
    return next((p for p, k in hits if k in keys), hits[0][0] if hits else "")


class _ActiveContext(dict[str, Any]):
    """An active context that takes ``{"@language": null}`` when no language was set.

    pyld runs ``del context["@language"]`` (likewise ``@vocab``, ``@direction``) on a null
    reset, a KeyError when there was nothing to reset; JSON-LD makes it a no-op.
    """

    def __delitem__(self, key: str) -> None:
        self.pop(key, None)


@functools.cache
def _pyld() -> Any:
    """pyld's ``jsonld``, imported on first use: :mod:`._fastld` handles most documents alone."""
    from pyld import jsonld

    return jsonld


@functools.cache
def _processor_class() -> type[Any]:
    """The safe-mode processor class, built on first use (it subclasses pyld's)."""

    class _Processor(_pyld().JsonLdProcessor):  # type: ignore[misc]
        """pyld's processor with safe mode: dropped properties and relative IRIs raise."""

        def __init__(self, document: Mapping[str, Any]) -> None:
            super().__init__(on_property_dropped=self._dropped)
            self.document = document
            self.checked = False

        def _get_initial_context(self, options: Any) -> _ActiveContext:
            return _ActiveContext(super()._get_initial_context(options))

        def _clone_active_context(self, active_ctx: Any) -> _ActiveContext:
            return _ActiveContext(super()._clone_active_context(active_ctx))

        def _dropped(self, expanded: str | None) -> None:
            try:
                key, element = _caller_locals()
            except Exception:  # pyld internals changed: fall back to what the handler is given
                key, element = None, None
            for name in ("type", "@type"):  # pyld skips a type that is not a string, and
                if isinstance(element, dict) and not _is_type_value(element.get(name, "")):
                    raise _value_error(  # and so the context it scopes: name the cause
                        name,
                        element[name],
                        _find_key(self.document, name, element),
                        _VALUE_RULES["invalid type value"][2],
                    )
            term = key if isinstance(key, str) else expanded
            pointer = _find_key(self.document, term, element) if isinstance(term, str) else ""
            raise UndefinedTerm(
                f"the property {term!r} is not defined by the document's @context, so it would "
                "not be signed; add a context that defines it, or remove it",
                pointer=pointer,
            )

        def expand(self, input_: Any, options: Any) -> Any:
            expanded = super().expand(input_, options)
            _check_expanded(expanded, self.document)
            self.checked = True
            return expanded

    return _Processor


def _is_iri(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    return value.startswith("_:") or (
        bool(_ABSOLUTE.match(value)) and not _NOT_IN_IRI.search(value)
    )


def _check_expanded(expanded: Any, document: Any) -> None:
    """Every @id, @type, datatype and property must be absolute: the base IRI is null.

    pyld would resolve relative IRIs against ``http://example.org/base/``, drop IRIs with
    spaces and drop ``@direction`` (jsonld.js safe mode refuses it too), all silently.
    """
    stack = [expanded]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        if "@value" in item:
            datatype = item.get("@type")
            if datatype not in (None, "@json") and not _is_iri(datatype):
                raise UndefinedTerm(
                    f"the datatype {datatype!r} is not defined by the document's @context",
                    pointer=_find_value(document, datatype, ("type", "@type")),
                )
            if "@direction" in item:
                raise MalformedCredential(
                    "@direction cannot be signed with RDF canonicalisation (it would be dropped)",
                    pointer=_find_value(document, item["@direction"], ("@direction",)),
                )
            continue
        for ident in [item["@id"]] if "@id" in item else []:
            if not _is_iri(ident):
                raise MalformedCredential(
                    f"{ident!r} is not an absolute IRI; identifiers must be absolute (relative "
                    "IRIs are never resolved: there is no base IRI)",
                    pointer=_find_value(document, ident, ("id", "@id")),
                )
        for kind in item.get("@type", []):
            if not _is_iri(kind):
                raise UndefinedTerm(
                    f"the type {kind!r} is not defined by the document's @context",
                    pointer=_find_value(document, kind, ("type", "@type")),
                )
        for key, value in item.items():
            if key.startswith("_:"):
                raise UndefinedTerm(f"the property {key!r} maps to a blank node", pointer="")
            stack.append(value)


def _is_type_value(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(item, str) for item in value)
    )


# pyld errors about a value of the document itself: the keys that hold it, what it must be
_VALUE_RULES: dict[str, tuple[tuple[str, ...], Callable[[Any], bool], str]] = {
    "invalid @id value": (("id", "@id"), lambda value: isinstance(value, str), "a string (an IRI)"),
    "invalid type value": (("type", "@type"), _is_type_value, "a string or a list of strings"),
}


def _wrong_value(document: Any, code: str) -> MalformedCredential | None:
    """The error naming the first ``id`` (``type``) of the kind pyld refused, if one is found.

    pyld says what is wrong, not where; it expands a copy, so the place is found again here.
    Values inside ``@context`` are skipped (a term definition's ``"@id": null`` is legal).
    """
    keys, valid, expected = _VALUE_RULES[code]
    for pointer, node, _, _ in _walk(document):
        if isinstance(node, dict) and "@context" not in pointer.split("/"):
            for key in keys:
                if key in node and not valid(node[key]):
                    return _value_error(key, node[key], f"{pointer}/{_escape(key)}", expected)
    return None


def _value_error(key: str, value: Any, pointer: str, expected: str) -> MalformedCredential:
    if isinstance(value, list) and key in ("type", "@type"):  # name the item at fault
        index = next(i for i, item in enumerate(value) if not isinstance(item, str))
        return MalformedCredential(
            f"{key!r} must be {expected}: item {index} is {kind_of(value[index])}",
            pointer=f"{pointer}/{index}",
        )
    return MalformedCredential(f"{key!r} must be {expected}, not {kind_of(value)}", pointer=pointer)


def _translate(exc: BaseException, document: Any = None) -> BaseException:
    """Our own error from a pyld error chain, or a plain MalformedCredential.

    A loader's own exception that is not ours (a bug in the loader) propagates unchanged.
    """
    jsonld_error = _pyld().JsonLdError
    chain: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and link not in chain:
        if isinstance(link, MicrocredError):
            return link
        cause = link.__cause__
        loading = isinstance(link, jsonld_error) and "loading" in str(link.code or "")
        if loading and cause is not None and not isinstance(cause, jsonld_error | ValueError):
            return cause
        chain.append(link)
        link = cause or link.__context__
    errors = [e for e in chain if isinstance(e, jsonld_error)]
    code = next((str(e.code) for e in reversed(errors) if e.code), "")
    message = str((errors or chain)[-1].args[0] if (errors or chain)[-1].args else exc)
    if code == "protected term redefinition":
        term = _frame_local(errors[-1], "term")
        return MalformedCredential(
            f"the @context redefines the protected term {term!r}; a later context may not "
            "change what an earlier one fixed. Reorder or remove the contexts",
            pointer="/@context",
        )
    if code in _VALUE_RULES:
        found = _wrong_value(document, code)
        if found is not None:
            return found
    # pyld's bare ValueErrors come from resolving @context URLs against the (null) base IRI
    in_context = any(w in code for w in _CONTEXT_CODES) or isinstance(chain[-1], ValueError)
    return MalformedCredential(
        f"invalid JSON-LD: {message} ({code or 'no code'})"
        + ("; check @context" if in_context else ""),
        pointer="/@context" if in_context else "",
    )


def _frames(error: BaseException) -> Iterator[Any]:
    tb = error.__traceback__
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def _frame_local(error: BaseException, name: str) -> str:
    """A local of the innermost frame that raised ``error`` (best effort, for messages)."""
    values = (f.f_locals.get(name) for f in reversed(list(_frames(error))))
    return next((v for v in values if isinstance(v, str)), "?")


@contextmanager
def _pyld_errors(document: Any = None) -> Iterator[None]:
    """pyld's errors as microcred's; ``document`` (the input) helps to say where."""
    try:
        yield
    except MicrocredError:
        raise
    except (_pyld().JsonLdError, ValueError) as exc:
        raise _translate(exc, document) from None
    except RecursionError:
        raise ResourceLimitExceeded(
            "the document nests too deeply for the JSON-LD processor; keep max_depth "
            "(InputLimits, CanonLimits) at a few hundred levels at most"
        ) from None
    except (KeyError, TypeError, AttributeError, IndexError) as exc:  # a pyld bug: fail closed
        raise MalformedCredential(
            f"the JSON-LD processor failed on this document ({type(exc).__name__}: {exc}); "
            "it cannot be canonicalised, so its proof cannot be checked"
        ) from None


def _options(loader: DocumentLoader, *, private_cache: bool = False) -> dict[str, Any]:
    from pyld.context_resolver import ContextResolver

    cache = _Cache() if private_cache else _cache_for(loader)
    resolver = ContextResolver(cache, loader)
    return {"base": None, "documentLoader": loader, "contextResolver": resolver}


def _prepare(document: Mapping[str, Any], limits: CanonLimits) -> tuple[dict[str, Any], Any]:
    """The document as a dict, checked for depth and for what pyld would lose; its options.

    An inline ``@import`` makes pyld update the imported context's cached document in place,
    so such a document gets a context cache of its own.
    """
    if not isinstance(document, Mapping):
        raise MalformedCredential(
            f"a JSON-LD document must be a JSON object, not {type(document).__name__}"
        )
    check_depth(document, limits.max_depth)
    return dict(document), scan_for_pyld(document).imports


def expand(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader = bundled_loader,
    limits: CanonLimits = DEFAULT_LIMITS,
) -> list[dict[str, Any]]:
    """JSON-LD expansion in safe mode (see the module docstring)."""
    doc, imports = _prepare(document, limits)
    with _pyld_errors(doc):
        result: list[dict[str, Any]] = _processor_class()(doc).expand(
            doc, _options(loader, private_cache=imports)
        )
    return result


def _term(term: Mapping[str, Any]) -> str:
    kind, value = term["type"], term["value"]
    if kind == "IRI":
        return _rdfc.iri(value)
    if kind == "blank node":
        return _rdfc.blank(value[2:])
    return _rdfc.literal(value, term.get("datatype", _rdfc.XSD_STRING), term.get("language"))


def to_dataset(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader = bundled_loader,
    limits: CanonLimits = DEFAULT_LIMITS,
    checked_depth: int | None = None,
) -> list[Quad]:
    """The RDF dataset of a JSON-LD document (safe mode), as :mod:`microcred._rdfc` quads.

    The fast path (:mod:`microcred._fastld`) answers first; whatever it does not handle with
    certainty, including every document that safe mode refuses, goes through pyld.
    """
    if _fastld.enabled:
        try:
            return _fastld.to_quads(document, loader, limits, checked_depth=checked_depth)
        except _fastld.Unsupported:
            pass
    doc, imports = _prepare(document, limits)
    processor = _processor_class()(doc)
    options = _options(loader, private_cache=imports)
    with _pyld_errors(doc):
        dataset = processor.to_rdf(doc, options)
        if not processor.checked:  # pyld stopped calling self.expand: check separately
            processor.expand(doc, options)
    quads: list[Quad] = []
    try:
        for graph, triples in dataset.items():
            kind = "blank node" if graph.startswith("_:") else "IRI"
            name = "" if graph == "@default" else _term({"type": kind, "value": graph})
            quads.extend(
                Quad(_term(t["subject"]), _term(t["predicate"]), _term(t["object"]), name)
                for t in triples
            )
    except MalformedCredential as exc:  # a string N-Quads cannot hold: say which
        exc.pointer = exc.pointer or _unencodable(document)
        raise
    return quads


def _unencodable(document: Any) -> str:
    """Pointer to the first string (value or key) with an unpaired surrogate, or ``""``."""
    for pointer, value, _, _ in _walk(document):
        if isinstance(value, str) and _rdfc.has_surrogate(value):
            return pointer
        if isinstance(value, dict):
            for name in value:
                if _rdfc.has_surrogate(name):
                    return f"{pointer}/{_escape(name)}"
    return ""


def canonize(
    document: Mapping[str, Any],
    *,
    loader: DocumentLoader = bundled_loader,
    limits: CanonLimits = DEFAULT_LIMITS,
    checked_depth: int | None = None,
) -> str:
    """Canonical N-Quads (RDFC-1.0, SHA-256) of a JSON-LD document, as signed by Data Integrity.

    ``checked_depth``: see :func:`microcred._fastld.to_quads`.
    """
    dataset = to_dataset(document, loader=loader, limits=limits, checked_depth=checked_depth)
    return _rdfc.canonicalize(dataset, limits)
