"""microcred._canon: safe-mode JSON-LD and canonical N-Quads, against published vectors and pyld."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld

from microcred import _canon
from microcred._rdfc import CanonLimits, Quad
from microcred.errors import (
    DocumentLoadError,
    MalformedCredential,
    MicrocredError,
    ResourceLimitExceeded,
    UndefinedTerm,
    UnknownContext,
)
from microcred.loaders import RemoteDocument, bundled_loader, loader_with

VECTORS = Path(__file__).parent / "vectors"
EDDSA = VECTORS / "w3c-vc-di-eddsa"
ONE_EDTECH = VECTORS / "1edtech-impl-guide"
V2 = "https://www.w3.org/ns/credentials/v2"


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _ob() -> dict[str, Any]:
    return _json(ONE_EDTECH / "obv3p0" / "credential-unsigned.json")


def _v1(**extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example",
        "issuanceDate": "2020-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:1"},
        **extra,
    }


# --- published vectors --------------------------------------------------------------------


def test_w3c_eddsa_rdfc_2022_document() -> None:
    expected = (EDDSA / "eddsa-rdfc-2022" / "canonDocDataInt.txt").read_text("utf-8")
    assert _canon.canonize(_json(EDDSA / "unsigned.json")) == expected


def test_w3c_eddsa_rdfc_2022_proof_configuration() -> None:
    config = _json(EDDSA / "eddsa-rdfc-2022" / "proofConfigDataInt.json")
    expected = (EDDSA / "eddsa-rdfc-2022" / "proofCanonDataInt.txt").read_text("utf-8")
    assert _canon.canonize(config) == expected


@pytest.mark.parametrize("folder", ["obv3p0", "clrv2p0"])
def test_1edtech_document(folder: str) -> None:
    credential = _json(ONE_EDTECH / folder / "credential-unsigned.json")
    expected = (ONE_EDTECH / folder / "document-canon.txt").read_text("utf-8")
    assert _canon.canonize(credential) == expected


@pytest.mark.parametrize("folder", ["obv3p0", "clrv2p0"])
def test_1edtech_proof_options_with_the_credential_context(folder: str) -> None:
    credential = _json(ONE_EDTECH / folder / "credential-unsigned.json")
    options = {**_json(ONE_EDTECH / folder / "proof-options.json")}
    options["@context"] = credential["@context"]
    expected = (ONE_EDTECH / folder / "proof-canon.txt").read_text("utf-8")
    assert _canon.canonize(options) == expected


def test_clr_vector_keeps_the_unexpanded_xsd_datatype() -> None:
    out = _canon.canonize(_json(ONE_EDTECH / "clrv2p0" / "credential-unsigned.json"))
    assert "^^<xsd:anyURI>" in out


# --- differential: byte-identical to pyld's URDNA2015 on every JSON-LD vector ------------

DIFFERENTIAL = sorted(
    path
    for path in {
        *(VECTORS / "spec-examples" / "ob-spec-source").glob("*.json"),
        *(VECTORS / "spec-examples" / "ob-spec-rendered-2024-04-03").glob("*.json"),
        *ONE_EDTECH.glob("*/credential-*.json"),
        *EDDSA.rglob("*.json"),
    }
    if "@context" in _json(path)  # key pairs and hashes are not JSON-LD
)


@pytest.mark.parametrize("path", DIFFERENTIAL, ids=lambda p: str(p.relative_to(VECTORS)))
def test_same_as_pyld_urdna2015(path: Path) -> None:
    document = _json(path)
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": bundled_loader,
    }
    try:
        reference = jsonld.normalize(copy.deepcopy(document), options)
    except jsonld.JsonLdError:
        # pyld cannot process it either: a context that is not bundled. We must say which.
        with pytest.raises(UnknownContext, match="is not bundled") as caught:
            _canon.canonize(document)
        assert caught.value.pointer == "/@context"
        return
    assert _canon.canonize(document) == reference


# --- safe mode ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "term"),
    [
        (("credentialSubject", "achievement"), "foo"),
        (("credentialSubject",), "unknownClaim"),
        ((), "extra"),
        (("credentialSubject", "achievement", "criteria"), "a/b~c"),
    ],
)
def test_undefined_property_is_named_with_its_pointer(path: tuple[str, ...], term: str) -> None:
    document = _ob()
    node = document
    for key in path:
        node = node[key]
    node[term] = "value"
    with pytest.raises(UndefinedTerm, match=repr(term)) as caught:
        _canon.canonize(document)
    escaped = term.replace("~", "~0").replace("/", "~1")
    assert caught.value.pointer == "".join(f"/{k}" for k in (*path, escaped))
    assert caught.value.code == "DATA_LOSS_DETECTION_ERROR"


def test_undefined_type_in_a_v1_credential() -> None:
    document = _v1(type=["VerifiableCredential", "UnheardOfCredential"])
    with pytest.raises(UndefinedTerm, match="UnheardOfCredential") as caught:
        _canon.canonize(document)
    assert caught.value.pointer == "/type/1"


def test_undefined_type_deep_in_an_open_badge() -> None:
    document = _ob()
    document["credentialSubject"]["achievement"]["type"] = ["Achievement", "Trophy"]
    with pytest.raises(UndefinedTerm, match="Trophy") as caught:
        _canon.canonize(document)
    assert caught.value.pointer == "/credentialSubject/achievement/type/1"


def test_undefined_property_in_a_v1_credential() -> None:
    with pytest.raises(UndefinedTerm) as caught:
        _canon.canonize(_v1(favouriteColour="blue"))
    assert caught.value.pointer == "/favouriteColour"


@pytest.mark.parametrize(
    ("where", "value"),
    [(("id",), "credentials/3732"), (("credentialSubject", "id"), "#me"), (("id",), "")],
)
def test_relative_id_is_refused_not_resolved(where: tuple[str, ...], value: str) -> None:
    document = _ob()
    node = document
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    with pytest.raises(MalformedCredential, match="not an absolute IRI") as caught:
        _canon.canonize(document)
    assert caught.value.pointer == "/" + "/".join(where)


def test_relative_type_and_datatype_without_vocab() -> None:
    context = {"name": "https://schema.org/name", "born": "https://schema.org/birthDate"}
    with pytest.raises(UndefinedTerm, match="Person") as caught:
        _canon.canonize({"@context": context, "@id": "urn:ex:a", "@type": "Person"})
    assert caught.value.pointer == "/@type"
    value = {"@value": "1970-01-01", "@type": "date"}  # pyld refuses this one itself
    with pytest.raises(MalformedCredential, match="absolute IRI"):
        _canon.canonize({"@context": context, "@id": "urn:ex:a", "born": value})


@pytest.mark.parametrize(
    "value",
    [
        {"@id": "https://a.example/> <https://b.example/"},
        {"@value": "x", "@language": 'en .\n<urn:ex:x> <urn:ex:y> "z'},
        {"@value": "x", "@type": "https://a.example/dt> <https://b.example/"},
    ],
)
def test_values_that_would_break_the_nquads_line_are_refused(value: dict[str, Any]) -> None:
    document = {"@context": {"@vocab": "urn:ex:"}, "@id": "urn:ex:s", "p": value}
    with pytest.raises(MalformedCredential):
        _canon.canonize(document)


def test_direction_would_be_dropped_so_it_is_refused() -> None:
    value = {"@value": "مرحبا", "@language": "ar", "@direction": "rtl"}
    document = {"@context": {"@vocab": "urn:ex:"}, "@id": "urn:ex:s", "p": value}
    with pytest.raises(MalformedCredential, match="@direction") as caught:
        _canon.canonize(document)
    assert caught.value.pointer == "/p/@direction"


def test_null_mapped_and_keyword_like_properties_are_undefined() -> None:
    for key, context in (("q", {"@vocab": "urn:ex:", "q": None}), ("@q", {"@vocab": "urn:ex:"})):
        with pytest.raises(UndefinedTerm) as caught:
            _canon.canonize({"@context": context, "@id": "urn:ex:s", key: "v"})
        assert caught.value.pointer == f"/{key}"


def test_pointer_comes_from_the_object_pyld_was_expanding() -> None:
    # "foo" also occurs, earlier, inside a JSON literal (never expanded): the pointer must name
    # the object pyld actually dropped it from, which only the expanding frame knows.
    context = {"data": {"@id": "urn:ex:data", "@type": "@json"}, "b": "urn:ex:b"}
    document = {"@context": context, "@id": "urn:ex:s", "data": {"foo": 1}, "b": {"foo": 2}}
    with pytest.raises(UndefinedTerm) as caught:
        _canon.canonize(document)
    assert caught.value.pointer == "/b/foo"


@pytest.mark.parametrize("broken", ["raises", "empty"])
def test_pointer_lookup_degrades_if_pyld_internals_change(
    monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    def changed() -> tuple[Any, Any]:
        if broken == "raises":
            raise RuntimeError("no such frame")
        return None, None

    monkeypatch.setattr(_canon, "_caller_locals", changed)
    document = _v1(favouriteColour="blue")
    with pytest.raises(UndefinedTerm, match="favouriteColour") as caught:
        _canon.canonize(document)
    assert caught.value.pointer == "/favouriteColour"  # from the expanded (relative) name


def test_safe_mode_checks_run_even_if_to_rdf_stops_calling_expand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jsonld.JsonLdProcessor, "to_rdf", lambda self, doc, options: {})
    with pytest.raises(UndefinedTerm):
        _canon.canonize(_v1(type=["VerifiableCredential", "Unheard"]))


# --- contexts, loaders and caches ----------------------------------------------------------

CUSTOM = "https://contexts.example/custom.jsonld"
CUSTOM_DOC = {"@context": {"@protected": True, "shoeSize": "https://vocab.example/shoeSize"}}


def _custom_credential() -> dict[str, Any]:
    return {"@context": [V2, CUSTOM], "id": "urn:ex:c", "shoeSize": 44}


def test_a_supplied_context_does_not_leak_to_the_bundled_loader() -> None:
    assert "shoeSize" in _canon.canonize(
        _custom_credential(), loader=loader_with({CUSTOM: CUSTOM_DOC})
    )
    with pytest.raises(UnknownContext, match=CUSTOM) as caught:
        _canon.canonize(_custom_credential())
    assert caught.value.pointer == "/@context"


class _StaticLoader:
    """A loader that knows CUSTOM and tags it static (so pyld would share it process-wide)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, url: str, options: Mapping[str, Any] | None = None, /) -> RemoteDocument:
        self.calls += 1
        if url == CUSTOM:
            return {"contextUrl": None, "documentUrl": url, "document": CUSTOM_DOC, "tag": "static"}
        return bundled_loader(url, options)


