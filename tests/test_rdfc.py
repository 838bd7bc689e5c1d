"""microcred._rdfc against the W3C RDFC-1.0 suite (one test per manifest entry) and its limits."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import pytest

from microcred import _rdfc
from microcred._rdfc import CanonLimits, Quad, canonicalize, issued_identifiers, parse_nquads
from microcred.errors import MalformedCredential, ResourceLimitExceeded

SUITE = Path(__file__).parent / "vectors" / "rdf-canon"
MANIFEST: list[dict[str, Any]] = json.loads((SUITE / "manifest.jsonld").read_text("utf-8"))[
    "entries"
]
EVAL, MAP, NEGATIVE = "rdfc:RDFC10EvalTest", "rdfc:RDFC10MapTest", "rdfc:RDFC10NegativeEvalTest"
# Entries we do not run, each with the reason. Empty: every entry of the suite runs.
UNSUPPORTED: dict[str, str] = {}


def _entries(kind: str) -> list[Any]:
    return [
        pytest.param(e, id=e["id"].lstrip("#"))
        for e in MANIFEST
        if e["type"] == kind and e["id"] not in UNSUPPORTED
    ]


def _input(entry: dict[str, Any]) -> list[Quad]:
    return parse_nquads((SUITE / entry["action"]).read_text("utf-8"))


def _algorithm(entry: dict[str, Any]) -> str:
    return str(entry.get("hashAlgorithm", "SHA256")).lower()


@pytest.mark.parametrize("entry", _entries(EVAL))
def test_eval(entry: dict[str, Any]) -> None:
    expected = (SUITE / entry["result"]).read_text("utf-8")
    assert canonicalize(_input(entry), algorithm=_algorithm(entry)) == expected


@pytest.mark.parametrize("entry", _entries(MAP))
def test_issued_identifiers_map(entry: dict[str, Any]) -> None:
    expected = json.loads((SUITE / entry["result"]).read_text("utf-8"))
    assert issued_identifiers(_input(entry), algorithm=_algorithm(entry)) == expected


@pytest.mark.parametrize("entry", _entries(NEGATIVE))
def test_poison_is_refused(entry: dict[str, Any]) -> None:
    """Refused with the default limits, in well under a second (about 0.15 s here; untraced)."""
    quads = _input(entry)  # parsing is not what is timed
    started = time.perf_counter()
    with pytest.raises(ResourceLimitExceeded, match="CanonLimits"):
        canonicalize(quads)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"the poison dataset took {elapsed:.2f} s to refuse"


def test_every_manifest_entry_is_exercised() -> None:
    known = {EVAL, MAP, NEGATIVE}
    unknown = [e["id"] for e in MANIFEST if e["type"] not in known]
    assert not unknown, f"manifest entries of a type no test runs: {unknown}"
    assert set(UNSUPPORTED) <= {e["id"] for e in MANIFEST}
    assert all(UNSUPPORTED.values()), "every unsupported entry needs a reason"
    ran = len(_entries(EVAL)) + len(_entries(MAP)) + len(_entries(NEGATIVE))
    assert ran + len(UNSUPPORTED) == len(MANIFEST) > 60


def test_csv_and_jsonld_manifests_agree() -> None:
    rows = (SUITE / "manifest.csv").read_text("utf-8").splitlines()[1:]
    assert {row.split(",")[0] for row in rows} == {e["id"][1:-1] for e in MANIFEST}


@pytest.mark.parametrize("entry", _entries(EVAL)[::5])
@pytest.mark.parametrize("seed", [1, 2])
def test_result_ignores_quad_order_and_labels(entry: dict[str, Any], seed: int) -> None:
    quads = _input(entry)
    rng = random.Random(seed)
    labels = {t for q in quads for t in q if t.startswith("_:")}
    fresh = dict(zip(sorted(labels), rng.sample(range(10_000), len(labels)), strict=True))
    renamed = [Quad(*(f"_:n{fresh[t]}" if t in fresh else t for t in q)) for q in quads]
    rng.shuffle(renamed)
    algorithm = _algorithm(entry)
    assert canonicalize(renamed, algorithm=algorithm) == canonicalize(quads, algorithm=algorithm)


def test_unique_first_degree_hashes_need_no_n_degree_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(*args: object) -> None:
        raise AssertionError("Hash N-Degree Quads ran on the fast path")

    monkeypatch.setattr(_rdfc._State, "hash_n_degree", forbidden)
    text = "".join(f'_:b{i} <urn:ex:p> "{i}" .\n_:s <urn:ex:q> _:b{i} .\n' for i in range(200))
    out = canonicalize(parse_nquads(text))
    assert out.count("\n") == 400


def _clique(n: int) -> list[Quad]:
    return [Quad(f"_:e{i}", "<urn:ex:p>", f"_:e{j}") for i in range(n) for j in range(n) if i != j]


@pytest.mark.parametrize(
    ("limits", "name"),
    [
        (CanonLimits(max_quads=5), "max_quads"),
        (CanonLimits(max_blank_nodes=3), "max_blank_nodes"),
        (CanonLimits(max_hash_n_degree_calls=3), "max_hash_n_degree_calls"),
        (CanonLimits(max_work_units=10), "max_work_units"),
        (CanonLimits(max_recursion_depth=1), "max_recursion_depth"),
    ],
)
def test_each_limit_is_enforced_and_named(limits: CanonLimits, name: str) -> None:
    with pytest.raises(ResourceLimitExceeded, match=rf"{name}=\d+.*CanonLimits\({name}="):
        canonicalize(_clique(5), limits)


def test_clique_within_generous_limits_still_canonicalises() -> None:
    assert canonicalize(_clique(4)).count("\n") == 12


def test_a_long_list_of_equal_values_recurses_within_the_limits() -> None:
    text = "".join(
        f'_:n{i} <urn:ex:first> "a" .\n_:n{i} <urn:ex:rest> _:n{i + 1} .\n' for i in range(40)
    )
    assert canonicalize(parse_nquads(text + '_:n40 <urn:ex:first> "a" .\n')).count("\n") == 81


def test_duplicates_are_removed_and_every_line_ends_with_newline() -> None:
    quads = [Quad("<urn:ex:s>", "<urn:ex:p>", '"x"')] * 3
    assert canonicalize(quads) == '<urn:ex:s> <urn:ex:p> "x" .\n'
    assert canonicalize([]) == ""


@pytest.mark.parametrize(
    ("value", "token"),
    [
        ("plain", '"plain"'),
        ('q"b\\', '"q\\"b\\\\"'),
        ("\t\b\n\r\f", '"\\t\\b\\n\\r\\f"'),
        ("\x00\x0b\x1f\x7f", '"\\u0000\\u000B\\u001F\\u007F"'),
        ("\x80é∞🌃", '"\x80é∞🌃"'),
    ],
)
def test_canonical_literal_escaping(value: str, token: str) -> None:
    assert _rdfc.literal(value) == token
    assert parse_nquads(f"<urn:ex:s> <urn:ex:p> {token} .")[0].object == token


def test_literal_datatypes_and_languages() -> None:
    assert _rdfc.literal("x", _rdfc.XSD_STRING) == '"x"'
    assert _rdfc.literal("1", "urn:ex:int") == '"1"^^<urn:ex:int>'
    assert _rdfc.literal("x", language="en-GB") == '"x"@en-GB'


@pytest.mark.parametrize(
    "bad",
    [
        lambda: _rdfc.iri("http://a> <http://b"),
        lambda: _rdfc.iri("relative/path"),
        lambda: _rdfc.iri("urn:ex:a b"),
        lambda: _rdfc.literal("x", language="en .\n<urn:ex:x>"),
        lambda: _rdfc.literal("\ud800"),
        lambda: _rdfc.blank("a b"),
    ],
)
def test_terms_that_would_break_a_line_are_refused(bad: Any) -> None:
    with pytest.raises(MalformedCredential):
        bad()


@pytest.mark.parametrize(
    "line",
    [
        "<urn:ex:s> <urn:ex:p> .",
        '"lit" <urn:ex:p> <urn:ex:o> .',
        "<urn:ex:s> _:p <urn:ex:o> .",
        "<urn:ex:s> <urn:ex:p> <urn:ex:o>",
        '<urn:ex:s> <urn:ex:p> <urn:ex:o> "g" .',
        "<urn:ex:s> <urn:ex:p> <urn:ex:o> <urn:ex:g> <urn:ex:x> .",
    ],
)
def test_malformed_nquads_are_refused(line: str) -> None:
    with pytest.raises(MalformedCredential, match="N-Quads line 1"):
        parse_nquads(line)


def test_parse_skips_comments_and_blank_lines() -> None:
    text = "# comment\n\n<urn:ex:s> <urn:ex:p> _:o <urn:ex:g> . # trailing\n"
    assert parse_nquads(text) == [Quad("<urn:ex:s>", "<urn:ex:p>", "_:o", "<urn:ex:g>")]


def test_unknown_hash_algorithm_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="sha256"):
        canonicalize([], algorithm="md5")


def test_a_blank_node_predicate_is_refused() -> None:
    # Not RDF, and never produced here; relabelling only rewrites subject, object and graph.
    with pytest.raises(MalformedCredential, match="predicate"):
        canonicalize([Quad("_:s", "_:p", '"x"'), Quad("_:p", "<urn:ex:p>", '"y"')])


def test_a_node_repeated_within_a_quad_is_relabelled_everywhere() -> None:
    quads = [Quad("_:n", "<urn:ex:p>", "_:n", "_:n"), Quad("_:n", "<urn:ex:q>", '"x"', "_:n")]
    assert canonicalize(quads) == (
        '_:c14n0 <urn:ex:p> _:c14n0 _:c14n0 .\n_:c14n0 <urn:ex:q> "x" _:c14n0 .\n'
    )
