"""Resource limits: hostile inputs are refused quickly, with a typed error, in bounded memory.

Each test builds its input at run time (nothing large lives in git), then times the refusal and
measures the peak of Python allocations with tracemalloc. The time and memory are printed (run
with ``-s`` to see them); only generous bounds are asserted, so a slow CI machine does not
flake, while a hang or an unbounded allocation still fails.

tracemalloc slows allocation-heavy code several-fold, so the traced pass bounds only memory and
hangs (``SECONDS``). The acceptance target, "a poison RDFC dataset, a 100 MB JSON document,
10,000-deep nesting and a gzip bomb status list are each refused in under a second with bounded
memory", is asserted on a separate untraced pass of those inputs (``TARGET``; they take 0.2 s
or less here).
"""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import microcred
from microcred import (
    Ed25519Key,
    MalformedCredential,
    ResourceLimitExceeded,
    Status,
    StatusList,
    VerificationReport,
    Verifier,
)
from microcred._multibase import b64url_encode
from microcred._parse import InputLimits, parse_json_object
from microcred._rdfc import CanonLimits, Quad, canonicalize, parse_nquads

from conftest import VECTORS, ob_badge

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
CREATED = "2026-01-01T00:00:00Z"
MiB = 1024 * 1024
SECONDS = 5.0  # traced passes: generous, a hang is what it catches
TARGET = 1.0  # untraced passes: the acceptance target, "under a second"
KEY = Ed25519Key.from_seed(b"limits-issuer-seed-0123456789abc")
LIST_URL = "https://issuer.example/status/limits"


@dataclass
class Cost:
    seconds: float = 0.0
    peak: int = 0


@contextmanager
def measured(
    label: str, *, max_seconds: float = SECONDS, max_peak: int = 64 * MiB
) -> Iterator[Cost]:
    """Time the block and trace its peak allocation; print both; assert generous bounds."""
    cost = Cost()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - started
        cost.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"\n{label}: {cost.seconds * 1000:.0f} ms, peak {cost.peak / MiB:.1f} MiB")
    assert cost.seconds < max_seconds, f"{label} took {cost.seconds:.1f} s"
    assert cost.peak < max_peak, f"{label} peaked at {cost.peak / MiB:.0f} MiB"


@contextmanager
def timed(label: str, *, max_seconds: float = TARGET) -> Iterator[None]:
    """Time the block without tracing it; print the time; assert the acceptance target."""
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    print(f"\n{label} (untraced): {seconds * 1000:.0f} ms")
    assert seconds < max_seconds, f"{label} took {seconds:.2f} s untraced"


def timed_then_measured(label: str, *, max_peak: int = 64 * MiB) -> tuple[Any, ...]:
    """The two passes over one input: untraced against the target, then traced for memory."""
    return timed(label), measured(label, max_peak=max_peak)


def check(data: Any, **options: Any) -> VerificationReport:
    with Verifier(now=NOW, offline=True, **options) as verifier:
        return verifier.check(data)


def signed_badge(**extra: Any) -> dict[str, Any]:
    return microcred.issue(ob_badge(KEY.did, **extra), KEY, created=CREATED)


# -- RDFC poison ------------------------------------------------------------------------------


def clique(n: int) -> list[Quad]:
    return [Quad(f"_:e{i}", "<urn:ex:p>", f"_:e{j}") for i in range(n) for j in range(n) if i != j]


def test_poison_dataset_directly() -> None:
    poison = (VECTORS / "rdf-canon" / "rdfc10" / "test074-in.nq").read_text("utf-8")
    for label, quads in [
        ("poison: 10-node clique of quads", clique(10)),
        ("poison: W3C rdf-canon test074", parse_nquads(poison)),
    ]:
        for run in timed_then_measured(label):
            with run, pytest.raises(ResourceLimitExceeded, match="CanonLimits"):
                canonicalize(quads)


