"""E-government development index (the article's figures) and online service capability."""

from __future__ import annotations

from egov.facts import Query, change, over_time


def facts(q: Query) -> dict:
    very_high = "provinces_by_capability_level[capability=very_high]"
    return {
        "egdi_change": change(q("egdi@prev"), q("egdi")),
        # the rank's move in places, from the two ranks (lower is better)
        "rank_move": change(q("egdi_rank@prev"), q("egdi_rank"), better="lower"),
        "very_high_change": over_time(q, very_high),
    }
