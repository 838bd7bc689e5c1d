"""JSON Schema validation against the official 1EdTech schemas bundled with microcred.

Two kinds of schema apply to a credential: each ``credentialSchema`` entry of type
``1EdTechJsonSchemaValidator2019`` (the Open Badges verification algorithm's conformance step),
and the schema of its type (AchievementCredential / OpenBadgeCredential, EndorsementCredential,
ClrCredential, Profile). Schemas are never fetched: a declared schema that is not bundled gives
an ``indeterminate`` finding (it could not be checked, which is not a pass).

Known quirks of the published schemas are handled openly, as ``warning`` findings:

* The OB 3.0 schemas require ``proof`` to be an array, but valid signed credentials (the 1EdTech
  implementation-guide vector among them) carry a single proof object, which JSON-LD and the
  VC data model allow. Such a proof is validated as a one-item array and reported as
  "<pointer> is a single object; the 1EdTech schema expects an array (accepted)".
* The only bundled CLR 2.0 schema is 1EdTech's draft-04 conversion, written for VCDM 1.1: it
  requires ``issuanceDate``. In a VCDM 2.0 credential that has ``validFrom`` instead, that
  requirement is reported as a warning, not an error.

This is the only module that imports jsonschema, and only once a schema is to be checked (a
credential that declares none never loads it, nor the models); its errors never escape.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ._data import schema_bytes
from ._parse import escape, recursive_walk

if TYPE_CHECKING:
    # jsonschema ships no type information (types-jsonschema is not a dependency).
    from jsonschema import FormatChecker  # type: ignore[import-untyped, unused-ignore]
    from jsonschema.exceptions import (  # type: ignore[import-untyped, unused-ignore]
        ValidationError,
    )
    from jsonschema.protocols import Validator  # type: ignore[import-untyped, unused-ignore]
    from referencing import Registry

    from .models.semantics import SchemaFinding

__all__ = ["SCHEMA_URLS", "schema_for_types", "validate_schema"]

VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"

_OB = "https://purl.imsglobal.org/spec/ob/v3p0/schema/"
_CLR = "https://purl.imsglobal.org/spec/clr/v2p0/schema/"
_EXT = "https://openbadgespec.org/extensions/"
_OB_FILES = {  # schema name in the published URL -> bundled file
    "achievementcredential": "ob/ob_v3p0_achievementcredential_schema.json",
    "endorsementcredential": "ob/gh-pages-build/endorsementcredential.json",
    "profile": "ob/gh-pages-build/profile.json",
    "getopenbadgecredentialsresponse": "ob/gh-pages-build/getopenbadgecredentialsresponse.json",
    "imsx_statusinfo": "ob/gh-pages-build/imsx_statusinfo.json",
}
_CLR_FILE = "clr/clr_v2p0_clrcredential_schema_draft4.json"
_NAMES = {  # bundled file -> its name in messages
    _OB_FILES["achievementcredential"]: "OB 3.0 AchievementCredential",
    _OB_FILES["endorsementcredential"]: "OB 3.0 EndorsementCredential",
    _OB_FILES["profile"]: "OB 3.0 Profile",
    _CLR_FILE: "CLR 2.0 ClrCredential (draft-04)",
}
_EXTENSIONS = (
    "accessibilityExtension/schema_achievement_credential_obv3p0.json",
    "accessibilityExtension/schema_achievement_obv3p0.json",
    "accessibilityExtension/schema_profile_obv3p0.json",
    "applyLinkExtension/schema_obv3p0.json",
    "geoCoordinatesExtension/schema_achievement_credential_obv3p0.json",
    "geoCoordinatesExtension/schema_achievement_obv3p0.json",
    "licenseExtension/schema_obv3p0.json",
)


def _published() -> dict[str, str]:
    """Published URL -> bundled file. The OB files' ``$id`` says ``json-ld/`` although they
    are served from ``json/``, and the gh-pages builds carry ``-jsonschema1`` ids: all map."""
    urls: dict[str, str] = {}
    for kind, file in _OB_FILES.items():
        for folder in ("json", "json-ld"):
            urls[f"{_OB}{folder}/ob_v3p0_{kind}_schema.json"] = file
        urls[f"{_OB}json/ob_v3p0_{kind}-jsonschema1.json"] = file
    for folder in ("json", "json-ld"):
        urls[f"{_CLR}{folder}/clr_v2p0_clrcredential_schema.json"] = _CLR_FILE
    for name in _EXTENSIONS:
        urls[f"{_EXT}{name}"] = f"ob/extensions/{name}"
    return urls


#: Every schema URL microcred can check offline, mapped to its bundled file.
SCHEMA_URLS: Mapping[str, str] = _published()

_BY_TYPE = (  # (type names, published URL of the schema inferred from them)
    (
        ("AchievementCredential", "OpenBadgeCredential"),
        f"{_OB}json/ob_v3p0_achievementcredential_schema.json",
    ),
    (("EndorsementCredential",), f"{_OB}json/ob_v3p0_endorsementcredential_schema.json"),
    (("ClrCredential",), f"{_CLR}json/clr_v2p0_clrcredential_schema.json"),
    (("Profile",), f"{_OB}json/ob_v3p0_profile_schema.json"),
)
_REQUIRED = re.compile(r"'(.+)' is a required property\Z", re.DOTALL)


def _load(file: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_bytes(file))
    return data


@functools.cache
def _registry() -> Registry[Any]:
    """Every bundled schema under its published URLs and its ``$id``; no retrieval, ever."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4, DRAFT201909

    resources = []
    for url, file in SCHEMA_URLS.items():
        contents = _load(file)
        spec = DRAFT4 if "draft-04" in str(contents.get("$schema", "")) else DRAFT201909
        resource = Resource.from_contents(contents, default_specification=spec)
        resources.append((url, resource))
    return Registry().with_resources(resources)


