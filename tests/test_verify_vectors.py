"""Signed vectors and spec examples verify as expected-outcomes.json says; any tampering fails."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from microcred import Status, VerificationReport, Verifier

from conftest import REFERENCE_TIME, SPEC_EXAMPLES, VECTORS, load_json, url_map_pins
from httpserver import HTTPSServer

OUTCOMES = load_json(SPEC_EXAMPLES / "expected-outcomes.json")
CASES = OUTCOMES["cases"]
URL_MAP = load_json(SPEC_EXAMPLES / "url-map.json")["urls"]


def _path(case: dict[str, Any]) -> Path:
    file = case["file"]
    return (SPEC_EXAMPLES if file.startswith("examples/") else VECTORS) / file.split("/", 1)[1]


# Where the team's fixed decisions (docs/verifying.md) deliberately differ from the label: why,
# and exactly which checks make the difference.
DEVIATIONS = {
    "examples/ob-spec-rendered-2024-04-03/endorsementcredential.signed.json": (
        "its 1EdTechRevocationList cannot be fetched: our policy makes that indeterminate "
        "(not verified), where the label treats an unreachable list as non-fatal; its "
        "second declared schema (state.gov) is not bundled and schemas are never fetched, "
        "so that declared check cannot be completed either",
        {"status", "schema"},
    ),
}
STATUS = {"none": Status.SKIPPED, "unreachable": Status.INDETERMINATE, "active": Status.PASSED}


@pytest.fixture(scope="module")
def offline_verifier() -> Iterator[Verifier]:
    """The controller documents of url-map.json as pins; nothing is fetched."""
    with Verifier(pins=url_map_pins(), now=REFERENCE_TIME, offline=True) as v:
        yield v


def publish_url_map(server: HTTPSServer) -> None:
    """Serve each controller document of url-map.json at its URL on the local HTTPS server."""
    for url, file in URL_MAP.items():
        parts = urlsplit(url)
        document = load_json(SPEC_EXAMPLES / file)
        server.route(parts.path, json=document, host=parts.hostname)


@pytest.fixture(params=["https-server", "pins-offline"])
def verifier(
    request: pytest.FixtureRequest, server: HTTPSServer, offline_verifier: Verifier
) -> Iterator[Verifier]:
    """Both ways to reach the issuers' keys: their URLs on the local HTTPS server (status
    lists not in the map are simply not served: 404), or the same documents pinned offline."""
    if request.param == "pins-offline":
        yield offline_verifier
        return
    publish_url_map(server)
    with Verifier(http=server.policy(), now=REFERENCE_TIME) as v:
        yield v


def _key_documents(path: Path) -> set[str]:
    """The url-map documents named by the file's proofs (verification method before '#')."""
    if path.suffix != ".json":
        return set()
    proofs = load_json(path).get("proof", [])
    methods = [
        p.get("verificationMethod", "") for p in (proofs if isinstance(proofs, list) else [proofs])
    ]
    return {m.partition("#")[0] for m in methods} & set(URL_MAP)


def _params() -> Iterator[Any]:
    for case in CASES:
        yield pytest.param(case, id=case["file"].rsplit("/", 1)[1])


