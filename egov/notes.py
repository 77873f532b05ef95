"""The report's tables that are not charts: the edition's figures (overview) and the data
notes (observations by status, source cleaning, corrections, derived values, gaps, consistency
checks, sources), with the counts their paragraphs cite.

Each table function returns a :class:`Table` in ``lang``; :class:`egov.section.Section`
displays it with its CSV download. The sentences around them are in the templates
(``egov/narrative/overview.*``, ``data_notes.*``).
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from egov import checks, data, periods, source
from egov.credits import publisher, source_name, source_title
from egov.i18n import indicator_name, labels, paren, pick, quantity, status
from egov.tables import numbers


class Table(NamedTuple):
    frame: pd.DataFrame
    table_id: str
    source: str


def _article_line(lang: str) -> str:
    return pick(lang, "数据来源：", "Source: ") + source_name("qianzhan2020", lang)


# =========================================================================== overview

def edition_figures(obs: pd.DataFrame, lang: str, as_of: str) -> Table:
    """Every figure the data has for the edition (its own period, a day in it, or its year),
    by section: what ``egov editions`` lists, as a reader's table."""
    d = obs[(obs["status"] != "gap") & obs["period"].map(lambda p: periods.at(p, as_of)).astype(bool)]
    d = d.drop_duplicates(["indicator_id", "breakdown", "period"], keep="first")
    order = {b: i for i, b in enumerate(data.table("breakdowns").sort_values("order")["breakdown"])}
    sec = {b: i for i, b in enumerate(data.table("sections").sort_values("order")["section"])}
    ind = {b: i for i, b in enumerate(data.table("indicators")["indicator_id"])}
    d = d.assign(_s=d["section"].astype(str).map(sec), _i=d["indicator_id"].map(ind),
                 _o=d["breakdown"].map(order)).sort_values(["_s", "_i", "_o", "period"], kind="stable")
    lab = labels(lang)
    table = pd.DataFrame({
        pick(lang, "板块", "section"): [lab["sections"][s] for s in d["section"]],
        pick(lang, "指标", "indicator"): [indicator_name(i, b, lang) for i, b in zip(d["indicator_id"], d["breakdown"])],
        pick(lang, "时期", "period"): list(d["period"]),
        pick(lang, "数值", "value"): [quantity(v, u, lang, q if isinstance(q, str) else None)
                                     for v, u, q in zip(d["value"], d["unit"], d["qualifier"])],
        pick(lang, "状态", "status"): [status(s, lang) for s in d["status"]],
        pick(lang, "来源", "source"): [source_name(s, lang) for s in d["source_id"]],
    }).reset_index(drop=True)
    return Table(table, "figures", pick(lang, "数据来源：见表内", "Sources: as listed in the table"))


# =========================================================================== data notes

def counts() -> dict[str, int]:
    """Observations in all, from the article by status, from reference sources, known gaps."""
    obs = data.observations()
    art, ref = obs["origin"] == "article", obs["origin"] == "reference"
    out = {"all": len(obs), "article": int(art.sum()), "reference": int(ref.sum()),
           "gaps": int((ref & (obs["status"] == "gap")).sum())}
    out.update({k: int((art & (obs["status"] == k)).sum()) for k in ("reported", "derived", "corrected")})
    return out


def status_table(lang: str) -> Table:
    obs = data.observations()
    t = obs.groupby(["origin", "status"], observed=True).size().rename("n").reset_index()
    return Table(pd.DataFrame({
        pick(lang, "来源", "origin"): [pick(lang, "文章", "article") if o == "article" else pick(lang, "参考来源", "reference")
                                     for o in t["origin"]],
        pick(lang, "状态", "status"): [status(s, lang) for s in t["status"]],
        pick(lang, "观测数", "observations"): list(t["n"].astype(int)),
    }), "observations", "data/observations.csv, data/reference_observations.csv")


def cleaning() -> dict[str, int]:
    """What each cleaning step changed: readings removed, characters converted, advertising
    dropped, and the sections the clean text splits into."""
    raw = source.read_raw("article")
    stripped = source.strip_readings(raw)
    simplified = source.to_simplified(stripped)
    cut = simplified.find(source.BOILERPLATE_START)
    return {"readings": len(source.PINYIN_READING.findall(raw)),
            "converted": sum(a != b for a, b in zip(stripped, simplified)),
            "dropped": len(simplified) - cut if cut >= 0 else 0, "sections": len(source.article().sections)}


def _clean_line(line: str) -> str:
    return source.to_simplified(source.strip_readings(line))


def _excerpt(raw_line: str, lo: int, hi: int) -> str:
    """The raw stretch (readings kept, Traditional characters) that cleans to ``clean[lo:hi]``.

    Readings are the only characters cleaning removes (OpenCC's t2s maps one character to one),
    so the kept characters' raw positions map the clean text back onto the raw line.
    """
    removed = set()
    for m in source.PINYIN_READING.finditer(raw_line):
        removed.update(range(m.start(), m.end()))
    kept = [k for k in range(len(raw_line)) if k not in removed]
    if len(kept) != len(_clean_line(raw_line)) or hi <= lo:
        return source.strip_readings(raw_line)[lo:hi]
    end = kept[hi - 1] + 1
    while end in removed:  # keep the reading of the last character
        end += 1
    return raw_line[kept[lo]:end]


