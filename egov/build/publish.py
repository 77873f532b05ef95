"""Putting finished reports in place: staged files moved in with ``os.replace`` (readers see the
old file or the new one), the manifest rewritten the same way, failed runs kept apart.

This module is the one place that writes into or deletes from the reports folder. It deletes
only what the build itself made, by name: its staging folder (``.staging-<pid>``, marked
inside), its temporary files (``.manifest.json.<pid>.tmp``), and report files through
:func:`discard`, never by a pattern over the folder (``-o`` may be a folder of the user's).
Outputs of formats a build was not asked for are kept as they were; the manifest marks them
stale when they no longer match the executed notebook.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from egov.build import hashing, manifest as mf
from egov.build.layout import (EXECUTED, FULL_REPORT, INDEX_PAGES, MANIFEST, STAGING_MARK, STAGING_PREFIX,
                               TEMPLATE_DIR, in_reports, section_stems)
from egov.build.plan import Job, exec_key, render_key
from egov.build.records import FullTask, Result


def move(src, dst) -> None:
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
        move(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> None:
    """Leave an unchanged file untouched (its time too)."""
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)


def write_manifest(reports_dir: Path, manifest: mf.Manifest) -> None:
    atomic_write(reports_dir / MANIFEST, manifest.to_bytes())


def staging_dir(reports_dir: Path) -> Path:
    """Where workers write, inside the reports folder (so moves stay on one file system)."""
    return reports_dir / f"{STAGING_PREFIX}{os.getpid()}"


def make_staging(staging: Path) -> None:
    """The staging folder, marked as the build's own (see :func:`clean_stale`)."""
    staging.mkdir()
    (staging / STAGING_MARK).touch()


def remove_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


#: The temporary files :func:`atomic_write` leaves when a build is killed mid-write.
_STALE_TMP = re.compile(rf"\.(?:{'|'.join(map(re.escape, [MANIFEST, *INDEX_PAGES.values()]))})\.\d+\.tmp")


def clean_stale(reports_dir: Path) -> None:
    """What a killed build left, by name, at the top of the reports folder only: staging
    folders that hold the build's mark, and its temporary manifest and index. Called holding
    the lock, so no other build is using them."""
    for p in reports_dir.iterdir():
        if p.name.startswith(STAGING_PREFIX) and p.name[len(STAGING_PREFIX):].isdigit() \
                and not p.is_symlink() and (p / STAGING_MARK).is_file():
            shutil.rmtree(p, ignore_errors=True)
        elif _STALE_TMP.fullmatch(p.name) and not p.is_symlink() and p.is_file():
            p.unlink(missing_ok=True)


def discard(reports_dir: Path, relative: str) -> None:
    """Delete a report file (a failed copy now fixed): only a report file inside the reports
    folder (:func:`~egov.build.layout.in_reports`); any other path is left alone."""
    path = in_reports(reports_dir, relative)
    if path is not None:
        path.unlink(missing_ok=True)


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


# --------------------------------------------------------------------------------------------
# reports

def publish(job: Job, result: Result, manifest: mf.Manifest, reports_dir: Path, versions: dict,
            show_code: bool) -> str:
    """Move a finished report into place and record it; return a log line."""
    prev = manifest.reports.get(job.key)
    stem = job.notebook.stem
    failed_path = reports_dir / job.lang / "failed" / f"{stem}.ipynb"
    if not result.ok:
        return _publish_failure(job, result, manifest, reports_dir, versions, failed_path)
    template = hashing.template_hash()
    library = job.inputs["egov_library_sha256"]
    outputs: dict[str, mf.Output] = {}
    for fmt, staged in result.outputs.items():
        target = reports_dir / job.lang / f"{stem}.{fmt}"
        target.parent.mkdir(parents=True, exist_ok=True)
        sha = hashing.sha256_file(Path(staged))
        move(staged, target)
        outputs[fmt] = mf.Output(target.relative_to(reports_dir).as_posix(), sha)
    ipynb_sha = (outputs.get("ipynb") or prev.outputs["ipynb"]).sha256
    neighbours = section_stems(job.notebook.parent)
    for fmt, out in outputs.items():
        if fmt not in EXECUTED:
            out.template_sha256, out.show_code, out.made_from = template, show_code, ipynb_sha
            out.render_key = render_key(ipynb_sha, fmt, template, show_code, library, neighbours)
    if job.execute:
        data = {"reads": result.reads, "fingerprint": result.fingerprint,
                "read_fingerprints": result.read_fingerprints, "tables_sha256": job.data_tables}
        # formats not asked for this time stay as they were (marked stale: _stale_formats)
        kept = {f: o for f, o in (prev.outputs.items() if prev else ()) if f not in outputs}
        entry = mf.executed(job.inputs["notebook"], job.lang, job.inputs, data,
                            exec_key({**job.inputs, "data": result.fingerprint}), {**kept, **outputs},
                            result.title or stem, versions)
    else:
        entry = mf.rendered(refreshed(job, prev), outputs, result.title)
    entry.stale = _stale_formats(entry, template, library, neighbours) or None
    manifest.reports[job.key] = entry
    discard(reports_dir, failed_path.relative_to(reports_dir).as_posix())
    made = ", ".join(f for f in ("html", "pdf") if f in outputs) or "ipynb"
    return f"{'executed' if job.execute else 'rendered'} {job.key} ({made}) in {_seconds(result)}"


