"""egov.checks and `egov check`: every rule runs, and each can fail."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from egov import checks, data
from tests.helpers import reseal, rewrite


def run(data_dir):
    data.clear_cache()
    return {r.rule_id: r for r in checks.run(data_dir)}


def egov_check(data_dir=None, *args):
    env = dict(os.environ, **({"EGOV_DATA_DIR": str(data_dir)} if data_dir else {}))
    return subprocess.run([sys.executable, "-m", "egov", "check", *args], capture_output=True, text=True, env=env)


def test_egov_check_passes_and_lists_every_rule():
    out = egov_check()
    assert out.returncode == 0, out.stdout + out.stderr
    n_rules = len(data.table("rules"))
    assert out.stdout.count("PASS  ") == n_rules + 6
    assert "websites_levels_sum" in out.stdout and "un_egdi_is_mean" in out.stdout
    assert out.stdout.strip().endswith(f"{n_rules + 6} passed, 0 failed")


def test_egov_check_in_chinese():
    out = egov_check(None, "--lang", "zh")
    assert out.returncode == 0 and "中国政府网、国务院部门与省级及以下的网站数之和等于网站总数" in out.stdout


def test_a_part_that_no_longer_sums_fails_and_exits_1(data_copy):
    rewrite(data_copy / "observations.csv", ",13566,", ",13567,")
    out = egov_check(data_copy)
    assert out.returncode == 1
    assert "FAIL  websites_levels_sum" in out.stdout
    assert "14,468 vs 14,467" in out.stdout


def test_a_share_that_no_longer_matches_fails(data_copy):
    rewrite(data_copy / "observations.csv", ",96,", ",94,")
    assert not run(data_copy)["ecert_share"].passed


def test_a_derived_value_that_does_not_recompute_fails(data_copy):
    rewrite(data_copy / "observations.csv", ",1700,", ",1701,")
    assert not run(data_copy)["websites_provincial"].passed


def test_a_derived_value_naming_an_unrelated_rule_fails(data_copy):
    rewrite(data_copy / "observations.csv", ",websites_provincial,", ",ecert_share,")
    assert not run(data_copy)["derived_values_recompute"].passed


def test_article_and_reference_disagreeing_fails(data_copy):
    rewrite(data_copy / "reference_observations.csv", "capability=very_high,2019,8,", "capability=very_high,2019,9,")
    assert not run(data_copy)["sources_agree"].passed


def test_article_not_matching_un_fails(data_copy):
    rewrite(data_copy / "observations.csv", ",0.7948,", ",0.7949,")
    assert not run(data_copy)["article_matches_un"].passed


def test_un_rank_inversion_fails(data_copy):
    path = data_copy / "raw" / "reference" / "un_egdi_all_countries.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if line.startswith("China,CHN,2020,"))
    lines[i] = lines[i].replace(",45,yes", ",150,yes")
    path.write_text("".join(lines), encoding="utf-8")
    reseal(data_copy, "ref_un_egdi")
    result = run(data_copy)["un_ranks_agree_with_values"]
    assert not result.passed and "2020" in result.detail


def test_egdi_not_the_mean_fails(data_copy):
    path = data_copy / "raw" / "reference" / "un_egdi_all_countries.csv"
    rewrite(path, "China,CHN,2020,0.7948", "China,CHN,2020,0.7000")
    reseal(data_copy, "ref_un_egdi")
    assert not run(data_copy)["un_egdi_is_mean"].passed


def test_missing_input_is_reported_not_raised(data_copy):
    rewrite(data_copy / "rules.csv", "gov_websites@2019-12,<", "gov_websites@2019-11,<")
    result = run(data_copy)["websites_shrinking_2019"]
    assert not result.passed and "missing input" in result.detail


@pytest.mark.parametrize("expr", ["__import__('os').system('true')", "open('x')", "1 if 1 else 2", "[1]"])
def test_rule_expressions_are_arithmetic_only(expr):
    with pytest.raises(ValueError, match="not allowed"):
        checks.evaluate(expr, data.observations())


def test_references_parses_breakdowns_and_periods():
    assert checks.references("100 * a[level=x]@2020-06 / b@2019") == [("a", "level=x", "2020-06"), ("b", "total", "2019")]


def test_china_table_disagreeing_with_all_countries_fails(data_copy):
    path = data_copy / "raw" / "reference" / "un_egdi_china.csv"
    rewrite(path, "2020,0.7948,", "2020,0.7949,")
    reseal(data_copy, "ref_un_egdi_china")
    result = run(data_copy)["un_china_rows_agree"]
    assert not result.passed and "2020 egdi" in result.detail
