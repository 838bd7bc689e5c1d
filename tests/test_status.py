"""Credential status: the bitstring codec, the issuer side, and the three verifier checkers.

No network: ``fetch`` is a fake that maps URLs to documents and raises ResolutionError for the
rest, as the verifier's real fetcher does when a list cannot be fetched or does not verify.
"""

from __future__ import annotations

import base64
import copy
import gzip
import time
import tracemalloc
import zlib
from collections.abc import Callable, Mapping
from typing import Any

import pytest

import microcred
from microcred import (
    Ed25519Key,
    InvalidSignature,
    MalformedCredential,
    ResolutionError,
    ResourceLimitExceeded,
    RevokedCredential,
    Status,
)
from microcred.resolvers import ResolvedKey
from microcred.status import (
    MIN_ENTRIES,
    STATUS_CHECKERS,
    ListFetcher,
    StatusList,
    StatusResult,
    check_1edtech_revocation_list,
    check_bitstring_entry,
    check_status_list_2021_entry,
    decode_status_list_2021,
    status_entries,
)

from conftest import ob_badge

ISSUER = "https://example.edu/issuers/565049"
LIST_URL = "https://example.edu/status/3"
CREDENTIAL_ID = "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002"
MESSAGES = ["pending_review", "accepted", "rejected", "undefined"]
# Bitstring Status List v1.0 (W3C Recommendation), Example 3 / Example 5: an all-zero 16 KiB
# list. Source: w3c/vc-bitstring-status-list @ a14b0216b3e7 transitions/2025/REC/index.html.
SPEC_ENCODED_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"
# The same example in the StatusList2021 encoding (no multibase prefix): Verifiable Credentials
# Status List v2021, Example 2 (w3c/vc-bitstring-status-list @ 127d7f02b025 FPWD/2023-04-27).
SPEC_2021_ENCODED_LIST = SPEC_ENCODED_LIST[1:]
# Example 5 of the same Recommendation, "eddsa" tab: the status list credential signed with
# eddsa-rdfc-2022 by the spec build (verbatim, from the file named above).
SPEC_SIGNED_LIST: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "id": "https://example.com/credentials/status/3",
    "type": ["VerifiableCredential", "BitstringStatusListCredential"],
    "issuer": "did:example:12345",
    "validFrom": "2021-04-05T14:27:40Z",
    "credentialSubject": {
        "id": "https://example.com/status/3#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": SPEC_ENCODED_LIST,
    },
    "proof": {
        "type": "DataIntegrityProof",
        "created": "2025-04-27T20:53:40Z",
        "verificationMethod": "did:key:z6MkeVw6bAm59CopQquZcVLUpapvEEELqfpdWfHkSont8HR6",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
        "proofValue": (
            "z4hwxiLnXHLUAomJXtfoowKc1ZBNpw1Wjw1vYsXEvifETSh6odbtmh6q"
            "fEDijRBxCZJ5hjguPotaywncvcHQ9yfRf"
        ),
    },
}


def fake_fetch(documents: Mapping[str, Mapping[str, Any]]) -> ListFetcher:
    """URL -> document; anything else fails as an unreachable list would."""

    def fetch(url: str) -> Mapping[str, Any]:
        if url not in documents:
            raise ResolutionError(f"{url} could not be fetched (HTTP 404)")
        return documents[url]

    return fetch


def no_fetch(url: str) -> Mapping[str, Any]:
    raise AssertionError(f"a malformed entry must be refused before fetching {url}")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def credential_with(entry: Mapping[str, Any], issuer: Any = ISSUER) -> dict[str, Any]:
    return {"id": CREDENTIAL_ID, "issuer": issuer, "credentialStatus": dict(entry)}


def list_doc(
    status_list: StatusList,
    purpose: str | list[str] = "revocation",
    issuer: Any = ISSUER,
    url: str = LIST_URL,
) -> dict[str, Any]:
    return status_list.to_credential(
        id=url, issuer=issuer, purpose=purpose, valid_from="2026-01-01T00:00:00Z"
    )


