"""Credits: a short name for each source, and the source line under a chart or table."""

from __future__ import annotations

import pandas as pd

from egov import data
from egov.i18n import paren, pick


def source_name(source_id: str, lang: str) -> str:
    """A short citation from the sources table: the publisher and year for the article,
    otherwise the title up to its first parenthesis or aside."""
    s = _sources().loc[source_id]
    publisher, date = _str(s["publisher"]), _str(s["date"])
    if _str(s["raw_file"]) == "article" and publisher:
        zh, _, en = publisher.partition(" (")
        name = pick(lang, zh, en.rstrip(")") or zh)
        return name + paren(date[:4] if date else "", lang)
    title = str(s["title"])
    for sep in (" (", "》(", " – ", "; ", " via ", " citing ", "/ ", ", p."):
        head, found, _ = title.partition(sep)
        title = head + ("》" if found == "》(" else "")
    return title.strip()


def _str(x) -> str | None:
    return x if isinstance(x, str) and x else None


def _sources() -> pd.DataFrame:
    return data.table("sources").set_index("source_id")


def source_line(source_ids, lang: str) -> str:
    """'数据来源：…' / 'Source: …' for the sources of the plotted rows, in order of appearance."""
    names = list(dict.fromkeys(source_name(s, lang) for s in source_ids))
    return pick(lang, "数据来源：" + "；".join(names),
                ("Sources: " if len(names) > 1 else "Source: ") + "; ".join(names))


