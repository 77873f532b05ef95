"""The worker side of ``egov build``: execute one notebook, render a page, lay out a PDF.

Runs in a worker process (:mod:`egov.build.engine`). papermill, nbconvert and the exporters are
imported once per worker; notebooks execute through the registered ``egov`` papermill engine
(:mod:`egov.build.kernels`), whose kernels are forked from the build's template process. Each
kernel gets its own data-read trace file (``EGOV_DATA_TRACE``) in its environment, and the
build's folder of shared chart PNGs (``EGOV_CHART_CACHE``, in the staging folder).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from egov.build import render
from egov.build.records import ExportTask, FullTask, PdfTask, ReportTask, Result

#: papermill's and nbclient's keys that hold times: taken out, so two runs give the same bytes.
_TIME_KEYS = ("start_time", "end_time", "duration")
_ERROR_TAG = "papermill-error-cell-tag"


def init_worker(log: str | None, parent: int) -> None:
    """Worker start-up (what it uses was imported by :func:`prepare` before it forked): die
    with the build; leave interrupts to the build's process; send output to the log."""
    from egov.build.forkserver import die_with_parent

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    from egov import data

    data.clear_cache()  # a forked worker inherits the build's cache of loaded tables


def prepare(show_code: bool) -> None:
    """In the build's process, before the workers fork from it: import what they use and
    compile the page template once, instead of once in each worker."""
    import sys

    # jsonschema (under nbformat) imports rfc3987_syntax, when installed, only to check "iri"
    # formats, which no notebook schema uses; it builds a grammar as it is imported (0.5-1 s)
    sys.modules.setdefault("rfc3987_syntax", None)
    import nbformat
    import papermill  # noqa: F401

    import egov.build.kernels  # noqa: F401
    import egov.data  # noqa: F401 - the workers fingerprint what each notebook read

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# egov")])
    try:
        render.page(nb, "prepare", ".", show_code)
    except Exception:  # noqa: BLE001 - a broken template: each report says so when rendered
        pass


_terminated = False


def _on_term(signum, frame):
    global _terminated
    _terminated = True
    raise KeyboardInterrupt  # unwinds papermill and nbclient, whose clean-up ends the kernel


def run(task) -> Result:
    """Carry out one task (the function the pool calls)."""
    try:
        if isinstance(task, ReportTask):
            return run_report(task)
        if isinstance(task, PdfTask):
            return run_pdf(task)
        if isinstance(task, ExportTask):
            return run_export(task)
        return run_full(task)
    except KeyboardInterrupt:
        if _terminated:  # unwound (its kernel shut down): end, as the pool would keep us waiting
            os._exit(128 + signal.SIGTERM)
        raise


def _timed(result: Result, stage: str, t0: float) -> None:
    result.seconds[stage] = time.monotonic() - t0


def run_report(task: ReportTask) -> Result:
    """Execute (if asked) and render one report's page into the staging folder."""
    import nbformat

    result = Result(task.key)
    out_dir = Path(task.staging) / task.lang
    out_dir.mkdir(parents=True, exist_ok=True)
    label = f"{task.label} [{task.lang}]"
    t0 = time.monotonic()
    if task.execute:
        nb, error = execute(task, out_dir)
        _timed(result, "execute", t0)
        if nb is not None:
            normalise(nb, f"{task.key}.ipynb", task.record)
        if error is not None:
            if nb is not None:
                result.failed_notebook = str(out_dir / "failed" / f"{task.stem}.ipynb")
                Path(result.failed_notebook).parent.mkdir(exist_ok=True)
                nbformat.write(nb, result.failed_notebook)
            return result.fail(f"{label}: {error}")
        _data_read(task, out_dir / f"{task.stem}.trace", result)
        result.outputs["ipynb"] = str(out_dir / f"{task.stem}.ipynb")
        nbformat.write(nb, result.outputs["ipynb"])
        _charts_csv(nb, out_dir / f"{task.stem}.csv", result)
    else:
        nb = nbformat.read(task.executed, as_version=4)
    if task.formats:
        t0 = time.monotonic()
        try:
            text = render.page(nb, task.stem, str(Path(task.notebook).parent), task.show_code)
        except Exception as err:  # noqa: BLE001 - a rendering bug must not pass as a report
            result.outputs = {}
            return result.fail(f"{label}: rendering failed: {type(err).__name__}: {err}")
        result.title = render.title(text)
        result.page = str(out_dir / f"{task.stem}.html")
        Path(result.page).write_text(text, encoding="utf-8")
        if "html" in task.formats:
            result.outputs["html"] = result.page
        _timed(result, "html", t0)
    return result


