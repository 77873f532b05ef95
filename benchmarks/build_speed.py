"""How fast is ``egov build``? One run, one machine, every target of the build measured.

(a) the pipeline a user would write by hand: for each notebook and language, the ``papermill``
    CLI, then the ``jupyter nbconvert --to html`` CLI, one after the other;
(b) ``egov build --format html --force``;
(c) the same build again, nothing changed;
(d) the build after one data value changed (in a copy of data/, via EGOV_DATA_DIR);
(e) the bound for (b): the sum over the reports of their cells' times without the import cell
    (from the executed notebooks of (a), papermill's per-cell durations), plus the time to
    render each one's HTML (in this process, exporter already loaded), divided by the workers;
(f) ``egov build --force`` with PDFs, in a new folder (every report and both full reports),
    with the PDF time of each section from its log line;
(g) peak memory of (f) summed over the build's process tree, in a run of its own.

(b), (d) and (f) run :data:`REPEAT` times each and count the median, in rounds with a third of
(a) each: on a shared virtual machine the speed drifts by 20 % and more within minutes, so the
runs a ratio compares are made side by side. Memory is sampled (from /proc every 50 ms; RSS, and PSS,
which counts the pages forked kernels share with their template once) only in (g): a sample
costs about 45 ms of CPU, so sampling a timed run would slow it by most of a core.

Prints each time (wall clock and the CPU seconds of the process tree), the ratios against the
targets, which reports (d) executed again (and which read the changed value), and the
machine's load before and after: on a busy machine the wall-clock ratios fall.

    .venv/bin/python benchmarks/build_speed.py            # everything (about six minutes)
    .venv/bin/python benchmarks/build_speed.py --skip-naive

Nothing is written in the project: reports, executed copies and the data copy live in a
temporary folder. data/ is never edited.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
LANGS = ("zh", "en")
#: Runs of (b), (d) and (f) each; the median counts.
REPEAT = 3
#: The value (d) changes: one observation of one section (indicator, breakdown, period).
CHANGE = ("gov_website_columns", "total", "2020-06")


def _pss(pid: int) -> int:
    """Proportional set size (bytes): pages shared by forked processes counted once in all."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))
    except (OSError, StopIteration, ValueError):
        return 0


