"""Editions: the data decides which periods make a report; egov editions lists them; a period no
section covers is refused before anything runs; the check stays light (no pandas)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from egov import editions, params
from egov.errors import ParameterError
from tests.helpers import DATA, rewrite


def egov(*args, data_dir=None):
    env = dict(os.environ, **({"EGOV_DATA_DIR": str(data_dir)} if data_dir else {}))
    return subprocess.run([sys.executable, "-m", "egov", *args], capture_output=True, text=True, env=env)


def test_the_editions_are_the_months_with_figures():
    found = editions.editions()
    assert editions.DEFAULT in found and "2016-06" not in found
    article = found["2020-06"]
    assert all(article.sections[s] for s in ("platform", "capability", "sharing", "websites", "new_media"))
    assert "gov_websites@2020-06" in article.sections["websites"] and "egdi@2020" in article.sections["capability"]
    assert article.survey == 2020
    assert found["2019-12"].sections["sharing"] == [] and "gov_websites@2019-12" in found["2019-12"].sections["websites"]
    assert all(len(e) for e in found.values())


def test_a_year_makes_no_edition_but_counts_in_its_months():
    found = editions.editions()
    assert "2019" not in found and "2024-12" not in found  # annual figures only
    assert "homepage_updates_growth[level=all]@2019" in found["2019-12"].sections["websites"]


def test_egov_editions_prints_each_edition_and_what_each_section_has():
    out = egov("editions")
    assert out.returncode == 0, out.stderr
    assert "2020-06: 49 figures (the default edition: the article's)" in out.stdout
    assert "2019-12: 20 figures\n" in out.stdout and "  sharing     -\n" in out.stdout
    one = egov("editions", "2019-12")
    assert one.returncode == 0 and "websites\tgov_websites@2019-12\n" in one.stdout
    bad = egov("editions", "2016-06")
    assert bad.returncode == 2 and "no section has figures for that period; editions: 2015-06" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_params_refuse_a_period_no_section_covers():
    with pytest.raises(ParameterError, match="'2021-06': no section has figures"):
        params.check(lang="en", as_of="2021-06")


def test_a_new_period_in_the_data_is_a_new_edition(data_copy, monkeypatch):
    rewrite(data_copy / "reference_observations.csv", "gov_websites,total,2019-12,14474,",
            "gov_websites,total,2021-06,14474,")
    monkeypatch.setenv("EGOV_DATA_DIR", str(data_copy))
    assert params.check_as_of("2021-06") == "2021-06"
    assert "2021-06" not in editions.editions(DATA)  # the project's own data is untouched


def test_checking_an_edition_imports_no_pandas():
    """egov build checks -p as_of in its own process: the check must stay light."""
    code = ("import sys; from egov import params; params.check(lang='en', as_of='2019-12'); "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'numpy', 'babel') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stderr
