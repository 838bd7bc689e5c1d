"""Expansion straight to quads, in one pass over the credential JSON (JSON-LD 1.1 section 5.1,
then the Node Map Generation and Deserialize JSON-LD to RDF algorithms, fused).

A node object becomes its subject (its IRI, or a fresh blank node), each property a predicate,
each value an IRI, a literal or a nested node; ``@graph`` containers open named graphs with blank
node names and ``@list`` containers become rdf:first / rdf:rest chains. Blank nodes are labelled
in document order (RDFC-1.0 relabels them); the multiset of quads is pyld's. Context selection
follows pyld step for step: type-scoped contexts revert when entering a nested node object (unless
it is a value object or a bare reference), property-scoped contexts apply after the revert.

Everything about a node object except its values depends only on the active context, the
property holding it, its keys and its types: the contexts selected, what each key means, its
type IRIs. That is worked out once per combination (a :class:`_Plan`, kept on the context like
its other memo tables) and each later node of that shape goes straight to its values.
"""

from __future__ import annotations

import itertools
from typing import Any

from .._guarded import HIDING_KEYWORDS, check_spelling, hiding_keyword
from .._rdfc import XSD_STRING, CanonLimits, Quad, _over
from ._context import KEYWORDS, MISSING, Context, Term, expand_iri, expand_vocab
from ._errors import Unsupported
from ._literal import (
    RDF_FIRST,
    RDF_NIL,
    RDF_REST,
    RDF_TYPE,
    XSD_DOUBLE,
    iri_token,
    is_absolute,
    json_literal,
    language_literal,
    native_literal,
    needs_escape,
    string_literal,
)
from ._process import Resolver
from ._values import context_key, flat, value_object

__all__ = ["Emitter"]

_new = tuple.__new__  # builds a Quad without the keyword-handling constructor

_VALUE_KEYS = frozenset(("@value", "@type", "@language"))
_IRI = "@id"  # the string form of an @id-typed term: its values are IRI references
# Plans kept: per context, per shape (combinations of types), and in all, so that a stream of
# hostile documents, each of a new shape, cannot grow them without bound (a few MB at most).
_PLAN_LIMIT = 1024
_PLANS_IN_ALL = 16_384
_plans_made = itertools.count()  # next() is atomic: no lock on the hot path


class _Shape:
    """A node object's keys, in a context: the context selected for it, its @type key, and a
    :class:`_Plan` per combination of types met."""

    __slots__ = ("active", "plans", "type_key")

    def __init__(self, active: Context, type_key: str | None) -> None:
        self.active, self.type_key = active, type_key
        self.plans: dict[Any, _Plan] = {}


