"""The built wheel carries every context and schema byte for byte, and the type marker."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import REPO

RESOURCES = REPO / "src" / "microcred" / "_resources"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    pytest.importorskip("hatchling", reason="hatchling (a test extra) builds the wheel offline")
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


def test_wheel_holds_resources_byte_identical(wheel: zipfile.ZipFile) -> None:
    files = [p for p in RESOURCES.rglob("*") if p.is_file()]
    assert len(files) > 40
    for path in files:
        name = "microcred/_resources/" + path.relative_to(RESOURCES).as_posix()
        assert wheel.read(name) == path.read_bytes(), name


def test_wheel_is_typed_and_has_the_cli(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    assert "microcred/py.typed" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "microcred = microcred.cli:main" in wheel.read(entry_points).decode()


def test_wheel_has_no_tests_or_vectors(wheel: zipfile.ZipFile) -> None:
    assert not [n for n in wheel.namelist() if n.startswith(("tests/", "microcred/tests"))]
