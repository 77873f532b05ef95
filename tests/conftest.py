"""Shared fixtures: a throw-away copy of data/ to break, never the real one."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

collect_ignore_glob = ["fixtures/*"]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ in a temporary folder."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a copied file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def reseal(data_dir: Path, key: str) -> None:
    """Record a raw file's new checksum in the copy's origin record (to test a changed raw table)."""
    origin = data_dir / "raw" / "origin.yaml"
    record = yaml.safe_load(origin.read_text(encoding="utf-8"))
    path = data_dir / "raw" / record["files"][key]["path"]
    old = record["files"][key]["sha256"]
    rewrite(origin, old, hashlib.sha256(path.read_bytes()).hexdigest())
