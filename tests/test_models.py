"""Models: every example and vector loads into the right class and dumps back exactly; building
fills in the defaults; malformed input gives a JSON Pointer and a plain sentence."""

from __future__ import annotations

import base64
import copy
import fnmatch
import json
import re
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microcred
from microcred import _canon
from microcred._schema import validate_schema
from microcred.errors import MalformedCredential
from microcred.models import (
    OB_CONTEXT,
    VC_V1,
    VC_V2,
    Achievement,
    AchievementCredential,
    AchievementSubject,
    AchievementType,
    Alignment,
    AlignmentTargetType,
    ClrCredential,
    CredentialSubject,
    Criteria,
    EndorsementCredential,
    EndorsementSubject,
    Evidence,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Proof,
    Result,
    ResultDescription,
    ResultStatusType,
    ResultType,
    RubricCriterionLevel,
    VerifiableCredential,
    VerifiablePresentation,
    as_list,
    check_semantics,
    load_credential,
    load_presentation,
    new_badge,
)

VECTORS = Path(__file__).parent / "vectors"

# First matching pattern wins: the class each vector file must load into.
EXPECTED = (
    ("spec-examples/ob-spec-source/api-putprofile-response-profile.json", "Profile"),
    ("spec-examples/*/endorsementcredential*", "EndorsementCredential"),
    ("spec-examples/ob-spec-*", "OpenBadgeCredential"),
    ("1edtech-impl-guide/clrv2p0/credential-*.json", "ClrCredential"),
    ("1edtech-impl-guide/obv3p0/credential-*.json", "OpenBadgeCredential"),
    ("1edtech-impl-guide/*/proof-options.json", "Proof"),
    ("w3c-vc-di-eddsa/*/proof*Config*.json", "Proof"),
    ("w3c-vc-di-eddsa/*", "VerifiableCredential"),
)
# Key material and hashes: data for the crypto tests, not documents of the data model.
NOT_DOCUMENTS = {
    "1edtech-impl-guide/clrv2p0/hashes.json",
    "1edtech-impl-guide/clrv2p0/key-pair.json",
    "1edtech-impl-guide/obv3p0/hashes.json",
    "1edtech-impl-guide/obv3p0/key-pair.json",
    "w3c-vc-di-eddsa/keyPair.json",
    "w3c-vc-di-eddsa/proof-set-chain/multiKeyPairs.json",
}


def _example(name: str) -> dict[str, Any]:
    """One of the spec's unsigned examples, by file name."""
    data: dict[str, Any] = json.loads((VECTORS / "spec-examples/ob-spec-source" / name).read_text())
    return data


def _vector_files() -> list[str]:
    spec = VECTORS / "spec-examples"
    files = [
        *spec.glob("ob-spec-source/*.json"),
        *spec.glob("ob-spec-rendered-*/*.json"),
        *spec.glob("ob-spec-rendered-*/*.jwt"),
        *(VECTORS / "1edtech-impl-guide").rglob("*.json"),
        *(VECTORS / "w3c-vc-di-eddsa").rglob("*.json"),
    ]
    return sorted(str(f.relative_to(VECTORS)) for f in files)


def jwt_payload(token: str) -> dict[str, Any]:
    """The payload of a compact JWS, decoded without verifying (tests only)."""
    segment = token.strip().split(".")[1]
    data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    return data


def _expected_class(name: str) -> str:
    return next(cls for pattern, cls in EXPECTED if fnmatch.fnmatch(name, pattern))


DOCUMENTS = [f for f in _vector_files() if f not in NOT_DOCUMENTS]


def test_every_vector_file_is_classified() -> None:
    assert set(_vector_files()) >= NOT_DOCUMENTS
    assert len([f for f in DOCUMENTS if f.startswith("spec-examples/ob-spec-source/")]) == 13
    for name in DOCUMENTS:
        assert _expected_class(name)


def _load(name: str) -> tuple[Any, dict[str, Any]]:
    """(model, the JSON it was read from)."""
    path = VECTORS / name
    if name.endswith(".jwt"):
        token = path.read_text()
        return load_credential(token), jwt_payload(token)
    original = json.loads(path.read_text())
    expected = _expected_class(name)
    if expected == "Profile":
        return Profile.from_dict(original), original
    if expected == "Proof":
        return Proof.from_json(path.read_bytes()), original
    return load_credential(path.read_bytes()), original


