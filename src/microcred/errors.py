"""Every exception microcred raises, each with a stable ``code``.

Verdicts and "could not complete" are different things, so they are different branches::

    MicrocredError
    ├── CredentialError            a verdict: not acceptable          -> check FAILED
    │   ├── MalformedCredential    not JSON/JWT/image, fails schema or model
    │   │   └── ResourceLimitExceeded  too big, too deep, too much canonicalisation work
    │   ├── UnknownContext         an @context that is neither bundled nor supplied
    │   ├── UndefinedTerm          a property or type the contexts do not define
    │   ├── InvalidKey             a key that is malformed or of the wrong type
    │   ├── InvalidProof           missing / malformed / wrong purpose
    │   │   ├── InvalidSignature
    │   │   └── UnsupportedSuite
    │   ├── IssuerMismatch         key not controlled by the issuer
    │   ├── ExpiredCredential
    │   ├── PrematureCredential
    │   └── RevokedCredential      (and suspended)
    ├── ResolutionError            could not complete                 -> INDETERMINATE
    │   ├── DocumentLoadError
    │   └── KeyResolutionError     unreachable, too big, too slow, refused address
    ├── SigningError
    └── VerificationFailed         raised by verify(); carries .report

Codes reuse the names of the W3C Data Integrity and Controlled Identifiers specifications
where one exists. Every message names the offending field as a JSON Pointer (``pointer``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .report import VerificationReport

__all__ = [
    "CredentialError",
    "DocumentLoadError",
    "ExpiredCredential",
    "InvalidKey",
    "InvalidProof",
    "InvalidSignature",
    "IssuerMismatch",
    "KeyResolutionError",
    "MalformedCredential",
    "MicrocredError",
    "PrematureCredential",
    "ResolutionError",
    "ResourceLimitExceeded",
    "RevokedCredential",
    "SigningError",
    "UndefinedTerm",
    "UnknownContext",
    "UnsupportedSuite",
    "VerificationFailed",
]


class MicrocredError(Exception):
    """Base of every microcred error.

    ``pointer`` is a JSON Pointer (RFC 6901) to the offending field, ``""`` for the whole
    document; ``code`` is stable and safe to match on.
    """

    code = "MICROCRED_ERROR"

    def __init__(self, message: str, *, pointer: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pointer = pointer
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return _with_pointer(self.message, self.pointer)


def _with_pointer(message: str, pointer: str) -> str:
    """``message (at pointer)``; just the message when it already names that field, as the
    schema's do (``/issuer/url does not match ...``)."""
    if not pointer or f" {message} ".find(f" {pointer} ") >= 0:
        return message
    return f"{message} (at {pointer})"


class CredentialError(MicrocredError):
    """A verdict: the input is not acceptable. A check that raises it has failed."""

    code = "INVALID_CREDENTIAL"


class MalformedCredential(CredentialError):
    """Not JSON, not a JWT or image, or does not fit the data model or schema."""

    code = "MALFORMED_CREDENTIAL"


class ResourceLimitExceeded(MalformedCredential):
    """The input would take more than the configured size, depth or work to process."""

    code = "RESOURCE_LIMIT_EXCEEDED"


class UnknownContext(CredentialError):
    """An ``@context`` URL that is not bundled and that no supplied loader provides."""

    code = "UNKNOWN_CONTEXT"


class UndefinedTerm(CredentialError):
    """A property or type that the credential's contexts do not define (it would be unsigned)."""

    code = "DATA_LOSS_DETECTION_ERROR"


class InvalidKey(CredentialError):
    """A key that is malformed, truncated or of a type that cannot be used here."""

    code = "INVALID_VERIFICATION_METHOD"


class InvalidProof(CredentialError):
    """A proof that is missing, malformed, or made for another purpose."""

    code = "MALFORMED_PROOF_ERROR"


class InvalidSignature(InvalidProof):
    """The signature does not match the credential and key."""

    code = "PROOF_VERIFICATION_ERROR"


class UnsupportedSuite(InvalidProof):
    """A proof type or cryptosuite that is unknown or not allowed by the caller."""

    code = "UNSUPPORTED_CRYPTOSUITE"


class IssuerMismatch(CredentialError):
    """The signing key is not controlled by the credential's issuer."""

    code = "ISSUER_MISMATCH"


class ExpiredCredential(CredentialError):
    """The credential (or proof) is past its ``validUntil`` / ``expirationDate`` / ``expires``."""

    code = "EXPIRED"


class PrematureCredential(CredentialError):
    """The credential (or proof) is not valid yet."""

    code = "NOT_YET_VALID"


class RevokedCredential(CredentialError):
    """The issuer has revoked or suspended the credential."""

    code = "REVOKED"


class ResolutionError(MicrocredError):
    """Could not complete: a document or key could not be obtained. The check is indeterminate."""

    code = "RESOLUTION_ERROR"


class DocumentLoadError(ResolutionError):
    """A document (context, status list, controller document) could not be loaded."""

    code = "DOCUMENT_LOAD_ERROR"


class KeyResolutionError(ResolutionError):
    """A verification method could not be dereferenced to a key."""

    code = "INVALID_VERIFICATION_METHOD_URL"


class SigningError(MicrocredError):
    """Signing was refused or failed (e.g. a key without its secret half)."""

    code = "PROOF_GENERATION_ERROR"


class VerificationFailed(MicrocredError):
    """Raised by :func:`microcred.verify` when a credential is not verified; see ``.report``."""

    code = "VERIFICATION_FAILED"

    def __init__(self, report: VerificationReport) -> None:
        problems = report.errors
        first = problems[0].message if problems else "not verified"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        pointer = problems[0].pointer if problems else ""
        super().__init__(f"credential not verified: {first}{more}", pointer=pointer)
        self.report = report

    def __reduce__(self) -> tuple[type[VerificationFailed], tuple[VerificationReport]]:
        # rebuilt from its report (the default rebuilds from the message), so that it pickles,
        # copies, and crosses a process pool
        return type(self), (self.report,)
