"""RDF Dataset Canonicalization (W3C RDFC-1.0), written from the spec, with a work limit.

Why our own: what gets signed must not depend on an unbounded search. A poison dataset (a clique
of look-alike blank nodes) makes the full algorithm explore factorially many paths; here every
Hash N-Degree Quads call and every permutation is counted against :class:`CanonLimits` and the
input is refused with :class:`ResourceLimitExceeded` instead of running for minutes.

A term is its canonical N-Quads token (``<iri>``, ``_:label``, ``"lexical"^^<dt>``,
``"lexical"@lang``); the default graph is ``""``. Tokens compare, hash and serialise as plain
strings, which keeps the usual case (every blank node distinguishable by its own quads) a sort;
a quad without a blank node is written once, as it is, and only the others are relabelled.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from .errors import MalformedCredential, ResourceLimitExceeded

__all__ = [
    "DEFAULT_LIMITS",
    "XSD_STRING",
    "CanonLimits",
    "Quad",
    "blank",
    "canonicalize",
    "has_surrogate",
    "iri",
    "issued_identifiers",
    "literal",
    "parse_nquads",
]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}


class Quad(NamedTuple):
    """One quad of canonical N-Quads tokens; ``graph`` is ``""`` for the default graph."""

    subject: str
    predicate: str
    object: str
    graph: str = ""


@dataclass(frozen=True)
class CanonLimits:
    """Upper bounds on input size and canonicalisation work; exceeding one raises.

    A work unit is one permutation tried or one related blank node hashed in Hash N-Degree
    Quads. The defaults pass the whole W3C suite (its computable poison graphs need 468 calls
    and 5,688 units) and refuse its 10-node clique in under 0.1 s; credentials whose blank
    nodes all differ in their own quads need none. ``max_depth`` bounds JSON nesting.
    """

    max_quads: int = 100_000
    max_blank_nodes: int = 10_000
    max_hash_n_degree_calls: int = 5_000
    max_work_units: int = 50_000
    max_recursion_depth: int = 64
    max_depth: int = 64


DEFAULT_LIMITS = CanonLimits()

# Canonical escaping of literals (RDF 1.2 N-Quads canonical form, used by RDFC-1.0).
_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"'}
_ESCAPES = {c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F]}
_ESCAPES.update({ord(k): v for k, v in _ECHAR.items()})
_ESCAPES[ord("\\")] = "\\\\"
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\\ud800-\udfff]')
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LANGTAG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*\Z")
_LABEL = r'[^\s<>"{}|^`\\.:]+(?:\.+[^\s<>"{}|^`\\.:]+)*'
_BLANK_LABEL = re.compile(_LABEL + r"\Z")


def iri(value: str) -> str:
    """The token for an absolute IRI; refuses characters that would break the N-Quads line."""
    if _BAD_IRI.search(value) or ":" not in value:
        raise MalformedCredential(f"not a valid absolute IRI: {value!r}")
    return f"<{value}>"


def blank(label: str) -> str:
    """The token for a blank node (``label`` without ``_:``)."""
    if not _BLANK_LABEL.match(label):
        raise MalformedCredential(f"not a valid blank node label: {label!r}")
    return f"_:{label}"


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds an unpaired surrogate (JSON allows one; UTF-8 and RDF do not)."""
    return _SURROGATE.search(text) is not None


def literal(value: str, datatype: str = XSD_STRING, language: str | None = None) -> str:
    """The token for a literal: canonical escaping; ``xsd:string`` is left implicit."""
    if has_surrogate(value):
        raise MalformedCredential(
            f"a string holds an unpaired surrogate, which UTF-8 cannot encode: {value!r:.80}"
        )
    text = '"' + value.translate(_ESCAPES) + '"'
    if language is not None:
        if not _LANGTAG.match(language):
            raise MalformedCredential(f"not a valid language tag: {language!r}")
        return f"{text}@{language}"
    return text if datatype == XSD_STRING else f"{text}^^{iri(datatype)}"


# N-Quads parsing: enough of the grammar for the W3C suites.
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKEN = re.compile(
    r'[ \t]*(?:<((?:[^\x00-\x20<>"{}|^`\\]|' + _UCHAR + r")*)>"
    r"|_:(" + _LABEL + ")"
    r'|"((?:[^"\\\n\r]|\\[tbnrf"\'\\]|' + _UCHAR + r')*)"'
    r"(?:@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|\^\^<((?:[^\x00-\x20<>\"{}|^`\\]|" + _UCHAR + r")*)>)?)"
)
_END = re.compile(r"[ \t]*\.[ \t]*(?:#.*)?\Z")
_SKIP = re.compile(r"[ \t]*(?:#.*)?\Z")
_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_ECHAR_VALUES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f"}


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(3) is not None:
            return _ECHAR_VALUES.get(m.group(3), m.group(3))
        return chr(int(m.group(1) or m.group(2), 16))

    return _UNESCAPE.sub(one, text) if "\\" in text else text


