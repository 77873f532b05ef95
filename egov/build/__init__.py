"""``egov build``: execute the section notebooks and publish the reports.

For each requested language, every notebook in ``notebooks/`` is executed with papermill and
written to ``reports/<lang>/`` as the executed notebook, one self-contained HTML page and a
PDF; ``reports/<lang>/full_report.pdf`` holds every section, each from a new page;
``reports/index.html`` links them all (Chinese first) and ``reports/manifest.json``
records, for each report, the hashes of its inputs, its parameters, the package versions and
its status. A failed run's executed copy goes to ``reports/<lang>/failed/``.

The modules, in the order a build uses them:

* :mod:`~egov.build.cli` — options, the dry run, the lock (:mod:`~egov.build.lock`), exit codes;
* :mod:`~egov.build.parameters` — the notebooks' ``parameters`` cells and the values given;
* :mod:`~egov.build.hashing`, :mod:`~egov.build.plan` — what runs and why (the cache);
* :mod:`~egov.build.engine` — worker processes, the order of work, signals;
* :mod:`~egov.build.worker` — one task in a worker: execute through the ``egov`` papermill
  engine (:mod:`~egov.build.kernels`; warm kernels forked by :mod:`~egov.build.forkserver`,
  asked through :mod:`~egov.build.forkclient`), render (:mod:`~egov.build.render`); what
  crosses the pool is in :mod:`~egov.build.records`;
* :mod:`~egov.build.publish` — staged files moved into place; :mod:`~egov.build.manifest`,
  :mod:`~egov.build.index` — what was made, and the page that links it.

How it works:

* **Strict parameters.** Each notebook's ``parameters`` cell is read (``ast``, no kernel) before
  anything runs. A name no selected notebook declares, or a value of the wrong type, is an
  error (exit code 2); ``-p code 007`` stays the string ``"007"``.
* **Warm kernels.** Each notebook runs in a new kernel process with an empty namespace, forked
  from a template that imported the scientific stack once for the whole build; the kernel is
  this environment's own Python, whatever kernelspec is registered elsewhere. The kernels of
  one build share the chart PNGs they draw (:mod:`egov.chartcache`, in the staging folder).
* **Cached.** A report is executed again only when its notebook, its parameters, the egov
  library or *the data it read* changed (the kernel logs each read, ``EGOV_DATA_TRACE``). A
  template change only renders HTML/PDF again. ``--force`` runs everything; ``--dry-run`` says
  what would run and why.
* **Failures kept, good reports kept.** A notebook that raises leaves its executed copy, with
  papermill's error banner, in ``reports/<lang>/failed/``; the previous good report stays; the
  other sections still build; the exit code is 1.
* **Atomic and reproducible.** Reports are staged and moved into place (``os.replace``), so
  SIGINT, SIGTERM or ``kill -9`` leave no half-written file; times and random ids are taken out,
  so two builds of the same inputs are byte-identical.

Start-up is light (the standard library only, until something has to run), so a build with
nothing to do takes a fraction of a second.
"""

from __future__ import annotations


def add_parser(subparsers):
    """Register ``egov build`` (see :mod:`egov.build.cli`)."""
    from egov.build.cli import add_parser

    return add_parser(subparsers)


def install_template():
    """Make ``jupyter nbconvert --template egov`` find the template (see
    :func:`egov.build.publish.install_template`)."""
    from egov.build.publish import install_template

    return install_template()
