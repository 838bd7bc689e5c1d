"""The public API is exactly what __all__ says, sorted, and every name resolves."""

from __future__ import annotations

import pytest

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
    "Criteria",
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


@pytest.mark.parametrize("cls", ["Check", "VerificationReport"])
def test_hand_written_init_matches_the_fields(cls: str) -> None:
    """Check and VerificationReport have their own __init__ (for speed): it takes the fields."""
    import dataclasses
    import inspect

    kind = getattr(microcred, cls)
    expected = [
        (f.name, None if f.default_factory is not dataclasses.MISSING else f.default)
        for f in dataclasses.fields(kind)
    ]
    parameters = list(inspect.signature(kind.__init__).parameters.values())[1:]
    assert [
        (p.name, dataclasses.MISSING if p.default is inspect.Parameter.empty else p.default)
        for p in parameters
    ] == expected
    report = microcred.VerificationReport(checks=())
    assert report.extra == {}
    assert report.extra is not microcred.VerificationReport(()).extra


def test_reports_survive_pickle_and_copy_whole() -> None:
    """verify_many sends reports between processes: every field, nested ones too, must survive."""
    import copy
    import dataclasses
    import pickle

    from microcred import Check, Problem, Status, VerificationReport

    inner = VerificationReport(
        (Check("proof", Status.FAILED, "bad", "INVALID_SIGNATURE", "/proof"),),
        credential_id="urn:ex:e",
        issuer="did:ex:i",
        types=("VerifiableCredential",),
        format="jwt",
        input="e.json",
        extra={"subjects": ("did:ex:s",)},
    )
    nested = Check(
        "endorsements",
        Status.FAILED,
        "1 endorsement failed",
        "ENDORSEMENT_FAILED",
        "/endorsement/0",
        warnings=(Problem("W", "a warning", "/w"),),
        children=(Check("endorsement", Status.FAILED, report=inner),),
        report=inner,
    )
    report = VerificationReport((nested,), "urn:ex:c", "did:ex:j", ("A", "B"), "json", "c.json")
    for twin in (pickle.loads(pickle.dumps(report)), copy.copy(report), copy.deepcopy(report)):
        assert dataclasses.astuple(twin) == dataclasses.astuple(report)
        assert twin.extra == report.extra
        assert twin.checks[0].children[0].report == inner
        outer = twin.checks[0].report
        assert outer is not None
        assert outer.extra == inner.extra  # extra is not compared by ==


def test_every_error_survives_pickle_and_copy() -> None:
    """A service runs verify() in a process pool: the error it raises must cross back whole
    (VerificationFailed could not: rebuilt from its message, it wanted a report)."""
    import copy
    import inspect
    import pickle

    from microcred import errors

    report = microcred.Verifier(offline=True).check("{}")
    for name in errors.__all__:
        kind = getattr(errors, name)
        if not (inspect.isclass(kind) and issubclass(kind, errors.MicrocredError)):
            continue
        error = (
            kind(report)
            if kind is errors.VerificationFailed
            else kind("what went wrong", pointer="/a", code="SOME_CODE")
        )
        for twin in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
            assert type(twin) is kind
            assert (str(twin), twin.code, twin.pointer) == (str(error), error.code, error.pointer)
        if kind is errors.VerificationFailed:
            assert pickle.loads(pickle.dumps(error)).report == report


def test_report_get_is_check_or_none() -> None:
    report = microcred.Verifier(offline=True).check("not json")
    parse = report.get("parse")
    assert parse is not None
    assert parse is report.check("parse")
    assert report.get("proof") is None  # not run after a failed parse
    with pytest.raises(KeyError):
        report.check("proof")


@pytest.mark.parametrize(
    ("message", "pointer", "shown"),
    [
        ("the proof is bad", "/proof", "the proof is bad (at /proof)"),
        ("/issuer/url does not match", "/issuer/url", "/issuer/url does not match"),
        ("not verified: /issuer/url is wrong", "/issuer/url", "not verified: /issuer/url is wrong"),
        ("/credentialSubject/id is wrong", "/id", "/credentialSubject/id is wrong (at /id)"),
        ("the document is bad", "", "the document is bad"),
    ],
)
def test_an_error_names_its_field_once(message: str, pointer: str, shown: str) -> None:
    assert str(microcred.MalformedCredential(message, pointer=pointer)) == shown