@pytest.mark.parametrize("case", list(_params()))
def test_expected_outcome(
    case: dict[str, Any], verifier: Verifier, server: HTTPSServer, request: pytest.FixtureRequest
) -> None:
    report = verifier.check(_path(case).read_bytes())
    fetched = {f"https://{r.host}{r.path}" for r in server.requests}
    if request.node.callspec.params["verifier"] == "pins-offline":
        assert fetched == set()
    else:  # keys at https URLs come from their documents, never from the URL's fragment
        assert fetched >= _key_documents(_path(case))
    assert report.check("proof").status is (
        Status.PASSED if case["proof"] == "valid" else Status.FAILED
    ), report.to_dict()
    binding = case.get("issuer_binding")
    if binding == "ok":
        assert report.check("issuer").status is Status.PASSED
    elif binding == "mismatch":
        assert report.check("issuer").status is Status.FAILED
        assert report.check("issuer").code == "ISSUER_MISMATCH"
    assert report.check("validity").status is (
        Status.PASSED if case["validity"] == "ok" else Status.FAILED
    )
    assert report.check("status").status is STATUS[case["status"]]
    expected = case["expected_verified"]
    if case["file"] in DEVIATIONS:
        expected = False
        unfinished = {c.name for c in report.checks if c.status is Status.INDETERMINATE}
        assert unfinished == DEVIATIONS[case["file"]][1], report.to_dict()
        assert not any(c.status is Status.FAILED for c in report.checks), report.to_dict()
    if case.get("embedded_endorsements", "").startswith("fail"):
        endorsements = report.check("endorsements")
        assert endorsements.status is Status.FAILED
        failing = int(case["embedded_endorsements"].split("(")[1].split()[0])
        assert sum(c.status is not Status.PASSED for c in endorsements.children) == failing
    if case.get("embedded_key"):  # a key only in the JWS header: integrity, not authorship
        assert report.check("issuer").status is Status.INDETERMINATE
        assert report.check("issuer").code == "EMBEDDED_KEY_NOT_TRUSTED"
    missing = {w.pointer for w in report.warnings if w.code == "JWT_CLAIM_MISSING"}
    assert {f"/{claim}" for claim in case.get("missing_claims", [])} <= missing
    assert report.verified is expected


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "expected_verified_trusting_embedded_keys" in c],
    ids=lambda c: c["file"].rsplit("/", 1)[1],
)
def test_expected_outcome_trusting_embedded_keys(case: dict[str, Any]) -> None:
    with Verifier(
        pins=url_map_pins(), now=REFERENCE_TIME, offline=True, trust_embedded_keys=True
    ) as verifier:
        report = verifier.check(_path(case).read_bytes())
    assert report.format == "jwt"
    assert report.check("issuer").status is Status.PASSED
    expected = case["expected_verified_trusting_embedded_keys"]
    if case["file"].replace(".jwt", ".signed.json") in DEVIATIONS:
        expected = False
    assert report.verified is expected, report.to_dict()


def test_every_case_is_exercised() -> None:
    for case in CASES:
        assert _path(case).is_file(), case["file"]


# -- tamper matrix -------------------------------------------------------------------------

SIGNED = sorted(
    {
        *VECTORS.glob("1edtech-impl-guide/*/credential-signed.json"),
        *VECTORS.glob("w3c-vc-di-eddsa/*/signed*.json"),
        *VECTORS.glob("w3c-vc-di-eddsa/proof-set-chain/signed*.json"),
        *SPEC_EXAMPLES.glob("ob-spec-rendered-2024-04-03/*.signed.json"),
    }  # a set: the proof-set-chain folder matches two of the patterns
)


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
    else:
        yield path


def _tampered(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if value is None:
        return "null"
    return value[:-1] + ("x" if value[-1:] != "x" else "y") if value else "x"


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _proof_passes(report: VerificationReport) -> bool:
    return report.check("proof").status is Status.PASSED if len(report.checks) > 1 else False


@pytest.mark.parametrize("path", SIGNED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_any_single_leaf_change_fails(path: Path, offline_verifier: Verifier) -> None:
    verifier = offline_verifier
    original = load_json(path)
    report = verifier.check(original)
    assert _proof_passes(report), report.to_dict()
    leaves = list(_leaves(original))
    assert leaves
    survivors = []
    for leaf in leaves:
        doc = copy.deepcopy(original)
        value = doc
        for step in leaf:
            value = value[step]
        _set(doc, leaf, _tampered(value))
        tampered_report = verifier.check(doc)
        # A proof set stays valid when only one of its proofs is damaged: the others still hold.
        if (
            "proof" in leaf[:1]
            and isinstance(original["proof"], list)
            and len(original["proof"]) > 1
        ):
            assert tampered_report.check("proof").children[leaf[1]].status is not Status.PASSED
            continue
        if _proof_passes(tampered_report):
            survivors.append(leaf)
    assert survivors == [], f"tampering with these leaves went unnoticed: {survivors}"
