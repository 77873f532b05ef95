"""Running a build: the worker processes, the order of work, warm kernels, signals.

* **Workers.** *N* processes (``--workers``, default: the CPUs) forked from the build import
  papermill and nbconvert once each. Kernels are forked from one template process started with
  the build (:mod:`egov.build.forkserver`): the interpreter and the scientific stack are
  imported once per build, not once per notebook.
* **Order.** One task a worker at a time, taken by priority: a language's full report as soon
  as all its sections are in place, then the PDFs of sections already executed, then the
  executions. So PDFs are laid out while other notebooks execute, not after them all. Each
  section executes in both languages before the next, and a notebook showing the others'
  charts (the overview) after them, taking the pictures they drew; the one-file dataset
  (``egov export``, when the data changed) runs after the first round of reports.
* **Atomic.** A report and its manifest entry move into place together, with SIGINT and
  SIGTERM held meanwhile; a signal then stops the workers (their kernels with them) and the
  build returns 128 + the signal's number, leaving no half-written file.
* **Children die with the build.** Workers and the template get ``PR_SET_PDEATHSIG``, kernels
  die with the template, so ``kill -9`` of the build leaves no process behind.
* **Afterwards.** A notebook that cannot be read fails alone (the others are built); what is
  now older than its neighbours is marked stale in the manifest, then the index is made (its
  cards were worked out as each report was put in place).
"""

from __future__ import annotations

import heapq
import os
import shutil
import signal
import time
from pathlib import Path

from egov.build import forkclient, hashing, index, manifest as mf, plan as pl, publish as pub
from egov.build.layout import (DATA_EXPORT, INDEX_PAGES, LANGS, MANIFEST, SOURCE_DATE_EPOCH, in_reports, record_name,
                               show)
from egov.build.manifest import Manifest, package_versions
from egov.build.records import ExportTask, FullTask, PdfTask, ReportTask, Result

#: Lower runs first.
_FULL, _PDF, _EXECUTE, _RENDER = range(4)
_DIED = ("the worker process running it died (killed by a signal or out of memory); "
         "its previous report is kept, build again to retry")


