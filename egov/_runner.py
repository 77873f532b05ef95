"""The worker side of ``egov build``: execute one notebook with papermill, then render it.

Runs in a worker process (see :func:`egov.build._execute_all`). papermill, nbconvert and the
exporters are imported once per worker. The kernel papermill starts inherits this process's
environment, which is where the data-read trace file (``EGOV_DATA_TRACE``) and the data folder
(``EGOV_DATA_DIR``) are set for each run.
"""

from __future__ import annotations

import html
import os
import re
import signal
import time
from pathlib import Path

#: Papermill/nbclient keys that hold times; taken out so two runs give the same bytes.
_TIME_KEYS = ("start_time", "end_time", "duration")
_EXPORTERS: dict[bool, object] = {}


def init_worker() -> None:
    """Worker start-up: let the main process decide about interrupts; import once; quiet."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    # Kernels inherit stdout/stderr: ipykernel's start-up warnings and matplotlib's font
    # messages would interleave with the progress bar. They go to a log in the staging folder.
    log = os.environ.get("EGOV_BUILD_WORKER_LOG")
    if log:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    import nbformat  # noqa: F401
    import papermill  # noqa: F401

    from egov import data, exporters  # noqa: F401

    # a forked worker inherits the parent's cache of loaded tables, maybe of older data
    data.clear_cache()


def _on_term(signum, frame):
    # unwinds papermill/nbclient, whose clean-up shuts the kernel down
    raise KeyboardInterrupt


def _exporter(show_code: bool):
    if show_code not in _EXPORTERS:
        from egov.exporters import EgovHTMLExporter

        _EXPORTERS[show_code] = EgovHTMLExporter(show_code=show_code)
    return _EXPORTERS[show_code]


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
        cp = cell.metadata.get("papermill")
        if cp is not None:
            for k in _TIME_KEYS:
                cp.pop(k, None)
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            cell["id"] = "injected-parameters"
        elif "papermill-error-cell-tag" in tags:
            n_marker += 1
            cell["id"] = f"papermill-error-cell-{n_marker}"


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def _cell_label(nb, index: int) -> str:
    """``cell 4 (In [3], id 'x')`` counted in the notebook as written (without papermill's
    injected-parameters cell)."""
    cells = nb.cells
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.metadata.get("tags", [])]
    number = index + 1 - sum(1 for i in injected if i < index)
    cell = cells[index]
    count = cell.get("execution_count")
    parts = [f"In [{count}]"] if count else []
    if cell.get("id") and "injected-parameters" not in cell.metadata.get("tags", []):
        parts.append(f"id {cell['id']!r}")
    label = f"cell {number}" + (f" ({', '.join(parts)})" if parts else "")
    line = _first_line(cell.source)
    return label + (f": {line}" if line else "")


def _banner(nb, index: int | None, message: str) -> None:
    """papermill's error banner, for failures papermill does not mark itself (timeouts,
    a kernel that died or did not start)."""
    import nbformat
    from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_STYLE

    top = nbformat.v4.new_markdown_cell(f"<span {ERROR_STYLE}>{html.escape(message)}</span>"
                                        + ("<br><a href=\"#papermill-error-cell\">go to the cell</a>"
                                           if index is not None else ""))
    top.metadata["tags"] = [ERROR_MARKER_TAG]
    if index is not None:
        anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
        anchor.metadata["tags"] = [ERROR_MARKER_TAG]
        nb.cells.insert(index, anchor)
    nb.cells.insert(0, top)


def _title(page: str) -> str | None:
    m = re.search(r"<title>(.*?)</title>", page, re.S)
    return html.unescape(m.group(1)).strip() if m else None


def run_job(spec: dict) -> dict:
    """Execute (if asked) and render one report into the staging folder.

    Returns a dict: ``status`` (``ok``/``failed``), ``outputs`` (format → staged file),
    ``reads`` and ``fingerprint`` (what the notebook read), ``title``, ``error``, ``seconds``.
    """
    import nbformat

    t0 = time.monotonic()
    nb_path = Path(spec["notebook"])
    stem, lang = nb_path.stem, spec["lang"]
    out_dir = Path(spec["staging"]) / lang
    out_dir.mkdir(parents=True, exist_ok=True)
    label = f"{spec['notebook_label']} [{lang}]"
    result: dict = {"key": spec["key"], "status": "ok", "outputs": {}}
    if spec["execute"]:
        nb, error = _execute(spec, out_dir)
        normalise(nb, spec["output_path"], spec["notebook_record"])
        if error is not None:
            failed = out_dir / "failed" / f"{stem}.ipynb"
            failed.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(failed))
            result.update(status="failed", error=f"{label}: {error}", failed_notebook=str(failed),
                          seconds=time.monotonic() - t0)
            return result
        result.update(_data_read(spec, out_dir / f"{stem}.trace"))
        executed = out_dir / f"{stem}.ipynb"
        nbformat.write(nb, str(executed))
        result["outputs"]["ipynb"] = str(executed)
    else:
        nb = nbformat.read(spec["executed"], as_version=4)
    if spec["formats"]:
        try:
            page, _ = _exporter(bool(spec["show_code"])).from_notebook_node(
                nb, resources={"metadata": {"name": stem, "path": str(nb_path.parent)}})
            result["title"] = _title(page)
            if "html" in spec["formats"]:
                path = out_dir / f"{stem}.html"
                path.write_text(page, encoding="utf-8")
                result["outputs"]["html"] = str(path)
            if "pdf" in spec["formats"]:
                from egov.exporters import html_to_pdf

                path = out_dir / f"{stem}.pdf"
                path.write_bytes(html_to_pdf(page, base_url=str(nb_path.parent)))
                result["outputs"]["pdf"] = str(path)
        except Exception as err:  # a rendering bug must not pass as a report
            result.update(status="failed", error=f"{label}: rendering failed: {type(err).__name__}: {err}",
                          outputs={})
    result["seconds"] = time.monotonic() - t0
    return result


def _execute(spec: dict, out_dir: Path):
    """Run the notebook with papermill. Returns ``(executed notebook, error message or None)``.

    papermill's steps are called one by one (as :func:`papermill.execute_notebook` does) so
    that the notebook object stays in hand when the run fails in a way papermill does not
    record itself (a cell timeout, a kernel that died).
    """
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillExecutionError
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook
    from papermill.utils import chdir

    from egov.data import TRACE_ENV

    nb_path = Path(spec["notebook"])
    trace = out_dir / f"{nb_path.stem}.trace"
    env = {TRACE_ENV: str(trace), "EGOV_DATA_DIR": spec["data_dir"],
           "SOURCE_DATE_EPOCH": spec.get("source_date_epoch", "1577836800"), "PYTHONHASHSEED": "0",
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        for attempt in range(1, KERNEL_START_TRIES + 1):
            nb = load_notebook_node(str(nb_path))  # as papermill reads it (every cell gets tags)
            nb = parameterize_notebook(nb, spec["parameters"], report_mode=False, kernel_name=spec["kernel"])
            nb = prepare_notebook_metadata(nb, spec["notebook_record"], spec["output_path"])
            nb = remove_error_markers(nb)
            kernel = papermill_engines.nb_kernel_name(engine_name=None, nb=nb, name=spec["kernel"])
            trace.unlink(missing_ok=True)
            try:
                with chdir(str(nb_path.parent)):
                    papermill_engines.execute_notebook_with_engine(
                        None, nb, kernel_name=kernel, input_path=str(nb_path), output_path=None,
                        progress_bar=False, log_output=False, start_timeout=120,
                        execution_timeout=spec["timeout"])
                break
            except KeyboardInterrupt:
                raise
            except Exception as err:
                if attempt < KERNEL_START_TRIES and _kernel_never_started(nb, err):
                    continue  # e.g. two kernels started at once raced for a port: start afresh
                return nb, _unexpected(nb, err, kernel, spec)
        try:
            raise_for_execution_errors(nb, None)  # adds papermill's banner to nb, then raises
        except PapermillExecutionError as err:
            anchor = next(i for i, c in enumerate(nb.cells) if c.source.startswith('<span id="papermill-error-cell"'))
            where = _cell_label(_without_markers(nb), anchor - 1)
            return nb, f"{where}\n    raised {err.ename}: {err.evalue}"
        return nb, None
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


#: A kernel that dies before running any cell is started again, up to this many times in all.
KERNEL_START_TRIES = 3


def _kernel_never_started(nb, err: Exception) -> bool:
    """The kernel failed to start (no cell ran): not the notebook's fault, worth a retry."""
    if type(err).__name__ == "NoSuchKernel":
        return False
    return not any(c.metadata.get("papermill", {}).get("start_time") for c in nb.cells)


