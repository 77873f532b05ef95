"""Notebook parameters: a bad value names the parameter and the values allowed."""

from __future__ import annotations

import pytest

from egov import data, params
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
    assert "'as_of'" in msg and "YYYY-MM" in msg and "'2003-01'" in msg and "'2024-12'" in msg


@pytest.mark.parametrize("bad", ["1999-12", "2030-01"])
def test_as_of_outside_the_data(bad):
    with pytest.raises(ParameterError, match=r"parameter 'as_of' is '\d{4}-\d{2}', outside the data; allowed values"):
        params.check(lang="zh", as_of=bad)


def test_a_year_given_as_a_number_gets_a_hint():
    """papermill -p as_of 2020 injects the integer 2020."""
    with pytest.raises(ParameterError, match=r"'as_of' is 2020 \(a int\).*'2020-12'"):
        params.check(lang="zh", as_of=2020)


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


def test_as_of_range_covers_the_data():
    obs = data.observations()
    periods = [p for p in obs["period"] for p in p.split("..")]
    years = [int(y) for y in data.un_egdi()["year"].unique()]
    assert params.AS_OF_FIRST[:4] <= min(min(periods)[:4], str(min(years)))
    assert params.AS_OF_LAST[:4] >= max(max(periods)[:4], str(max(years)))


def test_parameter_error_is_a_value_error():
    assert issubclass(ParameterError, ValueError)