def poisoned_credential(n: int = 10) -> dict[str, Any]:
    """A signed badge to which an n-node clique of look-alike blank nodes was added."""
    doc = copy.deepcopy(signed_badge())
    terms = {"knows": {"@id": "urn:ex:knows", "@type": "@id"}, "clique": "urn:ex:clique"}
    doc["@context"] = [*doc["@context"], terms]
    doc["clique"] = [
        {"id": f"_:e{i}", "knows": [f"_:e{j}" for j in range(n) if j != i]} for i in range(n)
    ]
    return doc


@pytest.mark.parametrize("n", [10, 30])
def test_poison_dataset_as_a_jsonld_credential(n: int) -> None:
    document = poisoned_credential(n)
    for run in timed_then_measured(f"poison: credential with a {n}-node blank-node clique"):
        with run:
            report = check(document)
        proof = report.check("proof")
        assert (proof.status, proof.code) == (Status.FAILED, "RESOURCE_LIMIT_EXCEEDED")
        assert "CanonLimits" in proof.message


# -- proof sets -------------------------------------------------------------------------------


def chained_proofs(n: int, m: int) -> dict[str, Any]:
    """A signed badge whose proof set is n copies of its proof, each naming m earlier ids."""
    signed = signed_badge()
    ids = [f"urn:proof:{i}" for i in range(m)]
    signed["proof"] = [
        {**signed["proof"], "id": f"urn:proof:{i}", "previousProof": ids} for i in range(n)
    ]
    return signed


def test_a_proof_set_of_hundreds_of_chained_proofs_is_refused_at_once() -> None:
    # 300 proofs each naming 300 others took 15 s (300 canonicalisations of the whole set)
    document = chained_proofs(300, 300)
    for run in timed_then_measured("proof set: 300 proofs chained to 300 ids"):
        with run:
            report = check(document)
        proof = report.check("proof")
        assert (proof.status, proof.code) == (Status.FAILED, "RESOURCE_LIMIT_EXCEEDED")
        assert "max_proofs" in proof.message


def test_the_proof_set_limit_is_configurable() -> None:
    document = chained_proofs(9, 9)  # each names all, itself included: no proof can verify
    assert check(document).check("proof").code == "RESOURCE_LIMIT_EXCEEDED"
    assert check(document, max_proofs=9).check("proof").code == "PROOF_VERIFICATION_ERROR"


# -- size -------------------------------------------------------------------------------------


def hundred_mib(prefix: bytes, filler: bytes, suffix: bytes, size: int = 100 * MiB) -> bytes:
    """One ``size``-byte document built in place (BytesIO hands its buffer over on getvalue)."""
    out = io.BytesIO()
    out.write(prefix)
    chunk = filler * (MiB // len(filler))
    while out.tell() + len(chunk) + len(suffix) <= size:
        out.write(chunk)
    out.write(filler[:1] * (size - out.tell() - len(suffix)))
    out.write(suffix)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "prefix", "filler", "suffix"),
    [
        ("JSON string", b'{"name": "', b"x", b'"}'),
        ("JSON whitespace", b'{"name": "Teamwork"', b" ", b"}"),
        ("JSON array", b'{"tag": [', b"1,", b"1]}"),
        ("compact JWS", b"eyJhbGciOiJFZERTQSJ9.", b"A", b".AA"),
        ("PNG", b"\x89PNG\r\n\x1a\n", b"\0", b""),
        ("SVG", b"<svg ", b" ", b"/>"),
    ],
)
def test_a_100_mib_document_is_refused_by_size(
    name: str, prefix: bytes, filler: bytes, suffix: bytes
) -> None:
    data = hundred_mib(prefix, filler, suffix)
    assert len(data) == 100 * MiB
    for run in timed_then_measured(f"size: 100 MiB {name} as bytes", max_peak=8 * MiB):
        with run:
            report = check(data)
        first = report.checks[0]
        assert (first.name, first.status, first.code) == (
            "parse",
            Status.FAILED,
            "RESOURCE_LIMIT_EXCEEDED",
        )
        assert not report.verified