@pytest.mark.parametrize("name", DOCUMENTS)
def test_vector_loads_into_the_right_class_and_round_trips(name: str) -> None:
    model, original = _load(name)
    assert type(model).__name__ == _expected_class(name)
    assert model.to_dict() == original
    assert json.dumps(model.to_dict()) == json.dumps(original)  # key order and 42.0 vs 42
    # The field-by-field dump (used once a model is modified) is exact on its own too.
    dumped = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert json.dumps(dumped) == json.dumps(original)


def test_loading_copies_the_input_and_to_dict_returns_copies() -> None:
    original = _example("basic-openbadgecredential.json")
    snapshot = copy.deepcopy(original)
    cred = load_credential(original)
    original["name"] = "changed by the caller"
    cred.to_dict()["name"] = "changed in a copy"
    assert cred.to_dict() == snapshot
    assert isinstance(cred, OpenBadgeCredential)
    assert AchievementCredential is OpenBadgeCredential


def test_loaded_models_are_typed_views() -> None:
    cred = load_credential(json.dumps(_example("complete-openbadgecredential.json")))
    assert isinstance(cred, OpenBadgeCredential)
    assert cred.issuer_id == "https://1edtech.edu/issuers/565049"
    assert cred.achievement.achievement_type == AchievementType.DEGREE
    assert cred.credential_subject.credits_earned == 42.0
    assert [a.target_type for a in cred.achievement.alignment or []] == ["CFItem", "CTDL"]
    endorsement = (cred.endorsement or [])[0]
    assert isinstance(endorsement, EndorsementCredential)
    assert isinstance(endorsement.credential_subject, EndorsementSubject)
    assert cred.validity() == (datetime(2010, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
    assert cred.types == ["VerifiableCredential", "OpenBadgeCredential"]


def test_clr_embeds_the_specific_credential_classes() -> None:
    clr = load_credential(
        (VECTORS / "1edtech-impl-guide/clrv2p0/credential-signed.json").read_text()
    )
    assert isinstance(clr, ClrCredential)
    inner = clr.credential_subject.verifiable_credential[0]
    assert isinstance(inner, OpenBadgeCredential)
    assert inner.credential_subject.types == ["AchievementSubject"]
    assert clr.credential_subject.association is not None
    assert clr.credential_subject.association[0].association_type == "isParentOf"


def test_presentations_load_their_credentials_by_type() -> None:
    badge = _example("basic-openbadgecredential.json")
    alumni = json.loads((VECTORS / "w3c-vc-di-eddsa/unsigned.json").read_text())
    vp = {
        "@context": [VC_V2],
        "type": ["VerifiablePresentation"],
        "holder": "did:example:1",
        "verifiableCredential": [badge, alumni, "eyJhbGciOi.e30.sig"],
    }
    presentation = load_presentation(json.dumps(vp))
    assert isinstance(presentation, VerifiablePresentation)
    items = as_list(presentation.verifiable_credential)
    assert [type(item).__name__ for item in items] == [
        "OpenBadgeCredential",
        "VerifiableCredential",
        "str",
    ]
    assert presentation.to_dict() == vp


# -- building ---------------------------------------------------------------------------------

NOW = datetime(2024, 5, 1, 12, 30, 45, 987654, tzinfo=UTC)


def _achievement(**extra: Any) -> Achievement:
    return Achievement(
        id="https://example.edu/achievements/teamwork",
        name="Teamwork",
        description="Collaborates well.",
        criteria=Criteria(narrative="Peer review."),
        **extra,
    )


def test_new_badge_fills_in_the_defaults() -> None:
    issuer = Profile(id="https://example.edu/issuers/1", name="Example University")
    badge = new_badge(
        issuer=issuer, achievement=_achievement(), recipient="did:example:learner", now=NOW
    )
    data = badge.to_dict()
    assert data["@context"] == [VC_V2, OB_CONTEXT]
    assert data["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", data["id"])
    assert data["validFrom"] == "2024-05-01T12:30:45Z"
    assert data["name"] == "Teamwork"
    assert data["issuer"] == {
        "id": "https://example.edu/issuers/1",
        "type": ["Profile"],
        "name": "Example University",
    }
    assert data["credentialSubject"]["type"] == ["AchievementSubject"]
    assert data["credentialSubject"]["achievement"]["type"] == ["Achievement"]
    assert list(data)[:3] == ["@context", "id", "type"]
    assert validate_schema(data) == []
    assert check_semantics(data) == []
    _canon.expand(data)  # safe mode: every term is defined by the two contexts
    assert load_credential(data).to_dict() == data


def test_valid_from_defaults_to_now_in_utc_seconds() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    badge = OpenBadgeCredential(
        issuer="https://example.edu/issuers/1",
        credential_subject=AchievementSubject(id="did:example:1", achievement=_achievement()),
    )
    stamp = badge.to_dict()["validFrom"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert before <= moment <= datetime.now(UTC) + timedelta(seconds=1)
    assert badge.id.startswith("urn:uuid:")


def test_build_takes_every_option() -> None:
    subject = AchievementSubject(
        identifier=[IdentityObject.hashed_identity("ann@example.org", salt="pepper")],
        achievement=_achievement(),
    )
    badge = OpenBadgeCredential.build(
        issuer="https://example.edu/issuers/1",
        subject=subject,
        name="Custom",
        description="D",
        image=Image(id="https://example.edu/badge.png"),
        id="https://example.edu/credentials/1",
        valid_from="2024-01-01T00:00:00Z",
        valid_until=NOW,
        evidence=[Evidence(id="https://example.edu/evidence/1", name="Report")],
    )
    data = badge.to_dict()
    assert data["id"] == "https://example.edu/credentials/1"
    assert data["validFrom"] == "2024-01-01T00:00:00Z"
    assert data["validUntil"] == "2024-05-01T12:30:45Z"
    assert data["image"] == {"id": "https://example.edu/badge.png", "type": "Image"}
    assert data["evidence"] == [
        {"id": "https://example.edu/evidence/1", "type": ["Evidence"], "name": "Report"}
    ]
    identity = subject.identifier[0] if subject.identifier else None
    assert identity is not None
    assert identity.matches("ann@example.org")
    assert not identity.matches("bob@example.org")
    assert validate_schema(data) == []
    assert check_semantics(data) == []
    _canon.expand(data)


def test_vcdm_1_1_building_writes_no_valid_from() -> None:
    cred = VerifiableCredential(
        context=[VC_V1],
        issuer="https://example.edu/issuers/1",
        issuance_date="2020-01-01T00:00:00Z",
        credential_subject=CredentialSubject(id="did:example:1"),
    )
    assert cred.to_dict() == {
        "@context": [VC_V1],
        "type": ["VerifiableCredential"],
        "issuer": "https://example.edu/issuers/1",
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:1"},
    }
    assert cred.is_v1


# -- single values and arrays -----------------------------------------------------------------


def _alumni() -> dict[str, Any]:
    path = VECTORS / "w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@pytest.mark.parametrize(
    ("key", "single", "array"),
    [
        ("type", "VerifiableCredential", ["VerifiableCredential"]),
        ("@context", VC_V2, [VC_V2]),
        ("credentialSubject", {"id": "did:example:1"}, [{"id": "did:example:1"}]),
        ("proof", {"type": "DataIntegrityProof"}, [{"type": "DataIntegrityProof"}]),
        ("evidence", {"type": "Evidence"}, [{"type": "Evidence"}]),
        (
            "credentialStatus",
            {"id": "https://e.example/s#1", "type": "X"},
            [{"id": "https://e.example/s#1", "type": "X"}],
        ),
        (
            "credentialSchema",
            {"id": "https://e.example/s", "type": "X"},
            [{"id": "https://e.example/s", "type": "X"}],
        ),
        ("termsOfUse", {"type": "X"}, [{"type": "X"}]),
        ("refreshService", {"type": "X"}, [{"type": "X"}]),
    ],
)
def test_single_or_array_keeps_its_form_after_a_change(key: str, single: Any, array: Any) -> None:
    for form in (single, array):
        data = {**_alumni(), key: form}
        cred = load_credential(data)
        cred.name = "Changed"  # forces the field-by-field dump
        out = cred.to_dict()
        assert out[key] == form
        assert list(out) == list(data)
        assert len(as_list(getattr(cred, "context" if key == "@context" else _snake(key)))) == 1


def _snake(key: str) -> str:
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), key)


