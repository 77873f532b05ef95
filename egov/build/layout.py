"""Where ``egov build`` finds notebooks and puts reports, and how it names them."""

from __future__ import annotations

from pathlib import Path

from egov.errors import ParameterError

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = ROOT / "egov"
#: The nbconvert template of the section pages (``jupyter nbconvert --template egov``).
TEMPLATE_DIR = PACKAGE_DIR / "templates" / "egov"
#: The build's own page templates: the index and the full report.
PAGES_DIR = PACKAGE_DIR / "templates" / "build"
DEFAULT_NOTEBOOKS = ROOT / "notebooks"
DEFAULT_REPORTS = ROOT / "reports"
LANGS = ("zh", "en")
FORMATS = ("html", "pdf")
MANIFEST = "manifest.json"
#: Every section of a language in one PDF, each section from a new page.
FULL_REPORT = "full_report.pdf"
INDEX = "index.html"
LOCK = ".egov-build.lock"
STAGING_PREFIX = ".staging-"
#: Bump when the way reports are made changes in a way the hashed inputs do not show.
BUILD_SCHEMA = 1
#: The kernels' SOURCE_DATE_EPOCH (2020-01-01): fixed, so nothing depends on the build time.
SOURCE_DATE_EPOCH = "1577836800"


def show(path) -> str:
    """A path as messages show it: relative to the working folder or the project when inside."""
    p = Path(path)
    for base in (Path.cwd(), ROOT):
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(p)


def in_reports(reports_dir: Path, relative: str) -> Path | None:
    """The file a path read from the manifest names, inside the reports folder (the one place
    such paths are turned into files; None for a path that is not a string)."""
    if not isinstance(relative, str):
        return None
    return reports_dir / relative


def record_name(nb: Path) -> str:
    """How a notebook is recorded (manifest, executed notebook): ``notebooks/04_websites.ipynb``,
    the same in every checkout, so records compare byte for byte."""
    return f"{nb.parent.name}/{nb.name}"


def discover(notebooks_dir: Path) -> list[Path]:
    """The report notebooks: ``*.ipynb`` in the folder, by name (``_``/``.`` names skipped)."""
    if not notebooks_dir.is_dir():
        raise ParameterError(f"no notebooks folder: {show(notebooks_dir)}")
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith(("_", ".")))


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
