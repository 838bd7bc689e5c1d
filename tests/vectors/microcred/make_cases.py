#!/usr/bin/env python
"""Rebuild the adversarial corpus in ``verify/``: ``python tests/vectors/microcred/make_cases.py``.

Every case is a self-describing JSON file (see ``verify/SOURCES.md``)::

    {"id", "description", "now", "input", "pins"?, "options"?,
     "expect": {"verified", "check", "status", "code", "pointer"?, "warning"?}}

The expectations are written here from the specifications, never read back from microcred:
that is how the corpus finds bugs. Everything is deterministic — keys come from fixed seeds,
``created`` and ``now`` are fixed, Ed25519 and RSA PKCS#1 v1.5 signatures are deterministic and
gzip output carries no timestamp — so running this twice gives byte-identical files.
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import hmac
import json
import math
import random
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import microcred
from microcred import Ed25519Key, RSAKey, StatusList
from microcred._jose import sign_compact
from microcred._multibase import b64url_encode, decode_multibase, encode_multibase
from microcred.suites import ProofOptions, add_proof, suite_for

HERE = Path(__file__).resolve().parent
OUT = HERE / "verify"
NOW = "2026-11-22T12:00:00Z"
CREATED = "2026-01-01T00:00:00Z"

V2 = "https://www.w3.org/ns/credentials/v2"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EXT = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"

PROOF_ERROR = "PROOF_VERIFICATION_ERROR"
MALFORMED_PROOF = "MALFORMED_PROOF_ERROR"
DATA_LOSS = "DATA_LOSS_DETECTION_ERROR"
MALFORMED = "MALFORMED_CREDENTIAL"
UNSUPPORTED = "UNSUPPORTED_CRYPTOSUITE"


# -- keys -----------------------------------------------------------------------------------


def seeded_key(label: str) -> Ed25519Key:
    return Ed25519Key.from_seed(hashlib.sha256(f"microcred-adversarial/{label}".encode()).digest())


ISSUER = seeded_key("issuer")
OTHER = seeded_key("other-issuer")
HOLDER = seeded_key("holder")
HTTPS_KEY = seeded_key("https-issuer")
HTTPS_OTHER_KEY = seeded_key("https-other-issuer")

HTTPS_ISSUER = "https://issuer.example/issuers/1"
HTTPS_OTHER = "https://other.example/issuers/2"
RSA_ISSUER = "https://issuer.example/issuers/rsa"
RSA_KID = f"{RSA_ISSUER}#key-1"
LIST_URL = "https://issuer.example/status/1"


def _is_probable_prime(n: int, rng: random.Random) -> bool:
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(40):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _int_b64(value: int) -> str:
    return b64url_encode(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def seeded_rsa(label: str, bits: int = 2048) -> RSAKey:
    """A deterministic RSA key: primes drawn from a PRNG seeded with ``label`` (test use only)."""
    rng = random.Random(hashlib.sha256(f"microcred-adversarial/{label}".encode()).digest())
    e = 65537

    def prime() -> int:
        while True:
            candidate = rng.getrandbits(bits // 2) | (3 << (bits // 2 - 2)) | 1
            if math.gcd(candidate - 1, e) == 1 and _is_probable_prime(candidate, rng):
                return candidate

    p, q = prime(), prime()
    p, q = max(p, q), min(p, q)
    n, d = p * q, pow(e, -1, math.lcm(p - 1, q - 1))
    members = {"n": n, "e": e, "d": d, "p": p, "q": q, "dp": d % (p - 1), "dq": d % (q - 1)}
    members["qi"] = pow(q, -1, p)
    return RSAKey.from_jwk({"kty": "RSA", **{k: _int_b64(v) for k, v in members.items()}})


RSA = seeded_rsa("rsa-issuer")


def controller_document(controller: str, methods: list[dict[str, Any]], **relations: list[str]):
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": controller,
        "verificationMethod": methods,
        **relations,
    }


def multikey_method(key: Ed25519Key, controller: str, fragment: str = "key-1") -> dict[str, Any]:
    return key.verification_method_document(id=f"{controller}#{fragment}", controller=controller)


HTTPS_DOC = controller_document(
    HTTPS_ISSUER,
    [multikey_method(HTTPS_KEY, HTTPS_ISSUER), multikey_method(OTHER, HTTPS_ISSUER, "auth-only")],
    assertionMethod=[f"{HTTPS_ISSUER}#key-1"],
    authentication=[f"{HTTPS_ISSUER}#key-1", f"{HTTPS_ISSUER}#auth-only"],
)
HTTPS_OTHER_DOC = controller_document(
    HTTPS_OTHER,
    [multikey_method(HTTPS_OTHER_KEY, HTTPS_OTHER)],
    assertionMethod=[f"{HTTPS_OTHER}#key-1"],
)
RSA_DOC = {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
    "id": RSA_ISSUER,
    "verificationMethod": [
        {
            "id": RSA_KID,
            "type": "JsonWebKey",
            "controller": RSA_ISSUER,
            "publicKeyJwk": RSA.public_jwk(),
        }
    ],
    "assertionMethod": [RSA_KID],
}
HTTPS_PINS = {HTTPS_ISSUER: HTTPS_DOC, HTTPS_OTHER: HTTPS_OTHER_DOC}
RSA_PINS = {RSA_ISSUER: RSA_DOC}


# -- credentials ------------------------------------------------------------------------------

RESULT_ID = "urn:uuid:7d2c3e1a-5b4f-4a6e-9c8d-0e1f2a3b4c5d"


def badge(
    issuer: str,
    *,
    ident: str = "urn:uuid:a63a60be-f4af-491c-87fc-2c8fd3007a58",
    name: str = "Teamwork",
    extra_context: tuple[str, ...] = (),
    **extra: Any,
) -> dict[str, Any]:
    """An OB 3.0 badge with a little of everything: profile, dates, set and list arrays."""
    return {
        "@context": [V2, OB, *extra_context],
        "id": ident,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": issuer,
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://example.edu/",
        },
        "validFrom": "2026-01-01T00:00:00Z",
        "validUntil": "2031-01-01T00:00:00Z",
        "name": name,
        "description": "Awarded for teamwork.",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/teamwork",
                "type": ["Achievement"],
                "name": name,
                "description": "Works well in a team.",
                "criteria": {"narrative": "Completed the group project."},
                "image": {"id": "https://example.edu/images/teamwork.png", "type": "Image"},
                "tag": ["teamwork", "collaboration", "projects"],
                "creditsAvailable": 3.5,
                "resultDescription": [
                    {
                        "id": RESULT_ID,
                        "type": ["ResultDescription"],
                        "name": "Grade",
                        "resultType": "LetterGrade",
                        "allowedValue": ["A", "B", "C"],
                    }
                ],
            },
            "result": [{"type": ["Result"], "resultDescription": RESULT_ID, "value": "A"}],
        },
        **extra,
    }


def sign(
    document: dict[str, Any],
    key: Ed25519Key,
    suite: str = "eddsa-rdfc-2022",
    *,
    method: str | None = None,
    purpose: str = "assertionMethod",
    created: str | None = CREATED,
    **options: Any,
) -> dict[str, Any]:
    """Add a proof without issue()'s conformance checks (an attacker has no such scruples)."""
    proof_options = ProofOptions(
        verification_method=method or key.verification_method,
        proof_purpose=purpose,
        created=created,
        **options,
    )
    return add_proof(document, key, suite_for(suite), proof_options)


def rdfc_badge(issuer_key: Ed25519Key = ISSUER, **kw: Any) -> dict[str, Any]:
    return microcred.issue(badge(issuer_key.did, **kw), issuer_key, created=CREATED)


BASES: dict[str, dict[str, Any]] = {
    "rdfc": microcred.issue(badge(ISSUER.did), ISSUER, created=CREATED),
    "jcs": microcred.issue(badge(ISSUER.did), ISSUER, suite="eddsa-jcs-2022", created=CREATED),
    "ed2020": microcred.issue(
        badge(ISSUER.did, extra_context=(ED2020,)),
        ISSUER,
        suite="Ed25519Signature2020",
        created=CREATED,
    ),
    "https": microcred.issue(
        badge(HTTPS_ISSUER),
        HTTPS_KEY,
        created=CREATED,
        verification_method=f"{HTTPS_ISSUER}#key-1",
    ),
}
BASES = {name: json.loads(json.dumps(signed)) for name, signed in BASES.items()}
BASE_PINS = {"https": HTTPS_PINS}
SUITE_OF = {"rdfc": "eddsa-rdfc-2022", "jcs": "eddsa-jcs-2022", "ed2020": "Ed25519Signature2020"}
SUITE_OF["https"] = "eddsa-rdfc-2022"
RDF_BASED = {"rdfc", "ed2020", "https"}


# -- JWT helpers ------------------------------------------------------------------------------


def b64json(value: Any) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def unb64json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def jwt_parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    head, body, signature = token.split(".")
    return unb64json(head), unb64json(body), signature


def resign_jwt(header: dict[str, Any], payload: dict[str, Any], key: Any) -> str:
    """A validly signed token with any header and payload."""
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return sign_compact(data, key, header)


def unsigned_jwt(header: dict[str, Any], payload: dict[str, Any], signature: bytes = b"") -> str:
    return f"{b64json(header)}.{b64json(payload)}.{b64url_encode(signature)}"


JWT_ED = microcred.issue_jwt(badge(ISSUER.did), ISSUER)
JWT_RSA = microcred.issue_jwt(badge(RSA_ISSUER), RSA, kid=RSA_KID)


# -- status lists -----------------------------------------------------------------------------

STATUS_INDEX = 94567


def status_entry(index: str = str(STATUS_INDEX), purpose: str = "revocation") -> dict[str, Any]:
    return {
        "id": f"{LIST_URL}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index,
        "statusListCredential": LIST_URL,
    }


def status_list_credential(
    encoded: str | None = None,
    *,
    issuer: str = ISSUER.did,
    purpose: str = "revocation",
    **extra: Any,
) -> dict[str, Any]:
    listing = StatusList().to_credential(id=LIST_URL, issuer=issuer, purpose=purpose)
    listing["validFrom"] = "2026-01-01T00:00:00Z"
    if encoded is not None:
        listing["credentialSubject"]["encodedList"] = encoded
    listing.update(extra)
    return listing


