"""What a build runs and why: for each notebook and language, execute, only render, or nothing.

A report is executed again when its notebook, its parameters, its kernel, the egov library or
*the data it read* changed (the stored reads are fingerprinted again on the current data, only
when a data file changed at all); it is only rendered again (HTML, PDF) when the template or
``--show-code`` changed or an output is missing. Planning reads the manifest and the files; it
changes neither (what a build should remember is in the :class:`Job`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from egov.build import hashing
from egov.build.layout import BUILD_SCHEMA, in_reports, record_name, section_stems, show
from egov.build.manifest import Entry, Manifest, Output
from egov.build.records import FullTask


@dataclass(frozen=True)
class Job:
    """One report: a notebook in one language, and what to do about it."""

    key: str  # "<lang>/<stem>"
    notebook: Path
    lang: str
    parameters: dict
    inputs: dict  # what the report is made from (recorded in the manifest)
    execute: bool
    render: tuple[str, ...]  # formats to render: all of them when executing
    reasons: tuple[str, ...]
    data_tables: str  # hash of the traced tables now
    data_rechecked: bool = False  # the tables changed but not the data behind its reads

    @property
    def todo(self) -> bool:
        return self.execute or bool(self.render)


def exec_key(inputs: dict) -> str:
    return hashing.hash_obj({"schema": BUILD_SCHEMA, **inputs})


def render_key(ipynb_sha: str, fmt: str, template: str, show_code: bool, library: str,
               sections: tuple[str, ...]) -> str:
    """What a report page is rendered from: ``sections`` are the report's sections it links to
    (:func:`egov.build.layout.section_stems`), so adding or removing a notebook renders its
    neighbours' pages again."""
    return hashing.hash_obj({"schema": BUILD_SCHEMA, "ipynb": ipynb_sha, "format": fmt, "template": template,
                             "show_code": show_code, "egov_library": library, "sections": list(sections)})


def after_sections(notebook: Path) -> bool:
    """Whether a notebook shows the other notebooks' charts (the overview's grid), as its metadata
    says (``"egov": {"after_sections": true}``): it executes after them, and takes the charts
    they drew from the build's shared ones (:mod:`egov.chartcache`) instead of drawing them again.
    Only the order changes: what it shows is the same either way."""
    from egov.build.parameters import NotebookError, read_notebook

    try:
        meta = read_notebook(notebook).get("metadata", {}).get("egov")
    except NotebookError:
        return False
    return isinstance(meta, dict) and meta.get("after_sections") is True


def plan(notebooks: list[Path], langs: list[str], params: dict[Path, dict], formats: list[str],
         manifest: Manifest, reports_dir: Path, now: Now, *, force: bool, show_code: bool,
         kernel: str | None) -> list[Job]:
    """Decide, for each notebook and language, whether to execute, only render, or skip."""
    jobs = []
    stems = _sections_of(notebooks)
    for lang in langs:
        for nb in notebooks:
            key = f"{lang}/{nb.stem}"
            inputs = now.inputs(nb, lang, params[nb], kernel)
            prev = manifest.reports.get(key)
            reasons, rechecked = _exec_reasons(prev, inputs, now.state, now.fingerprints, reports_dir, force)
            execute, render = bool(reasons), tuple(formats)
            if not execute:
                why = {f: _render_reason(prev, f, now.template, show_code, now.library, stems[nb.parent],
                                         reports_dir) for f in formats}
                render = tuple(f for f in formats if why[f])
                reasons = [why[f] for f in render]
            jobs.append(Job(key, nb, lang, inputs["parameters"], inputs, execute, render,
                            tuple(reasons), now.state["tables"], rechecked))
    return jobs


