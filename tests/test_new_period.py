"""Adding a report period, as the README says, and a typo in the narrative, end to end.

The rows come from the README's section "Adding a new report period", so the README stays true:
they go into a copy of the data; the reports that read the new observation rows (and only they)
are executed again; ``egov check`` passes; ``egov editions`` lists the new period; and the new
edition builds.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def readme_rows() -> list[tuple[str, str, str]]:
    """(file named before the block, language, block text) for each code block of the section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Adding a new report period"):]
    section = section[:section.index("\n## ", 5)]
    blocks, start = [], 0
    for m in re.finditer(r"```(csv|yaml)\n(.*?)```", section, re.S):
        path = re.search(r"`(data/[^`\s]+)`", section[start:m.start()])[1]  # the step's file
        body = "\n".join(line[3:] if line.startswith("   ") else line for line in m[2].rstrip().splitlines())
        blocks.append((path, m[1], body + "\n"))
        start = m.end()
    return blocks


def egov(root: Path, *args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "egov", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "EGOV_DATA_DIR": str(root / "data"), **(env or {})})


def build(root: Path, *args, env=None) -> subprocess.CompletedProcess:
    return egov(root, "build", "--notebooks", root / "notebooks", "-o", root / "reports", "--lang", "en",
                "--format", "html", "--workers", "2", *args, env=env)


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "data", root / "data")
    return root


def add_period(data: Path, files: tuple[str, ...]) -> None:
    """Apply the README's rows for these files: a new raw file, its origin (with its real
    checksum), rows appended to the tables."""
    for path, kind, body in readme_rows():
        if path not in files:
            continue
        target = data.parent / path
        if kind == "yaml":
            raw = data / "raw" / "reference" / "cnnic48_websites.csv"
            body = body.replace("<the file's SHA-256>", hashlib.sha256(raw.read_bytes()).hexdigest())
        with open(target, "a" if target.exists() else "w", encoding="utf-8") as f:
            f.write(body)


SOURCE = ("data/raw/reference/cnnic48_websites.csv", "data/raw/origin.yaml", "data/sources.csv")
ROWS, RULE = ("data/reference_observations.csv",), ("data/rules.csv",)


def test_the_readme_template_has_every_file():
    assert [p for p, _, _ in readme_rows()] == [
        "data/raw/reference/cnnic48_websites.csv", "data/raw/origin.yaml", "data/sources.csv",
        "data/reference_observations.csv", "data/rules.csv"]


def test_a_new_period_is_checked_listed_and_built(project):
    assert egov(project, "editions", "2021-06").returncode == 2
    # a new source is cited by every report: the next build executes them all
    add_period(project / "data", SOURCE)
    assert build(project).returncode == 0

    # the new rows: exactly the reports that read them run again
    add_period(project / "data", ROWS)
    dry = build(project, "--dry-run")
    runs = sorted(re.findall(r"^run\s+en/(\S+?):", dry.stdout, re.M))
    assert runs == ["00_overview", "04_websites", "07_data_notes"], dry.stdout
    again = build(project)
    assert again.returncode == 0 and "3 built, 5 up to date" in again.stdout + again.stderr

    # the rule for the new period passes, and the period is an edition
    add_period(project / "data", RULE)
    check = egov(project, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "PASS  websites_central_and_provincial_2021" in check.stdout
    listed = egov(project, "editions", "2021-06")
    assert listed.returncode == 0 and "websites\tgov_websites@2021-06" in listed.stdout

    # the new edition builds: its figures in the websites report, the others say what they lack
    new = build(project, "-p", "as_of", "2021-06", "-o", project / "r2021")
    assert new.returncode == 0, new.stdout + new.stderr
    websites = (project / "r2021" / "en" / "04_websites.html").read_text(encoding="utf-8")
    assert "By June 2021 China had 14,000 government websites, 467 fewer than in June 2020." in websites
    sharing = (project / "r2021" / "en" / "03_sharing.html").read_text(encoding="utf-8")
    assert sharing.count("This section has no figures for this edition (June 2021).") == 1


@pytest.mark.parametrize("template, old, new, cell, message", [
    ("new_media.en.md.j2", 'ref("gov_weibo_accounts[scope=institutions]")', 'ref("gov_weibo_accounts[scope=institution]")',
     "cell 4 (In [5], id 'weibo')", "unknown breakdown 'scope=institution'; closest: 'scope=institutions'"),
    ("new_media.en.md.j2", 'ref("gov_toutiao_accounts")', 'ref("gov_toutiao_acounts")',
     "cell 4 (In [5], id 'weibo')", "unknown indicator 'gov_toutiao_acounts'; closest: 'gov_toutiao_accounts'"),
])
def test_a_misspelt_reference_fails_the_build_naming_section_cell_and_reference(project, tmp_path,
                                                                              template, old, new, cell, message):
    """The library is copied and put first on PYTHONPATH, so the kernels read the broken template."""
    lib = tmp_path / "lib"
    shutil.copytree(ROOT / "egov", lib / "egov", ignore=shutil.ignore_patterns("__pycache__"))
    path = lib / "egov" / "narrative" / template
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = build(project, "--only", "05_new_media", env={"PYTHONPATH": str(lib)})
    assert out.returncode == 1
    assert "05_new_media.ipynb [en]" in out.stderr and cell in out.stderr, out.stderr
    assert f"{template}, line " in out.stderr and new[5:-2] in out.stderr and message in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
