"""The overview: the headline facts of every section (computed by the sections' own facts
functions, so a figure here is the figure there) and what the report is."""

from __future__ import annotations

from egov import data, source
from egov.credits import publisher_names
from egov.facts import Period, Query, capability, new_media, platform, sharing, websites


def facts(q: Query) -> dict:
    s = data.table("sources")
    article = s[s["raw_file"] == "article"].iloc[0]
    zh, en = publisher_names(article["publisher"])
    return {
        "article": {"id": article["source_id"], "title": article["title"], "title_en": article["title_en"],
                    "title_clean": source.article().title, "date": Period(article["date"]),
                    "publisher": {"zh": zh, "en": en}},
        "sections": list(data.table("sections").sort_values("order")["section"]),
        "platform": platform.facts(q), "capability": capability.facts(q), "sharing": sharing.facts(q),
        "websites": websites.facts(q), "new_media": new_media.facts(q),
    }
