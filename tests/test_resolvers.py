"""Key resolution end to end against the real local HTTPS server (tests/httpserver.py).

Every credential here is signed with ``microcred.issue`` (or, where ``issue()`` rightly refuses
to produce it, with the lower-level ``add_proof``) and checked by a ``Verifier`` whose HTTP
policy reaches the test server. MockTransport appears only for a fault a real loopback server
cannot produce (a connect timeout).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

import microcred
from microcred import Ed25519Key, StaticResolver, Status, VerificationReport, Verifier
from microcred._http import HttpClient, HTTPPolicy
from microcred._multibase import b64url_encode
from microcred.resolvers import default_resolver
from microcred.suites import EDDSA_RDFC_2022, ProofOptions, add_proof

from conftest import SPEC_EXAMPLES, load_json, ob_badge, url_map_pins
from httpserver import HTTPSServer, drip

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CREATED = "2026-01-01T00:00:00Z"
KEY = Ed25519Key.from_seed(bytes(range(32)))
OTHER = Ed25519Key.from_seed(bytes(range(1, 33)))
ATTACKER = Ed25519Key.from_seed(b"\xa7" * 32)

DID = "did:web:issuer.example"
ISSUER = "https://issuer.example/issuers/1"
ISSUER_PATH = "/issuers/1"
METHOD = f"{ISSUER}#key-1"
JWKS_PATH = "/.well-known/jwks.json"
JWKS_URL = f"https://issuer.example{JWKS_PATH}"
DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]
CID_CONTEXT = "https://www.w3.org/ns/cid/v1"

# -- helpers ------------------------------------------------------------------------------


def badge(issuer: str, name: str = "Teamwork", ident: str = "urn:uuid:1") -> dict[str, Any]:
    return ob_badge(issuer, name=name, ident=ident, valid_from=CREATED)


def sign(issuer: str, method: str, key: Ed25519Key = KEY, **badge_args: Any) -> dict[str, Any]:
    """Issue as a real issuer would: issue() checks the method's controller is the issuer."""
    return microcred.issue(
        badge(issuer, **badge_args), key, verification_method=method, created=CREATED
    )


def forge(issuer: str, method: str, key: Ed25519Key = KEY) -> dict[str, Any]:
    """Sign without issue()'s controller check: what a verifier must still catch."""
    options = ProofOptions(verification_method=method, created=CREATED)
    return add_proof(badge(issuer), key, EDDSA_RDFC_2022, options)


def controller_document(
    ident: str,
    key: Ed25519Key = KEY,
    *,
    fragment: str = "key-1",
    relative: bool = True,
    kind: str = "Multikey",
    relationships: tuple[str, ...] = ("assertionMethod",),
    controller: str | None = None,
    context: list[str] | None = None,
) -> dict[str, Any]:
    """A DID / controller document listing ``key`` as ``#fragment`` under ``relationships``."""
    ref = f"#{fragment}" if relative else f"{ident}#{fragment}"
    method = key.verification_method_document(id=ref, controller=controller or ident, type=kind)
    document: dict[str, Any] = {
        "@context": context or DID_CONTEXT,
        "id": ident,
        "verificationMethod": [method],
    }
    for name in relationships:
        document[name] = [ref]
    return document


def verifier(server: HTTPSServer, **policy: Any) -> Verifier:
    return Verifier(http=server.policy(**policy), now=NOW)


def check(server: HTTPSServer, credential: dict[str, Any], **policy: Any) -> VerificationReport:
    with verifier(server, **policy) as v:
        return v.check(credential)


def expect(
    report: VerificationReport,
    name: str,
    status: Status,
    code: str | None = None,
    *fragments: str,
) -> None:
    """Assert one check's status, code and that its message contains each fragment."""
    found = report.check(name)
    assert found.status is status, report.to_dict()
    if code is not None:
        assert found.code == code, report.to_dict()
    for fragment in fragments:
        assert fragment in found.message, found.message


def expect_verified(report: VerificationReport) -> None:
    assert report.verified, report.to_dict()
    expect(report, "proof", Status.PASSED)
    expect(report, "issuer", Status.PASSED)


def did_jwk(key: Ed25519Key = KEY, jwk: Any = None) -> str:
    value = key.public_jwk() if jwk is None else jwk
    return "did:jwk:" + b64url_encode(json.dumps(value, separators=(",", ":")).encode())


@pytest.fixture
def published(server: HTTPSServer) -> HTTPSServer:
    """The server publishing KEY's controller document for ISSUER (Multikey, #key-1)."""
    server.route(ISSUER_PATH, json=controller_document(ISSUER), host="issuer.example")
    return server


# -- did:web -------------------------------------------------------------------------------


