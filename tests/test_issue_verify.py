"""issue() and verify()/check() end to end, and every kind of bad input giving a clear verdict."""

from __future__ import annotations

import copy
import json
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any

import pytest

import microcred
from microcred import (
    Ed25519Key,
    IssuerMismatch,
    MalformedCredential,
    SigningError,
    Status,
    UndefinedTerm,
    VerificationFailed,
)

from conftest import ONE_EDTECH, load_json, ob_badge, url_map_pins

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CREATED = "2026-11-01T00:00:00Z"  # proofs made before NOW, the clock that verifies them
OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def badge(issuer: str) -> dict[str, Any]:
    return ob_badge(issuer)


@pytest.fixture(scope="module")
def key() -> Ed25519Key:
    return Ed25519Key.from_seed(bytes(range(32)))


@pytest.fixture(scope="module")
def signed(key: Ed25519Key) -> dict[str, Any]:
    return microcred.issue(badge(key.did), key, created="2026-01-01T00:00:00Z")


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_issue_then_verify(key: Ed25519Key, suite: str) -> None:
    credential = badge(key.did)
    before = copy.deepcopy(credential)
    signed = microcred.issue(credential, key, suite=suite, created=CREATED)
    assert credential == before, "issue() must not modify its input"
    assert signed["proof"].get("@context") is not signed["@context"], "no shared objects"
    report = microcred.verify(signed, now=NOW)
    assert report.verified
    statuses = {c.name: c.status for c in report.checks}
    assert statuses == {
        "parse": Status.PASSED,
        "schema": Status.PASSED,
        "proof": Status.PASSED,
        "issuer": Status.PASSED,
        "validity": Status.PASSED,
        "status": Status.SKIPPED,
        "endorsements": Status.SKIPPED,
        "refresh": Status.SKIPPED,
    }
    assert report.issuer == key.did


