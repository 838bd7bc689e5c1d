"""Fuzzing: whatever comes in, check() returns a report — never another exception, never a hang.

Inputs: arbitrary JSON (as objects and as text), signed badges and presentations mutated
(members deleted, inserted, replaced, retyped, arrays shuffled), random and mutated compact
JWS strings, random and mutated PNG and SVG images (through ``check(bytes)`` and
``baking.unbake``), and a smaller sample through the CLI (``verify --offline --json``): mutated
credentials and presentations as JSON, mutated JWTs, mutated baked PNG and SVG badges and random
bytes, each exiting 0 or 1 with one result and no traceback.

A mutated credential that still verifies must not be a forgery: its signed data is unchanged
(the same canonical RDF — compared with pyld's own URDNA2015 — or the same JCS bytes).

The budget is fixed (``derandomize=True``, no example database) and meant for CI: more than
10,000 inputs in about a minute on two cores. ``MICROCRED_FUZZ_SCALE=10`` multiplies every
test's examples for a longer run by hand; the counts are printed at the end (``-s``).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import io
import json
import os
import struct
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microcred
from microcred import (
    Ed25519Key,
    MicrocredError,
    StatusList,
    VerificationReport,
    Verifier,
    loader_with,
)

from conftest import ob_badge

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
CREATED = "2026-01-01T00:00:00Z"
SCALE = max(1, int(os.environ.get("MICROCRED_FUZZ_SCALE", "1")))
TIME_BOUND = 5.0  # seconds for one input: generous, a hang is what it catches
COUNTS: Counter[str] = Counter()  # calls per input kind, known-bug hits, verified mutants
EXAMPLES: Counter[str] = Counter()  # generated inputs per test

try:
    from microcred import baking
except ImportError:  # pragma: no cover - the module is optional while it is being written
    baking = None  # type: ignore[assignment]
NEEDS_BAKING = pytest.mark.skipif(
    baking is None, reason="microcred.baking does not exist yet: no PNG/SVG fuzzing"
)


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


BUDGET = {  # test -> examples per run (times MICROCRED_FUZZ_SCALE)
    "test_arbitrary_json_values": 2500,
    "test_credential_shaped_json": 1500,
    "test_mutated_signed_documents": 3000,
    "test_random_jws": 1500,
    "test_mutated_jwt": 1500,
    "test_png_images": 700,
    "test_svg_images": 700,
    "test_cli_verify": 300,
}


# -- what gets mutated ------------------------------------------------------------------------

KEY = Ed25519Key.from_seed(b"fuzz-issuer-seed-0123456789abcde")
HOLDER = Ed25519Key.from_seed(b"fuzz-holder-seed-0123456789abcde")
LIST_URL = "https://issuer.example/status/fuzz"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


def _badge(**extra: Any) -> dict[str, Any]:
    badge = ob_badge(KEY.did, **extra)
    badge["credentialSubject"]["achievement"]["tag"] = ["a", "b"]
    badge["credentialSubject"]["achievement"]["resultDescription"] = [
        {
            "id": "urn:uuid:11111111-2222-4333-8444-555555555555",
            "type": ["ResultDescription"],
            "name": "Grade",
            "resultType": "LetterGrade",
            "allowedValue": ["A", "B"],
        }
    ]
    return badge


def _bases() -> dict[str, dict[str, Any]]:
    status_list = StatusList()
    status_list.set(7)
    rdfc = microcred.issue(_badge(), KEY, created=CREATED)
    jcs = microcred.issue(_badge(), KEY, suite="eddsa-jcs-2022", created=CREATED)
    jwt = microcred.issue_jwt(_badge(), KEY)
    return {
        "rdfc": rdfc,
        "jcs": jcs,
        "ed2020": microcred.issue(
            _badge(extra_context=(ED2020,)), KEY, suite="Ed25519Signature2020", created=CREATED
        ),
        "status": microcred.issue(
            _badge(credentialStatus=status_list.entry(7, list_url=LIST_URL)), KEY, created=CREATED
        ),
        "presentation": microcred.sign_presentation(
            [rdfc, jwt], HOLDER, challenge="c", created=CREATED
        ),
        "proof-set": microcred.issue(rdfc, KEY, suite="eddsa-jcs-2022", created=CREATED),
    }


BASES = json.loads(json.dumps(_bases()))  # shares no list between document and proof
STATUS_LIST = microcred.issue(
    StatusList().to_credential(id=LIST_URL, issuer=KEY.did), KEY, created=CREATED
)
PINS = {LIST_URL: STATUS_LIST}
JWT = microcred.issue_jwt(_badge(), KEY)
# A loader of its own: whatever a hostile input does to cached contexts stays in this module.
VERIFIER = Verifier(now=NOW, offline=True, pins=PINS, loader=loader_with({}))


# Inputs of bugs the fuzzers found, now fixed: kept as regression tests.
_RDFC = BASES["rdfc"]
FIXED_BUGS: dict[str, Any] = {
    # '@set' in a proof: pyld's to_rdf sorted node ids including None (TypeError)
    "pyld-to-rdf-none-node": {**_RDFC, "proof": {**_RDFC["proof"], "@set": []}},
    # {"@language": null} with no language set: pyld ran del rval["@language"] (KeyError)
    "pyld-null-keyword": {**_RDFC, "@context": {"@language": None}},
}


def checked(data: Any, kind: str, **options: Any) -> VerificationReport:
    """check() must return a report within the time bound; count the input."""
    COUNTS[kind] += 1
    started = time.perf_counter()
    report = VERIFIER.check(data, **options)
    elapsed = time.perf_counter() - started
    assert isinstance(report, VerificationReport)
    json.dumps(report.to_dict())  # the report is always serialisable
    assert elapsed < TIME_BOUND, f"{kind}: {elapsed:.1f}s for one input"
    return report


@pytest.mark.parametrize("name", sorted(FIXED_BUGS))
def test_fixed_bug_input_gets_a_failing_report(name: str) -> None:
    report = VERIFIER.check(FIXED_BUGS[name])
    assert not report.verified
    assert report.check("proof").code == "DATA_LOSS_DETECTION_ERROR", report.to_dict()


# -- JSON strategies --------------------------------------------------------------------------

KEYWORDS = [
    *("@context", "@id", "@type", "@value", "@language", "@direction", "@list", "@set"),
    *("@graph", "@included", "@index", "@nest", "@reverse", "@vocab", "@base", "@import"),
    *("@protected", "@propagate", "@version", "@json", "@none", "@container"),
]
TERMS = [
    *("id", "type", "issuer", "credentialSubject", "proof", "name", "description"),
    *("validFrom", "validUntil", "issuanceDate", "expirationDate", "achievement", "criteria"),
    *("endorsement", "endorsementJwt", "credentialStatus", "credentialSchema", "evidence"),
    *("verifiableCredential", "holder", "proofValue", "proofPurpose", "verificationMethod"),
    *("cryptosuite", "created", "expires", "challenge", "domain", "previousProof"),
    *("statusListIndex", "statusListCredential", "statusPurpose", "encodedList", "refreshService"),
]
VALUES = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v2",
    ED2020,
    "https://evil.example/context",
    *("VerifiableCredential", "OpenBadgeCredential", "VerifiablePresentation"),
    *("EndorsementCredential", "DataIntegrityProof", "Ed25519Signature2020"),
    *("BitstringStatusListEntry", "BitstringStatusListCredential", "1EdTechRevocationList"),
    *("eddsa-rdfc-2022", "eddsa-jcs-2022", "assertionMethod", "authentication"),
    KEY.did,
    KEY.verification_method,
    "did:web:issuer.example",
    "did:jwk:e30",
    "https://issuer.example/keys#1",
    LIST_URL,
    "2026-01-01T00:00:00Z",
    "2100-01-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "urn:uuid:00000000-0000-4000-8000-000000000000",
    "z" + "1" * 80,
    "_:b0",
    "",
    "relative/iri",
    "u" + "A" * 20,
]
# Numbers at the edges: beyond int64 and the I-JSON range, at and beyond the double range.
EDGE_NUMBERS = [0, -0.0, 2**53, 2**64, 10**21, 1e21, 1e308, -1e-320, 10**300, 10**400]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(EDGE_NUMBERS),
    st.text(max_size=20),
    st.sampled_from(VALUES),
)
keys = st.one_of(st.sampled_from(KEYWORDS), st.sampled_from(TERMS), st.text(max_size=10))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=16,
)
credential_like = st.builds(
    lambda base, extra: {**base, **extra},
    st.fixed_dictionaries(
        {
            "@context": st.one_of(
                st.just([VALUES[0], VALUES[1]]), st.lists(st.sampled_from(VALUES[:5]), max_size=3)
            ),
            "type": st.lists(st.sampled_from(VALUES[5:13]), max_size=3),
        },
        optional={
            "issuer": st.sampled_from([KEY.did, {"id": KEY.did, "type": ["Profile"]}]),
            "credentialSubject": json_values,
            "proof": st.one_of(json_values, st.just(BASES["rdfc"]["proof"])),
            "verifiableCredential": st.lists(
                st.one_of(json_values, st.just(BASES["jcs"]), st.just(JWT)), max_size=2
            ),
        },
    ),
    st.dictionaries(keys, json_values, max_size=4),
)


# -- mutations --------------------------------------------------------------------------------


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _retyped(value: Any) -> Any:
    if isinstance(value, str):
        return [value] if value[:1] in ("h", "d", "u") else {"@value": value}
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return value[0] if value else {}
    if isinstance(value, dict):
        return json.dumps(value)[:40]
    return 0


def mutate(draw: Callable[..., Any], doc: Any) -> Any:
    """One structural change at a random place."""
    path = draw(st.sampled_from(list(_paths(doc))))
    op = draw(st.sampled_from(["delete", "replace", "insert", "retype", "duplicate", "shuffle"]))
    if not path:
        op = "insert" if op in ("delete", "replace") else op
    node = _get(doc, path)
    parent = _get(doc, path[:-1]) if path else None
    if op == "delete" and parent is not None:
        del parent[path[-1]]
    elif op == "replace" and parent is not None:
        parent[path[-1]] = draw(json_values)
    elif op == "retype" and parent is not None:
        parent[path[-1]] = _retyped(node)
    elif op == "insert" and isinstance(node, dict):
        node[draw(keys)] = draw(json_values)
    elif op == "insert" and isinstance(node, list):
        node.insert(draw(st.integers(0, len(node))), draw(json_values))
    elif op == "duplicate" and isinstance(node, list) and node:
        node.append(copy.deepcopy(node[draw(st.integers(0, len(node) - 1))]))
    elif op == "shuffle" and isinstance(node, list) and len(node) > 1:
        node[:] = draw(st.permutations(node))
    elif op == "shuffle" and isinstance(node, dict) and len(node) > 1:
        order = draw(st.permutations(list(node)))
        items = [(k, node.pop(k)) for k in order]
        node.update(items)
    elif parent is not None:
        parent[path[-1]] = draw(scalars)
    return doc


@st.composite
def mutated_documents(draw: Callable[..., Any]) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from(sorted(BASES)))
    doc = copy.deepcopy(BASES[name])
    for _ in range(draw(st.integers(1, 3))):
        doc = mutate(draw, doc)
    return name, doc


# -- the forgery oracle -----------------------------------------------------------------------


def _unsecured(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "proof"}


def _reference_nquads(doc: dict[str, Any]) -> str:
    """pyld's own expansion and URDNA2015 (not microcred's fast path or RDFC code)."""
    from pyld import jsonld

    from microcred.loaders import bundled_loader

    options = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    return str(jsonld.normalize(doc, {**options, "documentLoader": bundled_loader}))


def _jcs_signed(doc: dict[str, Any]) -> tuple[bytes, bytes] | None:
    """What an eddsa-jcs-2022 proof signs: the JCS of the document and of the proof
    configuration (the proof without its value, with the document's @context)."""
    import rfc8785

    proof = doc.get("proof")
    if not isinstance(proof, dict):
        return None
    unsecured = _unsecured(doc)
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in unsecured:
        config.setdefault("@context", unsecured["@context"])
    try:
        return rfc8785.dumps(unsecured), rfc8785.dumps(config)
    except (rfc8785.CanonicalizationError, ValueError):
        return None


def assert_not_forged(name: str, doc: dict[str, Any], report: VerificationReport) -> None:
    """A mutant that verifies must carry exactly the data that was signed.

    eddsa-jcs-2022: the same JCS bytes of document and proof configuration; the rdfc suites
    (and presentations, proof sets, status-bearing badges, all rdfc-signed): the same
    canonical RDF, computed by pyld's own URDNA2015; a proof set may hold either.
    """
    if report.verified:
        assert_signed_data_unchanged(name, doc)


def assert_signed_data_unchanged(name: str, doc: dict[str, Any]) -> None:
    """The oracle of :func:`assert_not_forged`, for a mutant known to verify."""
    COUNTS["verified-mutants"] += 1
    original = BASES[name]
    jcs = _jcs_signed(doc)
    if jcs is not None and jcs == _jcs_signed(original):
        return
    if name == "jcs":
        pytest.fail(f"a changed eddsa-jcs-2022 credential verifies: {doc}")
    assert _reference_nquads(_unsecured(doc)) == _reference_nquads(_unsecured(original)), doc


# -- the tests --------------------------------------------------------------------------------


@fuzz_settings(BUDGET["test_arbitrary_json_values"])
@given(json_values)
def test_arbitrary_json_values(value: Any) -> None:
    EXAMPLES["test_arbitrary_json_values"] += 1
    report = checked(value, "json-value")
    assert not report.verified


@fuzz_settings(BUDGET["test_credential_shaped_json"])
@given(credential_like)
def test_credential_shaped_json(document: dict[str, Any]) -> None:
    EXAMPLES["test_credential_shaped_json"] += 1
    report = checked(document, "json-credential-like")
    assert not report.verified
    report = checked(json.dumps(document).encode(), "json-text")
    assert not report.verified


@fuzz_settings(BUDGET["test_mutated_signed_documents"])
@given(mutated_documents())
def test_mutated_signed_documents(mutant: tuple[str, dict[str, Any]]) -> None:
    EXAMPLES["test_mutated_signed_documents"] += 1
    name, doc = mutant
    options = {"challenge": "c"} if name == "presentation" else {}
    report = checked(doc, f"mutated-{name}", **options)
    assert_not_forged(name, doc, report)


JWS_PART = st.from_regex(r"[A-Za-z0-9_-]{0,60}", fullmatch=True)
HEADERS = st.fixed_dictionaries(
    {"alg": st.one_of(st.sampled_from(["EdDSA", "RS256", "ES256", "none", "HS256", ""]), scalars)},
    optional={
        "kid": st.one_of(st.sampled_from([KEY.verification_method, "#x", "key-1"]), scalars),
        "typ": st.one_of(st.sampled_from(["JWT", "vc+jwt"]), scalars),
        "jwk": st.one_of(st.just(KEY.public_jwk()), st.just(KEY.private_jwk()), json_values),
        "crit": json_values,
    },
)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@fuzz_settings(BUDGET["test_random_jws"])
@given(
    st.one_of(
        st.tuples(JWS_PART, JWS_PART, JWS_PART).map(".".join),
        st.builds(
            lambda h, p, s: f"{b64(json.dumps(h).encode())}.{b64(json.dumps(p).encode())}.{b64(s)}",
            HEADERS,
            st.one_of(json_values, credential_like),
            st.binary(max_size=80),
        ),
    )
)
def test_random_jws(token: str) -> None:
    EXAMPLES["test_random_jws"] += 1
    report = checked(token, "jws-random")
    assert not report.verified


def _decode(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def mutated_jwt(draw: Callable[..., Any]) -> tuple[str, str]:
    """(what was mutated, the token): the payload, the header, or characters of the JWT."""
    head, body, signature = JWT.split(".")
    kind = draw(st.sampled_from(["payload", "header", "characters"]))
    if kind == "payload":
        payload = _decode(body)
        for _ in range(draw(st.integers(1, 3))):
            payload = mutate(draw, payload)
        token = f"{head}.{b64(json.dumps(payload).encode())}.{signature}"
    elif kind == "header":
        header = _decode(head)
        header = mutate(draw, header)
        token = f"{b64(json.dumps(header).encode())}.{body}.{signature}"
    else:
        chars = list(JWT)
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(chars) - 1))
            # not only the base64url alphabet: a token still starts 'ey' when a character
            # of it is not ASCII, or not even encodable (a lone surrogate)
            chars[at] = draw(st.sampled_from("AZaz09-_.=+/ \u00e9\x00\udcff"))
        token = "".join(chars)
    return kind, token


