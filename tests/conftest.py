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


ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """Every report in both languages, built once for the session into a temporary folder."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("reports")
    run = subprocess.run([sys.executable, "-m", "egov", "build", "-o", str(out), "--workers", "2"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def artifact(*parts: str) -> Path:
    """A path under test-artifacts/ (git-ignored) for screenshots and renders a person can open."""
    path = ARTIFACTS.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
