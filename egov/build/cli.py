"""``egov build`` on the command line: options, the dry run, the lock, exit codes.

The project (``--project``, ``$EGOV_PROJECT``, the current folder upward, the source checkout:
:mod:`egov.project`) is found when the command runs; the notebooks, data and reports folders
default to its own, never to where the package is installed. Logs are plain lines when
standard error is not a terminal (cron, CI, a pipe): no colour codes, no progress bar.

Exit codes: 0 every requested report was produced; 1 a notebook (or the file system) failed;
2 bad options or parameters, checked before anything runs; 128 + N when stopped by signal N.
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from egov import project as pj
from egov.build.layout import (DATA_EXPORT, FORMATS, FULL_REPORT, INDEX, LANGS, check_reports_dir, discover,
                               select, show, split_list, use_project)
from egov.errors import DataError, ParameterError


@dataclass(frozen=True)
class Options:
    """The build's options, checked."""

    langs: tuple[str, ...]
    formats: tuple[str, ...]
    notebooks: tuple[Path, ...]  # selected (--only) and readable
    every: tuple[Path, ...]  # every notebook in the folder (the index and full report list them)
    broken: dict  # selected notebooks that cannot be read → the message (each fails alone)
    parameters: dict  # notebook → {name: value}
    reports_dir: Path
    data_dir: Path
    workers: int | None
    timeout: int | None
    show_code: bool
    kernel: str | None
    force: bool
    dry_run: bool


def options(args) -> Options:
    """Check the command line; raises ParameterError (exit code 2)."""
    from egov.build.parameters import declared_parameters, load_parameters_file, resolve_parameters

    project = pj.find(args.project)
    use_project(project.root)
    langs = split_list(args.lang) or list(LANGS)
    bad = [x for x in langs if x not in LANGS]
    if bad:
        raise ParameterError(f"--lang {','.join(bad)}: languages are zh and en")
    formats = split_list(args.format) or list(FORMATS)
    bad = [x for x in formats if x not in FORMATS]
    if bad:
        raise ParameterError(f"--format {','.join(bad)}: formats are html and pdf")
    if args.workers is not None and args.workers < 1:
        raise ParameterError("--workers must be at least 1")
    if args.timeout is not None and args.timeout < 1:
        raise ParameterError("--timeout must be at least 1 second")
    reports_dir = Path(args.reports_dir or project.reports).resolve()
    check_reports_dir(reports_dir, project, args.force_output)
    notebooks_dir = Path(args.notebooks or project.notebooks).resolve()
    every = discover(notebooks_dir)
    notebooks = select(every, split_list(args.only))
    if not notebooks:
        raise ParameterError(f"no notebooks in {show(notebooks_dir)}")
    declared, broken = declared_parameters(notebooks)
    file_values = load_parameters_file(Path(args.parameters_file)) if args.parameters_file else {}
    params = resolve_parameters(declared, [tuple(p) for p in args.parameter or []], file_values)
    return Options(langs=tuple(x for x in LANGS if x in langs),  # Chinese first
                   formats=tuple(x for x in FORMATS if x in formats),
                   notebooks=tuple(nb for nb in notebooks if nb in declared), every=tuple(every),
                   broken=broken, parameters=params, reports_dir=reports_dir, data_dir=project.data.resolve(),
                   workers=args.workers, timeout=args.timeout, show_code=args.show_code,
                   kernel=args.kernel, force=args.force, dry_run=args.dry_run)


def run(args) -> int:
    try:
        opts = options(args)
    except (ParameterError, DataError) as err:
        print(f"egov build: error: {err}", file=sys.stderr)
        return 2
    if opts.dry_run:
        return dry_run(opts)
    from egov.build.lock import BuildLock
    from egov.build.publish import clean_stale, install_template

    reports_dir = opts.reports_dir
    try:
        install_template()
        reports_dir.mkdir(parents=True, exist_ok=True)
        with BuildLock(reports_dir):
            clean_stale(reports_dir)
            return build(opts)
    except OSError as err:  # read-only or full filesystem, permissions: nothing was half-written
        where = show(err.filename) if err.filename else show(reports_dir)
        print(f"egov build: error: cannot write {where}: {err.strerror or err}; "
              "earlier reports are left as they were", file=sys.stderr)
        return 1