def check(
    status_list: StatusList,
    index: int,
    *,
    purpose: str = "revocation",
    listing: Mapping[str, Any] | None = None,
    messages: list[str] | None = None,
) -> StatusResult:
    entry = status_list.entry(index, list_url=LIST_URL, purpose=purpose, status_messages=messages)
    fetch = fake_fetch({LIST_URL: listing or list_doc(status_list, purpose)})
    return check_bitstring_entry(entry, "/credentialStatus", fetch, credential_with(entry))


# -- the bitstring ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 8])
def test_set_get_clear_round_trip(size: int) -> None:
    status_list = StatusList(status_size=size)
    top = (1 << size) - 1
    values = {0: top, 1: 1, 2: top >> 1, 94567: top, MIN_ENTRIES - 1: 1}
    for index, value in values.items():
        status_list.set(index, value)
    for index, value in values.items():
        assert status_list.get(index) == value
    assert status_list.get(3) == status_list.get(94566) == status_list.get(94568) == 0
    decoded = StatusList.decode(status_list.encode(), status_size=size)
    assert decoded.length == MIN_ENTRIES
    assert all(decoded.get(i) == v for i, v in values.items())
    assert decoded.to_bytes() == status_list.to_bytes()
    status_list.clear(94567)
    assert status_list.get(94567) == 0
    assert status_list.get(1) == 1
    with pytest.raises(ValueError, match="must fit"):
        status_list.set(5, top + 1)
    with pytest.raises(IndexError):
        status_list.get(MIN_ENTRIES)