def test_did_web_host_only(server: HTTPSServer) -> None:
    server.route("/.well-known/did.json", json=controller_document(DID), host="issuer.example")
    report = check(server, sign(DID, f"{DID}#key-1"))
    expect_verified(report)
    expect(report, "issuer", Status.PASSED, None, f"{DID}#key-1", f"issuer {DID}")
    assert server.fetched("/.well-known/did.json", "issuer.example") == 1


def test_did_web_with_path(server: HTTPSServer) -> None:
    did = "did:web:issuer.example:users:alice"
    server.route("/users/alice/did.json", json=controller_document(did), host="issuer.example")
    expect_verified(check(server, sign(did, f"{did}#key-1")))
    assert [r.path for r in server.requests] == ["/users/alice/did.json"]


@pytest.mark.parametrize(("suffix", "path"), [("", "/.well-known/did.json"),
                                              (":users:bob", "/users/bob/did.json")])  # fmt: skip
def test_did_web_with_port(server: HTTPSServer, suffix: str, path: str) -> None:
    did = f"did:web:issuer.example%3A{server.port}{suffix}"
    server.route(path, json=controller_document(did), host="issuer.example")
    expect_verified(check(server, sign(did, f"{did}#key-1")))
    (seen,) = server.requests
    assert (seen.host, seen.path) == ("issuer.example", path)
    assert seen.headers["host"] == f"issuer.example:{server.port}"


@pytest.mark.parametrize("relative", [True, False])
def test_did_web_document_id_mismatch(server: HTTPSServer, relative: bool) -> None:
    document = controller_document(DID, relative=relative)
    document["id"] = "did:web:example.edu"
    server.route("/.well-known/did.json", json=document, host="issuer.example")
    report = check(server, sign(DID, f"{DID}#key-1"))
    expect(
        report,
        "proof",
        Status.FAILED,
        "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID",
        "'did:web:example.edu'",
        "must carry its own URL as id",
    )
    assert report.check("proof").pointer == "/proof/verificationMethod"
    assert not report.verified


def test_did_web_document_not_listing_the_key(server: HTTPSServer) -> None:
    document = controller_document(DID, fragment="key-2")
    server.route("/.well-known/did.json", json=document, host="issuer.example")
    report = check(server, sign(DID, f"{DID}#key-1"))
    expect(
        report,
        "proof",
        Status.FAILED,
        "INVALID_VERIFICATION_METHOD",
        f"does not contain the verification method {DID}#key-1",
    )
    expect(report, "issuer", Status.SKIPPED)
    assert not report.verified


def test_did_web_rotated_key_under_the_same_id(server: HTTPSServer) -> None:
    server.route(
        "/.well-known/did.json", json=controller_document(DID, OTHER), host="issuer.example"
    )
    report = check(server, sign(DID, f"{DID}#key-1"))
    expect(report, "proof", Status.FAILED, "PROOF_VERIFICATION_ERROR", "signed with another key")
    assert not report.verified


@pytest.mark.parametrize(
    "document",
    [
        controller_document(DID, relationships=("authentication",)),
        controller_document(DID, relationships=()),
        controller_document(DID, relationships=("keyAgreement", "capabilityInvocation")),
        {  # embedded under authentication only, no verificationMethod section
            "@context": DID_CONTEXT,
            "id": DID,
            "authentication": [KEY.verification_method_document(id=f"{DID}#key-1")],
        },
    ],
    ids=["authentication", "no-relationship", "other-relationships", "embedded-authentication"],
)
def test_key_not_under_assertion_method(server: HTTPSServer, document: dict[str, Any]) -> None:
    server.route("/.well-known/did.json", json=document, host="issuer.example")
    report = check(server, sign(DID, f"{DID}#key-1"))
    expect(report, "proof", Status.PASSED)
    expect(
        report,
        "issuer",
        Status.FAILED,
        "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD",
        f"does not list {DID}#key-1 under assertionMethod",
    )
    assert not report.verified


@pytest.mark.parametrize(
    ("mark", "said"),
    [
        ({"revoked": "2025-12-01T00:00:00Z"}, "is revoked"),
        ({"revoked": "2099-01-01T00:00:00Z"}, "is revoked"),  # revoked is revoked
        ({"expires": "2026-02-01T00:00:00Z"}, "expired at 2026-02-01T00:00:00Z"),
        ({"expires": "next year"}, "'expires' that is not a date-time"),
    ],
)
def test_a_revoked_or_expired_method_verifies_nothing(
    server: HTTPSServer, mark: dict[str, str], said: str
) -> None:
    document = controller_document(DID)
    document["verificationMethod"][0].update(mark)
    server.route("/.well-known/did.json", json=document, host="issuer.example")
    report = check(server, sign(DID, f"{DID}#key-1"))
    expect(report, "proof", Status.FAILED, "INVALID_VERIFICATION_METHOD", said)
    assert not report.verified