class _Plan:
    """Everything about a node object but its values: built once, then each node like it is
    emitted without looking up a term again. ``value`` is set for a value object instead."""

    __slots__ = ("active", "id_key", "properties", "type_scoped", "types", "value")

    def __init__(self, active: Context, type_scoped: Context) -> None:
        self.active, self.type_scoped = active, type_scoped
        self.id_key: str | None = None
        self.types: tuple[str, ...] = ()  # tokens, or blank node identifiers to map
        # (key, term, predicate token, how a string value is written: see _string_form)
        self.properties: tuple[tuple[str, Term | None, str, str | None], ...] = ()
        self.value: tuple[tuple[str, str], ...] | None = None


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
        keys = tuple(element)
        if "@context" in element:
            local = element["@context"]
            active = self.resolver.apply(
                self._selected(ctx, prop, element),
                context_key(local),
                local,
                override=False,
                propagate=True,
            )
            shape = active.plans.get(("@context", keys)) or self._shape(
                active, "@context", keys, element
            )
        else:
            shape = ctx.plans.get((prop, keys)) or self._shape(ctx, prop, keys, element)
        selector: Any = None
        if shape.type_key is not None:
            raw = element[shape.type_key]
            if type(raw) is str:
                selector = raw
            elif type(raw) is list and all(type(name) is str for name in raw):
                selector = tuple(raw)
            else:
                raise Unsupported("@type values must be strings")
        plan = shape.plans.get(selector) or self._plan(shape, selector, keys)
        if plan.value is not None:
            keywords = {iri: element[key] for iri, key in plan.value}
            return value_object(plan.type_scoped, keywords, prop is None)
        active = plan.active
        if plan.id_key is not None:
            ident = element[plan.id_key]
            if type(ident) is not str:
                raise Unsupported("@id is not a string")
            subject = self._reference(expand_iri(active, ident))
        else:
            subject = self.blank()
        quads = self.quads
        for kind in plan.types:
            token = kind if kind[0] == "<" else self._reference(kind)
            quads.append(_new(Quad, (subject, RDF_TYPE, token, graph)))
        # The values, inline rather than a call per property: a string or a single nested node
        # (the usual values) are handled without the array-flattening generator.
        for key, term, predicate, form in plan.properties:
            value = element[key]
            if term is not None and term.special:
                self._special(active, subject, key, term, predicate, value, graph)
                continue
            found: str | None
            shape_of_value = type(value)
            if shape_of_value is str:
                if form is _IRI:
                    found = self._reference(expand_iri(active, value))
                elif form is not None and needs_escape(value) is None:
                    found = f'"{value}"{form}'
                else:
                    found = self._string(active, term, value)
            elif shape_of_value is dict:
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

    def _selected(self, ctx: Context, prop: str | None, element: dict[str, Any]) -> Context:
        """The context of a node object before its own ``@context`` and types apply."""
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
        if prop is not None:
            scoped = ctx.terms.get(prop)
            if scoped is not None and scoped.context is not MISSING:
                active = active.memo.get(scoped.pkey) or self.resolver.apply(
                    active, scoped.pkey, scoped.context, override=True, propagate=True
                )
        return active

    def _shape(
        self, ctx: Context, prop: str | None, keys: tuple[str, ...], element: dict[str, Any]
    ) -> _Shape:
        """What depends on the keys alone: the context selected and the key that holds @type.

        ``prop`` is ``"@context"`` when ``ctx`` already is the node's own context (never a
        property name: the emitter skips ``@context`` keys).
        """
        transient = self.resolver.transient
        active = ctx if prop == "@context" else self._selected(ctx, prop, element)
        aliases = active.type_keys.intersection(keys)
        if len(aliases) > 1:
            raise Unsupported("two keys for @type")
        shape = _Shape(active, next(iter(aliases)) if aliases else None)
        if self.resolver.transient == transient and _may_keep(ctx.plans):
            ctx.plans[(prop, keys)] = shape
        return shape

    def _plan(self, shape: _Shape, selector: Any, keys: tuple[str, ...]) -> _Plan:
        """What depends on the keys and the types: contexts, type IRIs, what each key means."""
        transient = self.resolver.transient
        resolver = self.resolver
        type_scoped = active = shape.active
        type_key = shape.type_key
        types = () if selector is None else (selector,) if type(selector) is str else selector
        for name in sorted(types) if len(types) > 1 else types:
            term = type_scoped.terms.get(name)
            if term is not None and term.context is not MISSING:
                if term.context is False:
                    raise Unsupported("null type-scoped context")
                active = active.memo.get(term.tkey) or resolver.apply(
                    active, term.tkey, term.context, override=False, propagate=False
                )
        keywords: dict[str, str] = {}  # keyword -> the key holding it
        properties: list[tuple[str, Term | None, str, str | None]] = []
        known = active.keys
        for key in keys:
            term, iri, token = known.get(key) or _key(active, key)
            if token is None:  # a keyword
                if iri == "@context":
                    continue
                if (key == type_key) != (iri == "@type") or iri in keywords:
                    raise Unsupported("colliding keywords, or @type changed meaning")
                keywords[iri] = key
            else:
                if key == type_key:
                    raise Unsupported("@type changed meaning")
                check_spelling(key, iri)
                properties.append((key, term, token, _string_form(active, term)))
        plan = _Plan(active, type_scoped)
        if "@value" in keywords:
            if properties or not keywords.keys() <= _VALUE_KEYS or len(keys) > 2:
                raise Unsupported("value object shape")
            plan.value = tuple(keywords.items())
        else:
            if len(keywords) > (type_key is not None) + ("@id" in keywords):
                raise Unsupported(f"keywords {sorted(keywords)}")
            plan.id_key = keywords.get("@id")
            plan.properties = tuple(properties)
            type_iris = []
            for name in types:
                term = type_scoped.terms.get(name)
                kind = term.iri if term is not None else expand_vocab(type_scoped, name)
                if kind is None:
                    raise Unsupported("dropped IRI")
                type_iris.append(kind if kind.startswith("_:") else iri_token(kind))
            plan.types = tuple(type_iris)
        if resolver.transient == transient and _may_keep(shape.plans):
            shape.plans[selector] = plan
        return plan

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


def _may_keep(table: dict[Any, Any]) -> bool:
    return len(table) < _PLAN_LIMIT and next(_plans_made) < _PLANS_IN_ALL


def _string_form(ctx: Context, term: Term | None) -> str | None:
    """How a string value of ``term`` is written: :data:`_IRI` (an IRI reference), the suffix
    after the quoted string (``""`` or ``^^<datatype>``), or None for :meth:`Emitter._string`."""
    kind = term.type if term is not None else MISSING
    if kind is MISSING or kind == "@none":
        language = term.language if term is not None else MISSING
        if language is MISSING:
            language = ctx.language
        return "" if language is None else None
    if kind == "@id":
        return _IRI
    if kind == "@vocab" or kind == XSD_DOUBLE:
        return None
    if kind == XSD_STRING:
        return ""
    try:
        return "^^" + iri_token(kind)
    except Unsupported:  # refused when a string value is written, as before
        return None


def _key(ctx: Context, key: str) -> tuple[Term | None, str, str | None]:
    """What ``key`` means in ``ctx``: its term, IRI, and predicate token (None: a keyword)."""
    term = ctx.terms.get(key)
    iri = term.iri if term is not None else expand_vocab(ctx, key)
    if iri is None:
        raise Unsupported(f"undefined term {key!r}")
    if iri in KEYWORDS:
        if iri in HIDING_KEYWORDS:
            raise hiding_keyword(key, iri)
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
