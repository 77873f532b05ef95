"""Putting the export's files into a folder that may hold the user's own files.

A file is replaced only if ``egov export`` wrote it (``egov-export.json``, kept beside the
files, records each file's SHA-256) and nobody changed it since; anything else in the way is
refused before anything is written, and never deleted. Each file goes to a temporary name and
is renamed, so readers see the old file or the new one. The record lists both the old and the
new hash of a file while it is written, so an export stopped half-way (a full disk, a kill)
leaves whole files that the next export may replace.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from egov.errors import ParameterError

#: The record of what egov export wrote, kept beside the files.
RECORD = "egov-export.json"
_AGAIN = "move it away or export to another folder with -o DIR"


class ExportError(ParameterError):
    """The export cannot be written without losing something (exit code 2)."""


def sha256(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def refuse(out_dir: Path, forbidden: dict[Path, str]) -> None:
    """Refuse an ``out_dir`` that is not a folder, or lies inside one of ``forbidden``
    (folder → what it is, for the message)."""
    for inside, what in forbidden.items():
        if out_dir == inside or inside in out_dir.parents:
            raise ExportError(f"-o {out_dir}: inside {what}; choose another folder")
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"-o {out_dir}: not a folder")


def put(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` (name → bytes) into ``out_dir``, created if missing; unchanged files are
    left untouched. Returns their paths, in order, then the record's."""
    recorded = _recorded(out_dir) if out_dir.is_dir() else {}
    _check_replaceable(out_dir, list(files), recorded)
    out_dir.mkdir(parents=True, exist_ok=True)
    new = {name: sha256(blob) for name, blob in files.items()}
    _write_record(out_dir, {name: recorded.get(name, set()) | {sha} for name, sha in new.items()})
    for name, blob in files.items():
        path = out_dir / name
        if not (path.is_file() and sha256(path.read_bytes()) == new[name]):
            _atomic_write(path, blob)
    _write_record(out_dir, {name: {sha} for name, sha in new.items()})
    return [out_dir / name for name in files] + [out_dir / RECORD]


def _recorded(out_dir: Path) -> dict[str, set[str]]:
    """What earlier exports wrote here: name → the SHA-256s it may have (two while a write is
    under way). Refuses a record that egov export did not write."""
    path = out_dir / RECORD
    if not path.exists() and not path.is_symlink():
        return {}
    try:
        if path.is_symlink() or not path.is_file():
            raise ValueError("not a regular file")
        files = json.loads(path.read_text(encoding="utf-8"))["files"]
        if not all(isinstance(v, list) and all(isinstance(h, str) for h in v) for v in files.values()):
            raise ValueError("no list of files")
    except (ValueError, KeyError, TypeError, AttributeError, OSError) as err:
        raise ExportError(f"{path}: exists but is not a record written by egov export ({err}); {_AGAIN}") from None
    return {name: set(shas) for name, shas in files.items()}


def _check_replaceable(out_dir: Path, names: list[str], recorded: dict[str, set[str]]) -> None:
    for name in names:
        path = out_dir / name
        if not path.exists() and not path.is_symlink():
            continue
        if path.is_symlink() or not path.is_file() or sha256(path.read_bytes()) not in recorded.get(name, ()):
            raise ExportError(f"{path} exists and was not written by egov export (or was changed "
                              f"since); nothing was written: {_AGAIN}")


def _write_record(out_dir: Path, files: dict[str, set[str]]) -> None:
    record = {"written_by": "egov export", "files": {k: sorted(v) for k, v in files.items()}}
    _atomic_write(out_dir / RECORD, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def _atomic_write(path: Path, blob: bytes) -> None:
    """A temporary file beside ``path``, given the permissions a new file gets, then renamed."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