def _without_markers(nb):
    import copy

    out = copy.copy(nb)
    out.cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.metadata.get("tags", [])]
    return out


def _unexpected(nb, err: Exception, kernel: str, spec: dict) -> str:
    """Describe a failure papermill does not mark in the notebook, and mark it."""
    name = type(err).__name__
    # papermill stamps a cell's start_time when it starts it: the last one stamped was running
    started = [i for i, c in enumerate(nb.cells) if c.metadata.get("papermill", {}).get("start_time")]
    running = started[-1] if started else None
    if name == "NoSuchKernel":
        message = (f"no Jupyter kernel named {kernel!r}; register it (make setup) "
                   "or pass --kernel python3")
    elif name == "CellTimeoutError" or isinstance(err, TimeoutError):
        message = f"timed out: the cell ran longer than --timeout {spec['timeout']} s"
    elif _kernel_never_started(nb, err):
        message = f"the kernel {kernel!r} died while starting ({KERNEL_START_TRIES} tries): {name}: {err}"
    elif name == "DeadKernelError":
        message = "the kernel died (out of memory, or a crash in compiled code)"
    else:
        message = f"{name}: {err}"
    where = f"{_cell_label(nb, running)}\n    " if running is not None else ""
    _banner(nb, running, f"egov build: {message}")
    if running is not None:
        nb.cells[running + 2].metadata.setdefault("papermill", {})["exception"] = True
    return f"{where}{message}"


