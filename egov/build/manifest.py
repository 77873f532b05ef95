"""``reports/manifest.json``: what each report was made from, and where its files are.

Per report (``reports["zh/04_websites"]``, an :class:`Entry`): the notebook, its inputs (the
notebook's hash, parameters, kernel, the egov library's hash, the data folder), what it read
(the data-read trace and the fingerprint of exactly that data), its outputs with their hashes,
the package versions and its status. Per language, the full report (:class:`FullEntry`). The
file holds no time, so two builds of the same inputs write the same bytes.

A report may be **stale**: made from older inputs than its neighbours (a PDF kept from an
earlier run when only HTML was asked for, a section not rebuilt by an ``--only`` build after the
data changed, a full report whose sections changed since). ``stale`` says what and why, and the
index shows it.

This module is the one place that reads the manifest (:meth:`Manifest.read`) and that makes
entries (:func:`executed`, :func:`rendered`, :func:`failed`). The file is read as untrusted: a
manifest of the wrong shape is ignored as a whole (every report is made again, and the build
says so once); a path in it that is not a report file inside the reports folder is ignored
with a warning (:func:`egov.build.layout.in_reports`).
"""

from __future__ import annotations

import functools
import json
import sys
import types
import typing
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path

from egov.build.layout import BUILD_SCHEMA, MANIFEST, in_reports, show

#: Packages whose versions the manifest records.
PACKAGES = ("egov", "papermill", "nbconvert", "nbclient", "nbformat", "ipykernel", "jupyter_client",
            "pandas", "numpy", "matplotlib", "weasyprint", "pydyf")


@dataclass
class Output:
    """One file of a report, relative to the reports folder. Rendered formats (HTML, PDF) also
    record what they were rendered with; ``render_key`` hashes all of it."""

    path: str
    sha256: str
    template_sha256: str | None = None
    show_code: bool | None = None
    render_key: str | None = None
    made_from: str | None = None  # the SHA-256 of the executed notebook it was rendered from


@dataclass
class Entry:
    """One report (a notebook in one language)."""

    notebook: str
    lang: str
    status: str = "ok"  # or "failed"
    schema: int = BUILD_SCHEMA
    title: str | None = None
    inputs: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # reads, fingerprint, read_fingerprints, tables_sha256
    exec_key: str | None = None
    outputs: dict[str, Output] = field(default_factory=dict)
    packages: dict = field(default_factory=dict)
    # when the last build of it failed (the previous good report's files stay in place)
    error: str | None = None
    failed_inputs: dict | None = None
    failed_notebook: str | None = None
    last_good: dict | None = None
    # what of it is older than its neighbours, and why: {"report" | "html" | "pdf": reason}
    stale: dict[str, str] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class FullEntry:
    """The full report of a language."""

    path: str
    sha256: str
    key: str
    sections: list[str]
    made_from: dict[str, str] | None = None  # section → SHA-256 of the executed notebook it holds
    stale: str | None = None  # why it is older than the sections in place


@dataclass
class DataExport:
    """The one-file dataset beside the reports (``egov export``'s files in ``data/``)."""

    key: str  # what it was made from (the data folder's files, the library)
    files: dict[str, str]  # path relative to the reports folder → SHA-256


