"""Shared fixtures: throw-away copies of data/ and builds made once per session.

Two builds serve the whole suite, each made once: ``built_reports`` (every section notebook,
both languages, HTML and PDF: what the browser, PDF and hostile-input tests open) and
``fixture_build`` (the small fixture notebooks, both languages: what the build's cache and
fault tests copy and change).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import DATA, build, make_project, run_egov

collect_ignore_glob = ["fixtures/*"]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ in a temporary folder."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


@pytest.fixture(scope="session")
def built_reports(tmp_path_factory) -> Path:
    """Every report in both languages, built once for the session into a temporary folder."""
    out = tmp_path_factory.mktemp("reports")
    run = run_egov("build", "-o", out, "--workers", "2")
    assert run.returncode == 0, run.stdout + run.stderr
    return out


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> Path:
    """Two fixture notebooks built in both languages, HTML and PDF, on a data copy: a project
    folder (notebooks/, data/, reports/) that tests copy before changing anything."""
    root = make_project(tmp_path_factory.mktemp("fixtures"),
                        {"reads_websites": "reads_websites", "reads_platform": "reads_platform"})
    out = build(root, "--workers", "2")
    assert out.returncode == 0, out.stdout + out.stderr
    return root