def test_modified_model_keeps_unknown_properties_numbers_and_order() -> None:
    original = _example("complete-openbadgecredential.json")
    original["credentialSubject"]["ext:custom"] = {"nested": [1, 2.0, None, True]}
    cred = load_credential(original)
    assert isinstance(cred, OpenBadgeCredential)
    cred.credential_subject.achievement.name = "Renamed"
    out = cred.to_dict()
    assert out["credentialSubject"]["achievement"]["name"] == "Renamed"
    out["credentialSubject"]["achievement"]["name"] = original["credentialSubject"]["achievement"][
        "name"
    ]
    assert json.dumps(out) == json.dumps(original)


def test_equality_is_json_equality() -> None:
    data = _alumni()
    assert load_credential(data) == load_credential(copy.deepcopy(data))
    other = load_credential({**data, "name": "Other"})
    assert load_credential(data) != other


# -- malformed input --------------------------------------------------------------------------


def _basic() -> dict[str, Any]:
    return _example("basic-openbadgecredential.json")


def _without(path: str) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node = data
        for part in parents:
            node = node[part]
        del node[last]

    return change


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node = data
        for part in parents:
            node = node[part]
        node[last] = value

    return change


S = "credentialSubject"
A = "credentialSubject/achievement"
NEGATIVE = [
    (
        _without(f"{A}/criteria"),
        "/credentialSubject/achievement/criteria",
        "/credentialSubject/achievement/criteria is required: add criteria.narrative or criteria.id",
    ),
    (
        _without("issuer"),
        "/issuer",
        "/issuer is required: add the issuer's URI or a Profile with its id",
    ),
    (
        _without(f"{A}/name"),
        "/credentialSubject/achievement/name",
        "/credentialSubject/achievement/name is required: add a name for display",
    ),
    (
        _without("validFrom"),
        "/validFrom",
        "/validFrom is required: add the date-time from which "
        "it is valid, e.g. 2024-01-31T12:00:00Z",
    ),
    (
        _without(f"{S}/type"),
        "/credentialSubject/type",
        "/credentialSubject/type is required: add its type array",
    ),
    (_set("issuer", 42), "/issuer", "/issuer must be a string or an object, not a number"),
    (_set("name", ["Teamwork"]), "/name", "/name must be a string, not an array"),
    (
        _set(f"{A}/criteria", "peer review"),
        "/credentialSubject/achievement/criteria",
        "/credentialSubject/achievement/criteria must be an object, not a string",
    ),
    (
        _set("type", ["VerifiableCredential", "AlumniCredential", "OpenBadgeCredential"]),
        None,
        None,
    ),  # still valid: extra types are fine
    (_set("type", ["OpenBadgeCredential"]), "/type", "/type must include 'VerifiableCredential'"),
    (
        _set(f"{A}/type", ["Badge"]),
        "/credentialSubject/achievement/type",
        "/credentialSubject/achievement/type must include 'Achievement'",
    ),
    (
        _set("@context", [OB_CONTEXT]),
        "/@context",
        "/@context must start with "
        "https://www.w3.org/ns/credentials/v2 (VCDM 2.0) or https://www.w3.org/2018/credentials/v1 "
        "(VCDM 1.1)",
    ),
    (
        _set("validFrom", "2010-01-01"),
        "/validFrom",
        "/validFrom must be an RFC 3339 date-time "
        "with a time zone, e.g. 2024-01-31T12:00:00Z, got '2010-01-01'",
    ),
    (
        _set("validUntil", "2030-01-01T00:00:00"),
        "/validUntil",
        "/validUntil must be an RFC 3339 "
        "date-time with a time zone, e.g. 2024-01-31T12:00:00Z, got '2030-01-01T00:00:00'",
    ),
    (
        _set("validFrom", "2010-02-30T00:00:00Z"),
        "/validFrom",
        "/validFrom must be an RFC 3339 "
        "date-time with a time zone, e.g. 2024-01-31T12:00:00Z, got '2010-02-30T00:00:00Z'",
    ),
    (
        _set("id", "credential 3527"),
        "/id",
        "/id must be an absolute URI with a scheme "
        "(e.g. https://... or urn:uuid:...), got 'credential 3527'",
    ),
    (
        _set(f"{A}/id", "/achievements/1"),
        "/credentialSubject/achievement/id",
        "/credentialSubject/achievement/id must be an absolute URI with a scheme "
        "(e.g. https://... or urn:uuid:...), got '/achievements/1'",
    ),
    (
        _set(f"{A}/image", {"id": "logo.png", "type": "Image"}),
        "/credentialSubject/achievement/image/id",
        "/credentialSubject/achievement/image/id must be "
        "an absolute URI with a scheme (e.g. https://... or urn:uuid:...), got 'logo.png'",
    ),
    (
        _without(f"{S}/id"),
        "/credentialSubject",
        "/credentialSubject needs an id or an identifier: "
        "add the recipient's id (e.g. a DID) or an IdentityObject in identifier",
    ),
    (
        _set(f"{A}/achievementType", "Trophy"),
        "/credentialSubject/achievement/achievementType",
        None,
    ),
    (
        _set(f"{S}/result", [{"type": ["Result"], "status": "Done"}]),
        "/credentialSubject/result/0/status",
        None,
    ),
    (
        _set(f"{S}/creditsEarned", "3"),
        "/credentialSubject/creditsEarned",
        "/credentialSubject/creditsEarned must be a number, not a string",
    ),
    (_set("proof", "z3FXQ"), "/proof", "/proof must be an object or an array, not a string"),
    (
        _set("proof", [{"type": 7}]),
        "/proof/0/type",
        "/proof/0/type must be a string or an array, not a number",
    ),
]