def cleaning_table(lang: str) -> Table:
    """The sentences holding misprinted figures, as received and cleaned."""
    obs = data.observations()
    printed = [p for p in obs.loc[obs["status"] == "corrected", "printed"].dropna().unique()]
    rows = []
    for line in source.read_raw("article").splitlines():
        clean = _clean_line(line)
        hits = [p for p in printed if p in clean]
        if not hits:
            continue
        i = clean.find(hits[0])
        lo, hi = max(0, i - 24), min(len(clean), i + len(hits[0]) + 6)
        rows.append({pick(lang, "原文（收到时）", "as received"): "…" + _excerpt(line, lo, hi) + "…",
                     pick(lang, "清洗后", "cleaned"): "…" + clean[lo:hi] + "…",
                     pick(lang, "印刷有误的数字", "misprinted figure"): pick(lang, "、", ", ").join(hits)})
    return Table(pd.DataFrame(rows), "cleaning", _article_line(lang))


def _rows(status_: str) -> pd.DataFrame:
    obs = data.observations()
    return obs[obs["status"] == status_].sort_values(["origin", "section", "indicator_id", "breakdown", "period"])


def results(lang: str) -> list[checks.Result]:
    return checks.run(lang=lang)


def _verdict(r: checks.Result | None, lang: str) -> str:
    """A rule's result in the reader's words: 'holds: both sides are 14,467'."""
    if r is None:
        return pick(lang, "无此规则", "no such rule")
    return (pick(lang, "成立：", "holds: ") if r.passed else pick(lang, "不成立：", "fails: ")) + r.said


def corrections_table(lang: str) -> Table:
    """Every corrected value: as printed, as corrected, the rule that proves it and its result."""
    rows, found = _rows("corrected"), {r.rule_id: r for r in results(lang)}
    rules, lab = data.table("rules").set_index("rule_id"), labels(lang)
    return Table(pd.DataFrame({
        pick(lang, "指标", "indicator"): [indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])],
        pick(lang, "时期", "period"): list(rows["period"]),
        pick(lang, "原文印作", "printed"): list(rows["printed"]),
        pick(lang, "更正为", "corrected to"): numbers(rows["value"]),
        pick(lang, "单位", "unit"): [lab["units"][u] for u in rows["unit"]],
        pick(lang, "规则", "rule"): list(rows["rule"]),
        pick(lang, "依据", "why"): [rules.loc[r, f"description_{lang}"] for r in rows["rule"]],
        pick(lang, "检查结果", "check"): [_verdict(found.get(r), lang) for r in rows["rule"]],
        pick(lang, "原文引句", "quote"): list(rows["quote"]),
    }).reset_index(drop=True), "corrections", _article_line(lang))


def derived_table(lang: str) -> Table:
    """Every value worked out by a rule rather than quoted."""
    rows, rules, lab = _rows("derived"), data.table("rules").set_index("rule_id"), labels(lang)
    return Table(pd.DataFrame({
        pick(lang, "指标", "indicator"): [indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])],
        pick(lang, "时期", "period"): list(rows["period"]),
        pick(lang, "数值", "value"): numbers(rows["value"]),
        pick(lang, "单位", "unit"): [lab["units"][u] for u in rows["unit"]],
        pick(lang, "规则", "rule"): list(rows["rule"]),
        pick(lang, "依据", "how"): [rules.loc[r, f"description_{lang}"] if r in rules.index else "" for r in rows["rule"]],
        pick(lang, "来源", "source"): [source_name(s, lang) for s in rows["source_id"]],
    }).reset_index(drop=True), "derived", pick(lang, "数据来源：见表内", "Sources: as listed in the table"))


def gaps_table(lang: str) -> Table:
    """The known gaps: periods where nothing trustworthy was found. The curators' notes on the
    search are written in English, so only the English report shows them."""
    rows = _rows("gap")
    table = pd.DataFrame({
        pick(lang, "指标", "indicator"): [indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])],
        pick(lang, "时期", "period"): list(rows["period"]),
        pick(lang, "查找过的来源", "source searched"): [source_name(s, lang) for s in rows["source_id"]],
    })
    if lang == "en":
        table["note"] = [n if isinstance(n, str) else "" for n in rows["note"]]
    return Table(table.reset_index(drop=True), "gaps", pick(lang, "数据来源：见表内", "Sources: as listed in the table"))


def checks_table(lang: str) -> Table:
    """Every consistency rule and its result."""
    found = results(lang)
    return Table(pd.DataFrame({
        pick(lang, "规则", "rule"): [r.rule_id for r in found],
        pick(lang, "内容", "description"): [r.description for r in found],
        pick(lang, "结果", "result"): [pick(lang, "成立", "holds") if r.passed else pick(lang, "不成立", "fails") for r in found],
        pick(lang, "核对", "what it found"): [r.said for r in found],
    }), "checks", pick(lang, "规则：data/rules.csv 与 egov.checks", "Rules: data/rules.csv and egov.checks"))


def sources_table(lang: str) -> Table:
    """Every source: its title in ``lang``, with the original after it when that is in the other
    language, its publisher, date and where it can be read."""
    s = data.table("sources")
    return Table(pd.DataFrame({
        "id": list(s["source_id"]),
        pick(lang, "标题", "title"): [_titled(i, lang) for i in s["source_id"]],
        pick(lang, "发布者", "publisher"): [publisher(x, lang) for x in s["publisher"]],
        pick(lang, "日期", "date"): [x if isinstance(x, str) else "" for x in s["date"]],
        "URL": [x if isinstance(x, str) else "" for x in s["url"]],
    }), "sources", "data/sources.csv")


def _titled(source_id: str, lang: str) -> str:
    title, original = source_title(source_id, lang)
    return title + (paren(original, lang) if original else "")


#: The tables a notebook can show, by id.
TABLES = {"observations": status_table, "cleaning": cleaning_table,
          "corrections": corrections_table, "derived": derived_table, "gaps": gaps_table,
          "checks": checks_table, "sources": sources_table}
