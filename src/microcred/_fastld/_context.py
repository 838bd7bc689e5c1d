"""Active contexts, term definitions and IRI expansion (JSON-LD 1.1 sections 4 and 5.2).

A :class:`Context` is immutable once built (by :mod:`._process`): its term map, vocabulary
mapping, default language and "previous context" (set by a non-propagating, type-scoped context)
never change. Every transition *(active context, context to apply)* is memoised on the source
context, keyed by the term whose scoped context is applied (``("p", term)`` property-scoped,
``("t", term)`` type-scoped) or by the local context itself (its URLs, or its JSON text); what
each node key means, and the emitter's plan for each shape of node object, are cached the same
way. These tables are plain dicts updated by single assignments (atomic in CPython, and safe
under free threading), so threads share them: a race costs a duplicate computation of an equal
result, never a wrong one.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Final, Protocol

from ._errors import Unsupported
from ._literal import is_absolute

__all__ = [
    "KEYWORDS",
    "MISSING",
    "Context",
    "Defining",
    "Term",
    "expand",
    "expand_iri",
    "expand_vocab",
    "same_context",
]


class _Missing:
    """An absent entry (distinct from JSON null); equal only to itself."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final[Any] = _Missing()
_KEYWORD_NAMES = (
    "@base @container @context @default @direction @embed @explicit @first @graph @id "
    "@import @included @index @json @language @list @nest @none @omitDefault @propagate "
    "@protected @preserve @requireAll @reverse @set @type @value @version @vocab"
)
KEYWORDS: Final = frozenset(_KEYWORD_NAMES.split())


class Term:
    """One term definition; ``key`` mirrors what pyld compares for protected redefinition."""

    __slots__ = (
        *("container", "context", "iri", "is_graph", "is_list", "key", "language"),
        *("pkey", "prefix", "protected", "special", "tkey", "type"),
    )

    def __init__(
        self,
        *,
        iri: str | None,
        prefix: bool,
        has_colon: bool,
        protected: bool,
        type_: str | Any,
        container: tuple[str, ...] | Any,
        context: Any,
        language: str | Any | None,
    ) -> None:
        self.iri, self.prefix, self.protected = iri, prefix, protected
        self.type, self.container, self.context, self.language = type_, container, context, language
        self.is_list = container == ("@list",)
        self.is_graph = container is not MISSING and "@graph" in container
        # needs more than plain value expansion: a scoped context, a JSON literal, a container
        self.special = context is not MISSING or type_ == "@json" or self.is_list or self.is_graph
        self.pkey, self.tkey = ("p", self), ("t", self)  # memo keys of its scoped context
        self.key = (iri, prefix, has_colon, type_, container, context, language)


class Context:
    """An immutable active context (its memo tables are its only mutable part)."""

    __slots__ = (
        *("has_protected", "keys", "language", "memo", "previous", "terms", "vocab"),
        *("id_keys", "plans", "type_keys", "value_keys"),
    )

    def __init__(
        self,
        terms: dict[str, Term],
        vocab: str | None = None,
        language: str | None = None,
        previous: Context | None = None,
    ) -> None:
        self.terms, self.vocab, self.language, self.previous = terms, vocab, language, previous
        self.has_protected = any(t.protected for t in terms.values())
        self.memo: dict[Hashable, Context] = {}
        # per key of a node object: (term or None, expanded IRI, predicate token or None)
        self.keys: dict[str, tuple[Term | None, str, str | None]] = {}
        # per (property, key tuple) of a node object: its emitter plan (see _emit)
        self.plans: dict[Hashable, Any] = {}
        aliases: dict[str, set[str]] = {"@id": {"@id"}, "@type": {"@type"}, "@value": {"@value"}}
        for name, term in terms.items():
            if term.iri in aliases:
                aliases[term.iri].add(name)
        self.id_keys = frozenset(aliases["@id"])
        self.type_keys = frozenset(aliases["@type"])
        self.value_keys = frozenset(aliases["@value"])


def same_context(a: Context, b: Context) -> bool:
    """Whether two active contexts define the same terms the same way (as their ``key`` and
    protection say: the rest of a Term follows from them), with one vocabulary, language and
    previous context. Applying a context again often changes nothing (one URL listed twice, a
    type repeated): the unchanged context is then kept, and its memo serves the next time."""
    if a is b:
        return True
    if a.vocab != b.vocab or a.language != b.language or a.previous is not b.previous:
        return False
    terms, others = a.terms, b.terms
    if terms.keys() != others.keys():
        return False
    for name, term in terms.items():
        other = others[name]
        if term is not other and (term.key != other.key or term.protected != other.protected):
            return False
    return True


class Defining(Protocol):
    """A context under construction: term definitions are created on demand (dependencies)."""

    terms: dict[str, Term]
    vocab: str | None
    local: dict[str, Any]
    defined: dict[str, bool]

    def create(self, term: str, *, override: bool) -> None: ...


def expand(
    scope: Context | Defining, value: str, vocab: bool, defining: Defining | None = None
) -> str | None:
    """IRI Expansion (section 5.2); while a context is defined, ``defining`` is that context."""
    if value in KEYWORDS:
        return value
    if value.startswith("@"):
        raise Unsupported(f"keyword-like value {value!r}")
    local = defining.local if defining is not None else None
    if (
        defining is not None
        and local
        and value in local
        and defining.defined.get(value) is not True
    ):
        defining.create(value, override=False)
    if vocab and value in scope.terms:
        return scope.terms[value].iri
    colon = value.find(":")
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1 :]
        if prefix == "_" or suffix.startswith("//"):
            return value
        if defining is not None and local and prefix in local and not defining.defined.get(prefix):
            defining.create(prefix, override=False)
        mapping = scope.terms.get(prefix)
        if mapping is not None and mapping.prefix:
            if mapping.iri is None:
                raise Unsupported(f"prefix {prefix!r} has no IRI")
            return mapping.iri + suffix
        if is_absolute(value):
            return value
    if vocab and scope.vocab is not None:
        return scope.vocab + value
    return value  # relative: there is no base IRI


def expand_vocab(ctx: Context, value: str) -> str | None:
    """IRI expansion of a property, type or @vocab-typed value (vocab = true)."""
    term = ctx.terms.get(value)
    return term.iri if term is not None else expand(ctx, value, True)


def expand_iri(ctx: Context, value: str) -> str | None:
    """IRI expansion of an @id or @id-typed value (document-relative, but the base is null)."""
    colon = value.find(":")
    if colon > 0:  # the usual case, an absolute IRI: the same steps as expand(), fewer checks
        if value.startswith("//", colon + 1) or (colon == 1 and value[0] == "_"):
            return value
        mapping = ctx.terms.get(value[:colon])
        if mapping is None and value[0] != "@":  # expand() returns it as it is, absolute or not
            return value
    return expand(ctx, value, False)