@pytest.mark.parametrize(("change", "pointer", "message"), NEGATIVE)
def test_malformed_credentials_name_the_field(
    change: Any, pointer: str | None, message: str | None
) -> None:
    data = _basic()
    change(data)
    if pointer is None:
        load_credential(data)
        return
    with pytest.raises(MalformedCredential) as caught:
        load_credential(data)
    assert caught.value.pointer == pointer
    if message is not None:
        assert caught.value.message == message
    else:
        assert caught.value.message.startswith(f"{pointer} must be one of the ")


def test_vocabularies_accept_extensions_only_where_the_spec_does() -> None:
    data = _basic()
    data[S]["achievement"]["achievementType"] = "ext:MicroBadge"
    assert load_credential(data).to_dict() == data
    data[S]["result"] = [{"type": ["Result"], "status": "ext:Paused"}]
    with pytest.raises(MalformedCredential, match="ResultStatusType values"):
        load_credential(data)
    assert (
        Alignment(
            target_name="x", target_url="https://x.example", target_type=AlignmentTargetType.CTDL
        ).target_type
        == "CTDL"
    )
    assert Result(status=ResultStatusType.COMPLETED).to_dict() == {
        "type": ["Result"],
        "status": "Completed",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"@context": ', "not valid JSON"),
        ("[]", "a credential is a JSON object, not an array"),
        ('{"a": 1, "a": 2}', "duplicate JSON key 'a'"),
        (b"\xff\xfe", "not UTF-8 text"),
    ],
)
def test_unparseable_input_is_malformed(text: str | bytes, message: str) -> None:
    with pytest.raises(MalformedCredential, match=re.escape(message)):
        load_credential(text)


