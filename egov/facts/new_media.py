"""Government new media: Weibo, Toutiao and Douyin accounts."""

from __future__ import annotations

from egov.facts import Query, compare, share


def facts(q: Query) -> dict:
    douyin, top = q("gov_douyin_accounts"), q("gov_douyin_top_province[*]")
    return {"douyin": douyin, "douyin_top": top, "douyin_top_share": share(top, douyin),
            # Toutiao accounts against the count before: the article says they kept rising
            "toutiao_vs_prev": compare(q("gov_toutiao_accounts"), q("gov_toutiao_accounts@prev"))}
