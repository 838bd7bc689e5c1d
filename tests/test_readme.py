"""README.md's set-up commands are the ones CI runs (.ci/run), so the two cannot drift apart."""

from __future__ import annotations

import re

from conftest import REPO


def _first_sh_block(markdown: str) -> list[str]:
    match = re.search(r"^```sh\n(.*?)^```$", markdown, re.DOTALL | re.MULTILINE)
    assert match, "README.md has no ```sh block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_readme_setup_commands_are_run_verbatim_by_ci() -> None:
    commands = _first_sh_block((REPO / "README.md").read_text("utf-8"))
    assert len(commands) == 2, commands
    assert all("pip install" in command for command in commands), commands  # the set-up block
    ci_lines = (REPO / ".ci" / "run").read_text("utf-8").splitlines()
    for command in commands:
        assert command in ci_lines, f".ci/run does not run the README's {command!r}"
    # In the README's order, and not commented out.
    assert ci_lines.index(commands[0]) < ci_lines.index(commands[1])


def test_first_sh_block_parser() -> None:
    text = "intro\n```python\nx\n```\n```sh\na && b\n\nc\n```\n```sh\nd\n```\n"
    assert _first_sh_block(text) == ["a && b", "c"]
