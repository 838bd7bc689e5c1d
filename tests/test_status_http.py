"""Credential status end to end: signed status lists served by the real local HTTPS server.

The issuer publishes its controller document and its status lists on issuer.example; badges
signed with ``microcred.issue`` point at them, and a ``Verifier`` reaches them over HTTPS. The
team's decisions under test: a list that cannot be fetched or checked is indeterminate (never
"not revoked"); the list credential must itself verify (signature, validity, type); a list run
by another issuer is accepted with a warning.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

import microcred
from microcred import Ed25519Key, Status, VerificationReport, Verifier
from microcred.status import MIN_ENTRIES, StatusList

from conftest import ob_badge
from httpserver import HTTPSServer

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CREATED = "2026-01-01T00:00:00Z"
KEY = Ed25519Key.from_seed(bytes(range(32)))
OTHER = Ed25519Key.from_seed(bytes(range(1, 33)))
ISSUER = "https://issuer.example/issuers/1"
METHOD = f"{ISSUER}#key-1"
LIST_PATH = "/status/1"
LIST_URL = f"https://issuer.example{LIST_PATH}"
INDEX = 94567
OB_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
MESSAGES = ["pending_review", "accepted", "rejected", "undefined"]


def controller_document() -> dict[str, Any]:
    method = KEY.verification_method_document(id="#key-1", controller=ISSUER)
    return {
        "@context": ["https://www.w3.org/ns/cid/v1"],
        "id": ISSUER,
        "verificationMethod": [method],
        "assertionMethod": ["#key-1"],
    }


def badge(status: Any, ident: str = "urn:uuid:1", extra_context: tuple[str, ...] = ()) -> dict:
    document = ob_badge(ISSUER, ident=ident, valid_from=CREATED, extra_context=extra_context)
    if status is not None:
        document["credentialStatus"] = status
    return document


def sign(document: dict[str, Any], key: Ed25519Key = KEY, method: str = METHOD) -> dict:
    return microcred.issue(document, key, verification_method=method, created=CREATED)


def signed_list(
    status_list: StatusList,
    *,
    purpose: str | list[str] = "revocation",
    key: Ed25519Key = KEY,
    issuer: str = ISSUER,
    method: str = METHOD,
    valid_until: str | None = None,
) -> dict[str, Any]:
    unsigned = status_list.to_credential(
        id=LIST_URL, issuer=issuer, purpose=purpose, valid_from=CREATED, valid_until=valid_until
    )
    return sign(unsigned, key, method)


@pytest.fixture
def issuer(server: HTTPSServer) -> HTTPSServer:
    """The server publishing the issuer's controller document."""
    server.route("/issuers/1", json=controller_document(), host="issuer.example")
    return server


def check(server: HTTPSServer, credential: dict[str, Any]) -> VerificationReport:
    with Verifier(http=server.policy(), now=NOW) as v:
        return v.check(credential)


def expect_status(
    report: VerificationReport, status: Status, code: str | None = None, *fragments: str
) -> None:
    found = report.check("status")
    assert found.status is status, report.to_dict()
    assert found.code == code, report.to_dict()
    for fragment in fragments:
        assert fragment in found.message, found.message
    assert report.check("proof").status is Status.PASSED, report.to_dict()
    assert report.check("issuer").status is Status.PASSED, report.to_dict()
    assert report.verified is (status is Status.PASSED)


# -- Bitstring Status List -------------------------------------------------------------------


