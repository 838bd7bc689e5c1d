"""SVG baking: an ``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``)
right after the root ``<svg>`` start tag, with a compact JWS in ``verify`` or JSON in CDATA.

Parsing uses the standard library's expat directly, hardened the way defusedxml hardens it:
a DOCTYPE with an internal subset, any entity declaration, any external entity and any
reference to an undefined entity are refused, and external DTDs are never loaded. Nothing can
expand (no billion laughs) and nothing is fetched or read from disk. A bare DOCTYPE that only
names the SVG 1.1 DTD is allowed, as many editors still write one.

Baking edits the text instead of re-serialising the tree: expat reports each element's byte
offset, so the new element is inserted after the root start tag, earlier credential elements
are cut out, and every other byte of the image stays as it was (comments, formatting, the
XML declaration, namespace prefixes).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

from .._parse import DEFAULT_INPUT_LIMITS, InputLimits
from ..errors import MalformedCredential, ResourceLimitExceeded
from . import _payload
from ._payload import ObVersion, Payload

__all__ = ["MAX_SVG_BYTES", "OB2_NS", "OB3_NS", "SVG_NS", "bake", "looks_like_svg", "unbake"]

MAX_SVG_BYTES = 16 * 1024 * 1024
SVG_NS = "http://www.w3.org/2000/svg"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
OB2_NS = "http://openbadges.org"
_ELEMENTS: dict[str, ObVersion] = {f"{OB3_NS} credential": "3.0", f"{OB2_NS} assertion": "2.0"}
_SNIFF_BYTES = 64 * 1024

# A start tag of a document expat has already accepted: name, attributes, optional "/".
_START_TAG = re.compile(rb"""<([^\s/>]+)(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_PROLOG_ITEM = re.compile(
    r"""\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s(?:[^\[>"']|"[^"]*"|'[^']*')*"""
    r"""(?:\[(?:[^\]"']|"[^"]*"|'[^']*')*\])?\s*>)""",
    re.DOTALL,
)
_SVG_ROOT = re.compile(r"\s*<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]")


def looks_like_svg(data: bytes) -> bool:
    """Whether the first element (after declaration, comments, DOCTYPE) is ``<svg>``."""
    head = data[:_SNIFF_BYTES]
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    text = head.decode("utf-16" if utf16 else "utf-8", "replace").lstrip("\ufeff")
    pos = 0
    while match := _PROLOG_ITEM.match(text, pos):
        pos = match.end()
    return _SVG_ROOT.match(text, pos) is not None


@dataclass
class _Element:
    """One credential element found in the SVG, with what baking and unbaking need."""

    version: ObVersion
    start: int
    attributes: dict[str, str]
    text: list[str] = field(default_factory=list)
    end_event: int = -1
    has_children: bool = False


class _Scan:
    """One hardened expat pass over the SVG, recording the root and credential elements."""

    def __init__(self, data: bytes, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> None:
        cap = _payload.image_limit(MAX_SVG_BYTES, limits)
        if len(data) > cap:
            raise ResourceLimitExceeded(f"the SVG image is {len(data)} bytes; the limit is {cap}")
        self.encoding: str | None = None
        self.root_start = -1
        self.root_namespaces: dict[str, str] = {}
        self.found: list[_Element] = []
        self._pending: dict[str, str] = {}
        self._open: _Element | None = None
        self._open_depth = 0
        self._depth = 0
        parser = self._parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._entity
        parser.UnparsedEntityDeclHandler = self._entity
        parser.ExternalEntityRefHandler = self._external
        parser.SkippedEntityHandler = self._skipped
        parser.XmlDeclHandler = self._declaration
        parser.StartNamespaceDeclHandler = self._namespace
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        try:
            parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise MalformedCredential(f"not a well-formed SVG image: {exc}") from None
        except (LookupError, ValueError):  # an encoding declaration Python does not know
            raise MalformedCredential(
                "the SVG image declares a text encoding that cannot be read; use UTF-8"
            ) from None
        if self.root_start < 0:
            raise MalformedCredential("not an SVG image: no root element")

    @staticmethod
    def _refuse(what: str) -> NoReturn:
        raise MalformedCredential(
            f"the SVG image has {what}; refused, as it could expand or load data"
        )

    def _doctype(self, name: str, system: str | None, public: str | None, subset: int) -> None:
        if subset:
            self._refuse("a DOCTYPE with an internal subset (DTD declarations)")

    def _entity(self, name: str, *_: object) -> None:
        self._refuse(f"an entity declaration ({name!r})")

    def _external(self, context: str, base: str | None, system: str | None, _: object) -> int:
        self._refuse(f"a reference to an external entity ({system!r})")

    def _skipped(self, name: str, is_parameter: int) -> None:
        self._refuse(f"a reference to an undefined entity ({name!r})")

    def _declaration(self, version: str | None, encoding: str | None, standalone: int) -> None:
        self.encoding = encoding

    def _namespace(self, prefix: str | None, uri: str | None) -> None:
        self._pending[prefix or ""] = uri or ""

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespaces, self._pending = self._pending, {}
        if self._depth == 0:
            if name not in (f"{SVG_NS} svg", "svg"):
                namespace, _, local = name.rpartition(" ")
                where = f" in namespace {namespace!r}" if namespace else ""
                raise MalformedCredential(f"not an SVG image: the root element is <{local}>{where}")
            self.root_start = self._parser.CurrentByteIndex
            self.root_namespaces = namespaces
        elif self._open is not None:
            self._open.has_children = True
        elif name in _ELEMENTS:
            self._open = _Element(_ELEMENTS[name], self._parser.CurrentByteIndex, attributes)
            self._open_depth = self._depth
            self.found.append(self._open)
        self._depth += 1

    def _end(self, name: str) -> None:
        self._depth -= 1
        if self._open is not None and self._depth == self._open_depth:
            self._open.end_event = self._parser.CurrentByteIndex
            self._open = None

    def _characters(self, text: str) -> None:
        if self._open is not None:
            self._open.text.append(text)


def _element_text(element: _Element) -> str:
    """The payload of one element: OB 3.0 puts a JWS in ``verify`` or JSON in the body;
    OB 2.0 puts JSON in the body (``verify`` then names the hosted assertion) or a JWS or
    hosted-assertion URL in ``verify``."""
    tag = "<openbadges:credential>" if element.version == "3.0" else "<openbadges:assertion>"
    if element.has_children:
        raise MalformedCredential(f"the SVG's {tag} element contains other elements")
    body = "".join(element.text).strip()
    verify = element.attributes.get("verify", "").strip()
    if element.version == "3.0" and body and verify:
        raise MalformedCredential(
            f"the SVG's {tag} element has both a verify attribute and a body; it must have one"
        )
    return body or verify


def unbake(data: bytes, limits: InputLimits = DEFAULT_INPUT_LIMITS) -> tuple[Payload, ObVersion]:
    """The baked credential: the OB 3.0 element, else an OB 2.0 ``openbadges:assertion``."""
    scan = _Scan(data, limits)
    for version in ("3.0", "2.0"):
        hits = [element for element in scan.found if element.version == version]
        if len(hits) > 1:
            raise MalformedCredential(
                f"the SVG image has {len(hits)} OB {version} credential elements: "
                "a baked image holds exactly one credential"
            )
        if hits:
            tag = "<openbadges:credential>" if version == "3.0" else "<openbadges:assertion>"
            where = f"SVG {tag} element"
            text = _element_text(hits[0])
            return _payload.decode(text, hits[0].version, where, limits), version
    raise MalformedCredential(
        "the SVG image has no baked credential (no <openbadges:credential> element)"
    )


def _start_tag(data: bytes, start: int) -> re.Match[bytes]:
    match = _START_TAG.match(data, start)
    if match is None:  # cannot happen for a document expat accepted
        raise MalformedCredential(f"the SVG has an unreadable start tag at byte {start}")
    return match


def _element_end(data: bytes, element: _Element) -> int:
    tag = _start_tag(data, element.start)
    if tag.group(2):  # <x ... />
        return tag.end()
    return data.index(b">", element.end_event) + 1  # an end tag "</x >" holds no other ">"


def bake(data: bytes, text: str, is_json: bool) -> bytes:
    """A copy of the SVG with exactly one credential element, inserted by text edits."""
    scan = _Scan(data)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in data[:4]:
        raise MalformedCredential("cannot bake a UTF-16 or UTF-32 SVG; convert it to UTF-8")
    encoding = (scan.encoding or "utf-8").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8") and is_json:
        text = _payload.ascii_only(text)  # fits any ASCII-compatible declared encoding
    declared = scan.root_namespaces.get("openbadges")
    declaration = f' xmlns:openbadges="{OB3_NS}"'.encode()
    local = declaration if declared not in (None, OB3_NS) else b""
    payload = text.encode("utf-8")
    if is_json:
        element = b"<openbadges:credential" + local + b"><![CDATA[" + payload + b"]]>"
    else:
        element = b"<openbadges:credential" + local + b' verify="' + payload + b'">'
    element += b"</openbadges:credential>"

    root = _start_tag(data, scan.root_start)
    name_end = scan.root_start + 1 + len(root.group(1))
    edits = [(name_end, name_end, declaration if declared is None else b"")]
    if root.group(2):  # <svg ... /> becomes <svg ...>element</svg>
        edits.append((root.end() - 2, root.end(), b">" + element + b"</" + root.group(1) + b">"))
    else:
        edits.append((root.end(), root.end(), element))
    edits += [(found.start, _element_end(data, found), b"") for found in scan.found]

    parts: list[bytes] = []
    pos = 0
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        parts += [data[pos:start], replacement]
        pos = end
    parts.append(data[pos:])
    return b"".join(parts)
