"""The verification policy of ``microcred verify --policy FILE`` (TOML or JSON).

    trusted_issuers = ["did:web:registrar.example.edu"]   # others fail
    accepted_suites = ["eddsa-rdfc-2022"]                 # Data Integrity cryptosuites
    accepted_jwt_algorithms = ["EdDSA", "ES256"]          # VC-JWT "alg" values
    required_checks = ["status"]                          # must have passed, not been skipped
    indeterminate_status = "fail"                         # or "warn"

Every key is optional; an unknown key is an error (a typo must not weaken a policy). The policy
adds a ``policy`` check to each report; ``indeterminate_status = "warn"`` turns a status check
that could not be completed into a skipped check with a warning.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .._jose import SUPPORTED_ALGS
from .._parse import first_repeated
from ..report import Check, Problem, Status, VerificationReport
from ..suites import DEFAULT_SUITES
from ._common import UsageError, read_bytes

__all__ = ["CHECK_NAMES", "Policy", "load_policy"]

#: Names of the checks a report can hold (``required_checks`` must use them).
CHECK_NAMES = frozenset(
    {
        "parse",
        "schema",
        "proof",
        "issuer",
        "claims",
        "validity",
        "status",
        "endorsements",
        "refresh",
        "holder",
        "challenge",
        "credentials",
    }
)
SUITE_NAMES = tuple(s.name for s in DEFAULT_SUITES)
_KEYS = (
    "trusted_issuers",
    "accepted_suites",
    "accepted_jwt_algorithms",
    "required_checks",
    "indeterminate_status",
)


@dataclass(frozen=True)
class Policy:
    """What a deployment accepts beyond a valid signature. ``None`` means "no restriction"."""

    source: str = ""
    trusted_issuers: frozenset[str] | None = None
    accepted_suites: tuple[str, ...] | None = None
    accepted_jwt_algorithms: frozenset[str] | None = None
    required_checks: tuple[str, ...] = ()
    indeterminate_status: Literal["fail", "warn"] = "fail"

    @property
    def adds_check(self) -> bool:
        """Whether reports get a ``policy`` check."""
        return (
            self.trusted_issuers is not None
            or self.accepted_jwt_algorithms is not None
            or bool(self.required_checks)
        )

    def trusting(self, issuers: Iterable[str]) -> Policy:
        """This policy with ``issuers`` added to the trusted issuers (``--trust-issuer``)."""
        extra = frozenset(issuers)
        if not extra:
            return self
        source = f"{self.source} and --trust-issuer" if self.source else "--trust-issuer"
        return dataclasses.replace(
            self, trusted_issuers=(self.trusted_issuers or frozenset()) | extra, source=source
        )

    def apply(self, report: VerificationReport, jwt_alg: str | None) -> VerificationReport:
        """The report as this policy judges it."""
        if self.indeterminate_status == "warn":
            report = _soften_status(report)
        if not self.adds_check:
            return report
        return dataclasses.replace(report, checks=(*report.checks, self._check(report, jwt_alg)))

    def _check(self, report: VerificationReport, jwt_alg: str | None) -> Check:
        if not any(c.name == "proof" for c in report.checks):
            return Check("policy", Status.SKIPPED, "not applied: the input is not a credential")
        problems: list[Problem] = []
        passed: list[str] = []
        if self.trusted_issuers is not None:
            for pointer, issuer in _issuers(report):
                if issuer in self.trusted_issuers:
                    passed.append(f"issuer {issuer} is trusted")
                else:
                    problems.append(
                        Problem(
                            "UNTRUSTED_ISSUER",
                            f"issuer {issuer or '(none)'} is not among the trusted issuers "
                            f"({self.source}); add it there if it should be trusted",
                            pointer,
                        )
                    )
        if self.accepted_jwt_algorithms is not None and jwt_alg is not None:
            if jwt_alg in self.accepted_jwt_algorithms:
                passed.append(f"JWT algorithm {jwt_alg} is accepted")
            else:
                accepted = ", ".join(sorted(self.accepted_jwt_algorithms)) or "none"
                problems.append(
                    Problem(
                        "JWT_ALGORITHM_NOT_ACCEPTED",
                        f"the VC-JWT is signed with {jwt_alg}; the policy ({self.source}) "
                        f"accepts {accepted}",
                        "/proof",
                    )
                )
        statuses = {c.name: c for c in report.checks}
        for name in self.required_checks:
            found = statuses.get(name)
            if found is not None and found.status is Status.PASSED:
                passed.append(f"{name} passed")
                continue
            why = "was not run" if found is None else f"is {found.status}: {found.message}"
            problems.append(
                Problem(
                    "REQUIRED_CHECK_NOT_PASSED",
                    f"the policy ({self.source}) requires the {name} check to pass, but it {why}",
                    found.pointer if found is not None else "",
                )
            )
        if not problems:
            return Check("policy", Status.PASSED, "; ".join(passed) or "nothing to enforce")
        first = problems[0]
        children = tuple(
            Check("policy", Status.FAILED, p.message, p.code, p.pointer) for p in problems
        )
        return Check(
            "policy",
            Status.FAILED,
            first.message,
            first.code,
            first.pointer,
            children=children if len(children) > 1 else (),
        )


def _issuers(report: VerificationReport) -> list[tuple[str, str | None]]:
    """(pointer, issuer) to judge: the credential's, or each presented credential's."""
    if "VerifiablePresentation" not in report.types:
        return [("/issuer", report.issuer)]
    presented = next((c for c in report.checks if c.name == "credentials"), None)
    if presented is None:
        return []
    return [
        (f"{child.pointer}/issuer", child.report.issuer)
        for child in presented.children
        if child.report is not None
    ]


def _soften_status(report: VerificationReport) -> VerificationReport:
    """``indeterminate_status = "warn"``: an uncheckable status is a warning, not a failure."""
    checks = []
    for check in report.checks:
        if check.name == "status" and check.status is Status.INDETERMINATE:
            code = check.code or "STATUS_INDETERMINATE"
            warning = Problem(code, f"status not checked: {check.message}", check.pointer)
            check = Check(
                "status",
                Status.SKIPPED,
                f"could not be checked, accepted by policy (indeterminate_status = warn): "
                f"{check.message}",
                code,
                check.pointer,
                warnings=(*check.warnings, warning),
                children=check.children,
            )
        checks.append(check)
    return dataclasses.replace(report, checks=tuple(checks))


class _Repeated(Exception):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object without a repeated key (TOML refuses them itself): of two
    ``trusted_issuers``, which one would be meant?"""
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Repeated(first_repeated(pairs))
    return found


