"""The national platform: what it connects and offers, its reach, online service users."""

from __future__ import annotations

from egov.facts import Query, compare, over_time


def facts(q: Query) -> dict:
    return {
        # users of online government services and their share of internet users, from the first
        # figure to the latest (None with one figure only)
        "users_growth": over_time(q, "online_gov_service_users"),
        "users_share": over_time(q, "online_gov_service_users_share"),
        # the platform's visits against the people using any online government service at the same
        # date: more visits than users means the article's 访问人数 counts visits, not people
        "visits_vs_users": compare(q("platform_visits"), q("online_gov_service_users")),
    }