def test_bit_order_is_msb_first_against_hand_built_list() -> None:
    expected = bytearray(MIN_ENTRIES // 8)
    expected[0], expected[1], expected[-1] = 0b1000_0000, 0b0100_0000, 0b0000_0001
    hand_encoded = "u" + b64url(gzip.compress(bytes(expected), mtime=0))
    decoded = StatusList.decode(hand_encoded)
    assert [i for i in range(16) if decoded.get(i)] == [0, 9]
    assert decoded.get(MIN_ENTRIES - 1) == 1
    built = StatusList()
    for index in (0, 9, MIN_ENTRIES - 1):
        built.set(index)
    assert built.to_bytes() == bytes(expected)
    assert gzip.decompress(base64.urlsafe_b64decode(built.encode()[1:] + "==")) == expected


def test_multi_bit_entries_are_packed_msb_first() -> None:
    two = StatusList(status_size=2)
    two.set(0, 0b10)
    two.set(1, 0b01)
    two.set(3, 0b11)
    assert two.to_bytes()[0] == 0b10_01_00_11
    eight = StatusList(status_size=8)
    eight.set(1, 0xAB)
    assert eight.to_bytes()[:3] == b"\x00\xab\x00"


def test_decodes_the_spec_example_and_encodes_deterministically() -> None:
    decoded = StatusList.decode(SPEC_ENCODED_LIST)
    assert decoded.length == MIN_ENTRIES
    assert decoded.to_bytes() == bytes(MIN_ENTRIES // 8)
    assert StatusList().encode() == StatusList().encode()
    assert StatusList.decode(StatusList().encode()).to_bytes() == decoded.to_bytes()
    legacy = decode_status_list_2021(SPEC_2021_ENCODED_LIST)
    assert legacy.to_bytes() == decoded.to_bytes()


def test_minimum_length_for_herd_privacy() -> None:
    with pytest.raises(ValueError, match="at least 131072"):
        StatusList(1000)
    small = StatusList(1000, min_entries=0)
    small.set(999)
    with pytest.raises(MalformedCredential, match="at least 131072") as caught:
        StatusList.decode(small.encode())
    assert caught.value.code == "STATUS_LIST_LENGTH_ERROR"
    assert StatusList.decode(small.encode(), min_entries=1000).get(999) == 1
    # 16 KiB of 2-bit entries is only 65,536 entries.
    with pytest.raises(MalformedCredential) as caught:
        StatusList.decode(SPEC_ENCODED_LIST, status_size=2)
    assert caught.value.code == "STATUS_LIST_LENGTH_ERROR"


def test_allocate_is_unique_random_and_refuses_when_full() -> None:
    status_list = StatusList(500, min_entries=0, allocated=[7, 8])
    drawn = [status_list.allocate() for _ in range(498)]
    assert len(set(drawn)) == 498
    assert set(drawn) | {7, 8} == set(range(500))
    assert status_list.allocated == frozenset(range(500))
    with pytest.raises(ValueError, match="full"):
        status_list.allocate()
    fresh = StatusList()
    assert [fresh.allocate() for _ in range(8)] != list(range(8))  # not handed out in order


# -- the issuer side ----------------------------------------------------------------------


def test_entry_and_credential_shapes() -> None:
    status_list = StatusList()
    assert status_list.entry(94567, list_url=LIST_URL) == {
        "id": f"{LIST_URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": LIST_URL,
    }
    document = list_doc(status_list, ["revocation", "suspension"])
    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"] == {
        "id": f"{LIST_URL}#list",
        "type": "BitstringStatusList",
        "statusPurpose": ["revocation", "suspension"],
        "encodedList": status_list.encode(),
    }
    wide = StatusList(status_size=2)
    with pytest.raises(ValueError, match="exactly 4 status_messages"):
        wide.entry(1, list_url=LIST_URL, purpose="message")
    entry = wide.entry(1, list_url=LIST_URL, purpose="message", status_messages=MESSAGES)
    assert entry["statusSize"] == 2
    assert entry["statusMessage"][2] == {"status": "0x2", "message": "rejected"}


def test_signed_status_list_verifies_and_answers_a_signed_badge() -> None:
    key = Ed25519Key.from_seed(bytes(range(32)))
    status_list = StatusList()
    index = status_list.allocate()
    unsigned = status_list.to_credential(
        id=LIST_URL, issuer=key.did, valid_from="2026-01-01T00:00:00Z"
    )
    signed_list = microcred.issue(unsigned, key)
    report = microcred.check(signed_list)
    assert report.verified
    assert report.check("proof").status is Status.PASSED
    tampered = copy.deepcopy(signed_list)
    other = StatusList()
    other.set(index)
    tampered["credentialSubject"]["encodedList"] = other.encode()
    assert microcred.check(tampered).check("proof").status is Status.FAILED

    badge = ob_badge(
        key.did,
        ident=CREDENTIAL_ID,
        credentialStatus=status_list.entry(index, list_url=LIST_URL),
    )
    signed_badge = microcred.issue(badge, key)

    def verified_fetch(url: str) -> Mapping[str, Any]:  # the contract: verify, then return
        document = fake_fetch({LIST_URL: signed_list})(url)
        if not microcred.check(document).verified:
            raise ResolutionError(f"the status list {url} does not verify")
        return document

    [(entry, pointer)] = status_entries(signed_badge)
    checker = STATUS_CHECKERS[entry["type"]]
    result = checker(entry, pointer, verified_fetch, signed_badge)
    assert result == StatusResult("revocation", 0, f"not revoked (index {index} of {LIST_URL})")

    status_list.set(index)
    signed_list = microcred.issue(status_list.to_credential(id=LIST_URL, issuer=key.did), key)
    with pytest.raises(RevokedCredential):
        checker(entry, pointer, verified_fetch, signed_badge)
    signed_list["credentialSubject"]["encodedList"] = StatusList().encode()  # forged "clean"
    with pytest.raises(ResolutionError, match="does not verify"):
        checker(entry, pointer, verified_fetch, signed_badge)


def test_the_spec_signed_status_list_proof_verifies() -> None:
    def bare_did_key(method: str) -> ResolvedKey:  # the spec names the DID, not a fragment
        return ResolvedKey(
            Ed25519Key.from_did_key(method), method, method, frozenset({"assertionMethod"})
        )

    report = microcred.check(SPEC_SIGNED_LIST, resolver=bare_did_key)
    assert report.check("proof").status is Status.PASSED
    assert StatusList.decode(SPEC_SIGNED_LIST["credentialSubject"]["encodedList"]).get(94567) == 0


# -- Bitstring Status List outcomes -------------------------------------------------------


def test_active() -> None:
    result = check(StatusList(), 94567)
    assert result == StatusResult("revocation", 0, f"not revoked (index 94567 of {LIST_URL})")


def test_revoked() -> None:
    status_list = StatusList()
    status_list.set(94567)
    with pytest.raises(RevokedCredential) as caught:
        check(status_list, 94567)
    assert caught.value.code == "REVOKED"
    assert caught.value.message == f"revoked (index 94567 of {LIST_URL})"
    assert caught.value.pointer == "/credentialStatus"


def test_suspended_then_reinstated() -> None:
    status_list = StatusList()
    status_list.set(23452)
    with pytest.raises(RevokedCredential) as caught:
        check(status_list, 23452, purpose="suspension")
    assert caught.value.code == "SUSPENDED"
    assert caught.value.message.startswith("suspended (index 23452")
    status_list.clear(23452)
    assert check(status_list, 23452, purpose="suspension").message.startswith("not suspended")


def test_one_list_for_two_purposes() -> None:
    status_list = StatusList()
    status_list.set(12345)
    listing = list_doc(status_list, ["revocation", "suspension"])
    assert check(status_list, 1, purpose="suspension", listing=listing).value == 0
    with pytest.raises(RevokedCredential, match="suspended"):
        check(status_list, 12345, purpose="suspension", listing=listing)


def test_multi_bit_status_messages() -> None:
    status_list = StatusList(status_size=2)
    result = check(status_list, 7, purpose="message", messages=MESSAGES)
    assert (result.value, result.message) == (0, "pending_review")
    status_list.set(1000, 2)
    result = check(status_list, 1000, purpose="message", messages=MESSAGES)
    assert (result.purpose, result.value, result.message, result.warnings) == (
        "message",
        2,
        "rejected",
        (),
    )
    status_list.set(1001, 3)
    with pytest.raises(RevokedCredential, match=r"revoked \(index 1001 .*\): undefined"):
        check(status_list, 1001, messages=MESSAGES)


def test_a_value_without_a_message_is_a_warning() -> None:
    status_list = StatusList(status_size=2)
    status_list.set(10, 2)
    entry = status_list.entry(10, list_url=LIST_URL, purpose="message", status_messages=MESSAGES)
    entry["statusMessage"][2]["status"] = "0x1"  # two texts for 1, none for 2
    fetch = fake_fetch({LIST_URL: list_doc(status_list, "message")})
    result = check_bitstring_entry(entry, "/credentialStatus", fetch, credential_with(entry))
    assert result.value == 2
    assert result.warnings == (
        f"the issuer gives no statusMessage for value 0x2 (index 10 of {LIST_URL})",
    )


def test_refresh_and_unknown_purposes() -> None:
    status_list = StatusList()
    status_list.set(5)
    assert "refreshed credential is available" in check(status_list, 5, purpose="refresh").message
    assert check(status_list, 6, purpose="refresh").message.startswith("no refresh pending")
    assert check(status_list, 6, purpose="custom").value == 0
    with pytest.raises(ResolutionError) as caught:
        check(status_list, 5, purpose="custom")
    assert caught.value.code == "UNSUPPORTED_STATUS_PURPOSE"


# -- Bitstring Status List: hostile and broken input --------------------------------------


def _gzip_bomb(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


@pytest.mark.parametrize("max_bytes", [1024 * 1024, 16 * 1024 * 1024])
def test_gzip_bomb_is_refused_quickly_with_bounded_memory(max_bytes: int) -> None:
    encoded = "u" + b64url(_gzip_bomb(100))  # 100 MiB of zeros in ~100 KB
    assert len(encoded) < 200_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ResourceLimitExceeded, match="decompression bomb"):
            StatusList.decode(encoded, max_bytes=max_bytes)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2
    assert peak < 1.25 * max_bytes + 1024 * 1024  # never the 100 MiB, nor twice the cap


def test_gzip_bomb_in_a_list_is_indeterminate() -> None:
    listing = list_doc(StatusList())
    listing["credentialSubject"]["encodedList"] = "u" + b64url(_gzip_bomb(40))
    with pytest.raises(ResolutionError) as caught:
        check(StatusList(), 1, listing=listing)
    assert caught.value.code == "RESOURCE_LIMIT_EXCEEDED"
    assert caught.value.pointer == "/credentialStatus/statusListCredential"


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("u" + b64url(b"not gzip at all, just text"), "not valid GZIP"),
        ("u" + b64url(gzip.compress(bytes(MIN_ENTRIES // 8))[:-12]), "truncated"),
        ("u" + b64url(gzip.compress(bytes(MIN_ENTRIES // 8)) + b"junk"), "after the GZIP"),
        ("z" + SPEC_ENCODED_LIST[1:], "prefix 'u'"),
        (SPEC_2021_ENCODED_LIST, "looks like StatusList2021"),
        ("u" + SPEC_ENCODED_LIST[1:] + "==", "base64url"),
        ("u!!!!", "base64url"),
        ("", "non-empty"),
    ],
    ids=[
        "not-gzip",
        "truncated",
        "trailing-data",
        "wrong-prefix",
        "2021-style",
        "padded",
        "bad-chars",
        "empty",
    ],
)
def test_undecodable_lists(encoded: str, message: str) -> None:
    with pytest.raises(MalformedCredential, match=message):
        StatusList.decode(encoded)


def test_an_undecodable_list_makes_the_status_unknown_not_the_credential_bad() -> None:
    listing = list_doc(StatusList())
    listing["credentialSubject"]["encodedList"] = "u" + b64url(b"garbage")
    with pytest.raises(ResolutionError, match="unusable: encodedList is not valid GZIP") as caught:
        check(StatusList(), 1, listing=listing)
    assert caught.value.code == "STATUS_VERIFICATION_ERROR"
    short = StatusList(1000, min_entries=0)
    listing["credentialSubject"]["encodedList"] = short.encode()
    with pytest.raises(ResolutionError) as caught:
        check(StatusList(), 1, listing=listing)
    assert caught.value.code == "STATUS_LIST_LENGTH_ERROR"


def test_index_out_of_range() -> None:
    entry = StatusList().entry(5, list_url=LIST_URL)
    for index in (str(MIN_ENTRIES), "9" * 40):
        entry["statusListIndex"] = index
        fetch = fake_fetch({LIST_URL: list_doc(StatusList())})
        with pytest.raises(MalformedCredential) as caught:
            check_bitstring_entry(entry, "/credentialStatus/0", fetch, credential_with(entry))
        assert caught.value.code == "STATUS_RANGE_ERROR"
        assert caught.value.pointer == "/credentialStatus/0/statusListIndex"


@pytest.mark.parametrize("index", ["-1", "abc", "1.5", " 5", "", "٣", "0x10", 5, None])
def test_malformed_index_is_refused_before_fetching(index: Any) -> None:
    entry = StatusList().entry(5, list_url=LIST_URL)
    if index is None:
        del entry["statusListIndex"]
    else:
        entry["statusListIndex"] = index
    with pytest.raises(MalformedCredential, match="base-10 string") as caught:
        check_bitstring_entry(entry, "/credentialStatus/1", no_fetch, credential_with(entry))
    assert caught.value.code == "MALFORMED_VALUE_ERROR"
    assert caught.value.pointer == "/credentialStatus/1/statusListIndex"


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda e: e.update(statusSize=0), "/statusSize"),
        (lambda e: e.update(statusSize="2"), "/statusSize"),
        (lambda e: e.update(statusSize=True), "/statusSize"),
        (lambda e: e.pop("statusMessage"), "/statusMessage"),
        (lambda e: e["statusMessage"].pop(), "/statusMessage"),
        (lambda e: e["statusMessage"][1].update(status="1"), "/statusMessage/1"),
        (lambda e: e["statusMessage"][1].update(status="0x4"), "/statusMessage/1"),
        (lambda e: e["statusMessage"][1].update(message=7), "/statusMessage/1"),
        (lambda e: e.update(statusPurpose=None), "/statusPurpose"),
        (lambda e: e.update(statusListCredential=42), "/statusListCredential"),
    ],
)
def test_malformed_entries(change: Callable[[dict[str, Any]], Any], pointer: str) -> None:
    entry = StatusList(status_size=2).entry(
        5, list_url=LIST_URL, purpose="message", status_messages=MESSAGES
    )
    change(entry)
    with pytest.raises(MalformedCredential) as caught:
        check_bitstring_entry(entry, "/credentialStatus", no_fetch, credential_with(entry))
    assert caught.value.pointer == "/credentialStatus" + pointer


def test_unsupported_status_size_is_indeterminate() -> None:
    entry = StatusList().entry(5, list_url=LIST_URL)
    entry["statusSize"] = 17
    with pytest.raises(ResolutionError, match="not supported"):
        check_bitstring_entry(entry, "/credentialStatus", no_fetch, credential_with(entry))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(type=["VerifiableCredential"]), "not a BitstringStatusListCredential"),
        (
            lambda d: d.update(type=["VerifiableCredential", "StatusList2021Credential"]),
            "not a BitstringStatusListCredential",
        ),
        (
            lambda d: d["credentialSubject"].update(type="StatusList2021"),
            "not a BitstringStatusList",
        ),
        (lambda d: d.pop("credentialSubject"), "not a BitstringStatusList"),
        (lambda d: d["credentialSubject"].update(statusPurpose="suspension"), "not 'revocation'"),
        (lambda d: d["credentialSubject"].pop("statusPurpose"), "no purpose"),
        (lambda d: d["credentialSubject"].update(encodedList=None), "must be a string"),
    ],
)
def test_list_of_the_wrong_type_or_purpose_cannot_answer(
    change: Callable[[dict[str, Any]], Any], message: str
) -> None:
    listing = list_doc(StatusList())
    change(listing)
    with pytest.raises(ResolutionError, match=message) as caught:
        check(StatusList(), 1, listing=listing)
    assert caught.value.code == "STATUS_VERIFICATION_ERROR"
    assert caught.value.pointer == "/credentialStatus/statusListCredential"


def test_unreachable_or_unverifiable_list_is_indeterminate() -> None:
    entry = StatusList().entry(5, list_url=LIST_URL)
    with pytest.raises(ResolutionError, match="HTTP 404") as caught:
        check_bitstring_entry(entry, "/credentialStatus", fake_fetch({}), credential_with(entry))
    assert caught.value.pointer == "/credentialStatus/statusListCredential"

    def tampered(url: str) -> Mapping[str, Any]:
        raise InvalidSignature("the signature does not match", pointer="/proof/proofValue")

    with pytest.raises(ResolutionError, match="does not verify") as caught:
        check_bitstring_entry(entry, "/credentialStatus", tampered, credential_with(entry))
    assert caught.value.code == "STATUS_VERIFICATION_ERROR"


def test_another_issuer_or_another_id_is_a_warning() -> None:
    status_list = StatusList()
    other = list_doc(status_list, issuer={"id": "did:web:status.example", "type": "Profile"})
    result = check(status_list, 1, listing=other)
    assert result.value == 0
    assert result.warnings == (
        f"the status list {LIST_URL} is issued by did:web:status.example, not by the "
        f"credential's issuer {ISSUER}: trust its answer only if you trust did:web:status.example",
    )
    same = list_doc(status_list, issuer={"id": ISSUER, "type": "Profile"})
    assert check(status_list, 1, listing=same).warnings == ()
    elsewhere = list_doc(status_list, url="https://example.edu/status/4")
    assert check(status_list, 1, listing=elsewhere).warnings == (
        f"the status list fetched from {LIST_URL} identifies itself as "
        "https://example.edu/status/4",
    )


# -- StatusList2021 -----------------------------------------------------------------------


def list_2021(status_list: StatusList, purpose: str = "revocation") -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1",
        ],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": ISSUER,
        "issuanceDate": "2021-04-05T14:27:40Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "StatusList2021",
            "statusPurpose": purpose,
            "encodedList": status_list.encode()[1:],  # no multibase prefix in 2021
        },
    }


