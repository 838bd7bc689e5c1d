"""The legacy 1EdTech Revocation List Status Method (read-only).

The ``credentialStatus`` ``id`` is the URL of a JSON document whose ``revokedCredentials``
lists ``{"id", "revoked"?, "revocationReason"?}`` objects. A credential is revoked when its own
``id`` is listed and ``revoked`` is true or absent. The list is not signed: its authenticity
rests on the HTTPS fetch alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import ResolutionError, RevokedCredential
from ._common import (
    VERIFY_ERROR,
    ListFetcher,
    StatusResult,
    fetch_list,
    issuer_warning,
    malformed,
    url_of,
)

__all__ = ["check_1edtech_revocation_list"]


def check_1edtech_revocation_list(
    entry: Mapping[str, Any], pointer: str, fetch: ListFetcher, credential: Mapping[str, Any], /
) -> StatusResult:
    """A ``1EdTechRevocationList`` status (legacy, read-only).

    The entry's ``id`` is the URL of a JSON document whose ``revokedCredentials`` lists
    ``{"id", "revoked"?, "revocationReason"?}`` objects; the credential is revoked when its own
    ``id`` is listed and ``revoked`` is true or absent. The list is unsigned: its authenticity
    rests on the HTTPS fetch alone.
    """
    url = url_of(entry, "id", pointer)
    ident = credential.get("id")
    if not isinstance(ident, str) or not ident:
        raise malformed(
            "a 1EdTechRevocationList status needs the credential's id to look up", "/id"
        )
    listing = fetch_list(fetch, url, f"{pointer}/id")
    revoked = listing.get("revokedCredentials")
    if not isinstance(revoked, list):
        raise ResolutionError(
            f"{url} is not a 1EdTech revocation list (no revokedCredentials array)",
            pointer=f"{pointer}/id",
            code=VERIFY_ERROR,
        )
    warnings = issuer_warning(listing, credential, url)
    listed_id = listing.get("id")
    if isinstance(listed_id, str) and listed_id != url:
        warnings.append(f"the revocation list fetched from {url} identifies itself as {listed_id}")
    for item in revoked:
        if (
            isinstance(item, Mapping)
            and item.get("id") == ident
            and item.get("revoked") is not False
        ):
            reason = item.get("revocationReason")
            detail = f": {reason}" if isinstance(reason, str) and reason else ""
            raise RevokedCredential(
                f"revoked (listed in {url}){detail}", pointer=pointer, code="REVOKED"
            )
    return StatusResult("revocation", 0, f"not revoked (not listed in {url})", tuple(warnings))