def gzip_bomb(megabytes: int) -> bytes:
    """``megabytes`` MiB of zeros, gzip-compressed in a streaming way (~1 KB per MiB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


# -- the corpus -------------------------------------------------------------------------------

CASES: list[dict[str, Any]] = []


def add(
    ident: str,
    description: str,
    data: Any,
    *,
    verified: bool = False,
    check: str = "proof",
    status: str | None = None,
    code: str | None = None,
    pins: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    pointer: str | None = None,
    warning: str | None = None,
    image: bytes | None = None,
) -> None:
    expect: dict[str, Any] = {
        "verified": verified,
        "check": check,
        "status": status or ("passed" if verified else "failed"),
        "code": code,
    }
    if pointer is not None:
        expect["pointer"] = pointer
    if warning is not None:
        expect["warning"] = warning
    case: dict[str, Any] = {"id": ident, "description": description, "now": NOW}
    if image is not None:  # bytes travel as base64
        case["input"] = base64.b64encode(image).decode("ascii")
        case["input_encoding"] = "base64"
    else:
        case["input"] = json.loads(json.dumps(data))
    if pins:
        case["pins"] = pins
    if options:
        case["options"] = options
    case["expect"] = expect
    CASES.append(case)


def slug(path: tuple[Any, ...]) -> str:
    text = ".".join(str(p) for p in path) or "root"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text.replace("@", "at-"))


def leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, (*path, i))
    else:
        yield path, node


def tampered(value: Any) -> Any:
    """The smallest change of a leaf: flip a bool, add one, change the last character."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if value is None:
        return "null"
    return value[:-1] + ("x" if value[-1:] != "x" else "y") if value else "x"


def clone(doc: Any) -> Any:
    """A deep copy that shares nothing: a JSON round trip (deepcopy keeps aliased lists)."""
    return json.loads(json.dumps(doc))