def entry_2021(index: int, purpose: str = "revocation") -> dict[str, Any]:
    return {
        "id": f"{LIST_URL}#{index}",
        "type": "StatusList2021Entry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": LIST_URL,
    }


def test_status_list_2021_revoked_and_active() -> None:
    status_list = StatusList()
    status_list.set(94567)
    fetch = fake_fetch({LIST_URL: list_2021(status_list)})
    entry = entry_2021(94567)
    with pytest.raises(RevokedCredential, match="revoked") as caught:
        check_status_list_2021_entry(entry, "/credentialStatus", fetch, credential_with(entry))
    assert caught.value.code == "REVOKED"
    active = check_status_list_2021_entry(
        entry_2021(3), "/credentialStatus", fetch, credential_with(entry)
    )
    assert active == StatusResult("revocation", 0, f"not revoked (index 3 of {LIST_URL})")


def test_status_list_2021_is_not_a_bitstring_status_list() -> None:
    fetch = fake_fetch({LIST_URL: list_2021(StatusList())})
    with pytest.raises(ResolutionError, match="not a BitstringStatusListCredential"):
        check_bitstring_entry(entry_2021(3), "/credentialStatus", fetch, {})
    fetch = fake_fetch({LIST_URL: list_doc(StatusList())})
    with pytest.raises(ResolutionError, match="not a StatusList2021Credential"):
        check_status_list_2021_entry(entry_2021(3), "/credentialStatus", fetch, {})


