"""Finding the project: --project, EGOV_PROJECT, the current folder upward, the source checkout;
and a real non-editable install, which must never find data in (or write into) site-packages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from egov import project
from egov.project import Project, ProjectError
from tests.helpers import DATA, FIX, ROOT, make_project


@pytest.fixture
def clean_env(monkeypatch):
    for name in (project.PROJECT_ENV, project.DATA_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def other(tmp_path) -> Path:
    """A second project: a copy of data/ and nothing else."""
    shutil.copytree(DATA, tmp_path / "other" / "data")
    return tmp_path / "other"


def test_order_explicit_then_env_then_cwd_then_checkout(clean_env, monkeypatch, other, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert project.find() == Project(ROOT)  # nothing here: the checkout egov runs from
    monkeypatch.chdir(other / "data" / "raw")
    assert project.find() == Project(other)  # the nearest project above the current folder
    monkeypatch.setenv(project.PROJECT_ENV, str(ROOT))
    assert project.find() == Project(ROOT)
    assert project.find(other) == Project(other)


def test_paths_are_absolute_and_data_can_be_a_copy(clean_env, monkeypatch, other):
    p = project.find(os.path.relpath(other))
    assert p.root.is_absolute() and p.data == other / "data" and p.reports == other / "reports"
    monkeypatch.setenv(project.DATA_ENV, str(DATA))
    assert p.data == DATA


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_folder_that_is_not_a_project_is_refused(clean_env, monkeypatch, tmp_path, how):
    if how == "env":
        monkeypatch.setenv(project.PROJECT_ENV, str(tmp_path))
    with pytest.raises(ProjectError, match=r"not an egov project \(expected data/raw/origin.yaml in it\)"):
        project.find(tmp_path if how == "option" else None)
    with pytest.raises(ProjectError, match="no such folder"):
        project.find(tmp_path / "missing")


def test_egov_check_from_anywhere_uses_the_checkout():
    env = {k: v for k, v in os.environ.items() if k not in (project.PROJECT_ENV, project.DATA_ENV)}
    out = subprocess.run([sys.executable, "-m", "egov", "check"], capture_output=True, text=True, cwd="/", env=env)
    assert out.returncode == 0 and out.stdout.rstrip().endswith("0 failed")


def test_a_bad_project_option_is_exit_2(tmp_path):
    out = subprocess.run([sys.executable, "-m", "egov", "check", "--project", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    assert out.stderr == (f"egov check: error: --project {tmp_path}: not an egov project "
                          "(expected data/raw/origin.yaml in it)\n")


def _no_project_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in (project.PROJECT_ENV, project.DATA_ENV)}


def test_a_build_run_from_root_names_paths_from_the_project(tmp_path):
    """As cron runs it (from /): the project's own notebooks, data and reports, and every path
    in the log and the manifest relative to the project's root, never to / (``tmp/…``)."""
    root = make_project(tmp_path / "p", {"reads_websites": "reads_websites", "raises": "raises"})
    out = subprocess.run([sys.executable, "-m", "egov", "build", "--project", str(root), "--lang", "en",
                          "--format", "html"], capture_output=True, text=True, cwd="/", env=_no_project_env())
    assert out.returncode == 1, out.stderr  # raises fails, as it should
    log = out.stdout + out.stderr
    assert "→ reports/index.html" in log and "executed en/reads_websites" in log
    assert "notebooks/raises.ipynb [en]: cell 4" in log and "executed copy with the error: reports/en/failed/raises.ipynb" in log
    assert "wrote the one-file dataset (reports/data)" in log
    assert "tmp/" not in log.replace(str(tmp_path), "")
    manifest = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["reports"]["en/reads_websites"]
    assert entry["inputs"]["data_dir"] == "data" and entry["notebook"] == "notebooks/reads_websites.ipynb"
    assert manifest["reports"]["en/raises"]["failed_notebook"] == "en/failed/raises.ipynb"
    again = subprocess.run([sys.executable, "-m", "egov", "build", "--lang", "en", "--format", "html", "--only",
                            "websites"], capture_output=True, text=True, cwd="/",
                           env={**_no_project_env(), project.PROJECT_ENV: str(root)})
    assert again.returncode == 0 and "all 1 reports up to date" in again.stderr, again.stderr


