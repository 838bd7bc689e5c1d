"""Verify the badges shipped in examples/badges/ and print one line per badge.

Run: python examples/verify_badge.py [FILE ...]
Exits 0 when every badge verified, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import microcred


def main(paths: list[str]) -> int:
    shipped = Path(__file__).parent / "badges"  # JSON, and badges baked into PNG and SVG images
    files = [Path(p) for p in paths] or sorted(
        f for f in shipped.iterdir() if f.suffix in {".json", ".png", ".svg"}
    )
    all_verified = True
    with microcred.Verifier() as verifier:  # one verifier: shared caches across badges
        for file in files:
            report = verifier.check(file.read_bytes())
            if report.verified:
                print(f"verified      {file.name}  issued by {report.issuer}")
            else:
                problem = report.errors[0]
                print(f"NOT verified  {file.name}  {problem.message} ({problem.pointer or '/'})")
                all_verified = False
    return 0 if all_verified else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