@fuzz_settings(BUDGET["test_mutated_jwt"])
@given(st.data())
def test_mutated_jwt(data: st.DataObject) -> None:
    EXAMPLES["test_mutated_jwt"] += 1
    kind, token = mutated_jwt(data.draw)
    report = checked(token, f"jwt-{kind}")
    as_bytes = checked(token.encode("utf-8", "surrogatepass"), f"jwt-{kind}-bytes")
    if token.strip() != JWT:
        assert not report.verified, token
        assert not as_bytes.verified, token


# -- images -----------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png() -> bytes:
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\xff\x00" * 2)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<circle cx="5" cy="5" r="4"/></svg>'
)


def _image_check(image: bytes, kind: str) -> None:
    """check(bytes) gives a report; unbake gives a payload or a MicrocredError."""
    assert baking is not None
    checked(image, kind)
    COUNTS[f"{kind}-unbake"] += 1
    try:
        payload = baking.unbake(image)
    except MicrocredError:
        return
    assert isinstance(payload, dict | str)


def _mutated_bytes(data: st.DataObject, image: bytes) -> bytes:
    raw = bytearray(image)
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["flip", "truncate", "insert", "delete", "splice"]))
        at = data.draw(st.integers(0, max(0, len(raw) - 1)))
        if op == "flip" and raw:
            raw[at] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "truncate":
            del raw[at:]
        elif op == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del raw[at : at + data.draw(st.integers(1, 16))]
        else:
            raw[at:at] = data.draw(st.sampled_from([b"iTXt", b"IEND", b"<![CDATA[", b"]]>", b"<!"]))
    return bytes(raw)