def test_a_100_mib_json_text_is_refused_by_size() -> None:
    text = hundred_mib(b'{"name": "', b"x", b'"}').decode("ascii")
    for run in timed_then_measured("size: 100 MiB JSON as str", max_peak=8 * MiB):
        with run:
            report = check(text)
        assert report.checks[0].code == "RESOURCE_LIMIT_EXCEEDED"


def test_the_size_limit_is_configurable() -> None:
    text = json.dumps(signed_badge()).encode()
    report = check(text, input_limits=InputLimits(max_bytes=len(text) - 1))
    assert report.checks[0].code == "RESOURCE_LIMIT_EXCEEDED"
    assert check(text, input_limits=InputLimits(max_bytes=len(text))).verified


# -- nesting ----------------------------------------------------------------------------------


def nested_dict(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"leaf": 1}
    for _ in range(depth):
        node = {"a": node}
    return node


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("objects as JSON text", lambda d: b'{"a":' * d + b"1" + b"}" * d),
        ("arrays as JSON text", lambda d: b'{"a":' + b"[" * d + b"]" * d + b"}"),
        ("objects as a dict", nested_dict),
        (
            "arrays as a dict",
            lambda d: {"a": json.loads("[" * 500 + "]" * 500)} if d < 500 else _deep_list(d),
        ),
        (
            "inside a credential",
            lambda d: {**signed_badge(), "credentialSubject": nested_dict(d)},
        ),
        (
            "inside a VC-JWT payload",
            lambda d: (
                "eyJhbGciOiJFZERTQSJ9." + b64url_encode(b'{"a":' * d + b"1" + b"}" * d) + ".AA"
            ),
        ),
    ],
)
@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deep_nesting_is_refused(name: str, make: Callable[[int], Any], depth: int) -> None:
    data = make(depth)
    for run in timed_then_measured(f"nesting: {depth:,} levels, {name}"):
        with run:
            report = check(data)
        first = report.checks[0]
        assert (first.name, first.code) == ("parse", "RESOURCE_LIMIT_EXCEEDED"), report.to_dict()


def _deep_list(depth: int) -> dict[str, Any]:
    node: list[Any] = []
    for _ in range(depth):
        node = [node]
    return {"a": node}


def test_nesting_just_within_the_limit_is_processed() -> None:
    document = {**signed_badge(), "evidence": [nested_dict(40)]}
    with measured("nesting: 40 levels inside a signed credential"):
        report = check(document)
    assert report.checks[0].status is Status.PASSED  # parsed; the proof then fails as it should
    assert report.check("proof").status is Status.FAILED


# -- status list bomb -------------------------------------------------------------------------


def gzip_zeros(mebibytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MiB)
    return b"".join(packer.compress(zeros) for _ in range(mebibytes)) + packer.flush()


@pytest.mark.parametrize("mebibytes", [64, 1024])
def test_gzip_bomb_status_list(mebibytes: int) -> None:
    encoded = "u" + b64url_encode(gzip_zeros(mebibytes))
    listing = StatusList().to_credential(id=LIST_URL, issuer=KEY.did)
    listing["credentialSubject"]["encodedList"] = encoded
    signed_list = microcred.issue(listing, KEY, created=CREATED)
    entry = StatusList().entry(94567, list_url=LIST_URL)
    badge = signed_badge(credentialStatus=entry)
    label = f"status: {mebibytes} MiB gzip bomb ({len(encoded):,} characters)"
    for run in timed_then_measured(label, max_peak=48 * MiB):
        with run:
            report = check(badge, pins={LIST_URL: signed_list})
        status = report.check("status")
        assert (status.status, status.code) == (Status.INDETERMINATE, "RESOURCE_LIMIT_EXCEEDED")
        assert not report.verified


# -- quads and blank nodes --------------------------------------------------------------------


def with_tags(count: int, **extra: Any) -> dict[str, Any]:
    doc = copy.deepcopy(signed_badge())
    doc["credentialSubject"]["achievement"]["tag"] = [f"t{i}" for i in range(count)]
    doc.update(extra)
    return doc


