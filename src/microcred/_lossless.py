"""What pyld would silently lose: refuse it before pyld sees the document.

Safe mode reports undefined terms, but JSON-LD expansion also ignores some keywords where they
do not belong (``@base`` or ``@version`` in a node object, a bare ``@language``, ``@set`` beside
properties), and RDF has no place for ``@index`` or for a string floating in ``@graph``. Text
put there would be unsigned yet travel with a verified credential, so it is refused here as
data loss. The fast path (:mod:`microcred._fastld`) never accepts these constructs; this scan
guards the documents it hands to pyld, and also bounds pyld's cost on long arrays, which is
quadratic in their length.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._guarded import (
    HIDING_KEYWORDS,
    HiddenProperty,
    check_spelling,
    hiding_keyword,
    may_stand_for,
    splits_a_name,
)
from .errors import ResourceLimitExceeded, UndefinedTerm

__all__ = ["PYLD_ARRAY_WORK", "PYLD_CONTEXT_ENTRIES", "Scan", "scan_for_pyld"]

# Keywords that carry content into RDF where they appear as keys of a node, value, list or set
# object; every other keyword (and every keyword-like key, which JSON-LD ignores) loses it.
_CARRIED = frozenset(
    {"@context", "@id", "@type", "@graph", "@included", "@reverse", "@nest", "@value"}
    | {"@language", "@direction", "@list", "@set"}
)
_KEYWORD_FORM = re.compile(r"@[A-Za-z]+")

# pyld compares each new array element with the ones before it: an array of n elements costs
# about n² comparisons (10,000 tags take some 25 s). The sum of n² over a document's arrays is
# bounded here: 2,000,000 is an array of ~1,400 elements, well under a second.
PYLD_ARRAY_WORK = 2_000_000
# pyld processes every entry of every @context it meets, a few milliseconds for a bundled
# context even when it is listed again: 200 entries, some 0.6 s, are far more than any
# credential lists (the fast path remembers what it applied, and is not bounded so).
PYLD_CONTEXT_ENTRIES = 200


@dataclass
class Scan:
    """What the scan learnt: whether an inline context imports another (``@import``), and
    the terms of inline contexts that alias a keyword hiding statements (see :mod:`._guarded`)."""

    imports: bool = False
    hiding: dict[str, str] = field(default_factory=dict)  # term -> keyword
    contexts: int = 0  # entries of @context values, scoped contexts included

    def count_entries(self, context: Any) -> Any:
        """Count the entries of one @context value (a list's items, else itself); return it."""
        self.contexts += len(context) if isinstance(context, list) else 1
        return context


def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _context_aliases(context: Any, scan: Scan, aliases: set[str]) -> None:
    """Note terms that alias a keyword losing content, and whether a context uses @import."""
    stack = [context]
    scan.count_entries(context)
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            scan.imports = scan.imports or "@import" in item
            for term, definition in item.items():
                target = definition.get("@id") if isinstance(definition, Mapping) else definition
                if isinstance(target, str) and target.startswith("@") and target not in _CARRIED:
                    aliases.add(term)
                if isinstance(target, str) and target in HIDING_KEYWORDS:
                    scan.hiding[term] = target
                if isinstance(definition, Mapping):
                    if "@reverse" in definition:
                        raise hiding_keyword(term, "@reverse")
                    if "@context" in definition:
                        stack.append(scan.count_entries(definition["@context"]))
                _check_definition(term, target)


def _check_definition(term: str, target: Any) -> None:
    """Refuse an inline term (or ``@vocab``) that would spell a guarded property otherwise."""
    if not isinstance(target, str) or (term.startswith("@") and term != "@vocab"):
        return
    check_spelling(term, may_stand_for(target))
    if splits_a_name(target):
        raise HiddenProperty(
            f"the inline context maps {term!r:.80} to {target!r:.120}, which ends inside the "
            "name of a property the checks read; use a namespace IRI ending in '#' or '/'"
        )


def _lost(key: str, pointer: str, why: str) -> UndefinedTerm:
    return UndefinedTerm(
        f"{key!r} {why}, so what it holds would not be signed; remove it", pointer=pointer
    )


def _check_object(
    node: Mapping[str, Any], pointer: str, aliases: set[str], hiding: Mapping[str, str]
) -> None:
    if "@value" in node:
        return
    for key in node:
        here = f"{pointer}/{_escape(key)}"
        if key in HIDING_KEYWORDS or key in hiding:
            raise hiding_keyword(key, hiding.get(key, key), here)
        check_spelling(key, may_stand_for(key), here)
        if key in aliases:
            raise _lost(key, here, "is an alias of a keyword that JSON-LD ignores here")
        if key == "@index":
            raise _lost(key, here, "is not carried into RDF")
        if key == "@language" or (_KEYWORD_FORM.fullmatch(key) and key not in _CARRIED):
            raise _lost(key, here, "is a keyword that JSON-LD ignores in a node object")
        if key in ("@set", "@list") and len(node) > 1:
            raise _lost(key, here, "cannot stand beside other keys")


def scan_for_pyld(document: Mapping[str, Any], array_work: int = PYLD_ARRAY_WORK) -> Scan:
    """Raise on content that pyld would drop unsigned; bound pyld's work on arrays."""
    scan = Scan()
    aliases: set[str] = set()
    work = 0
    stack: list[tuple[Any, str]] = [(document, "")]
    objects: list[tuple[Mapping[str, Any], str]] = []
    while stack:
        item, pointer = stack.pop()
        if isinstance(item, Mapping):
            objects.append((item, pointer))
            for key, value in item.items():
                if key == "@context":
                    _context_aliases(value, scan, aliases)
                elif key != "@value":
                    stack.append((value, f"{pointer}/{_escape(key)}"))
        elif isinstance(item, list):
            work += len(item) * len(item)
            stack.extend((child, f"{pointer}/{i}") for i, child in enumerate(item))
    if scan.contexts > PYLD_CONTEXT_ENTRIES:
        raise ResourceLimitExceeded(
            f"the document lists {scan.contexts} @context entries; the general JSON-LD "
            "processor, which it needs for a construct the fast path does not handle (an inline "
            f"@base, @import or @direction context, for one), takes up to {PYLD_CONTEXT_ENTRIES}: "
            "list each context once, or remove that construct"
        )
    if work > array_work:
        raise ResourceLimitExceeded(
            "the document's arrays are too long for the general JSON-LD processor, which it "
            "needs for a construct the fast path does not handle (an inline @base, @import or "
            "@direction context, for one); remove that construct or shorten the arrays"
        )
    for node, pointer in objects:
        _check_object(node, pointer, aliases, scan.hiding)
    return scan
