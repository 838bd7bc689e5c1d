"""The public API is exactly what __all__ says, sorted, and every name resolves."""

from __future__ import annotations

import microcred

EXPECTED = {
    "CanonLimits",
    "Check",
    "InputLimits",
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
    # models, schema, status, HTTP policy
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "ClrCredential",
    "EndorsementCredential",
    "HTTPPolicy",
    "OpenBadgeCredential",
    "Profile",
    "SchemaFinding",
    "StatusChecker",
    "StatusList",
    "StatusResult",
    "VerifiableCredential",
    "VerifiablePresentation",
    "check_semantics",
    "load_credential",
    "load_presentation",
    "new_badge",
    "validate_schema",
    "sign_presentation",
    "sign_presentation_jwt",
    "ECKey",
    "RSAKey",
    "Key",
    "issue_jwt",
}


def test_all_is_sorted_and_exact() -> None:
    assert microcred.__all__ == sorted(microcred.__all__)
    assert set(microcred.__all__) == EXPECTED


def test_every_public_name_resolves() -> None:
    for name in microcred.__all__:
        assert getattr(microcred, name) is not None


def test_no_stray_public_names() -> None:
    public = {n for n in vars(microcred) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(microcred, n)).__name__ == "module"}
    assert public - modules - set(microcred.__all__) == {"annotations"}


def test_error_codes_are_unique_per_class() -> None:
    errors = [
        getattr(microcred, n)
        for n in microcred.__all__
        if isinstance(getattr(microcred, n), type)
        and issubclass(getattr(microcred, n), microcred.MicrocredError)
    ]
    codes = [e.code for e in errors]
    assert len(codes) == len(set(codes)), codes


def test_check_init_matches_its_fields() -> None:
    """Check has a hand-written __init__ (for speed): it must take exactly the fields."""
    import dataclasses
    import inspect

    from microcred import Check

    fields = [(f.name, f.default) for f in dataclasses.fields(Check)]
    parameters = list(inspect.signature(Check.__init__).parameters.values())[1:]
    assert [(p.name, p.default) for p in parameters] == [
        (name, inspect.Parameter.empty if default is dataclasses.MISSING else default)
        for name, default in fields
    ]
