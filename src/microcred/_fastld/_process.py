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

import math
import re
from collections.abc import Callable, Hashable
from typing import Any, Final

from ._context import MISSING, Context, expand, same_context
from ._errors import Unsupported
from ._terms import Builder

__all__ = ["Loader", "Resolver", "plain_json"]

_CONTEXT_KEYS: Final = frozenset(("@version", "@vocab", "@language", "@propagate", "@protected"))
_CONTEXT_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?"
)
_MAX_CONTEXT_URLS: Final = 10  # pyld's limit on URLs dereferenced while resolving one context
_MEMO_LIMIT: Final = 512
_MAX_DEPTH: Final = 100  # nesting of a loaded context document; pyld sets no limit
Loader = Callable[[str, dict[str, Any]], Any]


def plain_json(value: Any, budget: int) -> bool:
    """Whether ``value`` (an object or array) holds only exact JSON types and finite numbers,
    nested at most ``budget`` levels below it.

    For documents it is stricter than :func:`microcred._parse.check_depth` (no subclasses), which
    runs, with its JSON Pointers, only when this says no and the pyld path takes over.
    """
    if type(value) is dict:
        items: Any = value.values()
        if budget <= 0 and value:
            return False
        for key in value:
            if type(key) is not str:
                return False
    elif type(value) is list:
        items = value
        if budget <= 0 and value:
            return False
    else:
        return False
    for item in items:
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is float:
            if not math.isfinite(item):
                return False
        elif not plain_json(item, budget - 1):
            return False
    return True


class Resolver:
    """Context processing for one canonicalisation: the loader, its shared state, this call."""

    def __init__(self, loader: Loader, root: Context, static: dict[str, tuple[Any, ...]]) -> None:
        self.loader, self.root, self.static = loader, root, static
        self.loaded: dict[str, tuple[Any, ...]] = {}  # non-static documents, this call only
        self.volatile = False  # the current transition used a non-static document
        self.transient = 0  # transitions so far that used one (what depends on them is not kept)

    def apply(
        self, ctx: Context, key: Hashable, local: Any, *, override: bool, propagate: bool
    ) -> Context:
        """The memoised transition: ``local`` applied to ``ctx``."""
        found = ctx.memo.get(key)
        if found is not None:
            return found
        self.volatile = False
        result = self.process(ctx, local, override=override, propagate=propagate)
        if self.volatile:
            self.transient += 1
        else:
            result = ctx if same_context(result, ctx) else result
            if len(ctx.memo) < _MEMO_LIMIT:
                ctx.memo[key] = result
        return result

    def process(self, ctx: Context, local: Any, *, override: bool, propagate: bool) -> Context:
        """Context Processing (section 4.1.2) as pyld sequences it."""
        if isinstance(local, dict) and "@context" in local:
            raise Unsupported("@context inside a context")
        raw = local if isinstance(local, list) else [local]
        if not raw:
            return ctx
        groups = self._groups(raw)
        first = next((item for _, items in groups for item in items), MISSING)
        if first is MISSING:
            raise Unsupported("a remote context with no definitions")
        if isinstance(first, dict) and "@propagate" in first:
            if not isinstance(raw[0], dict) or not isinstance(first["@propagate"], bool):
                raise Unsupported("@propagate")
            propagate = first["@propagate"]
        result = ctx
        if not propagate and result.previous is None:
            result = Context(ctx.terms, ctx.vocab, ctx.language, ctx)
        for url, items in groups:
            key = ("d", url, override)
            found = result.memo.get(key) if url is not None else None
            if found is not None:
                result = found
                continue
            start = result
            for item in items:
                if item is None:
                    if not override and result.has_protected:
                        raise Unsupported("nullifying a context with protected terms")
                    result = self.root
                else:
                    result = self._define(result, item, override)
            if url is not None:  # a bundled context met again costs a look-up, not a definition
                result = start if same_context(result, start) else result
                if len(start.memo) < _MEMO_LIMIT:
                    start.memo[key] = result
        return result

    def _groups(self, raw: list[Any]) -> list[tuple[str | None, list[dict[str, Any] | None]]]:
        """Each entry of ``raw`` flattened into its definitions (see :meth:`_resolve`), with its
        URL when it and every context it imports are static, so that applying it may be
        remembered: a context listing one URL many times then costs one definition, not many."""
        groups: list[tuple[str | None, list[dict[str, Any] | None]]] = []
        seen: set[str] = set()  # across the entries, as pyld counts the URLs it dereferences
        volatile = self.volatile
        for entry in raw:
            items: list[dict[str, Any] | None] = []
            self.volatile = False
            self._resolve([entry], items, [], seen, top=True)
            static = isinstance(entry, str) and not self.volatile
            groups.append((entry if static else None, items))
            volatile = volatile or self.volatile
        self.volatile = volatile
        return groups

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
        if type(document) is not dict or "@context" not in document:
            raise Unsupported("remote context document")
        if not plain_json(document, _MAX_DEPTH):
            raise Unsupported("remote context document is not plain JSON")
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
        builder = Builder(base, local)
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
