"""How fast is ``egov build``? One run, one machine, four timings.

(a) the pipeline a user would write by hand: for each notebook and language, the ``papermill``
    CLI, then the ``jupyter nbconvert --to html`` CLI, one after the other;
(b) ``egov build --format html --force``;
(c) the same build again, nothing changed;
(d) the build after one data value changed (in a copy of data/, via EGOV_DATA_DIR).

Prints each time, the ratios a/b and b/c, which reports (d) executed again (and which reports
read the changed value, from the manifest's stored reads), and the peak memory of (b): the
largest sum of RSS over the build's process tree (sampled from /proc every 50 ms) and the
largest single process (getrusage RUSAGE_CHILDREN).

    .venv/bin/python benchmarks/build_speed.py            # everything (about two minutes)
    .venv/bin/python benchmarks/build_speed.py --skip-naive

Nothing is written in the project: reports, executed copies and the data copy live in a
temporary folder. data/ is never edited.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: The value (d) changes: one observation of one section (indicator, breakdown, period).
CHANGE = ("gov_website_columns", "total", "2020-06")


def _tree_rss(pid: int) -> int:
    """Sum of RSS (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
        rss[int(d)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run(cmd: list, env: dict, sample: bool = False) -> tuple[float, str, int]:
    """Run a command; return (seconds, stdout+stderr, peak tree RSS in bytes if sampled)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(c) for c in cmd], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    peak = 0
    done = threading.Event()

    def sampler():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.05)

    thread = threading.Thread(target=sampler, daemon=True) if sample else None
    if thread:
        thread.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    if thread:
        thread.join()
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{out}")
    return seconds, out, peak


def naive(work: Path, env: dict) -> float:
    out = work / "naive"
    out.mkdir()
    t0 = time.perf_counter()
    for lang in ("zh", "en"):
        for nb in NOTEBOOKS:
            executed = out / f"{nb.stem}_{lang}.ipynb"
            run([BIN / "papermill", nb, executed, "-p", "lang", lang, "--cwd", nb.parent,
                 "--no-progress-bar", "--log-level", "ERROR"], env)
            run([BIN / "jupyter", "nbconvert", "--to", "html", "--log-level", "ERROR", executed], env)
    return time.perf_counter() - t0


def change_value(data_dir: Path) -> str:
    path = data_dir / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    prefix = ",".join(CHANGE) + ","
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            value = line[len(prefix):].split(",", 1)[0]
            new = str(float(value) + 1).removesuffix(".0")
            lines[i] = prefix + new + line[len(prefix) + len(value):]
            path.write_text("".join(lines), encoding="utf-8")
            return f"{'/'.join(CHANGE)}: {value} → {new}"
    sys.exit(f"no row {prefix} in {path}")


def readers(manifest: dict, data_dir: Path) -> set[str]:
    """Reports whose stored reads select the changed row."""
    sys.path.insert(0, str(ROOT))
    from egov import data

    out = set()
    for key, e in manifest["reports"].items():
        for read in e.get("data", {}).get("reads", []):
            if read["table"] != "observations":
                continue
            obs = data.observations(data_dir, section=read.get("section"), indicators=read.get("indicators"))
            hit = ((obs["indicator_id"] == CHANGE[0]) & (obs["breakdown"] == CHANGE[1])
                   & (obs["period"] == CHANGE[2])).any()
            if hit:
                out.add(key)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip-naive", action="store_true", help="skip (a), the slow one")
    ap.add_argument("--workers", type=int, help="egov build --workers (default: CPUs)")
    args = ap.parse_args()
    if not NOTEBOOKS:
        sys.exit("no notebooks in notebooks/")
    with tempfile.TemporaryDirectory(prefix="egov-bench-") as tmp:
        work = Path(tmp)
        data_copy = work / "data"
        shutil.copytree(ROOT / "data", data_copy)
        env = {**os.environ, "EGOV_DATA_DIR": str(data_copy)}
        reports = work / "reports"
        build = [BIN / "egov", "build", "--format", "html", "-o", reports]
        if args.workers:
            build += ["--workers", str(args.workers)]
        print(f"{len(NOTEBOOKS)} notebooks × 2 languages = {2 * len(NOTEBOOKS)} reports; "
              f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}", flush=True)

        a = None
        if not args.skip_naive:
            a = naive(work, env)
            print(f"(a) papermill CLI + nbconvert CLI, one by one: {a:6.1f} s", flush=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        b, _, peak = run([*build, "--force"], env, sample=True)
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"(b) egov build --format html --force:          {b:6.1f} s", flush=True)
        c, out_c, _ = run(build, env)
        print(f"(c) egov build, nothing changed:               {c:6.2f} s   ({out_c.strip()})", flush=True)
        change = change_value(data_copy)
        d, out_d, _ = run(build, env)
        print(f"(d) egov build after one data edit:            {d:6.1f} s   ({change})", flush=True)

        executed = sorted(re.findall(r"executed (\S+)", out_d))
        manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
        expected = sorted(readers(manifest, data_copy))
        print()
        if a is not None:
            print(f"a/b = {a / b:.1f}× (target ≥ 4×)")
        print(f"b/c = {b / c:.0f}×   (c target < 1 s: {'met' if c < 1 else 'NOT met'})")
        print(f"(d) executed again: {', '.join(executed) or 'nothing'}")
        print(f"    reports whose stored reads include {'/'.join(CHANGE)}: {', '.join(expected)}")
        print(f"    only those: {'yes' if executed == expected else 'NO'}")
        print(f"peak memory of (b): {peak / 2**20:.0f} MiB summed over the process tree "
              f"(build + workers + kernels); largest single process "
              f"{max(largest, before) / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