def set_at(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = clone(doc)
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


def changed(doc: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    doc = clone(doc)
    change(doc)
    return doc


def is_type_value(path: tuple[Any, ...]) -> bool:
    return "type" in path[-2:] and path[0] != "proof"


def proof_value_code(value: str) -> str:
    try:
        return PROOF_ERROR if len(decode_multibase(value)) == 64 else MALFORMED_PROOF
    except ValueError:
        return MALFORMED_PROOF


def tamper_code(base: str, path: tuple[Any, ...], new: Any) -> str:
    """What the proof check must say when the leaf at ``path`` of a signed badge changes."""
    rdf = base in RDF_BASED
    if path[0] == "@context":
        return "UNKNOWN_CONTEXT" if rdf else MALFORMED_PROOF  # jcs: not the proof's context
    if path[0] == "proof":
        field = path[1]
        return {
            "@context": MALFORMED_PROOF,
            "type": UNSUPPORTED,
            "cryptosuite": UNSUPPORTED,
            "created": MALFORMED,  # no longer a date-time: the proof cannot be checked
            "verificationMethod": "INVALID_VERIFICATION_METHOD",
            "proofPurpose": "MISMATCHED_PROOF_PURPOSE_ERROR",
            "proofValue": proof_value_code(str(new)),
        }[field]
    if is_type_value(path) and rdf:
        return DATA_LOSS  # "Imagx" is no type the contexts define: it would be dropped
    return PROOF_ERROR


def tamper_family() -> None:
    for base, signed in BASES.items():
        for path, value in leaves(signed):
            new = tampered(value)
            if base == "https" and path[0] != "proof" and path != ("issuer", "id"):
                continue  # same body as rdfc: only its proof and issuer differ
            add(
                f"tamper-{base}-{slug(path)}",
                f"{SUITE_OF[base]} badge with /{'/'.join(map(str, path))} changed from "
                f"{value!r} to {new!r} after signing: the proof must fail",
                set_at(signed, path, new),
                code=tamper_code(base, path, new),
                pins=BASE_PINS.get(base),
            )
    for name, token, pins in (("eddsa", JWT_ED, None), ("rs256", JWT_RSA, RSA_PINS)):
        header, payload, signature = jwt_parts(token)
        for path, value in leaves(payload):
            new = tampered(value)
            body = b64json(set_at(payload, path, new))
            add(
                f"tamper-jwt-{name}-payload-{slug(path)}",
                f"VC-JWT ({header['alg']}) with payload /{'/'.join(map(str, path))} changed "
                f"from {value!r} to {new!r}; header and signature kept: the signature fails",
                f"{token.split('.')[0]}.{body}.{signature}",
                code=PROOF_ERROR,
                pins=pins,
            )
        header_codes = {"alg": UNSUPPORTED, "typ": MALFORMED_PROOF}
        header_codes["kid"] = "INVALID_VERIFICATION_METHOD"
        for field, value in header.items():
            new = tampered(value)
            head = b64json({**header, field: new})
            add(
                f"tamper-jwt-{name}-header-{field}",
                f"VC-JWT ({header['alg']}) with header {field!r} changed from {value!r} to "
                f"{new!r}: the proof fails",
                f"{head}.{token.split('.')[1]}.{signature}",
                code=header_codes[field],
                pins=pins,
            )
        raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
        for where, index in (("first", 0), ("last", len(raw) - 1)):
            flipped = bytearray(raw)
            flipped[index] ^= 0x01
            add(
                f"tamper-jwt-{name}-signature-{where}-byte",
                f"VC-JWT ({header['alg']}) with one bit of the {where} signature byte flipped",
                ".".join(token.split(".")[:2]) + "." + b64url_encode(bytes(flipped)),
                code=PROOF_ERROR,
                pins=pins,
            )


# -- added / removed / reordered / retyped ----------------------------------------------------

DEFINED_ADDITIONS = [
    (("credentialSubject", "achievement"), "humanCode", "TW-101"),
    (("credentialSubject", "achievement"), "fieldOfStudy", "Social skills"),
    (("issuer",), "email", "registrar@example.edu"),
    ((), "awardedDate", "2026-01-02T00:00:00Z"),
    (("credentialSubject",), "activityStartDate", "2025-09-01T00:00:00Z"),
    (("credentialSubject", "achievement", "criteria"), "id", "https://example.edu/criteria/1"),
]
UNDEFINED_ADDITIONS = [
    ((), "favouriteColour"),
    (("credentialSubject",), "favouriteColour"),
    (("credentialSubject", "achievement"), "favouriteColour"),
    (("credentialSubject", "achievement", "criteria"), "favouriteColour"),
    (("issuer",), "favouriteColour"),
    (("credentialSubject", "achievement", "image"), "favouriteColour"),
    (("credentialSubject", "result", 0), "favouriteColour"),
    (("proof",), "favouriteColour"),
]


def node_at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def addition_family() -> None:
    for base in ("rdfc", "jcs", "ed2020"):
        signed, rdf = BASES[base], base in RDF_BASED
        suite = SUITE_OF[base]
        for where, name, value in DEFINED_ADDITIONS:
            doc = changed(signed, lambda d, w=where, n=name, v=value: node_at(d, w).update({n: v}))
            add(
                f"add-defined-{base}-{slug((*where, name))}",
                f"{suite} badge with the defined OB term {name!r} added at /"
                f"{'/'.join(map(str, where))} after signing: it is signed data now, so the "
                "signature no longer matches",
                doc,
                code=PROOF_ERROR,
            )
        for where, name in UNDEFINED_ADDITIONS:
            doc = changed(signed, lambda d, w=where, n=name: node_at(d, w).update({n: "blue"}))
            note = (
                "RDF canonicalisation would drop it silently, so safe mode refuses it"
                if rdf
                else "eddsa-jcs-2022 signs the JSON itself (no JSON-LD processing), so the "
                "added member simply breaks the signature"
            )
            add(
                f"add-undefined-{base}-{slug((*where, name))}",
                f"{suite} badge with the undefined term {name!r} added at /"
                f"{'/'.join(map(str, where))}: {note}",
                doc,
                code=DATA_LOSS if rdf else PROOF_ERROR,
            )
    # What eddsa-jcs-2022 does with an undefined term the *issuer* signed: the JCS signature
    # covers it exactly, nothing is lost, so the proof holds (the suite does no JSON-LD).
    unsigned = badge(ISSUER.did)
    unsigned["credentialSubject"]["favouriteColour"] = "blue"
    add(
        "add-undefined-jcs-signed-by-issuer",
        "eddsa-jcs-2022 badge whose issuer signed an undefined term: the JCS signature covers the "
        "JSON byte for byte, nothing is dropped, so the proof is valid (the suite does no JSON-LD "
        "processing; eddsa-rdfc-2022 would refuse to sign it)",
        sign(unsigned, ISSUER, "eddsa-jcs-2022"),
        verified=True,
    )


def array_family() -> None:
    edits: list[tuple[str, str, Callable[[dict[str, Any]], Any], dict[str, str]]] = [
        (
            "type-add-defined",
            "'EndorsementCredential' appended to type",
            lambda d: d["type"].append("EndorsementCredential"),
            {"rdf": PROOF_ERROR, "jcs": PROOF_ERROR},
        ),
        (
            "type-remove-ob",
            "'OpenBadgeCredential' removed from type",
            lambda d: d["type"].remove("OpenBadgeCredential"),
            {"rdf": PROOF_ERROR, "jcs": PROOF_ERROR},
        ),
        (
            "type-duplicate",
            "'OpenBadgeCredential' listed twice in type (a set: same RDF)",
            lambda d: d["type"].append("OpenBadgeCredential"),
            {"rdf": "", "jcs": PROOF_ERROR},
        ),
        (
            "tag-add",
            "a fourth tag appended",
            lambda d: d["credentialSubject"]["achievement"]["tag"].append("leadership"),
            {"rdf": PROOF_ERROR, "jcs": PROOF_ERROR},
        ),
        (
            "tag-remove",
            "the last tag removed",
            lambda d: d["credentialSubject"]["achievement"]["tag"].pop(),
            {"rdf": PROOF_ERROR, "jcs": PROOF_ERROR},
        ),
        (
            "allowedValue-add",
            "'D' appended to the allowedValue @list",
            lambda d: d["credentialSubject"]["achievement"]["resultDescription"][0][
                "allowedValue"
            ].append("D"),
            {"rdf": PROOF_ERROR, "jcs": PROOF_ERROR},
        ),
        (
            "allowedValue-remove",
            "'C' removed from the allowedValue @list",
            lambda d: d["credentialSubject"]["achievement"]["resultDescription"][0][
                "allowedValue"
            ].pop(),
            {"rdf": PROOF_ERROR, "jcs": PROOF_ERROR},
        ),
        (
            "result-add",
            "a second Result appended",
            lambda d: d["credentialSubject"]["result"].append(
                {"type": ["Result"], "resultDescription": RESULT_ID, "value": "B"}
            ),
            {"rdf": PROOF_ERROR, "jcs": PROOF_ERROR},
        ),
        (
            "result-remove",
            "the only Result removed (an empty array)",
            lambda d: d["credentialSubject"]["result"].clear(),
            {"rdf": PROOF_ERROR, "jcs": PROOF_ERROR},
        ),
        (
            "context-remove-ob",
            "the OB context removed from @context",
            lambda d: d["@context"].remove(OB),
            {"rdf": DATA_LOSS, "jcs": MALFORMED_PROOF},
        ),
    ]
    reorders: list[tuple[str, str, Callable[[dict[str, Any]], Any], dict[str, str]]] = [
        (
            "type",
            "the type array reversed: JSON-LD arrays are unordered sets unless @list, so the RDF "
            "is the same",
            lambda d: d["type"].reverse(),
            {"rdf": "", "jcs": PROOF_ERROR},
        ),
        (
            "tag",
            "the tag array (an @set) reversed: the same RDF",
            lambda d: d["credentialSubject"]["achievement"]["tag"].reverse(),
            {"rdf": "", "jcs": PROOF_ERROR},
        ),
        (
            "allowedValue",
            "the allowedValue array reversed: it is an @list in the OB context, so order is signed",
            lambda d: d["credentialSubject"]["achievement"]["resultDescription"][0][
                "allowedValue"
            ].reverse(),
            {"rdf": PROOF_ERROR, "jcs": PROOF_ERROR},
        ),
        (
            "object-keys",
            "every object's keys in reverse order: neither RDF nor JCS (which sorts keys) sees it",
            reverse_keys,
            {"rdf": "", "jcs": ""},
        ),
    ]
    for base in ("rdfc", "jcs", "ed2020"):
        signed, kind = BASES[base], ("rdf" if base in RDF_BASED else "jcs")
        for name, what, edit, codes in edits:
            code = codes[kind]
            add(
                f"array-{base}-{name}",
                f"{SUITE_OF[base]} badge with {what} after signing",
                changed(signed, edit),
                verified=not code,
                code=code or None,
            )
        for name, what, edit, codes in reorders:
            code = codes[kind]
            doc = edit(copy.deepcopy(signed)) if name == "object-keys" else changed(signed, edit)
            add(
                f"reorder-{base}-{name}",
                f"{SUITE_OF[base]} badge with {what}"
                + ("" if code else ": the proof must still verify")
                + (
                    " (eddsa-jcs-2022 signs the JSON, where array order counts)"
                    if code and kind == "jcs"
                    else ""
                ),
                doc,
                verified=not code,
                code=code or None,
            )


def reverse_keys(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: reverse_keys(node[k]) for k in reversed(list(node))}
    if isinstance(node, list):
        return [reverse_keys(v) for v in node]
    return node


def typechange_family() -> None:
    signed_by = {"rdfc": BASES["rdfc"], "jcs": BASES["jcs"]}
    changes: list[tuple[str, tuple[Any, ...], Any, str, str]] = [
        # (name, path, new value, rdfc code ("" = verified), description)
        ("name-to-number", ("name",), 5, PROOF_ERROR, "name: string -> number"),
        ("name-to-bool", ("name",), True, PROOF_ERROR, "name: string -> boolean"),
        ("name-to-null", ("name",), None, PROOF_ERROR, "name: string -> null (dropped value)"),
        (
            "name-to-object",
            ("name",),
            {"name": "Teamwork"},
            PROOF_ERROR,
            "name: string -> a node object with a name of its own (a blank node: new triples)",
        ),
        (
            "name-to-value-object",
            ("name",),
            {"@value": "Teamwork"},
            "",
            "name: string -> the value object {'@value': same}: the same RDF literal, so the "
            "proof holds (rdfc signs the RDF, not the JSON shape)",
        ),
        (
            "name-to-lang-value",
            ("name",),
            {"@value": "Teamwork", "@language": "en"},
            PROOF_ERROR,
            "name: string -> a language-tagged value (another literal)",
        ),
        (
            "name-to-array",
            ("name",),
            ["Teamwork"],
            "",
            "name: string -> a one-item array (a set: the same RDF), so the proof holds",
        ),
        (
            "credits-to-string",
            ("credentialSubject", "achievement", "creditsAvailable"),
            "3.5",
            PROOF_ERROR,
            "creditsAvailable: number 3.5 -> string '3.5' (another xsd:float lexical form)",
        ),
        (
            "credits-to-int",
            ("credentialSubject", "achievement", "creditsAvailable"),
            3,
            PROOF_ERROR,
            "creditsAvailable: 3.5 -> 3",
        ),
        (
            "validFrom-to-number",
            ("validFrom",),
            1767225600,
            PROOF_ERROR,
            "validFrom: date-time string -> the same instant as a number",
        ),
        (
            "issuer-to-string",
            ("issuer",),
            ISSUER.did,
            PROOF_ERROR,
            "issuer: Profile object -> its id as a string (the profile's name and type vanish)",
        ),
        (
            "criteria-to-string",
            ("credentialSubject", "achievement", "criteria"),
            "https://example.edu/criteria",
            PROOF_ERROR,
            "criteria: object -> an IRI string",
        ),
        (
            "subject-to-array",
            ("credentialSubject",),
            "ARRAY",
            "",
            "credentialSubject: object -> a one-item array (same RDF), so the proof holds",
        ),
        (
            "tag-to-string",
            ("credentialSubject", "achievement", "tag"),
            "teamwork",
            PROOF_ERROR,
            "tag: array of three -> one string",
        ),
        (
            "type-item-object",
            ("type",),
            ["VerifiableCredential", "OpenBadgeCredential", {"id": "urn:example:type"}],
            MALFORMED,
            "an object appended to the type array (@type values must be strings)",
        ),
        (
            "type-item-array",
            ("type",),
            ["VerifiableCredential", "OpenBadgeCredential", []],
            MALFORMED,
            "an empty array nested in the type array",
        ),
        (
            "subject-type-item-object",
            ("credentialSubject", "type"),
            ["AchievementSubject", {"id": "urn:example:type"}],
            MALFORMED,
            "an object appended to credentialSubject.type",
        ),
        (
            "subject-id-to-number",
            ("credentialSubject", "id"),
            42,
            MALFORMED,
            "credentialSubject.id: IRI -> number (an invalid @id value)",
        ),
    ]
    for base, signed in signed_by.items():
        for name, path, value, rdf_code, what in changes:
            new = [node_at(signed, path)] if value == "ARRAY" else value
            code = rdf_code if base == "rdfc" else PROOF_ERROR
            add(
                f"typechange-{base}-{name}",
                f"{SUITE_OF[base]} badge with {what}"
                + (
                    " — eddsa-jcs-2022 signs the JSON itself, so any change fails"
                    if base == "jcs"
                    else ""
                ),
                set_at(signed, path, new),
                verified=not code,
                code=code or None,
            )


# -- context attacks --------------------------------------------------------------------------


def context_family() -> None:
    rdfc, jcs = BASES["rdfc"], BASES["jcs"]
    evil = "https://evil.example/vocab#"
    cases: list[tuple[str, str, Callable[[dict[str, Any]], Any], str, str]] = [
        # (name, description, change, rdfc code ("" = verified), jcs code)
        (
            "remote-unknown",
            "an extra remote context that is not bundled: never fetched, refused",
            lambda d: d["@context"].append("https://evil.example/context.jsonld"),
            "UNKNOWN_CONTEXT",
            PROOF_ERROR,
        ),
        (
            "remote-unknown-first",
            "an unknown remote context in first position",
            lambda d: d["@context"].insert(0, "https://evil.example/context.jsonld"),
            "UNKNOWN_CONTEXT",
            MALFORMED_PROOF,
        ),
        (
            "redefine-protected-inline",
            "an inline context redefining the protected term 'name'",
            lambda d: d["@context"].append({"name": "https://evil.example/name"}),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "redefine-protected-type",
            "an inline context redefining the protected type 'OpenBadgeCredential'",
            lambda d: d["@context"].append({"OpenBadgeCredential": f"{evil}Badge"}),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "redefine-protected-embedded",
            "an embedded context in the criteria object redefining 'narrative', which the "
            "Achievement type-scoped context protects",
            lambda d: d["credentialSubject"]["achievement"]["criteria"].update(
                {"@context": {"narrative": "https://evil.example/narrative"}}
            ),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "redefine-protected-embedded-id",
            "an embedded context in credentialSubject redefining the protected 'id'",
            lambda d: d["credentialSubject"].update(
                {"@context": {"id": "https://evil.example/id"}}
            ),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "embedded-overridden-by-type-scope",
            "an embedded context in credentialSubject defining 'achievement' as another IRI: the "
            "AchievementSubject type-scoped context is applied after it and defines the term "
            "again, so the RDF is unchanged and the rdfc proof holds",
            lambda d: d["credentialSubject"].update(
                {"@context": {"achievement": "https://evil.example/achievement"}}
            ),
            "",
            PROOF_ERROR,
        ),
        (
            "vocab-defines-added-term",
            "@vocab injected so that an added 'favouriteColour' becomes 'defined': it now "
            "expands to a new triple, so the signature fails",
            lambda d: (
                d["@context"].append({"@vocab": evil}),
                d["credentialSubject"].update(favouriteColour="blue"),
            ),
            PROOF_ERROR,
            PROOF_ERROR,
        ),
        (
            "vocab-embedded-defines-added-term",
            "an embedded @vocab context in the achievement plus an added term",
            lambda d: d["credentialSubject"]["achievement"].update(
                {"@context": {"@vocab": evil}, "favouriteColour": "blue"}
            ),
            PROOF_ERROR,
            PROOF_ERROR,
        ),
        (
            "vocab-defines-tampered-type",
            "@vocab injected so that a changed type 'OpenBadgeCredentialX' is 'defined'",
            lambda d: (
                d["@context"].append({"@vocab": evil}),
                d["type"].__setitem__(1, "OpenBadgeCredentialX"),
            ),
            PROOF_ERROR,
            PROOF_ERROR,
        ),
        (
            "vocab-only",
            "an inline {'@vocab': ...} context added and nothing else: every term was already "
            "defined, the RDF is unchanged, so the rdfc proof holds",
            lambda d: d["@context"].append({"@vocab": evil}),
            "",
            PROOF_ERROR,
        ),
        (
            "null-term-hides-property",
            "an inline context mapping a new term to null, then that term added: JSON-LD drops "
            "it, so it would be unsigned — data loss",
            lambda d: (
                d["@context"].append({"evilNote": None}),
                d["credentialSubject"].update(evilNote="pay the bearer"),
            ),
            DATA_LOSS,
            PROOF_ERROR,
        ),
        (
            "keyword-like-key",
            "a key that looks like a keyword ('@evilNote'), which JSON-LD ignores: unsigned data",
            lambda d: d["credentialSubject"].update({"@evilNote": "pay the bearer"}),
            DATA_LOSS,
            PROOF_ERROR,
        ),
        (
            "index-hides-text",
            "'@index' on the subject node: JSON-LD does not carry it into RDF, so the added "
            "text is unsigned — data loss",
            lambda d: d["credentialSubject"].update({"@index": "pay the bearer"}),
            DATA_LOSS,
            PROOF_ERROR,
        ),
        (
            "base-with-relative-id",
            "an inline @base and the achievement id rewritten relative to it so that it resolves "
            "to the same IRI: relative IRIs are refused (the base IRI is null)",
            lambda d: (
                d["@context"].append({"@base": "https://example.edu/achievements/"}),
                d["credentialSubject"]["achievement"].update(id="teamwork"),
            ),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "base-redirects-relative-id",
            "an inline @base and a relative credential id",
            lambda d: (d["@context"].append({"@base": "https://evil.example/"}), d.update(id="x1")),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "relative-id",
            "the credential id made relative ('credentials/1') with no @base",
            lambda d: d.update(id="credentials/1"),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "relative-image-id",
            "the achievement image id made relative ('teamwork.png')",
            lambda d: d["credentialSubject"]["achievement"]["image"].update(id="teamwork.png"),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "relative-type",
            "a relative type 'Badge' added",
            lambda d: d["type"].append("Badge"),
            DATA_LOSS,
            PROOF_ERROR,
        ),
        (
            "duplicated-context-url",
            "the OB context listed twice: processing it again changes nothing, the RDF is "
            "identical and the rdfc proof holds",
            lambda d: d["@context"].append(OB),
            "",
            PROOF_ERROR,
        ),
        (
            "duplicated-vc-context",
            "the VC 2.0 context listed again at the end (its protected terms are redefined "
            "identically, which JSON-LD allows)",
            lambda d: d["@context"].append(V2),
            "",
            PROOF_ERROR,
        ),
        (
            "context-as-string",
            "@context reduced to the VC 2.0 URL only: the OB terms are undefined",
            lambda d: d.update({"@context": V2}),
            DATA_LOSS,
            MALFORMED_PROOF,
        ),
        (
            "context-null-entry",
            "a null appended to @context (clearing protected terms is an error)",
            lambda d: d["@context"].append(None),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "context-number",
            "a number in @context",
            lambda d: d["@context"].append(7),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "direction-injected",
            "an inline @direction: it cannot be represented by RDFC, refused",
            lambda d: d["@context"].append({"@direction": "rtl"}),
            MALFORMED,
            PROOF_ERROR,
        ),
        (
            "language-injected",
            "an inline @language: every plain string becomes a language-tagged literal",
            lambda d: d["@context"].append({"@language": "en"}),
            PROOF_ERROR,
            PROOF_ERROR,
        ),
        (
            "nest-moves-name",
            "an inline context defining 'display' as @nest and the credential's name moved "
            "under it: JSON-LD reads the same RDF, so the signature still holds, but @nest (here "
            "through an alias) states properties away from the keys the checks read (an expired "
            "credential's validUntil moved there would not be seen): refused",
            lambda d: (
                d["@context"].append({"display": "@nest"}),
                d.update(display={"name": d.pop("name")}),
            ),
            MALFORMED,
            PROOF_ERROR,
        ),
    ]
    for name, what, change, rdfc_code, jcs_code in cases:
        for base, signed, code in (("rdfc", rdfc, rdfc_code), ("jcs", jcs, jcs_code)):
            add(
                f"context-{base}-{name}",
                f"{SUITE_OF[base]} badge: {what}"
                + ("" if base == "rdfc" else " (eddsa-jcs-2022: the JSON changed)"),
                changed(signed, change),
                verified=not code,
                code=code or None,
            )
    # @context must start with the VC context (VCDM 2.0 section 4.3, checked by the 1EdTech
    # validator and digitalbazaar/vc); reordering keeps the RDF but breaks that rule.
    for name, what, change in (
        ("reordered", "@context reversed (OB first)", lambda d: d["@context"].reverse()),
        (
            "null-first",
            "@context preceded by null (an empty active context), VC context second",
            lambda d: d["@context"].insert(0, None),
        ),
        (
            "inline-first",
            "an empty inline context {} in first position",
            lambda d: d["@context"].insert(0, {}),
        ),
    ):
        add(
            f"context-rdfc-{name}",
            f"eddsa-rdfc-2022 badge with {what}: the RDF is unchanged, but a VC's @context must "
            "start with https://www.w3.org/ns/credentials/v2 (VCDM 2.0 §4.3), so it is not a "
            "conforming credential and must not verify",
            changed(rdfc, change),
            check="schema",
            code=MALFORMED,
        )
        add(
            f"context-jcs-{name}",
            f"eddsa-jcs-2022 badge with {what}: the proof's @context is no longer a prefix",
            changed(jcs, change),
            code=MALFORMED_PROOF,
        )
    # Keywords that JSON-LD expansion ignores inside a node object: whatever they hold would
    # not be signed, so safe mode must refuse them like any other dropped data.
    dropped: list[tuple[str, Any]] = [
        (keyword, {"name": "pay the bearer"})
        for keyword in (
            *("@base", "@container", "@import", "@json", "@none", "@propagate", "@protected"),
            *("@set", "@version", "@vocab", "@default", "@embed", "@explicit", "@omitDefault"),
            "@requireAll",
        )
    ]
    dropped += [("@language", "pay the bearer"), ("@graph", ["pay the bearer"])]
    for keyword, value in dropped:
        hiding = keyword == "@graph"  # also refused for what it could hide (see _guarded)
        add(
            f"context-rdfc-keyword-{keyword[1:]}-in-node",
            f"eddsa-rdfc-2022 badge with {keyword!r}: {value!r} added to the achievement: "
            "JSON-LD expansion ignores it there, so its content would be unsigned"
            + (
                ", and @graph in a credential states nodes away from the keys the checks read: "
                "refused"
                if hiding
                else " — data loss"
            ),
            changed(
                rdfc,
                lambda d, k=keyword, v=value: d["credentialSubject"]["achievement"].update({k: v}),
            ),
            code=MALFORMED if hiding else DATA_LOSS,
        )
    add(
        "context-rdfc-keyword-set-in-proof",
        "eddsa-rdfc-2022 badge whose proof object gained {'@set': []}",
        changed(rdfc, lambda d: d["proof"].update({"@set": []})),
        code=DATA_LOSS,
    )
    # Resetting a keyword that was never set is legal JSON-LD and changes nothing.
    for name, what, change, code in (
        (
            "language-null-appended",
            "an inline {'@language': null} appended (no default language was set)",
            lambda d: d["@context"].append({"@language": None}),
            "",
        ),
        (
            "vocab-null-appended",
            "an inline {'@vocab': null} appended (no @vocab was set)",
            lambda d: d["@context"].append({"@vocab": None}),
            "",
        ),
        (
            "vocab-null-with-base",
            "inline {'@base': ...} and {'@vocab': null} contexts appended",
            lambda d: d["@context"].extend([{"@base": "https://example.org/"}, {"@vocab": None}]),
            "",
        ),
        (
            "language-null-only",
            "@context replaced by {'@language': null}: no term is defined any more",
            lambda d: d.update({"@context": {"@language": None}}),
            DATA_LOSS,
        ),
        (
            "direction-null-only",
            "@context replaced by {'@direction': null}: no term is defined any more",
            lambda d: d.update({"@context": {"@direction": None}}),
            DATA_LOSS,
        ),
    ):
        add(
            f"context-rdfc-{name}",
            f"eddsa-rdfc-2022 badge with {what}"
            + ("" if code else ": the RDF is unchanged, so the proof holds"),
            changed(rdfc, change),
            verified=not code,
            code=code or None,
        )
    # @import of a bundled context: legal JSON-LD 1.1 and RDF-neutral here.
    add(
        "context-rdfc-import-bundled",
        "eddsa-rdfc-2022 badge with an inline {'@import': extensions.json} context added: the "
        "imported terms are unused, the RDF is unchanged, so the proof holds",
        changed(rdfc, lambda d: d["@context"].append({"@import": EXT})),
        verified=True,
    )
    # ... and the same within one verification: a presented credential that @imports the OB
    # extensions context, then a genuine badge that uses it.
    importer = changed(rdfc, lambda d: d["@context"].append({"@import": EXT}))
    user = microcred.issue(
        badge(
            ISSUER.did, extra_context=(EXT,), ident="urn:uuid:0c8a7c36-5d63-4fa4-9f3e-8f7f4d0b2a11"
        ),
        ISSUER,
        created=CREATED,
    )
    vp = microcred.sign_presentation(
        [importer, user], HOLDER, challenge="c-import", suite="eddsa-jcs-2022", created=CREATED
    )
    add(
        "context-import-then-use",
        "a presentation (eddsa-jcs-2022) of two genuine badges: the first adds an inline "
        "{'@import': extensions.json} context, the second is a genuine badge whose @context "
        "lists extensions.json. Processing the first must not change what the second means "
        "(contexts are shared per verifier): both verify",
        vp,
        verified=True,
        check="credentials",
        options={"challenge": "c-import"},
    )
    vp = microcred.sign_presentation(
        [user, importer], HOLDER, challenge="c-import", suite="eddsa-jcs-2022", created=CREATED
    )
    add(
        "context-use-then-import",
        "the same two genuine badges in the other order: the badge that lists extensions.json "
        "first, then the one that @imports it. Both verify",
        vp,
        verified=True,
        check="credentials",
        options={"challenge": "c-import"},
    )


# -- proof attacks ----------------------------------------------------------------------------


def proof_family() -> None:
    rdfc, jcs, ed2020 = BASES["rdfc"], BASES["jcs"], BASES["ed2020"]
    other_badge = rdfc_badge(
        name="Leadership", ident="urn:uuid:5e0c8c1e-2d1b-4e57-9a53-3cbe5c2d8f01"
    )
    plain = badge(ISSUER.did)

    add(
        "proof-rdfc-copied-from-another-credential",
        "the proof of another badge by the same issuer pasted onto this one",
        changed(rdfc, lambda d: d.update(proof=copy.deepcopy(other_badge["proof"]))),
        code=PROOF_ERROR,
    )
    jcs_other = microcred.issue(
        badge(ISSUER.did, name="Leadership"), ISSUER, suite="eddsa-jcs-2022", created=CREATED
    )
    add(
        "proof-jcs-copied-from-another-credential",
        "the eddsa-jcs-2022 proof of another badge pasted onto this one",
        changed(jcs, lambda d: d.update(proof=copy.deepcopy(jcs_other["proof"]))),
        code=PROOF_ERROR,
    )
    for purpose in ("authentication", "capabilityInvocation", "keyAgreement"):
        add(
            f"proof-rdfc-purpose-{purpose}-tampered",
            f"proofPurpose changed to {purpose!r} after signing",
            changed(rdfc, lambda d, p=purpose: d["proof"].update(proofPurpose=p)),
            code="MISMATCHED_PROOF_PURPOSE_ERROR",
        )
        add(
            f"proof-rdfc-purpose-{purpose}-signed",
            f"a valid signature made for proofPurpose {purpose!r}: not an assertion",
            sign(plain, ISSUER, purpose=purpose),
            code="MISMATCHED_PROOF_PURPOSE_ERROR",
        )
    add(
        "proof-rdfc-purpose-missing",
        "proofPurpose removed",
        changed(rdfc, lambda d: d["proof"].pop("proofPurpose")),
        code="MISMATCHED_PROOF_PURPOSE_ERROR",
    )
    add(
        "proof-rdfc-created-future",
        "validly signed with created 2027-06-01, after now (2026-11-22)",
        sign(plain, ISSUER, created="2027-06-01T00:00:00Z"),
        code=PROOF_ERROR,
    )
    add(
        "proof-rdfc-created-within-leeway",
        "validly signed with created 30 s after now: within the default 60 s leeway",
        sign(plain, ISSUER, created="2026-11-22T12:00:30Z"),
        verified=True,
    )
    add(
        "proof-rdfc-created-not-a-date",
        "validly signed with created 'yesterday'",
        sign(plain, ISSUER, created="yesterday"),
        code=MALFORMED,
    )
    add(
        "proof-rdfc-expires-past",
        "validly signed with expires 2026-06-01, before now",
        sign(plain, ISSUER, expires="2026-06-01T00:00:00Z"),
        code=PROOF_ERROR,
    )
    add(
        "proof-jcs-expires-past",
        "eddsa-jcs-2022, validly signed with expires 2026-06-01, before now",
        sign(plain, ISSUER, "eddsa-jcs-2022", expires="2026-06-01T00:00:00Z"),
        code=PROOF_ERROR,
    )
    add(
        "proof-rdfc-expires-future",
        "validly signed with expires 2027-06-01: still valid",
        sign(plain, ISSUER, expires="2027-06-01T00:00:00Z"),
        verified=True,
    )
    add(
        "proof-rdfc-expires-removed",
        "a proof signed with expires 2026-06-01, its expires member then deleted to escape the "
        "check: expires is part of the signed proof configuration",
        changed(
            sign(plain, ISSUER, expires="2026-06-01T00:00:00Z"), lambda d: d["proof"].pop("expires")
        ),
        code=PROOF_ERROR,
    )
    # cryptosuite swaps
    swaps = [
        ("rdfc-to-jcs", rdfc, {"cryptosuite": "eddsa-jcs-2022"}, PROOF_ERROR),
        ("rdfc-to-legacy-eddsa-2022", rdfc, {"cryptosuite": "eddsa-2022"}, UNSUPPORTED),
        ("jcs-to-rdfc", jcs, {"cryptosuite": "eddsa-rdfc-2022"}, PROOF_ERROR),
        ("jcs-to-legacy-eddsa-2022", jcs, {"cryptosuite": "eddsa-2022"}, UNSUPPORTED),
        ("rdfc-to-unknown", rdfc, {"cryptosuite": "eddsa-rdfc-2019"}, UNSUPPORTED),
        ("rdfc-to-ecdsa", rdfc, {"cryptosuite": "ecdsa-rdfc-2019"}, UNSUPPORTED),
        ("rdfc-no-cryptosuite", rdfc, {"cryptosuite": None}, UNSUPPORTED),
        (
            "ed2020-to-rdfc",
            ed2020,
            {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"},
            PROOF_ERROR,
        ),
        (
            "rdfc-to-ed2020-type",
            rdfc,
            {"type": "Ed25519Signature2020", "cryptosuite": None},
            DATA_LOSS,
        ),
        ("rdfc-type-lowercase", rdfc, {"type": "dataIntegrityProof"}, UNSUPPORTED),
    ]
    for name, signed, update, code in swaps:

        def swap(d: dict[str, Any], u: dict[str, Any] = update) -> None:
            for key, value in u.items():
                if value is None:
                    d["proof"].pop(key, None)
                else:
                    d["proof"][key] = value

        add(
            f"proof-suite-swap-{name}",
            f"cryptosuite swapped after signing ({update}): the cryptosuite is part of the "
            "signed proof configuration, and unknown suites are refused",
            changed(signed, swap),
            code=code,
        )
    # proofValue encodings
    signature = decode_multibase(rdfc["proof"]["proofValue"])
    encodings = {
        "u-base64url": "u" + b64url_encode(signature),
        "m-base64": "m" + base64.b64encode(signature).decode().rstrip("="),
        "f-base16": "f" + signature.hex(),
        "F-base16-upper": "F" + signature.hex().upper(),
        "no-prefix": rdfc["proof"]["proofValue"][1:],
        "z-65-bytes": encode_multibase(signature + b"\0"),
        "z-63-bytes": encode_multibase(signature[:-1]),
        "empty": "",
        "z-only": "z",
        "z-invalid-base58": "z" + "0OIl" * 22,
    }
    for name, value in encodings.items():
        add(
            f"proof-value-{name}",
            f"the same signature with proofValue re-encoded as {name}: only base58btc ('z') of "
            "exactly 64 bytes is a valid eddsa proofValue",
            changed(rdfc, lambda d, v=value: d["proof"].update(proofValue=v)),
            code=MALFORMED_PROOF,
        )
    for name, value, code in (
        ("number", 12345, MALFORMED_PROOF),
        ("array", [rdfc["proof"]["proofValue"]], MALFORMED_PROOF),
        ("missing", None, MALFORMED_PROOF),
        ("zero-signature", encode_multibase(bytes(64)), PROOF_ERROR),
        ("signature-of-empty-bytes", encode_multibase(ISSUER.sign(b"")), PROOF_ERROR),
    ):

        def put(d: dict[str, Any], v: Any = value) -> None:
            if v is None:
                d["proof"].pop("proofValue")
            else:
                d["proof"]["proofValue"] = v

        add(f"proof-value-{name}", f"proofValue replaced: {name}", changed(rdfc, put), code=code)
    # proof shape
    for name, value, code in (
        ("string", "eyJhbGciOi", MALFORMED_PROOF),
        ("number", 1, MALFORMED_PROOF),
        ("null", None, MALFORMED_PROOF),
        ("empty-array", [], MALFORMED_PROOF),
        ("empty-object", {}, UNSUPPORTED),
        ("array-of-strings", ["x"], MALFORMED_PROOF),
    ):
        add(
            f"proof-shape-{name}",
            f"proof replaced by {value!r}",
            changed(rdfc, lambda d, v=value: d.update(proof=v)),
            code=code,
        )
    add(
        "proof-missing",
        "the proof removed: an unsigned badge",
        changed(rdfc, lambda d: d.pop("proof")),
        code=MALFORMED_PROOF,
    )
    # signature over the empty document
    empty_signed = sign({}, ISSUER, "eddsa-jcs-2022")
    add(
        "proof-jcs-over-empty-document",
        "a genuine eddsa-jcs-2022 proof by the issuer over the empty document {}, attached to "
        "the badge",
        changed(plain, lambda d: d.update(proof=empty_signed["proof"])),
        code=PROOF_ERROR,
    )
    empty_rdfc = sign({"@context": [V2, OB]}, ISSUER)
    add(
        "proof-rdfc-over-empty-document",
        "a genuine eddsa-rdfc-2022 proof by the issuer over a document with only the badge's "
        "@context (no statements), attached to the badge",
        changed(plain, lambda d: d.update(proof=empty_rdfc["proof"])),
        code=PROOF_ERROR,
    )
    # another issuer's key
    add(
        "proof-rdfc-key-of-another-did-key",
        "a valid eddsa-rdfc-2022 signature over the same badge by another did:key: the proof "
        "verifies, but the issuer did not make it",
        sign(plain, OTHER),
        verified=False,
        check="issuer",
        code="ISSUER_MISMATCH",
    )
    add(
        "proof-jcs-key-of-another-did-key",
        "a valid eddsa-jcs-2022 signature over the same badge by another did:key",
        sign(plain, OTHER, "eddsa-jcs-2022"),
        check="issuer",
        code="ISSUER_MISMATCH",
    )
    add(
        "proof-rdfc-issuer-method-other-signature",
        "the issuer's verificationMethod named, but the signature made by another key",
        sign(plain, OTHER, method=ISSUER.verification_method),
        code=PROOF_ERROR,
    )
    add(
        "proof-rdfc-other-key-under-issuer-did",
        "a verificationMethod '<issuer did>#<another key>': a did:key document holds one key",
        sign(plain, OTHER, method=f"{ISSUER.did}#{OTHER.public_key_multibase}"),
        code="INVALID_VERIFICATION_METHOD",
    )
    https_plain = badge(HTTPS_ISSUER)
    add(
        "proof-https-key-of-another-issuer",
        "an https issuer's badge signed with a key another https issuer publishes (both "
        "controller documents pinned)",
        sign(https_plain, HTTPS_OTHER_KEY, method=f"{HTTPS_OTHER}#key-1"),
        check="issuer",
        code="ISSUER_MISMATCH",
        pins=HTTPS_PINS,
    )
    add(
        "proof-https-key-in-fragment",
        "the 1EdTech pattern '<issuer URL>#<publicKeyMultibase>' with an attacker's key in the "
        "fragment: the key must come from the issuer's document, which does not list it",
        sign(https_plain, OTHER, method=f"{HTTPS_ISSUER}#{OTHER.public_key_multibase}"),
        code="INVALID_VERIFICATION_METHOD",
        pins=HTTPS_PINS,
    )
    add(
        "proof-https-authentication-only-key",
        "signed with a key the issuer lists only under authentication, not assertionMethod",
        sign(https_plain, OTHER, method=f"{HTTPS_ISSUER}#auth-only"),
        check="issuer",
        code="INVALID_RELATIONSHIP_FOR_VERIFICATION_METHOD",
        pins=HTTPS_PINS,
    )
    add(
        "proof-https-controller-not-pinned",
        "an https issuer whose controller document cannot be fetched (offline, not pinned): "
        "indeterminate, not failed",
        BASES["https"],
        status="indeterminate",
        code="DOCUMENT_LOAD_ERROR",
    )
    add(
        "proof-https-controller-document-of-other",
        "the issuer URL pinned to the other issuer's document (its id is not the URL)",
        BASES["https"],
        code="INVALID_VERIFICATION_METHOD",
        pins={HTTPS_ISSUER: HTTPS_OTHER_DOC},
    )
    add(
        "control-https-verifies",
        "the https issuer's badge with its controller document pinned: verified",
        BASES["https"],
        verified=True,
        pins=HTTPS_PINS,
    )
    # proof sets and chains
    jcs_second = sign(rdfc, ISSUER, "eddsa-jcs-2022")  # a proof set [rdfc, jcs]
    bad_both = changed(
        jcs_second,
        lambda d: [p.update(proofValue=encode_multibase(bytes(64))) for p in d["proof"]],
    )
    add(
        "proof-set-all-bad",
        "a proof set of two proofs (rdfc, jcs), both signatures zeroed",
        bad_both,
        code=PROOF_ERROR,
    )
    add(
        "proof-set-all-bad-body-tampered",
        "a proof set of two genuine proofs, then the name changed: neither holds",
        changed(jcs_second, lambda d: d.update(name="Leadership")),
        code=PROOF_ERROR,
    )
    add(
        "proof-set-one-of-two-good",
        "a proof set whose first proof is zeroed and second genuine: one valid proof suffices "
        "(OB 3.0)",
        changed(jcs_second, lambda d: d["proof"][0].update(proofValue=encode_multibase(bytes(64)))),
        verified=True,
    )
    stranger = sign(plain, OTHER)
    stranger_set = sign(stranger, ISSUER, "eddsa-jcs-2022")
    add(
        "proof-set-stranger-good-issuer-bad",
        "a proof set: a genuine proof by a stranger's key and the issuer's proof zeroed; the "
        "stranger's valid proof cannot speak for the issuer",
        changed(
            stranger_set, lambda d: d["proof"][1].update(proofValue=encode_multibase(bytes(64)))
        ),
        check="issuer",
        code="ISSUER_MISMATCH",
    )
    first = sign(plain, ISSUER, id="urn:uuid:proof-1")
    chained = sign(first, ISSUER, "eddsa-rdfc-2022", previous_proof="urn:uuid:proof-1")
    add(
        "proof-chain-valid",
        "a genuine proof chain (second proof names the first)",
        chained,
        verified=True,
    )
    add(
        "proof-chain-dangling-previous",
        "a proof chain with its first proof removed: the remaining proof's previousProof names "
        "a proof that is not present",
        changed(chained, lambda d: d.update(proof=[d["proof"][1]])),
        code=MALFORMED_PROOF,
    )
    add(
        "proof-chain-first-tampered",
        "a proof chain whose first proof's value is zeroed: it fails, and the second, which "
        "covers the first, fails too",
        changed(chained, lambda d: d["proof"][0].update(proofValue=encode_multibase(bytes(64)))),
        code=PROOF_ERROR,
    )
    for name, value in (
        ("number", 42),
        ("boolean", True),
        ("object-in-array", [{"id": "urn:uuid:proof-1"}]),
        ("mixed-array", [1, "urn:uuid:proof-1"]),
    ):
        add(
            f"proof-chain-previous-{name}",
            f"previousProof set to {value!r}: it must be a string or an array of strings",
            changed(rdfc, lambda d, v=value: d["proof"].update(previousProof=v)),
            code=MALFORMED_PROOF,
        )
    # JSON text that two parsers could read differently
    text = json.dumps(rdfc)
    add(
        "parse-duplicate-key",
        "the signed badge as JSON text with a second 'name' member appended: refused, since "
        "parsers disagree on which one counts",
        text[:-1] + ', "name": "Leadership"}',
        check="parse",
        code=MALFORMED,
    )
    add(
        "parse-nan",
        "JSON text with NaN (not JSON)",
        text.replace('"creditsAvailable": 3.5', '"creditsAvailable": NaN'),
        check="parse",
        code=MALFORMED,
    )
    add(
        "parse-array-top-level",
        "a JSON array holding the badge",
        json.dumps([rdfc]),
        check="parse",
        code=MALFORMED,
    )
    add(
        "parse-huge-integer",
        "JSON text with a 5,000-digit integer (Python's int parser limit is a DoS vector)",
        text.replace('"creditsAvailable": 3.5', '"creditsAvailable": ' + "9" * 5000),
        check="parse",
        code=MALFORMED,
    )
    big = "1" + "0" * 400  # valid JSON, within the parser's digit limit, beyond any double
    add(
        "parse-integer-beyond-double-rdfc",
        "JSON text of the rdfc badge with creditsAvailable a 401-digit integer: it has no "
        "xsd:float / xsd:double form, so the document cannot be canonicalised; refused as input",
        text.replace('"creditsAvailable": 3.5', f'"creditsAvailable": {big}'),
        check="parse",
        code=MALFORMED,
    )
    add(
        "parse-integer-beyond-double-jcs",
        "the same 401-digit integer in the eddsa-jcs-2022 badge: outside the I-JSON range that "
        "RFC 8785 can canonicalise; refused as input",
        json.dumps(jcs).replace('"creditsAvailable": 3.5', f'"creditsAvailable": {big}'),
        check="parse",
        code=MALFORMED,
    )
    add(
        "parse-bad-utf8",
        "JSON text containing a lone surrogate escape in a name",
        text.replace('"name": "Teamwork"', '"name": "Team\\ud800work"', 1),
        code=MALFORMED,
    )


def conformance_family() -> None:
    """Validly signed documents that are not conforming credentials: issue() refuses to make
    them (VCDM 2.0 section 4), so verification must not accept them either."""
    plain = badge(ISSUER.did)
    for suite in ("eddsa-jcs-2022", "eddsa-rdfc-2022"):
        short = "jcs" if suite == "eddsa-jcs-2022" else "rdfc"
        no_subject = {k: v for k, v in plain.items() if k != "credentialSubject"}
        add(
            f"conformance-{short}-no-credentialSubject",
            f"a credential without credentialSubject, validly signed by its issuer ({suite}): "
            "credentialSubject is required (VCDM 2.0 section 4.4)",
            sign(no_subject, ISSUER, suite),
            check="schema",
            code=MALFORMED,
        )
    add(
        "conformance-jcs-no-VerifiableCredential-type",
        "a document whose type lacks VerifiableCredential, validly signed (eddsa-jcs-2022, which "
        "does not need the VC context's type-scoped terms): not a verifiable credential",
        sign({**plain, "type": ["OpenBadgeCredential"]}, ISSUER, "eddsa-jcs-2022"),
        check="schema",
        code=MALFORMED,
    )
    add(
        "conformance-jcs-context-not-vc-first",
        "eddsa-jcs-2022, validly signed, with the OB context before the VC context",
        sign({**plain, "@context": [OB, V2]}, ISSUER, "eddsa-jcs-2022"),
        check="schema",
        code=MALFORMED,
    )
    inner = microcred.sign_presentation(
        [BASES["rdfc"]], OTHER, challenge="captured-elsewhere", created=CREATED
    )
    add(
        "conformance-presentation-inside-presentation",
        "a presentation whose verifiableCredential holds another (genuine) presentation, "
        "captured with another challenge: a presentation is not a credential",
        microcred.sign_presentation([inner], HOLDER, challenge="c-1", created=CREATED),
        check="credentials",
        code=MALFORMED,
        pointer="/verifiableCredential/0",
        options={"challenge": "c-1"},
    )
    endorsing_vp = microcred.sign_presentation(
        [BASES["rdfc"]], OTHER, challenge="x", created=CREATED
    )
    unsigned = badge(ISSUER.did)
    unsigned["credentialSubject"]["achievement"]["endorsement"] = [endorsing_vp]
    add(
        "conformance-endorsement-is-a-presentation",
        "a badge whose achievement 'endorsement' holds a genuine presentation instead of an "
        "EndorsementCredential",
        microcred.issue(unsigned, ISSUER, created=CREATED),
        check="endorsements",
        code=MALFORMED,
        pointer="/credentialSubject/achievement/endorsement/0",
    )


# -- JWT attacks ------------------------------------------------------------------------------


def jwt_family() -> None:
    header, payload, _ = jwt_parts(JWT_ED)
    _, rsa_payload, _ = jwt_parts(JWT_RSA)
    add(
        "control-jwt-eddsa-verifies",
        "the genuine EdDSA VC-JWT (did:key kid)",
        JWT_ED,
        verified=True,
    )
    add(
        "control-jwt-rs256-verifies",
        "the genuine RS256 VC-JWT (kid pinned)",
        JWT_RSA,
        verified=True,
        pins=RSA_PINS,
    )
    for alg in ("none", "None", "NONE"):
        add(
            f"jwt-alg-{alg}",
            f"alg {alg!r} with an empty signature: an unsigned token",
            unsigned_jwt({**header, "alg": alg}, payload),
            code=UNSUPPORTED,
        )
    add(
        "jwt-alg-none-with-signature",
        "alg 'none' but the genuine EdDSA signature kept",
        f"{b64json({**header, 'alg': 'none'})}.{JWT_ED.split('.')[1]}.{JWT_ED.split('.')[2]}",
        code=UNSUPPORTED,
    )
    pem = RSA.to_pem()
    rsa_header = {"alg": "HS256", "typ": "JWT", "kid": RSA_KID}
    for alg, secret_name, secret in (
        ("HS256", "pem", pem),
        ("HS256", "pem-stripped", pem.strip()),
        ("HS256", "jwk-json", json.dumps(RSA.public_jwk()).encode()),
        ("HS384", "pem", pem),
        ("HS512", "pem", pem),
    ):
        head = {**rsa_header, "alg": alg}
        signing_input = f"{b64json(head)}.{b64json(rsa_payload)}".encode()
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
        mac = hmac.new(secret, signing_input, digest).digest()
        add(
            f"jwt-{alg.lower()}-rsa-public-key-as-secret-{secret_name}",
            f"{alg} 'signed' with the issuer's public RSA key ({secret_name}) as the HMAC secret "
            "(the classic key-confusion attack)",
            f"{signing_input.decode()}.{b64url_encode(mac)}",
            code=UNSUPPORTED,
            pins=RSA_PINS,
        )
    add(
        "jwt-rs256-header-with-ed25519-kid",
        "alg RS256 in the header but kid names an Ed25519 key",
        unsigned_jwt({**header, "alg": "RS256"}, payload, ISSUER.sign(b"x")),
        code=MALFORMED_PROOF,
    )
    add(
        "jwt-eddsa-header-with-rsa-kid",
        "alg EdDSA in the header but kid names the RSA key",
        unsigned_jwt(
            {"alg": "EdDSA", "typ": "JWT", "kid": RSA_KID}, rsa_payload, ISSUER.sign(b"x")
        ),
        code=MALFORMED_PROOF,
        pins=RSA_PINS,
    )
    add(
        "jwt-kid-of-another-issuer",
        "signed by another did:key and its kid names that key, while iss/issuer is the issuer: "
        "the signature is valid, the issuer check fails",
        resign_jwt({**header, "kid": OTHER.verification_method}, payload, OTHER),
        check="issuer",
        code="ISSUER_MISMATCH",
    )
    add(
        "jwt-kid-of-issuer-signed-by-another",
        "kid names the issuer's key but another key signed",
        resign_jwt(header, payload, OTHER),
        code=PROOF_ERROR,
    )
    add(
        "jwt-kid-relative-to-other",
        "a relative kid '#<another key>': resolved against the issuer's DID, which has no such key",
        resign_jwt({**header, "kid": "#" + OTHER.public_key_multibase}, payload, OTHER),
        code="INVALID_VERIFICATION_METHOD",
    )
    add(
        "jwt-kid-and-jwk-disagree",
        "kid names the issuer's key, the jwk header holds another key (which signed)",
        resign_jwt({**header, "jwk": OTHER.public_jwk()}, payload, OTHER),
        code=MALFORMED_PROOF,
    )
    add(
        "jwt-embedded-jwk-only",
        "no kid, the signing key only in the jwk header: integrity, not authorship",
        resign_jwt({"alg": "EdDSA", "typ": "JWT", "jwk": OTHER.public_jwk()}, payload, OTHER),
        check="issuer",
        status="indeterminate",
        code="EMBEDDED_KEY_NOT_TRUSTED",
    )
    for member, jwk in (
        ("d", ISSUER.private_jwk()),
        ("k", {**ISSUER.public_jwk(), "k": "c2VjcmV0"}),
        ("p", {**RSA.public_jwk(), "p": "AQAB"}),
    ):
        key = ISSUER if member != "p" else RSA
        the_payload = payload if member != "p" else rsa_payload
        head = {"alg": key.algorithm, "typ": "JWT", "jwk": jwk}
        add(
            f"jwt-jwk-header-private-member-{member}",
            f"the jwk header carries the private member {member!r}",
            unsigned_jwt(
                head, the_payload, key.sign(f"{b64json(head)}.{b64json(the_payload)}".encode())
            ),
            code=MALFORMED_PROOF,
        )
    add(
        "jwt-no-kid-no-jwk",
        "neither kid nor jwk (only jku, which is never followed)",
        resign_jwt(
            {"alg": "EdDSA", "typ": "JWT", "jku": "https://evil.example/jwks"}, payload, ISSUER
        ),
        code=MALFORMED_PROOF,
    )
    add(
        "jwt-crit-header",
        "a critical header extension",
        resign_jwt({**header, "crit": ["exp"], "exp": 1}, payload, ISSUER),
        code=MALFORMED_PROOF,
    )
    add(
        "jwt-typ-wrong",
        "typ 'at+jwt'",
        resign_jwt({**header, "typ": "at+jwt"}, payload, ISSUER),
        code=MALFORMED_PROOF,
    )
    add(
        "jwt-alg-es512",
        "an algorithm outside the allowlist (ES512)",
        unsigned_jwt({**header, "alg": "ES512"}, payload, b"x" * 132),
        code=UNSUPPORTED,
    )
    for claim, value in (
        ("iss", "did:example:someone-else"),
        ("sub", "did:example:other-learner"),
        ("jti", "urn:uuid:00000000-0000-4000-8000-000000000000"),
        ("nbf", 1_600_000_000),
        ("exp", 1_900_000_000),
    ):
        add(
            f"jwt-claim-mismatch-{claim}",
            f"a validly signed token whose {claim!r} claim contradicts the credential",
            resign_jwt(header, {**payload, claim: value}, ISSUER),
            check="claims",
            code="JWT_CLAIM_MISMATCH",
        )
    expired = badge(ISSUER.did, validUntil="2026-06-01T00:00:00Z")
    add(
        "jwt-expired-exp",
        "a genuine token whose exp (= validUntil) is 2026-06-01, before now",
        microcred.issue_jwt(expired, ISSUER),
        check="claims",
        code="EXPIRED",
    )
    no_until = badge(ISSUER.did)
    del no_until["validUntil"]
    add(
        "jwt-expired-exp-claim-only",
        "a token whose exp claim is past while the credential has no validUntil",
        resign_jwt(
            header,
            {**{k: v for k, v in payload.items() if k != "validUntil"}, "exp": 1_780_000_000},
            ISSUER,
        ),
        check="claims",
        code="EXPIRED",
    )
    future = badge(ISSUER.did, validFrom="2027-01-01T00:00:00Z")
    add(
        "jwt-future-nbf",
        "a genuine token whose nbf (= validFrom) is 2027-01-01",
        microcred.issue_jwt(future, ISSUER),
        check="claims",
        code="NOT_YET_VALID",
    )
    vc_form = {k: v for k, v in payload.items() if k in ("iss", "sub", "jti", "nbf", "exp")}
    vc_form["vc"] = {k: v for k, v in payload.items() if k not in vc_form}
    add(
        "jwt-vc-claim-with-top-level-context",
        "a VCDM 1.1 'vc' claim and a second credential's @context at the top level: ambiguous",
        resign_jwt(header, {**vc_form, "@context": [V2]}, ISSUER),
        check="parse",
        code=MALFORMED,
    )
    add(
        "jwt-vc-claim-not-object",
        "a 'vc' claim that is a string",
        resign_jwt(header, {**vc_form, "vc": "credential"}, ISSUER),
        check="parse",
        code=MALFORMED,
    )
    head, body, sig = JWT_ED.split(".")
    add(
        "jwt-padded-base64",
        "base64url parts with '=' padding",
        f"{head}.{body}==.{sig}",
        check="parse",
        code=MALFORMED,
    )
    add(
        "jwt-five-parts",
        "a JWE-shaped five-part token",
        f"{head}.{body}.{sig}.{sig}.{sig}",
        check="parse",
        code=MALFORMED,
    )
    add(
        "jwt-header-not-json",
        "a header that is not JSON",
        f"{b64url_encode(b'not json')}.{body}.{sig}",
        check="parse",
        code=MALFORMED,
    )
    duplicate = b64url_encode(json.dumps(payload)[:-1].encode() + b', "name": "Leadership"}')
    add(
        "jwt-payload-duplicate-key",
        "a validly signed payload with a duplicate 'name' member",
        f"{head}.{duplicate}." + b64url_encode(ISSUER.sign(f"{head}.{duplicate}".encode())),
        check="parse",
        code=MALFORMED,
    )


# -- presentations ----------------------------------------------------------------------------


def presentation_family() -> None:
    json_cred = BASES["rdfc"]
    jwt_cred = JWT_ED
    tampered_json = changed(json_cred, lambda d: d.update(name="Leadership"))
    h, p, s = JWT_ED.split(".")
    tampered_jwt = f"{h}.{b64json({**unb64json(p), 'name': 'Leadership'})}.{s}"
    none_jwt = unsigned_jwt({"alg": "none", "typ": "JWT"}, unb64json(p))
    options = {"challenge": "c-123", "domain": "jobs.example"}

    def vp(credentials: list[Any], **kw: Any) -> dict[str, Any]:
        return microcred.sign_presentation(
            credentials,
            HOLDER,
            challenge=kw.pop("challenge", "c-123"),
            domain=kw.pop("domain", "jobs.example"),
            created=CREATED,
            **kw,
        )

    add(
        "presentation-mixed-valid",
        "a presentation of a JSON (rdfc) badge and a VC-JWT badge, for challenge c-123: verified",
        vp([json_cred, jwt_cred]),
        verified=True,
        check="credentials",
        options=options,
    )
    for name, creds, pointer, code in (
        ("json-tampered", [tampered_json, jwt_cred], "/verifiableCredential/0", PROOF_ERROR),
        ("jwt-tampered", [json_cred, tampered_jwt], "/verifiableCredential/1", PROOF_ERROR),
        ("jwt-alg-none", [json_cred, none_jwt], "/verifiableCredential/1", UNSUPPORTED),
        (
            "third-of-three-tampered",
            [json_cred, jwt_cred, tampered_json],
            "/verifiableCredential/2",
            PROOF_ERROR,
        ),
    ):
        add(
            f"presentation-mixed-{name}",
            f"a validly signed presentation holding a bad credential ({name}): the credentials "
            f"check fails at {pointer}",
            vp(creds),
            check="credentials",
            code=code,
            pointer=pointer,
            options=options,
        )
    good = vp([json_cred, jwt_cred])
    add(
        "presentation-wrong-challenge",
        "a genuine presentation replayed to a verifier expecting another challenge",
        good,
        code="INVALID_CHALLENGE_ERROR",
        options={"challenge": "c-999", "domain": "jobs.example"},
    )
    add(
        "presentation-wrong-domain",
        "a genuine presentation for jobs.example checked by evil.example",
        good,
        code="INVALID_DOMAIN_ERROR",
        options={"challenge": "c-123", "domain": "evil.example"},
    )
    add(
        "presentation-credential-added",
        "a genuine presentation with one more (genuine) credential slipped in after signing",
        changed(good, lambda d: d["verifiableCredential"].append(BASES["jcs"])),
        code=PROOF_ERROR,
        options=options,
    )
    add(
        "presentation-credential-removed",
        "a genuine presentation with its JWT credential removed after signing",
        changed(good, lambda d: d["verifiableCredential"].pop()),
        code=PROOF_ERROR,
        options=options,
    )
    add(
        "presentation-assertion-purpose",
        "a presentation signed with proofPurpose assertionMethod (not authentication)",
        sign(
            {k: v for k, v in good.items() if k != "proof"},
            HOLDER,
            purpose="assertionMethod",
            challenge="c-123",
            domain="jobs.example",
        ),
        code="MISMATCHED_PROOF_PURPOSE_ERROR",
        options=options,
    )
    add(
        "presentation-signed-by-other-than-holder",
        "holder is the holder's DID but another key signed the presentation",
        sign(
            {k: v for k, v in good.items() if k != "proof"},
            OTHER,
            purpose="authentication",
            challenge="c-123",
            domain="jobs.example",
        ),
        check="holder",
        code="ISSUER_MISMATCH",
        options=options,
    )
    add(
        "presentation-credential-proof-used-as-vp",
        "a credential relabelled as a VerifiablePresentation: its assertion proof is refused",
        changed(BASES["rdfc"], lambda d: d.update(type=["VerifiablePresentation"])),
        code="MISMATCHED_PROOF_PURPOSE_ERROR",
    )


# -- status lists -----------------------------------------------------------------------------


def status_family() -> None:
    with_status = rdfc_badge(credentialStatus=status_entry())
    signed_list = microcred.issue(status_list_credential(), ISSUER, created=CREATED)
    pins = {LIST_URL: signed_list}

    def listing(encoded: str | None = None, key: Ed25519Key = ISSUER, **kw: Any) -> dict[str, Any]:
        issuer = kw.pop("issuer", key.did)
        return microcred.issue(
            status_list_credential(encoded, issuer=issuer, **kw), key, created=CREATED
        )

    add(
        "control-status-active",
        "a badge whose status list (pinned, signed by the issuer) has its bit unset",
        with_status,
        verified=True,
        check="status",
        pins=pins,
    )
    revoked = StatusList()
    revoked.set(STATUS_INDEX)
    add(
        "status-revoked",
        "the status list has the badge's bit set",
        with_status,
        check="status",
        code="REVOKED",
        pins={LIST_URL: listing(revoked.encode())},
    )
    for name, index in (
        ("index-at-length", "131072"),
        ("index-huge", "9" * 40),
        ("index-2-pow-64", str(2**64)),
    ):
        add(
            f"status-{name}",
            f"statusListIndex {index[:24]} is outside the 131,072-entry list",
            rdfc_badge(credentialStatus=status_entry(index)),
            check="status",
            code="STATUS_RANGE_ERROR",
            pins=pins,
        )
    for name, index in (
        ("index-negative", "-1"),
        ("index-number-form", "1e3"),
        ("index-hex", "0x10"),
    ):
        add(
            f"status-{name}",
            f"statusListIndex {index!r} is not a base-10 non-negative integer",
            rdfc_badge(credentialStatus=status_entry(index)),
            check="status",
            code="MALFORMED_VALUE_ERROR",
            pins=pins,
        )
    add(
        "status-list-signed-by-someone-else",
        "the list is a valid credential of another issuer (another did:key): the spec allows a "
        "different list issuer, so the status passes with a warning",
        with_status,
        verified=True,
        check="status",
        warning="STATUS_WARNING",
        pins={LIST_URL: listing(key=OTHER)},
    )
    add(
        "status-list-claims-issuer-signed-by-other",
        "the list names the badge's issuer but is signed by another key: it does not verify, so "
        "the status is unknown",
        with_status,
        check="status",
        status="indeterminate",
        code="STATUS_VERIFICATION_ERROR",
        pins={LIST_URL: sign(status_list_credential(), OTHER)},
    )
    add(
        "status-list-unsigned",
        "the list has no proof",
        with_status,
        check="status",
        status="indeterminate",
        code="STATUS_VERIFICATION_ERROR",
        pins={LIST_URL: status_list_credential(revoked.encode())},
    )
    add(
        "status-list-tampered-to-clear",
        "the issuer revoked the badge; an attacker replaced the list's bitstring by a clean one "
        "(proof kept): the list does not verify, the status is unknown — never 'not revoked'",
        with_status,
        check="status",
        status="indeterminate",
        code="STATUS_VERIFICATION_ERROR",
        pins={
            LIST_URL: changed(
                listing(revoked.encode()),
                lambda d: d["credentialSubject"].update(encodedList=StatusList().encode()),
            )
        },
    )
    undecodable = {
        "not-gzip": "u" + b64url_encode(b"not gzip at all"),
        "bad-base64url": "u!!!!",
        "wrong-multibase-prefix": "z" + StatusList().encode()[1:],
        "statuslist2021-style": StatusList().encode()[1:],
        "truncated-gzip": "u" + b64url_encode(gzip.compress(bytes(16384), mtime=0)[:-12]),
        "trailing-data": "u" + b64url_encode(gzip.compress(bytes(16384), mtime=0) + b"junk"),
        "empty": "",
        "number": 42,
    }
    for name, encoded in undecodable.items():
        add(
            f"status-list-undecodable-{name}",
            f"a validly signed list whose encodedList is undecodable ({name})",
            with_status,
            check="status",
            status="indeterminate",
            code="STATUS_VERIFICATION_ERROR",
            pins={LIST_URL: listing(encoded)},  # type: ignore[arg-type]
        )
    add(
        "status-list-too-short",
        "a validly signed list of 1,000 entries (below the 131,072 herd-privacy minimum)",
        with_status,
        check="status",
        status="indeterminate",
        code="STATUS_LIST_LENGTH_ERROR",
        pins={LIST_URL: listing("u" + b64url_encode(gzip.compress(bytes(125), mtime=0)))},
    )
    bomb = "u" + b64url_encode(gzip_bomb(64))
    add(
        "status-list-gzip-bomb",
        f"a validly signed list whose encodedList ({len(bomb)} characters) inflates to 64 MiB "
        "of zeros: refused as a decompression bomb before it is inflated, status unknown",
        with_status,
        check="status",
        status="indeterminate",
        code="RESOURCE_LIMIT_EXCEEDED",
        pins={LIST_URL: listing(bomb)},
    )
    add(
        "status-list-expired",
        "the list credential expired (validUntil 2026-06-01): its answer is stale, status unknown",
        with_status,
        check="status",
        status="indeterminate",
        code="STATUS_VERIFICATION_ERROR",
        pins={LIST_URL: listing(validUntil="2026-06-01T00:00:00Z")},
    )
    add(
        "status-list-not-yet-valid",
        "the list credential is valid only from 2027",
        with_status,
        check="status",
        status="indeterminate",
        code="STATUS_VERIFICATION_ERROR",
        pins={LIST_URL: listing(validFrom="2027-01-01T00:00:00Z")},
    )
    add(
        "status-list-wrong-purpose",
        "a suspension list answering a revocation entry",
        with_status,
        check="status",
        status="indeterminate",
        code="STATUS_VERIFICATION_ERROR",
        pins={LIST_URL: listing(purpose="suspension")},
    )
    add(
        "status-list-wrong-type",
        "the list URL pinned to an ordinary badge",
        with_status,
        check="status",
        status="indeterminate",
        code="STATUS_VERIFICATION_ERROR",
        pins={LIST_URL: BASES["rdfc"]},
    )
    add(
        "status-list-not-found",
        "the list URL pinned as not found",
        with_status,
        check="status",
        status="indeterminate",
        code="NOT_FOUND",
        pins={LIST_URL: None},
    )
    add(
        "status-list-unreachable-offline",
        "the list is not pinned and the verifier is offline",
        with_status,
        check="status",
        status="indeterminate",
        code="DOCUMENT_LOAD_ERROR",
    )
    array_type = status_entry()
    array_type["type"] = ["BitstringStatusListEntry"]
    add(
        "status-entry-type-array",
        "a status entry whose type is the one-item array ['BitstringStatusListEntry']: not "
        "recognised (as in the reference implementation), so the status is unknown — fail closed",
        rdfc_badge(credentialStatus=array_type),
        check="status",
        status="indeterminate",
        code="RESOLUTION_ERROR",
        pins=pins,
    )
    add(
        "status-unknown-method",
        "an eddsa-jcs-2022 badge whose credentialStatus is of a type microcred does not "
        "support: revocation cannot be checked, so the status is unknown",
        sign(
            badge(
                ISSUER.did, credentialStatus={"id": f"{LIST_URL}#1", "type": "RevocationList2099"}
            ),
            ISSUER,
            "eddsa-jcs-2022",
        ),
        check="status",
        status="indeterminate",
        code="RESOLUTION_ERROR",
    )


# -- endorsements -----------------------------------------------------------------------------


def endorsement_family() -> None:
    endorsement = microcred.issue(
        {
            "@context": [V2, OB],
            "id": "urn:uuid:9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d",
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "issuer": {"id": OTHER.did, "type": ["Profile"], "name": "Accreditor"},
            "validFrom": "2026-01-01T00:00:00Z",
            "name": "Accredited",
            "credentialSubject": {
                "id": "https://example.edu/achievements/teamwork",
                "type": ["EndorsementSubject"],
                "endorsementComment": "Meets the standard.",
            },
        },
        OTHER,
        created=CREATED,
    )

    def with_endorsement(item: Any) -> dict[str, Any]:
        unsigned = badge(ISSUER.did)
        unsigned["credentialSubject"]["achievement"]["endorsement"] = [item]
        return microcred.issue(unsigned, ISSUER, created=CREATED)

    add(
        "control-endorsement-valid",
        "a badge whose achievement carries a genuine endorsement by an accreditor",
        with_endorsement(endorsement),
        verified=True,
        check="endorsements",
    )
    add(
        "endorsement-tampered",
        "the embedded endorsement's comment was changed before the badge was signed: the "
        "badge's own proof holds, the endorsement fails at its pointer",
        with_endorsement(
            changed(endorsement, lambda d: d["credentialSubject"].update(endorsementComment="Top"))
        ),
        check="endorsements",
        code=PROOF_ERROR,
        pointer="/credentialSubject/achievement/endorsement/0",
    )
    add(
        "endorsement-unsigned",
        "the embedded endorsement has no proof",
        with_endorsement({k: v for k, v in endorsement.items() if k != "proof"}),
        check="endorsements",
        code=MALFORMED_PROOF,
        pointer="/credentialSubject/achievement/endorsement/0",
    )


# -- baked images -----------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data).to_bytes(4, "big")
    return len(data).to_bytes(4, "big") + kind + data + crc


PNG = (
    b"\x89PNG\r\n\x1a\n"
    + png_chunk(b"IHDR", (2).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0]))
    + png_chunk(b"IDAT", zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00" * 6))
    + png_chunk(b"IEND", b"")
)
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<circle cx="5" cy="5" r="4"/></svg>'
)


def itxt(keyword: bytes, text: bytes, compressed: bool = False) -> bytes:
    body = zlib.compress(text) if compressed else text
    return png_chunk(b"iTXt", keyword + b"\0" + bytes([int(compressed), 0]) + b"\0\0" + body)


def with_chunk(png: bytes, chunk: bytes) -> bytes:
    """``png`` with ``chunk`` inserted just before IEND."""
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]


