"""``eddsa-rdfc-2022``: Ed25519 over RDFC-1.0 canonical N-Quads (the OB 3.0 certified suite)."""

from __future__ import annotations

from ._proofs import DataIntegritySuite, rdfc_transform

EDDSA_RDFC_2022 = DataIntegritySuite(
    name="eddsa-rdfc-2022",
    proof_type="DataIntegrityProof",
    cryptosuite="eddsa-rdfc-2022",
    transform=rdfc_transform,
    proof_keeps_context=False,
)
