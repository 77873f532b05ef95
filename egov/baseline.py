"""Refresh the notebooks' committed outputs: nbval's baseline, the same bytes on every run.

Each notebook runs with its default parameters in the ``egov`` kernel (papermill), then
everything that would differ between two runs is dropped: papermill's and nbclient's
timestamps and durations. Run it after changing a notebook, a chart or the data::

    .venv/bin/python -m egov.baseline              # every notebook in notebooks/
    .venv/bin/python -m egov.baseline notebooks/04_websites.ipynb
    .venv/bin/python -m egov.baseline --check      # were the committed outputs made here?

Each notebook it writes is stamped: a hash of its cells (sources and outputs) goes into the
notebook's metadata. A notebook saved from JupyterLab after exploring keeps the stamp but not
the outputs it was made for; ``--check`` (and ``make test``, through the unit tests) names it and
the command that restores it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from egov import project
from egov.errors import ParameterError

KERNEL = {"name": "egov", "display_name": "Python (egov)", "language": "python"}
#: Where the stamp lives: ``nb.metadata["egov"]["baseline_sha256"]``.
STAMP = "baseline_sha256"


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run-specific metadata (times, durations, papermill's record) in place."""
    nb.metadata.pop("papermill", None)
    nb.metadata["kernelspec"] = dict(KERNEL)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.metadata.get("tags") == []:
            del cell.metadata["tags"]
    return nb


def cells_hash(nb: nbformat.NotebookNode) -> str:
    """SHA-256 of what nbval compares and a stray save changes: each cell's type, source,
    outputs and execution count (not metadata, which JupyterLab rewrites on its own)."""
    cells = [{"cell_type": c.cell_type, "source": c.source, "outputs": c.get("outputs"),
              "execution_count": c.get("execution_count")} for c in nb.cells]
    text = json.dumps(cells, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stamp(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Record, in the notebook's metadata, that these outputs were made by this module."""
    nb.metadata.setdefault("egov", {})[STAMP] = cells_hash(nb)
    return nb


def problem(path: Path) -> str | None:
    """Why a notebook's committed outputs are not nbval's baseline (None when they are)."""
    nb = nbformat.read(path, as_version=4)
    recorded = nb.metadata.get("egov", {}).get(STAMP)
    if recorded == cells_hash(nb):
        return None
    shown = _shown(path)
    refresh = f"`.venv/bin/python -m egov.baseline {shown}`"
    if recorded is None:
        return f"{shown}: has no baseline stamp; make its outputs nbval's baseline with {refresh}"
    return (f"{shown}: its outputs are not the ones egov.baseline made (saved from JupyterLab "
            f"after exploring?); restore them with `git checkout -- {shown}`, or refresh them with {refresh}")


def _shown(path: Path) -> str:
    path = Path(path).resolve()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def run(path: Path) -> nbformat.NotebookNode:
    """Execute a notebook with its defaults in the egov kernel (this environment's, warm: the
    ``egov`` papermill engine, as ``egov build``), normalise and stamp the result."""
    import papermill as pm

    nb = pm.execute_notebook(str(path), None, engine_name="egov", kernel_name=KERNEL["name"],
                             cwd=str(path.parent), progress_bar=False, log_output=False)
    return stamp(normalise(nb))


def refresh(paths: list[Path], jobs: int = 2) -> None:
    from egov.build import forkclient

    def one(p: Path) -> Path:
        nbformat.write(run(p), p)
        return p

    forkclient.start(modules=[str(p) for p in paths])  # from this thread: it outlives the pool's
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for p in pool.map(one, paths):
                print(f"refreshed {p}")
    finally:
        forkclient.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m egov.baseline", description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--check", action="store_true",
                    help="run nothing: name each notebook whose outputs egov.baseline did not make")
    project.add_argument(ap)
    args = ap.parse_args(argv)
    try:
        paths = args.notebooks or notebooks(project.find(args.project).notebooks)
    except ParameterError as err:
        print(f"{ap.prog}: error: {err}", file=sys.stderr)
        return 2
    if args.check:
        problems = [msg for msg in map(problem, paths) if msg]
        print("\n".join(problems) or f"{len(paths)} notebooks: outputs made by egov.baseline")
        return 1 if problems else 0
    refresh(paths, args.jobs)
    return 0


def notebooks(folder: Path) -> list[Path]:
    """The section notebooks of a folder, in order."""
    return sorted(Path(folder).glob("[0-9]*.ipynb"))


if __name__ == "__main__":
    sys.exit(main())
