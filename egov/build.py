"""``egov build``: execute the section notebooks and publish the reports.

For each requested language, every notebook in ``notebooks/`` is executed with papermill and
written to ``reports/<lang>/`` as the executed notebook, one self-contained HTML page and a
PDF; ``reports/<lang>/full_report.pdf`` holds every section, each from a new page;
``reports/index.html`` links them all (Chinese first) and ``reports/manifest.json``
records, for each report, the hashes of its inputs, its parameters, the package versions and
its status. A failed run's executed copy goes to ``reports/<lang>/failed/``.

How it works:

* **Strict parameters.** Each notebook's ``parameters`` cell is read (``ast``, no kernel)
  before anything runs. A name no selected notebook declares, or a value of the wrong type, is
  an error (exit code 2). A ``-p`` value is converted to the type of the default, so
  ``-p code 007`` stays the string ``"007"`` where the default is a string.
* **Parallel, light.** One process drives papermill's API from *N* worker processes
  (``--workers``): papermill and nbconvert are imported once per worker, not once per notebook.
  The kernel of each run inherits the worker's environment, which is where the data-read trace
  (``EGOV_DATA_TRACE``) and ``EGOV_DATA_DIR`` are set.
* **Cached.** A report is executed again only when its notebook, its parameters, the egov
  library or *the data it read* changed. What it read comes from the trace written by
  :mod:`egov.data` during execution; :func:`egov.data.fingerprint` hashes exactly that data,
  and the next build recomputes the fingerprint of the stored reads against the current data
  (only when a data file changed at all). A template change only renders HTML/PDF again from
  the executed notebook. ``--force`` runs everything; ``--dry-run`` says what would run and why.
* **Failures kept, good reports kept.** A notebook that raises leaves its executed copy, with
  papermill's error banner, in ``reports/<lang>/failed/``; the previous good report stays; the
  other sections still build; the exit code is 1.
* **Atomic.** Workers write into a staging folder inside the reports folder; a finished report
  is moved into place with ``os.replace`` and the manifest is rewritten the same way, so a
  build stopped by SIGINT or SIGTERM leaves no half-written file.
* **Reproducible.** Times, durations and random cell ids are taken out of the executed
  notebooks; the HTML holds no date; the PDF has no creation date and an identifier derived
  from its HTML; the manifest holds no time. Two builds of the same inputs are byte-identical.

Start-up is kept light (the standard library only, until something has to run) so that a
build with nothing to do takes a fraction of a second.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from egov.errors import ParameterError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR / "templates" / "egov"
DEFAULT_NOTEBOOKS = ROOT / "notebooks"
DEFAULT_REPORTS = ROOT / "reports"
LANGS = ("zh", "en")
FORMATS = ("html", "pdf")
MANIFEST = "manifest.json"
#: Every section of a language in one PDF, each section from a new page.
FULL_REPORT = "full_report.pdf"
INDEX = "index.html"
#: Bump when the way reports are made changes in a way the hashed inputs do not show.
BUILD_SCHEMA = 1
#: Environment variables of the kernels (besides EGOV_DATA_TRACE and EGOV_DATA_DIR).
SOURCE_DATE_EPOCH = "1577836800"  # 2020-01-01: fixed, so nothing depends on the build time
_STAGING_PREFIX = ".staging-"
_LOCK = ".egov-build.lock"
#: Packages whose versions the manifest records.
PACKAGES = ("egov", "papermill", "nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter_client",
            "pandas", "numpy", "matplotlib", "weasyprint", "pydyf")


# --------------------------------------------------------------------------------------------
# hashing

def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _hash_obj(obj) -> str:
    return _sha256_bytes(_canonical(obj).encode("utf-8"))


def _hash_tree(root: Path, patterns: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    files = sorted({p for pat in patterns for p in root.rglob(pat)
                    if p.is_file() and "__pycache__" not in p.parts})
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(_sha256_file(p).encode() + b"\n")
    return h.hexdigest()


def library_hash() -> str:
    """SHA-256 of the egov package's source (``egov/**/*.py`` and package data), the code the
    notebooks import: a change re-executes every report."""
    return _hash_tree(PACKAGE_DIR, ("*.py", "*.yaml"))


def template_hash() -> str:
    """SHA-256 of the nbconvert template (``egov/templates/egov``): a change renders the
    HTML and PDF again from the executed notebooks, without executing them."""
    return _hash_tree(TEMPLATE_DIR, ("*",))


def data_dir() -> Path:
    """The data folder the kernels read: ``$EGOV_DATA_DIR``, else the project's ``data/``."""
    return Path(os.environ.get("EGOV_DATA_DIR") or ROOT / "data").resolve()


def _table_files() -> set[str]:
    from egov.schema import TABLES

    return {t.path for t in TABLES.values()}


def data_state(directory: Path) -> dict:
    """Hashes of the data folder, in two parts.

    ``tables``: the files behind the tables :mod:`egov.data` traces; when it is unchanged every
    fingerprint is too (no need to load the data). ``untraced``: every other file (origin
    records, raw text); a notebook may read them without a trace, so a change there re-executes
    every report.
    """
    tables = _table_files()
    th, uh = hashlib.sha256(), hashlib.sha256()
    files = sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for p in files:
        rel = p.relative_to(directory).as_posix()
        h = th if rel in tables else uh
        h.update(rel.encode() + b"\0" + _sha256_file(p).encode() + b"\n")
    return {"tables": th.hexdigest(), "untraced": uh.hexdigest()}


# --------------------------------------------------------------------------------------------
# parameters

