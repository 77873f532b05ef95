"""The egov command line: version, help for every subcommand, one-line errors with exit codes."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib import metadata

import pytest

from egov import __version__, checks, cli
from egov.errors import DataError, ParameterError
from tests.helpers import ROOT


def egov(*args, env=None, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "egov", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(env or {})})


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_version_matches_the_package_metadata():
    out = egov("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"egov {__version__}"
    assert metadata.version("egov") == __version__


def test_every_subcommand_has_a_summary_and_a_description():
    subs = subcommands()
    assert {"check", "datapackage", "export", "cite", "build"} <= set(subs)
    top = egov("--help").stdout
    for name, p in subs.items():
        assert p.description and len(p.description) > 60, name
        assert name in top
        out = egov(name, "--help")
        assert out.returncode == 0 and p.description.split(".")[0] in " ".join(out.stdout.split())


@pytest.mark.parametrize("name", ["check", "datapackage", "export", "build"])
def test_commands_that_use_a_project_take_project(name):
    assert "--project" in subcommands()[name].format_help()


def _raise(err):
    def run(*args, **kwargs):
        raise err
    return run


@pytest.mark.parametrize("err, code, line", [
    (DataError("data/observations.csv", row=7, column="value", reason="expected a number, found 'x'"), 2,
     "egov check: error: data/observations.csv, row 7, column 'value': expected a number, found 'x'"),
    (ParameterError("--lang fr: languages are zh and en"), 2, "egov check: error: --lang fr: languages are zh and en"),
    (PermissionError(13, "Permission denied", "/srv/data/rules.csv"), 1,
     "egov check: error: /srv/data/rules.csv: Permission denied"),
    (ZeroDivisionError("division by zero"), 1,
     "egov check: error: unexpected ZeroDivisionError: division by zero (run with EGOV_DEBUG=1 to see where)"),
    (KeyError("gov_websites"), 1, "egov check: error: unexpected KeyError: 'gov_websites' (run with EGOV_DEBUG=1 to see where)"),
    (KeyboardInterrupt(), 130, "egov check: error: interrupted"),
])
def test_every_error_is_one_line_and_an_exit_code(monkeypatch, capsys, err, code, line):
    monkeypatch.delenv("EGOV_DEBUG", raising=False)
    monkeypatch.setattr(checks, "run", _raise(err))
    assert cli.main(["check"]) == code
    out, errs = capsys.readouterr()
    assert out == "" and errs == line + "\n"


def test_egov_debug_shows_the_traceback(monkeypatch, capsys):
    monkeypatch.setattr(checks, "run", _raise(ZeroDivisionError("division by zero")))
    monkeypatch.setenv("EGOV_DEBUG", "1")
    assert cli.main(["check"]) == 1
    errs = capsys.readouterr().err
    assert errs.startswith("Traceback (most recent call last):") and "ZeroDivisionError: division by zero" in errs
    assert errs.rstrip().endswith("egov check: error: unexpected ZeroDivisionError: division by zero "
                                  "(run with EGOV_DEBUG=1 to see where)")


def test_a_real_unexpected_error_in_a_real_process():
    """In a real process too: what escapes the library reaches the user as one line, and the
    traceback only with EGOV_DEBUG=1."""
    code = ("import sys; from egov import checks, cli; "
            "checks.run = lambda *a, **k: 1 / 0; sys.exit(cli.main(['check']))")
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                           env={k: v for k, v in os.environ.items() if k != "EGOV_DEBUG"})
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    assert plain.stderr.strip().splitlines() == [
        "egov check: error: unexpected ZeroDivisionError: division by zero (run with EGOV_DEBUG=1 to see where)"]
    debug = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                           env={**os.environ, "EGOV_DEBUG": "1"})
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr


def test_bad_data_is_exit_2_naming_file_row_and_column(data_copy):
    from tests.helpers import rewrite

    rewrite(data_copy / "observations.csv", ",14467,", ",1.4万,")
    out = egov("check", env={"EGOV_DATA_DIR": str(data_copy)})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("egov check: error: ") and "observations.csv, row " in line
    assert "column 'value': expected a number, found '1.4万'" in line


def test_an_unwritable_output_is_exit_1_naming_the_file(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = egov("export", "-o", blocker / "sub")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip() == f"egov export: error: {blocker / 'sub'}: Not a directory"


def test_bad_usage_is_exit_2():
    out = egov("check", "--lang", "fr")
    assert out.returncode == 2 and "invalid choice: 'fr'" in out.stderr