def _charts_csv(nb, path: Path, result: Result) -> None:
    """Its charts' data beside the executed notebook, for JupyterLab (:func:`render.charts_csv`)."""
    text = render.charts_csv(nb)
    if text is not None:
        path.write_text(text, encoding="utf-8")
        result.outputs["csv"] = str(path)


def run_pdf(task: PdfTask) -> Result:
    """Lay out a staged page as PDF."""
    result = Result(task.key)
    t0 = time.monotonic()
    out = Path(task.staging) / task.lang / f"{Path(task.page).stem}.pdf"
    try:
        out.write_bytes(render.pdf(render.read_page(task.page), base_url=task.base_url))
    except Exception as err:  # noqa: BLE001
        return result.fail(f"{task.label} [{task.lang}]: rendering failed: {type(err).__name__}: {err}")
    result.outputs["pdf"] = str(out)
    _timed(result, "pdf", t0)
    return result


def run_export(task: ExportTask) -> Result:
    """The one-file dataset (``egov export``), written in place: it replaces only files it wrote
    itself, each through a temporary file and a rename."""
    from egov import export
    from egov.build.hashing import sha256_file
    from egov.errors import DataError, ParameterError, describe

    result = Result(task.key)
    t0 = time.monotonic()
    try:
        written = export.write(Path(task.out), Path(task.data_dir))
    except (DataError, ParameterError, OSError) as err:
        from egov.build.layout import show

        return result.fail(f"the one-file dataset ({show(task.out)}): {describe(err)}")
    result.written = {str(p): sha256_file(p) for p in written}
    _timed(result, "export", t0)
    return result


def run_full(task: FullTask) -> Result:
    """One PDF of every section of a language, each section starting on a new page."""
    import nbformat

    from egov.build.layout import FULL_REPORT

    result = Result(task.key)
    t0 = time.monotonic()
    try:
        pages = []
        for stem, ipynb, page in task.sections:
            if page is None:
                nb = nbformat.read(ipynb, as_version=4)
                pages.append((stem, render.page(nb, stem, str(Path(ipynb).parent), task.show_code)))
            else:
                pages.append((stem, render.read_page(page)))
        out = Path(task.staging) / task.lang / FULL_REPORT
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(render.pdf(render.full_report(pages, task.lang)))
    except Exception as err:  # noqa: BLE001
        return result.fail(f"full {task.lang} report: {type(err).__name__}: {err}")
    result.outputs["pdf"] = str(out)
    _timed(result, "pdf", t0)
    return result


# --------------------------------------------------------------------------------------------
# execution

def execute(task: ReportTask, out_dir: Path):
    """Run the notebook with papermill's ``egov`` engine. Returns ``(executed notebook or None,
    error message or None)``."""
    import nbformat
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from papermill.exceptions import PapermillExecutionError

    from egov import chartcache
    from egov.build.kernels import KernelStartError
    from egov.data import TRACE_ENV

    invalid = _invalid(task)
    if invalid:
        return None, invalid
    trace = out_dir / f"{task.stem}.trace"
    trace.unlink(missing_ok=True)
    output = out_dir / f"{task.stem}.ipynb"
    try:
        nb = papermill.execute_notebook(
            task.notebook, str(output), parameters=task.parameters, engine_name="egov",
            kernel_name=task.kernel, cwd=str(Path(task.notebook).parent), progress_bar=False,
            log_output=False, start_timeout=120, execution_timeout=task.timeout,
            request_save_on_cell_execute=False,
            kernel_env={**task.kernel_env, TRACE_ENV: str(trace), chartcache.ENV: str(Path(task.staging) / "charts")})
    except PapermillExecutionError as err:  # papermill wrote the notebook, with its banner
        nb = nbformat.read(output, as_version=4)
        where = cell_label(_without_markers(nb), err.cell_index)
        return nb, f"{where}\n    {_describe(err, task.timeout)}"
    except NoSuchKernel:
        return None, (f"no Jupyter kernel named {task.kernel!r}; register it, or leave out --kernel "
                      "(the notebooks' egov kernel is this environment's own Python)")
    except KernelStartError as err:
        return None, str(err)
    return nb, None