def _plan(opts: Options, manifest, now):
    from egov.build.plan import plan

    return plan(list(opts.notebooks), list(opts.langs), opts.parameters, list(opts.formats), manifest,
                opts.reports_dir, now, force=opts.force, show_code=opts.show_code, kernel=opts.kernel)


def dry_run(opts: Options) -> int:
    """Say what would run and why; write nothing. Exit code 1 when a notebook cannot be read."""
    from egov.build.manifest import Manifest
    from egov.build.plan import Now, export_due, full_task

    manifest = Manifest.read(opts.reports_dir)
    now = Now(opts.data_dir)
    jobs = _plan(opts, manifest, now)
    for message in opts.broken.values():
        print(f"fail    {message}")
    for j in jobs:
        if j.execute:
            print(f"run     {j.key}: {'; '.join(j.reasons)}")
        elif j.render:
            print(f"render  {j.key} ({', '.join(j.render)}): {'; '.join(j.reasons)}")
        else:
            print(f"fresh   {j.key}")
    todo = [j for j in jobs if j.todo]
    for lang in opts.langs:
        if todo and "pdf" in opts.formats:
            print(f"full    {lang}: {FULL_REPORT} made again if a section changes")
        elif "pdf" in opts.formats and full_task(lang, list(opts.every), manifest, opts.reports_dir,
                                                 opts.reports_dir, opts.show_code, now):
            print(f"full    {lang}: {FULL_REPORT} out of date")
    why = export_due(manifest, opts.reports_dir, now)
    print(f"dataset {show(opts.reports_dir / DATA_EXPORT)}: {why or 'up to date'}")
    n_exec = sum(j.execute for j in jobs)
    print(f"egov build --dry-run: {n_exec} to execute, {len(todo) - n_exec} to render only, "
          f"{len(jobs) - len(todo)} up to date" + (f", {len(opts.broken)} unreadable" if opts.broken else "")
          + "; nothing was written")
    return 1 if opts.broken else 0


def build(opts: Options) -> int:
    """Plan, run and publish (holding the lock); returns the exit code."""
    from egov.build.engine import Build, Interrupted
    from egov.build.manifest import Manifest
    from egov.build.plan import Now

    started = time.monotonic()
    progress = Progress(0)

    def on_signal(signum, frame):
        raise Interrupted(signum)

    old = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        with Build(opts, progress) as job:
            manifest = Manifest.read(opts.reports_dir, warn=progress.log)
            now = Now(opts.data_dir)
            jobs = _plan(opts, manifest, now)
            todo = [j for j in jobs if j.todo]
            progress.grow(len(todo))
            if jobs and not todo:
                progress.log(f"egov build: all {len(jobs)} reports up to date")
            job.run(jobs, manifest, now)
            job.finish()
    except (Interrupted, KeyboardInterrupt) as err:
        progress.close()
        signum = err.signum if isinstance(err, Interrupted) else signal.SIGINT
        print(f"\negov build: interrupted by {signal.Signals(signum).name}; finished reports are "
              "in place, nothing half-written was left", file=sys.stderr)
        return 128 + signum
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        progress.close()
    failures = job.failures
    rerendered = f"{job.rerendered} re-rendered, " if job.rerendered else ""
    summary = (f"egov build: {job.built} built, {rerendered}{len(jobs) - len(todo)} up to date, {len(failures)} failed "
               f"in {time.monotonic() - started:.1f} s → {show(opts.reports_dir / INDEX)}")
    print(summary, file=sys.stderr if failures else sys.stdout)
    if failures:
        print("egov build: failed:\n  " + "\n  ".join(plain(f) for f in failures), file=sys.stderr)
        return 1
    return 0


#: What a terminal acts on and a log file should not hold: ANSI escape sequences (colours,
#: cursor moves) and carriage returns (progress bars redrawn in place).
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|\r(?!\n)")


