"""Issue an Open Badges 3.0 credential with a fresh did:key and print it.

Run: python examples/issue_badge.py
"""

from __future__ import annotations

import json

import microcred


def main() -> None:
    key = microcred.Ed25519Key.generate()  # in production, load your key file instead
    badge = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:3a9c6f4e-5d0b-4f7e-9a63-1f1e2b7c8d90",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": key.did, "type": ["Profile"], "name": "Example Coding School"},
        "validFrom": "2026-01-15T09:00:00Z",
        "name": "Python Foundations",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:learner-42",
            "achievement": {
                "id": "https://coding.example/achievements/python-foundations",
                "type": ["Achievement"],
                "name": "Python Foundations",
                "description": "Writes, tests and packages small Python programs.",
                "criteria": {"narrative": "Passed the final project review."},
            },
        },
    }
    signed = microcred.issue(badge, key)
    report = microcred.verify(signed)  # raises VerificationFailed if anything is wrong
    print(json.dumps(signed, indent=2))
    print(f"verified: {report.verified}, issuer: {report.issuer}")


if __name__ == "__main__":
    main()
