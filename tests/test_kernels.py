"""Warm kernels: each notebook in a new process forked from the build's template, isolated from
the notebooks before it; the ``egov`` papermill engine; the environment's own Python.

The isolation tests run a notebook that changes everything it can (a variable, matplotlib's
rcParams, an imported module's state, the working folder, numpy's random state) and then, in
the same worker and from the same template, a notebook that looks for those changes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tests.helpers import BIN, FIX, build, make_project

KERNELSPEC = {"name": "egov", "display_name": "Python (egov)", "language": "python"}


def notebook(*sources: str) -> nbformat.NotebookNode:
    cells = [new_code_cell('lang = "zh"', metadata={"tags": ["parameters"]}),
             *(new_code_cell(s) for s in sources)]
    for i, c in enumerate(cells):
        c.id = f"cell-{i}"
    return new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})


#: What a notebook can see of the process it runs in, as JSON on its last output.
LOOK = """
import json, os, sys
import matplotlib, numpy
import egov.params
seen = {
    "pid": os.getpid(), "parent": os.getppid(), "cwd": os.getcwd(),
    "parent_name": open(f"/proc/{os.getppid()}/comm").read().strip(),
    "variable": "LEFT_BEHIND" in globals(),
    "rcparam": matplotlib.rcParams["lines.linewidth"],
    "module_state": getattr(egov.params, "LEFT_BEHIND", None),
    "random": float(numpy.random.random()),
    "trace": os.environ.get("EGOV_DATA_TRACE", ""),
    "preloaded": "pandas" in sys.modules,
}
print(json.dumps(seen))
"""

POLLUTE = """
import os, matplotlib, egov.params
LEFT_BEHIND = 1
matplotlib.rcParams["lines.linewidth"] = 7.5
egov.params.LEFT_BEHIND = "state"
os.chdir("/")
"""


def seen(reports, lang: str, stem: str) -> dict:
    nb = nbformat.read(reports / lang / f"{stem}.ipynb", as_version=4)
    texts = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    return json.loads(texts[-1].strip().splitlines()[-1])


@pytest.fixture(scope="module")
def isolation(tmp_path_factory):
    """a_first pollutes, b_second looks; run one after the other in one worker."""
    root = make_project(tmp_path_factory.mktemp("iso"), {})
    nbformat.write(notebook("import egov.data\negov.data.table('sections')", LOOK, POLLUTE),
                   root / "notebooks" / "a_first.ipynb")
    nbformat.write(notebook("import sys\nprint('pandas' in sys.modules, 'egov.params' in sys.modules)", LOOK),
                   root / "notebooks" / "b_second.ipynb")
    out = build(root, "--lang", "zh", "--format", "html", "--workers", "1")
    assert out.returncode == 0, out.stderr
    return root / "reports"


def test_each_notebook_runs_in_a_new_process_of_one_template(isolation):
    first, second = seen(isolation, "zh", "a_first"), seen(isolation, "zh", "b_second")
    assert first["pid"] != second["pid"]
    assert first["parent"] == second["parent"]  # both forked by the build's template
    assert first["parent_name"] == "egov-forkserver"
    # warm: the stack, and the egov modules the notebooks import, before the first cell ran
    nb = nbformat.read(isolation / "zh" / "b_second.ipynb", as_version=4)
    assert nb.cells[2].outputs[0].text.strip() == "True True"


def test_nothing_one_notebook_changes_reaches_the_next(isolation):
    first, second = seen(isolation, "zh", "a_first"), seen(isolation, "zh", "b_second")
    assert second["variable"] is False
    assert second["rcparam"] == first["rcparam"] != 7.5  # the default, not the polluter's value
    assert second["module_state"] is None
    assert second["cwd"] == first["cwd"] and second["cwd"].endswith("notebooks")
    assert second["random"] != first["random"]  # numpy reseeded, as in a new interpreter


def test_data_reads_are_traced_per_notebook(isolation):
    first, second = seen(isolation, "zh", "a_first"), seen(isolation, "zh", "b_second")
    assert first["trace"] != second["trace"] and first["trace"].endswith("a_first.trace")
    manifest = json.loads((isolation / "manifest.json").read_text())
    assert manifest["reports"]["zh/a_first"]["data"]["reads"] == [{"table": "sections"}]
    assert manifest["reports"]["zh/b_second"]["data"]["reads"] == []


def _run_papermill(tmp_path, *args, env=None):
    out = tmp_path / f"out{len(list(tmp_path.glob('out*')))}.ipynb"
    proc = subprocess.run([BIN / "papermill", FIX / "reads_websites.ipynb", out, "-p", "lang", "en",
                           "--cwd", FIX, "--no-progress-bar", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stderr
    return nbformat.read(out, as_version=4)


def _outputs(nb) -> list:
    return [c.get("outputs") for c in nb.cells if c.cell_type == "code"]


def test_papermill_engine_gives_what_a_cold_kernel_gives(tmp_path):
    """``papermill -k egov --engine egov`` runs warm, and the notebook comes out as a cold
    kernel makes it (charts included, byte for byte)."""
    warm = _run_papermill(tmp_path, "-k", "egov", "--engine", "egov")
    cold = _run_papermill(tmp_path, "-k", "egov")
    assert _outputs(warm) == _outputs(cold)
    assert any("image/png" in o.get("data", {}) for outs in _outputs(warm) for o in outs)


@pytest.fixture
def impostor(tmp_path):
    """A user-wide kernelspec named egov (another checkout's, say) that must not be used."""
    marker = tmp_path / "impostor-ran"
    spec = tmp_path / "jupyter" / "kernels" / "egov"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-c", f"open({str(marker)!r}, 'w').close()", "{connection_file}"],
        "display_name": "Python (egov, elsewhere)", "language": "python"}))
    return marker, {"JUPYTER_PATH": str(tmp_path / "jupyter")}


def test_build_runs_this_environment_whatever_kernelspec_is_registered(tmp_path, impostor):
    marker, env = impostor
    root = make_project(tmp_path / "p", {"reads_platform": "reads_platform"})
    out = build(root, "--lang", "en", "--format", "html", env=env)
    assert out.returncode == 0, out.stderr
    assert not marker.exists()
    _run_papermill(tmp_path, "--engine", "egov", env=env)
    assert not marker.exists()