def test_a_method_expiring_later_still_verifies(server: HTTPSServer) -> None:
    document = controller_document(DID)
    document["verificationMethod"][0]["expires"] = "2999-01-01T00:00:00Z"
    server.route("/.well-known/did.json", json=document, host="issuer.example")
    expect_verified(check(server, sign(DID, f"{DID}#key-1")))


def test_did_web_key_of_another_controller(server: HTTPSServer) -> None:
    """Signed with example.edu's (valid, published) key, claiming issuer.example's name."""
    other = "did:web:example.edu"
    server.route("/.well-known/did.json", json=controller_document(other), host="example.edu")
    report = check(server, forge(DID, f"{other}#key-1"))
    expect(report, "proof", Status.PASSED)
    expect(
        report,
        "issuer",
        Status.FAILED,
        "ISSUER_MISMATCH",
        DID,
        f"controlled by {other}",
    )
    assert report.check("issuer").pointer == "/issuer"
    assert not report.verified


def test_did_web_method_naming_another_controller(server: HTTPSServer) -> None:
    """The issuer's own DID document lists the key, but says someone else controls it."""
    document = controller_document(DID, controller="did:web:example.edu")
    server.route("/.well-known/did.json", json=document, host="issuer.example")
    report = check(server, sign(DID, f"{DID}#key-1"))
    expect(
        report,
        "proof",
        Status.FAILED,
        "INVALID_VERIFICATION_METHOD",
        "names controller 'did:web:example.edu'",
    )
    assert not report.verified


def test_did_web_document_that_is_a_jwk_set_is_not_a_did_document(server: HTTPSServer) -> None:
    jwk = {**KEY.public_jwk(), "kid": "key-1"}
    server.route("/.well-known/did.json", json={"keys": [jwk]}, host="issuer.example")
    report = check(server, sign(DID, f"{DID}#key-1"))
    expect(report, "proof", Status.FAILED, "INVALID_VERIFICATION_METHOD", "does not contain")
    assert not report.verified


@pytest.mark.parametrize(
    ("did", "reason"),
    [
        ("did:web:", "not a valid did:web identifier"),
        ("did:web:issuer.example:", "not a valid did:web identifier"),
        ("did:web:issuer.example::alice", "not a valid did:web identifier"),
        ("did:web:user%40evil.example", "invalid host"),
        ("did:web:evil.example%2Fissuer.example", "invalid host"),
        ("did:web:issuer.example%3F.evil", "invalid host"),
        ("did:web:...", "invalid host"),
        ("did:web:issuer.example:..:admin", "invalid path"),
        ("did:web:issuer.example:a%2F..%2F..%2Fadmin", "invalid path"),
    ],
)
def test_malformed_did_web(server: HTTPSServer, did: str, reason: str) -> None:
    report = check(server, sign(did, f"{did}#key-1"))
    expect(report, "proof", Status.FAILED, "MALFORMED_CREDENTIAL", reason)
    assert report.check("proof").pointer == "/proof/verificationMethod"
    assert server.requests == []


# -- HTTPS controller documents and verification-method documents --------------------------


@pytest.mark.parametrize("relative", [True, False], ids=["relative-ids", "absolute-ids"])
@pytest.mark.parametrize(
    ("kind", "context"),
    [
        ("Multikey", CID_CONTEXT),
        ("Ed25519VerificationKey2020", "https://w3id.org/security/suites/ed25519-2020/v1"),
        ("JsonWebKey", CID_CONTEXT),
        ("JsonWebKey2020", "https://w3id.org/security/suites/jws-2020/v1"),
    ],
)
def test_https_controller_document(
    server: HTTPSServer, kind: str, context: str, relative: bool
) -> None:
    document = controller_document(ISSUER, kind=kind, relative=relative, context=[context])
    if kind.startswith("JsonWebKey"):
        assert document["verificationMethod"][0]["publicKeyJwk"]["kty"] == "OKP"
    server.route(ISSUER_PATH, json=document, host="issuer.example")
    report = check(server, sign(ISSUER, METHOD))
    expect_verified(report)
    expect(report, "proof", Status.PASSED, None, f"signature by {METHOD} is valid")


def test_verification_method_document(server: HTTPSServer) -> None:
    """A method published at its own URL (no fragment) names its controller document."""
    method = "https://issuer.example/keys/1"
    server.route("/keys/1", json=KEY.verification_method_document(id=method, controller=ISSUER))
    controller = {"@context": [CID_CONTEXT], "id": ISSUER, "assertionMethod": [method]}
    server.route(ISSUER_PATH, json=controller)
    report = check(server, forge(ISSUER, method))
    expect_verified(report)
    expect(report, "issuer", Status.PASSED, None, f"signed with {method}", f"issuer {ISSUER}")
    assert [r.path for r in server.requests] == ["/keys/1", ISSUER_PATH]


