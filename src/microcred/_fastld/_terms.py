"""Create Term Definition (JSON-LD 1.1 section 4.2.2), in the order pyld applies its steps.

A :class:`Builder` holds a context under construction from one context definition: terms are
defined in the definition's key order, dependencies (a term used in another's IRI) on demand and
without protected-override, as pyld does. Protected terms may only be redefined identically.
What the fast path does not handle (``@reverse``, ``@index``, ``@nest``, ``@direction``,
language / id / type / index containers, keyword-like or ``_uuid`` terms, ``@protected`` that is
not a boolean...) and every error raise :class:`Unsupported`.
"""

from __future__ import annotations

import re
from typing import Any, Final

from ._context import KEYWORDS, MISSING, Context, Term, expand
from ._errors import Unsupported
from ._literal import is_absolute

__all__ = ["Builder"]

_TERM_KEYS: Final = frozenset(("@id", "@type", "@container", "@context", "@language", "@prefix"))
_TERM_KEYS_REFUSED: Final = frozenset(("@reverse", "@index", "@nest", "@direction"))
_CONTAINERS: Final = frozenset(
    (("@set",), ("@list",), ("@graph",), ("@graph", "@set"), ("@set", "@graph"))
)
_GEN_DELIMS: Final = frozenset(":/?#[]@")
_IRI_LIKE_TERM = re.compile(r".*(?::[^:]|/)")


class Builder:
    """A context under construction from one context definition (Create Term Definition)."""

    def __init__(self, base: Context, local: dict[str, Any]) -> None:
        self.local = local
        self.terms = dict(base.terms)
        self.vocab, self.language, self.previous = base.vocab, base.language, base.previous
        self.defined: dict[str, bool] = {}
        self.protected = False

    def freeze(self) -> Context:
        return Context(dict(self.terms), self.vocab, self.language, self.previous)

    def create(self, term: str, *, override: bool) -> None:
        defined = self.defined
        if term in defined:
            if defined[term]:
                return
            raise Unsupported(f"cyclic definition of {term!r}")
        defined[term] = False
        if term.startswith("@") or not term or term == "_uuid":
            raise Unsupported(f"term {term!r}")
        previous = self.terms.pop(term, None)
        value = self.local[term]
        simple = value is None or isinstance(value, str)
        if simple:
            value = {"@id": value}
        if not isinstance(value, dict):
            raise Unsupported(f"term definition of {term!r} is not an object")
        if not value.keys() <= _TERM_KEYS | {"@protected"} or value.keys() & _TERM_KEYS_REFUSED:
            raise Unsupported(f"term definition of {term!r} uses unsupported keys")
        colon = term.find(":")
        iri: str | Any | None = MISSING
        prefix = False
        if "@id" in value:
            given = value["@id"]
            if given is None:
                iri = None
            elif not isinstance(given, str) or (given.startswith("@") and given not in KEYWORDS):
                raise Unsupported(f"@id of {term!r}")
            elif given != term:
                iri = expand(self, given, True, self)
                if iri is None or not (is_absolute(iri) or iri in KEYWORDS):
                    raise Unsupported(f"IRI mapping of {term!r}")
                if _IRI_LIKE_TERM.match(term):
                    if "\n" in term:
                        raise Unsupported("newline in a term")
                    self.defined = {**defined, term: True}  # pyld probes on a copy
                    same = expand(self, term, True, self) == iri
                    self.defined = defined
                    if not same:
                        raise Unsupported(f"IRI-like term {term!r} maps elsewhere")
                prefix = (
                    simple
                    and colon <= 0
                    and (iri.startswith("_:") or (iri[-1:] in _GEN_DELIMS and "\n" not in iri))
                )
        if iri is MISSING:
            if colon > 0:
                head = term[:colon]
                if head in self.local:
                    self.create(head, override=False)
                mapping = self.terms.get(head)
                if mapping is not None:
                    if mapping.iri is None:
                        raise Unsupported(f"prefix {head!r} of {term!r} has no IRI")
                    iri = mapping.iri + term[colon + 1 :]
                else:
                    iri = term
            elif self.vocab is None or "/" in term:
                raise Unsupported(f"term {term!r} without an IRI")
            else:
                iri = self.vocab + term
        marked = value.get("@protected", MISSING)
        if marked is not MISSING and not isinstance(marked, bool):
            raise Unsupported("@protected is not a boolean")
        protected = marked is True or (self.protected and marked is not False)
        type_: Any = MISSING
        if "@type" in value:
            type_ = value["@type"]
            if not isinstance(type_, str):
                raise Unsupported(f"type mapping of {term!r}")
            if type_ not in ("@id", "@vocab", "@json", "@none"):
                type_ = expand(self, type_, True, self)
                if type_ is None or not is_absolute(type_) or type_.startswith("_:"):
                    raise Unsupported(f"type mapping of {term!r}")
        container: Any = MISSING
        if "@container" in value:
            raw = value["@container"]
            container = tuple(raw) if isinstance(raw, list) else (raw,)
            if not all(isinstance(c, str) for c in container) or container not in _CONTAINERS:
                raise Unsupported(f"container {raw!r}")
        scoped: Any = MISSING
        if "@context" in value:
            scoped = False if value["@context"] is None else value["@context"]
        language: Any = MISSING
        if "@language" in value and "@type" not in value:
            language = value["@language"]
            if language is not None:
                if not isinstance(language, str):
                    raise Unsupported("language mapping is not a string")
                language = language.lower()
        if "@prefix" in value:
            flag = value["@prefix"]
            if re.match(r".*[:/]", term) or iri in KEYWORDS or not isinstance(flag, bool):
                raise Unsupported(f"@prefix on {term!r}")
            prefix = flag
        if iri in ("@context", "@preserve"):
            raise Unsupported("@context or @preserve aliased")
        new = Term(
            iri=iri,
            prefix=prefix,
            has_colon=colon > 0,
            protected=protected,
            type_=type_,
            container=container,
            context=scoped,
            language=language,
        )
        if previous is not None and previous.protected and not override:
            if new.key != previous.key:
                raise Unsupported(f"protected term {term!r} redefined")
            new.protected = True
        self.terms[term] = new
        defined[term] = True