@pytest.mark.parametrize("size", [2, 0, "2"])
def test_status_list_2021_has_no_multi_bit_entries(size: object) -> None:
    """A statusSize on a one-bit list is not silently read as one bit: it cannot be checked."""
    status_list = StatusList()
    fetch = fake_fetch({LIST_URL: list_2021(status_list)})
    entry = {**entry_2021(3), "statusSize": size}
    with pytest.raises(ResolutionError, match="one bit per entry") as caught:
        check_status_list_2021_entry(entry, "/credentialStatus", fetch, credential_with(entry))
    assert caught.value.pointer == "/credentialStatus/statusSize"
    explicit_one = {**entry_2021(3), "statusSize": 1}
    assert check_status_list_2021_entry(explicit_one, "/credentialStatus", fetch, {}).value == 0


def test_status_list_2021_tolerates_deployed_variants() -> None:
    status_list = StatusList()
    status_list.set(6)
    listing = list_2021(status_list, purpose="Revocation")  # as some issuers publish it
    raw = gzip.compress(status_list.to_bytes())
    listing["credentialSubject"]["encodedList"] = base64.b64encode(raw).decode()  # +/ and =
    fetch = fake_fetch({LIST_URL: listing})
    result = check_status_list_2021_entry(entry_2021(5), "/credentialStatus", fetch, {})
    assert result.value == 0
    assert "spells its statusPurpose ['Revocation']" in result.warnings[0]
    with pytest.raises(RevokedCredential):
        check_status_list_2021_entry(entry_2021(6), "/credentialStatus", fetch, {})
    with pytest.raises(MalformedCredential, match="multibase 'u' prefix"):
        decode_status_list_2021(SPEC_ENCODED_LIST)
    with pytest.raises(MalformedCredential, match="not base64"):
        decode_status_list_2021("H4sI!!")