def test_too_many_quads_default_limit() -> None:
    document = json.dumps(with_tags(100_001)).encode()  # ~1 MB, under the size limit
    with measured(f"quads: 100,001 tags ({len(document):,} bytes)", max_peak=512 * MiB):
        report = check(document)
    proof = report.check("proof")
    assert (proof.status, proof.code) == (Status.FAILED, "RESOURCE_LIMIT_EXCEEDED")
    assert "max_quads" in proof.message


def test_too_many_quads_configured_limit() -> None:
    limits = CanonLimits(max_quads=500)
    report = check(with_tags(501), canon_limits=limits)
    assert report.check("proof").code == "RESOURCE_LIMIT_EXCEEDED"
    assert "max_quads=500" in report.check("proof").message


def test_too_many_blank_nodes_configured_limit() -> None:
    doc = copy.deepcopy(signed_badge())
    doc["credentialSubject"]["result"] = [{"type": ["Result"], "value": f"{i}"} for i in range(50)]
    with measured("blank nodes: 50 results, max_blank_nodes=20"):
        report = check(doc, canon_limits=CanonLimits(max_blank_nodes=20))
    assert report.check("proof").code == "RESOURCE_LIMIT_EXCEEDED"
    assert "max_blank_nodes=20" in report.check("proof").message


_SLOW_PYLD_SCRIPT = """
import copy, json, sys, time
sys.path.insert(0, {tests!r})
from datetime import datetime, UTC
import microcred
from microcred import Ed25519Key, Verifier
from conftest import ob_badge
key = Ed25519Key.from_seed(b"limits-issuer-seed-0123456789abc")
doc = microcred.issue(ob_badge(key.did), key, created="2026-01-01T00:00:00Z")
doc["@context"] = [*doc["@context"], {{"@base": "https://example.org/"}}]
doc["credentialSubject"]["achievement"]["tag"] = [f"t{{i}}" for i in range({count})]
text = json.dumps(doc).encode()
started = time.perf_counter()
report = Verifier(now=datetime(2026, 11, 22, tzinfo=UTC), offline=True).check(text)
print(len(text), round(time.perf_counter() - started, 2), report.check("proof").code)
"""


@pytest.mark.parametrize(
    ("count", "code"), [(1_000, "PROOF_VERIFICATION_ERROR"), (10_000, "RESOURCE_LIMIT_EXCEEDED")]
)
def test_long_arrays_through_the_pyld_path_stay_fast(count: int, code: str) -> None:
    """pyld costs n² in an array of n; bounded up front (the tags were added after signing)."""
    script = _SLOW_PYLD_SCRIPT.format(tests=str(Path(__file__).parent), count=count)
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=SECONDS, check=True
    )
    print(
        f"\npyld path, {count:,} tags: {out.stdout.strip()} ({time.perf_counter() - started:.1f} s)"
    )
    assert out.stdout.split()[-1] == code


# -- nested credentials and fetches -----------------------------------------------------------


def endorsed(levels: int) -> dict[str, Any]:
    """A badge whose issuer profile carries an endorsement, whose issuer profile carries one..."""
    inner: dict[str, Any] | None = None
    for level in range(levels, -1, -1):
        issuer: dict[str, Any] = {"id": KEY.did, "type": ["Profile"], "name": f"Level {level}"}
        if inner is not None:
            issuer["endorsement"] = [inner]
        if level == 0:
            return microcred.issue({**ob_badge(KEY.did), "issuer": issuer}, KEY, created=CREATED)
        inner = microcred.issue(
            {
                "@context": ob_badge(KEY.did)["@context"],
                "id": f"urn:uuid:00000000-0000-4000-8000-{level:012d}",
                "type": ["VerifiableCredential", "EndorsementCredential"],
                "issuer": issuer,
                "validFrom": "2026-01-01T00:00:00Z",
                "name": f"Endorsement {level}",
                "credentialSubject": {
                    "id": "https://example.edu/achievements/teamwork",
                    "type": ["EndorsementSubject"],
                    "endorsementComment": "Good.",
                },
            },
            KEY,
            created=CREATED,
        )
    raise AssertionError("unreachable")


