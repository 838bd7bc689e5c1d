"""Every Python code block in README.md and docs/*.md is a complete program, and it runs.

The blocks check themselves with ``assert`` where a result matters. Besides, a ``print(...)``
with a trailing comment that states its output (``print(report.format)  # jwt``) must print
what the comment says: see :func:`_states`.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from conftest import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
_LITERALS = {"True", "False", "None"}

# Runs a block as __main__ and records, for each print() the block itself makes, the line it
# was made on and the first line it printed.
_RUNNER = """\
import builtins, json, runpy, sys

block, record = sys.argv[1], sys.argv[2]
printed = []
real_print = builtins.print


def recording_print(*args, sep=" ", end="\\n", file=None, flush=False):
    caller = sys._getframe(1)
    if file is None and caller.f_code.co_filename == block:
        text = (" " if sep is None else sep).join(map(str, args))
        printed.append([caller.f_lineno, text.split("\\n")[0]])
    real_print(*args, sep=sep, end=end, file=file, flush=flush)


builtins.print = recording_print
try:
    runpy.run_path(block, run_name="__main__")
finally:
    with open(record, "w", encoding="utf-8") as out:
        json.dump(printed, out)
"""


def _blocks() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for i, match in enumerate(_BLOCK.finditer(doc.read_text(encoding="utf-8"))):
            found.append((f"{doc.name}#{i + 1}", match.group(1)))
    return found


BLOCKS = _blocks()


def _print_comments(code: str) -> dict[int, str]:
    """Line number -> the trailing comment, for lines that call print()."""
    lines = code.splitlines()
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        line = token.start[0]
        if token.type == tokenize.COMMENT and "print(" in lines[line - 1][: token.start[1]]:
            comments[line] = token.string.lstrip("#").strip()
    return comments


def _word_matches(said: str, word: str) -> bool:
    said = said.rstrip(":,")
    return said == word or (said.endswith("…") and word.startswith(said[:-1]))


def _states(comment: str, printed: str) -> bool:
    """Whether the comment states the printed value (rather than explaining the line).

    It does when its first word is the printed first word (``z6Mk…`` matches any z6Mk key), or
    when either first word is True, False or None: ``# True`` next to a print of False counts.
    """
    said, words = comment.split(), printed.split()
    if not said or not words:
        return False
    first = said[0].rstrip(":,")
    return _word_matches(first, words[0]) or first in _LITERALS or words[0] in _LITERALS


def _comment_says(comment: str, printed: str) -> bool:
    said, words = comment.split(), printed.split()
    return len(said) >= len(words) and all(map(_word_matches, said, words))


def test_the_docs_have_runnable_examples() -> None:
    assert len(BLOCKS) >= 4


def test_the_docs_check_their_results() -> None:
    """Most blocks assert what they show, so that a wrong result fails the test."""
    asserting = [where for where, code in BLOCKS if re.search(r"^\s*assert ", code, re.M)]
    assert len(asserting) >= len(BLOCKS) // 2, asserting


@pytest.mark.parametrize(
    ("comment", "printed", "stated", "agrees"),
    [
        ("True", "True", True, True),
        ("True", "False", True, False),
        ("the spec's placeholder proofs", "False", True, False),
        ("jwt True", "jwt False", True, False),
        ("INVALID_CHALLENGE_ERROR (at /nonce)", "INVALID_CHALLENGE_ERROR", True, True),
        ("passed: the badge itself is genuine", "passed", True, True),
        ("z6Mk… (Multikey)", "z6MkqKk5", True, True),
        ("True", "True did:key:z6Mk", True, False),
        ("never shows the secret", "Ed25519Key(did:key:z6Mk, secret=True)", False, False),
        ("serve this at https://issuer.example/issuers/1", "{", False, False),
    ],
)
def test_how_a_comment_is_read(comment: str, printed: str, stated: bool, agrees: bool) -> None:
    assert _states(comment, printed) is stated
    assert _comment_says(comment, printed) is agrees


@pytest.mark.parametrize(("where", "code"), BLOCKS, ids=[b[0] for b in BLOCKS])
def test_code_block_runs(where: str, code: str, tmp_path: Path) -> None:
    script = tmp_path / "block.py"
    script.write_text(code, encoding="utf-8")
    runner = tmp_path / "runner.py"
    runner.write_text(_RUNNER, encoding="utf-8")
    record = tmp_path / "printed.json"
    done = subprocess.run(
        [sys.executable, str(runner), str(script), str(record)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{where} failed:\n{done.stderr}"
    comments = _print_comments(code)
    wrong = [
        f"line {line}: printed {printed!r}, the comment says {comments[line]!r}"
        for line, printed in json.loads(record.read_text(encoding="utf-8"))
        if line in comments
        and _states(comments[line], printed)
        and not _comment_says(comments[line], printed)
    ]
    assert not wrong, f"{where}: " + "; ".join(wrong)