# -- 1EdTech revocation list --------------------------------------------------------------

REVOCATIONS = "https://example.edu/credentials/3732/revocations"


def onedtech(revoked: list[Any], issuer: Any = ISSUER) -> dict[str, Any]:
    return {"id": REVOCATIONS, "issuer": issuer, "revokedCredentials": revoked}


def check_onedtech(listing: Mapping[str, Any], credential_id: Any = CREDENTIAL_ID) -> StatusResult:
    entry = {"id": REVOCATIONS, "type": "1EdTechRevocationList"}
    credential = credential_with(entry)
    credential["id"] = credential_id
    fetch = fake_fetch({REVOCATIONS: listing})
    return check_1edtech_revocation_list(entry, "/credentialStatus", fetch, credential)


@pytest.mark.parametrize("flag", [{}, {"revoked": True}])
def test_1edtech_revoked(flag: dict[str, Any]) -> None:
    listing = onedtech(
        [
            {"id": "urn:uuid:other"},
            {"id": CREDENTIAL_ID, **flag, "revocationReason": "Issued in error"},
        ]
    )
    with pytest.raises(RevokedCredential) as caught:
        check_onedtech(listing)
    assert caught.value.code == "REVOKED"
    assert caught.value.message == f"revoked (listed in {REVOCATIONS}): Issued in error"