def image_family() -> None:
    from microcred import baking

    rdfc = BASES["rdfc"]
    baked_png = baking.bake(PNG, rdfc)
    add(
        "control-image-png-rdfc",
        "an rdfc badge baked into a PNG (iTXt 'openbadgecredential'): verified",
        None,
        image=baked_png,
        verified=True,
    )
    add(
        "control-image-svg-jwt",
        "a VC-JWT baked into an SVG (openbadges:credential verify=...): verified",
        None,
        image=baking.bake(SVG, JWT_ED),
        verified=True,
    )
    add(
        "image-png-tampered-credential",
        "a PNG carrying the rdfc badge with its name changed",
        None,
        image=baking.bake(PNG, changed(rdfc, lambda d: d.update(name="Leadership"))),
        code=PROOF_ERROR,
    )
    start = baked_png.index(b"iTXt") - 4
    length = int.from_bytes(baked_png[start : start + 4], "big")
    crc_at = start + 8 + length
    broken = bytearray(baked_png)
    broken[crc_at] ^= 0xFF
    add(
        "image-png-bad-crc",
        "the baked PNG with the credential chunk's CRC damaged",
        None,
        image=bytes(broken),
        check="parse",
        code=MALFORMED,
    )
    text = json.dumps(rdfc).encode()
    add(
        "image-png-two-credentials",
        "a PNG with two 'openbadgecredential' chunks (which one is the badge?)",
        None,
        image=with_chunk(baked_png, itxt(b"openbadgecredential", text)),
        check="parse",
        code=MALFORMED,
    )
    add(
        "image-png-ob2-assertion",
        "a PNG with only an OB 2.0 'openbadges' chunk: not an OB 3.0 credential",
        None,
        image=with_chunk(PNG, itxt(b"openbadges", b"https://example.org/assertion/1")),
        check="parse",
        code=MALFORMED,
    )
    add(
        "image-png-no-credential",
        "a plain PNG with nothing baked in",
        None,
        image=PNG,
        check="parse",
        code=MALFORMED,
    )
    add(
        "image-png-compressed-bomb",
        "a compressed iTXt credential chunk that inflates to 64 MiB of spaces (~64 KB): "
        "refused while inflating",
        None,
        image=with_chunk(
            PNG,
            png_chunk(
                b"iTXt",
                b"openbadgecredential\0\x01\x00\0\0"
                + zlib.compress(b"{" + b" " * (64 * 1024 * 1024) + b"}", 9),
            ),
        ),
        check="parse",
        code="RESOURCE_LIMIT_EXCEEDED",
    )
    baked_svg = baking.bake(SVG, BASES["jcs"])
    add(
        "control-image-svg-jcs",
        "a jcs badge baked into an SVG (CDATA): verified",
        None,
        image=baked_svg,
        verified=True,
    )
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>'
    )
    add(
        "image-svg-entity-expansion",
        "an SVG with a DTD declaring nested entities (billion laughs): refused",
        None,
        image=laughs,
        check="parse",
        code=MALFORMED,
    )
    for name, encoding in (
        ("unknown", b"TTF-8"),
        ("not-a-text-codec", b"rot13"),
        ("multi-byte", b"utf-32"),
        ("idna", b"idna"),
    ):
        add(
            f"image-svg-declared-encoding-{name}",
            f"the baked SVG with its XML declaration claiming encoding {encoding.decode()!r}: "
            "not a well-formed SVG image",
            None,
            image=baked_svg.replace(b'encoding="UTF-8"', b'encoding="' + encoding + b'"', 1),
            check="parse",
            code=MALFORMED,
        )


FAMILIES = (
    tamper_family,
    addition_family,
    array_family,
    typechange_family,
    context_family,
    proof_family,
    conformance_family,
    jwt_family,
    presentation_family,
    status_family,
    endorsement_family,
    image_family,
)


def main() -> int:
    for family in FAMILIES:
        family()
    ids = [c["id"] for c in CASES]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        print(f"duplicate case ids: {duplicates}", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json"):
        old.unlink()
    for case in CASES:
        text = json.dumps(case, indent=2, ensure_ascii=False) + "\n"
        (OUT / f"{case['id']}.json").write_text(text, encoding="utf-8")
    counts: dict[str, int] = {}
    for ident in ids:
        family = ident.split("-", 1)[0]
        counts[family] = counts.get(family, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"wrote {len(CASES)} cases to {OUT}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