def load_policy(path: str) -> Policy:
    """Read a policy file: TOML, or JSON when the file starts with ``{``."""
    raw = read_bytes(path, "policy file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"policy file {path} is not UTF-8 text") from None
    data: Any
    try:
        data = (
            json.loads(text, object_pairs_hook=_unique)
            if text.lstrip().startswith("{")
            else tomllib.loads(text)
        )
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"policy file {path} is not valid JSON: {exc.msg} (line {exc.lineno})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"policy file {path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise UsageError(f"policy file {path} nests too deeply to be read") from None
    except _Repeated as exc:
        raise UsageError(
            f"policy file {path} has the key {exc.args[0]!r} twice; keep one"
        ) from None
    if not isinstance(data, Mapping):
        raise UsageError(f"policy file {path} must hold a table (TOML) or an object (JSON)")
    return parse_policy(data, path)


def parse_policy(data: Mapping[str, Any], source: str) -> Policy:
    """A policy from its parsed form; UsageError naming the key at fault."""
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise UsageError(
            f"policy {source}: unknown key {unknown[0]!r}; the keys are {', '.join(_KEYS)}"
        )

    def names(
        key: str, allowed: Iterable[str] | None = None, *, may_be_empty: bool = False
    ) -> tuple[str, ...] | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            absent = " (leave the key out for no restriction)" if value is None else ""
            raise UsageError(f"policy {source}: {key} must be a list of strings{absent}")
        if allowed is not None:
            choices = sorted(allowed)
            if not value and not may_be_empty:  # accepting no format at all is a slip
                raise UsageError(
                    f"policy {source}: {key} is empty; list some of {', '.join(choices)}"
                )
            for item in value:
                if item not in choices:
                    raise UsageError(
                        f"policy {source}: {key} has {item!r}; choose from {', '.join(choices)}"
                    )
        return tuple(value)

    issuers = names("trusted_issuers")
    algorithms = names("accepted_jwt_algorithms", SUPPORTED_ALGS)
    mode = data.get("indeterminate_status", "fail")
    if mode not in ("fail", "warn"):
        raise UsageError(
            f'policy {source}: indeterminate_status must be "fail" or "warn", not {mode!r}'
        )
    return Policy(
        source=source,
        trusted_issuers=None if issuers is None else frozenset(issuers),
        accepted_suites=names("accepted_suites", SUITE_NAMES),
        accepted_jwt_algorithms=None if algorithms is None else frozenset(algorithms),
        required_checks=names("required_checks", CHECK_NAMES, may_be_empty=True) or (),
        indeterminate_status=mode,
    )