def test_building_errors_are_malformed_credential_with_json_names() -> None:
    with pytest.raises(MalformedCredential) as caught:
        Alignment(target_name="Teamwork", target_url="teamwork")
    assert caught.value.pointer == "/targetUrl"
    with pytest.raises(MalformedCredential) as caught:
        Achievement(id="https://example.edu/a", name="A", description="D")  # type: ignore[call-arg]
    assert caught.value.message == "/criteria is required: add criteria.narrative or criteria.id"
    subject = AchievementSubject(id="did:example:1", achievement=_achievement())
    with pytest.raises(MalformedCredential) as caught:
        subject.id = None
    assert caught.value.message.startswith("the AchievementSubject needs an id or an identifier")
    badge = new_badge(
        issuer="https://example.edu/issuers/1",
        achievement=_achievement(),
        recipient="did:example:1",
    )
    with pytest.raises(MalformedCredential) as caught:
        badge.valid_until = "tomorrow"
    assert caught.value.pointer == "/validUntil"


# -- property: random valid badges built from the models --------------------------------------

_SAFE_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12
)
_SLUG = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8)
_URL = _SLUG.map(lambda s: f"https://example.org/{s}")
_URN = st.uuids().map(lambda u: f"urn:uuid:{u}")
_MOMENT = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
)


