"""Where ``egov build`` finds notebooks and puts reports, how it names them, and which paths
it accepts: the output folder (:func:`check_reports_dir`) and every path read back from the
manifest (:func:`in_reports`).

Paths are shown relative to the project's root (:func:`use_project`), else absolute: never
relative to the working folder, which for a cron job is anything.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from egov.errors import ParameterError
from egov.exportfolder import RECORD as EXPORT_RECORD

#: The installed egov package (its templates; never a place to write).
PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The nbconvert template of the section pages (``jupyter nbconvert --template egov``).
TEMPLATE_DIR = PACKAGE_DIR / "templates" / "egov"
#: The build's own page templates: the index and the full report.
PAGES_DIR = PACKAGE_DIR / "templates" / "build"
LANGS = ("zh", "en")
FORMATS = ("html", "pdf")
#: What executing a report writes (the executed notebook, its charts' data); the formats are
#: rendered from it.
EXECUTED = ("ipynb", "csv")
MANIFEST = "manifest.json"
#: Every section of a language in one PDF, each section from a new page.
FULL_REPORT = "full_report.pdf"
INDEX = "index.html"
#: Each language's front door (the Chinese one is the folder's index).
INDEX_PAGES = {"zh": INDEX, "en": "index.en.html"}
LOCK = ".egov-build.lock"
#: The build's staging folder, ``.staging-<pid>``, holds this file: only such folders are ever
#: removed as left over by a killed build.
STAGING_PREFIX = ".staging-"
STAGING_MARK = ".egov-staging"
#: Where ``egov build`` puts the one-file dataset (``egov export``'s files and its record).
DATA_EXPORT = "data"
#: Bump when the way reports are made changes in a way the hashed inputs do not show.
BUILD_SCHEMA = 1
#: The kernels' SOURCE_DATE_EPOCH (2020-01-01): fixed, so nothing depends on the build time.
SOURCE_DATE_EPOCH = "1577836800"
#: A file the build makes, as the manifest names it (relative to the reports folder): a
#: report ``<lang>/<name>.<format>``, a failed copy ``<lang>/failed/<name>.ipynb``, or a file of
#: the one-file dataset ``data/egov-….csv``.
_REPORT_FILE = re.compile(r"(?:zh|en)/(?:failed/)?[^/\\]+\.(?:ipynb|csv|html|pdf)|data/(?:egov-[^/\\]+|datapackage\.json)")

_root: Path | None = None


def use_project(root: Path) -> None:
    """Show paths relative to this project's root (the command line sets it once)."""
    global _root
    _root = Path(root).resolve()


def show(path) -> str:
    """A path as messages and the manifest show it: relative to the build's project root when
    inside it, else absolute (:func:`egov.project.shown`)."""
    from egov.project import shown

    return shown(path, _root)


def in_reports(reports_dir: Path, relative) -> Path | None:
    """The file a path read from the manifest names, or None: the one place such paths become
    files. Only a file the build makes (``zh/04_websites.pdf``, ``en/failed/x.ipynb``,
    ``zh/full_report.pdf``, ``data/egov-data.xlsx``) that resolves inside the reports folder is
    accepted: no ``..``, no absolute path, no symlink leading out."""
    if not isinstance(relative, str) or not _REPORT_FILE.fullmatch(relative):
        return None
    path = reports_dir / relative
    return path if path.resolve().is_relative_to(reports_dir.resolve()) else None


def check_reports_dir(path: Path, project, force: bool = False) -> None:
    """Refuse an output folder (``-o``) the build must not write into: ``/``, the home folder,
    the project's root, the data folder or the egov package (or inside either), a file, and,
    unless ``force``, a folder holding files that are not egov's.

    Raises:
        ParameterError: naming the folder and why (exit code 2).
    """
    path = Path(path).resolve()
    named = f"-o {show(path)}"
    for folder, what in ((Path("/"), "the root folder"), (Path("~").expanduser().resolve(), "the home folder"),
                         (project.root, "the project's root folder")):
        if path == folder:
            raise ParameterError(f"{named}: {what}; reports need a folder of their own (the default "
                                 "is reports/ in the project)")
    for folder, what in ((project.data, "the data folder (builds hash every file in it)"),
                         (project.root / "data", "the data folder (builds hash every file in it)"),
                         (PACKAGE_DIR, "the installed egov package")):
        if path.is_relative_to(folder.resolve()):
            raise ParameterError(f"{named}: inside {what}; choose another folder")
    if path.exists() and not path.is_dir():
        raise ParameterError(f"{named}: not a folder")
    if not force and path.is_dir() and not _egov_folder(path):
        raise ParameterError(f"{named}: the folder holds files egov did not write and no egov "
                             f"{MANIFEST}; choose a new or empty folder, or add --force-output to "
                             "write the reports among them (files with the reports' names are replaced)")


def _egov_folder(path: Path) -> bool:
    """A folder a build has written to (its lock or its manifest is there), or one holding
    nothing but ``egov export``'s folder."""
    if (path / LOCK).is_file() or _is_manifest(path / MANIFEST):
        return True
    return all(p.name == DATA_EXPORT and (p / EXPORT_RECORD).is_file() for p in path.iterdir())


def _is_manifest(path: Path) -> bool:
    from egov.errors import DataError
    from egov.source import read_file

    try:
        record = json.loads(read_file(path, what="manifest"))
    except (DataError, ValueError):
        return False
    return isinstance(record, dict) and "reports" in record


def record_name(nb: Path) -> str:
    """How a notebook is recorded (manifest, executed notebook): ``notebooks/04_websites.ipynb``,
    the same in every checkout, so records compare byte for byte."""
    return f"{nb.parent.name}/{nb.name}"


def discover(notebooks_dir: Path) -> list[Path]:
    """The report notebooks: ``*.ipynb`` in the folder, by name (``_``/``.`` names skipped)."""
    if not notebooks_dir.is_dir():
        raise ParameterError(f"no notebooks folder: {show(notebooks_dir)}")
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith(("_", ".")))


def section_stems(folder) -> tuple[str, ...]:
    """The stems of the report notebooks in ``folder``, in order: the sections a report page
    links to (before, after, the data notes), so a page is rendered again when they change."""
    return tuple(p.stem for p in discover(Path(folder))) if folder and Path(folder).is_dir() else ()


def select(notebooks: list[Path], only: list[str] | None) -> list[Path]:
    """``--only`` names: the file stem (``04_websites``), the part after the number
    (``websites``) or the number (``04``)."""
    if not only:
        return notebooks
    chosen = []
    for name in only:
        name = name.removesuffix(".ipynb")
        hits = [nb for nb in notebooks
                if name in (nb.stem, nb.stem.split("_", 1)[-1], nb.stem.split("_", 1)[0])]
        if not hits:
            raise ParameterError(f"--only {name}: no such section; sections: "
                                 f"{', '.join(nb.stem for nb in notebooks) or '(none)'}")
        chosen += [h for h in hits if h not in chosen]
    return [nb for nb in notebooks if nb in chosen]


def split_list(values: list[str] | None) -> list[str]:
    """``--lang zh,en --lang en`` → ``["zh", "en", "en"]``."""
    return [v for item in values or [] for v in item.split(",") if v.strip()]
