"""Where the project is: its root folder and the ``data/``, ``notebooks/`` and ``reports/`` in it.

Every command resolves the project here, once, in this order:

1. ``--project DIR`` on the command line;
2. ``$EGOV_PROJECT``;
3. the current folder, or the nearest folder above it, that is a project;
4. the source checkout this package was imported from (an editable install).

A project is a folder holding ``data/raw/origin.yaml`` (the origin record of the raw files).
An installed copy of the package (``site-packages``) is never a project, so nothing is ever
written into it: outside a project, and without 1 or 2, :func:`find` raises
:class:`ProjectError` saying how to point at one. ``$EGOV_DATA_DIR`` still points the data
folder alone at a copy (to try an edit), inside whichever project was found.

>>> p = find()
>>> (p.data / "raw" / "origin.yaml").is_file(), p.notebooks.name, p.reports.name
(True, 'notebooks', 'reports')
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from egov.errors import ParameterError

#: A folder holding this file is an egov project.
MARKER = Path("data") / "raw" / "origin.yaml"
PROJECT_ENV = "EGOV_PROJECT"
DATA_ENV = "EGOV_DATA_DIR"
#: The folder above the package: a project when egov runs from a source checkout.
_CHECKOUT = Path(__file__).resolve().parent.parent


class ProjectError(ParameterError):
    """No project found, or a folder given as one is not one (bad input: exit code 2)."""


@dataclass(frozen=True)
class Project:
    """An egov project: absolute paths, whatever the current folder."""

    root: Path

    @property
    def data(self) -> Path:
        """The data folder: ``$EGOV_DATA_DIR`` when set, else ``data/`` in the project."""
        override = os.environ.get(DATA_ENV)
        return Path(override).resolve() if override else self.root / "data"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def reports(self) -> Path:
        return self.root / "reports"


def is_project(folder: Path) -> bool:
    return (Path(folder) / MARKER).is_file()


def _given(folder: str | os.PathLike, named: str) -> Project:
    root = Path(folder).expanduser().resolve()
    if not root.is_dir():
        raise ProjectError(f"{named}: no such folder")
    if not is_project(root):
        raise ProjectError(f"{named}: not an egov project (expected {MARKER.as_posix()} in it)")
    return Project(root)


def find(explicit: str | os.PathLike | None = None) -> Project:
    """The project to work on (see the module's docstring for the order); raises ProjectError."""
    if explicit:
        return _given(explicit, f"--project {explicit}")
    if os.environ.get(PROJECT_ENV):
        return _given(os.environ[PROJECT_ENV], f"{PROJECT_ENV}={os.environ[PROJECT_ENV]}")
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return Project(folder)
    if is_project(_CHECKOUT):
        return Project(_CHECKOUT)
    raise ProjectError(
        f"no egov project in {here} or above it, and this egov is installed outside one; "
        f"point at a project with --project DIR or {PROJECT_ENV}=DIR "
        f"(a folder holding {MARKER.as_posix()}), or run from inside one")


def shown(path: str | os.PathLike, root: Path | None = None) -> str:
    """A path as messages and records show it: relative to the project's root (``root``, else
    the project :func:`find` gives) when inside it, else absolute; never relative to the
    working folder, which for a cron job is anything. A symlink is named, not where it leads.

    >>> shown(find().root / "data" / "x.csv"), shown("/etc/passwd", Path("/srv/egov"))
    ('data/x.csv', '/etc/passwd')
    """
    p = Path(os.path.abspath(path))
    if root is None:
        try:
            root = find().root
        except ProjectError:
            return str(p)
    return p.relative_to(root).as_posix() or "." if p.is_relative_to(root) else str(p)


def default_data_dir() -> Path:
    """The data folder for library calls that name none (notebooks, ``egov.data``); never raises.

    Outside any project this is ``data/`` in the current folder, so a load fails naming a
    missing file there, never a path inside the installed package.
    """
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV]).resolve()
    try:
        return find().data
    except ProjectError:
        return Path.cwd() / "data"


def add_argument(parser: argparse.ArgumentParser) -> None:
    """Give a subcommand the ``--project DIR`` option (read it back with ``find(args.project)``)."""
    parser.add_argument("--project", metavar="DIR",
                        help=f"the egov project to use (default: ${PROJECT_ENV}, else the current "
                             "folder or the nearest one above it that holds data/raw/origin.yaml, "
                             "else the checkout egov was installed from with pip install -e)")