def test_a_static_context_is_cached_per_loader_only() -> None:
    first = _StaticLoader()
    _canon.canonize(_custom_credential(), loader=first)
    loaded = first.calls
    _canon.canonize(_custom_credential(), loader=first)
    assert first.calls == loaded, "the second call should be served from this loader's cache"
    with pytest.raises(UnknownContext, match=CUSTOM):
        _canon.canonize(_custom_credential(), loader=loader_with({}))
    with pytest.raises(UnknownContext, match=CUSTOM):
        _canon.canonize(_custom_credential())


def test_no_process_wide_pyld_state_is_touched() -> None:
    default_loader = jsonld.get_document_loader()
    shared = set(jsonld._resolved_context_cache.keys())
    _canon.canonize(_custom_credential(), loader=_StaticLoader())
    _canon.canonize(_ob())
    assert jsonld.get_document_loader() is default_loader
    assert set(jsonld._resolved_context_cache.keys()) == shared


def test_our_own_loader_error_surfaces_unwrapped() -> None:
    failure = DocumentLoadError("context server unreachable", pointer="/@context")

    def loader(url: str, options: Mapping[str, Any] | None = None, /) -> RemoteDocument:
        raise failure

    with pytest.raises(DocumentLoadError) as caught:
        _canon.canonize(_ob(), loader=loader)
    assert caught.value is failure


