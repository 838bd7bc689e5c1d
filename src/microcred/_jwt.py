"""VC-JWT as Open Badges 3.0 uses it: issue, decode, find the key, check the claims.

The payload is the credential JSON plus the registered claims mapped from it (``iss`` =
issuer id, ``sub`` = credentialSubject id, ``jti`` = id, ``nbf`` = validFrom, ``exp`` =
validUntil). The VCDM 1.1 form, the credential in a ``vc`` claim, is read too: properties it
leaves out are filled from the claims (VC-JWT 1.1 decoding rules).

A presentation (VP-JWT) is the same with the holder in place of the issuer (``iss`` = holder
id) and the verifier's challenge in ``nonce`` and domain in ``aud``; its VCDM 1.1 form has the
presentation in a ``vp`` claim.

Key selection (:func:`verify_jwt_signature`):

* ``kid`` that is a DID URL or an absolute URL: dereferenced through the resolver; that key is
  authoritative (a ``jwk`` header, if also present, must be the same key).
* ``kid`` that is relative (``key-1`` or ``#key-1``): a fragment of the issuer's id
  (``<issuer>#key-1``). If a ``jwk`` header is present and that method cannot be resolved, the
  ``kid`` is only a label and the header key is used.
* no ``kid``: the ``jwk`` header key. It proves integrity, not authorship: the result is marked
  ``trusted=False`` (the issuer check is indeterminate) unless ``trust_embedded_keys=True``,
  which binds it to the credential's issuer as the caller says.

This module does not import jwcrypto: the JOSE work is :mod:`microcred._jose`'s.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple

from ._checks import check_conformance
from ._jose import (
    DEFAULT_TYPS,
    SUPPORTED_ALGS,
    check_header,
    jwk_thumbprint,
    parse_compact,
    sign_compact,
    verify_checked_signature,
)
from ._parse import (
    DEFAULT_INPUT_LIMITS,
    InputLimits,
    copy_json,
    parse_json_object,
    require_object,
)
from ._time import format_datetime, parse_datetime
from .errors import (
    CredentialError,
    ExpiredCredential,
    InvalidKey,
    InvalidProof,
    MalformedCredential,
    PrematureCredential,
    ResolutionError,
    SigningError,
)
from .keys import Ed25519Key, Key, key_from_jwk
from .report import Problem
from .resolvers import KeyResolver, ResolvedKey, _origin

__all__ = [
    "REGISTERED_CLAIMS",
    "JwtCredential",
    "JwtKey",
    "check_jwt_claims",
    "check_jwt_times",
    "decode_jwt_credential",
    "issue_jwt",
    "verify_jwt_signature",
]

REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "nonce")
_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_THUMBPRINT_URN = "urn:ietf:params:oauth:jwk-thumbprint:sha-256:"


class JwtCredential(NamedTuple):
    """A decoded VC-JWT; nothing about it is verified yet.

    ``claims`` is the whole JWT claims set; ``credential`` the credential it carries (the
    payload minus registered claims, or the ``vc`` claim completed from the claims when
    ``vc_claim`` is true). Pointers of claim problems (``/iss`` ...) point into ``claims``.
    A named tuple (made for every token, faster than a frozen dataclass).
    """

    header: dict[str, Any]
    claims: dict[str, Any]
    credential: dict[str, Any]
    signing_input: bytes
    signature: bytes
    payload: bytes  # the claims' JSON text
    vc_claim: bool = False

    @property
    def is_presentation(self) -> bool:
        return _is_presentation(self.credential)


class JwtKey(NamedTuple):
    """The key a VC-JWT's signature was verified with, and what it says about authorship.

    ``source`` is ``"kid"`` (dereferenced: ``resolved.controller`` is who controls it) or
    ``"jwk"`` (only embedded in the header; ``resolved.method_id`` is its RFC 9278 thumbprint
    URN). ``trusted`` is False exactly for an embedded key the caller did not choose to trust:
    then ``resolved.controller`` is ``""`` and its relationships are empty, and the issuer
    check must be *indeterminate*, not failed. A named tuple, as one is made for every token.
    """

    resolved: ResolvedKey
    source: Literal["kid", "jwk"]
    trusted: bool
    kid: str | None = None


# -- mapping between the credential and the registered claims ----------------------------
def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _is_presentation(document: Mapping[str, Any]) -> bool:
    types = document.get("type")
    return "VerifiablePresentation" in (types if isinstance(types, list) else [types])


def _signer(document: Mapping[str, Any]) -> str:
    """Who signs: the holder of a presentation, the issuer of a credential."""
    return "holder" if _is_presentation(document) else "issuer"


def _issuer(document: Mapping[str, Any], signer: str | None = None) -> str | None:
    """The id of the issuer (of the holder, for a presentation): what ``iss`` names."""
    issuer = document.get(signer or _signer(document))
    if type(issuer) is dict or isinstance(issuer, Mapping):  # the exact type first: cheaper
        issuer = issuer.get("id")
    return _string(issuer)


def _mirrored(document: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """(claim, the credential property it mirrors as a display name, that property's value or
    None) for ``iss``, ``sub``, ``jti``, ``nbf`` and ``exp``, in one look at the document."""
    signer = _signer(document)
    subject = document.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    subject_id = (
        subject.get("id") if type(subject) is dict or isinstance(subject, Mapping) else None
    )
    start = (
        "validFrom" if "validFrom" in document or "issuanceDate" not in document else "issuanceDate"
    )
    end = (
        "validUntil"
        if "validUntil" in document or "expirationDate" not in document
        else "expirationDate"
    )
    return [
        ("iss", _SIGNER_IDS[signer], _issuer(document, signer)),
        ("sub", "credentialSubject id", _string(subject_id)),
        ("jti", "id", _string(document.get("id"))),
        ("nbf", start, document.get(start)),
        ("exp", end, document.get(end)),
    ]


_SIGNER_IDS = {"issuer": "issuer id", "holder": "holder id"}


def _numeric(claims: Mapping[str, Any], claim: str) -> float | None:
    """A NumericDate claim (RFC 7519: seconds since the epoch, a JSON number), or None."""
    value = claims.get(claim)
    if value is None and claim not in claims:
        return None
    if (
        type(value) is int
        or type(value) is float
        or (isinstance(value, int | float) and not isinstance(value, bool))
    ):
        try:
            return float(value)
        except OverflowError:
            pass
    raise MalformedCredential(
        f"the {claim!r} claim must be a NumericDate (seconds since 1970)", pointer=f"/{claim}"
    )


def _show_time(seconds: float) -> str:
    try:
        return format_datetime(datetime.fromtimestamp(seconds, UTC))
    except (OverflowError, ValueError, OSError):
        return str(seconds)


# -- issuing --------------------------------------------------------------------------------
def issue_jwt(
    credential: Mapping[str, Any] | Any,
    key: Key,
    *,
    kid: str | None = None,
    embed_jwk: bool = False,
    issued_at: datetime | None = None,
    nonce: str | None = None,
    audience: str | None = None,
) -> str:
    """Sign ``credential`` (a dict or a model) as a VC-JWT; the input is untouched.

    The header gets ``alg`` from the key, ``typ: JWT``, the ``kid`` (default for an Ed25519
    key: its did:key verification method, which must then be the issuer) and, with
    ``embed_jwk=True``, the public key as ``jwk``. RSA and EC keys need ``kid`` or ``embed_jwk``.
    A presentation is signed by its holder, with the verifier's challenge as ``nonce`` and its
    domain as ``audience`` (``aud``); see :func:`microcred.sign_presentation_jwt`.
    """
    if not callable(getattr(key, "sign", None)) or not isinstance(
        getattr(key, "algorithm", None), str
    ):
        raise SigningError(
            f"a VC-JWT is signed with an Ed25519Key, RSAKey or ECKey, not {type(key).__name__}"
        )
    if hasattr(credential, "to_dict"):
        credential = credential.to_dict()
    document = copy_json(require_object(credential))
    claims: dict[str, Any] = {}
    for claim, name, value in _mirrored(document):
        if value is not None and claim in ("nbf", "exp"):
            value = math.floor(parse_datetime(value, f"/{name}").timestamp())
        if value is not None:
            claims[claim] = value
    if issued_at is not None:
        if not isinstance(issued_at, datetime):
            raise SigningError(f"issued_at must be a datetime, not {type(issued_at).__name__}")
        claims["iat"] = math.floor(issued_at.timestamp())
    claims.update({k: v for k, v in (("nonce", nonce), ("aud", audience)) if v is not None})
    issuer = claims.get("iss")
    role = _signer(document)
    if issuer is None:
        raise SigningError(f"the document has no {role} id: a JWT needs one for 'iss'")
    if clash := [
        n
        for n in (*REGISTERED_CLAIMS, "vc", "vp")
        if document.get(n, claims.get(n)) != claims.get(n)
    ]:
        raise SigningError(
            f"the credential's top-level {clash[0]!r} is a JWT claim name: rename it"
        )
    check_conformance(document, _EXPECTED_TYPES[role])  # what every verifier will refuse
    if kid is not None and (not isinstance(kid, str) or not kid or not _encodable(kid)):
        raise SigningError(f"kid must be a non-empty string of valid Unicode, not {kid!r:.80}")
    if kid is not None and (other := _other_controller(kid, issuer)) is not None:
        raise SigningError(
            f"the {role} is {issuer} but the kid {kid} names a key of {other}: verifiers would "
            f"reject it; pass a kid the {role} publishes, or a relative one ('#key-1')"
        )
    header: dict[str, Any] = {"alg": key.algorithm, "typ": "JWT"}
    if kid is None and not embed_jwk:
        if not isinstance(key, Ed25519Key):
            raise SigningError(
                f"a {key.algorithm} key has no self-describing id: pass kid= (the URL or DID URL "
                "where verifiers find the key) or embed_jwk=True"
            )
        if key.did != issuer:
            raise SigningError(
                f"the {role} is {issuer} but the key {key.verification_method} is controlled by "
                f"{key.did}: verifiers would reject it; pass the kid the issuer publishes"
            )
        kid = key.verification_method
    if kid is not None:
        header["kid"] = kid
    if embed_jwk:
        header["jwk"] = key.public_jwk()
    payload = json.dumps({**document, **claims}, ensure_ascii=False, separators=(",", ":"))
    if not _encodable(payload):  # a lone surrogate: no UTF-8, so no JSON text to sign
        raise MalformedCredential(
            "a string holds an unpaired surrogate, which UTF-8 cannot encode: a JWT payload "
            "must be valid Unicode"
        )
    return sign_compact(payload.encode("utf-8"), key, header)


_EXPECTED_TYPES = {"issuer": "VerifiableCredential", "holder": "VerifiablePresentation"}


def _other_controller(kid: str, signer: str) -> str | None:
    """Who controls the key an absolute ``kid`` names, when that is not ``signer``: its DID or
    URL before ``#`` (a JWK Set speaks for its web origin, so one on the signer's is theirs)."""
    base = kid.partition("#")[0]
    if not _SCHEME.match(kid) or base == signer:
        return None
    web = base.startswith("https://") and signer.startswith("https://")
    return None if web and _origin(base) == _origin(signer) else base


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- decoding -------------------------------------------------------------------------------
def decode_jwt_credential(
    token: str | bytes, *, limits: InputLimits = DEFAULT_INPUT_LIMITS
) -> JwtCredential:
    """Parse a VC-JWT (or VP-JWT) and extract its credential (or presentation).

    The signature is NOT checked.
    """
    jws = parse_compact(token, max_length=limits.max_bytes)
    claims = parse_json_object(jws.payload, limits)
    if "vc" not in claims and "vp" not in claims:
        credential = claims.copy()  # then the few registered claims out: cheaper than a filter
        for name in REGISTERED_CLAIMS:
            if name in credential:
                del credential[name]
        return JwtCredential(
            jws.header, claims, credential, jws.signing_input, jws.signature, jws.payload
        )
    wrapped = [name for name in ("vc", "vp") if name in claims]
    name = wrapped[0]
    if not isinstance(claims[name], Mapping) or "@context" in claims or len(wrapped) > 1:
        raise MalformedCredential(
            f"the {name!r} claim must be a JSON object, and the only document in the JWT",
            pointer=f"/{name}",
        )
    credential = _complete(copy_json(dict(claims[name])), claims, name)
    return JwtCredential(
        jws.header, claims, credential, jws.signing_input, jws.signature, jws.payload, True
    )


