"""Credential status: Bitstring Status List v1.0, StatusList2021 and the 1EdTech revocation list.

Issuer side: :class:`StatusList` builds, updates, allocates and encodes a list, and turns it
into an unsigned BitstringStatusListCredential for :func:`microcred.issue`; ``entry()`` makes
the matching ``credentialStatus`` entry.

Verifier side: one plain function per entry type (:data:`STATUS_CHECKERS`). A checker returns a
:class:`StatusResult` when the credential is not revoked or suspended, raises
:class:`~microcred.RevokedCredential` when it is, and raises
:class:`~microcred.ResolutionError` when the status cannot be established: a list that cannot
be fetched or checked never means "not revoked".
"""

from collections.abc import Mapping
from types import MappingProxyType

from ._bitstring import (
    DEFAULT_MAX_BYTES,
    MAX_STATUS_SIZE,
    MIN_ENTRIES,
    StatusList,
    decode_status_list_2021,
)
from ._common import ListFetcher, StatusChecker, StatusResult, status_entries
from ._lists import check_bitstring_entry, check_status_list_2021_entry
from ._onedtech import check_1edtech_revocation_list

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_STATUS_SIZE",
    "MIN_ENTRIES",
    "STATUS_CHECKERS",
    "ListFetcher",
    "StatusChecker",
    "StatusList",
    "StatusResult",
    "check_1edtech_revocation_list",
    "check_bitstring_entry",
    "check_status_list_2021_entry",
    "decode_status_list_2021",
    "status_entries",
]

STATUS_CHECKERS: Mapping[str, StatusChecker] = MappingProxyType(
    {
        "BitstringStatusListEntry": check_bitstring_entry,
        "StatusList2021Entry": check_status_list_2021_entry,
        "1EdTechRevocationList": check_1edtech_revocation_list,
    }
)
"""Entry ``type`` -> checker. Read-only: build a dict from it to add or drop methods."""