class Interrupted(BaseException):
    """SIGTERM (or SIGINT) during a build."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class signals_deferred:
    """Hold SIGINT/SIGTERM while a report is moved into place; they act right after."""

    _SIGS = {signal.SIGINT, signal.SIGTERM}

    def __enter__(self):
        signal.pthread_sigmask(signal.SIG_BLOCK, self._SIGS)

    def __exit__(self, *exc):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, self._SIGS)
        return False


def _name(task) -> str:
    if isinstance(task, ExportTask):
        return "the one-file dataset"
    return f"full {task.lang} report" if isinstance(task, FullTask) else f"{task.label} [{task.lang}]"


class Pool:
    """Worker processes taking tasks by priority, one a worker at a time, so a task submitted
    later (a PDF, a full report) can run before tasks still waiting."""

    def __init__(self, workers: int, log: str | None):
        self.workers, self.log = workers, log
        self.executor = None
        self.waiting: list = []
        self.running: dict = {}
        self._n = 0

    def submit(self, task, priority: int) -> None:
        heapq.heappush(self.waiting, (priority, self._n, task))
        self._n += 1

    def results(self):
        """Yield ``(task, Result)`` as tasks finish; more may be submitted meanwhile."""
        import concurrent.futures as cf

        while self.waiting or self.running:
            self._fill()
            done, _ = cf.wait(self.running, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                task = self.running.pop(fut)
                try:
                    result = fut.result()
                except cf.process.BrokenProcessPool:  # a worker died (killed, out of memory)
                    result = Result(task.key).fail(f"{_name(task)}: {_DIED}")
                    self.executor = None  # its tasks all fail; the waiting ones get a new pool
                except Exception as err:  # noqa: BLE001
                    result = Result(task.key).fail(f"{_name(task)}: the worker process failed: "
                                                   f"{type(err).__name__}: {err}")
                yield task, result

    def _fill(self) -> None:
        import concurrent.futures as cf
        import multiprocessing as mp

        from egov.build import worker

        while self.waiting and len(self.running) < self.workers:
            if self.executor is None:
                self.executor = cf.ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=mp.get_context("fork"),
                    initializer=worker.init_worker, initargs=(self.log, os.getpid()))
            _, _, task = heapq.heappop(self.waiting)
            self.running[self.executor.submit(worker.run, task)] = task

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)

    def stop(self) -> None:
        """Terminate the workers now (each ends its kernel), then kill what is left."""
        if self.executor is None:
            return
        procs = list(getattr(self.executor, "_processes", {}).values())
        for p in procs:
            if p.is_alive():
                p.terminate()
        deadline = time.monotonic() + 5
        for p in procs:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
        self.executor.shutdown(wait=False, cancel_futures=True)


def kernel_env(data_dir: Path) -> dict:
    """Variables every kernel of a build gets (besides its data-read trace)."""
    return {"EGOV_DATA_DIR": str(data_dir), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
            "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


class Build:
    """One build: ``with Build(...) as build: build.run(jobs, manifest); build.finish()``.

    Entering makes the staging folder and starts the template process, so its imports run
    while the build plans (which may load the data to check what it read); leaving stops it and
    removes the staging folder."""

    def __init__(self, opts, progress):
        self.opts, self.progress = opts, progress
        self.reports_dir = opts.reports_dir
        self.every = list(opts.every)
        self.staging = pub.staging_dir(self.reports_dir)
        self.log = str(self.staging / "workers.log")
        self.failures: list[str] = []
        self.built = 0  # executed and published
        self.rerendered = 0  # published from the notebook already executed (the templates changed)
        self.waiting_pdf: dict[str, Result] = {}
        self.versions: dict = {}

    def __enter__(self) -> "Build":
        pub.make_staging(self.staging)
        if (self.opts.kernel or "egov") in forkclient.WARM_KERNELS:
            with open(self.log, "ab") as out:  # it imports what the notebooks import
                forkclient.start({**os.environ, **kernel_env(self.opts.data_dir)}, output=out.fileno(),
                                 modules=[str(nb) for nb in self.opts.notebooks])
        return self

    def __exit__(self, *exc) -> None:
        forkclient.stop()
        pub.remove_staging(self.staging)

    # ---------------------------------------------------------------------------------------
    def run(self, jobs: list[pl.Job], manifest: Manifest, now: pl.Now) -> None:
        """Run the jobs (planned against ``now``), publishing each report as it is finished; the
        caller handles Interrupted."""
        self.manifest, self.by_key, self.now = manifest, {j.key: j for j in jobs}, now
        self.unchanged = manifest.to_bytes()
        langs = self.opts.langs
        # per language: reports not yet rendered, not yet in place; pages made for the full report
        self.unrendered = {lang: {j.key for j in jobs if j.lang == lang and j.todo} for lang in langs}
        self.unsettled = {lang: set(self.unrendered[lang]) for lang in langs}
        self.staged: dict[str, dict] = {lang: {} for lang in langs}
        self.spoiled: dict[str, set] = {lang: set() for lang in langs}
        self.full_made: dict[str, tuple] = {}
        self.touched: set[str] = set()  # languages with a report put in place by this build
        self.full_done: set[str] = set()
        stems = {nb.stem for nb in self.every}
        for key in [k for k in manifest.reports if k.split("/", 1)[-1] not in stems]:
            del manifest.reports[key]  # notebooks that no longer exist (their files stay)
        for job in jobs:
            if not job.todo and job.key in manifest.reports:
                manifest.reports[job.key] = pub.refreshed(job, manifest.reports[job.key])
        self._unreadable()
        todo = [j for j in jobs if j.todo]
        if not any(j.execute for j in todo):
            forkclient.stop()
        fulls = [t for lang in self.opts.langs if not self.unrendered[lang] and (t := self._full(lang))]
        export = self._export_task()
        if not todo and not fulls and not export:
            return
        from egov.build import worker

        worker.prepare(self.opts.show_code)  # imported and compiled once, before the workers fork
        self.versions = package_versions()
        pool = Pool(self._workers(len(todo) + len(fulls) + len(export)), self.log)
        try:
            # each section in both languages before the next (both full reports, the longest
            # tasks, become ready near the end and run side by side, not one alone at the end);
            # a notebook showing the others' charts after them (plan.after_sections)
            rank = {nb.stem: i for i, nb in enumerate(self.every)}
            late = {nb: pl.after_sections(nb) for nb in {j.notebook for j in todo if j.execute}}
            tasks = [(_EXECUTE if j.execute else _RENDER, self._report_task(j))
                     for j in sorted(todo, key=lambda j: (not j.execute, late.get(j.notebook, False),
                                                          rank.get(j.notebook.stem, -1)))]
            # the dataset (a second of work, needing no kernel) after the first round of reports:
            # not beside the template's start-up, nor alone at the end
            tasks[pool.workers:pool.workers] = [(_EXECUTE, task) for task in export]
            for priority, task in tasks:
                pool.submit(task, priority)
            for task in fulls:
                pool.submit(task, _FULL)
            self.progress.grow(len(fulls) + len(export))
            for task, result in pool.results():
                self._finished(task, result, pool)
            pool.close()
        except BaseException:
            pool.stop()
            raise

    def _workers(self, tasks: int) -> int:
        return max(1, min(self.opts.workers or os.cpu_count() or 2, tasks))

    def _report_task(self, job: pl.Job) -> ReportTask:
        prev = self.manifest.reports.get(job.key)
        executed = None if job.execute else str(in_reports(self.reports_dir, prev.outputs["ipynb"].path))
        return ReportTask(key=job.key, notebook=str(job.notebook), label=show(job.notebook),
                          record=record_name(job.notebook), lang=job.lang, parameters=job.parameters,
                          execute=job.execute, executed=executed, formats=job.render,
                          kernel=self.opts.kernel, timeout=self.opts.timeout, show_code=self.opts.show_code,
                          kernel_env=kernel_env(self.opts.data_dir), data_dir=str(self.opts.data_dir),
                          staging=str(self.staging))

    def _unreadable(self) -> None:
        """Notebooks that cannot be read fail, each once, in the manifest too (in each language;
        a previous good report stays, marked failed); their language's full report is not made."""
        for nb, message in self.opts.broken.items():
            for lang in self.opts.langs:
                key = f"{lang}/{nb.stem}"
                prev = self.manifest.reports.get(key)
                self.manifest.reports[key] = mf.failed(prev, record_name(nb), lang, message,
                                                       {"notebook": record_name(nb)}, None,
                                                       prev.packages if prev else {})
                self.spoiled[lang].add(key)
            self.failures.append(message)
            self.progress.log(f"egov build: error: {message}")

    def _full(self, lang: str) -> FullTask | None:
        if "pdf" not in self.opts.formats or self.spoiled[lang]:
            return None
        return pl.full_task(lang, self.every, self.manifest, self.reports_dir, self.staging,
                            self.opts.show_code, self.now, staged=self.staged[lang])

    # ---------------------------------------------------------------------------------------
    def _export_task(self) -> list[ExportTask]:
        """The one-file dataset, when it is due (:func:`~egov.build.plan.export_due`): none or one task."""
        if not pl.export_due(self.manifest, self.reports_dir, self.now):
            return []
        return [ExportTask("data", str(self.reports_dir / DATA_EXPORT), str(self.opts.data_dir),
                           self.now.export_key())]

    def _finished(self, task, result: Result, pool: Pool) -> None:
        if isinstance(task, ExportTask):
            return self._exported(task, result)
        if isinstance(task, FullTask):
            self.full_made[task.lang] = (task, result)
            return self._publish_full(task.lang)
        if isinstance(task, ReportTask):
            self._rendered(task, result, pool)
            if result.ok and "pdf" in task.formats:
                self.waiting_pdf[task.key] = result
                pool.submit(PdfTask(task.key, task.lang, task.label, result.page,
                                    str(Path(task.notebook).parent), str(self.staging)), _PDF)
                return
        else:  # the PDF of a report: the report is complete
            report = self.waiting_pdf.pop(task.key)
            report.seconds.update(result.seconds)
            if result.ok:
                report.outputs.update(result.outputs)
            else:
                report.fail(result.error).outputs.clear()
            result = report
        self._publish(self.by_key[task.key], result)

    def _rendered(self, task: ReportTask, result: Result, pool: Pool) -> None:
        """A report's page is made: keep it for the full report, which starts as soon as every
        section of its language has one (beside the sections' PDFs)."""
        if result.ok and result.page:
            kept = self.staging / "full" / task.key
            kept.parent.mkdir(parents=True, exist_ok=True)
            try:  # the page itself moves into place with its report
                os.link(result.page, kept)
            except OSError:  # a file system without hard links
                shutil.copyfile(result.page, kept)
            ipynb = result.outputs.get("ipynb") or task.executed
            self.staged[task.lang][task.stem] = (hashing.sha256_file(Path(ipynb)), str(kept))
        self.unrendered[task.lang].discard(task.key)
        if not self.unrendered[task.lang] and (full := self._full(task.lang)):
            pool.submit(full, _FULL)
            self.progress.grow(1)

    def _publish(self, job: pl.Job, result: Result) -> None:
        with signals_deferred():  # a report and its manifest entry move together
            msg = pub.publish(job, result, self.manifest, self.reports_dir, self.versions, self.opts.show_code)
            pub.write_manifest(self.reports_dir, self.manifest)
        self.built += result.ok and job.execute
        self.rerendered += result.ok and not job.execute
        if result.ok:
            self.touched.add(job.lang)
            index.looked_at(self.manifest, job.key, self.reports_dir)  # its card, while the others run
        if not result.ok and job.notebook.stem in self.staged[job.lang]:
            self.spoiled[job.lang].add(job.key)
        self._step(job.key, result, msg)
        self.unsettled[job.lang].discard(job.key)
        self._publish_full(job.lang)

    def _publish_full(self, lang: str) -> None:
        """The full report goes into place once every section of its language is in place, and
        only if none of the sections it was made from failed since."""
        if lang not in self.full_made or self.unsettled[lang]:
            return
        task, result = self.full_made.pop(lang)
        if self.spoiled[lang]:
            result = Result(task.key).fail(f"full {lang} report: not updated, as "
                                           f"{', '.join(sorted(self.spoiled[lang]))} failed")
        with signals_deferred():
            msg = pub.publish_full(lang, result, task, self.manifest, self.reports_dir)
            pub.write_manifest(self.reports_dir, self.manifest)
        if result.ok:
            self.full_done.add(lang)
        self._step(task.key, result, msg)

    def _exported(self, task: ExportTask, result: Result) -> None:
        msg = result.error
        if result.ok:
            with signals_deferred():
                self.manifest.export = mf.DataExport(task.cache_key, {
                    Path(path).relative_to(self.reports_dir).as_posix(): sha for path, sha in result.written.items()})
                pub.write_manifest(self.reports_dir, self.manifest)
            msg = f"wrote the one-file dataset ({show(task.out)}) in {sum(result.seconds.values()):.1f} s"
        self._step(task.key, result, msg)

    def _step(self, key: str, result: Result, msg: str) -> None:
        if result.ok:
            self.progress.step(msg)
        else:
            self.failures.append(msg)
            self.progress.step(f"FAILED {key}")
            self.progress.log(f"egov build: error: {msg}")

    # ---------------------------------------------------------------------------------------
    def finish(self) -> None:
        """Mark what is now stale, then write the index and the manifest if they changed. The
        index is made again only when the manifest, the notebooks or its template did (a build
        with nothing to do stays quick)."""
        self._mark_stale()

        order = [nb.stem for nb in self.every]
        key = hashing.hash_obj({"pages": hashing.pages_hash(), "order": order, "data": index.key(self.reports_dir)})
        if self.manifest.to_bytes() != self.unchanged or self.manifest.index_key != key \
                or not all((self.reports_dir / name).is_file() for name in INDEX_PAGES.values()):
            self.manifest.index_key = key
            for name, page in index.render_index(self.manifest, order, self.reports_dir).items():
                pub.write_if_changed(self.reports_dir / name, page.encode("utf-8"))
        pub.write_if_changed(self.reports_dir / MANIFEST, self.manifest.to_bytes())

    def _mark_stale(self) -> None:
        """Say in the manifest what is now older than its neighbours: reports this build did not
        plan (another language, a section left out by --only) whose inputs changed, and full
        reports whose sections changed since they were made. (Formats not asked for are marked
        as their report is put in place: :func:`egov.build.publish.publish`.)"""
        readable = [nb for nb in self.every if nb not in self.opts.broken]
        others = [(nb, lang) for lang in LANGS for nb in readable
                  if f"{lang}/{nb.stem}" not in self.by_key and f"{lang}/{nb.stem}" in self.manifest.reports]
        if others:
            reasons = pl.out_of_date(self.manifest, others, self.reports_dir, self.now)
            for nb, lang in others:
                key = f"{lang}/{nb.stem}"
                self.manifest.reports[key] = pub.marked(self.manifest.reports[key], reasons.get(key))
        for lang, full in self.manifest.full_reports.items():
            if lang in self.full_done:
                continue
            if pub.sections_changed(full, self.manifest) or lang in self.touched and pl.full_task(
                    lang, readable, self.manifest, self.reports_dir, self.reports_dir, self.opts.show_code, self.now):
                full.stale = "made from earlier versions of its sections"
