"""microcred: Open Badges 3.0 and W3C Verifiable Credentials, signed and verified.

The public API is re-exported here; everything else is internal.
"""

from __future__ import annotations

from ._issue import issue
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
from .keys import Ed25519Key
from .loaders import DocumentLoader, bundled_loader, loader_with
from .report import Check, Problem, Status, VerificationReport
from .resolvers import KeyResolver, ResolvedKey, StaticResolver, resolve_did_key
from .suites import Cryptosuite

__version__ = "0.1.0"

__all__ = [
    "Check",
    "CredentialError",
    "Cryptosuite",
    "DocumentLoadError",
    "DocumentLoader",
    "Ed25519Key",
    "ExpiredCredential",
    "InvalidKey",
    "InvalidProof",
    "InvalidSignature",
    "IssuerMismatch",
    "KeyResolutionError",
    "KeyResolver",
    "MalformedCredential",
    "MicrocredError",
    "PrematureCredential",
    "Problem",
    "ResolutionError",
    "ResolvedKey",
    "ResourceLimitExceeded",
    "RevokedCredential",
    "SigningError",
    "StaticResolver",
    "Status",
    "UndefinedTerm",
    "UnknownContext",
    "UnsupportedSuite",
    "VerificationFailed",
    "VerificationReport",
    "Verifier",
    "__version__",
    "bundled_loader",
    "check",
    "issue",
    "loader_with",
    "resolve_did_key",
    "verify",
]