def _complete(vc: dict[str, Any], claims: Mapping[str, Any], name: str) -> dict[str, Any]:
    """VC-JWT 1.1: properties the ``vc`` (``vp``) claim leaves out are taken from the claims."""
    iss, sub, jti = (_string(claims.get(name)) for name in ("iss", "sub", "jti"))
    if jti is not None and "id" not in vc:
        vc["id"] = jti
    if name == "vp":
        if iss is not None and "holder" not in vc:
            vc["holder"] = iss
        return vc
    issuer, subject = vc.get("issuer"), vc.get("credentialSubject")
    if iss is not None and issuer is None:
        vc["issuer"] = iss
    elif iss is not None and isinstance(issuer, dict) and "id" not in issuer:
        issuer["id"] = iss
    if sub is not None and isinstance(subject, dict) and "id" not in subject:
        subject["id"] = sub
    contexts = vc.get("@context")
    v1 = isinstance(contexts, list) and bool(contexts) and contexts[0] == _V1_CONTEXT
    for claim, v1_name, v2_name in (
        ("nbf", "issuanceDate", "validFrom"),
        ("exp", "expirationDate", "validUntil"),
    ):
        value = _numeric(claims, claim)
        if value is not None and v1_name not in vc and v2_name not in vc:
            vc[v1_name if v1 else v2_name] = _show_time(value)
    return vc


