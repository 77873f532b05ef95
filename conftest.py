"""Plain logs for both test runs (the unit tests and nbval on the notebooks).

With ``--color=no`` (``make test`` passes it when stdout is not a terminal) pytest and nbval add
no colour, but a notebook cell's traceback arrives from the Jupyter kernel already coloured and
nbval passes it on: take the ANSI codes out of failure reports too.
"""

from __future__ import annotations

import re

import pytest

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if item.config.option.color == "no" and report.longrepr is not None:
        text = str(report.longrepr)
        if "\x1b[" in text:
            report.longrepr = ANSI.sub("", text)
