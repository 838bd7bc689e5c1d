"""``eddsa-jcs-2022``: Ed25519 over the RFC 8785 (JCS) canonical JSON of the document."""

from __future__ import annotations

from ._proofs import DataIntegritySuite, jcs_transform

EDDSA_JCS_2022 = DataIntegritySuite(
    name="eddsa-jcs-2022",
    proof_type="DataIntegrityProof",
    cryptosuite="eddsa-jcs-2022",
    transform=jcs_transform,
    proof_keeps_context=True,
)
