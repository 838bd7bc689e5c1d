"""Expansion straight to quads, in one pass over the credential JSON (JSON-LD 1.1 section 5.1,
then the Node Map Generation and Deserialize JSON-LD to RDF algorithms, fused).

A node object becomes its subject (its IRI, or a fresh blank node), each property a predicate,
each value an IRI, a literal or a nested node; ``@graph`` containers open named graphs with blank
node names and ``@list`` containers become rdf:first / rdf:rest chains. Blank nodes are labelled
in document order (RDFC-1.0 relabels them); the multiset of quads is pyld's. Context selection
follows pyld step for step: type-scoped contexts revert when entering a nested node object (unless
it is a value object or a bare reference), property-scoped contexts apply after the revert.
"""

from __future__ import annotations

from typing import Any

from .._rdfc import CanonLimits, Quad, _over
from ._context import KEYWORDS, MISSING, Context, Term, expand_iri, expand_vocab
from ._errors import Unsupported
from ._literal import (
    RDF_FIRST,
    RDF_NIL,
    RDF_REST,
    RDF_TYPE,
    iri_token,
    is_absolute,
    json_literal,
    language_literal,
    native_literal,
    string_literal,
)
from ._process import Resolver
from ._values import context_key, flat, value_object

__all__ = ["Emitter"]

_new = tuple.__new__  # builds a Quad without the keyword-handling constructor

_VALUE_KEYS = frozenset(("@value", "@type", "@language"))


