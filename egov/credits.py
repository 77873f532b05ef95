"""Credits: a short name for each source, and the source line under a chart or table."""

from __future__ import annotations

import pandas as pd

from egov import data
from egov.i18n import paren, pick, written_in


def source_name(source_id: str, lang: str) -> str:
    """A short citation in ``lang``: the publisher and year for the article, otherwise the
    source's title in that language up to its first aside in brackets (outside 《》).

    >>> source_name("qianzhan2020", "en"), source_name("cnnic45_websites", "en")
    ('Qianzhan Industry Research Institute (2020)', 'CNNIC, 45th Statistical Report on Internet Development in China')
    >>> source_name("cnnic45_websites", "zh")
    'CNNIC第45次《中国互联网络发展状况统计报告》'
    """
    return _names(lang)[source_id]


def _names(lang: str) -> dict[str, str]:
    """Every source's short name in ``lang``, worked out once per loaded data (tables name a
    source on every row). The sources are among the labels every report's fingerprint holds."""
    memo = data.derived()
    if ("source_names", lang) not in memo:
        memo["source_names", lang] = {sid: _name(s, lang) for sid, s in _sources().iterrows()}
    return memo["source_names", lang]


def _name(s, lang: str) -> str:
    publisher, date = _str(s["publisher"]), _str(s["date"])
    if _str(s["raw_file"]) == "article" and publisher:
        return pick(lang, *publisher_names(publisher)) + paren(date[:4] if date else "", lang)
    return _head(str(s[f"title_{lang}"]))


def _head(title: str) -> str:
    """A title up to its first bracketed aside: '（' or ' (' outside 《》."""
    depth = 0
    for i, c in enumerate(title):
        depth += {"《": 1, "》": -1}.get(c, 0)
        if depth == 0 and (c == "（" or title.startswith(" (", i)):
            return title[:i].strip()
    return title.strip()


def source_title(source_id: str, lang: str) -> tuple[str, str | None]:
    """A source's full title in ``lang``, and its original title when that is written in the
    other language (a report shows it after, in brackets, marked with its language).

    >>> source_title("cnnic44", "en")
    ('CNNIC, 44th Statistical Report on Internet Development in China (August 2019)', '第44次《中国互联网络发展状况统计报告》')
    >>> source_title("cnnic44", "zh")
    ('CNNIC第44次《中国互联网络发展状况统计报告》（2019年8月）', None)
    """
    s = _sources().loc[source_id]
    original = str(s["title"])
    return str(s[f"title_{lang}"]), (None if written_in(original) == lang else original)


def publisher_names(name) -> tuple[str, str]:
    """A publisher as ``sources.csv`` writes it, '中文名 (English name)', as (Chinese, English);
    a name in one language only is both.

    >>> publisher_names("中国互联网络信息中心 (CNNIC)"), publisher_names("United Nations DESA")
    (('中国互联网络信息中心', 'CNNIC'), ('United Nations DESA', 'United Nations DESA'))
    """
    name = _str(name) or ""
    zh, found, en = name.partition(" (")
    if not found or written_in(zh) != "zh":
        return name, name
    return zh, en.rstrip(")")


def publisher(name, lang: str) -> str:
    """A publisher in ``lang``: the Chinese name in Chinese; in English the English name, the
    Chinese one after it in brackets.

    >>> publisher("中国互联网络信息中心 (CNNIC)", "en"), publisher("中国互联网络信息中心 (CNNIC)", "zh")
    ('CNNIC (中国互联网络信息中心)', '中国互联网络信息中心')
    """
    zh, en = publisher_names(name)
    return pick(lang, zh, en if en == zh else f"{en} ({zh})")


def _str(x) -> str | None:
    return x if isinstance(x, str) and x else None


def _sources() -> pd.DataFrame:
    return data.table("sources").set_index("source_id")


def source_line(source_ids, lang: str) -> str:
    """'数据来源：…' / 'Source: …' for the sources of the plotted rows, in order of appearance."""
    names = list(dict.fromkeys(source_name(s, lang) for s in source_ids))
    return pick(lang, "数据来源：" + "；".join(names),
                ("Sources: " if len(names) > 1 else "Source: ") + "; ".join(names))