@pytest.mark.parametrize(
    "controller",
    [
        {"id": ISSUER},
        {"id": ISSUER, "authentication": ["https://issuer.example/keys/1"]},
        {"id": ISSUER, "assertionMethod": ["https://issuer.example/keys/2"]},
    ],
    ids=["not-listed", "authentication-only", "another-key-listed"],
)
def test_verification_method_document_not_listed_by_its_controller(
    server: HTTPSServer, controller: dict[str, Any]
) -> None:
    method = "https://issuer.example/keys/1"
    server.route("/keys/1", json=KEY.verification_method_document(id=method, controller=ISSUER))
    server.route(ISSUER_PATH, json=controller)
    report = check(server, forge(ISSUER, method))
    expect(report, "proof", Status.PASSED)
    expect(
        report,
        "issuer",
        Status.FAILED,
        "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD",
        f"does not list {method} under assertionMethod",
    )
    assert not report.verified


def test_verification_method_document_claiming_a_victims_controller(server: HTTPSServer) -> None:
    """An attacker's method document naming the issuer as controller does not make it theirs."""
    method = "https://example.com/keys/evil"
    server.route(
        "/keys/evil",
        json=ATTACKER.verification_method_document(id=method, controller=ISSUER),
        host="example.com",
    )
    server.route(ISSUER_PATH, json=controller_document(ISSUER), host="issuer.example")
    report = check(server, forge(ISSUER, method, ATTACKER))
    expect(report, "issuer", Status.FAILED, "INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD")
    assert not report.verified


def test_verification_method_document_with_another_id(server: HTTPSServer) -> None:
    method = "https://issuer.example/keys/1"
    published = KEY.verification_method_document(
        id="https://issuer.example/keys/2", controller=ISSUER
    )
    server.route("/keys/1", json=published)
    server.route(ISSUER_PATH, json={"id": ISSUER, "assertionMethod": [method]})
    report = check(server, forge(ISSUER, method))
    expect(report, "proof", Status.FAILED, "INVALID_VERIFICATION_METHOD", "does not contain")


@pytest.mark.parametrize("via_method_document", [False, True])
def test_controller_document_whose_id_is_another_url(
    server: HTTPSServer, via_method_document: bool
) -> None:
    elsewhere = "https://issuer.example/issuers/2"
    if via_method_document:
        method = "https://issuer.example/keys/1"
        server.route("/keys/1", json=KEY.verification_method_document(id=method, controller=ISSUER))
        server.route(ISSUER_PATH, json={"id": elsewhere, "assertionMethod": [method]})
        credential = forge(ISSUER, method)
    else:
        document = controller_document(ISSUER)
        document["id"] = elsewhere
        server.route(ISSUER_PATH, json=document)
        credential = sign(ISSUER, METHOD)
    report = check(server, credential)
    expect(
        report,
        "proof",
        Status.FAILED,
        "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID",
        f"has id '{elsewhere}'",
    )
    assert not report.verified


def test_secret_key_material_in_a_published_document_is_refused(server: HTTPSServer) -> None:
    document = controller_document(ISSUER, kind="JsonWebKey")
    document["verificationMethod"][0]["publicKeyJwk"] = KEY.private_jwk()
    server.route(ISSUER_PATH, json=document)
    report = check(server, sign(ISSUER, METHOD))
    expect(
        report,
        "proof",
        Status.FAILED,
        "INVALID_VERIFICATION_METHOD",
        f"the key of verification method {METHOD} is unusable",
        "must never be published",
    )
    assert report.check("proof").pointer == "/proof/verificationMethod"


# -- did:jwk -------------------------------------------------------------------------------


def test_did_jwk_round_trip(server: HTTPSServer) -> None:
    did = did_jwk()
    report = check(server, sign(did, f"{did}#0"))
    expect_verified(report)
    assert report.issuer == did
    assert server.requests == []


