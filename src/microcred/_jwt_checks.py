"""The checks of a VC-JWT credential: signature, issuer binding, registered claims.

A key found only in the JWS ``jwk`` header proves that the token is intact, not who made it:
unless the caller opts in (``trust_embedded_keys``), the issuer check is *indeterminate* and
the credential is not verified. A registered claim that disagrees with the credential fails;
one that is absent is a warning.
"""

from __future__ import annotations

from ._checks import Run, check_issuer
from ._jwt import check_jwt_claims, verify_jwt_signature
from .errors import MicrocredError, ResolutionError
from .report import Check, Status

__all__ = ["check_jwt_claims_step", "check_jwt_issuer", "check_jwt_proof"]


def check_jwt_proof(run: Run) -> Check:
    """The JWS signature, with the key from ``kid`` (dereferenced) or the ``jwk`` header."""
    assert run.jwt is not None
    try:
        found = verify_jwt_signature(
            run.jwt,
            run.config.resolver,
            trust_embedded_keys=run.config.trust_embedded_keys,
            allowed_algs=run.config.jwt_algorithms,
        )
    except MicrocredError as exc:
        exc.pointer = exc.pointer or "/proof"
        raise
    run.jwt_key = found
    if found.trusted:
        run.bound_keys.append(found.resolved)
    alg = run.jwt.header.get("alg")
    source = (
        f"the key {found.resolved.method_id}"
        if found.source == "kid"
        else "the key embedded in the JWS header"
    )
    return Check("proof", Status.PASSED, f"VC-JWT {alg} signature by {source} is valid")


def check_jwt_issuer(run: Run) -> Check:
    """Like the Data Integrity issuer check, but an untrusted embedded key is indeterminate."""
    if run.jwt_key is not None and not run.jwt_key.trusted:
        raise ResolutionError(
            "the JWT is signed with a key found only in its own 'jwk' header: that proves it is "
            "intact, not that the issuer signed it; the issuer must publish the key (JWS 'kid'), "
            "or pass trust_embedded_keys=True (--trust-embedded-keys) to accept it",
            pointer="/issuer",
            code="EMBEDDED_KEY_NOT_TRUSTED",
        )
    return check_issuer(run)


def check_jwt_claims_step(run: Run) -> Check:
    """Registered claims agree with the credential; the JWT's own exp / nbf hold now."""
    assert run.jwt is not None
    warnings = check_jwt_claims(run.jwt, now=run.now, leeway=run.config.leeway)
    return Check(
        "claims",
        Status.PASSED,
        "the JWT's registered claims agree with the credential",
        warnings=tuple(warnings),
    )