def _as_mappings(value: Any) -> Any:
    """JSON with every object an OrderedDict, and the issuer a read-only mapping."""
    if isinstance(value, dict):
        return OrderedDict((k, _as_mappings(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_as_mappings(item) for item in value]
    return value


def test_mappings_other_than_dict_are_json_objects(key: Ed25519Key) -> None:
    credential = _as_mappings(badge(key.did))
    credential["issuer"] = MappingProxyType(credential["issuer"])
    signed = microcred.issue(credential, key, created=CREATED)
    assert type(signed) is dict
    assert type(signed["issuer"]) is dict
    assert microcred.verify(_as_mappings(signed), now=NOW).verified
    credential["credentialSubject"]["achievement"]["name"] = OrderedDict({1: "not a key"})
    with pytest.raises(MalformedCredential, match="keys must be strings"):
        microcred.issue(credential, key, created=CREATED)


def test_ed25519_signature_2020_needs_its_context(key: Ed25519Key) -> None:
    with pytest.raises(UndefinedTerm, match="not defined by the document's @context") as caught:
        microcred.issue(badge(key.did), key, suite="Ed25519Signature2020")
    assert caught.value.pointer.startswith("/proof/")
    credential = badge(key.did)
    credential["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    signed = microcred.issue(credential, key, suite="Ed25519Signature2020", created=CREATED)
    assert signed["proof"]["type"] == "Ed25519Signature2020"
    assert microcred.verify(signed, now=NOW).verified


def test_issue_refuses_a_key_the_issuer_does_not_control(key: Ed25519Key) -> None:
    with pytest.raises(SigningError, match=r"issuer is https://example\.edu/issuers/1"):
        microcred.issue(badge("https://example.edu/issuers/1"), key)


@pytest.mark.parametrize(
    ("change", "error", "pointer"),
    [
        (lambda c: c.pop("issuer"), MalformedCredential, "/issuer"),
        (lambda c: c.update(type=["OpenBadgeCredential"]), MalformedCredential, "/type"),
        (lambda c: c.update({"@context": OB_CONTEXT[1:]}), MalformedCredential, "/@context"),
        (
            lambda c: c["credentialSubject"].update(favouriteColour="blue"),
            UndefinedTerm,
            "/credentialSubject/favouriteColour",
        ),
    ],
    ids=["no-issuer", "no-vc-type", "context-order", "undefined-term"],
)
def test_issue_refuses_non_conforming(
    key: Ed25519Key, change: Callable[[dict[str, Any]], Any], error: type[Exception], pointer: str
) -> None:
    credential = badge(key.did)
    change(credential)
    with pytest.raises(error) as caught:
        microcred.issue(credential, key)
    assert getattr(caught.value, "pointer", None) == pointer


def test_proof_set_one_good_proof_suffices(key: Ed25519Key, signed: dict[str, Any]) -> None:
    other = Ed25519Key.generate()
    twice = microcred.issue(signed, key, suite="eddsa-jcs-2022", created=CREATED)
    assert isinstance(twice["proof"], list)
    assert len(twice["proof"]) == 2
    twice["proof"][0]["proofValue"] = microcred.issue(badge(other.did), other, created=CREATED)[
        "proof"
    ]["proofValue"]
    report = microcred.check(twice, now=NOW)
    assert report.verified
    proof = report.check("proof")
    assert [c.status for c in proof.children] == [Status.FAILED, Status.PASSED]


def test_verify_raises_with_the_report(signed: dict[str, Any]) -> None:
    tampered = copy.deepcopy(signed)
    tampered["name"] = "Leadership"
    with pytest.raises(VerificationFailed) as caught:
        microcred.verify(tampered, now=NOW)
    assert caught.value.report.check("proof").code == "PROOF_VERIFICATION_ERROR"
    assert "altered" in str(caught.value)


def test_validity_window(key: Ed25519Key) -> None:
    credential = badge(key.did)
    credential["validUntil"] = "2026-06-01T00:00:00Z"
    signed = microcred.issue(credential, key, created="2026-01-01T00:00:00Z")
    early = microcred.check(signed, now=datetime(2025, 12, 1, tzinfo=UTC))
    assert early.check("validity").code == "NOT_YET_VALID"
    late = microcred.check(signed, now=NOW)
    assert late.check("validity").code == "EXPIRED"
    assert late.check("validity").pointer == "/validUntil"
    within_leeway = microcred.check(signed, now=datetime(2026, 6, 1, 0, 0, 30, tzinfo=UTC))
    assert within_leeway.verified


def test_leeway_is_configurable_and_bounded(key: Ed25519Key) -> None:
    credential = badge(key.did)
    credential["validUntil"] = "2026-06-01T00:00:00Z"
    signed = microcred.issue(credential, key, created="2026-01-01T00:00:00Z")
    day_late = datetime(2026, 6, 2, tzinfo=UTC)
    assert microcred.check(signed, now=day_late).check("validity").code == "EXPIRED"
    assert microcred.check(signed, now=day_late, leeway=timedelta(days=1)).verified
    assert microcred.check(signed, now=day_late, leeway=86_400).verified
    for bad in (-1, float("nan"), float("inf"), 1e308, timedelta(days=-1), timedelta(days=400)):
        with pytest.raises(ValueError, match="leeway must be from 0 to"):
            microcred.Verifier(leeway=bad)
    with pytest.raises(TypeError, match="leeway must be seconds"):
        microcred.Verifier(leeway="60")  # type: ignore[arg-type]


def test_vc_1_1_dates_and_far_clocks(key: Ed25519Key) -> None:
    """issuanceDate / expirationDate are the VC 1.1 validity window; a clock at either end of
    the calendar gives a verdict, never an overflow."""
    credential = badge(key.did)
    credential["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        OB_CONTEXT[1],
        "https://w3id.org/security/data-integrity/v2",
    ]
    credential["issuanceDate"] = credential.pop("validFrom")
    credential["expirationDate"] = "2026-06-01T00:00:00Z"
    signed = microcred.issue(credential, key, created="2026-01-01T00:00:00Z")
    assert microcred.check(signed, now=datetime(2026, 3, 1, tzinfo=UTC)).verified
    late = microcred.check(signed, now=NOW).check("validity")
    assert (late.code, late.pointer) == ("EXPIRED", "/expirationDate")
    early = microcred.check(signed, now=datetime(2025, 3, 1, tzinfo=UTC)).check("validity")
    assert (early.code, early.pointer) == ("NOT_YET_VALID", "/issuanceDate")
    end_of_time = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert microcred.check(signed, now=end_of_time).check("validity").code == "EXPIRED"
    dawn = datetime(1, 1, 1, tzinfo=UTC)
    assert microcred.check(signed, now=dawn).check("validity").code == "NOT_YET_VALID"


def test_repointing_the_issuer_after_signing_fails(key: Ed25519Key) -> None:
    signed = microcred.issue(badge(key.did), key, created=CREATED)
    signed["issuer"]["id"] = "https://example.edu/issuers/565049"
    report = microcred.check(signed, now=NOW)
    assert report.check("proof").status is Status.FAILED
    assert not report.verified


def test_issuer_mismatch_is_reported(key: Ed25519Key) -> None:
    from microcred.suites import EDDSA_RDFC_2022, ProofOptions, add_proof

    credential = badge("https://example.edu/issuers/565049")
    signed = add_proof(
        credential, key, EDDSA_RDFC_2022, ProofOptions(verification_method=key.verification_method)
    )
    report = microcred.check(signed, now=NOW)
    assert report.check("proof").status is Status.PASSED
    issuer = report.check("issuer")
    assert issuer.status is Status.FAILED
    assert issuer.code == IssuerMismatch.code
    assert key.did in issuer.message


# -- bad input: each a failed check naming the field, never a traceback -------------------------


def _json(doc: Any) -> str:
    return json.dumps(doc)


def _mutate(signed: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    doc = copy.deepcopy(signed)
    change(doc)
    return doc


BAD: list[tuple[str, Callable[[dict[str, Any]], Any], str, str, str]] = [
    # (id, make input from the signed badge, failing check, code, pointer)
    ("malformed-json", lambda s: _json(s)[:-5], "parse", "MALFORMED_CREDENTIAL", ""),
    ("not-an-object", lambda s: "[1, 2]", "parse", "MALFORMED_CREDENTIAL", ""),
    ("json-null", lambda s: "null", "parse", "MALFORMED_CREDENTIAL", ""),
    (
        "duplicate-key",
        lambda s: _json(s)[:-1] + ', "name": "Other"}',
        "parse",
        "MALFORMED_CREDENTIAL",
        "",
    ),
    (
        "duplicate-member-in-proof",  # only JSON text can say it twice: a dict keeps one
        lambda s: _json(s).replace('"proofValue": ', '"proofValue": "z1111", "proofValue": ', 1),
        "parse",
        "MALFORMED_CREDENTIAL",
        "",
    ),
    ("not-utf8", lambda s: b"\xff\xfe{}", "parse", "MALFORMED_CREDENTIAL", ""),
    (
        "no-proof",
        lambda s: _mutate(s, lambda d: d.pop("proof")),
        "proof",
        "MALFORMED_PROOF_ERROR",
        "/proof",
    ),
    (
        "proof-not-object",
        lambda s: _mutate(s, lambda d: d.update(proof="abc")),
        "proof",
        "MALFORMED_PROOF_ERROR",
        "/proof",
    ),
    (
        "no-proof-value",
        lambda s: _mutate(s, lambda d: d["proof"].pop("proofValue")),
        "proof",
        "MALFORMED_PROOF_ERROR",
        "/proof/proofValue",
    ),
    (
        "no-verification-method",
        lambda s: _mutate(s, lambda d: d["proof"].pop("verificationMethod")),
        "proof",
        "MALFORMED_PROOF_ERROR",
        "/proof/verificationMethod",
    ),
    (
        "wrong-purpose",
        lambda s: _mutate(s, lambda d: d["proof"].update(proofPurpose="authentication")),
        "proof",
        "MISMATCHED_PROOF_PURPOSE_ERROR",
        "/proof/proofPurpose",
    ),
    (
        "unknown-suite",
        lambda s: _mutate(s, lambda d: d["proof"].update(cryptosuite="eddsa-2099")),
        "proof",
        "UNSUPPORTED_CRYPTOSUITE",
        "/proof",
    ),
    (
        "truncated-proof-value",
        lambda s: _mutate(s, lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:40])),
        "proof",
        "MALFORMED_PROOF_ERROR",
        "/proof/proofValue",
    ),
    (
        "non-base58-proof-value",
        lambda s: _mutate(
            s, lambda d: d["proof"].update(proofValue="z0OIl" + d["proof"]["proofValue"][5:])
        ),
        "proof",
        "MALFORMED_PROOF_ERROR",
        "/proof/proofValue",
    ),
    (
        "other-multibase-prefix",
        lambda s: _mutate(
            s, lambda d: d["proof"].update(proofValue="u" + d["proof"]["proofValue"][1:])
        ),
        "proof",
        "MALFORMED_PROOF_ERROR",
        "/proof/proofValue",
    ),
    (
        "created-in-future",
        lambda s: _mutate(s, lambda d: d["proof"].update(created="2099-01-01T00:00:00Z")),
        "proof",
        "PROOF_VERIFICATION_ERROR",
        "/proof/created",
    ),
    (
        "bad-created",
        lambda s: _mutate(s, lambda d: d["proof"].update(created="yesterday")),
        "proof",
        "MALFORMED_CREDENTIAL",
        "/proof/created",
    ),
    (
        "unknown-context",
        lambda s: _mutate(s, lambda d: d["@context"].append("https://evil.example/context.json")),
        "proof",
        "UNKNOWN_CONTEXT",
        "/@context",
    ),
    (
        "undefined-term",
        lambda s: _mutate(s, lambda d: d["credentialSubject"].update(extra=1)),
        "proof",
        "DATA_LOSS_DETECTION_ERROR",
        "/credentialSubject/extra",
    ),
    (
        "undefined-type",
        lambda s: _mutate(s, lambda d: d["type"].append("MadeUpType")),
        "proof",
        "DATA_LOSS_DETECTION_ERROR",
        "/type/2",
    ),
    (
        "relative-type",
        lambda s: _mutate(
            s, lambda d: d["credentialSubject"].update(type=["AchievementSubject", "./relative"])
        ),
        "proof",
        "DATA_LOSS_DETECTION_ERROR",
        "/credentialSubject/type/1",
    ),
    (
        "wrong-key-type",
        lambda s: _mutate(
            s,
            lambda d: d["proof"].update(
                verificationMethod="did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"
                "#zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169"
            ),
        ),
        "proof",
        "INVALID_VERIFICATION_METHOD",
        "/proof/verificationMethod",
    ),
    (
        "fragment-not-the-key",
        lambda s: _mutate(
            s,
            lambda d: d["proof"].update(
                verificationMethod=d["proof"]["verificationMethod"].split("#")[0] + "#other"
            ),
        ),
        "proof",
        "INVALID_VERIFICATION_METHOD",
        "/proof/verificationMethod",
    ),
    (
        "bad-valid-from",
        lambda s: _mutate(s, lambda d: d.update(validFrom="01/02/2026")),
        "validity",
        "MALFORMED_CREDENTIAL",
        "/validFrom",
    ),
]


def _duplicated_members(text: str) -> list[tuple[str, Any]]:
    """(member, the "verificationMethod" of its object) for every member an object repeats."""
    found: list[tuple[str, Any]] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        names = [name for name, _ in pairs]
        found.extend(
            (n, dict(pairs).get("verificationMethod")) for n in names if names.count(n) > 1
        )
        return dict(pairs)

    json.loads(text, object_pairs_hook=hook)
    return sorted(set(found))


# Cases whose message must name the offending member (beyond being non-empty).
NAMED_IN_MESSAGE = {"duplicate-key": "'name'", "duplicate-member-in-proof": "'proofValue'"}


@pytest.mark.parametrize(("case", "make", "check", "code", "pointer"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_clear_verdict(
    signed: dict[str, Any],
    case: str,
    make: Callable[[dict[str, Any]], Any],
    check: str,
    code: str,
    pointer: str,
) -> None:
    data = make(signed)
    if case == "duplicate-member-in-proof":  # the input says proofValue twice inside the proof
        assert _duplicated_members(data) == [("proofValue", signed["proof"]["verificationMethod"])]
    report = microcred.check(data, now=NOW)
    assert not report.verified
    failing = report.check(check)
    assert failing.status is Status.FAILED, report.to_dict()
    assert failing.code == code, failing
    assert failing.pointer == pointer, failing
    assert failing.message
    assert NAMED_IN_MESSAGE.get(case, "") in failing.message, failing
    json.dumps(report.to_dict())  # the report is always plain JSON


def test_unfetchable_status_list_is_indeterminate(key: Ed25519Key) -> None:
    credential = badge(key.did)
    credential["credentialStatus"] = {
        "id": "https://example.edu/status/1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://example.edu/status/1",
    }
    report = microcred.check(
        microcred.issue(credential, key, created=CREATED), now=NOW, offline=True
    )
    assert report.check("status").status is Status.INDETERMINATE
    assert "offline" in report.check("status").message
    assert not report.verified


def test_one_edtech_vector_needs_its_issuers_published_key() -> None:
    """The key in the method URL's fragment is never used: without the document, indeterminate."""
    signed = load_json(ONE_EDTECH / "obv3p0" / "credential-signed.json")
    report = microcred.check(signed, now=NOW, offline=True)
    assert report.check("proof").status is Status.INDETERMINATE
    assert "example.edu/issuers/565049" in report.check("proof").message
    assert not report.verified
    # A forged controller document listing the key only under authentication does not bind.
    vm = signed["proof"]["verificationMethod"]
    pair = load_json(ONE_EDTECH / "obv3p0" / "key-pair.json")
    controller = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": "https://example.edu/issuers/565049",
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": pair["controller"],
                "publicKeyMultibase": pair["publicKeyMultibase"],
            }
        ],
        "authentication": [vm],
    }
    report = microcred.check(signed, now=NOW, offline=True, pins={controller["id"]: controller})
    assert report.check("proof").status is Status.PASSED
    assert report.check("issuer").code == "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD"
    controller["assertionMethod"] = [vm]
    pins = {controller["id"]: controller}
    assert microcred.check(signed, now=NOW, offline=True, pins=pins).verified


def test_expired_proof(key: Ed25519Key) -> None:
    signed = microcred.issue(badge(key.did), key, created=CREATED, expires=NOW - timedelta(days=1))
    report = microcred.check(signed, now=NOW)
    assert report.check("proof").pointer == "/proof/expires"


def test_documents_fetched_per_verification_are_bounded() -> None:
    signed = load_json(ONE_EDTECH / "obv3p0" / "credential-signed.json")
    pins = url_map_pins()
    ok = microcred.check(signed, now=NOW, offline=True, pins=pins, max_fetches=1)
    assert ok.check("proof").status is Status.PASSED
    report = microcred.check(signed, now=NOW, offline=True, pins=pins, max_fetches=0)
    assert report.check("proof").status is Status.INDETERMINATE
    assert report.check("proof").code == "FETCH_LIMIT"


def test_schema_warnings_are_opt_in(key: Ed25519Key) -> None:
    credential = badge(key.did)
    del credential["credentialSubject"]["id"]  # OB wants an id or an identifier: a warning
    signed = microcred.issue(credential, key, created="2026-01-01T00:00:00Z")
    quiet = microcred.check(signed, now=NOW)
    assert quiet.verified
    assert quiet.warnings == ()
    loud = microcred.check(signed, now=NOW, schema_warnings=True)
    assert loud.verified  # informative only
    assert any(w.pointer.startswith("/credentialSubject") for w in loud.warnings)


def test_issue_refuses_a_did_key_method_of_another_key(key: Ed25519Key) -> None:
    other = Ed25519Key.generate()
    with pytest.raises(SigningError, match="names another key"):
        microcred.issue(badge(other.did), key, verification_method=other.verification_method)


def test_http_policies_pickle_for_worker_processes() -> None:
    import pickle

    policy = microcred.HTTPPolicy(connect_to={("issuer.example", 443): ("127.0.0.1", 8443)})
    assert pickle.loads(pickle.dumps(policy)) == policy


def test_jwt_algorithms_can_be_restricted(key: Ed25519Key) -> None:
    token = microcred.issue_jwt(badge(key.did), key)
    report = microcred.check(token, now=NOW, offline=True, jwt_algorithms={"RS256"})
    assert report.check("proof").status is Status.FAILED
    assert report.check("proof").code == "UNSUPPORTED_CRYPTOSUITE"


def test_a_vc_1_1_credential_is_told_which_context_its_proof_needs() -> None:
    """The VC 1.1 context does not define the Data Integrity proof's terms; VC 2.0's does."""
    key = Ed25519Key.generate()
    document = ob_badge(key.did)
    document["@context"][0] = "https://www.w3.org/2018/credentials/v1"
    document["issuanceDate"] = document.pop("validFrom")
    with pytest.raises(
        microcred.UndefinedTerm,
        match=r"needs https://w3id\.org/security/data-integrity/v2 in @context",
    ):
        microcred.issue(document, key)
    document["@context"].append("https://w3id.org/security/data-integrity/v2")
    assert microcred.Verifier(offline=True).check(microcred.issue(document, key)).verified


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ("not a credential", "unknown"),
        (b"\xff\xfe", "unknown"),
        (42, "unknown"),
        ("", "unknown"),
        ('  {"@context": ', "json"),
        (b"[1, 2]", "json"),
        ([1, 2], "json"),
        ("eyJhbGciOiJFZERTQSJ9.e30", "jwt"),  # a truncated token
        (bytearray(b"eyJ.not base64.x"), "jwt"),
    ],
)
def test_an_unreadable_input_is_reported_as_what_it_looks_like(data: Any, shown: str) -> None:
    report = microcred.check(data)
    assert report.check("parse").status is Status.FAILED
    assert report.format == shown


