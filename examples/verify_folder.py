"""Verify every credential file in a folder with one Verifier and print a summary.

Run: python examples/verify_folder.py [FOLDER] [--offline]
Picks up, recursively (hidden entries skipped), every kind of file microcred verifies: JSON
credentials and presentations (.json, .jsonld), VC-JWTs (.jwt, .jws) and baked badge images
(.png, .svg). The bytes go to the verifier as they are: it tells the format from the content.
One Verifier shares its HTTP cache, resolved keys and verified status lists across the batch.
Prints one line per file, then a summary; exits 0 when every credential verified, 1 otherwise.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import microcred

SUFFIXES = {".json", ".jsonld", ".jwt", ".jws", ".png", ".svg"}


def credential_files(folder: Path) -> list[Path]:
    """The credential files below ``folder``, sorted, hidden files and folders skipped."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def main(args: list[str]) -> int:
    offline = "--offline" in args
    folders = [a for a in args if a != "--offline"]
    folder = Path(folders[0]) if folders else Path(__file__).parent / "badges"
    files = credential_files(folder)
    outcomes: Counter[str] = Counter()
    with microcred.Verifier(offline=offline) as verifier:
        for file in files:
            report = verifier.check(file.read_bytes())
            name = file.relative_to(folder)
            if report.verified:
                outcomes["verified"] += 1
                print(f"{name}: verified, issued by {report.issuer}")
                continue
            failing = next(c for c in report.checks if c.problem is not None)
            outcomes[f"{failing.name} {failing.status}"] += 1
            print(f"{name}: {failing.name} {failing.status}: {failing.message}")
    summary = ", ".join(f"{count} {what}" for what, count in sorted(outcomes.items()))
    print(f"{len(files)} credentials in {folder}: {summary or 'none'}")
    return 0 if outcomes["verified"] == len(files) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