# -- the key and the signature --------------------------------------------------------------
_CREDENTIAL_TYPS = DEFAULT_TYPS - {"vp+jwt"}  # a typ that says "presentation" on a credential
_PRESENTATION_TYPS = DEFAULT_TYPS - {"vc+jwt"}  # (or the reverse) is a confused token


def verify_jwt_signature(
    decoded: JwtCredential,
    resolver: KeyResolver,
    *,
    trust_embedded_keys: bool = False,
    allowed_algs: frozenset[str] = SUPPORTED_ALGS,
    allowed_typs: frozenset[str] | None = None,
) -> JwtKey:
    """Find the key (see the module docstring) and verify the signature; raise if invalid.

    ``typ`` may be absent or ``JWT``; otherwise it must name what the token holds, ``vc+jwt`` a
    credential and ``vp+jwt`` a presentation (``allowed_typs`` replaces that rule). Resolution
    problems propagate (ResolutionError: indeterminate); a bad header, key or signature raises a
    CredentialError. Binding to the issuer is the caller's issuer check.
    """
    header = decoded.header
    if allowed_typs is None:
        allowed_typs = _PRESENTATION_TYPS if decoded.is_presentation else _CREDENTIAL_TYPS
    alg = check_header(header, allowed_algs=allowed_algs, allowed_typs=allowed_typs)
    issuer = _issuer(decoded.credential) or _string(decoded.claims.get("iss"))
    jwk: Mapping[str, Any] | None = header.get("jwk")  # a JSON object: check_header says so
    embedded, thumbprint = (None, "") if jwk is None else _header_key(jwk)
    found = _key_from_kid(header.get("kid"), issuer, resolver, fallback=jwk is not None)
    if found is None:
        if jwk is None or embedded is None:  # (both or neither)
            raise InvalidProof(
                "the JWS header has neither 'kid' nor 'jwk': there is no key to verify with "
                "('x5c', 'x5u' and 'jku' are not followed)"
            )
        bound = issuer if trust_embedded_keys and issuer is not None else ""
        relationships = frozenset({"assertionMethod", "authentication"} if bound else ())
        resolved = ResolvedKey(embedded, _THUMBPRINT_URN + thumbprint, bound, relationships)
        found = JwtKey(resolved, "jwk", bool(bound), _string(header.get("kid")))
    elif embedded is not None and thumbprint != _thumbprint(found.resolved.key):
        raise InvalidProof(f"the JWS 'jwk' header is not the key {found.resolved.method_id}")
    verify_checked_signature(alg, decoded.signing_input, decoded.signature, found.resolved.key)
    return found