def test_a_bug_in_a_loader_propagates_instead_of_becoming_a_verdict() -> None:
    def loader(url: str, options: Mapping[str, Any] | None = None, /) -> RemoteDocument:
        raise ZeroDivisionError("loader bug")

    with pytest.raises(ZeroDivisionError):
        _canon.canonize(_ob(), loader=loader)


def test_protected_term_redefinition_is_malformed() -> None:
    document = _ob()
    document["@context"] = [*document["@context"], {"name": "https://schema.org/alternateName"}]
    with pytest.raises(MalformedCredential, match="protected term 'name'") as caught:
        _canon.canonize(document)
    assert caught.value.pointer == "/@context"


@pytest.mark.parametrize(
    ("document", "pointer", "message"),
    [
        ({"@context": 5, "@id": "urn:ex:s"}, "/@context", "invalid JSON-LD"),
        ({"@context": "", "@id": "urn:ex:s"}, "/@context", "invalid JSON-LD"),
        ({"@context": {"@vocab": "urn:ex:"}, "@id": 5}, "/@id", "'@id' must be a string"),
        (
            {"@context": {"@vocab": "urn:ex:", "p": {"@id": "urn:ex:p", "@type": 5}}},
            "/@context",
            "invalid JSON-LD",
        ),
    ],
)
def test_other_jsonld_errors_become_malformed_credential(
    document: dict[str, Any], pointer: str, message: str
) -> None:
    with pytest.raises(MalformedCredential, match=message) as caught:
        _canon.canonize(document)
    assert type(caught.value) is MalformedCredential
    assert caught.value.pointer == pointer
    assert not isinstance(caught.value.__cause__, jsonld.JsonLdError)