def _baked_images() -> dict[str, list[bytes]]:
    """The baked badges the image fuzzers mutate (empty without microcred.baking)."""
    if baking is None:
        return {"png": [], "svg": []}
    return {
        "png": [
            baking.bake(_png(), BASES["rdfc"]),
            baking.bake(_png(), JWT),
            baking.bake(_png(), BASES["presentation"]),
        ],
        "svg": [baking.bake(SVG, BASES["jcs"]), baking.bake(SVG, JWT)],
    }


BAKED = _baked_images()


@NEEDS_BAKING
@fuzz_settings(BUDGET["test_png_images"])
@given(st.data())
def test_png_images(data: st.DataObject) -> None:
    EXAMPLES["test_png_images"] += 1
    assert baking is not None
    base = data.draw(st.sampled_from(BAKED["png"]))
    kind = data.draw(st.sampled_from(["mutated", "random"]))
    if kind == "random":
        image = b"\x89PNG\r\n\x1a\n" + data.draw(st.binary(max_size=300))
    else:
        image = _mutated_bytes(data, base)
    _image_check(image, f"png-{kind}")


@NEEDS_BAKING
@fuzz_settings(BUDGET["test_svg_images"])
@given(st.data())
def test_svg_images(data: st.DataObject) -> None:
    EXAMPLES["test_svg_images"] += 1
    assert baking is not None
    bases = BAKED["svg"]
    kind = data.draw(st.sampled_from(["mutated", "random"]))
    if kind == "random":
        inner = data.draw(
            st.lists(
                st.one_of(
                    st.text(max_size=30),
                    st.sampled_from(
                        [
                            "<openbadges:credential>",
                            "</openbadges:credential>",
                            '<openbadges:credential verify="',
                            'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"',
                            "<![CDATA[",
                            "]]>",
                            '<!DOCTYPE svg [<!ENTITY x "y">]>',
                            "&x;",
                            JWT,
                            json.dumps(BASES["jcs"]),
                        ]
                    ),
                ),
                max_size=8,
            )
        )
        image = ('<svg xmlns="http://www.w3.org/2000/svg">' + "".join(inner) + "</svg>").encode(
            "utf-8", "surrogatepass"
        )
    else:
        image = _mutated_bytes(data, data.draw(st.sampled_from(bases)))
    _image_check(image, f"svg-{kind}")