def test_active(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    status_list.set(INDEX + 1)  # a neighbour is revoked: that must not leak into ours
    issuer.route(LIST_PATH, json=signed_list(status_list))
    report = check(issuer, sign(badge(status_list.entry(INDEX, list_url=LIST_URL))))
    expect_status(report, Status.PASSED, None, f"not revoked (index {INDEX} of {LIST_URL})")
    assert report.check("status").warnings == ()
    assert issuer.fetched(LIST_PATH) == 1


def test_revoked(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    status_list.set(INDEX)
    issuer.route(LIST_PATH, json=signed_list(status_list))
    report = check(issuer, sign(badge(status_list.entry(INDEX, list_url=LIST_URL))))
    expect_status(report, Status.FAILED, "REVOKED", f"revoked (index {INDEX} of {LIST_URL})")
    assert report.check("status").pointer == "/credentialStatus"


def test_suspended_then_reinstated(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    entry = status_list.entry(INDEX, list_url=LIST_URL, purpose="suspension")
    credential = sign(badge(entry))
    status_list.set(INDEX)
    issuer.route(LIST_PATH, json=signed_list(status_list, purpose="suspension"))
    expect_status(check(issuer, credential), Status.FAILED, "SUSPENDED", "suspended")
    status_list.clear(INDEX)
    issuer.route(LIST_PATH, json=signed_list(status_list, purpose="suspension"))
    expect_status(check(issuer, credential), Status.PASSED, None, "not suspended")


def test_revocation_and_suspension_entries_on_one_list(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    entries = [
        status_list.entry(INDEX, list_url=LIST_URL, purpose="revocation"),
        status_list.entry(INDEX, list_url=LIST_URL, purpose="suspension"),
    ]
    credential = sign(badge(entries))
    listing = signed_list(status_list, purpose=["revocation", "suspension"])
    issuer.route(LIST_PATH, json=listing)
    report = check(issuer, credential)
    expect_status(report, Status.PASSED, None, "not revoked", "not suspended")
    assert [c.pointer for c in report.check("status").children] == [
        "/credentialStatus/0",
        "/credentialStatus/1",
    ]
    assert issuer.fetched(LIST_PATH) == 1


@pytest.mark.parametrize(("value", "message"), list(enumerate(MESSAGES)))
def test_multi_bit_status_message(issuer: HTTPSServer, value: int, message: str) -> None:
    status_list = StatusList(status_size=2)
    entry = status_list.entry(INDEX, list_url=LIST_URL, purpose="message", status_messages=MESSAGES)
    assert entry["statusSize"] == 2
    status_list.set(INDEX, value)
    status_list.set(INDEX + 1, 3)  # the next 2-bit entry, packed right after ours
    issuer.route(LIST_PATH, json=signed_list(status_list, purpose="message"))
    report = check(issuer, sign(badge(entry)))
    expect_status(report, Status.PASSED, None)
    assert report.check("status").message == message


def test_multi_bit_revocation_list(issuer: HTTPSServer) -> None:
    status_list = StatusList(status_size=2)
    entry = status_list.entry(INDEX, list_url=LIST_URL, status_messages=MESSAGES)
    status_list.set(INDEX, 2)
    issuer.route(LIST_PATH, json=signed_list(status_list))
    report = check(issuer, sign(badge(entry)))
    expect_status(report, Status.FAILED, "REVOKED", "revoked", ": rejected")


# -- StatusList2021 --------------------------------------------------------------------------

VC1_CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "https://w3id.org/vc/status-list/2021/v1",
    "https://w3id.org/security/data-integrity/v2",
]


def signed_list_2021(status_list: StatusList, purpose: str = "revocation") -> dict[str, Any]:
    """A StatusList2021Credential in the shape of the 2021 report (VC 1.1, no multibase)."""
    unsigned = {
        "@context": VC1_CONTEXT,
        "id": LIST_URL,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": ISSUER,
        "issuanceDate": CREATED,
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "StatusList2021",
            "statusPurpose": purpose,
            "encodedList": status_list.encode().removeprefix("u"),
        },
    }
    return sign(unsigned)


def credential_2021(index: int, purpose: str = "revocation") -> dict[str, Any]:
    return sign(
        {
            "@context": VC1_CONTEXT,
            "id": "urn:uuid:2021",
            "type": ["VerifiableCredential"],
            "issuer": ISSUER,
            "issuanceDate": CREATED,
            "credentialSubject": {"id": "did:example:learner"},
            "credentialStatus": {
                "id": f"{LIST_URL}#{index}",
                "type": "StatusList2021Entry",
                "statusPurpose": purpose,
                "statusListIndex": str(index),
                "statusListCredential": LIST_URL,
            },
        }
    )


@pytest.mark.parametrize(
    ("index", "status", "code", "fragment"),
    [
        (INDEX, Status.FAILED, "REVOKED", f"revoked (index {INDEX} of {LIST_URL})"),
        (INDEX - 1, Status.PASSED, None, f"not revoked (index {INDEX - 1} of {LIST_URL})"),
    ],
    ids=["revoked", "active"],
)
def test_status_list_2021(
    issuer: HTTPSServer, index: int, status: Status, code: str | None, fragment: str
) -> None:
    status_list = StatusList()
    status_list.set(INDEX)
    issuer.route(LIST_PATH, json=signed_list_2021(status_list))
    expect_status(check(issuer, credential_2021(index)), status, code, fragment)


def test_status_list_2021_suspension(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    status_list.set(7)
    issuer.route(LIST_PATH, json=signed_list_2021(status_list, "suspension"))
    report = check(issuer, credential_2021(7, "suspension"))
    expect_status(report, Status.FAILED, "SUSPENDED", "suspended")


# -- 1EdTech revocation list (unsigned, read-only) -------------------------------------------

EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
REVOCATIONS_PATH = "/credentials/3732/revocations"
REVOCATIONS_URL = f"https://issuer.example{REVOCATIONS_PATH}"


def onedtech_badge() -> dict[str, Any]:
    entry = {"id": REVOCATIONS_URL, "type": "1EdTechRevocationList"}
    return sign(badge(entry, ident="urn:uuid:1edtech", extra_context=(EXTENSIONS,)))


@pytest.mark.parametrize(
    ("listed", "status", "code", "fragment"),
    [
        (
            [{"id": "urn:uuid:1edtech", "revocationReason": "Issued in error"}],
            Status.FAILED,
            "REVOKED",
            f"revoked (listed in {REVOCATIONS_URL}): Issued in error",
        ),
        ([{"id": "urn:uuid:1edtech", "revoked": True}], Status.FAILED, "REVOKED", "revoked"),
        ([{"id": "urn:uuid:other"}], Status.PASSED, None, "not revoked (not listed"),
        ([{"id": "urn:uuid:1edtech", "revoked": False}], Status.PASSED, None, "not revoked"),
        ([], Status.PASSED, None, "not revoked"),
    ],
    ids=["revoked", "revoked-flag", "other-listed", "unrevoked", "empty"],
)
def test_1edtech_revocation_list(
    issuer: HTTPSServer, listed: list[Any], status: Status, code: str | None, fragment: str
) -> None:
    listing = {"id": REVOCATIONS_URL, "issuer": ISSUER, "revokedCredentials": listed}
    issuer.route(REVOCATIONS_PATH, json=listing)
    expect_status(check(issuer, onedtech_badge()), status, code, fragment)


def test_1edtech_revocation_list_unreachable(issuer: HTTPSServer) -> None:
    report = check(issuer, onedtech_badge())
    expect_status(report, Status.INDETERMINATE, "NOT_FOUND", REVOCATIONS_URL)
    assert report.check("status").pointer == "/credentialStatus/id"


# -- the list credential must itself verify --------------------------------------------------


def test_list_signed_by_another_issuer_passes_with_a_warning(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    listing = signed_list(
        status_list, key=OTHER, issuer=OTHER.did, method=OTHER.verification_method
    )
    issuer.route(LIST_PATH, json=listing)
    report = check(issuer, sign(badge(status_list.entry(INDEX, list_url=LIST_URL))))
    expect_status(report, Status.PASSED, None, "not revoked")
    (warning,) = report.check("status").warnings
    assert warning in report.warnings
    assert warning.code == "STATUS_WARNING"
    assert warning.pointer == "/credentialStatus"
    assert f"issued by {OTHER.did}, not by the credential's issuer {ISSUER}" in warning.message
    assert warning.to_dict() in report.to_dict()["warnings"]


def test_list_claiming_the_issuer_but_signed_by_another_key(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    unsigned = status_list.to_credential(id=LIST_URL, issuer=ISSUER, valid_from=CREATED)
    forged = microcred.suites.add_proof(
        unsigned,
        OTHER,
        microcred.suites.EDDSA_RDFC_2022,
        microcred.suites.ProofOptions(verification_method=OTHER.verification_method),
    )
    issuer.route(LIST_PATH, json=forged)
    report = check(issuer, sign(badge(status_list.entry(INDEX, list_url=LIST_URL))))
    expect_status(report, Status.INDETERMINATE, "STATUS_VERIFICATION_ERROR", "did not verify")


def test_expired_list_is_indeterminate(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    issuer.route(LIST_PATH, json=signed_list(status_list, valid_until="2026-06-01T00:00:00Z"))
    report = check(issuer, sign(badge(status_list.entry(INDEX, list_url=LIST_URL))))
    expect_status(
        report,
        Status.INDETERMINATE,
        "STATUS_VERIFICATION_ERROR",
        f"the status list credential at {LIST_URL} did not verify",
        "expired at 2026-06-01T00:00:00Z",
    )
    assert report.check("status").pointer == "/credentialStatus/statusListCredential"


def test_not_yet_valid_list_is_indeterminate(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    unsigned = status_list.to_credential(
        id=LIST_URL, issuer=ISSUER, valid_from="2027-01-01T00:00:00Z"
    )
    issuer.route(LIST_PATH, json=sign(unsigned))
    report = check(issuer, sign(badge(status_list.entry(INDEX, list_url=LIST_URL))))
    expect_status(report, Status.INDETERMINATE, "STATUS_VERIFICATION_ERROR", "not valid before")


@pytest.mark.parametrize("revoked_when_signed", [False, True], ids=["to-revoked", "to-active"])
def test_tampered_list_is_indeterminate(issuer: HTTPSServer, revoked_when_signed: bool) -> None:
    """A bit flipped after signing: neither the forged "revoked" nor the forged "clean"."""
    status_list = StatusList()
    if revoked_when_signed:
        status_list.set(INDEX)
    listing = signed_list(status_list)
    flipped = StatusList()
    if not revoked_when_signed:
        flipped.set(INDEX)
    tampered = copy.deepcopy(listing)
    tampered["credentialSubject"]["encodedList"] = flipped.encode()
    issuer.route(LIST_PATH, json=tampered)
    report = check(issuer, sign(badge(status_list.entry(INDEX, list_url=LIST_URL))))
    expect_status(
        report, Status.INDETERMINATE, "STATUS_VERIFICATION_ERROR", "did not verify", "altered"
    )


def test_unsigned_list_is_indeterminate(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    status_list.set(INDEX)
    issuer.route(LIST_PATH, json=status_list.to_credential(id=LIST_URL, issuer=ISSUER))
    report = check(issuer, sign(badge(status_list.entry(INDEX, list_url=LIST_URL))))
    expect_status(report, Status.INDETERMINATE, "STATUS_VERIFICATION_ERROR", "not signed")


def _wrong_type_lists() -> list[Any]:
    status_list = StatusList()
    status_list.set(INDEX)
    badge_instead = sign(badge(None, ident=LIST_URL))
    return [
        pytest.param(signed_list_2021(status_list), "not a BitstringStatusListCredential",
                     id="status-list-2021"),
        pytest.param(signed_list(status_list, purpose="suspension"), "not 'revocation'",
                     id="wrong-purpose"),
        pytest.param(badge_instead, "not a BitstringStatusListCredential", id="a-badge"),
    ]  # fmt: skip


@pytest.mark.parametrize(("listing", "fragment"), _wrong_type_lists())
def test_list_of_the_wrong_type_is_indeterminate(
    issuer: HTTPSServer, listing: dict[str, Any], fragment: str
) -> None:
    issuer.route(LIST_PATH, json=listing)
    report = check(issuer, sign(badge(StatusList().entry(INDEX, list_url=LIST_URL))))
    expect_status(report, Status.INDETERMINATE, "STATUS_VERIFICATION_ERROR", fragment)


@pytest.mark.parametrize(
    ("route", "code"),
    [
        ({"status": 404}, "NOT_FOUND"),
        ({"status": 500}, "HTTP_BAD_STATUS"),
        ({"body": b"<html>", "content_type": "text/html"}, "HTTP_BAD_CONTENT_TYPE"),
        ({"body": b"{not json"}, "HTTP_INVALID_JSON"),
    ],
    ids=["404", "500", "html", "invalid-json"],
)
def test_list_that_cannot_be_fetched_is_indeterminate(
    issuer: HTTPSServer, route: dict[str, Any], code: str
) -> None:
    issuer.route(LIST_PATH, **route)
    report = check(issuer, sign(badge(StatusList().entry(INDEX, list_url=LIST_URL))))
    expect_status(report, Status.INDETERMINATE, code, LIST_URL)
    assert report.verified is False
    assert report.check("status").pointer == "/credentialStatus/statusListCredential"


def test_list_offline_without_a_pin_is_indeterminate(issuer: HTTPSServer) -> None:
    credential = sign(badge(StatusList().entry(INDEX, list_url=LIST_URL)))
    pins = {ISSUER: controller_document()}
    with Verifier(http=issuer.policy(), pins=pins, offline=True, now=NOW) as v:
        report = v.check(credential)
    expect_status(report, Status.INDETERMINATE, "DOCUMENT_LOAD_ERROR", "offline", LIST_URL)
    assert issuer.requests == []


def test_list_pinned_offline(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    status_list.set(INDEX)
    pins = {ISSUER: controller_document(), LIST_URL: signed_list(status_list)}
    credential = sign(badge(status_list.entry(INDEX, list_url=LIST_URL)))
    with Verifier(pins=pins, offline=True, now=NOW) as v:
        expect_status(v.check(credential), Status.FAILED, "REVOKED")
    assert issuer.requests == []


# -- caching ---------------------------------------------------------------------------------


def test_list_fetched_once_per_verifier(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    indexes = [status_list.allocate() for _ in range(4)]
    status_list.set(indexes[2])
    issuer.route(LIST_PATH, json=signed_list(status_list))
    credentials = [
        sign(badge(status_list.entry(i, list_url=LIST_URL), ident=f"urn:uuid:{n}"))
        for n, i in enumerate(indexes)
    ]
    with Verifier(http=issuer.policy(), now=NOW) as v:
        statuses = [v.check(c).check("status").status for c in credentials]
    assert statuses == [Status.PASSED, Status.PASSED, Status.FAILED, Status.PASSED]
    assert issuer.fetched(LIST_PATH) == 1
    assert issuer.fetched("/issuers/1") == 1  # the badges' key and the list's key: one document


@pytest.mark.parametrize(
    ("first", "later", "fragment"),
    [
        (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC), "expired at"),
        (datetime(2026, 3, 1, tzinfo=UTC), datetime(2025, 12, 1, tzinfo=UTC), "in the future"),
    ],
    ids=["expired-since", "clock-before-it"],
)
def test_a_remembered_list_is_checked_again_outside_its_validity(
    issuer: HTTPSServer, first: datetime, later: datetime, fragment: str
) -> None:
    """One long-lived verifier: a list that verified in March does not vouch in November."""
    status_list = StatusList()
    pins = {
        ISSUER: controller_document(),
        LIST_URL: signed_list(status_list, valid_until="2026-06-01T00:00:00Z"),
    }
    credential = sign(badge(status_list.entry(INDEX, list_url=LIST_URL)))
    clock = [first]
    with Verifier(pins=pins, offline=True, now=lambda: clock[0], leeway=0) as v:
        expect_status(v.check(credential), Status.PASSED)
        clock[0] = later
        report = v.check(credential)
    found = report.check("status")
    assert found.status is Status.INDETERMINATE, report.to_dict()
    assert found.code == "STATUS_VERIFICATION_ERROR"
    assert fragment in found.message


def test_unfetchable_list_is_retried_by_the_same_verifier(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    credential = sign(badge(status_list.entry(INDEX, list_url=LIST_URL)))
    with Verifier(http=issuer.policy(), now=NOW) as v:
        expect_status(v.check(credential), Status.INDETERMINATE, "NOT_FOUND")
        issuer.route(LIST_PATH, json=signed_list(status_list))
        expect_status(v.check(credential), Status.PASSED)
    assert issuer.fetched(LIST_PATH) == 2


def test_list_cache_honours_cache_control(issuer: HTTPSServer) -> None:
    status_list = StatusList()
    credential = sign(badge(status_list.entry(INDEX, list_url=LIST_URL)))
    no_store = {"Cache-Control": "no-store"}
    issuer.route(LIST_PATH, json=signed_list(status_list), headers=no_store)
    with Verifier(http=issuer.policy(), now=NOW) as v:
        expect_status(v.check(credential), Status.PASSED)
        status_list.set(INDEX)
        issuer.route(LIST_PATH, json=signed_list(status_list), headers=no_store)
        expect_status(v.check(credential), Status.FAILED, "REVOKED")


def test_list_whose_key_was_briefly_unreachable_is_retried(issuer: HTTPSServer) -> None:
    signer = "https://example.com/issuers/2"
    status_list = StatusList()
    listing = signed_list(status_list, key=OTHER, issuer=signer, method=f"{signer}#key-1")
    issuer.route(LIST_PATH, json=listing)
    issuer.route("/issuers/2", status=503, host="example.com")
    credential = sign(badge(status_list.entry(INDEX, list_url=LIST_URL)))
    with Verifier(http=issuer.policy(), now=NOW) as v:
        expect_status(
            v.check(credential), Status.INDETERMINATE, "STATUS_VERIFICATION_ERROR", "HTTP 503"
        )
        method = OTHER.verification_method_document(id="#key-1", controller=signer)
        document = {"id": signer, "verificationMethod": [method], "assertionMethod": ["#key-1"]}
        issuer.route("/issuers/2", json=document, host="example.com")
        expect_status(v.check(credential), Status.PASSED, None, "not revoked")


@pytest.mark.parametrize("fault", ["tampered", "expired"])
def test_unverifiable_list_has_the_status_verification_code(
    issuer: HTTPSServer, fault: str
) -> None:
    status_list = StatusList()
    if fault == "expired":
        listing = signed_list(status_list, valid_until="2026-06-01T00:00:00Z")
    else:
        listing = signed_list(status_list)
        listing["credentialSubject"]["encodedList"] = StatusList(length=MIN_ENTRIES * 2).encode()
    issuer.route(LIST_PATH, json=listing)
    report = check(issuer, sign(badge(status_list.entry(INDEX, list_url=LIST_URL))))
    expect_status(report, Status.INDETERMINATE, "STATUS_VERIFICATION_ERROR")
