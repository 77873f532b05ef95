"""nbval's baseline guard: every committed notebook's outputs were made by egov.baseline."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest

from egov import baseline
from tests.helpers import ROOT

NOTEBOOKS = baseline.notebooks(ROOT / "notebooks")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_were_made_by_egov_baseline(path):
    assert baseline.problem(path) is None, baseline.problem(path)


def _stray_save(path):
    """What JupyterLab does when a cell is run again and the notebook saved."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and c.outputs)
    cell.execution_count = 42
    nbformat.write(nb, path)


def test_a_stray_save_is_named_with_the_commands_that_restore_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy = shutil.copy(NOTEBOOKS[4], tmp_path / NOTEBOOKS[4].name)
    assert baseline.problem(copy) is None
    _stray_save(copy)
    msg = baseline.problem(copy)
    assert msg.startswith("04_websites.ipynb: its outputs are not the ones egov.baseline made")
    assert "`git checkout -- 04_websites.ipynb`" in msg and "`.venv/bin/python -m egov.baseline 04_websites.ipynb`" in msg


def test_an_unstamped_notebook_is_named(tmp_path):
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    del nb.metadata["egov"]
    nbformat.write(nb, tmp_path / "00.ipynb")
    assert "has no baseline stamp" in baseline.problem(tmp_path / "00.ipynb")


def test_metadata_only_changes_keep_the_stamp(tmp_path):
    copy = shutil.copy(NOTEBOOKS[0], tmp_path / "00.ipynb")
    nb = nbformat.read(copy, as_version=4)
    nb.metadata["widgets"] = {"state": {}}
    nb.cells[0].metadata["collapsed"] = True
    nbformat.write(nb, copy)
    assert baseline.problem(copy) is None


def test_check_command_exits_1_naming_the_notebook(tmp_path):
    copy = shutil.copy(NOTEBOOKS[1], tmp_path / NOTEBOOKS[1].name)
    ok = subprocess.run([sys.executable, "-m", "egov.baseline", "--check", str(copy)], capture_output=True, text=True)
    assert ok.returncode == 0 and "outputs made by egov.baseline" in ok.stdout
    _stray_save(copy)
    bad = subprocess.run([sys.executable, "-m", "egov.baseline", "--check", str(copy)], capture_output=True, text=True)
    assert bad.returncode == 1 and f"{copy}: its outputs are not the ones egov.baseline made" in bad.stdout
