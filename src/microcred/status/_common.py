"""What every status checker shares: the result type, the plug-in contract and helpers.

A checker has three outcomes, never a silent "not revoked":

* active: a :class:`StatusResult` is returned (possibly with warnings);
* revoked / suspended: :class:`~microcred.RevokedCredential` is raised (a verdict: it fails);
* could not check: :class:`~microcred.ResolutionError` is raised (indeterminate, not verified).

A malformed entry, or an index outside its list, is the credential's own fault:
:class:`~microcred.MalformedCredential`. Messages name the field as a JSON Pointer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import MalformedCredential, MicrocredError, ResolutionError

__all__ = ["ListFetcher", "StatusChecker", "StatusResult", "status_entries"]


@dataclass(frozen=True)
class StatusResult:
    """The status read for one entry when the credential is *not* revoked or suspended."""

    purpose: str  # "revocation", "suspension", "message", "refresh", ...
    value: int  # the status value read (0 = not set)
    message: str  # a sentence for people, or the issuer's statusMessage text
    warnings: tuple[str, ...] = ()


ListFetcher = Callable[[str], Mapping[str, Any]]
"""Returns the *verified* status-list credential (or, for 1EdTech lists, the list document) at
a URL; raises ResolutionError when it cannot be fetched or does not verify."""


class StatusChecker(Protocol):
    """Checks one entry of a type; see the module docstring for the three outcomes."""

    def __call__(
        self,
        entry: Mapping[str, Any],
        pointer: str,
        fetch: ListFetcher,
        credential: Mapping[str, Any],
        /,
    ) -> StatusResult: ...


#: The spec's code for a list that cannot be used (wrong type, purpose, proof or encoding).
VERIFY_ERROR = "STATUS_VERIFICATION_ERROR"


def malformed(message: str, pointer: str) -> MalformedCredential:
    """A property violating a MUST of the data model: the spec's MALFORMED_VALUE_ERROR."""
    return MalformedCredential(message, pointer=pointer, code="MALFORMED_VALUE_ERROR")


def strings(value: Any) -> list[str]:
    """The strings of a JSON-LD value that may be one string or an array of them."""
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


def issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def short(value: Any) -> str:
    """Echo a bad value without dumping a megabyte of it into a message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def url_of(entry: Mapping[str, Any], name: str, pointer: str) -> str:
    url = entry.get(name)
    if not isinstance(url, str) or ":" not in url:
        raise malformed(f"{name} must be the URL of the status list", f"{pointer}/{name}")
    return url


def fetch_list(fetch: ListFetcher, url: str, pointer: str) -> Mapping[str, Any]:
    """Call the fetcher; whatever goes wrong with the list makes the status unknown."""
    try:
        document = fetch(url)
    except ResolutionError as exc:
        exc.pointer = exc.pointer or pointer
        raise
    except MicrocredError as exc:  # the list itself failed verification: not our verdict
        raise ResolutionError(
            f"the status list {url} does not verify ({exc.message}): the status is unknown",
            pointer=pointer,
            code=VERIFY_ERROR,
        ) from exc
    if not isinstance(document, Mapping):
        raise ResolutionError(f"the status list {url} is not a JSON object", pointer=pointer)
    return document


def issuer_warning(
    listing: Mapping[str, Any], credential: Mapping[str, Any], url: str
) -> list[str]:
    """The spec allows another issuer to run the list, but the verifier should know."""
    ours, theirs = issuer_id(credential), issuer_id(listing)
    if theirs is None or theirs == ours:
        return []
    return [
        f"the status list {url} is issued by {theirs}, not by the credential's issuer "
        f"{ours}: trust its answer only if you trust {theirs}"
    ]


def status_entries(credential: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], str]]:
    """Each ``credentialStatus`` entry with its JSON Pointer (an object or an array of them)."""
    status = credential.get("credentialStatus")
    if status is None:
        return []
    if isinstance(status, list):
        pairs = [(item, f"/credentialStatus/{i}") for i, item in enumerate(status)]
    else:
        pairs = [(status, "/credentialStatus")]
    for item, pointer in pairs:
        if not isinstance(item, Mapping) or not strings(item.get("type")):
            raise MalformedCredential(
                "a credentialStatus entry must be an object with a type", pointer=pointer
            )
    return pairs
