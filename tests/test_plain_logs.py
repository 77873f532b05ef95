"""Plain logs: `make test` piped (cron, CI, `make test | cat -v`) prints no ANSI colour codes,
in the unit-test run and in the nbval run, even for a notebook cell's coloured traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.helpers import ROOT

ESC = "\x1b["


def make_test_commands() -> list[str]:
    """The pytest commands `make test` runs, as the shell would get them (stdout not a terminal)."""
    out = subprocess.run(["make", "-s", "-n", "test"], capture_output=True, text=True, cwd=ROOT, check=True)
    lines = [line for line in out.stdout.splitlines() if " -m pytest" in line]
    assert len(lines) == 2 and "--nbval" in lines[1], out.stdout
    return [line.replace(".venv/bin/python", sys.executable, 1) for line in lines]


@pytest.fixture
def failing_project(tmp_path) -> Path:
    """A project whose one notebook fails twice (a changed output, a cell that raises) and whose
    one unit test fails: what a failing `make test` prints."""
    for name in ("conftest.py", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "nbval-sanitize.cfg", tmp_path / "tests")
    (tmp_path / "tests" / "test_fails.py").write_text("def test_fails():\n    assert {'a': 1} == {'a': 2}\n")
    nb = nbformat.v4.new_notebook()
    stale = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=1)
    stale.outputs = [nbformat.v4.new_output("stream", name="stdout", text="3\n")]
    nb.cells = [stale, nbformat.v4.new_code_cell("1 / 0", execution_count=2)]
    nb.metadata["kernelspec"] = {"name": "egov", "display_name": "Python (egov)", "language": "python"}
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, tmp_path / "notebooks" / "fails.ipynb")
    return tmp_path


def run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=cwd, stdin=subprocess.DEVNULL)


def test_make_test_prints_no_colour_when_piped(failing_project):
    units, nbval = make_test_commands()
    unit_run = run(units + " tests", failing_project)
    assert unit_run.returncode == 1 and "assert {'a': 1} == {'a': 2}" in unit_run.stdout
    nb_run = run(nbval, failing_project)
    assert nb_run.returncode == 1
    assert "mismatch 'stdout'" in nb_run.stdout and "ZeroDivisionError: division by zero" in nb_run.stdout
    assert ESC not in unit_run.stdout + unit_run.stderr
    assert ESC not in nb_run.stdout + nb_run.stderr


def test_the_same_run_on_a_terminal_would_be_coloured(failing_project):
    """The check above can fail: forced colour (what a terminal gets) shows the codes."""
    _, nbval = make_test_commands()
    forced = run(nbval + " --color=yes", failing_project)
    assert forced.returncode == 1 and ESC in forced.stdout
