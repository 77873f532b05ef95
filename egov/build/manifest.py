"""``reports/manifest.json``: what each report was made from, and where its files are.

Per report (``reports["zh/04_websites"]``, an :class:`Entry`): the notebook, its inputs (the
notebook's hash, parameters, kernel, the egov library's hash, the data folder), what it read
(the data-read trace and the fingerprint of exactly that data), its outputs with their hashes,
the package versions and its status. Per language, the full report (:class:`FullEntry`). The
file holds no time, so two builds of the same inputs write the same bytes.

This module is the one place that reads the manifest (:meth:`Manifest.read`) and that makes
entries (:func:`executed`, :func:`rendered`, :func:`failed`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from egov.build.layout import BUILD_SCHEMA, MANIFEST

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


@dataclass
class Manifest:
    reports: dict[str, Entry] = field(default_factory=dict)
    full_reports: dict[str, FullEntry] = field(default_factory=dict)
    index_key: str | None = None  # what index.html was made from besides the reports

    @classmethod
    def read(cls, reports_dir: Path) -> "Manifest":
        """The manifest in ``reports_dir``; empty when there is none or it cannot be read (every
        report is then built again)."""
        path = reports_dir / MANIFEST
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        return cls.from_json(raw) if isinstance(raw, dict) else cls()

    @classmethod
    def from_json(cls, raw: dict) -> "Manifest":
        out = cls()
        for key, e in _mapping(raw.get("reports")).items():
            entry = _record(Entry, e)
            if entry is not None:
                entry.outputs = {f: o for f, o in ((f, _record(Output, o))
                                                   for f, o in _mapping(entry.outputs).items()) if o}
                out.reports[key] = entry
        for lang, e in _mapping(raw.get("full_reports")).items():
            full = _record(FullEntry, e)
            if full is not None:
                out.full_reports[lang] = full
        index = raw.get("index")
        out.index_key = index.get("key") if isinstance(index, dict) else None
        return out

    def to_json(self) -> dict:
        reports = {}
        for key, e in self.reports.items():
            d = asdict(e)
            for name in ("error", "failed_inputs", "last_good", "exec_key", "title"):
                if d[name] is None:
                    del d[name]
            if e.ok:
                d.pop("failed_notebook")
            d["outputs"] = {f: {k: v for k, v in asdict(o).items() if v is not None}
                            for f, o in e.outputs.items()}
            reports[key] = d
        out = {"reports": reports}
        if self.full_reports:
            out["full_reports"] = {lang: asdict(f) for lang, f in self.full_reports.items()}
        if self.index_key:
            out["index"] = {"key": self.index_key}
        return out

    def to_bytes(self) -> bytes:
        return (json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode()


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _record(kind, raw):
    """A dataclass from a JSON object (unknown keys ignored), or None if it does not fit."""
    if not isinstance(raw, dict):
        return None
    names = {f.name for f in fields(kind)}
    try:
        return kind(**{k: v for k, v in raw.items() if k in names})
    except TypeError:
        return None


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
