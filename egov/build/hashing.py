"""Hashes of what a report is made from: files, folders, records, the data."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from pathlib import Path

from egov.build.layout import PACKAGE_DIR, PAGES_DIR, TEMPLATE_DIR


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The SHA-256 of a regular file; anything else (a FIFO, a device, a folder put where a
    report or notebook was) is an OSError, never a wait or an endless read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        h = hashlib.sha256()
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def canonical(obj) -> str:
    """JSON with sorted keys and no spaces: equal records give equal text."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def hash_obj(obj) -> str:
    return sha256_bytes(canonical(obj).encode("utf-8"))


def _hash_tree(root: Path, patterns: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    files = sorted({p for pat in patterns for p in root.rglob(pat)
                    if p.is_file() and "__pycache__" not in p.parts})
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(sha256_file(p).encode() + b"\n")
    return h.hexdigest()


def library_hash() -> str:
    """SHA-256 of the egov package's source (``egov/**/*.py`` and package data), the code the
    notebooks import, and the templates their cells render (the narrative's words, the
    overview's grid): a change re-executes every report."""
    return _hash_tree(PACKAGE_DIR, ("*.py", "*.yaml", "narrative/*.j2", "templates/gallery/*"))


def template_hash() -> str:
    """SHA-256 of the nbconvert template (``egov/templates/egov``): a change renders the
    HTML and PDF again from the executed notebooks, without executing them."""
    return _hash_tree(TEMPLATE_DIR, ("*",))


def pages_hash() -> str:
    """SHA-256 of the build's page templates (index, full report)."""
    return _hash_tree(PAGES_DIR, ("*",))


def data_state(directory: Path) -> dict:
    """Hashes of the data folder, in two parts.

    ``tables``: the files behind the tables :mod:`egov.data` traces; when it is unchanged every
    fingerprint is too (no need to load the data). ``untraced``: every other file (origin
    records, raw text); a notebook may read them without a trace, so a change there re-executes
    every report.
    """
    if not directory.is_dir():
        return {"tables": "", "untraced": ""}
    from egov.schema import TABLES

    tables = {t.path for t in TABLES.values()}
    th, uh = hashlib.sha256(), hashlib.sha256()
    files = sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for p in files:
        rel = p.relative_to(directory).as_posix()
        h = th if rel in tables else uh
        h.update(rel.encode() + b"\0" + sha256_file(p).encode() + b"\n")
    return {"tables": th.hexdigest(), "untraced": uh.hexdigest()}