def _data_read(spec: dict, trace: Path) -> dict:
    """What the notebook read (from the trace) and the fingerprint of exactly that data."""
    from egov import data

    reads = data.read_trace(trace)
    directory = Path(spec["data_dir"])
    return {"reads": reads, "fingerprint": data.fingerprint(reads, directory),
            # one per read, so that a later build can say which of them changed
            "read_fingerprints": [data.fingerprint([r], directory) for r in reads],
            "tables_sha256": spec["tables_sha256"]}


def _ids_prefixed(fragment: str, prefix: str) -> str:
    """Prefix every id and in-page link of one section, so sections do not clash."""
    fragment = re.sub(r'\bid="', f'id="{prefix}', fragment)
    return re.sub(r'\bhref="#', f'href="#{prefix}', fragment)


def run_full(spec: dict) -> dict:
    """One PDF of every section of a language, each section starting on a new page."""
    import nbformat

    from egov.exporters import html_to_pdf

    t0 = time.monotonic()
    lang = spec["lang"]
    zh = lang == "zh"
    result = {"kind": "full", "key": f"full/{lang}", "lang": lang, "status": "ok", "outputs": {},
              "cache_key": spec["cache_key"], "sections": [stem for stem, _ in spec["sections"]]}
    try:
        head, parts, toc = None, [], []
        for n, (stem, path) in enumerate(spec["sections"], start=1):
            nb = nbformat.read(path, as_version=4)
            page, _ = _exporter(bool(spec["show_code"])).from_notebook_node(
                nb, resources={"metadata": {"name": stem, "path": str(Path(path).parent)}})
            if head is None:
                head = page.split("<body", 1)[0]
            main = page.split("<main>", 1)[1].rsplit("</main>", 1)[0]
            prefix = f"s{n}-"
            main = _ids_prefixed(main, prefix)
            title = _title(page) or stem
            m = re.search(r'<h1 id="([^"]+)"', main)
            toc.append(f'<li><a href="#{m.group(1) if m else prefix}">{html.escape(title)}</a></li>')
            parts.append(f'<section class="egov-section" id="{prefix}">\n{main}\n</section>')
        title = "2020年中国互联网政务" if zh else "China's internet e-government in 2020"
        cover = (f'<section class="egov-section egov-cover"><h1>{title}</h1>'
                 f'<nav class="egov-toc"><p class="egov-toc-title">{"目录" if zh else "Contents"}</p>'
                 f'<ol>{"".join(toc)}</ol></nav></section>')
        head = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", head, flags=re.S)
        doc = f'{head}<body class="egov-report{" egov-zh" if zh else ""}">\n<main>\n{cover}\n' \
              + "\n".join(parts) + "\n</main>\n</body>\n</html>\n"
        out = Path(spec["staging"]) / lang / spec["filename"]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(html_to_pdf(doc))
        result["outputs"]["pdf"] = str(out)
    except Exception as err:
        result.update(status="failed", error=f"full {lang} report: {type(err).__name__}: {err}")
    result["seconds"] = time.monotonic() - t0
    return result