def parse_nquads(text: str) -> list[Quad]:
    """Parse N-Quads text into quads (terms as canonical tokens)."""
    quads: list[Quad] = []
    for number, line in enumerate(text.splitlines(), 1):
        if _SKIP.match(line):
            continue
        terms: list[str] = []
        pos = 0
        while len(terms) < 4 and (m := _TOKEN.match(line, pos)):
            if m.group(1) is not None:
                terms.append(iri(_unescape(m.group(1))))
            elif m.group(2) is not None:
                terms.append(blank(m.group(2)))
            else:
                value, lang, dt = _unescape(m.group(3)), m.group(4), m.group(5)
                terms.append(literal(value, _unescape(dt) if dt else XSD_STRING, lang))
            pos = m.end()
        if not 3 <= len(terms) <= 4 or not _END.match(line, pos):
            raise MalformedCredential(f"N-Quads line {number} is not a quad: {line!r}")
        s, p, o, *g = terms
        if s[0] == '"' or p[0] != "<" or (g and g[0][0] == '"'):
            raise MalformedCredential(f"N-Quads line {number} has a term in the wrong place")
        quads.append(Quad(s, p, o, g[0] if g else ""))
    return quads


def _line(q: Quad, names: Mapping[str, str] | None = None) -> str:
    """The N-Quads line of ``q``; with ``names``, each blank node is written as its entry there.

    A blank node missing from ``names`` is written ``_:z``: that is what Hash First Degree Quads
    needs (``{node: "_:a"}``), and relabelling passes every node. Tokens start with ``<``, ``"``
    or ``_``, so one character tells a blank node apart without parsing.
    """
    s, p, o, g = q
    if names is not None:
        if s[0] == "_":
            s = names.get(s, "_:z")
        if o[0] == "_":
            o = names.get(o, "_:z")
        if g and g[0] == "_":
            g = names.get(g, "_:z")
    return f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"


def _over(limit: str, value: int) -> ResourceLimitExceeded:
    return ResourceLimitExceeded(
        f"canonicalisation refused: more than {limit}={value} "
        f"(raise it with CanonLimits({limit}=...) only for input you trust)"
    )