def _publish_failure(job, result, manifest, reports_dir, versions, failed_path) -> str:
    if result.failed_notebook:
        failed_path.parent.mkdir(parents=True, exist_ok=True)
        move(result.failed_notebook, failed_path)
    prev = manifest.reports.get(job.key)
    relative = failed_path.relative_to(reports_dir).as_posix() if result.failed_notebook else None
    manifest.reports[job.key] = mf.failed(prev, job.inputs["notebook"], job.lang, result.error,
                                          job.inputs, relative, versions)
    msg = result.error
    if result.failed_notebook:
        from egov.build.layout import show

        msg += f"\n    executed copy with the error: {show(failed_path)}"
    if prev and prev.outputs:
        msg += "\n    the previous good report is kept"
    return msg


def refreshed(job: Job, entry: mf.Entry) -> mf.Entry:
    """An entry the plan found up to date: no longer marked stale as a report, and, when its
    reads were found unchanged behind changed tables, with the tables' new hash, so the next
    build need not fingerprint them again."""
    entry = marked(entry, None)
    if job.data_rechecked and entry.data.get("tables_sha256") != job.data_tables:
        return mf.Entry(**{**vars(entry), "data": {**entry.data, "tables_sha256": job.data_tables}})
    return entry


def marked(entry: mf.Entry, reasons: list[str] | None) -> mf.Entry:
    """The entry marked stale as a report for these reasons (why a build would execute it
    again), or no longer so marked; the marks of its formats are kept."""
    stale = {k: v for k, v in (entry.stale or {}).items() if k != "report"}
    if reasons:
        stale["report"] = "; ".join(reasons)
    return mf.Entry(**{**vars(entry), "stale": stale or None})


def _stale_formats(entry: mf.Entry, template: str, library: str, neighbours: tuple[str, ...]) -> dict[str, str]:
    """The formats of a report not rendered from its executed notebook as it is now, with the
    page template and library of now (kept from an earlier run when only other formats were
    asked for), and why."""
    ipynb = entry.outputs.get("ipynb")
    marks = {}
    for fmt, out in entry.outputs.items():
        if fmt in EXECUTED or ipynb is None or \
                out.render_key == render_key(ipynb.sha256, fmt, template, out.show_code, library, neighbours):
            continue
        if out.made_from != ipynb.sha256:
            marks[fmt] = "made from an earlier run of the notebook"
        elif out.template_sha256 != template:
            marks[fmt] = "made with an earlier page template"
        else:
            marks[fmt] = "made with an earlier egov library or list of sections"
    return marks


def publish_full(lang: str, result: Result, task: FullTask, manifest: mf.Manifest, reports_dir: Path) -> str:
    if not result.ok:
        return result.error
    target = reports_dir / lang / FULL_REPORT
    sha = hashing.sha256_file(Path(result.outputs["pdf"]))
    move(result.outputs["pdf"], target)
    manifest.full_reports[lang] = mf.FullEntry(target.relative_to(reports_dir).as_posix(), sha, task.cache_key,
                                               [s for s, _, _ in task.sections], made_from=dict(task.made_from))
    return f"made the full {lang} report ({FULL_REPORT}) in {_seconds(result)}"


def sections_changed(full: mf.FullEntry, manifest: mf.Manifest) -> bool:
    """Whether a section of the full report was executed again since it was made (from the
    manifest alone: no file is read)."""
    lang = full.path.split("/", 1)[0]
    for stem, sha in (full.made_from or {}).items():
        entry = manifest.reports.get(f"{lang}/{stem}")
        ipynb = entry.outputs.get("ipynb") if entry else None
        if ipynb is not None and ipynb.sha256 != sha:
            return True
    return False


def _seconds(result: Result) -> str:
    """``3.1 s`` and, when there are stages, ``(execute 1.2, html 0.3, pdf 0.9)``."""
    total = f"{sum(result.seconds.values()):.1f} s"
    stages = ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
    return f"{total} ({stages})" if len(result.seconds) > 1 else total
