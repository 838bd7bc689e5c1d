"""The public API given what it cannot use answers with a typed error naming it, never a
TypeError, AttributeError, UnicodeEncodeError or RecursionError from deep inside (found by
fuzzing the API)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest

import microcred
from microcred import (
    CanonLimits,
    Ed25519Key,
    InputLimits,
    MalformedCredential,
    MicrocredError,
    ResourceLimitExceeded,
    SigningError,
    Status,
    Verifier,
)
from microcred.baking import image_kind, unbake

from conftest import REPO, ob_badge

KEY = Ed25519Key.from_seed(bytes(range(32)))
CREATED = "2026-01-01T00:00:00Z"


def nested_list(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("options", "error", "text"),
    [
        ({"created": "not a date"}, MalformedCredential, "/proof/created"),
        ({"created": ""}, MalformedCredential, "/proof/created"),
        ({"created": 5}, MalformedCredential, "/proof/created"),
        ({"created": "10000-01-01T00:00:00Z"}, MalformedCredential, "not a valid date-time"),
        ({"created": CREATED, "expires": "soon"}, MalformedCredential, "/proof/expires"),
        ({"created": CREATED, "proof_purpose": 5}, SigningError, "proof_purpose"),
        ({"created": CREATED, "proof_purpose": ""}, SigningError, "proof_purpose"),
        ({"verification_method": 5}, SigningError, "verification_method must be a string"),
    ],
)
def test_issue_refuses_proof_options_a_verifier_would_reject(
    options: dict[str, Any], error: type[MicrocredError], text: str
) -> None:
    with pytest.raises(error) as caught:
        microcred.issue(ob_badge(KEY.did), KEY, **options)
    assert text in str(caught.value)


@pytest.mark.parametrize("kid", ["", 5, [], "\ud800"])
def test_issue_jwt_refuses_a_kid_it_could_not_sign(kid: Any) -> None:
    with pytest.raises(SigningError, match="kid must be a non-empty string"):
        microcred.issue_jwt(ob_badge(KEY.did), KEY, kid=kid)


@pytest.mark.parametrize("sign", [microcred.sign_presentation, microcred.sign_presentation_jwt])
@pytest.mark.parametrize("item", [None, 5, [1]])
def test_a_presented_credential_must_be_an_object(sign: Any, item: Any) -> None:
    signed = microcred.issue(ob_badge(KEY.did), KEY, created=CREATED)
    with pytest.raises(MalformedCredential, match="a presented credential is") as caught:
        sign([signed, item], KEY, challenge="c")
    assert caught.value.pointer == "/verifiableCredential/1"


@pytest.mark.parametrize("check", [microcred.validate_schema, microcred.check_semantics])
def test_schema_and_semantic_checks_refuse_what_is_not_an_object(check: Any) -> None:
    with pytest.raises(MalformedCredential, match="not null"):
        check(None)
    with pytest.raises(MalformedCredential, match="not an array"):
        check([])


@pytest.mark.parametrize("check", [microcred.validate_schema, microcred.check_semantics])
def test_schema_and_semantic_checks_bound_their_recursion(check: Any) -> None:
    document = ob_badge(KEY.did)
    document["credentialSubject"]["achievement"]["tag"] = nested_list(5000)
    with pytest.raises(ResourceLimitExceeded, match="nests too deeply"):
        check(document)


def test_raised_depth_limits_end_in_a_failed_check_not_a_recursion_error() -> None:
    document = ob_badge(KEY.did)
    document["credentialSubject"]["achievement"]["tag"] = nested_list(600)
    document["proof"] = microcred.issue(ob_badge(KEY.did), KEY, created=CREATED)["proof"]
    verifier = Verifier(
        offline=True,
        input_limits=InputLimits(max_depth=610),
        canon_limits=CanonLimits(max_depth=610),
    )
    proof = verifier.check(document).check("proof")
    assert (proof.status, proof.code) == (Status.FAILED, "RESOURCE_LIMIT_EXCEEDED")


@pytest.mark.parametrize("read", [image_kind, unbake])
def test_images_are_bytes(read: Any) -> None:
    with pytest.raises(MalformedCredential, match=r"pass svg.encode\('utf-8'\)"):
        read("<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(MalformedCredential, match="not NoneType"):
        read(None)


def test_json_text_is_str_or_bytes_and_a_byte_order_mark_is_dropped_from_either() -> None:
    from microcred.models import OpenBadgeCredential

    with pytest.raises(MalformedCredential, match="str or bytes, not NoneType"):
        OpenBadgeCredential.from_json(None)  # type: ignore[arg-type]
    signed = json.dumps(microcred.issue(ob_badge(KEY.did), KEY, created=CREATED))
    verifier = Verifier(offline=True)
    assert verifier.check("\ufeff" + signed).verified
    assert verifier.check(b"\xef\xbb\xbf" + signed.encode()).verified


def test_signing_needs_a_key_of_the_right_kind() -> None:
    with pytest.raises(SigningError, match="Ed25519Key, not NoneType"):
        microcred.issue(ob_badge(KEY.did), None)  # type: ignore[arg-type]
    with pytest.raises(SigningError, match="Ed25519Key, not RSAKey"):
        microcred.issue(ob_badge(KEY.did), microcred.RSAKey.generate())  # type: ignore[arg-type]
    with pytest.raises(SigningError, match="issued_at must be a datetime"):
        microcred.issue_jwt(ob_badge(KEY.did), KEY, issued_at=5)  # type: ignore[arg-type]


def test_an_array_of_credentials_is_named_and_the_way_out_given() -> None:
    parse = microcred.Verifier(offline=True).check("[1, 2]").check("parse")
    assert parse.status is microcred.Status.FAILED
    assert parse.message == (
        "a credential is a JSON object, not an array; give one credential at a time (a file "
        "each, or verify_many)"
    )


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"x\n", "the input is neither JSON, a VC-JWT, nor a PNG or SVG badge image: not valid"),
        ("notes: none", "the input is neither JSON, a VC-JWT, nor"),
        (
            "eyJhbGciOiJFZERTQSJ9.eyJ9",
            "a VC-JWT (a VC-JWT has 3 parts separated by '.', this has 2)",
        ),
        (b'\xef\xbb\xbf{"a":', "not valid JSON: Expecting value at line 1 column 6"),  # JSON: as is
    ],
)
def test_what_is_not_even_json_is_told_so(data: str | bytes, said: str) -> None:
    parse = microcred.Verifier(offline=True).check(data).check("parse")
    assert (parse.status, parse.code) == (microcred.Status.FAILED, "MALFORMED_CREDENTIAL")
    assert said in parse.message
    assert parse.message.startswith("the input is neither") != said.startswith("not valid JSON")


@pytest.mark.parametrize(
    ("options", "error", "said"),
    [
        ({"suites": ["eddsa-rdfc-2022"]}, TypeError, "suites must be cryptosuites"),
        ({"http": "x"}, TypeError, "http must be an HTTPPolicy, not str"),
        ({"now": datetime(2026, 1, 1)}, ValueError, "now must be timezone-aware"),
        ({"now": "2026-01-01"}, TypeError, "now must be a datetime or a callable"),
        ({"canon_limits": None}, TypeError, "canon_limits must be a CanonLimits, not NoneType"),
        ({"input_limits": {}}, TypeError, "input_limits must be an InputLimits, not dict"),
        ({"jwt_algorithms": "EdDSA"}, TypeError, "jwt_algorithms is a collection of names"),
        ({"pins": [1]}, TypeError, "pins must be a mapping"),
        ({"pins": {"https://a.example/k": "text"}}, TypeError, "must be a JSON object or None"),
        ({"resolvers": {"did:x:": 5}}, TypeError, "resolvers must map names to key resolver"),
        ({"status_checkers": {"X": 5}}, TypeError, "status_checkers must map names to status"),
        ({"loader": None}, TypeError, "loader must be a document loader"),
        ({"resolver": 5}, TypeError, "resolver must be a key resolver"),
        ({"max_fetches": -1}, ValueError, "max_fetches must be an integer of at least 0"),
        ({"max_proofs": 0}, ValueError, "max_proofs must be an integer of at least 1"),
        ({"max_endorsement_depth": "3"}, ValueError, "max_endorsement_depth must be an integer"),
    ],
)
def test_a_wrong_setting_is_refused_when_the_verifier_is_made(
    options: dict[str, Any], error: type[Exception], said: str
) -> None:
    """Not at the first credential, with an AttributeError from inside."""
    with pytest.raises(error, match=re.escape(said)):
        microcred.Verifier(**options)


@pytest.mark.parametrize("one", [{"type": ["VerifiableCredential"]}, '{"a": 1}', b"{}"])
def test_verify_many_wants_many(one: Any) -> None:
    with pytest.raises(TypeError, match="verify_many takes an iterable of credentials"):
        microcred.Verifier(offline=True).verify_many(one)


def test_issue_jwt_names_a_key_that_is_not_one() -> None:
    with pytest.raises(microcred.SigningError, match="Ed25519Key, RSAKey or ECKey, not str"):
        microcred.issue_jwt({"issuer": KEY.did}, "key")  # type: ignore[arg-type]


def test_bytearray_and_memoryview_are_bytes() -> None:
    data = (REPO / "examples" / "badges" / "python-foundations.json").read_bytes()
    verifier = microcred.Verifier(offline=True)
    for given in (bytearray(data), memoryview(data)):
        assert verifier.check(given).verified  # type: ignore[arg-type]


@pytest.mark.parametrize("option", ["challenge", "domain"])
@pytest.mark.parametrize("value", [5, ["x"], b"x"])
def test_a_challenge_or_domain_that_is_not_a_string_is_the_callers_error(
    option: str, value: Any
) -> None:
    with pytest.raises(TypeError, match=f"{option} must be a string, not"):
        microcred.check({}, **{option: value})