def _tree(pid: int) -> tuple[int, int, list[int]]:
    """Sums of RSS and of PSS (bytes) of a process and all its descendants, and their pids."""
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
    total, todo, seen = 0, [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total, sum(_pss(p) for p in seen), seen


class Run:
    """One command: wall seconds, CPU seconds of its whole tree, output, peak tree RSS."""

    def __init__(self, cmd: list, env: dict, sample: bool = False):
        before = os.times()
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        self.peak = self.peak_pss = self.processes = 0
        self.spread = ""  # the other runs' times, when this one is their median
        done = threading.Event()

        def sampler():
            while not done.is_set():
                rss, pss, pids = _tree(proc.pid)
                self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
                self.processes = max(self.processes, len(pids))
                done.wait(0.05)

        thread = threading.Thread(target=sampler, daemon=True) if sample else None
        if thread:
            thread.start()
        self.out, _ = proc.communicate()
        self.seconds = time.perf_counter() - t0
        done.set()
        if thread:
            thread.join()
        after = os.times()
        # orphans are reaped by init, not counted; every process here is waited for by its parent
        self.cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        if proc.returncode != 0:
            sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{self.out}")


def median(runs: list[Run]) -> Run:
    """The run of median wall time, with every run's time in its ``spread``."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    mid = ordered[len(ordered) // 2]
    mid.spread = f"  [runs: {', '.join(f'{r.seconds:.1f}' for r in runs)} s]" if len(runs) > 1 else ""
    return mid


def naive(out: Path, env: dict, reports: list[tuple[str, Path]]) -> tuple[float, float]:
    """(a) for some of the reports: wall and CPU seconds."""
    out.mkdir(exist_ok=True)
    t0, cpu = time.perf_counter(), 0.0
    for lang, nb in reports:
        executed = out / f"{nb.stem}_{lang}.ipynb"
        cpu += Run([BIN / "papermill", nb, executed, "-p", "lang", lang, "--cwd", nb.parent,
                    "--no-progress-bar", "--log-level", "ERROR"], env).cpu
        cpu += Run([BIN / "jupyter", "nbconvert", "--to", "html", "--log-level", "ERROR", executed], env).cpu
    return time.perf_counter() - t0, cpu


def bound(executed: list[Path], workers: int) -> tuple[float, float, float]:
    """(cells without the import cell, HTML rendering, the bound) in seconds."""
    import nbformat

    from egov.build.render import page

    cells = render = 0.0
    notebooks = [nbformat.read(p, as_version=4) for p in executed]
    page(notebooks[0], "warm-up", str(ROOT / "notebooks"), False)  # the exporter's first use
    for nb in notebooks:
        code = [c for c in nb.cells if c.cell_type == "code"
                and not {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
        cells += sum(c.metadata.get("papermill", {}).get("duration") or 0 for c in code[1:])
        t0 = time.perf_counter()
        page(nb, "x", str(ROOT / "notebooks"), False)
        render += time.perf_counter() - t0
    return cells, render, (cells + render) / workers


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


def load() -> str:
    return "load average " + " / ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--skip-naive", action="store_true", help="skip (a), the slow one (and (e), which reads its notebooks)")
    ap.add_argument("--workers", type=int, help="egov build --workers (default: CPUs)")
    args = ap.parse_args()
    if not NOTEBOOKS:
        sys.exit("no notebooks in notebooks/")
    workers = args.workers or os.cpu_count() or 1
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="egov-bench-") as tmp:
        work = Path(tmp)
        data_copy = work / "data"
        shutil.copytree(ROOT / "data", data_copy)
        env = {**os.environ, "EGOV_DATA_DIR": str(data_copy)}
        reports = work / "reports"
        build = [BIN / "egov", "build", "--workers", str(workers)]
        html = [*build, "--format", "html", "-o", reports]
        print(f"{len(NOTEBOOKS)} notebooks × {len(LANGS)} languages = {len(LANGS) * len(NOTEBOOKS)} reports; "
              f"{os.cpu_count()} CPUs, {workers} workers; Python {sys.version.split()[0]}; {load()}", flush=True)

        # Rounds: a third of (a), then (b), (d) after an edit of the value, and (f); (c) once. The
        # machine's speed drifts over minutes, so each ratio compares runs made side by side.
        every = [(lang, nb) for lang in LANGS for nb in NOTEBOOKS]
        a = a_cpu = 0.0
        bs, ds, fs, changes = [], [], [], []
        for i in range(REPEAT):
            if not args.skip_naive:
                seconds, cpu = naive(work / "naive", env, every[i::REPEAT])
                a, a_cpu = a + seconds, a_cpu + cpu
            bs.append(Run([*html, "--force"], env))
            if i == 0:
                c = Run(html, env)
            changes.append(change_value(data_copy))
            ds.append(Run(html, env))
            fs.append(Run([*build, "--force", "-o", work / f"full{i}"], env))
            print(f"round {i + 1}: (b) {bs[-1].seconds:.1f} s, (d) {ds[-1].seconds:.1f} s, "
                  f"(f) {fs[-1].seconds:.1f} s", flush=True)
        b, d, f = median(bs), median(ds), median(fs)
        if not args.skip_naive:
            print(f"(a) papermill CLI + nbconvert CLI, one by one: {a:6.1f} s  (CPU {a_cpu:5.1f} s; in thirds, one a round)")
        else:
            a = None
        print(f"(b) egov build --format html --force:          {b.seconds:6.1f} s  (CPU {b.cpu:5.1f} s){b.spread}")
        print(f"(c) egov build, nothing changed:               {c.seconds:6.2f} s   ({c.out.strip()})")
        print(f"(d) egov build after one data edit:            {d.seconds:6.1f} s  (CPU {d.cpu:5.1f} s; "
              f"{changes[-1]}){d.spread}")
        e = None
        if not args.skip_naive:
            cells, render, e = bound(sorted((work / "naive").glob("*.ipynb")), workers)
            print(f"(e) bound: (cells {cells:.1f} s without the import cell + HTML {render:.1f} s) / {workers} "
                  f"workers = {e:5.1f} s")
        print(f"(f) egov build --force with PDFs, new folder:  {f.seconds:6.1f} s  (CPU {f.cpu:5.1f} s){f.spread}", flush=True)
        g = Run([*build, "--force", "-o", work / "memory"], env, sample=True)
        print(f"(g) the same, its memory sampled:              {g.seconds:6.1f} s  (CPU {g.cpu:5.1f} s)", flush=True)

        executed = sorted(re.findall(r"executed (\S+)", d.out))
        manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
        expected = sorted(readers(manifest, data_copy))
        pdfs = {m[0]: float(m[1]) for m in re.findall(r"executed (\S+) \(html, pdf\).*pdf (\d+\.\d)\)", f.out)}
        fulls = re.findall(r"made the full (\w+) report \(full_report.pdf\) in (\d+\.\d) s", f.out)
        print(f"\nafter: {load()}")
        if a is not None:
            print(f"a/b = {a / b.seconds:.1f}× (target ≥ 10×); CPU a/b = {a_cpu / b.cpu:.1f}×")
        if e is not None:
            print(f"b/e = {b.seconds / e:.2f}× (target ≤ 1.3×)")
        print(f"(c) = {c.seconds:.2f} s (target < 0.3 s: {'met' if c.seconds < 0.3 else 'NOT met'})")
        print(f"d/b = {d.seconds / b.seconds:.0%} (target ≤ 20%)")
        print(f"f/b = {f.seconds / b.seconds:.2f}× (target ≤ 2×)")
        print(f"(d) executed again: {', '.join(executed) or 'nothing'}")
        print(f"    reports whose stored reads include {'/'.join(CHANGE)}: {', '.join(expected)}")
        print(f"    only those: {'yes' if executed == expected else 'NO'}")
        if pdfs:
            print(f"PDF per section (f): {sum(pdfs.values()):.1f} s in all, "
                  f"{min(pdfs.values()):.1f}–{max(pdfs.values()):.1f} s each; "
                  + "; ".join(f"full {lang} {s} s" for lang, s in fulls))
        print(f"peak memory of (g) summed over the process tree (at most {g.processes} processes: "
              f"build, workers, fork server, kernels): RSS {g.peak / 2**20:.0f} MiB, PSS "
              f"{g.peak_pss / 2**20:.0f} MiB (pages the kernels share with the fork server counted "
              f"once); target < 1536 MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
