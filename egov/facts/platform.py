"""The national platform: what it connects and offers, its reach, online service users."""

from __future__ import annotations

from egov.facts import Query, change, ratio


def facts(q: Query) -> dict:
    return {
        "users_growth": change(q("online_gov_service_users@first"), q("online_gov_service_users@latest")),
        "pages_per_visitor": ratio(q("platform_page_views"), q("platform_visitors")),
    }
