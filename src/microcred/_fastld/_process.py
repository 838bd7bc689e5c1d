"""Context processing: local contexts applied to active contexts (JSON-LD 1.1, 4.1 and 4.2).

Follows the Context Processing and Create Term Definition algorithms in the order pyld applies
them (pyld is the reference for the bytes): remote contexts flattened into one sequence processed
with the caller's flags, term dependencies defined on demand without protected-override, every
scoped context validated when its term is defined. Whatever is not certain (``@import``,
``@base``, ``@direction``, ``@reverse``, ``@nest``, ``@index``, language / id / type / index
containers, keyword-like terms, ``@protected: false``, relative or unusual context URLs...) and
every error case raise :class:`Unsupported`: the pyld path then raises the proper typed error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any, Final

from ._context import KEYWORDS, MISSING, Context, Term, expand
from ._errors import Unsupported
from ._literal import is_absolute

__all__ = ["Loader", "Resolver"]

_TERM_KEYS: Final = frozenset(("@id", "@type", "@container", "@context", "@language", "@prefix"))
_TERM_KEYS_REFUSED: Final = frozenset(("@reverse", "@index", "@nest", "@direction"))
_CONTAINERS: Final = frozenset(
    (("@set",), ("@list",), ("@graph",), ("@graph", "@set"), ("@set", "@graph"))
)
_CONTEXT_KEYS: Final = frozenset(("@version", "@vocab", "@language", "@propagate", "@protected"))
_GEN_DELIMS: Final = frozenset(":/?#[]@")
_IRI_LIKE_TERM = re.compile(r".*(?::[^:]|/)")
_CONTEXT_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?"
)
_MAX_CONTEXT_URLS: Final = 10  # pyld's limit on URLs dereferenced while resolving one context
_MEMO_LIMIT: Final = 512
Loader = Callable[[str, dict[str, Any]], Any]


class _Builder:
    """A context under construction from one context definition (Create Term Definition)."""

    def __init__(self, resolver: Resolver, base: Context, local: dict[str, Any]) -> None:
        self.resolver, self.local = resolver, local
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


class Resolver:
    """Context processing for one canonicalisation: the loader, its shared state, this call."""

    def __init__(self, loader: Loader, root: Context, static: dict[str, tuple[Any, ...]]) -> None:
        self.loader, self.root, self.static = loader, root, static
        self.loaded: dict[str, tuple[Any, ...]] = {}  # non-static documents, this call only
        self.volatile = False  # the current transition used a non-static document

    def apply(
        self, ctx: Context, key: Hashable, local: Any, *, override: bool, propagate: bool
    ) -> Context:
        """The memoised transition: ``local`` applied to ``ctx``."""
        found = ctx.memo.get(key)
        if found is not None:
            return found
        self.volatile = False
        result = self.process(ctx, local, override=override, propagate=propagate)
        if not self.volatile and len(ctx.memo) < _MEMO_LIMIT:
            ctx.memo[key] = result
        return result

    def process(self, ctx: Context, local: Any, *, override: bool, propagate: bool) -> Context:
        """Context Processing (section 4.1.2) as pyld sequences it."""
        if isinstance(local, dict) and "@context" in local:
            raise Unsupported("@context inside a context")
        raw = local if isinstance(local, list) else [local]
        if not raw:
            return ctx
        items: list[dict[str, Any] | None] = []
        self._resolve(raw, items, [], set(), top=True)
        if not items:
            raise Unsupported("a remote context with no definitions")
        first = items[0]
        if isinstance(first, dict) and "@propagate" in first:
            if not isinstance(raw[0], dict) or not isinstance(first["@propagate"], bool):
                raise Unsupported("@propagate")
            propagate = first["@propagate"]
        result = ctx
        if not propagate and result.previous is None:
            result = Context(ctx.terms, ctx.vocab, ctx.language, ctx)
        for item in items:
            if item is None:
                if not override and result.has_protected:
                    raise Unsupported("nullifying a context with protected terms")
                result = self.root
            else:
                result = self._define(result, item, override)
        return result

    def _resolve(
        self,
        raw: list[Any],
        out: list[dict[str, Any] | None],
        stack: list[str],
        seen: set[str],
        *,
        top: bool,
    ) -> None:
        """Flatten ``raw`` into context definitions (dicts) and nulls, loading URLs."""
        for item in raw:
            if isinstance(item, str):
                seen.add(item)
                if len(seen) > _MAX_CONTEXT_URLS or item in stack:
                    raise Unsupported("too many context URLs, or a cycle")
                self._resolve(list(self._load(item)), out, [*stack, item], seen, top=False)
            elif isinstance(item, dict):
                if "@context" in item:
                    raise Unsupported("@context inside a context")
                out.append(item)
            elif (item is None or item is False) and top:  # pyld reads false as null
                out.append(None)
            else:
                raise Unsupported(f"context item {item!r}")

    def _load(self, url: str) -> tuple[Any, ...]:
        found = self.static.get(url)
        if found is not None:
            return found
        found = self.loaded.get(url)
        if found is not None:
            self.volatile = True
            return found
        if not _CONTEXT_URL.fullmatch(url) or re.search(r"/\.\.?(?:/|\Z)", url):
            raise Unsupported(f"context URL {url!r}")
        try:
            remote = self.loader(url, {})
        except Exception:  # the pyld path calls the loader again and reports what it raises
            raise Unsupported(f"loader failed for {url!r}") from None
        if not isinstance(remote, dict) or "contextUrl" not in remote or remote["contextUrl"]:
            raise Unsupported("loader result")
        document = remote.get("document")
        if not isinstance(document, dict) or "@context" not in document:
            raise Unsupported("remote context document")
        context = document["@context"]
        items = tuple(context) if isinstance(context, list) else (context,)
        if remote.get("tag") == "static":
            self.static[url] = items
        else:
            self.loaded[url] = items
            self.volatile = True
        return items

    def _define(self, base: Context, local: dict[str, Any], override: bool) -> Context:
        """One context definition (steps 5.5 to 5.13) applied to ``base``."""
        builder = _Builder(self, base, local)
        if "@version" in local:
            version = local["@version"]
            if type(version) is not float or version != 1.1:
                raise Unsupported("@version")
        if local.keys() & {"@import", "@base", "@direction", "_uuid"}:
            raise Unsupported("@import, @base, @direction or a term named _uuid")
        if "@vocab" in local:
            vocab = local["@vocab"]
            if vocab is None:
                builder.vocab = None
            elif not isinstance(vocab, str):
                raise Unsupported("@vocab")
            else:
                builder.vocab = expand(builder, vocab, True)
                if builder.vocab is None or not re.fullmatch(
                    r"[A-Za-z][A-Za-z0-9+.-]*:\S*", builder.vocab
                ):
                    raise Unsupported("@vocab is not an absolute IRI")
        if "@language" in local:
            language = local["@language"]
            if language is not None and not isinstance(language, str):
                raise Unsupported("@language")
            builder.language = language.lower() if language is not None else None
        if "@propagate" in local and not isinstance(local["@propagate"], bool):
            raise Unsupported("@propagate")
        if "@protected" in local and local["@protected"] is not True:
            raise Unsupported("@protected other than true")
        builder.protected = "@protected" in local
        builder.defined.update(dict.fromkeys(_CONTEXT_KEYS & local.keys(), True))
        for term, value in local.items():
            if term.startswith("@"):
                if term in _CONTEXT_KEYS:
                    continue
                raise Unsupported(f"context key {term!r}")
            builder.create(term, override=override)
            if isinstance(value, dict) and "@context" in value:  # validate the scoped context
                self.process(builder.freeze(), value["@context"], override=True, propagate=True)
        return builder.freeze()