@pytest.mark.parametrize(
    ("did", "method", "reason"),
    [
        ("did:jwk:!!!", "did:jwk:!!!#0", "not base64url-encoded JSON"),
        (
            "did:jwk:" + b64url_encode(b"not json"),
            "did:jwk:" + b64url_encode(b"not json") + "#0",
            "not base64url-encoded JSON",
        ),
        (
            "did:jwk:" + b64url_encode(b"[1, 2]"),
            "did:jwk:" + b64url_encode(b"[1, 2]") + "#0",
            "does not encode a JSON object",
        ),
        (did_jwk(), f"{did_jwk()}#1", "not a did:jwk verification method"),
        (did_jwk(), did_jwk(), "not a did:jwk verification method"),
        (
            did_jwk(jwk={"kty": "oct", "k": "AA"}),
            did_jwk(jwk={"kty": "oct", "k": "AA"}) + "#0",
            "unusable at /publicKeyJwk/kty: unsupported JWK kty 'oct'",
        ),
        (
            did_jwk(jwk={"kty": "OKP", "crv": "Ed25519", "x": "AA"}),
            did_jwk(jwk={"kty": "OKP", "crv": "Ed25519", "x": "AA"}) + "#0",
            "unusable at /publicKeyJwk/x",
        ),
        (did_jwk(jwk=KEY.private_jwk()), did_jwk(jwk=KEY.private_jwk()) + "#0", "secret key"),
    ],
    ids=["not-base64", "not-json", "not-an-object", "wrong-fragment", "no-fragment", "oct-key",
         "short-key", "private-key"],
)  # fmt: skip
def test_malformed_did_jwk(server: HTTPSServer, did: str, method: str, reason: str) -> None:
    report = check(server, sign(did, method))
    expect(report, "proof", Status.FAILED, "INVALID_VERIFICATION_METHOD", reason)
    assert report.check("proof").pointer == "/proof/verificationMethod"  # into the credential
    assert not report.verified
    assert server.requests == []


# -- JWK Sets ------------------------------------------------------------------------------


@pytest.fixture
def jwks(server: HTTPSServer) -> HTTPSServer:
    keys = [{**OTHER.public_jwk(), "kid": "old"}, {**KEY.public_jwk(), "kid": "2026-01"}]
    server.route(JWKS_PATH, json={"keys": keys}, host="issuer.example")
    return server


@pytest.mark.parametrize(
    "issuer", [ISSUER, "https://issuer.example", "https://issuer.example/profiles/a?x=1"]
)
def test_jwk_set_binds_issuers_on_its_origin(jwks: HTTPSServer, issuer: str) -> None:
    report = check(jwks, forge(issuer, f"{JWKS_URL}#2026-01"))
    expect_verified(report)
    assert jwks.fetched(JWKS_PATH, "issuer.example") == 1


@pytest.mark.parametrize(
    "issuer",
    [
        "https://example.edu/issuers/1",
        "https://evil.issuer.example/issuers/1",
        "https://issuer.example:8443/issuers/1",
        "http://issuer.example/issuers/1",
        DID,
    ],
)
def test_jwk_set_on_another_origin_is_an_issuer_mismatch(jwks: HTTPSServer, issuer: str) -> None:
    report = check(jwks, forge(issuer, f"{JWKS_URL}#2026-01"))
    expect(report, "proof", Status.PASSED)
    expect(
        report, "issuer", Status.FAILED, "ISSUER_MISMATCH", "controlled by https://issuer.example"
    )
    assert not report.verified


@pytest.mark.parametrize(("kid", "count"), [("missing", 0), ("twice", 2)])
def test_jwk_set_needs_exactly_one_key_with_the_kid(
    server: HTTPSServer, kid: str, count: int
) -> None:
    keys = [{**KEY.public_jwk(), "kid": "twice"}, {**OTHER.public_jwk(), "kid": "twice"}]
    server.route(JWKS_PATH, json={"keys": keys}, host="issuer.example")
    report = check(server, forge(ISSUER, f"{JWKS_URL}#{kid}"))
    expect(report, "proof", Status.FAILED, "INVALID_VERIFICATION_METHOD", f"has {count} keys")


def test_jwk_set_key_signed_by_another_key(jwks: HTTPSServer) -> None:
    report = check(jwks, forge(ISSUER, f"{JWKS_URL}#old"))
    expect(report, "proof", Status.FAILED, "PROOF_VERIFICATION_ERROR")


# -- the 1EdTech validator's trap: the key in the fragment ----------------------------------

EDU_ISSUER = "https://example.edu/issuers/565049"


def _trap() -> dict[str, Any]:
    method = f"{EDU_ISSUER}#{ATTACKER.public_key_multibase}"
    return sign(EDU_ISSUER, method, ATTACKER)


def test_key_in_the_fragment_is_never_trusted(server: HTTPSServer) -> None:
    files = load_json(SPEC_EXAMPLES / "url-map.json")["urls"]
    document = load_json(SPEC_EXAMPLES / files[EDU_ISSUER])
    server.route("/issuers/565049", json=document, host="example.edu")
    report = check(server, _trap())
    expect(
        report,
        "proof",
        Status.FAILED,
        "INVALID_VERIFICATION_METHOD",
        f"{EDU_ISSUER} does not contain the verification method",
    )
    assert not report.verified
    assert server.fetched("/issuers/565049", "example.edu") == 1


