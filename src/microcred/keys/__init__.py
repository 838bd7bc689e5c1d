"""Signing keys and their published forms.

* :class:`Ed25519Key` (EdDSA): Multikey, JWK (RFC 8037), did:key — through PyNaCl.
* :class:`RSAKey` (RS256) and :class:`ECKey` (ES256, P-256): JWK and PEM — through
  :mod:`microcred._jose`.

Every key satisfies the :class:`Key` protocol; every malformed key raises ``InvalidKey`` naming
what is wrong; secret material never appears in a repr or a message.
"""

from __future__ import annotations

from ._ed25519 import DID_CONTEXT, MULTIKEY_CONTEXT, Ed25519Key, Key, to_key_file
from ._rsa_ec import ECKey, RSAKey, key_from_jwk, key_from_verification_method

__all__ = [
    "DID_CONTEXT",
    "MULTIKEY_CONTEXT",
    "ECKey",
    "Ed25519Key",
    "Key",
    "RSAKey",
    "key_from_jwk",
    "key_from_verification_method",
    "to_key_file",
]

for _public in (ECKey, Ed25519Key, Key, RSAKey):  # documented and pickled under microcred.keys
    _public.__module__ = __name__
del _public