def _header_key(jwk: Mapping[str, Any]) -> tuple[Key, str]:
    """The key of the ``jwk`` header, which must be a usable public key even beside a ``kid``,
    and its RFC 7638 thumbprint."""
    try:
        if all(type(value) is str for value in jwk.values()):
            return _key_of_members(tuple(sorted(jwk.items())))
        key = key_from_jwk(jwk, public_only=True)
        return key, _thumbprint(key)
    except InvalidKey as exc:  # its pointer is a JWK member's, not the credential's: say so
        raise InvalidKey(
            f"the JWS header 'jwk' is not a usable public key: {exc.message}", code=exc.code
        ) from None


def _thumbprint(key: Key) -> str:
    return jwk_thumbprint(key.public_jwk())


@functools.lru_cache(maxsize=256)
def _key_of_members(members: tuple[tuple[str, str], ...]) -> tuple[Key, str]:
    """A key of plain members is built once (keys are immutable; errors are not cached)."""
    key = key_from_jwk(dict(members), public_only=True)
    return key, _thumbprint(key)


def _key_from_kid(
    kid: object, issuer: str | None, resolver: KeyResolver, *, fallback: bool
) -> JwtKey | None:
    if not isinstance(kid, str):
        return None
    if _SCHEME.match(kid):
        return JwtKey(resolver(kid), "kid", True, kid)
    if issuer is None:
        raise InvalidProof(f"the JWS kid {kid!r:.80} is relative, and there is no issuer id")
    try:
        return JwtKey(
            resolver(f"{issuer.partition('#')[0]}#{kid.removeprefix('#')}"), "kid", True, kid
        )
    except (ResolutionError, InvalidKey):
        if not fallback:
            raise
        return None  # a label only: the jwk header key is used


