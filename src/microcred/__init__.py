"""microcred: Open Badges 3.0 and W3C Verifiable Credentials, signed and verified.

The public API is re-exported here; everything else is internal. The models (pydantic) and
the HTTP policy are imported on first use of their names, so that verifying starts fast.
"""

from __future__ import annotations

import typing as _typing

from ._issue import issue, sign_presentation, sign_presentation_jwt
from ._jwt import issue_jwt
from ._parse import InputLimits
from ._rdfc import CanonLimits
from ._schema import validate_schema
from ._verify import Verifier, check, verify
from .errors import (
    CredentialError,
    DocumentLoadError,
    ExpiredCredential,
    InvalidKey,
    InvalidProof,
    InvalidSignature,
    IssuerMismatch,
    KeyResolutionError,
    MalformedCredential,
    MicrocredError,
    PrematureCredential,
    ResolutionError,
    ResourceLimitExceeded,
    RevokedCredential,
    SigningError,
    UndefinedTerm,
    UnknownContext,
    UnsupportedSuite,
    VerificationFailed,
)
from .keys import ECKey, Ed25519Key, Key, RSAKey
from .loaders import DocumentLoader, bundled_loader, loader_with
from .report import Check, Problem, Status, VerificationReport
from .resolvers import KeyResolver, ResolvedKey, StaticResolver, resolve_did_key
from .status import StatusChecker, StatusList, StatusResult
from .suites import Cryptosuite

if _typing.TYPE_CHECKING:
    from ._http import HTTPPolicy
    from .models import (
        Achievement,
        AchievementCredential,
        AchievementSubject,
        ClrCredential,
        Criteria,
        EndorsementCredential,
        OpenBadgeCredential,
        Profile,
        SchemaFinding,
        VerifiableCredential,
        VerifiablePresentation,
        check_semantics,
        load_credential,
        load_presentation,
        new_badge,
    )

__version__ = "0.1.0"

_LAZY = {  # public name -> the submodule that defines it, imported on first use
    "HTTPPolicy": "_http",
    **dict.fromkeys(
        (
            "Achievement",
            "AchievementCredential",
            "AchievementSubject",
            "ClrCredential",
            "Criteria",
            "EndorsementCredential",
            "OpenBadgeCredential",
            "Profile",
            "SchemaFinding",
            "VerifiableCredential",
            "VerifiablePresentation",
            "check_semantics",
            "load_credential",
            "load_presentation",
            "new_badge",
        ),
        "models",
    ),
}

__all__ = [
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "CanonLimits",
    "Check",
    "ClrCredential",
    "CredentialError",
    "Criteria",
    "Cryptosuite",
    "DocumentLoadError",
    "DocumentLoader",
    "ECKey",
    "Ed25519Key",
    "EndorsementCredential",
    "ExpiredCredential",
    "HTTPPolicy",
    "InputLimits",
    "InvalidKey",
    "InvalidProof",
    "InvalidSignature",
    "IssuerMismatch",
    "Key",
    "KeyResolutionError",
    "KeyResolver",
    "MalformedCredential",
    "MicrocredError",
    "OpenBadgeCredential",
    "PrematureCredential",
    "Problem",
    "Profile",
    "RSAKey",
    "ResolutionError",
    "ResolvedKey",
    "ResourceLimitExceeded",
    "RevokedCredential",
    "SchemaFinding",
    "SigningError",
    "StaticResolver",
    "Status",
    "StatusChecker",
    "StatusList",
    "StatusResult",
    "UndefinedTerm",
    "UnknownContext",
    "UnsupportedSuite",
    "VerifiableCredential",
    "VerifiablePresentation",
    "VerificationFailed",
    "VerificationReport",
    "Verifier",
    "__version__",
    "bundled_loader",
    "check",
    "check_semantics",
    "issue",
    "issue_jwt",
    "load_credential",
    "load_presentation",
    "loader_with",
    "new_badge",
    "resolve_did_key",
    "sign_presentation",
    "sign_presentation_jwt",
    "validate_schema",
    "verify",
]


def __getattr__(name: str) -> object:
    """The names of ``_LAZY``, imported on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