# -- the command line -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-cli")


CLI_KINDS = ["json", "jwt", "random", *(["png", "svg"] if baking is not None else [])]


def cli_input(data: st.DataObject) -> tuple[str, bytes, Callable[[dict[str, Any]], None]]:
    """(kind, file content, a check of the one result): a mutated credential or presentation
    (as JSON), a mutated JWT, a mutated baked PNG or SVG, or random bytes."""
    kind = data.draw(st.sampled_from(CLI_KINDS))
    if kind == "json":
        name, doc = data.draw(mutated_documents())
        text = json.dumps(doc).encode("utf-8", "surrogatepass")

        def not_forged(result: dict[str, Any]) -> None:
            if result["outcome"] == "verified":  # then the text was UTF-8 and JSON
                assert_signed_data_unchanged(name, json.loads(text))

        return kind, text, not_forged
    if kind == "jwt":
        _, token = mutated_jwt(data.draw)

        def changed_fails(result: dict[str, Any]) -> None:
            assert (result["outcome"] == "verified") == (token.strip() == JWT), token

        return kind, token.encode("utf-8", "surrogatepass"), changed_fails
    if kind == "random":
        content = data.draw(st.binary(max_size=400))

        def fails(result: dict[str, Any]) -> None:
            assert result["outcome"] == "failed", content

        return kind, content, fails
    image = _mutated_bytes(data, data.draw(st.sampled_from(BAKED[kind])))
    return kind, image, lambda result: None


