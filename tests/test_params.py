"""Notebook parameters: a bad value names the parameter and the values allowed."""

from __future__ import annotations

import pytest

from egov import params
from egov.errors import ParameterError


def test_defaults_pass():
    assert params.check(lang="zh", as_of="2020-06") == {"lang": "zh", "as_of": "2020-06"}
    assert params.check(lang="en", as_of="2019-12", peers=["USA", "JPN", "USA"])["peers"] == ["USA", "JPN"]


@pytest.mark.parametrize("bad", ["fr", "ZH", "", None, 1, ["zh"]])
def test_bad_lang(bad):
    with pytest.raises(ParameterError) as err:
        params.check(lang=bad, as_of="2020-06")
    msg = str(err.value)
    assert "'lang'" in msg and "'zh', 'en'" in msg and repr(bad) in msg


@pytest.mark.parametrize("bad", ["2020-13", "2020-6", "June 2020", "2020/06", 202006, None, ["2020-06"]])
def test_bad_as_of(bad):
    with pytest.raises(ParameterError) as err:
        params.check(lang="zh", as_of=bad)
    msg = str(err.value)
    assert "'as_of'" in msg and "YYYY-MM" in msg and "egov editions" in msg


@pytest.mark.parametrize("bad", ["1999-12", "2030-01", "2016-06", "2020-07"])
def test_a_month_no_section_covers_is_refused_listing_the_editions(bad):
    with pytest.raises(ParameterError) as err:
        params.check(lang="zh", as_of=bad)
    msg = str(err.value)
    assert f"parameter 'as_of' is '{bad}': no section has figures for that period; editions: " in msg
    assert "2019-12, 2020-03, 2020-06, 2020-12" in msg


def test_a_year_given_as_a_number_gets_a_hint():
    """papermill -p as_of 2020 injects the integer 2020; the hint names a month only if it is an edition."""
    with pytest.raises(ParameterError, match=r"'as_of' is 2020 \(a int\).*'2020-12'"):
        params.check(lang="zh", as_of=2020)
    with pytest.raises(ParameterError) as err:
        params.check(lang="zh", as_of=2021)
    assert "2021-12" not in str(err.value)


@pytest.mark.parametrize("bad,shown", [
    ("USA", "'USA'"),                 # a string, not a list
    (["USA", "XXX"], "'XXX'"),        # unknown code
    (["usa"], "'usa' → 'USA'"),       # case: a hint
    ([1], "1"),
    (None, "None"),
])
def test_bad_peers(bad, shown):
    with pytest.raises(ParameterError) as err:
        params.check(lang="zh", as_of="2020-06", peers=bad)
    msg = str(err.value)
    assert "'peers'" in msg and "ISO3" in msg and "193" in msg and shown in msg


def test_unknown_parameter_is_an_error():
    with pytest.raises(ParameterError, match="unknown parameter.*colour"):
        params.check(lang="zh", as_of="2020-06", colour="red")


def test_parameter_error_is_a_value_error():
    assert issubclass(ParameterError, ValueError)
