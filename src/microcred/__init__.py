"""microcred: Open Badges 3.0 and W3C Verifiable Credentials, signed and verified."""
