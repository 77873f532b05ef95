"""The committed notebooks: parameters, kernel, tags, outputs (nbval's baseline)."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from egov import baseline

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9]*.ipynb"))


def test_one_notebook_per_section_in_reading_order():
    assert [p.stem for p in NOTEBOOKS] == ["00_overview", "01_platform", "02_capability", "03_sharing",
                                            "04_websites", "05_new_media", "06_international", "07_data_notes"]


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def nb(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_parameters_cell_has_typed_documented_defaults(nb):
    path, book = nb
    cells = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1 and book.cells[0] is cells[0]
    body = ast.parse(cells[0].source).body
    assert all(isinstance(n, ast.AnnAssign) for n in body)
    values = {n.target.id: ast.literal_eval(n.value) for n in body}
    types = {n.target.id: ast.unparse(n.annotation) for n in body}
    assert values["lang"] == "zh" and values["as_of"] == "2020-06"
    assert types["lang"] == types["as_of"] == "str"
    if path.stem == "06_international":
        assert values["peers"] == ["USA", "JPN", "KOR", "RUS", "IND", "BRA"] and types["peers"] == "list[str]"
    assert all("  # " in line for line in cells[0].source.splitlines())  # each has its help text


def test_papermill_shows_types_and_help(nb):
    """papermill --help-notebook reads the annotations and comments (not 'Unknown type')."""
    import subprocess
    import sys

    path, _ = nb
    out = subprocess.run([sys.executable, "-m", "papermill", "--help-notebook", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert 'lang: str (default "zh")' in out.stdout and 'report language: "zh"' in out.stdout
    assert "as_of: str" in out.stdout and "egov editions" in out.stdout
    assert "Unknown type" not in out.stdout


def test_parameters_are_checked_right_after_in_a_collapsed_hidden_cell(nb):
    _, book = nb
    setup = book.cells[1]
    assert "params.check(lang=lang, as_of=as_of" in setup.source.splitlines()[1]
    assert setup.metadata.get("tags") == ["remove-cell"]  # left out of the reports
    assert setup.metadata.get("jupyter") == {"source_hidden": True}  # collapsed in JupyterLab


def test_kernel_is_egov_and_metadata_is_normalised(nb):
    _, book = nb
    assert book.metadata.kernelspec.name == "egov"
    assert "papermill" not in book.metadata
    for c in book.cells:
        assert "execution" not in c.metadata and "papermill" not in c.metadata


def test_outputs_have_no_errors_stderr_or_svg(nb):
    _, book = nb
    for c in book.cells:
        for o in c.get("outputs", []):
            assert o.output_type != "error"
            assert not (o.output_type == "stream" and o.name == "stderr"), o.text
            assert "image/svg+xml" not in o.get("data", {})


def test_first_output_is_an_h1_and_charts_come_with_tables(nb):
    path, book = nb
    outs = [o for c in book.cells for o in c.get("outputs", [])]
    md = [o for o in outs if "text/markdown" in o.get("data", {})]
    assert md[0].data["text/markdown"].startswith("# ")
    pngs = [i for i, o in enumerate(outs) if "image/png" in o.get("data", {})]
    for i in pngs:
        meta = outs[i + 1].metadata["egov"]
        assert meta["filename"].startswith(path.stem + "_") and meta["source"] and meta["csv"]
    headings = [o.data["text/markdown"] for o in md if o.data["text/markdown"].startswith("## ")]
    assert len(headings) >= len(pngs)


def test_normalise_drops_run_specific_metadata():
    book = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    book.metadata["papermill"] = {"duration": 1.0}
    book.cells[0].metadata.update(papermill={"duration": 1}, execution={"iopub.status.busy": "now"}, tags=[])
    out = baseline.normalise(book)
    assert "papermill" not in out.metadata and out.cells[0].metadata == {}
    assert out.metadata.kernelspec["name"] == "egov"
