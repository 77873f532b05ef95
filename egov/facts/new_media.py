"""Government new media: Weibo, Toutiao and Douyin accounts."""

from __future__ import annotations

from egov.facts import Query, share


def facts(q: Query) -> dict:
    douyin, top = q("gov_douyin_accounts"), q("gov_douyin_top_province[*]")
    return {"douyin": douyin, "douyin_top": top, "douyin_top_share": share(top, douyin)}
