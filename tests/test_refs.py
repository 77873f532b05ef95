"""One reference grammar for the rules and the narrative: parsed the same way, errors that name
the reference and the closest valid names."""

from __future__ import annotations

import pytest

from egov import checks, data, refs
from egov.facts import Query


@pytest.mark.parametrize("text, ref", [
    ("gov_websites", refs.Ref("gov_websites")),
    ("gov_websites[level=central]", refs.Ref("gov_websites", "level=central")),
    ("gov_websites@2019-12", refs.Ref("gov_websites", "total", "2019-12")),
    ("gov_weibo_accounts[scope=institutions]@next", refs.Ref("gov_weibo_accounts", "scope=institutions", "next")),
    ("gov_douyin_top_province[*]", refs.Ref("gov_douyin_top_province", "*")),
    ("gov_websites_census@2017-12-01", refs.Ref("gov_websites_census", "total", "2017-12-01")),
])
def test_parse(text, ref):
    assert refs.parse(text) == ref and str(refs.parse(text)) == text


@pytest.mark.parametrize("text, message", [
    ("gov_websites@lastest", "unknown period 'lastest'"),
    ("gov_websites@2020-13", "unknown period '2020-13'"),
    ("gov_websites[central]", "breakdown 'central' is not written key=value"),
    ("Gov websites", "is not a reference"),
])
def test_bad_syntax_is_an_error(text, message):
    with pytest.raises(refs.ReferenceError, match=message):
        refs.parse(text)


def test_rules_and_narrative_read_a_reference_the_same_way():
    """The same text names the same observation in a rule (checks) and in the narrative (facts)."""
    obs = data.observations()
    text = "gov_websites[level=central]@2019-12"
    q = Query(obs, "2020-06")
    assert checks.evaluate(text, obs) == float(q(text)) == 912
    assert checks.references(f"{text} + 1") == [("gov_websites", "level=central", "2019-12")]
    assert q(text).expr == text  # and what the narrative records is a rule expression again


def test_a_rule_with_a_selector_is_refused():
    with pytest.raises(refs.ReferenceError, match="a rule names an explicit period, not the selector 'prev'"):
        checks.evaluate("gov_websites@prev", data.observations())


def test_a_valid_reference_without_a_value_is_a_gap_not_an_error():
    q = Query(data.observations(section="websites"), "2020-06")
    gap = q("gov_websites@2019-06")  # recorded as a gap row: nothing trustworthy found
    assert type(gap).__name__ == "Gap" and str(gap.missing[0]) == "gov_websites@2019-06"
    assert type(q("gov_websites@next")).__name__ == "Gap"
