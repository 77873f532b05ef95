"""How long does ``make test`` take? Its two commands timed in one or more checkouts, in one run.

For each checkout given (default: this one), after its set-up (``make setup``, not timed), the
commands ``make test`` runs (read with ``make -n test``, so the ones in its Makefile, run by the
shell as make runs them, from the checkout's folder with its own ``.venv``): the unit tests,
then nbval on the notebooks. Each is timed, wall clock and the CPU seconds of its whole process
tree, and its closing line (``N passed, …``) kept; the slowest test files (summed test
durations, from a JUnit XML report written to a temporary folder) are listed. The machine's
load average is printed before and after each checkout: the machine may be shared, and a busy
machine inflates wall-clock times far more than CPU seconds.

    .venv/bin/python benchmarks/suite_speed.py                     # this checkout
    .venv/bin/python benchmarks/suite_speed.py /tmp/base .          # a baseline, then this one

Checkouts after the first are compared with it (ratios of wall and CPU). Nothing is written in
the checkouts but what their tests write themselves (test-artifacts/).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"^=*\s*(\d+ (passed|failed).*?) in [\d.]+s", re.M)


def commands(checkout: Path) -> list[str]:
    """The pytest commands of the checkout's ``make test``, as the shell gets them."""
    out = subprocess.run(["make", "-s", "-n", "test"], capture_output=True, text=True, cwd=checkout, check=True)
    found = [line for line in out.stdout.splitlines() if " -m pytest" in line]
    if not found:
        sys.exit(f"{checkout}: make -n test runs no pytest command")
    return found


def load() -> str:
    return "load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def timed(command: str, cwd: Path) -> tuple[float, float, str, int]:
    """Wall seconds, CPU seconds of the process tree, the closing line, the exit code."""
    before, t0 = os.times(), time.perf_counter()
    proc = subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL)
    wall, after = time.perf_counter() - t0, os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    found = SUMMARY.findall(proc.stdout)
    return wall, cpu, found[-1][0] if found else proc.stdout.strip().splitlines()[-1:], proc.returncode


def slowest(junit: Path, n: int) -> list[tuple[float, str]]:
    """The ``n`` test files with the largest summed durations (setup, call and teardown)."""
    per_file: Counter = Counter()
    for case in ET.parse(junit).iter("testcase"):
        per_file[case.get("classname") or "?"] += float(case.get("time") or 0)
    return [(t, name) for name, t in per_file.most_common(n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkouts", nargs="*", type=Path, default=[ROOT], help="project folders (default: this one)")
    ap.add_argument("--files", type=int, default=12, help="how many of the slowest test files to list")
    args = ap.parse_args()
    print(f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}", flush=True)
    first = None
    for checkout in (c.resolve() for c in args.checkouts):
        print(f"\n{checkout} ({load()})", flush=True)
        total_wall = total_cpu = 0.0
        for i, command in enumerate(commands(checkout)):
            with tempfile.TemporaryDirectory(prefix="egov-suite-") as tmp:
                junit = Path(tmp) / "junit.xml"
                wall, cpu, summary, code = timed(f"{command} --junitxml={junit}", checkout)
                total_wall, total_cpu = total_wall + wall, total_cpu + cpu
                name = "nbval" if "--nbval" in command else "pytest"
                print(f"  {name:<6} {wall:7.1f} s wall, {cpu:7.1f} s CPU, exit {code}: {summary}", flush=True)
                for t, f in slowest(junit, args.files) if junit.exists() else []:
                    print(f"           {t:7.1f} s  {f}")
        ratio = (f"; {total_wall / first[0]:.2f}× the first's wall, {total_cpu / first[1]:.2f}× its CPU"
                 if first else "")
        print(f"  make test's commands: {total_wall:.1f} s wall, {total_cpu:.1f} s CPU{ratio} ({load()})", flush=True)
        first = first or (total_wall, total_cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