def plain(text: str) -> str:
    """``text`` without terminal control sequences (an error's message may carry a kernel's
    coloured traceback).

    >>> plain("\\x1b[31mValueError\\x1b[0m: 50%\\r100%")
    'ValueError: 50%100%'
    """
    return _CONTROL.sub("", text)


class Progress:
    """tqdm on a terminal; plain log lines otherwise (cron, CI, pipes)."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.done = total, 0
        self.bar = None
        self.tty = self.stream.isatty()

    def _bar(self):
        if self.bar is None and self.tty:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked after this
            self.bar = tqdm(total=self.total, unit="report", file=self.stream, dynamic_ncols=True,
                            desc="egov build")
        return self.bar

    def grow(self, n: int) -> None:
        self.total += n
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def log(self, msg: str) -> None:
        if self.bar is not None:
            self.bar.write(msg, file=self.stream)
        else:
            print(plain(msg), file=self.stream, flush=True)

    def step(self, msg: str) -> None:
        self.done += 1
        bar = self._bar()
        if bar is not None:
            bar.set_postfix_str(msg.split(" in ")[0][:48])
            bar.update(1)
        else:
            self.log(f"egov build: [{self.done}/{self.total}] {msg}")

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# --------------------------------------------------------------------------------------------
# command line

def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register ``egov build``."""
    p = subparsers.add_parser(
        "build", help="execute the section notebooks and write HTML/PDF reports (cached, parallel)",
        description="Execute the section notebooks with papermill for each language and write "
                    "reports/<lang>/<section>.{ipynb,html,pdf}, reports/<lang>/full_report.pdf (every "
                    "section, each from a new page), reports/index.html, reports/manifest.json "
                    "and the one-file dataset in reports/data/ (as egov export). Only reports whose "
                    "notebook, parameters, data read or egov library changed are executed again. "
                    "Exit codes: 0 every requested report was produced; 1 a notebook failed; 2 bad "
                    "options or parameters.")
    p.add_argument("--lang", action="append", metavar="LANGS",
                   help="languages, comma-separated: zh,en (default: both)")
    p.add_argument("--only", nargs="+", action="extend", metavar="SECTION",
                   help="build only these sections (file name, name without number, or number)")
    p.add_argument("--format", action="append", metavar="FORMATS",
                   help="output formats, comma-separated: html,pdf (default: both; the executed "
                        "notebook is always written)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="pass a parameter to the notebooks that declare it; the value is converted "
                        "to the type of the notebook's default (a string stays a string)")
    p.add_argument("--parameters-file", "-f", metavar="FILE.yaml",
                   help="YAML mapping of parameter names to values (-p overrides it)")
    p.add_argument("--workers", "-j", type=int, metavar="N",
                   help="notebooks executed at once (default: the number of CPUs)")
    p.add_argument("--force", action="store_true", help="execute every report, ignoring the cache")
    p.add_argument("--dry-run", "-n", action="store_true",
                   help="print what would run and why; write nothing")
    p.add_argument("--timeout", type=int, metavar="SECONDS",
                   help="fail a notebook when one cell runs longer than this (default: no limit)")
    p.add_argument("--show-code", action="store_true", help="show code inputs in HTML and PDF")
    p.add_argument("--kernel", metavar="NAME",
                   help="run the notebooks on this registered Jupyter kernel instead (default: their "
                        "kernel, egov: this environment's Python, forked warm from a template)")
    p.add_argument("--reports-dir", "--output", "-o", metavar="DIR",
                   help="where reports go (default: reports/ in the project); never /, the home "
                        "folder, the project's root or its data folder")
    p.add_argument("--force-output", action="store_true",
                   help="write into a folder that holds files egov did not write (files with the "
                        "reports' names are replaced; nothing else is touched)")
    p.add_argument("--notebooks", metavar="DIR",
                   help="folder of the section notebooks (default: notebooks/ in the project)")
    pj.add_argument(p)
    p.set_defaults(func=run)
    return p
