"""The report's tables that are not charts: the edition's figures (overview) and the data
notes (observations by status, source cleaning, corrections, derived values, gaps, consistency
checks, sources), with the counts their paragraphs cite.

Each table function returns a :class:`Table` in ``lang``: a compact reader's table
(:mod:`egov.tables`) whose CSV download, its ``tidy`` frame, holds every column (rule ids,
sources, quotes); :class:`egov.section.Section` displays it. The sentences around them are in
the templates (``egov/narrative/overview.*``, ``data_notes.*``).
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from egov import checks, data, periods, source, tables
from egov.credits import publisher, source_line, source_name, source_title
from egov.i18n import indicator_name, labels, paren, period, pick, status
from egov.tables import numbers


class Table(NamedTuple):
    """A table of the notes; ``printed``: whether the PDF shows it (it does unless the
    paragraph above it already states every number in it)."""

    table: tables.Table
    table_id: str
    source: str
    printed: bool = True


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
    written = tables.quantities(d, lang)
    frame = pd.DataFrame({
        pick(lang, "指标", "indicator"): [indicator_name(i, b, lang) for i, b in zip(d["indicator_id"], d["breakdown"])],
        pick(lang, "板块", "section"): [lab["sections"][s] for s in d["section"]],
        pick(lang, "时期", "period"): [period(p, lang, short=True) for p in d["period"]],
        pick(lang, "数值", "value"): written,
        pick(lang, "状态", "status"): [status(s, lang) for s in d["status"]],
        pick(lang, "来源", "source"): [source_name(s, lang) for s in d["source_id"]],
    }).reset_index(drop=True)
    full = frame.assign(**{frame.columns[2]: list(d["period"]), frame.columns[3]: numbers(d["value"])})
    full.insert(4, pick(lang, "单位", "unit"), [lab["units"][u] for u in d["unit"]])
    return Table(tables.records(frame, lang, group=frame.columns[1], kinds={frame.columns[3]: "number"},
                                tidy=full), "figures",
                 pick(lang, "数据来源：见表内", "Sources: as listed in the table"))


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
    """Observations by origin (the article, reference sources) and status."""
    obs = data.observations()
    t = obs.groupby(["origin", "status"], observed=True).size().rename("n").reset_index()
    frame = pd.DataFrame({
        pick(lang, "状态", "status"): [status(s, lang) for s in t["status"]],
        pick(lang, "来源", "origin"): [pick(lang, "文章", "The article") if o == "article"
                                      else pick(lang, "参考来源", "Reference sources") for o in t["origin"]],
        pick(lang, "观测数", "observations"): list(t["n"].astype(int)),
    })
    # the introduction states each of these counts, so the PDF leaves the table out
    return Table(tables.records(frame, lang, group=frame.columns[1]), "observations",
                 "data/observations.csv, data/reference_observations.csv", printed=False)


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
        lo, hi = max(0, i - 16), min(len(clean), i + len(hits[0]) + 4)
        rows.append({pick(lang, "印刷有误的数字", "misprinted figure"): pick(lang, "、", ", ").join(hits),
                     pick(lang, "原文（收到时）", "as received"): "…" + _excerpt(line, lo, hi) + "…",
                     pick(lang, "清洗后", "cleaned"): "…" + clean[lo:hi] + "…"})
    return Table(tables.records(pd.DataFrame(rows), lang), "cleaning", _article_line(lang))


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
    """Every corrected value: as corrected, why (the rule, which says how it was printed; its id
    under the name) and the rule's result. The CSV adds the period, the unit, the figure as
    printed and the sentence quoted."""
    rows, found = _rows("corrected"), {r.rule_id: r for r in results(lang)}
    rules, lab = data.table("rules").set_index("rule_id"), labels(lang)
    names = [indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])]
    why = [rules.loc[r, f"description_{lang}"] for r in rows["rule"]]
    verdicts = [_verdict(found.get(r), lang) for r in rows["rule"]]
    indicator, rule = pick(lang, "指标", "indicator"), pick(lang, "规则", "rule")
    written = tables.quantities(rows, lang)
    shown = pd.DataFrame({
        indicator: [n + pick(lang, "，", ", ") + period(p, lang) for n, p in zip(names, rows["period"])],
        rule: list(rows["rule"]),
        pick(lang, "更正为", "corrected to"): written,
        pick(lang, "依据", "why"): why,
        pick(lang, "检查结果", "check"): verdicts,
    })
    full = pd.DataFrame({
        indicator: names,
        pick(lang, "时期", "period"): list(rows["period"]),
        pick(lang, "原文印作", "printed"): list(rows["printed"]),
        pick(lang, "更正为", "corrected to"): numbers(rows["value"]),
        pick(lang, "单位", "unit"): [lab["units"][u] for u in rows["unit"]],
        rule: list(rows["rule"]),
        pick(lang, "依据", "why"): why,
        pick(lang, "检查结果", "check"): verdicts,
        pick(lang, "原文引句", "quote"): list(rows["quote"]),
    })
    table = tables.records(shown, lang, sub=rule, kinds={shown.columns[2]: "number"}, tidy=full)
    return Table(table, "corrections", _article_line(lang))


def derived_table(lang: str) -> Table:
    """Every value worked out by a rule rather than quoted: what, when, the value and how (the
    rule, its id under the name). The CSV adds the unit and the source."""
    rows, rules, lab = _rows("derived"), data.table("rules").set_index("rule_id"), labels(lang)
    names = [indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])]
    how = [rules.loc[r, f"description_{lang}"] if r in rules.index else "" for r in rows["rule"]]
    indicator, rule, how_name = pick(lang, "指标", "indicator"), pick(lang, "规则", "rule"), pick(lang, "依据", "how")
    written = tables.quantities(rows, lang)
    shown = pd.DataFrame({
        indicator: names, rule: list(rows["rule"]),
        pick(lang, "时期", "period"): [period(p, lang, short=True) for p in rows["period"]],
        pick(lang, "数值", "value"): written, how_name: how,
    })
    full = pd.DataFrame({
        indicator: names,
        pick(lang, "时期", "period"): list(rows["period"]),
        pick(lang, "数值", "value"): numbers(rows["value"]),
        pick(lang, "单位", "unit"): [lab["units"][u] for u in rows["unit"]],
        rule: list(rows["rule"]), how_name: how,
        pick(lang, "来源", "source"): [source_name(s, lang) for s in rows["source_id"]],
    })
    table = tables.records(shown, lang, sub=rule, kinds={shown.columns[3]: "number"}, tidy=full)
    return Table(table, "derived", source_line(rows["source_id"], lang))


def gaps_table(lang: str) -> Table:
    """The known gaps: periods where nothing trustworthy was found. The curators' notes on the
    search are written in English, so only the English report shows them."""
    rows = _rows("gap")
    frame = pd.DataFrame({
        pick(lang, "指标", "indicator"): [indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])],
        pick(lang, "时期", "period"): [period(p, lang, short=True) for p in rows["period"]],
        pick(lang, "查找过的来源", "source searched"): [source_name(s, lang) for s in rows["source_id"]],
    })
    if lang == "en":
        frame["note"] = [n if isinstance(n, str) else "" for n in rows["note"]]
    return Table(tables.records(frame.reset_index(drop=True), lang), "gaps",
                 pick(lang, "数据来源：见表内", "Sources: as listed in the table"))


def checks_table(lang: str) -> Table:
    """Every consistency rule (its id under it) and what checking it found, in the reader's
    words."""
    found = results(lang)
    rule = pick(lang, "规则", "rule")
    frame = pd.DataFrame({
        pick(lang, "检查", "check"): [r.description for r in found],
        rule: [r.rule_id for r in found],
        pick(lang, "结果", "result"): [_verdict(r, lang) for r in found],
    })
    return Table(tables.records(frame, lang, sub=rule), "checks",
                 pick(lang, "规则：data/rules.csv 与 egov.checks", "Rules: data/rules.csv and egov.checks"))


def sources_table(lang: str) -> Table:
    """Every source: its title in ``lang``, with the original after it when that is in the other
    language (its id under it), its publisher, date and where it can be read."""
    s = data.table("sources")
    frame = pd.DataFrame({
        pick(lang, "来源", "source"): [_titled(i, lang) for i in s["source_id"]],
        "id": list(s["source_id"]),
        pick(lang, "发布者", "publisher"): [publisher(x, lang) for x in s["publisher"]],
        pick(lang, "日期", "date"): [x if isinstance(x, str) else "" for x in s["date"]],
        pick(lang, "网址", "URL"): [x if isinstance(x, str) else "" for x in s["url"]],
    })
    return Table(tables.records(frame, lang, sub="id", kinds={frame.columns[4]: "url"}), "sources", "data/sources.csv")


def _titled(source_id: str, lang: str) -> str:
    title, original = source_title(source_id, lang)
    return title + (paren(original, lang) if original else "")


#: The tables a notebook can show, by id.
TABLES = {"observations": status_table, "cleaning": cleaning_table,
          "corrections": corrections_table, "derived": derived_table, "gaps": gaps_table,
          "checks": checks_table, "sources": sources_table}