# --- input guards --------------------------------------------------------------------------


def _nested(depth: int, array: bool) -> dict[str, Any]:
    inner: Any = "leaf"
    for _ in range(depth):
        inner = [inner] if array else {"https://vocab.example/p": inner}
    return {"@context": {"@vocab": "urn:ex:"}, "@id": "urn:ex:s", "p": inner}


@pytest.mark.parametrize("array", [False, True])
def test_deep_nesting_is_refused_before_pyld_recurses(array: bool) -> None:
    with pytest.raises(ResourceLimitExceeded, match="max_depth"):
        _canon.canonize(_nested(10_000, array))
    _canon.canonize(_nested(20, array))  # shallow nesting is fine


@pytest.mark.parametrize("value", [[{"@id": "urn:ex:s"}], "text", None, 42])
def test_a_document_must_be_an_object(value: Any) -> None:
    with pytest.raises(MalformedCredential, match="JSON object"):
        _canon.canonize(value)


@pytest.mark.parametrize("value", [{1, 2}, float("nan"), b"bytes", {1: "x"}])
def test_non_json_values_are_refused(value: Any) -> None:
    document = {"@context": {"@vocab": "urn:ex:"}, "@id": "urn:ex:s", "p": value}
    with pytest.raises(MalformedCredential) as caught:
        _canon.canonize(document)
    assert caught.value.pointer == "/p"


def test_quad_limit() -> None:
    with pytest.raises(ResourceLimitExceeded, match="max_quads"):
        _canon.canonize(_ob(), limits=CanonLimits(max_quads=5))


# --- the other two entry points --------------------------------------------------------------


def test_expand_returns_expanded_jsonld_and_leaves_the_input_alone() -> None:
    document = _ob()
    before = copy.deepcopy(document)
    expanded = _canon.expand(document)
    assert document == before
    assert expanded[0]["@id"] == document["id"]
    assert "https://www.w3.org/2018/credentials#VerifiableCredential" in expanded[0]["@type"]
    with pytest.raises(UndefinedTerm):
        _canon.expand(_v1(favouriteColour="blue"))


def test_to_dataset_returns_quads_of_tokens() -> None:
    quads = _canon.to_dataset(_json(EDDSA / "unsigned.json"))
    assert all(isinstance(q, Quad) for q in quads)
    assert (
        Quad(
            "<did:example:abcdefgh>",
            "<https://www.w3.org/ns/credentials/examples#alumniOf>",
            '"The School of Examples"',
            "",
        )
        in quads
    )


def test_errors_are_all_ours() -> None:
    for document in (_v1(x=1), {"@context": 5}, _nested(100, False)):
        with pytest.raises(MicrocredError):
            _canon.canonize(document)