def _formats() -> FormatChecker:
    from jsonschema import FormatChecker  # type: ignore[import-untyped, unused-ignore]

    from .models._types import is_datetime, is_uri

    checker = FormatChecker(formats=())
    checker.checks("date-time")(is_datetime)
    checker.checks("uri")(is_uri)
    checker.checks("url")(is_uri)
    checker.checks("date")(
        lambda value: (
            not isinstance(value, str) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None
        )
    )
    return checker


@functools.cache
def _validator(file: str) -> Validator:
    from jsonschema.validators import validator_for  # type: ignore[import-untyped, unused-ignore]

    schema = _load(file)
    cls = validator_for(schema)
    validator: Validator = cls(schema, registry=_registry(), format_checker=_formats())
    return validator


def schema_for_types(types: Iterable[str]) -> str | None:
    """The published URL of the schema an object's ``type`` values call for, if any."""
    given = {t for t in types if isinstance(t, str)}
    return next((url for names, url in _BY_TYPE if given & set(names)), None)


def _wrap_proofs(node: Any, pointer: str, found: list[str]) -> Any:
    """A copy with every single-object ``proof`` wrapped into an array; pointers in ``found``."""
    if isinstance(node, Mapping):
        out = {}
        for key, value in node.items():
            here = f"{pointer}/{escape(key)}"
            if key == "proof" and isinstance(value, Mapping):
                found.append(here)
                value = [value]
            out[key] = _wrap_proofs(value, here, found)
        return out
    if isinstance(node, list):
        return [_wrap_proofs(item, f"{pointer}/{i}", found) for i, item in enumerate(node)]
    return node


def _pointer(path: Iterable[str | int]) -> str:
    return "".join(f"/{escape(str(part))}" for part in path)


def _finding(error: ValidationError, url: str, name: str, instance: Any) -> SchemaFinding:
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped, unused-ignore]

    from .models.semantics import SchemaFinding

    error = best_match([error])
    pointer = _pointer(error.absolute_path)
    missing = _REQUIRED.match(error.message) if error.validator == "required" else None
    if missing:
        field = missing.group(1)
        pointer = f"{pointer}/{escape(field)}"
        if (
            field == "issuanceDate"
            and url.startswith(_CLR)
            and _has_valid_from(instance, error.absolute_path)
        ):
            return SchemaFinding(
                "schema-clr-vcdm2",
                f"{pointer} is required by the bundled {name} schema, "
                "which predates VCDM 2.0; validFrom is present (accepted)",
                pointer,
                "warning",
                url,
            )
        return SchemaFinding(
            "schema", f"{pointer} is required by the {name} schema", pointer, "error", url
        )
    text = error.message if len(error.message) <= 240 else error.message[:237] + "..."
    return SchemaFinding(
        "schema",
        f"{pointer or 'the document'} does not match the {name} schema: {text}",
        pointer,
        "error",
        url,
    )