@dataclass
class Manifest:
    reports: dict[str, Entry] = field(default_factory=dict)
    full_reports: dict[str, FullEntry] = field(default_factory=dict)
    index_key: str | None = None  # what index.html was made from besides the reports
    export: DataExport | None = None

    @classmethod
    def read(cls, reports_dir: Path, warn=None) -> "Manifest":
        """The manifest in ``reports_dir``; empty when there is none. One that cannot be read
        (not a regular file, not UTF-8, not JSON, the wrong shape) is taken as absent, and
        ``warn`` (a function of one line; default: standard error) is told once; so is each
        path in it that is ignored."""
        from egov.errors import DataError
        from egov.source import read_file

        warn = warn or (lambda line: print(line, file=sys.stderr, flush=True))
        path = reports_dir / MANIFEST
        if not path.exists() and not path.is_symlink():
            return cls()
        try:
            manifest = cls.from_json(json.loads(read_file(path, MAX_BYTES, "manifest").decode("utf-8")))
        except DataError as err:
            why = err.reason
        except UnicodeDecodeError as err:
            why = f"not UTF-8 (byte {err.start})"
        except ShapeError as err:
            why = str(err)
        except (ValueError, RecursionError) as err:
            why = f"not JSON: {err}"
        else:
            manifest._drop_foreign_paths(reports_dir, warn)
            return manifest
        warn(f"egov build: warning: {show(path)} is not a manifest egov can read ({why}); "
             "it is ignored, and every report is made again")
        return cls()

    @classmethod
    def from_json(cls, raw) -> "Manifest":
        """The manifest a JSON value holds; :class:`ShapeError` names the first value of the
        wrong type."""
        _check(raw, dict, "the manifest")
        out = cls()
        out.reports = _check(raw.get("reports", {}), dict[str, Entry], "reports")
        out.full_reports = _check(raw.get("full_reports", {}), dict[str, FullEntry], "full_reports")
        index = _check(raw.get("index", {}), dict[str, str], "index")
        out.index_key = index.get("key")
        out.export = _check(raw.get("export"), DataExport | None, "export")
        for key, e in out.reports.items():
            where = f"reports[{key!r}]"
            if e.status not in ("ok", "failed"):
                raise ShapeError(f"{where}.status", f"is {e.status!r}; expected \"ok\" or \"failed\"")
            _check(e.inputs.get("parameters", {}), dict, f"{where}.inputs.parameters")
            _check(e.data.get("reads"), list[dict[str, str | list[str] | None]] | None, f"{where}.data.reads")
            _check(e.data.get("read_fingerprints"), list[str | None] | None, f"{where}.data.read_fingerprints")
            if not all(isinstance(r.get("table"), str) for r in e.data.get("reads") or []):
                raise ShapeError(f"{where}.data.reads", "holds a read without a table")
        return out

    def _drop_foreign_paths(self, reports_dir: Path, warn) -> None:
        """Forget every path that is not a report file inside the reports folder: nothing is
        read, linked or deleted through it (its report is made again)."""
        def bad(path, what: str) -> bool:
            if path is None or in_reports(reports_dir, path) is not None:
                return False
            warn(f"egov build: warning: {show(reports_dir / MANIFEST)}: {what} names {path!r}, which "
                 f"is not a report file inside {show(reports_dir)}; the path is ignored")
            return True

        for key, e in self.reports.items():
            e.outputs = {f: o for f, o in e.outputs.items() if not bad(o.path, f"{key} ({f})")}
            if bad(e.failed_notebook, f"{key} (failed copy)"):
                e.failed_notebook = None
        self.full_reports = {lang: f for lang, f in self.full_reports.items()
                             if not bad(f.path, f"the full {lang} report")}
        if self.export and any([bad(path, "the one-file dataset") for path in self.export.files]):
            self.export = None

    def to_json(self) -> dict:
        reports = {}
        for key, e in self.reports.items():
            d = asdict(e)
            for name in ("error", "failed_inputs", "last_good", "exec_key", "title", "stale"):
                if d[name] is None:
                    del d[name]
            if e.ok:
                d.pop("failed_notebook")
            d["outputs"] = {f: {k: v for k, v in asdict(o).items() if v is not None}
                            for f, o in e.outputs.items()}
            reports[key] = d
        out = {"reports": reports}
        if self.full_reports:
            out["full_reports"] = {lang: {k: v for k, v in asdict(f).items() if v is not None}
                                   for lang, f in self.full_reports.items()}
        if self.index_key:
            out["index"] = {"key": self.index_key}
        if self.export:
            out["export"] = asdict(self.export)
        return out

    def to_bytes(self) -> bytes:
        return (json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


#: A manifest larger than this is not one a build wrote.
MAX_BYTES = 64 * 1024 * 1024


class ShapeError(ValueError):
    """A manifest value of the wrong type, or missing: ``where`` names it."""

    def __init__(self, where: str, what: str):
        super().__init__(f"{where} {what}")
        self.where = where


#: A record's field types, evaluated once per class (the annotations are strings here).
_hints = functools.cache(typing.get_type_hints)


def _check(value, hint, where: str):
    """``value`` as the type ``hint`` says (a dataclass is made from its JSON object, unknown
    keys ignored); raises :class:`ShapeError` naming ``where`` when it does not fit."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in args:
            try:
                return _check(value, option, where)
            except ShapeError as err:
                errors.append(err)
        deeper = [e for e in errors if e.where != where]  # the option of the right kind, wrong inside
        if deeper:
            raise deeper[0]
    elif hint is type(None):
        if value is None:
            return None
    elif origin is list:
        if isinstance(value, list):
            return [_check(v, args[0], f"{where}[{n}]") for n, v in enumerate(value)]
    elif origin is dict:
        if isinstance(value, dict):
            return {_check(k, args[0], where): _check(v, args[1], f"{where}[{k!r}]") for k, v in value.items()}
    elif is_dataclass(hint):
        if isinstance(value, dict):
            hints = _hints(hint)
            missing = [f.name for f in fields(hint) if f.name not in value
                       and f.default is MISSING and f.default_factory is MISSING]
            if missing:
                raise ShapeError(where, f"has no {missing[0]!r}")
            return hint(**{k: _check(v, hints[k], f"{where}.{k}") for k, v in value.items() if k in hints})
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, hint):
        return value
    raise ShapeError(where, f"is {_json_type(value)}; expected {_json_name(hint)}")


def _json_type(value) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _json_name(hint) -> str:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_json_name(a) for a in typing.get_args(hint))
    if hint is type(None):
        return "null"
    if origin is list or hint is list:
        return "a list"
    if origin is dict or hint is dict or is_dataclass(hint):
        return "an object"
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}.get(hint, str(hint))


# --------------------------------------------------------------------------------------------
# entries, made here only

def executed(notebook: str, lang: str, inputs: dict, data: dict, exec_key: str,
             outputs: dict[str, Output], title: str | None, packages: dict) -> Entry:
    """A report executed by this build."""
    return Entry(notebook=notebook, lang=lang, inputs=inputs, data=data, exec_key=exec_key,
                 outputs=outputs, title=title, packages=packages)


def rendered(prev: Entry, outputs: dict[str, Output], title: str | None) -> Entry:
    """A report rendered again (HTML, PDF) from the executed notebook it already had."""
    return Entry(**{**vars(prev), "outputs": {**prev.outputs, **outputs}, "title": title or prev.title,
                    "status": "ok", "schema": BUILD_SCHEMA, "error": None, "failed_inputs": None,
                    "failed_notebook": None, "last_good": None})


def failed(prev: Entry | None, notebook: str, lang: str, error: str, inputs: dict,
           failed_notebook: str | None, packages: dict) -> Entry:
    """A report whose build failed: the previous good report stays, under its own inputs."""
    base = vars(prev) if prev else {"notebook": notebook, "lang": lang}
    last_good = prev.last_good if prev else None
    if prev and prev.ok:
        last_good = {k: v for k, v in (("inputs", prev.inputs), ("data", prev.data),
                                       ("packages", prev.packages)) if v}
    return Entry(**{**base, "notebook": notebook, "lang": lang, "status": "failed",
                    "schema": BUILD_SCHEMA, "error": error, "failed_inputs": inputs,
                    "failed_notebook": failed_notebook, "last_good": last_good, "packages": packages})


def package_versions() -> dict[str, str | None]:
    import platform
    from importlib import metadata

    out: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out