def test_too_deep_endorsement_nesting() -> None:
    badge = endorsed(6)
    with measured("endorsements: 6 levels deep, default limit 3"):
        report = check(badge)
    endorsements = report.check("endorsements")
    assert (endorsements.status, endorsements.code) == (Status.FAILED, "RESOURCE_LIMIT_EXCEEDED")
    assert report.check("proof").status is Status.PASSED  # the badge itself is fine
    assert not report.verified
    deeper = check(badge, max_endorsement_depth=10)
    assert deeper.verified, deeper.to_dict()


def test_fetches_per_verification_are_bounded() -> None:
    """A presentation of 40 credentials by 40 https issuers: at most 32 documents are fetched."""
    pins: dict[str, Any] = {}
    credentials = []
    for i in range(40):
        issuer = f"https://issuer{i}.example/issuers/1"
        key = Ed25519Key.from_seed(bytes([i]) * 32)
        method = f"{issuer}#key-1"
        pins[issuer] = {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": issuer,
            "verificationMethod": [key.verification_method_document(id=method, controller=issuer)],
            "assertionMethod": [method],
        }
        credentials.append(
            microcred.issue(ob_badge(issuer), key, created=CREATED, verification_method=method)
        )
    holder = Ed25519Key.from_seed(b"h" * 32)
    vp = microcred.sign_presentation(credentials, holder, challenge="c", created=CREATED)
    with Verifier(now=NOW, offline=True, pins=pins) as verifier, measured("fetches: 40 issuers"):
        report = verifier.check(vp, challenge="c")
    presented = report.check("credentials")
    assert presented.status is Status.INDETERMINATE
    statuses = [c.status for c in presented.children]
    assert statuses[:32] == [Status.PASSED] * 32
    assert set(statuses[32:]) == {Status.INDETERMINATE}
    assert {c.code for c in presented.children[32:]} == {"FETCH_LIMIT"}
    with Verifier(now=NOW, offline=True, pins=pins, max_fetches=64) as verifier:
        assert verifier.check(vp, challenge="c").verified


@pytest.mark.parametrize(
    ("text", "message", "pointer"),
    [
        ('{"a": [1, {"b": 1e400}]}', "finite", "/a/1/b"),
        ('{"a": -1E999}', "finite", "/a"),
        ('{"x": {"n": ' + "9" * 310 + "}}", "range of a double", "/x/n"),
    ],
)
def test_numbers_no_double_holds_are_named_in_json_text(
    text: str, message: str, pointer: str
) -> None:
    with pytest.raises(MalformedCredential, match=message) as info:
        parse_json_object(text)
    assert info.value.pointer == pointer


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = '{"a": "' + "[{" * 100 + '", "b": ' + "9" * 300 + ", " + '"c": 1.5e300}'
    assert parse_json_object(text, InputLimits(max_depth=2))["c"] == 1.5e300
    with pytest.raises(ResourceLimitExceeded):
        parse_json_object('{"a": ' + "[" * 3 + "]" * 3 + "}", InputLimits(max_depth=2))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1}}', "Extra data"),  # ends with a brace, but one object is over before it
        ('{"a": 1} {"b": 2}', "Extra data"),
        ('{"a": 1, "a": 2}', "duplicate JSON key 'a'"),
        ('{"a": }', "Expecting value"),
        ("{", "Expecting property name"),
    ],
)
def test_json_text_that_only_looks_like_one_object_is_refused(text: str, message: str) -> None:
    with pytest.raises(MalformedCredential, match=message):
        parse_json_object(text)


@pytest.mark.parametrize("text", ['{"a": [1]}', ' {"a": [1]}', '{"a": [1]}\n', '\t{"a": [1]} \r\n'])
def test_an_object_with_or_without_surrounding_whitespace_is_parsed(text: str) -> None:
    assert parse_json_object(text) == {"a": [1]}