def test_key_in_the_fragment_is_never_trusted_offline_or_unpublished(server: HTTPSServer) -> None:
    with Verifier(pins=url_map_pins(), offline=True, now=NOW) as v:
        expect(v.check(_trap()), "proof", Status.FAILED, "INVALID_VERIFICATION_METHOD")
    unpublished = check(server, _trap())  # nothing served: 404, never "the fragment will do"
    expect(unpublished, "proof", Status.INDETERMINATE, "NOT_FOUND")
    assert not unpublished.verified


# -- faults: every one an indeterminate proof check, quickly ---------------------------------

SECRET = "SECRET-7f3a"


def _route_fault(server: HTTPSServer, fault: str) -> None:
    path = ISSUER_PATH
    if fault == "404":
        server.route(path, json={"error": SECRET}, status=404)
    elif fault == "500":
        server.route(path, json={"error": SECRET}, status=500)
    elif fault == "invalid-json":
        server.route(path, body=b'{"id": "' + SECRET.encode())
    elif fault == "json-array":
        server.route(path, json=[controller_document(ISSUER)])
    elif fault == "wrong-content-type":
        server.route(path, json=controller_document(ISSUER), content_type="text/html")
    elif fault == "hanging-server":
        server.route(path, json=controller_document(ISSUER), delay=3)
    elif fault == "slow-drip":
        server.route(path, **drip(json.dumps(controller_document(ISSUER)).encode(), 0.05, 4))
    elif fault == "oversized":
        server.huge(path, 4 * 1024 * 1024)
    elif fault == "oversized-stream":
        server.huge(path, 4 * 1024 * 1024, content_length=False)
    elif fault == "endless-redirects":
        server.redirect(path, path)
    elif fault == "redirect-loop":
        server.redirect(path, "/issuers/loop")
        server.redirect("/issuers/loop", path)
    else:  # pragma: no cover
        raise AssertionError(fault)


FAULTS = [
    # (fault, code, message fragment)
    ("404", "NOT_FOUND", "was not found (HTTP 404)"),
    ("500", "HTTP_BAD_STATUS", "answered HTTP 500"),
    ("invalid-json", "HTTP_INVALID_JSON", "is not valid JSON"),
    ("json-array", "HTTP_INVALID_JSON", "is not valid JSON"),
    ("wrong-content-type", "HTTP_BAD_CONTENT_TYPE", "'text/html', not JSON"),
    ("hanging-server", "HTTP_TIMEOUT", "timed out"),
    ("slow-drip", "HTTP_TIMEOUT", "timed out"),
    ("oversized", "HTTP_TOO_LARGE", "more than 65536 bytes"),
    ("oversized-stream", "HTTP_TOO_LARGE", "more than 65536 bytes"),
    ("endless-redirects", "HTTP_REDIRECTS", "more than 3 redirects"),
    ("redirect-loop", "HTTP_REDIRECTS", "more than 3 redirects"),
]
# Small limits: every fault must end well within them.
FAST = {"read_timeout": 0.3, "total_timeout": 0.6, "max_bytes": 64 * 1024}


def expect_indeterminate(report: VerificationReport, code: str, *fragments: str) -> None:
    expect(report, "proof", Status.INDETERMINATE, code, *fragments)
    assert report.check("proof").pointer == "/proof/verificationMethod"
    expect(report, "issuer", Status.SKIPPED)
    assert not report.verified
    assert SECRET not in json.dumps(report.to_dict())


