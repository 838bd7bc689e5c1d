"""``Ed25519Signature2020``: the legacy, widely deployed suite (RDFC-1.0, no ``cryptosuite``).

Its terms come from ``https://w3id.org/security/suites/ed25519-2020/v1``, which the credential
must list in its ``@context``; otherwise safe-mode canonicalisation refuses the proof.
"""

from __future__ import annotations

from ._proofs import DataIntegritySuite, rdfc_transform

ED25519_SIGNATURE_2020 = DataIntegritySuite(
    name="Ed25519Signature2020",
    proof_type="Ed25519Signature2020",
    cryptosuite=None,
    transform=rdfc_transform,
    proof_keeps_context=False,
)