def out_of_date(manifest: Manifest, reports: list[tuple[Path, str]], reports_dir: Path,
                now: Now) -> dict[str, list[str]]:
    """Why each of these reports (notebook, language) that a build did not plan would be
    executed again, with the parameters and kernel it was made with: what the index marks as
    made from older inputs than its neighbours. Failed reports are left out (they say so)."""
    out = {}
    for nb, lang in reports:
        key = f"{lang}/{nb.stem}"
        prev = manifest.reports.get(key)
        if prev is None or not prev.ok:
            continue
        params = {k: v for k, v in (prev.inputs.get("parameters") or {}).items() if k != "lang"}
        inputs = now.inputs(nb, lang, params, prev.inputs.get("kernel"))
        reasons, _ = _exec_reasons(prev, inputs, now.state, now.fingerprints, reports_dir, False)
        if reasons:
            out[key] = reasons
    return out


class Now:
    """The state of the inputs now: the data folder's hashes, the library's and template's,
    computed once per build and shared by everything it plans."""

    def __init__(self, data_dir: Path):
        self.directory = Path(data_dir)
        self.state = hashing.data_state(self.directory)
        self.library, self.template = hashing.library_hash(), hashing.template_hash()
        self.fingerprints = _Fingerprints(self.directory)

    def inputs(self, nb: Path, lang: str, params: dict, kernel: str | None) -> dict:
        """What a report of ``nb`` in ``lang`` is made from (recorded in the manifest)."""
        return {
            "notebook": record_name(nb),
            "notebook_sha256": hashing.sha256_file(nb),
            "parameters": {"lang": lang, **params},
            "kernel": kernel,
            "egov_library_sha256": self.library,
            "data_dir": show(self.directory),
            "data_untraced_sha256": self.state["untraced"],
        }

    def export_key(self) -> str:
        """What the one-file dataset is made from: every file of the data folder, and the library."""
        return hashing.hash_obj({"data": self.state, "egov_library": self.library})


def _exec_reasons(prev: Entry | None, inputs, state, fingerprints, reports_dir, force) -> tuple[list[str], bool]:
    """Why the report must be executed again (none: it need not), and whether its data was
    found unchanged behind changed tables."""
    if force:
        return ["--force"], False
    if not prev:
        return ["not built before"], False
    if not prev.ok:
        return ["the last build of it failed"], False
    old = prev.inputs
    reasons = []
    if old.get("notebook_sha256") != inputs["notebook_sha256"]:
        reasons.append("notebook changed")
    if old.get("parameters") != inputs["parameters"]:
        a, b = old.get("parameters") or {}, inputs["parameters"]
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
    rechecked = False
    data = prev.data
    if not reasons and data.get("tables_sha256") != state["tables"]:
        reads = data.get("reads") or []
        if fingerprints(reads) != data.get("fingerprint"):
            old_each = data.get("read_fingerprints") or [None] * len(reads)
            changed = [r for r, f in zip(reads, old_each) if fingerprints([r]) != f] or reads
            reasons.append(f"data it reads changed ({_describe_reads(changed)})")
        else:
            rechecked = True  # the build records the new tables hash: the next check is quick
    if not reasons and not output_ok(reports_dir, prev.outputs.get("ipynb")):
        reasons.append("executed notebook missing or modified")
    elif not reasons and "csv" in prev.outputs and not output_ok(reports_dir, prev.outputs["csv"]):
        reasons.append("its charts' CSV missing or modified")
    if prev.schema != BUILD_SCHEMA:
        reasons.append("build schema changed")
    return reasons, rechecked and not reasons


def export_due(manifest: Manifest, reports_dir: Path, now: Now) -> str | None:
    """Why the one-file dataset must be written again (None: it is up to date)."""
    made = manifest.export
    if not made:
        return "not made before"
    if made.key != now.export_key():
        return "the data or the egov library changed"
    if not all(output_ok(reports_dir, Output(path, sha)) for path, sha in made.files.items()):
        return "a file of it is missing or was changed"
    return None


def output_ok(reports_dir: Path, out: Output | None) -> bool:
    """The file is there with the bytes the manifest recorded."""
    if not out:
        return False
    path = in_reports(reports_dir, out.path)
    try:
        return path is not None and hashing.sha256_file(path) == out.sha256
    except OSError:
        return False


