"""What crosses the process pool: a task for a worker, and what it sends back.

Four kinds of task, each a frozen dataclass (pickled to the worker):

* :class:`ReportTask`: execute a notebook (when asked) and render its HTML page;
* :class:`PdfTask`: lay out a rendered page as PDF (runs beside the executions);
* :class:`FullTask`: every section of a language in one PDF;
* :class:`ExportTask`: the one-file dataset beside the reports (``egov export``).

Each comes back as a :class:`Result`: staged files (moved into place by
:mod:`egov.build.publish`), what the notebook read, the error if any, and the seconds each
stage took.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReportTask:
    """One notebook in one language."""

    key: str  # "<lang>/<stem>"
    notebook: str  # absolute path
    label: str  # how messages name it: "notebooks/04_websites.ipynb"
    record: str  # how the executed notebook records it (the same in every checkout)
    lang: str
    parameters: dict
    execute: bool  # False: render again from `executed`
    executed: str | None  # the executed notebook already in place (render-only)
    formats: tuple[str, ...]  # of "html", "pdf": the page is rendered for either
    kernel: str | None
    timeout: int | None
    show_code: bool
    kernel_env: dict  # EGOV_DATA_DIR, SOURCE_DATE_EPOCH, PYTHONHASHSEED, ...
    data_dir: str
    staging: str

    @property
    def stem(self) -> str:
        return self.key.split("/", 1)[1]


@dataclass(frozen=True)
class PdfTask:
    """The PDF of a rendered page."""

    key: str
    lang: str
    label: str
    page: str  # staged HTML
    base_url: str
    staging: str


@dataclass(frozen=True)
class FullTask:
    """The full report of a language: a cover, a table of contents, every section."""

    key: str  # "full/<lang>"
    lang: str
    cache_key: str
    sections: tuple[tuple[str, str | None, str | None], ...]  # (stem, executed notebook, its page)
    show_code: bool
    staging: str
    made_from: tuple[tuple[str, str], ...] = ()  # (stem, SHA-256 of its executed notebook)


@dataclass(frozen=True)
class ExportTask:
    """``egov export`` of the data folder into ``out`` (it replaces only its own files)."""

    key: str  # "data"
    out: str
    data_dir: str
    cache_key: str  # what it is made from (recorded in the manifest)


@dataclass
class Result:
    """What a worker sends back. ``outputs`` maps a format (``ipynb``, ``html``, ``pdf``) to a
    staged file; ``page`` is the staged HTML a PDF is made from (also when HTML is not asked)."""

    key: str
    status: str = "ok"  # or "failed"
    outputs: dict[str, str] = field(default_factory=dict)
    page: str | None = None
    title: str | None = None
    error: str | None = None
    failed_notebook: str | None = None  # staged executed copy with papermill's banner
    reads: list[dict] | None = None  # the data the notebook read (egov.data's trace)
    fingerprint: str | None = None
    read_fingerprints: list[str] | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # stage → seconds
    written: dict[str, str] | None = None  # an export's files: path → SHA-256

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def fail(self, error: str) -> "Result":
        self.status, self.error = "failed", error
        return self