@pytest.mark.parametrize(("fault", "code", "fragment"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_is_indeterminate(server: HTTPSServer, fault: str, code: str, fragment: str) -> None:
    _route_fault(server, fault)
    credential = sign(ISSUER, METHOD)
    started = time.monotonic()
    report = check(server, credential, **FAST)
    assert time.monotonic() - started < FAST["total_timeout"] + 1.0
    expect_indeterminate(report, code, fragment, "https://issuer.example/issuers/")


def _public(server: HTTPSServer) -> Verifier:
    """The default policy (no private networks), trusting the test CA; pair with fake_dns()."""
    return Verifier(http=server.public_policy(total_timeout=2), now=NOW)


@pytest.mark.parametrize(
    "target",
    [
        "https://127.0.0.1:{port}/secret",
        "https://localhost:{port}/secret",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.1/secret",
        "https://[::ffff:127.0.0.1]:{port}/secret",
    ],
)
def test_redirect_to_a_private_address_is_refused(server: HTTPSServer, target: str) -> None:
    server.route("/secret", json=controller_document(ISSUER))
    server.redirect(ISSUER_PATH, target.format(port=server.port), host="issuer.example")
    with server.fake_dns(), _public(server) as v:
        report = v.check(sign(ISSUER, METHOD))
    expect_indeterminate(report, "HTTP_REFUSED_ADDRESS", "allow_private_networks")
    assert server.fetched(ISSUER_PATH) == 1
    assert server.fetched("/secret") == 0


def test_the_default_policy_reaches_a_public_address(server: HTTPSServer) -> None:
    server.route(ISSUER_PATH, json=controller_document(ISSUER), host="issuer.example")
    with server.fake_dns(), _public(server) as v:
        expect_verified(v.check(sign(ISSUER, METHOD)))


@pytest.mark.parametrize("answers", [["10.0.0.5"], ["169.254.169.254"], ["127.0.0.1"]])
def test_hostname_resolving_to_a_private_address_is_refused(
    server: HTTPSServer, answers: list[str]
) -> None:
    server.route(ISSUER_PATH, json=controller_document(ISSUER))
    with server.fake_dns({"issuer.example": answers}), _public(server) as v:
        report = v.check(sign(ISSUER, METHOD))
    expect_indeterminate(report, "HTTP_REFUSED_ADDRESS", f"issuer.example resolves to {answers[0]}")
    assert server.requests == []


def test_did_web_resolving_to_a_private_address_is_refused(server: HTTPSServer) -> None:
    server.route("/.well-known/did.json", json=controller_document(DID))
    with server.fake_dns({"issuer.example": ["192.168.1.10"]}), _public(server) as v:
        report = v.check(sign(DID, f"{DID}#key-1"))
    expect_indeterminate(report, "HTTP_REFUSED_ADDRESS", "192.168.1.10")
    assert server.requests == []


@pytest.mark.parametrize("allow_http", [False, True])
def test_redirect_downgrading_to_http_is_refused(server: HTTPSServer, allow_http: bool) -> None:
    with HTTPSServer(hostnames=["issuer.example"], tls=False) as plain:
        plain.route(ISSUER_PATH, json=controller_document(ISSUER))
        server.redirect(ISSUER_PATH, plain.url(ISSUER_PATH, host="issuer.example"))
        report = check(server, sign(ISSUER, METHOD), allow_http=allow_http)
        assert plain.requests == []
    fragment = "redirects to plain http" if allow_http else "is not https"
    expect_indeterminate(report, "HTTP_INSECURE", fragment)


def test_plain_http_method_url_is_refused(server: HTTPSServer) -> None:
    issuer = "http://issuer.example/issuers/1"
    report = check(server, sign(issuer, f"{issuer}#key-1"))
    expect_indeterminate(report, "HTTP_INSECURE", "is not https (see allow_http)")
    assert server.requests == []


def test_connect_timeout_is_indeterminate() -> None:
    """A real connect timeout needs an address that drops SYNs: not available on loopback."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    with HttpClient(HTTPPolicy(), transport=httpx.MockTransport(handler)) as client:
        verifier = Verifier(resolver=default_resolver(client.get_json), now=NOW)
        report = verifier.check(sign(ISSUER, METHOD))
    expect(report, "proof", Status.INDETERMINATE, "HTTP_TIMEOUT", "timed out")
    assert not report.verified


def test_unsupported_identifier_is_indeterminate(server: HTTPSServer) -> None:
    did = "did:example:123"
    report = check(server, sign(did, f"{did}#key-1"))
    expect(report, "proof", Status.INDETERMINATE, "INVALID_VERIFICATION_METHOD_URL", "no resolver")


# -- offline and pins ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issuer", "method"), [(ISSUER, METHOD), (DID, f"{DID}#key-1")], ids=["https", "did:web"]
)
def test_offline_never_touches_the_server(published: HTTPSServer, issuer: str, method: str) -> None:
    published.route("/.well-known/did.json", json=controller_document(DID))
    with Verifier(http=published.policy(), offline=True, now=NOW) as v:
        report = v.check(sign(issuer, method))
    expect(report, "proof", Status.INDETERMINATE, "DOCUMENT_LOAD_ERROR", "offline", "pin")
    assert not report.verified
    assert published.requests == []


def test_offline_did_key_and_did_jwk_still_verify(server: HTTPSServer) -> None:
    with Verifier(http=server.policy(), offline=True, now=NOW) as v:
        expect_verified(v.check(sign(KEY.did, KEY.verification_method)))
        expect_verified(v.check(sign(did_jwk(), f"{did_jwk()}#0")))
    assert server.requests == []


def test_pins_take_precedence_over_the_network(server: HTTPSServer) -> None:
    server.route(ISSUER_PATH, json=controller_document(ISSUER, OTHER))  # a different key
    pins = {ISSUER: controller_document(ISSUER)}
    with Verifier(http=server.policy(), pins=pins, now=NOW) as v:
        expect_verified(v.check(sign(ISSUER, METHOD)))
    assert server.requests == []


def test_pinned_as_not_found(published: HTTPSServer) -> None:
    with Verifier(http=published.policy(), pins={ISSUER: None}, now=NOW) as v:
        report = v.check(sign(ISSUER, METHOD))
    expect(report, "proof", Status.INDETERMINATE, "NOT_FOUND", "pinned as not found")
    assert published.requests == []


def test_unpinned_documents_still_come_from_the_network(published: HTTPSServer) -> None:
    with Verifier(http=published.policy(), pins=url_map_pins(), now=NOW) as v:
        expect_verified(v.check(sign(ISSUER, METHOD)))
    assert published.fetched(ISSUER_PATH) == 1


def test_did_web_pinned_by_its_did(server: HTTPSServer) -> None:
    """StaticResolver documents 'URL or DID -> document'; a did:web DID pin must work too."""
    credential = sign(DID, f"{DID}#key-1")
    by_url = {"https://issuer.example/.well-known/did.json": controller_document(DID)}
    for pins in ({DID: controller_document(DID)}, by_url):
        expect_verified(microcred.check(credential, resolver=StaticResolver(pins), now=NOW))
        with Verifier(pins=pins, offline=True, now=NOW) as v:
            expect_verified(v.check(credential))
    url_wins = {
        DID: controller_document(DID),
        "https://issuer.example/.well-known/did.json": controller_document(DID, OTHER),
    }
    report = microcred.check(credential, resolver=StaticResolver(url_wins), now=NOW)
    expect(report, "proof", Status.FAILED, "PROOF_VERIFICATION_ERROR")
    report = microcred.check(credential, resolver=StaticResolver({DID: None}), now=NOW)
    expect(report, "proof", Status.INDETERMINATE, "NOT_FOUND")


def test_static_resolver_bare_key_pin(server: HTTPSServer) -> None:
    resolver = StaticResolver({METHOD: KEY})
    expect_verified(microcred.check(sign(ISSUER, METHOD), resolver=resolver, now=NOW))
    assert server.requests == []


# -- caching ---------------------------------------------------------------------------------


@pytest.fixture
def two_badges() -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        sign(ISSUER, METHOD, name="Teamwork", ident="urn:uuid:1"),
        sign(ISSUER, METHOD, name="Leadership", ident="urn:uuid:2"),
    )


def test_controller_document_fetched_once_per_verifier(
    published: HTTPSServer, two_badges: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    with verifier(published) as v:
        for credential in two_badges:
            expect_verified(v.check(credential))
    assert published.fetched(ISSUER_PATH) == 1
    with verifier(published) as v:  # a new verifier has its own cache
        expect_verified(v.check(two_badges[0]))
    assert published.fetched(ISSUER_PATH) == 2


def test_did_document_fetched_once_per_verifier(server: HTTPSServer) -> None:
    server.route("/.well-known/did.json", json=controller_document(DID))
    with verifier(server) as v:
        for name in ("Teamwork", "Leadership", "Empathy"):
            expect_verified(v.check(sign(DID, f"{DID}#key-1", name=name)))
    assert server.fetched("/.well-known/did.json") == 1


def test_failed_fetch_is_not_cached(server: HTTPSServer) -> None:
    server.route(ISSUER_PATH, status=503)
    credential = sign(ISSUER, METHOD)
    with verifier(server) as v:
        expect(v.check(credential), "proof", Status.INDETERMINATE, "HTTP_BAD_STATUS")
        server.route(ISSUER_PATH, json=controller_document(ISSUER))
        expect_verified(v.check(credential))


def test_extra_resolvers_by_prefix_keep_the_built_in_ones() -> None:
    """A resolver for one more DID method is added by prefix; did:key still works, and a
    resolver the prefix does not name is never asked."""
    key = Ed25519Key.from_seed(b"x" * 32)
    did = "did:example:school"
    asked: list[str] = []

    def resolve_example(method_id: str, /) -> microcred.ResolvedKey:
        asked.append(method_id)
        return microcred.ResolvedKey(key, method_id, did, frozenset({"assertionMethod"}))

    credential = microcred.issue(
        ob_badge(did), key, verification_method=f"{did}#k1", created="2026-01-01T00:00:00Z"
    )
    with Verifier(resolvers={"did:example:": resolve_example}, offline=True, now=NOW) as v:
        expect_verified(v.check(credential))
        assert asked == [f"{did}#k1"]
        expect_verified(
            v.check(microcred.issue(ob_badge(key.did), key, created="2026-01-01T00:00:00Z"))
        )
        assert len(asked) == 1
    without = microcred.check(credential, offline=True, now=NOW)
    assert without.check("proof").status is Status.INDETERMINATE
    assert "no resolver for this kind of identifier" in without.check("proof").message