@pytest.mark.parametrize("data", ["", b"", " \n", b"\xef\xbb\xbf "])
def test_empty_input_is_called_empty(data: str | bytes) -> None:
    assert microcred.check(data).check("parse").message == "the input is empty"


def test_a_json_syntax_error_says_where_once() -> None:
    message = microcred.check('{"name": "a\x01"}').check("parse").message
    assert message == "not valid JSON: Invalid control character at line 1 column 12"


@pytest.mark.parametrize("field", ["validFrom", "validUntil"])
@pytest.mark.parametrize("value", ["garbage", None, "2026-01-01", 20260101])
def test_issue_refuses_a_date_no_verifier_can_read(field: str, value: Any) -> None:
    key = Ed25519Key.generate()
    badge = {**ob_badge(key.did), field: value}
    with pytest.raises(MalformedCredential, match="is not a date-time") as info:
        microcred.issue(badge, key)
    assert info.value.pointer == f"/{field}"


def test_a_credential_too_costly_to_canonicalise_is_refused_with_advice_for_the_issuer() -> None:
    key, other = Ed25519Key.generate(), Ed25519Key.generate()
    endorsement = microcred.issue(
        {
            "@context": [*ob_badge(other.did)["@context"]],
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "issuer": {"id": other.did, "type": ["Profile"], "name": "Endorser"},
            "validFrom": "2026-01-01T00:00:00Z",
            "name": "Endorsement",
            "credentialSubject": {"id": "https://example.edu/a/1", "type": ["EndorsementSubject"]},
        },
        other,
    )
    badge = ob_badge(key.did)
    badge["credentialSubject"]["achievement"]["endorsement"] = [endorsement] * 200
    with pytest.raises(microcred.ResourceLimitExceeded) as info:
        microcred.issue(badge, key)
    assert "verifiers with the default limits would refuse this credential" in info.value.message
    assert "CanonLimits" not in info.value.message