@fuzz_settings(BUDGET["test_cli_verify"])
@given(st.data())
def test_cli_verify(cli_dir: Path, data: st.DataObject) -> None:
    """Exit 0 or 1 (2 only for an unreadable input or a usage error), one result in the --json
    document, and no traceback, whatever the file holds."""
    EXAMPLES["test_cli_verify"] += 1
    from microcred.cli import main

    kind, content, check_result = cli_input(data)
    path = cli_dir / f"input.{kind}"
    path.write_bytes(content)
    COUNTS[f"cli-{kind}"] += 1
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["verify", str(path), "--offline", "--json", "--now", NOW.isoformat()])
    assert time.perf_counter() - started < TIME_BOUND
    assert code in (0, 1, 2), err.getvalue()
    assert "Traceback" not in err.getvalue()
    if code != 2:
        (result,) = json.loads(out.getvalue())["results"]
        assert code == (0 if result["outcome"] == "verified" else 1), result
        check_result(result)


def test_fuzz_budget(request: pytest.FixtureRequest) -> None:
    """Runs last: print what this session fed in; in a full run, check the CI budget."""
    calls = sum(v for k, v in COUNTS.items() if k != "verified-mutants" and ":" not in k)
    print(
        f"\nfuzz: {sum(EXAMPLES.values())} generated inputs, {calls} check()/unbake()/CLI calls; "
        + ", ".join(f"{k} {v}" for k, v in sorted({**EXAMPLES, **COUNTS}.items()))
    )
    assert sum(BUDGET.values()) >= 10_000
    if set(EXAMPLES) != set(BUDGET) - (
        {"test_png_images", "test_svg_images"} if baking is None else set()
    ):
        pytest.skip("only part of the fuzz tests ran")
    assert sum(EXAMPLES.values()) >= 10_000