def _render_reason(prev: Entry, fmt, template, show_code, library, neighbours, reports_dir) -> str | None:
    out = prev.outputs.get(fmt)
    if not out:
        return f"{fmt}: not built before"
    expected = render_key(prev.outputs["ipynb"].sha256, fmt, template, show_code, library, neighbours)
    if out.render_key != expected:
        if out.made_from not in (None, prev.outputs["ipynb"].sha256):
            return f"{fmt}: made from an earlier run of the notebook"
        if out.template_sha256 != template:
            return f"{fmt}: template changed"
        if out.show_code != show_code:
            return f"{fmt}: --show-code changed"
        return f"{fmt}: the egov library or the report's sections changed"
    if not output_ok(reports_dir, out):
        return f"{fmt}: output missing or modified"
    return None


def _describe_reads(reads: list[dict]) -> str:
    def value(v):
        if not isinstance(v, list):
            return str(v)
        return "|".join(v) if len(v) <= 3 else f"{'|'.join(v[:3])}|… ({len(v)})"

    parts = []
    for r in reads:
        sel = ", ".join(f"{k}={value(v)}" for k, v in sorted(r.items()) if k != "table" and v is not None)
        parts.append(f"{r['table']}[{sel}]" if sel else r["table"])
    return ", ".join(parts) or "no table"


class _Fingerprints:
    """Fingerprints of stored reads against the current data, computed only when asked."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.cache: dict[str, str | None] = {}

    def __call__(self, reads: list[dict]) -> str | None:
        key = hashing.canonical(reads)
        if key not in self.cache:
            try:
                from egov import data

                if not self.cache:  # loaded tables are cached per folder: read them afresh
                    data.clear_cache()
                self.cache[key] = data.fingerprint(reads, self.directory)
            except Exception:  # noqa: BLE001 - invalid data: the run will report it
                self.cache[key] = None
        return self.cache[key]


def _sections_of(notebooks: list[Path]) -> dict[Path, tuple[str, ...]]:
    """Each notebooks folder's sections (:func:`section_stems`), listed once."""
    return {folder: section_stems(folder) for folder in {nb.parent for nb in notebooks}}


def full_task(lang: str, notebooks: list[Path], manifest: Manifest, reports_dir: Path,
              staging: Path, show_code: bool, now: Now, staged: dict | None = None) -> FullTask | None:
    """The full report of a language (every section, each from a new page) when it is out of
    date; None when it is up to date or a section has no report yet.

    ``staged`` maps a section to the hash of the executed notebook and the page this build has
    just made (not yet in place: its PDF may still be laid out); other sections are taken as
    they are in the reports folder."""
    template, library, stems = now.template, now.library, _sections_of(notebooks)
    sections = []
    for nb in notebooks:
        if staged and nb.stem in staged:
            sha, page = staged[nb.stem]
            sections.append((nb.stem, sha, None, page))
            continue
        entry = manifest.reports.get(f"{lang}/{nb.stem}")
        out = entry.outputs.get("ipynb") if entry else None
        path = in_reports(reports_dir, out.path) if out else None
        if path is None or not path.is_file():
            return None
        html = entry.outputs.get("html")
        page = None
        current = render_key(out.sha256, "html", template, show_code, library, stems[nb.parent])
        if html and html.render_key == current:
            page = in_reports(reports_dir, html.path)  # the section page as it is: no need to render it again
        sections.append((nb.stem, out.sha256, str(path), str(page) if page and page.is_file() else None))
    key = hashing.hash_obj({"schema": BUILD_SCHEMA, "sections": [(s, sha) for s, sha, _, _ in sections],
                            "template": template, "pages": hashing.pages_hash(), "show_code": show_code,
                            "egov_library": library})
    prev = manifest.full_reports.get(lang)
    if prev and prev.key == key and output_ok(reports_dir, Output(prev.path, prev.sha256)):
        return None
    return FullTask(key=f"full/{lang}", lang=lang, cache_key=key, show_code=show_code,
                    sections=tuple((s, p, page) for s, _, p, page in sections), staging=str(staging),
                    made_from=tuple((s, sha) for s, sha, _, _ in sections))
