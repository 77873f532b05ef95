"""Refresh the notebooks' committed outputs: nbval's baseline, the same bytes on every run.

Each notebook runs with its default parameters in the ``egov`` kernel (papermill), then
everything that would differ between two runs is dropped: papermill's and nbclient's
timestamps and durations. Run it after changing a notebook, a chart or the data::

    .venv/bin/python -m egov.baseline              # every notebook in notebooks/
    .venv/bin/python -m egov.baseline notebooks/04_websites.ipynb
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNEL = {"name": "egov", "display_name": "Python (egov)", "language": "python"}


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


def run(path: Path) -> nbformat.NotebookNode:
    """Execute a notebook with its defaults in the egov kernel (this environment's, warm: the
    ``egov`` papermill engine, as ``egov build``) and normalise the result."""
    import papermill as pm

    nb = pm.execute_notebook(str(path), None, engine_name="egov", kernel_name=KERNEL["name"],
                             cwd=str(path.parent), progress_bar=False, log_output=False)
    return normalise(nb)


def refresh(paths: list[Path], jobs: int = 2) -> None:
    from egov.build import forkclient

    def one(p: Path) -> Path:
        nbformat.write(run(p), p)
        return p

    forkclient.start()  # from this thread, which outlives the pool's
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
    args = ap.parse_args(argv)
    refresh(args.notebooks or sorted(NOTEBOOKS.glob("[0-9]*.ipynb")), args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
