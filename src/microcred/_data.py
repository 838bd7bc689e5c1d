"""Locates the bundled contexts and schemas and checks their sha256 pins.

Contexts are code, not data fetched at run time: each file is pinned by sha256 in
``_resources/contexts/index.json`` and the pin is checked the first time the file is read, so a
damaged installation fails loudly instead of silently changing what gets signed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import DocumentLoadError

__all__ = ["context_bytes", "context_files", "context_urls", "resource", "schema_bytes"]


_RESOURCES = Path(__file__).parent / "_resources"


def resource(*parts: str) -> Path:
    """A file or folder under ``microcred/_resources``.

    The wheel installs them as plain files beside this module; ``importlib.resources`` would
    cost a sixth of the first verification's start-up to find the same folder.
    """
    return _RESOURCES.joinpath(*parts)


@functools.cache
def _index() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(resource("contexts", "index.json").read_bytes())
    return data


def context_urls() -> Mapping[str, str]:
    """Every ``@context`` URL that is bundled, mapped to its file (relative to contexts/)."""
    urls: Mapping[str, str] = _index()["urls"]
    return urls


def context_files() -> Mapping[str, str]:
    """Every bundled context file (relative to contexts/) mapped to its sha256 pin."""
    pins: Mapping[str, str] = _index()["sha256"]
    return pins


@functools.cache
def context_bytes(url: str) -> bytes:
    """The exact bytes of the bundled context published at ``url``; KeyError if not bundled."""
    name = context_urls()[url]
    data = resource("contexts", *name.split("/")).read_bytes()
    if hashlib.sha256(data).hexdigest() != context_files()[name]:
        raise DocumentLoadError(
            f"bundled context {name} does not match its sha256 pin; the installation is "
            "damaged: reinstall microcred"
        )
    return data


@functools.cache
def schema_bytes(name: str) -> bytes:
    """The exact bytes of a bundled 1EdTech JSON Schema (path relative to schemas/)."""
    return resource("schemas", *name.split("/")).read_bytes()
