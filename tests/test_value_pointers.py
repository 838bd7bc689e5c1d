"""A value of the wrong kind is named by its JSON Pointer, whichever JSON-LD path meets it.

pyld says "@id value must be a string" without saying where, skips a ``type`` that is not a
string (and so the context that type scopes, making every property under it undefined), and
N-Quads cannot hold an unpaired surrogate. The report, and ``issue``, name the field.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

import microcred
from microcred import Ed25519Key, MalformedCredential, Status, Verifier

from conftest import REPO

KEY = Ed25519Key.from_seed(bytes(range(32)))
ACHIEVEMENT = "/credentialSubject/achievement"


def badge() -> dict[str, Any]:
    document = json.loads((REPO / "examples" / "badges" / "python-foundations.json").read_text())
    document.pop("proof")
    document["issuer"]["id"] = KEY.did
    return document


def put(document: dict[str, Any], pointer: str, value: Any) -> dict[str, Any]:
    *parents, last = pointer.strip("/").split("/")
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return document


CASES = [
    # (where, the bad value, the pointer reported, what the message says)
    (f"{ACHIEVEMENT}/id", 5, f"{ACHIEVEMENT}/id", "'id' must be a string (an IRI), not a number"),
    (f"{ACHIEVEMENT}/id", ["urn:a"], f"{ACHIEVEMENT}/id", "not an array"),
    ("/issuer/id", {"id": "urn:a"}, "/issuer/id", "'id' must be a string (an IRI), not an object"),
    (f"{ACHIEVEMENT}/image/id", None, f"{ACHIEVEMENT}/image/id", "not null"),
    (f"{ACHIEVEMENT}/type", [5], f"{ACHIEVEMENT}/type/0", "list of strings: item 0 is a number"),
    (f"{ACHIEVEMENT}/type", {"a": "b"}, f"{ACHIEVEMENT}/type", "not an object"),
    (f"{ACHIEVEMENT}/image/type", None, f"{ACHIEVEMENT}/image/type", "not null"),
    ("/name", "Python \ud800", "/name", "unpaired surrogate"),
    (
        f"{ACHIEVEMENT}/criteria/narrative",
        "\udc00",
        f"{ACHIEVEMENT}/criteria/narrative",
        "unpaired surrogate",
    ),
]


@pytest.mark.parametrize(("where", "value", "pointer", "message"), CASES)
def test_verify_names_the_field(
    jsonld_path: str, where: str, value: Any, pointer: str, message: str
) -> None:
    signed = microcred.issue(badge(), KEY, created="2026-01-01T00:00:00Z")
    tampered = put(copy.deepcopy(signed), where, value)
    proof = Verifier(offline=True).check(tampered).check("proof")
    assert (proof.status, proof.code, proof.pointer) == (
        Status.FAILED,
        "MALFORMED_CREDENTIAL",
        pointer,
    )
    assert message in proof.message


# issue's own conformance check names a bad issuer first ("issuer must be a URL, ...")
@pytest.mark.parametrize(
    ("where", "value", "pointer", "message"), [case for case in CASES if case[0] != "/issuer/id"]
)
def test_issue_names_the_field(
    jsonld_path: str, where: str, value: Any, pointer: str, message: str
) -> None:
    with pytest.raises(MalformedCredential, match=re.escape(message)) as caught:
        microcred.issue(put(badge(), where, value), KEY)
    assert caught.value.pointer == pointer


def test_a_null_id_in_a_term_definition_is_not_blamed(jsonld_path: str) -> None:
    """``"@id": null`` in a context is legal: the search for the culprit skips contexts."""
    document = badge()
    document["@context"] = [*document["@context"], {"legacy": {"@id": None}}]
    put(document, f"{ACHIEVEMENT}/id", 7)
    with pytest.raises(MalformedCredential) as caught:
        microcred.issue(document, KEY)
    assert caught.value.pointer == f"{ACHIEVEMENT}/id"


@pytest.mark.parametrize("issuer", [None, {"name": "No id"}, {"id": 5}])
def test_a_missing_issuer_is_one_fault_told_once(issuer: Any) -> None:
    """The schema and issuer checks both fail on it, with the same words and pointer."""
    signed = microcred.issue(badge(), KEY, created="2026-01-01T00:00:00Z")
    if issuer is None:
        del signed["issuer"]
    else:
        signed["issuer"] = issuer
    report = Verifier(offline=True).check(signed)
    told = {(c.message, c.pointer) for c in (report.check("schema"), report.check("issuer"))}
    assert told == {
        (
            "issuer must be a URL, or an object whose id is a URL: it is missing, or "
            "has no such id",
            "/issuer",
        )
    }
