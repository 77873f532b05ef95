"""Every edition, every notebook, both languages, executed for real as ``egov build`` executes them.

An edition fails on: an exception; ``nan``, ``None`` or ``<NA>`` in the text; more than one gap
notice in a section; a printed number or a comparative word that the data contradicts (each
block's recorded figures and claims, recomputed from the observations).

Each notebook runs through the build's own worker (:func:`tests.helpers.execute_report`: the
``egov`` papermill engine, a new kernel forked from a warm template, the build's kernel
environment), but is not rendered: the session's build (``built_reports``) renders and opens
one edition's pages, and the text checked here is the executed notebooks'. One template serves
every edition a test process runs; pytest-xdist spreads the editions and languages over the
workers (tests/conftest.py). This is still the slowest test of the suite (16 editions × 16 notebooks);
it is marked ``slow``, so ``-m "not slow"`` skips it.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from egov import data, editions, project
from egov.build import forkclient, plan
from egov.build.layout import discover
from tests.helpers import LANGS, execute_report
from tests.narrative_checks import problems

pytestmark = pytest.mark.slow  # 256 notebook executions: not in the quick loop (-m "not slow")

EDITIONS = list(editions.editions())
#: The section notebooks a build of notebooks/ runs, in its order (the overview after the others).
NOTEBOOKS = sorted(discover(project.find().notebooks), key=plan.after_sections)
#: What only a gap notice says (the one per section), and what no report may say any more: the
#: old one-sentence-per-gap messages.
NOTICE = re.compile(r"本期（[^）]*）数据不全|数据中没有本期（[^）]*）本节的数字|"
                    r"Some figures are missing from this edition \([^)]*\)|This section has no figures for this edition")
PER_GAP = re.compile(r"此处从略|本图从略|so this is left out|so it is left out|The data has no figure for|"
                     r"the data has nothing for it")
#: A missing value printed as Python or pandas writes it ("None of the sources…", English prose
#: in a curator's note, is not one).
EMPTY = re.compile(r"\bnan\b|\bNaN\b|\bNone\b(?! [a-z])|<NA>")


@pytest.fixture(scope="module")
def warm_kernels():
    """The template process this module's notebooks are forked from, ended with the module."""
    yield
    forkclient.stop()


@pytest.fixture(scope="module")
def obs():
    return data.observations()


def _texts(book) -> list[tuple[str, dict]]:
    """Each text output of an executed notebook (Markdown and tables), with its metadata."""
    out = []
    for cell in book.cells:
        for o in cell.get("outputs", []):
            d = o.get("data", {})
            for kind in ("text/markdown", "text/plain"):
                if kind in d and "image/png" not in d:
                    out.append((d[kind], o.get("metadata", {}).get("egov_narrative", {})))
    return out


@pytest.mark.parametrize("edition, lang", [(edition, lang) for edition in EDITIONS for lang in LANGS])
def test_every_edition_builds_and_its_text_agrees_with_the_data(edition, lang, warm_kernels, obs, tmp_path):
    found = []
    for notebook in NOTEBOOKS:
        result = execute_report(notebook, lang, {"as_of": edition}, tmp_path)
        where = f"{edition} {lang}/{notebook.stem}"
        if not result.ok:
            found.append(f"{where}: {result.error}")
            continue
        texts = _texts(nbformat.read(result.outputs["ipynb"], as_version=4))
        assert texts and texts[0][0].startswith("# "), f"{where}: no title"
        notices = sum(len(NOTICE.findall(t)) for t, _ in texts)
        found += [f"{where}: {notices} gap notices"] if notices > 1 else []
        found += [f"{where}: {m!r} in {t[:120]!r}" for t, _ in texts for m in EMPTY.findall(t) + PER_GAP.findall(t)]
        found += [f"{where}: {p}" for _, meta in texts if meta for p in problems(meta, obs)]
    assert not found, "\n".join(found)
