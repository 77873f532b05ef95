"""The national platform: what it connects and offers, its reach, online service users."""

from __future__ import annotations

from egov.facts import Query, change, compare, present


def facts(q: Query) -> dict:
    share_first, share_latest = q("online_gov_service_users_share@first"), q("online_gov_service_users_share@latest")
    return {
        "users_growth": change(q("online_gov_service_users@first"), q("online_gov_service_users@latest")),
        # users as a share of internet users, from the first share reported to the latest (None: only one)
        "users_share": (change(share_first, share_latest)
                        if not present(share_first, share_latest) or share_first.period != share_latest.period
                        else None),
        # the platform's visits against the people using any online government service at the same
        # date: more visits than users means the article's 访问人数 counts visits, not people
        "visits_vs_users": compare(q("platform_visits"), q("online_gov_service_users")),
    }
