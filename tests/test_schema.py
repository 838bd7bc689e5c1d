"""JSON Schema validation against the bundled 1EdTech schemas, and the OB semantic checks."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from microcred import _data
from microcred._schema import SCHEMA_URLS, schema_for_types, validate_schema
from microcred.models import SchemaFinding, check_semantics

TESTS = Path(__file__).parent
SPEC = TESTS / "vectors" / "spec-examples"
OUTCOMES = json.loads((SPEC / "expected-outcomes.json").read_text())
REGISTERED_CLAIMS = ("iss", "sub", "jti", "nbf", "exp", "iat", "aud")
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
ENDORSEMENT_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)
CLR_SCHEMA = (
    "https://purl.imsglobal.org/spec/clr/v2p0/schema/json/clr_v2p0_clrcredential_schema.json"
)


def _path(case_file: str) -> Path:
    """A path of expected-outcomes.json: vectors/... is under tests/, examples/... is here."""
    if case_file.startswith("vectors/"):
        return TESTS / case_file
    return SPEC / case_file.removeprefix("examples/")


def _document(path: Path) -> dict[str, Any]:
    if path.suffix == ".jwt":
        segment = path.read_text().strip().split(".")[1]
        payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        return {k: v for k, v in payload.items() if k not in REGISTERED_CLAIMS}
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _errors(findings: list[SchemaFinding]) -> list[SchemaFinding]:
    return [f for f in findings if f.severity == "error"]


SCHEMA_CASES = [c for c in OUTCOMES["cases"] if "schema" in c]


def test_expected_outcomes_record_schema_results() -> None:
    assert len(SCHEMA_CASES) >= 17


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=[c["file"] for c in SCHEMA_CASES])
def test_schema_results_match_expected_outcomes(case: dict[str, Any]) -> None:
    document = _document(_path(case["file"]))
    verdict, _, which = case["schema"].partition(" ")
    expected_url = {
        "(achievementcredential schema)": OB_SCHEMA,
        "(endorsementcredential schema)": ENDORSEMENT_SCHEMA,
    }[which]
    assert schema_for_types(document["type"]) == expected_url
    findings = [f for f in validate_schema(document) if f.schema == expected_url]
    assert _errors(findings) == []
    if verdict == "valid":
        assert findings == []
        return
    # Recorded "invalid" only because the published schema wants proof as an array: the
    # validator reports exactly that quirk, as a warning, and nothing else.
    assert verdict == "invalid"
    assert findings == [
        SchemaFinding(
            "schema-proof-array",
            "/proof is a single object; the 1EdTech schema expects an array (accepted)",
            "/proof",
            "warning",
            OB_SCHEMA,
        )
    ]
    assert any(error.startswith("proof: ") for error in case["schema_errors"])


def test_unknown_declared_schema_is_indeterminate_not_a_pass() -> None:
    document = _document(SPEC / "ob-spec-source/endorsementcredential.json")
    findings = validate_schema(document)
    assert findings == [
        SchemaFinding(
            "schema-unavailable",
            "/credentialSchema/1/id 'https://state.gov/schema/endorsementcredential.json' is not a "
            "schema bundled with microcred and schemas are never fetched: it could not be checked "
            "offline",
            "/credentialSchema/1/id",
            "indeterminate",
            "https://state.gov/schema/endorsementcredential.json",
        )
    ]


def test_clr_is_checked_with_the_draft_04_schema_and_its_vcdm_quirk() -> None:
    document = _document(TESTS / "vectors/1edtech-impl-guide/clrv2p0/credential-signed.json")
    findings = validate_schema(document)
    assert _errors(findings) == []
    assert {(f.code, f.pointer, f.schema) for f in findings} == {
        ("schema-clr-vcdm2", "/issuanceDate", CLR_SCHEMA),
        ("schema-clr-vcdm2", "/credentialSubject/verifiableCredential/0/issuanceDate", CLR_SCHEMA),
    }
    del document["validFrom"]
    errors = _errors(validate_schema(document))
    assert [(f.pointer, f.message) for f in errors] == [
        (
            "/issuanceDate",
            "/issuanceDate is required by the CLR 2.0 ClrCredential (draft-04) schema",
        )
    ]


def test_spec_source_examples_conform_except_the_api_profile() -> None:
    for path in sorted((SPEC / "ob-spec-source").glob("*.json")):
        errors = _errors(validate_schema(_document(path)))
        if path.name == "api-putprofile-response-profile.json":
            # The spec's own API example gives "type": "Profile"; its schema wants an array.
            assert [(f.pointer, f.code) for f in errors] == [("/type", "schema")]
        else:
            assert errors == [], path.name


def _basic() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (SPEC / "ob-spec-source/basic-openbadgecredential.json").read_text()
    )
    return data


@pytest.mark.parametrize(
    ("change", "pointer", "text"),
    [
        (
            lambda d: d.pop("issuer"),
            "/issuer",
            "/issuer is required by the OB 3.0 AchievementCredential schema",
        ),
        (
            lambda d: d["credentialSubject"]["achievement"].pop("criteria"),
            "/credentialSubject/achievement/criteria",
            "is required by the OB 3.0",
        ),
        (lambda d: d.update(validFrom="2010-01-01"), "/validFrom", "is not a 'date-time'"),
        (
            lambda d: d["credentialSubject"]["achievement"].update(achievementType="Trophy"),
            "/credentialSubject/achievement/achievementType",
            "'Trophy'",
        ),
        (lambda d: d["issuer"].update(type="Profile"), "/issuer/type", "is not of type 'array'"),
        (
            lambda d: d.update({"@context": ["https://www.w3.org/ns/credentials/v2"]}),
            "/@context",
            "is too short",
        ),
        (lambda d: d.update(type=["OpenBadgeCredential"]), "/type", "does not contain"),
        (lambda d: d.update(name=7), "/name", "7 is not of type 'string'"),
    ],
)
def test_schema_errors_name_the_field(change: Any, pointer: str, text: str) -> None:
    document = _basic()
    change(document)
    errors = _errors(validate_schema(document, declared=False))
    assert errors, "expected a schema error"
    assert errors[0].pointer == pointer
    assert text in errors[0].message
    assert errors[0].schema == OB_SCHEMA


def test_declared_schemas_are_checked_once_and_other_types_are_reported() -> None:
    document = _basic()
    document["credentialSchema"] = [
        {"id": OB_SCHEMA.replace("/json/", "/json-ld/"), "type": "1EdTechJsonSchemaValidator2019"},
        {"id": "https://example.org/schema.json", "type": "JsonSchema"},
    ]
    document.pop("issuer")
    findings = validate_schema(document)
    assert [(f.code, f.severity, f.pointer) for f in findings] == [
        ("schema-unsupported", "warning", "/credentialSchema/1/type"),
        ("schema", "error", "/issuer"),
    ]
    assert validate_schema(document, declared=False, inferred=False) == []


def test_every_bundled_schema_is_known_by_its_id_and_served_url() -> None:
    for schema_id in _bundled_ids():
        assert schema_id in SCHEMA_URLS
    assert SCHEMA_URLS[OB_SCHEMA] == SCHEMA_URLS[OB_SCHEMA.replace("/json/", "/json-ld/")]
    assert SCHEMA_URLS[CLR_SCHEMA].startswith("clr/")


def _bundled_ids() -> list[str]:
    ids = []
    root = _data.resource("schemas")
    stack = [root]
    while stack:
        node = stack.pop()
        for child in node.iterdir():
            if child.is_dir():
                stack.append(child)
            elif child.name.endswith(".json"):
                ids.append(json.loads(child.read_bytes())["$id"])
    return ids


def test_findings_serialise() -> None:
    finding = SchemaFinding("uri", "/url must be a URI", "/url")
    assert finding.to_dict() == {
        "code": "uri",
        "severity": "error",
        "message": "/url must be a URI",
        "pointer": "/url",
    }


# -- semantic checks ---------------------------------------------------------------------------


def _complete() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (SPEC / "ob-spec-source/complete-openbadgecredential.json").read_text()
    )
    return data


def test_spec_examples_pass_the_semantic_checks_but_one() -> None:
    for path in sorted((SPEC / "ob-spec-source").glob("*.json")):
        findings = check_semantics(_document(path))
        if path.name == "complete-openbadgecredential.json":
            # The spec example links result 1 to ResultDescription f6ab24cd... but names a
            # level of another ResultDescription (a70ddc6a...) as achievedLevel.
            assert [(f.code, f.pointer) for f in findings] == [
                ("achieved-level", "/credentialSubject/result/1/achievedLevel")
            ]
        else:
            assert findings == [], path.name


@pytest.mark.parametrize(
    ("change", "code", "pointer", "message"),
    [
        (
            lambda d: [d["credentialSubject"].pop(k) for k in ("id", "identifier")],
            "subject-identifier",
            "/credentialSubject",
            "/credentialSubject needs an id or an identifier: add the recipient's id (e.g. a DID) or "
            "an IdentityObject in identifier",
        ),
        (
            lambda d: d["credentialSubject"]["result"][0].update(resultDescription="urn:uuid:nope"),
            "result-description",
            "/credentialSubject/result/0/resultDescription",
            "/credentialSubject/result/0/resultDescription is 'urn:uuid:nope', which is not the id of a "
            "resultDescription of the achievement (known: urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c, "
            "urn:uuid:a70ddc6a-4c4a-4bd8-8277-cb97c79f40c5, urn:uuid:b07c0387-f2d6-4b65-a3f4-f4e4302ea8f7)"
            ": fix the link or add that ResultDescription",
        ),
        (
            lambda d: d["credentialSubject"]["achievement"]["resultDescription"][1].update(
                requiredLevel="urn:uuid:other"
            ),
            "required-level",
            "/credentialSubject/achievement/resultDescription/1/requiredLevel",
            "/credentialSubject/achievement/resultDescription/1/requiredLevel is 'urn:uuid:other', which "
            "is not the id of any of its rubricCriterionLevel entries",
        ),
        (
            lambda d: d["issuer"].update(url="1edtech.edu"),
            "uri",
            "/issuer/url",
            "/issuer/url must be an absolute URI with a scheme (e.g. https://...), got '1edtech.edu'",
        ),
        (
            lambda d: d["image"].update(id="images/3732.png"),
            "uri",
            "/image/id",
            "/image/id must be an absolute URI with a scheme (e.g. https://...), got 'images/3732.png'",
        ),
        (
            lambda d: d["credentialSubject"].update(activityEndDate="2010-01-02"),
            "date-time",
            "/credentialSubject/activityEndDate",
            "/credentialSubject/activityEndDate must be an RFC 3339 "
            "date-time with a time zone, e.g. 2024-01-31T12:00:00Z, got '2010-01-02'",
        ),
        (
            lambda d: d.update(validUntil="2030-01-01T00:00:00"),
            "date-time",
            "/validUntil",
            "/validUntil must be an RFC 3339 date-time with a time zone, e.g. 2024-01-31T12:00:00Z, got "
            "'2030-01-01T00:00:00'",
        ),
    ],
)
def test_semantic_findings(change: Any, code: str, pointer: str, message: str) -> None:
    document = _complete()
    document["credentialSubject"]["result"][1]["resultDescription"] = (
        "urn:uuid:a70ddc6a-4c4a-4bd8-8277-cb97c79f40c5"  # repair the spec example first
    )
    assert check_semantics(document) == []
    change(document)
    assert check_semantics(document) == [SchemaFinding(code, message, pointer)]


def test_criteria_without_content_is_a_warning() -> None:
    document = _basic()
    document["credentialSubject"]["achievement"]["criteria"] = {}
    where = "/credentialSubject/achievement/criteria"
    assert check_semantics(document) == [
        SchemaFinding(
            "criteria",
            f"{where} should have a narrative or an id (a page describing how to earn "
            "the achievement)",
            where,
            "warning",
        )
    ]


def test_semantic_checks_reach_into_a_clr() -> None:
    document = _document(TESTS / "vectors/1edtech-impl-guide/clrv2p0/credential-unsigned.json")
    assert check_semantics(document) == []
    inner = copy.deepcopy(document)
    del inner["credentialSubject"]["verifiableCredential"][0]["credentialSubject"]["id"]
    assert [f.pointer for f in check_semantics(inner)] == [
        "/credentialSubject/verifiableCredential/0/credentialSubject"
    ]


def test_single_proofs_of_embedded_endorsements_are_the_same_quirk() -> None:
    profile = _complete()["issuer"]
    for endorsement in profile["endorsement"]:
        endorsement["proof"] = endorsement["proof"][0]
    findings = validate_schema(profile)
    assert [(f.code, f.severity, f.pointer) for f in findings] == [
        ("schema-proof-array", "warning", "/endorsement/0/proof")
    ]