# -- claims ---------------------------------------------------------------------------------
def check_jwt_claims(
    decoded: JwtCredential, *, now: datetime | None = None, leeway: timedelta = timedelta(0)
) -> list[Problem]:
    """Compare each mapped claim with the credential; return warnings, raise on a mismatch.

    A present claim that disagrees raises CredentialError ``JWT_CLAIM_MISMATCH`` (pointer
    ``/iss`` ...). An absent claim whose credential property exists (OB 3.0 expects ``iss``,
    ``sub``, ``jti``, ``nbf``, and ``exp`` with validUntil) is a ``JWT_CLAIM_MISSING`` warning;
    a claim without a credential property is ``JWT_CLAIM_UNMAPPED``. With ``now``,
    :func:`check_jwt_times` runs too.
    """
    warnings: list[Problem] = []
    claims = decoded.claims
    for claim, name, expected in _mirrored(decoded.credential):
        if claim not in claims or expected is None:
            if claim in claims:
                message = (
                    f"the JWT {claim!r} claim has no counterpart: the credential has no {name}"
                )
                warnings.append(Problem("JWT_CLAIM_UNMAPPED", message, f"/{claim}"))
            elif expected is not None:
                message = f"the JWT has no {claim!r} claim to repeat the credential's {name}"
                warnings.append(Problem("JWT_CLAIM_MISSING", message, f"/{claim}"))
            continue
        value: Any = claims[claim]
        if claim in ("nbf", "exp"):
            seconds = _numeric(claims, claim) or 0.0
            agrees = abs(seconds - parse_datetime(expected, f"/{name}").timestamp()) < 1
        else:
            agrees = value == expected
        if not agrees:
            if claim in ("nbf", "exp"):  # formatted only for the message: strftime costs
                value = _show_time(seconds)
            raise CredentialError(
                f"the JWT {claim!r} claim is {value!r:.120} but the credential's {name} is "
                f"{expected!r:.120}: a signed claim contradicts the credential",
                pointer=f"/{claim}",
                code="JWT_CLAIM_MISMATCH",
            )
    if now is not None:
        check_jwt_times(decoded, now, leeway)
    return warnings


def check_jwt_times(
    decoded: JwtCredential, now: datetime, leeway: timedelta = timedelta(0)
) -> None:
    """The JWT's own ``exp`` (must be after ``now``) and ``nbf`` (not after ``now``)."""
    moment, slack = now.timestamp(), leeway.total_seconds()
    expires, starts = _numeric(decoded.claims, "exp"), _numeric(decoded.claims, "nbf")
    if expires is not None and moment - slack >= expires:
        raise ExpiredCredential(f"the JWT expired at {_show_time(expires)}", pointer="/exp")
    if starts is not None and moment + slack < starts:
        raise PrematureCredential(
            f"the JWT is not valid before {_show_time(starts)}", pointer="/nbf"
        )