@pytest.mark.parametrize(
    "revoked", [[], [{"id": "urn:uuid:other"}], [{"id": CREDENTIAL_ID, "revoked": False}], ["x"]]
)
def test_1edtech_active(revoked: list[Any]) -> None:
    assert check_onedtech(onedtech(revoked)) == StatusResult(
        "revocation", 0, f"not revoked (not listed in {REVOCATIONS})"
    )


def test_1edtech_broken_or_unreachable_list_and_missing_id() -> None:
    with pytest.raises(ResolutionError, match="no revokedCredentials array"):
        check_onedtech({"error": "not found"})
    entry = {"id": REVOCATIONS, "type": "1EdTechRevocationList"}
    with pytest.raises(ResolutionError, match="HTTP 404"):
        check_1edtech_revocation_list(
            entry, "/credentialStatus", fake_fetch({}), credential_with(entry)
        )
    with pytest.raises(MalformedCredential) as caught:
        check_onedtech(onedtech([]), credential_id=None)
    assert caught.value.pointer == "/id"
    result = check_onedtech(onedtech([], issuer="https://other.example/issuer"))
    assert "issued by https://other.example/issuer" in result.warnings[0]


# -- dispatch helpers ---------------------------------------------------------------------


def test_status_entries_and_checkers() -> None:
    entry = StatusList().entry(1, list_url=LIST_URL)
    assert status_entries({}) == []
    assert status_entries({"credentialStatus": entry}) == [(entry, "/credentialStatus")]
    assert [p for _, p in status_entries({"credentialStatus": [entry, entry]})] == [
        "/credentialStatus/0",
        "/credentialStatus/1",
    ]
    with pytest.raises(MalformedCredential) as caught:
        status_entries({"credentialStatus": [entry, "revoked"]})
    assert caught.value.pointer == "/credentialStatus/1"
    assert set(STATUS_CHECKERS) == {
        "BitstringStatusListEntry",
        "StatusList2021Entry",
        "1EdTechRevocationList",
    }
    with pytest.raises(TypeError):
        STATUS_CHECKERS["Other"] = check_bitstring_entry  # type: ignore[index]
