"""Putting finished reports in place: staged files moved in with ``os.replace`` (readers see the
old file or the new one), the manifest rewritten the same way, failed runs kept apart.

This module is the one place that writes into or deletes from the reports folder.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from egov.build import hashing, manifest as mf
from egov.build.layout import FULL_REPORT, MANIFEST, STAGING_PREFIX, TEMPLATE_DIR, in_reports
from egov.build.plan import Job, exec_key, render_key
from egov.build.records import Result


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


def remove_staging(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def clean_stale(reports_dir: Path) -> None:
    """Staging folders and temporary files left by a build that was killed."""
    for p in reports_dir.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(p, ignore_errors=True)
    for p in reports_dir.rglob(".*.tmp"):
        p.unlink(missing_ok=True)


def discard(reports_dir: Path, relative: str) -> None:
    """Delete a report file the manifest names (one no longer made)."""
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
    if job.execute and prev:
        # formats not made this time would no longer match the executed notebook
        for fmt, out in prev.outputs.items():
            if fmt not in result.outputs:
                discard(reports_dir, out.path)
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
    for fmt, out in outputs.items():
        if fmt != "ipynb":
            out.template_sha256, out.show_code = template, show_code
            out.render_key = render_key(ipynb_sha, fmt, template, show_code, library)
    if job.execute:
        data = {"reads": result.reads, "fingerprint": result.fingerprint,
                "read_fingerprints": result.read_fingerprints, "tables_sha256": job.data_tables}
        entry = mf.executed(job.inputs["notebook"], job.lang, job.inputs, data,
                            exec_key({**job.inputs, "data": result.fingerprint}), outputs,
                            result.title or stem, versions)
    else:
        entry = mf.rendered(refreshed(job, prev), outputs, result.title)
    manifest.reports[job.key] = entry
    failed_path.unlink(missing_ok=True)
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
    """An entry whose reads were found unchanged behind changed tables records the tables'
    new hash, so the next build need not fingerprint them again."""
    if job.data_rechecked and entry.data.get("tables_sha256") != job.data_tables:
        return mf.Entry(**{**vars(entry), "data": {**entry.data, "tables_sha256": job.data_tables}})
    return entry


def publish_full(lang: str, result: Result, cache_key: str, sections: list[str],
                 manifest: mf.Manifest, reports_dir: Path) -> str:
    if not result.ok:
        return result.error
    target = reports_dir / lang / FULL_REPORT
    sha = hashing.sha256_file(Path(result.outputs["pdf"]))
    move(result.outputs["pdf"], target)
    manifest.full_reports[lang] = mf.FullEntry(target.relative_to(reports_dir).as_posix(), sha,
                                               cache_key, sections)
    return f"made the full {lang} report ({FULL_REPORT}) in {_seconds(result)}"


def _seconds(result: Result) -> str:
    """``3.1 s`` and, when there are stages, ``(execute 1.2, html 0.3, pdf 0.9)``."""
    total = f"{sum(result.seconds.values()):.1f} s"
    stages = ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
    return f"{total} ({stages})" if len(result.seconds) > 1 else total
