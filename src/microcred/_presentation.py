"""Verifiable Presentations: the holder's proof, replay protection, and each credential inside.

A presentation proves that its holder hands over these credentials now, to this verifier: its
proof has the ``authentication`` purpose and must carry the ``challenge`` (and ``domain``) the
verifier asked for, so a presentation recorded elsewhere cannot be replayed. A VP-JWT carries
them as its ``nonce`` and ``aud`` claims. Every presented credential is verified in full by
the same pipeline, whatever its format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._checks import Run, as_list, check_issuer, check_proofs, issuer_id, run_check
from ._jwt_checks import check_jwt_claims_step, check_jwt_issuer, check_jwt_proof
from ._nested import check_nested
from .errors import InvalidProof, IssuerMismatch
from .report import Check, Problem, Status, VerificationReport

__all__ = ["ENVELOPED_JWT", "presentation_checks", "presented_credentials"]

ENVELOPED_JWT = "data:application/vc+jwt,"


def presented_credentials(document: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(JSON Pointer, credential) for each presented credential; enveloped JWTs unwrapped."""
    declared = document.get("verifiableCredential")
    if declared is None:
        return []
    items = as_list(declared)
    found = []
    for i, item in enumerate(items):
        pointer = (
            f"/verifiableCredential/{i}"
            if isinstance(declared, list)
            else ("/verifiableCredential")
        )
        if (
            isinstance(item, Mapping)
            and item.get("type") == "EnvelopedVerifiableCredential"
            and str(item.get("id", "")).startswith(ENVELOPED_JWT)
        ):
            item = str(item["id"])[len(ENVELOPED_JWT) :]
        found.append((pointer, item))
    return found


def _check_jwt_audience(run: Run) -> None:
    """A VP-JWT's ``nonce`` is the challenge, its ``aud`` (one or a list) names the domain."""
    assert run.jwt is not None
    claims = run.jwt.claims
    if run.challenge is not None and claims.get("nonce") != run.challenge:
        raise InvalidProof(
            f"the JWT's nonce is {claims.get('nonce')!r:.80}, expected {run.challenge!r}",
            pointer="/nonce",
            code="INVALID_CHALLENGE_ERROR",
        )
    if run.domain is not None and run.domain not in as_list(claims.get("aud")):
        raise InvalidProof(
            f"the JWT's aud is {claims.get('aud')!r:.80}, expected {run.domain!r}",
            pointer="/aud",
            code="INVALID_DOMAIN_ERROR",
        )


def _check_challenge(run: Run) -> Check:
    if run.jwt is not None:
        _check_jwt_audience(run)
    if run.challenge is None:
        return Check(
            "challenge",
            Status.SKIPPED,
            "no challenge was expected",
            warnings=(
                Problem(
                    "NO_CHALLENGE",
                    "no challenge was expected: a replayed presentation cannot "
                    "be told from a fresh one; pass challenge= (and domain=)",
                ),
            ),
        )
    expected = f"challenge {run.challenge!r}" + (
        f" and domain {run.domain!r}" if run.domain else ""
    )
    return Check("challenge", Status.PASSED, f"the holder's proof carries the expected {expected}")


def _check_holder_is_subject(run: Run, reports: list[tuple[str, VerificationReport]]) -> Check:
    holder = issuer_id(run.document, "holder")
    for pointer, report in reports:
        subjects = report.extra.get("subjects", ())
        if holder is None or holder not in subjects:
            about = ", ".join(subjects) or "no identified subject"
            raise IssuerMismatch(
                f"the credential at {pointer} is about {about}, not the holder {holder}",
                pointer=f"{pointer}/credentialSubject",
                code="HOLDER_NOT_SUBJECT",
            )
    return Check("holder_binding", Status.PASSED, "the holder is the subject of every credential")


def presentation_checks(
    run: Run,
    verify: Callable[[Any], VerificationReport],
    *,
    depth: int,
    max_depth: int,
    holder_is_subject: bool,
) -> tuple[Check, ...]:
    """The checks of a presentation, after parsing."""
    found = presented_credentials(run.document)
    reports: list[tuple[str, VerificationReport]] = []

    def verify_and_keep(pointer: str, item: Any) -> VerificationReport:
        report = verify(item)
        reports.append((pointer, report))
        return report

    credentials = check_nested(
        "credentials", found, verify_and_keep, depth=depth, max_depth=max_depth, noun="credential"
    )
    if run.jwt is None:
        signature = [
            run_check("proof", check_proofs, run),
            run_check("holder", check_issuer, run),
        ]
    else:
        signature = [
            run_check("proof", check_jwt_proof, run),
            run_check("holder", check_jwt_issuer, run),
            run_check("claims", check_jwt_claims_step, run),
        ]
    checks = [*signature, run_check("challenge", _check_challenge, run), credentials]
    if holder_is_subject:
        checks.append(run_check("holder_binding", _check_holder_is_subject, run, reports))
    return tuple(checks)
