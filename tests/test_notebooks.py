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


def test_parameters_cell_has_typed_defaults(nb):
    path, book = nb
    cells = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1 and book.cells[0] is cells[0]
    values = {t.id: ast.literal_eval(n.value) for n in ast.parse(cells[0].source).body for t in n.targets}
    assert values["lang"] == "zh" and values["as_of"] == "2020-06"
    if path.stem == "06_international":
        assert values["peers"] == ["USA", "JPN", "KOR", "RUS", "IND", "BRA"]
    assert all(isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))
               for v in values.values())


def test_parameters_are_checked_right_after(nb):
    _, book = nb
    setup = book.cells[1]
    assert "params.check(lang=lang, as_of=as_of" in setup.source.splitlines()[1]
    assert setup.metadata.get("tags") == ["remove-cell"]


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