# --------------------------------------------------------------------------------------------
# a real `pip install .` (not editable) into a temporary venv

def _tree(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A venv holding a real copy of egov in its site-packages (dependencies from this venv)."""
    tmp = tmp_path_factory.mktemp("installed")
    src = tmp / "src"
    skip = shutil.ignore_patterns(".venv", ".git", "reports", "test-artifacts", "*.egg-info", "__pycache__",
                                  ".pytest_cache")
    # the checkout's own build/ (setuptools' leftovers), not egov/build or egov/templates/build
    shutil.copytree(ROOT, src, ignore=lambda folder, names: skip(folder, names) | (
        {"build"} if Path(folder) == ROOT else set()))
    venv = tmp / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", str(venv)], check=True)
    site = Path(subprocess.run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # the dependencies come from this checkout's venv; egov itself must not
    (site / "egov-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", str(src)],
                         capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr[-3000:]
    shutil.rmtree(src)  # nothing may depend on the source tree
    return venv


def run_installed(venv: Path, *args, cwd: Path, env=None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in (project.PROJECT_ENV, project.DATA_ENV, "PYTHONPATH")}
    return subprocess.run([venv / "bin" / "egov", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env={**base, **(env or {})})


def test_installed_egov_is_a_real_copy(installed, tmp_path):
    where = subprocess.run([installed / "bin" / "python", "-c", "import egov; print(egov.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path).stdout.strip()
    assert where.startswith(str(installed)) and "site-packages" in where
    assert run_installed(installed, "--version", cwd=tmp_path).stdout.strip() == "egov 0.1.0"


@pytest.mark.parametrize("command", [["check"], ["datapackage"], ["export"], ["build"]])
def test_installed_outside_a_project_exit_2_says_how_to_point_at_one(installed, tmp_path, command):
    before = _tree(installed)
    out = run_installed(installed, *command, cwd=tmp_path)
    assert out.returncode == 2 and out.stdout == ""
    [line] = out.stderr.splitlines()
    assert line.startswith(f"egov {command[0]}: error: no egov project in {tmp_path} or above it")
    assert "--project DIR or EGOV_PROJECT=DIR" in line
    assert _tree(installed) == before and list(tmp_path.iterdir()) == []


def test_installed_with_a_project_works_and_writes_only_there(installed, tmp_path, other):
    before = _tree(installed)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check = run_installed(installed, "check", "--project", other, cwd=elsewhere)
    assert check.returncode == 0 and check.stdout.rstrip().endswith("0 failed"), check.stderr
    (other / "data" / "README.md").unlink()
    dp = run_installed(installed, "datapackage", cwd=elsewhere, env={project.PROJECT_ENV: str(other)})
    assert dp.returncode == 0, dp.stderr
    assert dp.stdout.split() == [str(other / "data" / "datapackage.json"), str(other / "data" / "README.md")]
    assert (other / "data" / "README.md").read_bytes() == (DATA / "README.md").read_bytes()
    export = run_installed(installed, "export", cwd=other / "data" / "raw")  # found upward from here
    assert export.returncode == 0, export.stderr
    assert export.stdout.split()[0] == str(other / "reports" / "data" / "egov-data-README.md")
    assert _tree(installed) == before and list(elsewhere.iterdir()) == []


def test_installed_build_with_a_project_writes_only_there(installed, tmp_path, other):
    before = _tree(installed)
    shutil.copytree(FIX, other / "notebooks", ignore=shutil.ignore_patterns("*.py", "raises*", "slow*"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the dependencies' data files (nbconvert's base templates) are where their packages came from
    deps = {"JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")}
    out = run_installed(installed, "build", "--project", other, "--lang", "en", "--format", "html", cwd=elsewhere,
                        env=deps)
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip().endswith("→ reports/index.html")
    assert sorted(p.name for p in (other / "reports" / "en").iterdir()) == [
        "reads_platform.html", "reads_platform.ipynb", "reads_websites.csv", "reads_websites.html",
        "reads_websites.ipynb"]
    assert _tree(installed) == before and list(elsewhere.iterdir()) == []