class _State:
    """One run of the algorithm: blank node to quads map, caches, canonical issuer, counters."""

    def __init__(self, quads: Iterable[Quad], limits: CanonLimits, algorithm: str) -> None:
        if algorithm not in _HASHES:
            raise ValueError(f"unknown hash algorithm {algorithm!r}; use one of {sorted(_HASHES)}")
        self.limits = limits
        self.hash = _HASHES[algorithm]
        unique = dict.fromkeys(quads)  # a dataset is a set: duplicates go
        if len(unique) > limits.max_quads:
            raise _over("max_quads", limits.max_quads)
        # Only quads with a blank node are relabelled; the others are final as they are.
        # Locals, and the three positions tested one by one, because this loop sees every quad.
        plain: list[Quad] = []
        blank: list[Quad] = []
        bnode_quads: dict[str, list[Quad]] = {}
        for q in unique:
            s, p, o, g = q
            if p[0] == "_":  # RDF has none, and the algorithm would leave it unlabelled
                raise MalformedCredential(f"a predicate must be an IRI, not {p}")
            in_s, in_o, in_g = s[0] == "_", o[0] == "_", g[:1] == "_"
            if not (in_s or in_o or in_g):
                plain.append(q)
                continue
            blank.append(q)
            # each blank node of q lists q once, even when it is in two positions
            if in_s:
                bnode_quads.setdefault(s, []).append(q)
            if in_o and o != s:
                bnode_quads.setdefault(o, []).append(q)
            if in_g and g != s and g != o:
                bnode_quads.setdefault(g, []).append(q)
        self.plain, self.blank, self.bnode_quads = plain, blank, bnode_quads
        if len(self.bnode_quads) > limits.max_blank_nodes:
            raise _over("max_blank_nodes", limits.max_blank_nodes)
        self.first: dict[str, str] = {}
        self.canonical: dict[str, str] = {}
        self.calls = 0
        self.work = 0

    def digest(self, data: str) -> str:
        return self.hash(data.encode("utf-8")).hexdigest()

    def issue(self, node: str) -> None:
        self.canonical.setdefault(node, f"c14n{len(self.canonical)}")

    def hash_first_degree(self, node: str) -> str:
        """Hash of the node's own quads, itself as ``_:a`` and every other blank node ``_:z``."""
        names = {node: "_:a"}
        lines = sorted([_line(q, names) for q in self.bnode_quads[node]])
        self.first[node] = result = self.digest("".join(lines))
        return result

    def spend(self, units: int) -> None:
        """Count work (permutations tried, related hashes computed) against the limit."""
        self.work += units
        if self.work > self.limits.max_work_units:
            raise _over("max_work_units", self.limits.max_work_units)

    def hash_related(self, related: str, q: Quad, issuer: dict[str, str], position: str) -> str:
        if related in self.canonical:
            name = "_:" + self.canonical[related]
        elif related in issuer:
            name = "_:" + issuer[related]
        else:
            name = self.first[related]
        return self.digest(position + (q.predicate if position != "g" else "") + name)

    def hash_n_degree(
        self, node: str, issuer: dict[str, str], depth: int
    ) -> tuple[str, dict[str, str]]:
        """Hash N-Degree Quads (RDFC-1.0 section 4.8); ``issuer`` maps node -> ``b<n>``."""
        self.calls += 1
        if self.calls > self.limits.max_hash_n_degree_calls:
            raise _over("max_hash_n_degree_calls", self.limits.max_hash_n_degree_calls)
        if depth > self.limits.max_recursion_depth:
            raise _over("max_recursion_depth", self.limits.max_recursion_depth)
        groups: dict[str, list[str]] = {}
        self.spend(len(self.bnode_quads[node]))
        for q in self.bnode_quads[node]:
            for position, term in (("s", q.subject), ("o", q.object), ("g", q.graph)):
                if term != node and term.startswith("_:"):
                    h = self.hash_related(term, q, issuer, position)
                    groups.setdefault(h, []).append(term)
        data = []
        for related_hash in sorted(groups):
            data.append(related_hash)
            chosen_path, chosen_issuer = "", issuer
            for permutation in itertools.permutations(groups[related_hash]):
                self.spend(1)
                copy, path, recursion = dict(issuer), "", []
                for related in permutation:
                    if related in self.canonical:
                        path += "_:" + self.canonical[related]
                    else:
                        if related not in copy:
                            recursion.append(related)
                            copy[related] = f"b{len(copy)}"
                        path += "_:" + copy[related]
                    if _worse(path, chosen_path):
                        break
                else:
                    for related in recursion:
                        result, copy = self.hash_n_degree(related, copy, depth + 1)
                        copy.setdefault(related, f"b{len(copy)}")
                        path += f"_:{copy[related]}<{result}>"
                        if _worse(path, chosen_path):
                            break
                    else:
                        if not chosen_path or path < chosen_path:
                            chosen_path, chosen_issuer = path, copy
            data.append(chosen_path)
            issuer = chosen_issuer
        return self.digest("".join(data)), issuer

    def run(self) -> dict[str, str]:
        """Steps 3-6 of the algorithm: issue canonical identifiers to every blank node."""
        if len(self.bnode_quads) == 1:  # a proof configuration's one node: c14n0, no hash
            self.issue(next(iter(self.bnode_quads)))
            return self.canonical
        by_hash: dict[str, list[str]] = {}
        for node in self.bnode_quads:
            by_hash.setdefault(self.hash_first_degree(node), []).append(node)
        shared = []
        for h in sorted(by_hash):
            if len(by_hash[h]) == 1:
                self.issue(by_hash[h][0])
            else:
                shared.append(h)
        for h in shared:
            results = []
            for node in by_hash[h]:
                if node not in self.canonical:
                    results.append(self.hash_n_degree(node, {node: "b0"}, 1))
            for _, issuer in sorted(results, key=lambda r: r[0]):
                for node in issuer:
                    self.issue(node)
        return self.canonical


def _worse(path: str, chosen: str) -> bool:
    return bool(chosen) and len(path) >= len(chosen) and path > chosen


def canonicalize(
    quads: Iterable[Quad], limits: CanonLimits = DEFAULT_LIMITS, *, algorithm: str = "sha256"
) -> str:
    """Canonical N-Quads of a dataset: relabelled blank nodes, sorted lines ending in ``\\n``."""
    state = _State(quads, limits, algorithm)
    names = {node: "_:" + label for node, label in state.run().items()}
    # A quad without a blank node is written inline: a call of _line per line costs more.
    lines = [f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n" for s, p, o, g in state.plain]
    lines += [_line(q, names) for q in state.blank]
    lines.sort()
    return "".join(lines)


def issued_identifiers(
    quads: Iterable[Quad], limits: CanonLimits = DEFAULT_LIMITS, *, algorithm: str = "sha256"
) -> dict[str, str]:
    """The issued identifiers map: input blank node label -> canonical label (no ``_:``)."""
    canonical = _State(quads, limits, algorithm).run()
    return {node[2:]: label for node, label in canonical.items()}
