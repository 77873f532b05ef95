"""Every edition, every notebook, both languages, executed for real by ``egov build``.

An edition fails on: an exception; ``nan``, ``None`` or ``<NA>`` in the text; more than one gap
notice in a section; a printed number or a comparative word that the data contradicts (each
block's recorded figures and claims, recomputed from the observations). This is the slowest
test of the suite (every edition builds 16 reports); ``-k "not every_edition"`` skips it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from egov import data, editions
from tests.narrative_checks import problems

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = list(editions.editions())
#: What only a gap notice says (the one per section), and what no report may say any more: the
#: old one-sentence-per-gap messages.
NOTICE = re.compile(r"本期（[^）]*）数据不全|数据中没有本期（[^）]*）本节的数字|"
                    r"Some figures are missing from this edition \([^)]*\)|This section has no figures for this edition")
PER_GAP = re.compile(r"此处从略|本图从略|so this is left out|so it is left out|The data has no figure for|"
                     r"the data has nothing for it")
#: A missing value printed as Python or pandas writes it ("None of the sources…", English prose
#: in a curator's note, is not one).
EMPTY = re.compile(r"\bnan\b|\bNaN\b|\bNone\b(?! [a-z])|<NA>")


@lru_cache(maxsize=None)
def build(edition: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "egov", "build", "-p", "as_of", edition, "--format", "html",
                           "--workers", "2", "-o", str(out / edition)], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("editions")


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


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_edition_builds_and_its_text_agrees_with_the_data(edition, reports, obs):
    run = build(edition, reports)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    found = []
    for lang in ("zh", "en"):
        books = sorted((reports / edition / lang).glob("*.ipynb"))
        assert len(books) == 8 and all((reports / edition / lang / f"{b.stem}.html").exists() for b in books)
        for path in books:
            texts = _texts(nbformat.read(path, as_version=4))
            where = f"{edition} {lang}/{path.stem}"
            assert texts and texts[0][0].startswith("# "), f"{where}: no title"
            notices = sum(len(NOTICE.findall(t)) for t, _ in texts)
            found += [f"{where}: {notices} gap notices"] if notices > 1 else []
            found += [f"{where}: {m!r} in {t[:120]!r}" for t, _ in texts for m in EMPTY.findall(t) + PER_GAP.findall(t)]
            found += [f"{where}: {p}" for _, meta in texts if meta for p in problems(meta, obs)]
    assert not found, "\n".join(found)