@st.composite
def _badges(draw: st.DrawFn) -> OpenBadgeCredential:
    level = st.builds(
        lambda i, n, p: RubricCriterionLevel(id=i, name=n, points=p),
        _URN,
        _SAFE_TEXT,
        st.none() | _SLUG,
    )
    levels = draw(st.lists(level, max_size=2, unique_by=lambda lv: lv.id))
    rd = ResultDescription(
        id=draw(_URN),
        name=draw(_SAFE_TEXT),
        result_type=draw(st.sampled_from(list(ResultType))),
        rubric_criterion_level=levels or None,
    )
    achievement = Achievement(
        id=draw(_URL),
        name=draw(_SAFE_TEXT),
        description=draw(_SAFE_TEXT),
        criteria=draw(
            _SAFE_TEXT.map(lambda n: Criteria(narrative=n)) | _URL.map(lambda u: Criteria(id=u))
        ),
        achievement_type=draw(st.sampled_from(list(AchievementType)) | _SLUG.map("ext:{}".format)),
        alignment=draw(
            st.lists(
                st.builds(lambda n, u: Alignment(target_name=n, target_url=u), _SAFE_TEXT, _URL),
                max_size=2,
            )
        )
        or None,
        result_description=[rd],
        credits_available=draw(st.none() | st.integers(0, 300) | st.floats(0, 300)),
    )
    result = Result(
        result_description=rd.id,
        value=draw(_SAFE_TEXT),
        achieved_level=levels[0].id if levels else None,
    )
    recipient = draw(st.none() | _SLUG.map("did:example:{}".format))
    identity = (
        [] if recipient else [IdentityObject.hashed_identity(draw(_SAFE_TEXT), salt=draw(_SLUG))]
    )
    start = draw(_MOMENT)
    return new_badge(
        issuer=draw(_URL.map(lambda u: Profile(id=u, name="Issuer")) | _URL),
        achievement=achievement,
        recipient=recipient,
        identifier=identity,
        result=[result],
        evidence=draw(
            st.lists(st.builds(lambda u, n: Evidence(id=u, name=n), _URL, _SAFE_TEXT), max_size=2)
        ),
        name=draw(st.none() | _SAFE_TEXT),
        valid_from=start,
        valid_until=draw(st.none() | st.just(start + timedelta(days=365))),
    )


@settings(
    max_examples=50, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_badges())
def test_random_badges_round_trip_and_conform(badge: OpenBadgeCredential) -> None:
    data = badge.to_dict()
    loaded = load_credential(json.dumps(data))
    assert json.dumps(loaded.to_dict()) == json.dumps(data)
    assert loaded == badge
    assert [f for f in validate_schema(data) if f.severity != "warning"] == []
    assert check_semantics(data) == []
    _canon.expand(data)

    # ... and what the models build, microcred signs and verifies (issuer = the key's DID).
    issuer = data["issuer"]
    data["issuer"] = {**issuer, "id": _KEY.did} if isinstance(issuer, dict) else _KEY.did
    signed = microcred.issue(data, _KEY, created=data["validFrom"])
    valid_from, _ = loaded.validity()
    assert valid_from is not None
    assert microcred.verify(signed, now=valid_from + timedelta(seconds=1), offline=True).verified


_KEY = microcred.Ed25519Key.from_seed(bytes(range(32)))