class Emitter:
    """One document's quads; blank nodes get fresh labels, document labels are mapped."""

    def __init__(self, resolver: Resolver, limits: CanonLimits) -> None:
        self.resolver = resolver
        self.quads: list[Quad] = []
        self.labels: dict[str, str] = {}
        self.count = 0
        self.max_quads = limits.max_quads

    def document(self, document: dict[str, Any]) -> list[Quad]:
        if self.element(self.resolver.root, None, document, "") is None:
            return []
        self._check_size()
        return self.quads

    def _check_size(self) -> None:
        if len(self.quads) > self.max_quads:
            self.quads = list(dict.fromkeys(self.quads))
            if len(self.quads) > self.max_quads:
                raise _over("max_quads", self.max_quads)

    def blank(self) -> str:
        self.count += 1
        return f"_:f{self.count}"

    def _reference(self, iri: str | None) -> str:
        if iri is None:
            raise Unsupported("dropped IRI")
        if iri.startswith("_:"):
            label = self.labels.get(iri)
            if label is None:
                label = self.labels[iri] = self.blank()
            return label
        return iri_token(iri)

    def element(
        self, ctx: Context, prop: str | None, element: dict[str, Any], graph: str
    ) -> str | None:
        """A map under ``prop``: the node's subject, a literal, or None for a null value."""
        active = ctx
        if ctx.previous is not None:  # a type-scoped context does not reach into nested nodes
            size = len(element)
            if (
                size > 2
                or "@context" in element
                or (  # isdisjoint stops at the first key in common and builds no set
                    ctx.value_keys.isdisjoint(element)
                    and (size != 1 or ctx.id_keys.isdisjoint(element))
                )
            ):
                active = ctx.previous
        resolver = self.resolver
        if prop is not None:
            scoped = ctx.terms.get(prop)
            if scoped is not None and scoped.context is not MISSING:
                active = active.memo.get(scoped.pkey) or resolver.apply(
                    active, scoped.pkey, scoped.context, override=True, propagate=True
                )
        if "@context" in element:
            local = element["@context"]
            active = resolver.apply(
                active, context_key(local), local, override=False, propagate=True
            )
        type_scoped, type_key = active, None
        types: list[Any] = []
        aliases = active.type_keys.intersection(element)
        if aliases:
            if len(aliases) > 1:
                raise Unsupported("two keys for @type")
            (type_key,) = aliases
            raw = element[type_key]
            types = raw if type(raw) is list else [raw]
            for name in types:
                if type(name) is not str:
                    raise Unsupported("@type values must be strings")
            for name in sorted(types) if len(types) > 1 else types:
                term = type_scoped.terms.get(name)
                if term is not None and term.context is not MISSING:
                    if term.context is False:
                        raise Unsupported("null type-scoped context")
                    active = active.memo.get(term.tkey) or resolver.apply(
                        active, term.tkey, term.context, override=False, propagate=False
                    )
        keywords: dict[str, Any] = {}
        properties: list[tuple[str, Term | None, str, Any]] = []
        known = active.keys
        for key, value in element.items():
            term, iri, token = known.get(key) or _key(active, key)
            if token is None:  # a keyword
                if iri == "@context":
                    continue
                if (key == type_key) != (iri == "@type") or iri in keywords:
                    raise Unsupported("colliding keywords, or @type changed meaning")
                keywords[iri] = value
            else:
                if key == type_key:
                    raise Unsupported("@type changed meaning")
                properties.append((key, term, token, value))
        if "@value" in keywords:
            if properties or not keywords.keys() <= _VALUE_KEYS or len(element) > 2:
                raise Unsupported("value object shape")
            return value_object(type_scoped, keywords, prop is None)
        if "@id" in keywords:
            ident = keywords["@id"]
            if not isinstance(ident, str) or len(keywords) > 1 + (type_key is not None):
                raise Unsupported("@id is not a string, or other keywords")
            subject = self._reference(expand_iri(active, ident))
        else:
            if len(keywords) > (type_key is not None):
                raise Unsupported(f"keywords {sorted(keywords)}")
            subject = self.blank()
        quads = self.quads
        for name in types:
            term = type_scoped.terms.get(name)
            kind = term.iri if term is not None else expand_vocab(type_scoped, name)
            quads.append(_new(Quad, (subject, RDF_TYPE, self._reference(kind), graph)))
        # The values, inline rather than a call per property: a string or a single nested node
        # (the usual values) are handled without the array-flattening generator.
        for key, term, predicate, value in properties:
            if term is not None and term.special:
                self._special(active, subject, key, term, predicate, value, graph)
                continue
            found: str | None
            shape = type(value)
            if shape is str:
                found = self._string(active, term, value)
            elif shape is dict:
                found = self.element(active, key, value, graph)
            else:
                for item in flat(value):
                    found = self._one(active, key, term, item, graph)
                    if found is not None:
                        quads.append(_new(Quad, (subject, predicate, found, graph)))
                continue
            if found is not None:
                quads.append(_new(Quad, (subject, predicate, found, graph)))
        if len(quads) > self.max_quads:
            self._check_size()
        return subject

    def _special(
        self,
        active: Context,
        subject: str,
        key: str,
        term: Term,
        predicate: str,
        value: Any,
        graph: str,
    ) -> None:
        """A property with a scoped context, a JSON literal, a list or a graph container."""
        ctx = active  # values expand in the property-scoped context, with its term for the key
        inner: Term | None = term
        if term.context is not MISSING:
            ctx = active.memo.get(term.pkey) or self.resolver.apply(
                active, term.pkey, term.context, override=True, propagate=True
            )
            inner = ctx.terms.get(key)  # None after a null scoped context: plain values
        quads = self.quads
        if term.type == "@json":
            if term.container is not MISSING and term.container != ("@set",):
                raise Unsupported("@json in a container")
            quads.append(Quad(subject, predicate, json_literal(value), graph))
        elif value is None:
            return
        elif term.is_list:
            if isinstance(value, list):
                items = []
                for item in value:
                    if isinstance(item, list):
                        raise Unsupported("list of lists")
                    if item is not None and (token := self._one(ctx, key, inner, item, graph)):
                        items.append(token)
            else:
                token = self._one(ctx, key, inner, value, graph)
                if token is None:
                    return
                items = [token]
            quads.append(Quad(subject, predicate, self._list(items, graph), graph))
        elif term.is_graph:
            for item in flat(value):
                if not isinstance(item, dict):
                    raise Unsupported("non-object in a @graph container")
                name = self.blank()
                node = self.element(ctx, key, item, name)
                if node is None or node[0] == '"':
                    raise Unsupported("value object in a @graph container")
                quads.append(Quad(subject, predicate, name, graph))
        else:
            for item in flat(value):
                token = self._one(ctx, key, inner, item, graph)
                if token is not None:
                    quads.append(Quad(subject, predicate, token, graph))

    def _string(self, ctx: Context, term: Term | None, value: str) -> str:
        """Value Expansion (5.3.2) of a string, as its RDF term."""
        if term is None:
            kind = language = MISSING
        else:
            kind, language = term.type, term.language
        if kind is MISSING or kind == "@none":
            if language is MISSING:
                language = ctx.language
            if language is not None:
                return language_literal(value, language)
            return string_literal(value, None)
        if kind == "@id":
            return self._reference(expand_iri(ctx, value))
        if kind == "@vocab":
            return self._reference(expand_vocab(ctx, value))
        return string_literal(value, kind)

    def _one(self, ctx: Context, key: str, term: Term | None, value: Any, graph: str) -> str | None:
        """One non-array value of ``key``: a nested node or value object, or a scalar."""
        if isinstance(value, dict):
            return self.element(ctx, key, value, graph)
        if isinstance(value, str):
            return self._string(ctx, term, value)
        if isinstance(value, bool | int | float):
            kind = term.type if term is not None else MISSING
            datatype = None if kind is MISSING or kind in ("@id", "@vocab", "@none") else kind
            return native_literal(value, datatype)
        raise Unsupported(f"{type(value).__name__} value")

    def _list(self, items: list[str], graph: str) -> str:
        if not items:
            return RDF_NIL
        head = node = self.blank()
        quads = self.quads
        for index, item in enumerate(items):
            after = self.blank() if index + 1 < len(items) else RDF_NIL
            quads.append(Quad(node, RDF_FIRST, item, graph))
            quads.append(Quad(node, RDF_REST, after, graph))
            node = after
        return head


def _key(ctx: Context, key: str) -> tuple[Term | None, str, str | None]:
    """What ``key`` means in ``ctx``: its term, IRI, and predicate token (None: a keyword)."""
    term = ctx.terms.get(key)
    iri = term.iri if term is not None else expand_vocab(ctx, key)
    if iri is None:
        raise Unsupported(f"undefined term {key!r}")
    if iri in KEYWORDS:
        if iri not in ("@id", "@type", "@value", "@language", "@context"):
            raise Unsupported(f"keyword {iri}")
        entry: tuple[Term | None, str, str | None] = (term, iri, None)
    elif not is_absolute(iri) or iri.startswith("_:"):
        raise Unsupported(f"undefined term {key!r}")
    else:
        entry = (term, iri, iri_token(iri))
    if len(ctx.keys) < 4096:
        ctx.keys[key] = entry
    return entry
