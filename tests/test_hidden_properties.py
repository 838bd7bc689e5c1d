"""A property the checks read cannot be moved out of their sight while the proof still holds.

An eddsa-rdfc-2022 proof signs RDF, and JSON-LD has many JSON spellings of one statement: the
full IRI as a key, a compact IRI, a new term of an inline context, ``@nest``, ``@included``.
Each rewrite below keeps the signed RDF of a credential that must not verify (expired, not yet
valid, revoked, with a forged endorsement or presented credential, an expired proof) and only
moves the property where a check reading ``validUntil`` (...) would miss it. Every one must be
refused, on the fast JSON-LD path and on pyld's, and ``issue`` refuses to sign them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

import microcred
from microcred import Ed25519Key, MalformedCredential, Status, Verifier
from test_nested import endorsement as signed_endorsement

from conftest import REPO

KEY = Ed25519Key.from_seed(bytes(range(32)))
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
CRED = "https://www.w3.org/2018/credentials#"
SEC = "https://w3id.org/security#"
OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
DATE_TIME = "http://www.w3.org/2001/XMLSchema#dateTime"
LIST_URL = "https://issuer.example/status/1"

Rewrite = Callable[[dict[str, Any]], None]


def sign(document: dict[str, Any], key: Ed25519Key = KEY, **options: Any) -> dict[str, Any]:
    options.setdefault("created", "2026-01-01T00:00:00Z")  # before NOW
    return microcred.issue(document, key, **options)


def badge(**extra: Any) -> dict[str, Any]:
    document = json.loads((REPO / "examples" / "badges" / "python-foundations.json").read_text())
    document.pop("proof")
    document["issuer"]["id"] = KEY.did
    document.update(extra)
    return document


# -- the rewrites: each takes a property out of its node's plain keys --------------------------
def full_iri(name: str, iri: str, typed: bool = True) -> Rewrite:
    def rewrite(node: dict[str, Any]) -> None:
        value = node.pop(name)
        node[iri] = {"@value": value, "@type": DATE_TIME} if typed else value

    return rewrite


def nested(name: str) -> Rewrite:
    def rewrite(node: dict[str, Any]) -> None:
        node["@nest"] = {name: node.pop(name)}

    return rewrite


def included(name: str) -> Rewrite:
    def rewrite(node: dict[str, Any]) -> None:
        # the same node again (same id, same types: no new statement), holding the property
        node["@included"] = [{"id": node["id"], "type": node["type"], name: node.pop(name)}]

    return rewrite


def with_context(entry: dict[str, Any], key: str, name: str, iri: str) -> Rewrite:
    """An inline context appended, then the property written with its new key."""

    def rewrite(node: dict[str, Any]) -> None:
        node["@context"] = [*node["@context"], entry]
        node[key] = {"@value": node.pop(name), "@type": DATE_TIME}

    return rewrite


VALID_UNTIL = CRED + "validUntil"
REWRITES_OF_VALID_UNTIL = {
    "full IRI": full_iri("validUntil", VALID_UNTIL),
    "@nest": nested("validUntil"),
    "@included": included("validUntil"),
    "compact IRI": with_context({"c": CRED}, "c:validUntil", "validUntil", VALID_UNTIL),
    "alias term": with_context({"until": VALID_UNTIL}, "until", "validUntil", VALID_UNTIL),
    "prefix inside the name": with_context(
        {"cv": {"@id": CRED + "valid", "@prefix": True}}, "cv:Until", "validUntil", VALID_UNTIL
    ),
    "@vocab inside the name": with_context(
        {"@vocab": CRED + "valid"}, "Until", "validUntil", VALID_UNTIL
    ),
    "alias of @nest": lambda node: (
        node.__setitem__("@context", [*node["@context"], {"more": "@nest"}]),
        node.__setitem__("more", {"validUntil": node.pop("validUntil")}),
    ),
}


def _refused(report: microcred.VerificationReport) -> None:
    assert not report.verified
    proof = report.check("proof")
    assert (proof.status, proof.code) == (Status.FAILED, "MALFORMED_CREDENTIAL"), proof
    assert "checks" in proof.message


@pytest.mark.parametrize("form", sorted(REWRITES_OF_VALID_UNTIL))
def test_an_expired_credential_cannot_hide_its_validuntil(form: str, jsonld_path: str) -> None:
    signed = sign(badge(validUntil="2026-02-01T00:00:00Z"))
    verifier = Verifier(offline=True, now=NOW)
    assert verifier.check(signed).check("validity").code == "EXPIRED"
    rewritten = copy.deepcopy(signed)
    REWRITES_OF_VALID_UNTIL[form](rewritten)
    _refused(verifier.check(rewritten))
    with pytest.raises(MalformedCredential):
        sign({k: v for k, v in rewritten.items() if k != "proof"})


def test_the_refusal_names_the_property_and_the_spelling(jsonld_path: str) -> None:
    signed = sign(badge(validUntil="2026-02-01T00:00:00Z"))
    full_iri("validUntil", VALID_UNTIL)(signed)
    message = Verifier(offline=True, now=NOW).check(signed).check("proof").message
    assert message.startswith(f"validUntil ({VALID_UNTIL}) is written as its full IRI")
    assert "write it as the term 'validUntil'" in message


@pytest.mark.parametrize(
    ("extra", "rewrite"),
    [
        ({"validFrom": "2030-01-01T00:00:00Z"}, nested("validFrom")),
        ({"validFrom": "2030-01-01T00:00:00Z"}, full_iri("validFrom", CRED + "validFrom")),
        ({}, full_iri("credentialSchema", CRED + "credentialSchema", typed=False)),
        ({}, nested("credentialSchema")),
    ],
    ids=["validFrom @nest", "validFrom IRI", "credentialSchema IRI", "credentialSchema @nest"],
)
def test_other_top_level_properties_cannot_be_hidden(
    extra: dict[str, Any], rewrite: Rewrite, jsonld_path: str
) -> None:
    document = badge(**extra)
    document.setdefault(
        "credentialSchema",
        {"id": "https://schemas.example/ob.json", "type": "JsonSchema"},
    )
    signed = sign(document)
    rewrite(signed)
    _refused(Verifier(offline=True, now=NOW).check(signed))


@pytest.mark.parametrize(
    "rewrite",
    [
        full_iri("credentialStatus", CRED + "credentialStatus", typed=False),
        nested("credentialStatus"),
        included("credentialStatus"),
    ],
    ids=["IRI", "@nest", "@included"],
)
def test_a_revoked_credential_cannot_hide_its_status(rewrite: Rewrite, jsonld_path: str) -> None:
    status = microcred.StatusList()
    index = status.allocate()
    status.set(index)
    status_list = sign(status.to_credential(id=LIST_URL, issuer=KEY.did))
    signed = sign(badge(credentialStatus=status.entry(index, list_url=LIST_URL)))
    verifier = Verifier(offline=True, now=NOW, pins={LIST_URL: status_list})
    assert verifier.check(signed).check("status").code == "REVOKED"
    rewrite(signed)
    _refused(verifier.check(signed))


def test_a_vc_1_1_expiration_date_cannot_be_hidden(jsonld_path: str) -> None:
    document = badge()
    document["@context"] = ["https://www.w3.org/2018/credentials/v1", document["@context"][1]]
    document["@context"].append("https://w3id.org/security/data-integrity/v2")
    document["issuanceDate"] = document.pop("validFrom")
    document["expirationDate"] = "2026-06-01T00:00:00Z"
    signed = microcred.issue(document, KEY, created="2026-01-01T00:00:00Z")
    full_iri("expirationDate", CRED + "expirationDate")(signed)
    _refused(Verifier(offline=True, now=NOW).check(signed))


@pytest.mark.parametrize(
    ("options", "rewrite"),
    [
        ({"expires": "2026-06-01T00:00:00Z"}, full_iri("expires", SEC + "expiration")),
        ({"expires": "2026-06-01T00:00:00Z"}, nested("expires")),
        ({"created": "2030-01-01T00:00:00Z"}, nested("created")),
        (
            {"created": "2030-01-01T00:00:00Z"},
            full_iri("created", "http://purl.org/dc/terms/created"),
        ),
    ],
    ids=["expires IRI", "expires @nest", "created @nest", "created IRI"],
)
def test_proof_options_cannot_be_hidden(
    options: dict[str, str], rewrite: Rewrite, jsonld_path: str
) -> None:
    signed = sign(
        badge(),
        created=options.get("created", "2026-01-01T00:00:00Z"),
        expires=options.get("expires"),
    )
    rewrite(signed["proof"])
    report = Verifier(offline=True, now=NOW).check(signed)
    assert not report.verified
    proof = report.check("proof")
    assert proof.status is Status.FAILED, proof
    assert "checks" in proof.message, proof


@pytest.mark.parametrize("form", ["IRI", "@nest"])
def test_a_forged_endorsement_cannot_be_hidden(form: str, jsonld_path: str) -> None:
    endorsement = signed_endorsement()
    endorsement["credentialSubject"]["endorsementComment"] = "Best in the world"  # forged
    document = badge()
    document["credentialSubject"]["achievement"]["endorsement"] = [endorsement]
    signed = sign(document)
    verifier = Verifier(offline=True, now=NOW)
    assert verifier.check(signed).check("endorsements").status is Status.FAILED
    achievement = signed["credentialSubject"]["achievement"]
    if form == "IRI":
        achievement[OB + "endorsement"] = achievement.pop("endorsement")
    else:
        nested("endorsement")(achievement)
    _refused(verifier.check(signed))


def test_a_forged_presented_credential_cannot_be_hidden(jsonld_path: str) -> None:
    holder = Ed25519Key.from_seed(bytes(range(2, 34)))
    forged = sign(badge())
    forged["name"] = "Forged"
    presentation = microcred.sign_presentation(
        [forged], holder, challenge="c1", created="2026-01-01T00:00:00Z"
    )
    nested("verifiableCredential")(presentation)
    _refused(Verifier(offline=True, now=NOW).check(presentation, challenge="c1"))


# -- what stays accepted ---------------------------------------------------------------------
def test_an_extension_property_written_as_an_iri_still_verifies(jsonld_path: str) -> None:
    document = badge()
    document["https://example.org/vocab#programme"] = "Evening classes"
    document["@context"] = [*document["@context"], {"ext": "https://example.org/vocab#"}]
    document["ext:level"] = "beginner"
    report = Verifier(offline=True, now=NOW).check(sign(document))
    assert report.verified, report.errors
