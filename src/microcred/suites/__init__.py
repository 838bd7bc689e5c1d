"""Data Integrity cryptosuites, all on one add-proof / verify-proof machinery.

A cryptosuite is a small value (see :class:`Cryptosuite`): the proof ``type`` and
``cryptosuite`` names it answers to and how it turns a JSON document into bytes. Signing and
verifying — proof configuration, hashing, multibase — are shared in :mod:`._proofs`.
"""

from __future__ import annotations

from ._proofs import (
    Cryptosuite,
    DataIntegritySuite,
    ProofOptions,
    add_proof,
    proof_hash_data,
    verify_proof_value,
)
from .ed25519_signature_2020 import ED25519_SIGNATURE_2020
from .eddsa_jcs_2022 import EDDSA_JCS_2022
from .eddsa_rdfc_2022 import EDDSA_RDFC_2022

DEFAULT_SUITES: tuple[Cryptosuite, ...] = (EDDSA_RDFC_2022, EDDSA_JCS_2022, ED25519_SIGNATURE_2020)
"""The suites a verifier accepts unless told otherwise (all Ed25519)."""

__all__ = [
    "DEFAULT_SUITES",
    "ED25519_SIGNATURE_2020",
    "EDDSA_JCS_2022",
    "EDDSA_RDFC_2022",
    "Cryptosuite",
    "DataIntegritySuite",
    "ProofOptions",
    "add_proof",
    "proof_hash_data",
    "suite_for",
    "verify_proof_value",
]


def suite_for(name: str, suites: tuple[Cryptosuite, ...] = DEFAULT_SUITES) -> Cryptosuite:
    """The suite called ``name`` (e.g. ``"eddsa-rdfc-2022"``); KeyError if not among ``suites``."""
    for suite in suites:
        if suite.name == name:
            return suite
    raise KeyError(name)