def _invalid(task: ReportTask) -> str | None:
    """Why papermill cannot run a notebook: it breaks nbformat's schema (naming the cell), or
    names no kernel when ``--kernel`` gives none; None when it can. The build checked its
    outline before (:func:`~egov.build.parameters.read_notebook`)."""
    import warnings

    import nbformat

    from egov.build.parameters import NotebookError, not_a_notebook, read_notebook

    path = Path(task.notebook)
    try:
        nb = read_notebook(path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(nb)
    except NotebookError as err:  # changed since the build read it
        return str(err).removeprefix(f"{task.label}: ")
    except nbformat.ValidationError as err:
        where = list(err.absolute_path)
        cell = f"cell {where[1] + 1}: " if where[:1] == ["cells"] and len(where) > 1 else ""
        return not_a_notebook(path, f"{cell}{err.message[:200]}")
    if not task.kernel and not (nb.get("metadata", {}).get("kernelspec") or {}).get("name"):
        return not_a_notebook(path, "its metadata names no kernel (\"kernelspec\"); the report notebooks run on "
                                    "the egov kernel")
    return None


def _describe(err, timeout) -> str:
    from egov.build.kernels import DEAD_KERNEL, TIMEOUT

    if err.ename == TIMEOUT:
        return f"timed out: the cell ran longer than --timeout {timeout} s"
    if err.ename == DEAD_KERNEL:
        return "the kernel died (out of memory, or a crash in compiled code)"
    return f"raised {err.ename}: {err.evalue}"


def normalise(nb, output_path: str, input_path: str) -> None:
    """Take out of an executed notebook what changes from run to run: papermill's and nbclient's
    times and durations, absolute paths and the random ids of the cells papermill adds."""
    pm = nb.metadata.get("papermill")
    if pm is not None:
        for k in _TIME_KEYS:
            pm.pop(k, None)
        pm["input_path"] = input_path
        pm["output_path"] = output_path
    n_marker = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for k in _TIME_KEYS:
            cell.metadata.get("papermill", {}).pop(k, None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif _ERROR_TAG in tags:
            n_marker += 1
            cell["id"] = f"papermill-error-cell-{n_marker}"


def _first_line(source: str) -> str:
    return next((line.strip()[:120] for line in source.splitlines() if line.strip()), "")


def cell_label(nb, index: int) -> str:
    """``cell 4 (In [3], id 'x'): first line``, counted in the notebook as written (without
    papermill's injected-parameters cell)."""
    injected = [i for i, c in enumerate(nb.cells) if "injected-parameters" in c.metadata.get("tags", [])]
    number = index + 1 - sum(1 for i in injected if i < index)
    cell = nb.cells[index]
    parts = [f"In [{cell.execution_count}]"] if cell.get("execution_count") else []
    if cell.get("id") and "injected-parameters" not in cell.metadata.get("tags", []):
        parts.append(f"id {cell['id']!r}")
    label = f"cell {number}" + (f" ({', '.join(parts)})" if parts else "")
    line = _first_line(cell.source)
    return label + (f": {line}" if line else "")


def _without_markers(nb):
    import copy

    out = copy.copy(nb)
    out.cells = [c for c in nb.cells if _ERROR_TAG not in c.metadata.get("tags", [])]
    return out


def _data_read(task: ReportTask, trace: Path, result: Result) -> None:
    """What the notebook read (from the trace) and the fingerprint of exactly that data."""
    from egov import data

    directory = Path(task.data_dir)
    result.reads = data.read_trace(trace)
    result.fingerprint = data.fingerprint(result.reads, directory)
    # one per read, so that a later build can say which of them changed
    result.read_fingerprints = [data.fingerprint([r], directory) for r in result.reads]