def _has_valid_from(document: Any, path: Iterable[str | int]) -> bool:
    node = document
    for part in path:
        node = node[part]
    return isinstance(node, Mapping) and "validFrom" in node


def _wants_proof_arrays(schema: Mapping[str, Any]) -> bool:
    """Whether the schema, or any of its definitions, types ``proof`` as an array only."""
    nodes = [schema, *schema.get("$defs", {}).values(), *schema.get("definitions", {}).values()]
    for node in nodes:
        rule = node.get("properties", {}).get("proof") if isinstance(node, Mapping) else None
        if isinstance(rule, Mapping) and rule.get("type") == "array":
            return True
    return False


def _check(document: Mapping[str, Any], url: str) -> Iterator[SchemaFinding]:
    from referencing.exceptions import Unresolvable

    from .models.semantics import SchemaFinding

    file = SCHEMA_URLS[url]
    name = _NAMES.get(file, file.rsplit("/", 1)[-1])
    validator = _validator(file)
    instance: Any = document
    if _wants_proof_arrays(validator.schema):
        wrapped: list[str] = []
        instance = _wrap_proofs(document, "", wrapped)
        for where in wrapped:
            yield SchemaFinding(
                "schema-proof-array",
                f"{where} is a single object; the 1EdTech schema expects an array (accepted)",
                where,
                "warning",
                url,
            )
    try:
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        for error in errors:
            yield _finding(error, url, name, instance)
    except Unresolvable as exc:
        yield SchemaFinding(
            "schema-unavailable",
            f"the {name} schema refers to {exc.ref}, "
            "which is not bundled: it could not be checked offline",
            "",
            "indeterminate",
            url,
        )


def _declared(
    document: Mapping[str, Any],
) -> Iterator[tuple[str, str | None, SchemaFinding | None]]:
    """(pointer, bundled URL to check, or a finding) for each declared credentialSchema."""
    entries = document.get("credentialSchema")
    listed = entries if isinstance(entries, list) else [entries] if entries else []
    if not listed:
        return  # before importing the models: most credentials declare no schema
    from .models.semantics import SchemaFinding

    for i, entry in enumerate(listed):
        at = f"/credentialSchema/{i}" if isinstance(entries, list) else "/credentialSchema"
        if not isinstance(entry, Mapping):
            continue
        kind, url = entry.get("type"), entry.get("id")
        if kind != VALIDATOR_TYPE:
            yield (
                at,
                None,
                SchemaFinding(
                    "schema-unsupported",
                    f"{at} has type {kind!r}: only {VALIDATOR_TYPE} schemas are checked",
                    f"{at}/type",
                    "warning",
                ),
            )
        elif isinstance(url, str) and url in SCHEMA_URLS:
            yield at, url, None
        else:
            yield (
                at,
                None,
                SchemaFinding(
                    "schema-unavailable",
                    f"{at}/id {url!r} is not a schema bundled with microcred "
                    "and schemas are never fetched: it could not be checked offline",
                    f"{at}/id",
                    "indeterminate",
                    url if isinstance(url, str) else None,
                ),
            )


@recursive_walk
def validate_schema(
    document: Mapping[str, Any], *, declared: bool = True, inferred: bool = True
) -> list[SchemaFinding]:
    """Findings from the declared and the type-inferred schemas (empty: conforms to all).

    Only the document itself is checked against the schemas its ``credentialSchema`` declares;
    embedded credentials (endorsements, the credentials of a CLR) declare their own and are
    checked when they are verified in turn. The same schema is applied once even when both
    declared and inferred.
    """
    findings: list[SchemaFinding] = []
    urls: dict[str, None] = {}
    if declared:
        for _, url, finding in _declared(document):
            if finding is not None:
                findings.append(finding)
            elif url is not None:
                urls[url] = None
    if inferred:
        types = document.get("type")
        inferred_url = schema_for_types(types if isinstance(types, list) else [str(types)])
        if inferred_url is not None:
            urls[inferred_url] = None
    checked: set[str] = set()
    for url in urls:
        if SCHEMA_URLS[url] not in checked:
            checked.add(SCHEMA_URLS[url])
            findings.extend(_check(document, url))
    return findings
