"""Bundled contexts and schemas: byte-identical, pinned, mapped to their published URLs."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from microcred import UnknownContext, _data, bundled_loader, loader_with

from conftest import REPO

CONTEXTS = REPO / "src" / "microcred" / "_resources" / "contexts"
SCHEMAS = REPO / "src" / "microcred" / "_resources" / "schemas"


def _table(sources: str) -> dict[str, list[str]]:
    """file (relative to shared/specs) -> its cells (file, URL, upstream, sha256, ...), from
    the rows of a SOURCES.md table that carry a sha256."""
    rows = {}
    for line in sources.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) >= 4 and re.fullmatch(r"[0-9a-f]{64}", cells[3]):
            rows[cells[0]] = cells
    return rows


def _sources_rows(sources: str) -> dict[str, str]:
    """file -> sha256."""
    return {file: cells[3] for file, cells in _table(sources).items()}


def test_every_shipped_context_matches_its_pin_and_provenance() -> None:
    pins = _data.context_files()
    sources = _sources_rows((CONTEXTS / "SOURCES.md").read_text())
    shipped = {p.relative_to(CONTEXTS).as_posix() for p in CONTEXTS.rglob("*.json*")} - {
        "index.json"
    }
    assert set(pins) == shipped
    for name, sha in pins.items():
        assert hashlib.sha256((CONTEXTS / name).read_bytes()).hexdigest() == sha, name
        assert sources[f"contexts/{name}"] == sha, name


def test_every_shipped_schema_matches_its_provenance() -> None:
    sources = _sources_rows((SCHEMAS / "SOURCES.md").read_text())
    shipped = {p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*.json")}
    assert {f"schemas/{n}" for n in shipped} == set(sources)
    for name in shipped:
        assert hashlib.sha256(_data.schema_bytes(name)).hexdigest() == sources[f"schemas/{name}"]


_URL = re.compile(r"https?://[^\s()]+")


def _url_cells(sources: str) -> dict[str, str]:
    """file -> its URL cell (free text holding one or more URLs)."""
    return {file: cells[1] for file, cells in _table(sources).items()}


def test_context_index_urls_match_the_sources_url_column() -> None:
    index = json.loads((CONTEXTS / "index.json").read_text("utf-8"))["urls"]
    cells = _url_cells((CONTEXTS / "SOURCES.md").read_text("utf-8"))
    assert len(index) > 20
    for url, file in index.items():
        cell = cells.get(f"contexts/{file}")
        assert cell is not None, f"{file} (served for {url}) has no SOURCES.md row"
        assert url in _URL.findall(cell), f"index.json serves {file} for {url}; SOURCES.md: {cell}"
    documented = {url for cell in cells.values() for url in _URL.findall(cell)}
    assert documented == set(index), "SOURCES.md names URLs index.json does not serve (or back)"
    assert set(index) == set(_data.context_urls())


def _canonical_schema_url(url: str) -> str:
    """The form SOURCES.md gives: served from json/ (the files' own $id says json-ld/), and the
    gh-pages builds' -jsonschema1 ids are the published ..._schema.json files."""
    url = url.replace("/schema/json-ld/", "/schema/json/")
    return re.sub(r"-jsonschema1\.json\Z", "_schema.json", url)


def test_schema_urls_match_the_sources_url_column() -> None:
    """Schemas have no index.json: their index is microcred._schema.SCHEMA_URLS."""
    from microcred._schema import SCHEMA_URLS

    cells = _url_cells((SCHEMAS / "SOURCES.md").read_text("utf-8"))
    assert len(SCHEMA_URLS) > 20
    for url, file in SCHEMA_URLS.items():
        cell = cells[f"schemas/{file}"]
        assert _canonical_schema_url(url) in _URL.findall(cell), (url, file, cell)
    for file, cell in cells.items():
        (url,) = _URL.findall(cell)
        name = file.removeprefix("schemas/")
        if cell.startswith("derived from ") or cell.endswith("(content)"):
            assert url in SCHEMA_URLS, (file, url)  # a conversion or copy: served, maybe by another
        else:  # the published file itself: its URL serves exactly this file
            assert SCHEMA_URLS[url] == name, (file, url)


def test_top_level_schemas_folder_is_the_packaged_one() -> None:
    assert (REPO / "schemas").resolve() == SCHEMAS.resolve()


@pytest.mark.parametrize("url", sorted(_data.context_urls()))
def test_every_url_loads(url: str) -> None:
    doc = bundled_loader(url, {})
    assert doc["documentUrl"] == url
    assert "@context" in doc["document"]


def test_ob_303_is_the_superset_variant() -> None:
    context = bundled_loader("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", {})
    text = json.dumps(context["document"])
    assert "endorsementJwt" in text
    assert '"jti"' in text


def test_unknown_context_is_refused_by_name() -> None:
    with pytest.raises(UnknownContext, match=r"https://evil\.example/ctx") as caught:
        bundled_loader("https://evil.example/ctx", {})
    assert "loader_with" in str(caught.value)


def test_supplied_documents_cannot_replace_bundled_ones() -> None:
    with pytest.raises(ValueError, match="bundled"):
        loader_with({"https://www.w3.org/ns/credentials/v2": {"@context": {}}})
    extra = loader_with({"https://example.org/ctx": {"@context": {"a": "https://example.org/a"}}})
    assert extra("https://example.org/ctx", {})["document"]["@context"]["a"]
    assert extra("https://www.w3.org/ns/credentials/v2", {})["tag"] == "static"


def test_a_damaged_context_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    from microcred import DocumentLoadError

    _data.context_bytes.cache_clear()
    pins = dict(_data.context_files())
    pins["w3c/credentials-v2.jsonld"] = "0" * 64
    monkeypatch.setattr(_data, "context_files", lambda: pins)
    with pytest.raises(DocumentLoadError, match="reinstall"):
        _data.context_bytes("https://www.w3.org/ns/credentials/v2")
    _data.context_bytes.cache_clear()
