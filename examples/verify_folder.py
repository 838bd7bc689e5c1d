"""Verify every credential in a folder with one Verifier and print a summary.

Run: python examples/verify_folder.py [FOLDER] [--offline]
One Verifier shares its HTTP cache, resolved keys and verified status lists across the batch.
Exits 0 when every credential verified, 1 otherwise.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import microcred


def main(args: list[str]) -> int:
    offline = "--offline" in args
    folders = [a for a in args if a != "--offline"]
    folder = Path(folders[0]) if folders else Path(__file__).parent / "badges"
    files = sorted(folder.rglob("*.json"))
    outcomes: Counter[str] = Counter()
    with microcred.Verifier(offline=offline) as verifier:
        for file in files:
            report = verifier.check(file.read_bytes())
            if report.verified:
                outcomes["verified"] += 1
                continue
            failing = next(c for c in report.checks if c.problem is not None)
            outcomes[f"{failing.name} {failing.status}"] += 1
            print(f"{file.name}: {failing.name} {failing.status}: {failing.message}")
    summary = ", ".join(f"{count} {what}" for what, count in sorted(outcomes.items()))
    print(f"{len(files)} credentials in {folder}: {summary or 'none'}")
    return 0 if outcomes["verified"] == len(files) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