@dataclass(frozen=True)
class Param:
    """A parameter declared in a notebook's ``parameters`` cell."""

    name: str
    type: str  # str int float bool list[str] list[int] list[float] list dict any
    default: object


def _type_of(value) -> str:
    if isinstance(value, bool):
        return "bool"
    for t in (int, float, str, dict):
        if isinstance(value, t):
            return t.__name__
    if isinstance(value, (list, tuple)):
        kinds = {_type_of(v) for v in value}
        if len(kinds) == 1 and next(iter(kinds)) in ("str", "int", "float"):
            return f"list[{next(iter(kinds))}]"
        return "list"
    return "any"


_ANNOTATIONS = {"str": "str", "int": "int", "float": "float", "bool": "bool", "dict": "dict",
                "list": "list", "list[str]": "list[str]", "list[int]": "list[int]",
                "list[float]": "list[float]", "List[str]": "list[str]", "List[int]": "list[int]"}


def _cell_source(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def notebook_parameters(path: Path) -> dict[str, Param]:
    """The parameters a notebook declares: ``name = literal`` (or ``name: type = literal``)
    lines in the cell tagged ``parameters``, with the type of the default (or the annotation).

    Raises:
        ParameterError: no cell is tagged ``parameters``, or it is not valid Python.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise ParameterError(f"{_show(path)}: no cell is tagged 'parameters'; "
                             "every report notebook declares lang and its other parameters there")
    src = _cell_source(cells[0])
    try:
        tree = ast.parse(src)
    except SyntaxError as err:
        raise ParameterError(f"{_show(path)}: the parameters cell is not valid Python ({err.msg}, "
                             f"line {err.lineno})") from None
    params: dict[str, Param] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, annotation, value_node = node.targets[0].id, None, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, annotation, value_node = node.target.id, ast.unparse(node.annotation), node.value
        else:
            continue
        try:
            default = ast.literal_eval(value_node)
        except ValueError:
            default = ast.unparse(value_node)
            kind = "any"
        else:
            kind = _type_of(default)
        if annotation is not None:
            kind = _ANNOTATIONS.get(annotation.replace(" ", ""), kind)
        params[name] = Param(name, kind, default)
    return params


_TYPE_WORDS = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false",
               "list[str]": "a list of strings", "list[int]": "a list of integers",
               "list[float]": "a list of numbers", "list": "a list", "dict": "a mapping"}


def _describe(value) -> str:
    return f"{_type_of(value).split('[')[0].replace('str', 'string').replace('int', 'integer')} {value!r}"


def convert_cli_value(param: Param, raw: str):
    """Convert a ``-p NAME VALUE`` string to the declared type (never guess from the text).

    >>> convert_cli_value(Param("code", "str", "001"), "007")
    '007'
    >>> convert_cli_value(Param("top", "int", 3), "5")
    5
    >>> convert_cli_value(Param("peers", "list[str]", ["CHN"]), "USA, KOR")
    ['USA', 'KOR']
    """
    t = param.type
    if t in ("str", "any"):
        return raw
    if t == "int":
        if re.fullmatch(r"\s*[+-]?\d+\s*", raw):
            return int(raw)
    elif t == "float":
        try:
            value = float(raw)
        except ValueError:
            pass
        else:
            if value == value and value not in (float("inf"), float("-inf")):
                return value
    elif t == "bool":
        low = raw.strip().lower()
        if low in ("true", "yes", "1", "on"):
            return True
        if low in ("false", "no", "0", "off"):
            return False
    elif t.startswith("list"):
        text = raw.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as err:
                raise ParameterError(f"parameter {param.name!r}: {raw!r} is not a JSON list ({err.msg}); "
                                     "write a JSON list or comma-separated values") from None
            return check_value(param, value)
        items = [s.strip() for s in text.split(",")] if text else []
        inner = t[5:-1] if "[" in t else "str"
        return [convert_cli_value(Param(param.name, inner, None), s) for s in items]
    elif t == "dict":
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            return value
    raise ParameterError(f"parameter {param.name!r} must be {_TYPE_WORDS.get(t, t)} "
                         f"(its default is {param.default!r}); got {raw!r}")


def _is(t: str, value) -> bool:
    if t.startswith("list"):
        inner = t[5:-1] if "[" in t else "any"
        return isinstance(value, list) and all(_is(inner, v) for v in value)
    return {
        "any": True,
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "dict": isinstance(value, dict),
    }.get(t, False)


def check_value(param: Param, value):
    """Check an already-typed value (from the parameters file) against the declared type."""
    t = param.type
    if _is(t, value):
        if t == "float":
            return float(value)
        if t == "list[float]":
            return [float(v) for v in value]
        return value
    hint = ""
    if t == "str" and not isinstance(value, str):
        hint = f"; quote it to keep it a string (\"{value}\")"
    raise ParameterError(f"parameter {param.name!r} must be {_TYPE_WORDS.get(t, t)} "
                         f"(its default is {param.default!r}); got {_describe(value)}{hint}")


def resolve_parameters(notebooks: list[Path], cli: list[tuple[str, str]],
                       file_values: dict) -> dict[Path, dict]:
    """The parameters to pass to each notebook (``lang`` excluded: the build sets it).

    A parameter is passed to the notebooks that declare it; a name none of them declares is an
    error, and so is a value of the wrong type for any notebook that declares it.
    """
    declared = {nb: notebook_parameters(nb) for nb in notebooks}
    for nb, params in declared.items():
        if "lang" not in params:
            raise ParameterError(f"{_show(nb)}: the parameters cell declares no 'lang'; "
                                 "every report notebook takes lang ('zh' or 'en')")
    given: dict[str, tuple[str, object]] = {}
    for name, value in file_values.items():
        given[str(name)] = ("file", value)
    for name, value in cli:
        given[name] = ("cli", value)
    if "lang" in given:
        raise ParameterError("'lang' is set by the build for each language; use --lang zh,en")
    known = sorted({n for params in declared.values() for n in params})
    for name in given:
        if not any(name in params for params in declared.values()):
            raise ParameterError(f"unknown parameter {name!r}: no selected notebook declares it; "
                                 f"declared: {', '.join(n for n in known if n != 'lang')}")
    out: dict[Path, dict] = {}
    checked: set[str] = set()
    for nb, params in declared.items():
        values = {}
        for name, (origin, value) in sorted(given.items()):
            if name not in params:
                continue
            try:
                values[name] = (convert_cli_value(params[name], value) if origin == "cli"
                                else check_value(params[name], value))
            except ParameterError as err:
                raise ParameterError(f"{_show(nb)}: {err}") from None
            if name not in checked:
                _check_value_rules(name, values[name])
                checked.add(name)
        out[nb] = values
    return out


def _check_value_rules(name: str, value) -> None:
    """The values the notebooks accept, beyond the type: :mod:`egov.params` has a
    ``check_<name>`` for the shared parameters (``as_of`` a month within the data, ``peers``
    ISO3 codes in the UN data); the notebooks call the same checks, so a bad value fails here,
    before anything runs, rather than in every notebook."""
    try:
        from egov import params as rules
    except ImportError:
        return
    check = getattr(rules, f"check_{name}", None)
    if check is None:
        return
    try:
        check(value)
    except ParameterError:
        raise
    except Exception:  # a check that cannot run here (e.g. data missing) is left to the notebook
        return


def load_parameters_file(path: Path) -> dict:
    import yaml

    try:
        values = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"parameters file not found: {path}") from None
    except yaml.YAMLError as err:
        raise ParameterError(f"{path}: not valid YAML ({err})") from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ParameterError(f"{path}: expected a mapping of parameter names to values")
    return values


# --------------------------------------------------------------------------------------------
# notebooks, sections, options

def _show(path) -> str:
    p = Path(path)
    for base in (Path.cwd(), ROOT):
        try:
            return p.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(p)


def _label(nb: Path) -> str:
    """How a notebook is recorded (manifest, executed notebook): ``notebooks/04_websites.ipynb``,
    the same in every checkout, so records compare byte for byte."""
    return f"{nb.parent.name}/{nb.name}"


def discover(notebooks_dir: Path) -> list[Path]:
    """The report notebooks: ``*.ipynb`` in the folder, by name (``_``/``.`` names skipped)."""
    if not notebooks_dir.is_dir():
        raise ParameterError(f"no notebooks folder: {_show(notebooks_dir)}")
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


def _split_list(values: list[str] | None) -> list[str]:
    return [v for item in values or [] for v in item.split(",") if v.strip()]


# --------------------------------------------------------------------------------------------
# plan: what runs and why

@dataclass
class Job:
    """One report: a notebook in one language."""

    key: str  # "<lang>/<stem>"
    notebook: Path
    lang: str
    parameters: dict
    inputs: dict
    execute: bool = False
    render: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    data_tables: str = ""


def _exec_key(inputs: dict) -> str:
    return _hash_obj({"schema": BUILD_SCHEMA, **inputs})


def _render_key(ipynb_sha: str, fmt: str, template: str, show_code: bool, library: str) -> str:
    return _hash_obj({"schema": BUILD_SCHEMA, "ipynb": ipynb_sha, "format": fmt, "template": template,
                      "show_code": show_code, "egov_library": library})


def _describe_reads(reads: list[dict]) -> str:
    parts = []
    for r in reads:
        def show(v):
            if not isinstance(v, list):
                return str(v)
            return "|".join(v) if len(v) <= 3 else f"{'|'.join(v[:3])}|… ({len(v)})"

        sel = ", ".join(f"{k}={show(v)}" for k, v in sorted(r.items()) if k != "table" and v is not None)
        parts.append(f"{r['table']}[{sel}]" if sel else r["table"])
    return ", ".join(parts) or "no table"


class _Fingerprints:
    """Fingerprints of stored reads against the current data, computed only when asked."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.cache: dict[str, str | None] = {}

    def __call__(self, reads: list[dict]) -> str | None:
        key = _canonical(reads)
        if key not in self.cache:
            try:
                from egov import data

                if not self.cache:  # loaded tables are cached per folder: read them afresh
                    data.clear_cache()
                self.cache[key] = data.fingerprint(reads, self.directory)
            except Exception:  # invalid data: the run will report it
                self.cache[key] = None
        return self.cache[key]


def plan(notebooks: list[Path], langs: list[str], params: dict[Path, dict], formats: list[str],
         manifest: dict, reports_dir: Path, *, force: bool, show_code: bool,
         kernel: str | None) -> list[Job]:
    """Decide, for each notebook and language, whether to execute, only render, or skip."""
    directory = data_dir()
    state = data_state(directory) if directory.is_dir() else {"tables": "", "untraced": ""}
    library, template = library_hash(), template_hash()
    fingerprints = _Fingerprints(directory)
    entries = manifest.get("reports", {})
    jobs = []
    for lang in langs:
        for nb in notebooks:
            key = f"{lang}/{nb.stem}"
            inputs = {
                "notebook": _label(nb),
                "notebook_sha256": _sha256_file(nb),
                "parameters": {"lang": lang, **params[nb]},
                "kernel": kernel,
                "egov_library_sha256": library,
                "data_dir": _show(directory),
                "data_untraced_sha256": state["untraced"],
            }
            job = Job(key, nb, lang, inputs["parameters"], inputs, data_tables=state["tables"])
            prev = entries.get(key)
            reasons = _exec_reasons(prev, inputs, state, fingerprints, reports_dir, force)
            if reasons:
                job.execute, job.reasons, job.render = True, reasons, list(formats)
            else:
                for fmt in formats:
                    why = _render_reason(prev, fmt, template, show_code, library, reports_dir)
                    if why:
                        job.render.append(fmt)
                        job.reasons.append(why)
            jobs.append(job)
    return jobs


def _exec_reasons(prev, inputs, state, fingerprints, reports_dir, force) -> list[str]:
    if force:
        return ["--force"]
    if not prev:
        return ["not built before"]
    if prev.get("status") != "ok":
        return ["the last build of it failed"]
    old = prev.get("inputs", {})
    reasons = []
    if old.get("notebook_sha256") != inputs["notebook_sha256"]:
        reasons.append("notebook changed")
    if old.get("parameters") != inputs["parameters"]:
        a, b = old.get("parameters", {}), inputs["parameters"]
        diff = [f"{k}: {a.get(k, '(default)')!r} → {b.get(k, '(default)')!r}"
                for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        reasons.append("parameters changed (" + "; ".join(diff) + ")")
    if old.get("kernel") != inputs["kernel"]:
        reasons.append("kernel changed")
    if old.get("egov_library_sha256") != inputs["egov_library_sha256"]:
        reasons.append("egov library changed")
    # data_dir is recorded, not compared: what counts is the data behind the reads (below)
    if old.get("data_untraced_sha256") != inputs["data_untraced_sha256"]:
        reasons.append("a data file outside the traced tables changed (raw files or origin records)")
    data = prev.get("data", {})
    if not reasons and data.get("tables_sha256") != state["tables"]:
        reads = data.get("reads", [])
        now = fingerprints(reads)
        if now != data.get("fingerprint"):
            old_each = data.get("read_fingerprints") or [None] * len(reads)
            changed = [r for r, f in zip(reads, old_each) if fingerprints([r]) != f] or reads
            reasons.append(f"data it reads changed ({_describe_reads(changed)})")
        else:
            # the same data behind its reads: remember the new state so the next check is quick
            # (written to the manifest by a build, not by a dry run)
            data["tables_sha256"] = state["tables"]
    ipynb = prev.get("outputs", {}).get("ipynb")
    if not reasons and not _output_ok(reports_dir, ipynb):
        reasons.append("executed notebook missing or modified")
    if prev.get("schema") != BUILD_SCHEMA:
        reasons.append("build schema changed")
    return reasons


def _output_ok(reports_dir: Path, out: dict | None) -> bool:
    if not out:
        return False
    path = reports_dir / out["path"]
    return path.is_file() and _sha256_file(path) == out["sha256"]


def _render_reason(prev, fmt, template, show_code, library, reports_dir) -> str | None:
    outs = prev.get("outputs", {})
    out = outs.get(fmt)
    if not out:
        return f"{fmt}: not built before"
    expected = _render_key(outs["ipynb"]["sha256"], fmt, template, show_code, library)
    if out.get("render_key") != expected:
        if out.get("template_sha256") != template:
            return f"{fmt}: template changed"
        if out.get("show_code") != show_code:
            return f"{fmt}: --show-code changed"
        return f"{fmt}: rendering inputs changed"
    if not _output_ok(reports_dir, out):
        return f"{fmt}: output missing or modified"
    return None


# --------------------------------------------------------------------------------------------
# files

def install_template() -> Path | None:
    """Make ``jupyter nbconvert --to html --template egov`` find the template.

    A wheel installs it as data files in ``<prefix>/share/jupyter/nbconvert/templates/egov``;
    an editable install (``pip install -e .``) does not install data files, so the first build
    links that folder to ``egov/templates/egov`` (edits then show at once). Returns the link
    made, or None (already there, or the prefix is read-only).
    """
    target = Path(sys.prefix) / "share" / "jupyter" / "nbconvert" / "templates" / "egov"
    if target.exists():
        return None
    try:
        if target.is_symlink():  # a dangling link (the checkout moved)
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(TEMPLATE_DIR, target_is_directory=True)
    except OSError:
        return None
    return target


def _move(src, dst) -> None:
    """Rename within one file system: atomic (readers see the old file or the new one)."""
    os.replace(src, dst)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename:
    readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        _move(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_manifest(reports_dir: Path) -> dict:
    path = reports_dir / MANIFEST
    if not path.is_file():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def write_manifest(reports_dir: Path, manifest: dict) -> None:
    text = json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    atomic_write(reports_dir / MANIFEST, text.encode("utf-8"))


def package_versions() -> dict[str, str]:
    import platform
    from importlib import metadata

    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


# --------------------------------------------------------------------------------------------
# index.html

_INDEX_CSS = """
body{margin:0;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
"Noto Sans","Helvetica Neue",Arial,sans-serif;color:#1f2328;line-height:1.6;background:#fff}
main{max-width:48rem;margin:0 auto;padding:2rem 1.25rem}
h1{font-size:1.7rem;border-bottom:3px solid #b4232a;padding-bottom:.4rem;margin:0 0 .5rem}
h2{font-size:1.25rem;margin:2rem 0 .5rem}
ol{padding-left:1.6rem}li{margin:.35rem 0}
a{color:#0b5cad}.fmt{font-size:.85rem;margin-left:.5rem}.fmt a{margin-right:.5rem}
.failed{color:#b4232a;font-size:.85rem;margin-left:.4rem}.missing{color:#57606a}
p.note{color:#57606a;font-size:.85rem}
"""

_LANG_NAMES = {"zh": ("中文报告", "Chinese"), "en": ("English reports", "英文")}


def _esc(text) -> str:
    import html

    return html.escape(str(text), quote=True)


def render_index(manifest: dict, order: list[str]) -> str:
    """A self-contained page linking every report, Chinese first."""
    entries = manifest.get("reports", {})
    rows = []
    for lang in LANGS:
        keys = [f"{lang}/{stem}" for stem in order if f"{lang}/{stem}" in entries]
        title, other = _LANG_NAMES[lang]
        rows.append(f'<section lang="{"zh-CN" if lang == "zh" else "en"}">'
                    f"<h2>{_esc(title)} <small>({_esc(other)})</small></h2>")
        full = manifest.get("full_reports", {}).get(lang)
        if full:
            label = "全文 PDF（各节从新页开始）" if lang == "zh" else "The whole report as one PDF (each section from a new page)"
            rows.append(f'<p class="full"><a href="{_esc(full["path"])}">{_esc(label)}</a></p>')
        if not keys:
            rows.append('<p class="missing">' + ("尚未生成。" if lang == "zh" else "Not built yet.") + "</p>")
        else:
            rows.append("<ol>")
            for key in keys:
                e = entries[key]
                outs = e.get("outputs", {})
                name = _esc(e.get("title") or key.split("/", 1)[1])
                if "html" in outs:
                    item = f'<a href="{_esc(outs["html"]["path"])}">{name}</a>'
                else:
                    item = f'<span class="missing">{name}</span>'
                links = [f'<a href="{_esc(outs[f]["path"])}">{"PDF" if f == "pdf" else "ipynb"}</a>'
                         for f in ("pdf", "ipynb") if f in outs]
                if links:
                    item += f' <span class="fmt">{"".join(links)}</span>'
                if e.get("status") == "failed":
                    msg = ("最近一次构建失败，显示的是上一次成功的版本" if lang == "zh"
                           else "the last build failed; this is the previous good report")
                    if not outs:
                        msg = "构建失败" if lang == "zh" else "build failed"
                    if e.get("failed_notebook"):
                        msg = f'{_esc(msg)} (<a href="{_esc(e["failed_notebook"])}">ipynb</a>)'
                    else:
                        msg = _esc(msg)
                    item += f' <span class="failed">{msg}</span>'

                rows.append(f"<li>{item}</li>")
            rows.append("</ol>")
        rows.append("</section>")
    body = "\n".join(rows)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>2020年中国互联网政务 · China's internet e-government in 2020</title>
<style>{_INDEX_CSS}</style>
</head>
<body>
<main>
<h1>2020年中国互联网政务<br><small>China's internet e-government in 2020</small></h1>
<p class="note">每节一份报告：网页、PDF 和执行后的笔记本。 One report per section: web page, PDF and executed notebook.</p>
{body}
<p class="note">manifest.json 记录每份报告的输入哈希、参数与软件版本。 manifest.json records each report's input hashes, parameters and package versions.</p>
</main>
</body>
</html>
"""


# --------------------------------------------------------------------------------------------
# the build

class Interrupted(BaseException):
    """SIGTERM (or SIGINT) during a build."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _Progress:
    """tqdm on a terminal; plain log lines otherwise (cron, CI, pipes)."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.done = total, 0
        self.bar = None
        self.tty = self.stream.isatty()

    def _bar(self):
        if self.bar is None and self.tty:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked after this
            self.bar = tqdm(total=self.total, unit="report", file=self.stream, dynamic_ncols=True,
                            desc="egov build")
        return self.bar

    def grow(self, n: int) -> None:
        self.total += n
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def log(self, msg: str) -> None:
        if self.bar is not None:
            self.bar.write(msg, file=self.stream)
        else:
            print(msg, file=self.stream, flush=True)

    def step(self, msg: str) -> None:
        self.done += 1
        bar = self._bar()
        if bar is not None:
            bar.set_postfix_str(msg.split(" in ")[0][:48])
            bar.update(1)
        else:
            self.log(f"egov build: [{self.done}/{self.total}] {msg}")

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class _signals_deferred:
    """Hold SIGINT/SIGTERM while a report is moved into place; they act right after."""

    _SIGS = {signal.SIGINT, signal.SIGTERM}

    def __enter__(self):
        signal.pthread_sigmask(signal.SIG_BLOCK, self._SIGS)

    def __exit__(self, *exc):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, self._SIGS)
        return False


def _lock(reports_dir: Path):
    import fcntl

    f = open(reports_dir / _LOCK, "a")  # never written: its time stays that of the first build
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"egov build: another build is writing to {_show(reports_dir)}; waiting for it",
              file=sys.stderr, flush=True)
        fcntl.flock(f, fcntl.LOCK_EX)
    return f


def _clean_stale(reports_dir: Path) -> None:
    for p in reports_dir.glob(_STAGING_PREFIX + "*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in reports_dir.rglob(".*.tmp"):
        p.unlink(missing_ok=True)


def run(args) -> int:
    reports_dir = Path(args.reports_dir).resolve()
    notebooks_dir = Path(args.notebooks).resolve()
    try:
        langs = _split_list(args.lang) or list(LANGS)
        bad = [x for x in langs if x not in LANGS]
        if bad:
            raise ParameterError(f"--lang {','.join(bad)}: languages are zh and en")
        langs = [x for x in LANGS if x in langs]  # Chinese first
        formats = _split_list(args.format) or list(FORMATS)
        bad = [x for x in formats if x not in FORMATS]
        if bad:
            raise ParameterError(f"--format {','.join(bad)}: formats are html and pdf")
        formats = [x for x in FORMATS if x in formats]
        if args.workers is not None and args.workers < 1:
            raise ParameterError("--workers must be at least 1")
        if args.timeout is not None and args.timeout < 1:
            raise ParameterError("--timeout must be at least 1 second")
        every = discover(notebooks_dir)
        notebooks = select(every, _split_list(args.only))
        if not notebooks:
            raise ParameterError(f"no notebooks in {_show(notebooks_dir)}")
        file_values = load_parameters_file(Path(args.parameters_file)) if args.parameters_file else {}
        params = resolve_parameters(notebooks, [tuple(p) for p in args.parameter or []], file_values)
    except ParameterError as err:
        print(f"egov build: error: {err}", file=sys.stderr)
        return 2

    def make_plan(manifest):
        jobs = plan(notebooks, langs, params, formats, manifest, reports_dir, force=args.force,
                    show_code=args.show_code, kernel=args.kernel)
        return jobs, [j for j in jobs if j.execute or j.render]

    if args.dry_run:
        jobs, todo = make_plan(read_manifest(reports_dir))
        for j in jobs:
            if j.execute:
                print(f"run     {j.key}: {'; '.join(j.reasons)}")
            elif j.render:
                print(f"render  {j.key} ({', '.join(j.render)}): {'; '.join(j.reasons)}")
            else:
                print(f"fresh   {j.key}")
        manifest = read_manifest(reports_dir)
        for lang in [x for x in LANGS if any(j.lang == x for j in jobs)]:
            if todo and "pdf" in formats:
                print(f"full    {lang}: {FULL_REPORT} made again if a section changes")
            elif _full_spec(lang, every, manifest, reports_dir, reports_dir, args, formats):
                print(f"full    {lang}: {FULL_REPORT} out of date")
        n_exec = sum(j.execute for j in jobs)
        print(f"egov build --dry-run: {n_exec} to execute, {len(todo) - n_exec} to render only, "
              f"{len(jobs) - len(todo)} up to date; nothing was written")
        return 0

    try:
        install_template()
        reports_dir.mkdir(parents=True, exist_ok=True)
        lock = _lock(reports_dir)
        try:
            _clean_stale(reports_dir)
            manifest = read_manifest(reports_dir)
            jobs, todo = make_plan(manifest)
            return _build(args, jobs, todo, every, manifest, reports_dir)
        finally:
            lock.close()
    except OSError as err:  # read-only or full filesystem, permissions: nothing was half-written
        where = _show(err.filename) if err.filename else _show(reports_dir)
        print(f"egov build: error: cannot write {where}: {err.strerror or err}; "
              "earlier reports are left as they were", file=sys.stderr)
        return 1


def _build(args, jobs, todo, every, manifest, reports_dir) -> int:
    started = time.monotonic()
    entries = manifest.setdefault("reports", {})
    # drop reports of notebooks that no longer exist (their files stay, unlinked)
    stems = {nb.stem for nb in every}
    for key in [k for k in entries if k.split("/", 1)[1] not in stems]:
        del entries[key]
    failures: list[str] = []
    built = 0
    fresh = len(jobs) - len(todo)
    progress = _Progress(len(todo))
    if not todo:
        progress.log(f"egov build: all {len(jobs)} reports up to date")
    staging = reports_dir / f"{_STAGING_PREFIX}{os.getpid()}"
    old_handlers = {}

    def on_signal(signum, frame):
        raise Interrupted(signum)

    for sig in (signal.SIGTERM, signal.SIGINT):
        old_handlers[sig] = signal.signal(sig, on_signal)
    formats = args_formats(args)

    def full_specs():
        return [s for lang in sorted({j.lang for j in jobs}, key=LANGS.index)
                if (s := _full_spec(lang, every, manifest, reports_dir, staging, args, formats))]

    try:
        first = [] if todo else full_specs()
        if todo or first:
            staging.mkdir()
            os.environ["EGOV_BUILD_WORKER_LOG"] = str(staging / "workers.log")
            versions = package_versions()
            specs = [_spec(j, args, reports_dir, staging, entries.get(j.key)) for j in todo] or first
            progress.total = len(specs)
            progress._bar()
            for result in _execute_all(specs, args.workers, progress,
                                       more=full_specs if todo else None):
                if result.get("kind") == "full":
                    with _signals_deferred():
                        msg = _publish_full(result, manifest, reports_dir)
                        write_manifest(reports_dir, manifest)
                else:
                    job = next(j for j in todo if j.key == result["key"])
                    with _signals_deferred():  # a report and its manifest entry move together
                        msg = _publish(job, result, entries, reports_dir, staging, versions, args)
                        write_manifest(reports_dir, manifest)
                if result["status"] == "ok":
                    built += result.get("kind") != "full"
                    progress.step(msg)
                else:
                    failures.append(msg)
                    progress.step(f"FAILED {result['key']}")
                    progress.log(f"egov build: error: {msg}")
        order = [nb.stem for nb in every]
        index = render_index(manifest, order).encode("utf-8")
        if not (reports_dir / INDEX).is_file() or (reports_dir / INDEX).read_bytes() != index:
            atomic_write(reports_dir / INDEX, index)
        if not (reports_dir / MANIFEST).is_file() or (reports_dir / MANIFEST).read_bytes() != \
                (json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode():
            write_manifest(reports_dir, manifest)
    except (Interrupted, KeyboardInterrupt) as err:
        progress.close()
        signum = err.signum if isinstance(err, Interrupted) else signal.SIGINT
        print(f"\negov build: interrupted by {signal.Signals(signum).name}; finished reports are "
              "in place, nothing half-written was left", file=sys.stderr)
        return 128 + signum
    finally:
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
        shutil.rmtree(staging, ignore_errors=True)
        progress.close()
    summary = (f"egov build: {built} built, {fresh} up to date, {len(failures)} failed "
               f"in {time.monotonic() - started:.1f} s → {_show(reports_dir / INDEX)}")
    print(summary, file=sys.stderr if failures else sys.stdout)
    if failures:
        print("egov build: failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


def args_formats(args) -> list[str]:
    return [x for x in FORMATS if x in (_split_list(args.format) or FORMATS)]


def _full_spec(lang, every, manifest, reports_dir, staging, args, formats) -> dict | None:
    """The full report of a language (every section, each on a new page), when it is asked
    for (PDF format) and out of date; None otherwise."""
    if "pdf" not in formats:
        return None
    entries = manifest.get("reports", {})
    sections = []
    for nb in every:
        ipynb = entries.get(f"{lang}/{nb.stem}", {}).get("outputs", {}).get("ipynb")
        if not ipynb or not (reports_dir / ipynb["path"]).is_file():
            return None  # a section has no report yet: no full report
        sections.append((nb.stem, ipynb))
    key = _hash_obj({"schema": BUILD_SCHEMA, "sections": [(s, o["sha256"]) for s, o in sections],
                     "template": template_hash(), "show_code": args.show_code,
                     "egov_library": library_hash()})
    prev = manifest.get("full_reports", {}).get(lang)
    if prev and prev.get("key") == key and _output_ok(reports_dir, prev):
        return None
    return {"kind": "full", "key": f"full/{lang}", "lang": lang, "cache_key": key,
            "sections": [(s, str(reports_dir / o["path"])) for s, o in sections],
            "show_code": args.show_code, "staging": str(staging), "filename": FULL_REPORT}


def _publish_full(result: dict, manifest: dict, reports_dir: Path) -> str:
    lang = result["lang"]
    if result["status"] != "ok":
        return result["error"]
    staged = Path(result["outputs"]["pdf"])
    target = reports_dir / lang / FULL_REPORT
    sha = _sha256_file(staged)
    _move(staged, target)
    manifest.setdefault("full_reports", {})[lang] = {
        "path": target.relative_to(reports_dir).as_posix(), "sha256": sha,
        "key": result["cache_key"], "sections": result["sections"]}
    return f"made the full {lang} report ({FULL_REPORT}) in {result.get('seconds', 0):.1f} s"


def _spec(job: Job, args, reports_dir: Path, staging: Path, prev: dict | None) -> dict:
    return {
        "key": job.key,
        "notebook": str(job.notebook),
        "notebook_label": _show(job.notebook),
        "notebook_record": _label(job.notebook),
        "lang": job.lang,
        "parameters": job.parameters,
        "execute": job.execute,
        "formats": job.render,
        "executed": None if job.execute else str(reports_dir / prev["outputs"]["ipynb"]["path"]),
        "kernel": args.kernel,
        "timeout": args.timeout,
        "show_code": args.show_code,
        "data_dir": str(data_dir()),
        "staging": str(staging),
        "output_path": job.key + ".ipynb",
        "tables_sha256": job.data_tables,
        "source_date_epoch": SOURCE_DATE_EPOCH,
    }


def _execute_all(specs: list[dict], workers: int | None, progress: _Progress, more=None):
    """Run the specs in worker processes; yield results as they finish. When they are all
    done (and published by the caller), ``more()`` may return specs of a second round."""
    import concurrent.futures as cf
    import multiprocessing as mp

    from egov import _runner

    n = max(1, min(workers or os.cpu_count() or 2, max(len(specs), 2)))
    pool = None
    try:
        while specs:
            if pool is None:
                pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork"),
                                              initializer=_runner.init_worker)
            # executions first (longest), render-only jobs after
            specs = sorted(specs, key=lambda s: not s.get("execute"))
            futures = {pool.submit(_runner.run_full if s.get("kind") == "full" else _runner.run_job, s): s
                       for s in specs}
            for fut in cf.as_completed(futures):
                spec = futures[fut]
                try:
                    yield fut.result()
                except Exception as err:  # a worker died (killed, out of memory)
                    why = ("the worker process running it died (killed by a signal or out of memory); "
                           "its previous report is kept, build again to retry"
                           if isinstance(err, cf.process.BrokenProcessPool)
                           else f"the worker process failed: {type(err).__name__}: {err}")
                    yield {"key": spec["key"], "kind": spec.get("kind"), "lang": spec["lang"],
                           "status": "failed", "error": f"{spec.get('notebook_label', spec['key'])} [{spec['lang']}]: {why}"}
            specs = more() if more else []
            more = None
            progress.grow(len(specs))
    except BaseException:
        if pool is not None:
            _stop_pool(pool)
        raise
    else:
        if pool is not None:
            pool.shutdown(wait=True)


def _stop_pool(pool) -> None:
    procs = list(getattr(pool, "_processes", {}).values())
    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + 5
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _publish(job: Job, result: dict, entries: dict, reports_dir: Path, staging: Path,
             versions: dict, args) -> str:
    """Move a finished report into place and record it; return a log line."""
    key = job.key
    prev = entries.get(key)
    failed_path = reports_dir / job.lang / "failed" / f"{job.notebook.stem}.ipynb"
    if result["status"] != "ok":
        if result.get("failed_notebook"):
            failed_path.parent.mkdir(parents=True, exist_ok=True)
            _move(result["failed_notebook"], failed_path)
        # the previous good report stays on disk and in the manifest (under its own inputs)
        entry = dict(prev) if prev else {}
        if prev and prev.get("status") == "ok":
            entry["last_good"] = {k: prev[k] for k in ("inputs", "data", "packages") if k in prev}
        entry.update({
            "notebook": _label(job.notebook), "lang": job.lang, "status": "failed",
            "error": result["error"], "schema": BUILD_SCHEMA,
            "failed_inputs": job.inputs, "packages": versions,
        })
        entry["failed_notebook"] = failed_path.relative_to(reports_dir).as_posix() \
            if result.get("failed_notebook") else None
        entries[key] = entry
        msg = result["error"]
        if result.get("failed_notebook"):
            msg += f"\n    executed copy with the error: {_show(failed_path)}"
        if prev and prev.get("outputs"):
            msg += "\n    the previous good report is kept"
        return msg
    outputs = dict(prev.get("outputs", {})) if (prev and not job.execute) else {}
    entry = dict(prev) if (prev and not job.execute) else {}
    if job.execute and prev:
        # formats not made this time would no longer match the executed notebook
        for fmt, out in prev.get("outputs", {}).items():
            if fmt not in result["outputs"]:
                (reports_dir / out["path"]).unlink(missing_ok=True)
    template = template_hash()
    library = job.inputs["egov_library_sha256"]
    for fmt, staged in result["outputs"].items():
        ext = "ipynb" if fmt == "ipynb" else fmt
        target = reports_dir / job.lang / f"{job.notebook.stem}.{ext}"
        target.parent.mkdir(parents=True, exist_ok=True)
        sha = _sha256_file(Path(staged))
        _move(staged, target)
        outputs[fmt] = {"path": target.relative_to(reports_dir).as_posix(), "sha256": sha}
    ipynb_sha = outputs["ipynb"]["sha256"]
    for fmt in result["outputs"]:
        if fmt != "ipynb":
            outputs[fmt].update({"template_sha256": template, "show_code": args.show_code,
                                 "render_key": _render_key(ipynb_sha, fmt, template, args.show_code, library)})
    if job.execute:
        entry = {
            "notebook": _label(job.notebook),
            "lang": job.lang,
            "inputs": job.inputs,
            "data": {"reads": result["reads"], "fingerprint": result["fingerprint"],
                     "read_fingerprints": result["read_fingerprints"],
                     "tables_sha256": result["tables_sha256"]},
            "exec_key": _exec_key({**job.inputs, "data": result["fingerprint"]}),
        }
    entry.update({"status": "ok", "schema": BUILD_SCHEMA, "outputs": outputs,
                  "title": result.get("title") or entry.get("title") or job.notebook.stem,
                  "packages": versions if job.execute else entry.get("packages", versions)})
    for k in ("error", "failed_notebook", "failed_inputs", "last_good"):
        entry.pop(k, None)
    entries[key] = entry
    failed_path.unlink(missing_ok=True)
    what = "executed" if job.execute else "rendered"
    made = ", ".join(f for f in ("html", "pdf") if f in result["outputs"]) or "ipynb"
    return f"{what} {key} ({made}) in {result.get('seconds', 0):.1f} s"


# --------------------------------------------------------------------------------------------
# command line

def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``egov build``."""
    p = subparsers.add_parser(
        "build", help="execute the section notebooks and write HTML/PDF reports (cached, parallel)",
        description="Execute the section notebooks with papermill for each language and write "
                    "reports/<lang>/<section>.{ipynb,html,pdf}, reports/<lang>/full_report.pdf (every "
                    "section, each from a new page), reports/index.html and "
                    "reports/manifest.json. Only reports whose notebook, parameters, data read or "
                    "egov library changed are executed again. Exit codes: 0 every requested "
                    "report was produced; 1 a notebook failed; 2 bad options or parameters.")
    p.add_argument("--lang", action="append", metavar="LANGS",
                   help="languages, comma-separated: zh,en (default: both)")
    p.add_argument("--only", nargs="+", action="extend", metavar="SECTION",
                   help="build only these sections (file name, name without number, or number)")
    p.add_argument("--format", action="append", metavar="FORMATS",
                   help="output formats, comma-separated: html,pdf (default: both; the executed "
                        "notebook is always written)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="pass a parameter to the notebooks that declare it; the value is converted "
                        "to the type of the notebook's default (a string stays a string)")
    p.add_argument("--parameters-file", "-f", metavar="FILE.yaml",
                   help="YAML mapping of parameter names to values (-p overrides it)")
    p.add_argument("--workers", "-j", type=int, metavar="N",
                   help="notebooks executed at once (default: the number of CPUs)")
    p.add_argument("--force", action="store_true", help="execute every report, ignoring the cache")
    p.add_argument("--dry-run", "-n", action="store_true",
                   help="print what would run and why; write nothing")
    p.add_argument("--timeout", type=int, metavar="SECONDS",
                   help="fail a notebook when one cell runs longer than this (default: no limit)")
    p.add_argument("--show-code", action="store_true", help="show code inputs in HTML and PDF")
    p.add_argument("--kernel", metavar="NAME", help="Jupyter kernel (default: the notebook's kernelspec)")
    p.add_argument("--reports-dir", "--output", "-o", default=str(DEFAULT_REPORTS), metavar="DIR",
                   help="where reports go (default: reports/ in the project)")
    p.add_argument("--notebooks", default=str(DEFAULT_NOTEBOOKS), metavar="DIR",
                   help="folder of the section notebooks (default: notebooks/ in the project)")
    p.set_defaults(func=run)
    return p
