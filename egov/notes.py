"""The report's tables and prose that are not charts: the overview's headline figures and the
data notes (source cleaning, corrections, derived values, gaps, consistency checks, sources).

Each function displays its part in a notebook (IPython) in ``lang``; every number in a
sentence is counted or read from the data, never typed.
"""

from __future__ import annotations

import pandas as pd

from egov import checks, data, markup, source
from egov import text as tx
from egov.plots import _numbers, show_table, source_name

_ZH, _EN = "zh", "en"


def _article_source() -> pd.Series:
    s = data.table("sources")
    return s[s["raw_file"] == "article"].iloc[0]


# =========================================================================== overview

def overview_title(lang: str) -> None:
    """H1: the article's title (Chinese, from the cleaned article) or its English rendering."""
    tx.markdown("# " + tx.pick(lang, markup.md(source.article().title), "Ten charts on China's internet e-government in 2020"))


def overview_introduction(lang: str, as_of: str) -> None:
    """What this report is, whose article it reproduces, and the period it reports on."""
    a = _article_source()
    title, date = markup.md(a["title"]), a["date"]
    name = markup.md(source_name(a["source_id"], lang))
    when = tx.period_label(as_of, lang)
    if lang == _ZH:
        tx.markdown(f"本报告以可复现的方式重现{name}发表的文章《{title}》（{tx.period_label(date, lang)}）。"
            "文章里的每个数字都整理成带来源和原文引句的数据表，图表和文字均由数据生成；"
            "另补充公开来源的参考数据：此前各期的统计，以及联合国电子政务调查的各国数据。"
            f"报告时点为{when}。数据的清洗、更正和一致性检查见“数据说明”一节。")
    else:
        note = markup.md(a["note"]) if isinstance(a["note"], str) else ""
        tx.markdown(f"This report reproduces the article “{title}” (*Ten charts on China's internet e-government "
            f"in 2020*) by {name}, published {tx.period_label(date, lang)}, as open, checkable data. {note} "
            "Every figure in the article is a row of a data table with its source and the sentence it "
            "came from; every chart and sentence here is generated from those tables. Reference data from "
            "public sources adds earlier periods and the UN E-Government Survey for all countries. "
            f"The report is as of {when}. The data notes show how the text was cleaned, every correction "
            "and the consistency checks.")


def headline_table(obs: pd.DataFrame, lang: str, as_of: str, notebook: str = "00_overview") -> None:
    """The article's figures for as_of among the observations read (by indicator order)."""
    art = obs[(obs["origin"] == "article") & (obs["status"] != "gap")]
    rows = pd.concat([tx.at(g, as_of) for _, g in art.groupby("indicator_id", sort=False)]) if not art.empty else art
    if rows.empty:
        tx.markdown("*" + tx.pick(lang, f"数据中没有{tx.period_label(as_of, lang)}的文章数据。",
                     f"The data has no figures from the article for {tx.period_label(as_of, lang)}.") + "*")
        return
    lab = tx.labels(lang)
    order = {b: i for i, b in enumerate(data.table("breakdowns").sort_values("order")["breakdown"])}
    sec = {b: i for i, b in enumerate(data.table("sections").sort_values("order")["section"])}
    ind = {b: i for i, b in enumerate(data.table("indicators")["indicator_id"])}
    rows = rows.assign(_s=rows["section"].astype(str).map(sec), _i=rows["indicator_id"].map(ind),
                       _o=rows["breakdown"].map(order)).sort_values(["_s", "_i", "_o"], kind="stable")
    table = pd.DataFrame({
        tx.pick(lang, "板块", "section"): [lab["sections"][s] for s in rows["section"]],
        tx.pick(lang, "指标", "indicator"): [tx.indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])],
        tx.pick(lang, "时期", "period"): list(rows["period"]),
        tx.pick(lang, "数值", "value"): [tx.quantity(v, u, lang, q if isinstance(q, str) else None)
                                    for v, u, q in zip(rows["value"], rows["unit"], rows["qualifier"])],
        tx.pick(lang, "状态", "status"): [tx.STATUS[lang][s] for s in rows["status"]],
    }).reset_index(drop=True)
    show_table(table, notebook, "headlines", tx.pick(lang, "数据来源：", "Source: ") + source_name("qianzhan2020", lang))


def contents(lang: str) -> None:
    """The report's parts, in reading order, from the sections table."""
    secs = data.table("sections").sort_values("order")
    names = list(secs[f"name_{lang}"])
    extra = [tx.pick(lang, "国际比较：中国与对比国家", "International comparison: China and its peers"),
             tx.pick(lang, "数据说明：清洗、更正与一致性检查", "Data notes: cleaning, corrections and consistency checks")]
    tx.markdown("\n".join(f"{i}. {markup.md(n)}" for i, n in enumerate(names + extra, start=1)))


# =========================================================================== data notes

def title(lang: str) -> None:
    tx.markdown("# " + tx.pick(lang, "数据说明", "Data notes"))


def introduction(lang: str) -> None:
    """How many observations, from where, of which status."""
    obs = data.observations()
    n = lambda m: int(m.sum())  # noqa: E731
    art, ref = obs["origin"] == "article", obs["origin"] == "reference"
    st = obs["status"]
    c = {k: n(art & (st == k)) for k in ("reported", "derived", "corrected")}
    g = n(ref & (st == "gap"))
    if lang == _ZH:
        tx.markdown(f"数据共有{len(obs)}条观测。其中{n(art)}条来自文章：{c['reported']}条直接引用，{c['derived']}条由规则推算，"
            f"{c['corrected']}条因印刷错误按规则更正；{n(ref)}条来自公开的参考来源，其中{g}条是已知缺口（没有找到可信数值，"
            "不作猜测）。每条观测都记录了来源和原文引句，图表中的任何数字都能追溯到原句。")
    else:
        tx.markdown(f"The data holds {len(obs)} observations. {n(art)} come from the article: {c['reported']} quoted as "
            f"printed, {c['derived']} worked out by a rule and {c['corrected']} corrected by a rule because the "
            f"printed figure is wrong. {n(ref)} come from public reference sources, {g} of them known gaps "
            "(nothing trustworthy found, and nothing guessed). Every observation keeps its source and the "
            "sentence it was read from, so any number in a chart leads back to its sentence.")
    table = (obs.groupby(["origin", "status"], observed=True).size().rename("n").reset_index())
    table = pd.DataFrame({
        tx.pick(lang, "来源", "origin"): [tx.pick(lang, "文章", "article") if o == "article" else tx.pick(lang, "参考来源", "reference")
                                     for o in table["origin"]],
        tx.pick(lang, "状态", "status"): [tx.STATUS[lang][s] for s in table["status"]],
        tx.pick(lang, "观测数", "observations"): list(table["n"].astype(int)),
    })
    from IPython.display import display

    display(table)


def cleaning(lang: str, notebook: str = "07_data_notes") -> None:
    """The article as received → clean Simplified Chinese: what each step changed."""
    raw = source.read_raw("article")
    readings = source.PINYIN_READING.findall(raw)
    stripped = source.strip_readings(raw)
    simplified = source.to_simplified(stripped)
    changed = sum(a != b for a, b in zip(stripped, simplified))
    cut = simplified.find(source.BOILERPLATE_START)
    dropped = len(simplified) - cut if cut >= 0 else 0
    art = source.article()
    tx.markdown("## " + tx.pick(lang, "原文清洗", "Cleaning the article"))
    if lang == _ZH:
        tx.markdown(f"收到的文章是繁体字，许多字后面带有括号注音（如“聯(lián)”）。清洗分三步，全部由程序完成、可重复："
            f"删去{len(readings)}处注音；用OpenCC把{changed}个繁体字转换为简体字；删去文末{dropped}个字符的广告。"
            f"清洗后的正文按小标题分成{len(art.sections)}个板块。原始文件只读、按SHA-256校验，从不手工修改。")
    else:
        tx.markdown(f"The article arrived in Traditional characters, many followed by a pinyin reading in brackets "
            f"(“聯(lián)”). Cleaning is three repeatable steps done by code: {len(readings)} readings removed; "
            f"{changed} Traditional characters converted to Simplified with OpenCC; the closing advertisement "
            f"({dropped} characters) dropped. The clean text splits at its headings into {len(art.sections)} "
            "sections. The raw file is read-only and checked against its SHA-256; it is never edited by hand.")
    obs = data.observations()
    printed = [p for p in obs.loc[obs["status"] == "corrected", "printed"].dropna().unique()]
    rows = []
    for line in raw.splitlines():
        clean = _clean_line(line)
        hits = [p for p in printed if p in clean]
        if not hits:
            continue
        i = clean.find(hits[0])
        lo, hi = max(0, i - 24), min(len(clean), i + len(hits[0]) + 6)
        rows.append({tx.pick(lang, "原文（收到时）", "as received"): "…" + _excerpt(line, lo, hi) + "…",
                     tx.pick(lang, "清洗后", "cleaned"): "…" + clean[lo:hi] + "…",
                     tx.pick(lang, "印刷有误的数字", "misprinted figure"): "、".join(hits) if lang == _ZH else ", ".join(hits)})
    if rows:
        tx.markdown(tx.pick(lang, "下表是含有印刷错误数字的句子，清洗前后对照（更正见下一节）：",
               "The sentences holding misprinted figures, before and after cleaning (the corrections follow):"))
        show_table(pd.DataFrame(rows), notebook, "cleaning", tx.pick(lang, "数据来源：", "Source: ") + source_name("qianzhan2020", lang))


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


def _results(lang: str) -> dict[str, checks.Result]:
    return {r.rule_id: r for r in checks.run(lang=lang)}


def _obs_rows(lang: str, status: str) -> pd.DataFrame:
    obs = data.observations()
    return obs[obs["status"] == status].sort_values(["origin", "section", "indicator_id", "breakdown", "period"])


def corrections(lang: str, notebook: str = "07_data_notes") -> None:
    """Every corrected value: as printed, as corrected, the rule that proves it and its result."""
    rows = _obs_rows(lang, "corrected")
    results = _results(lang)
    rules = data.table("rules").set_index("rule_id")
    tx.markdown("## " + tx.pick(lang, "更正", "Corrections"))
    tx.markdown(tx.pick(lang, f"文章中有{len(rows)}个数字印刷有误：抓取网页时丢失的图注、脚注编号粘连在数字上，或前后文自相矛盾。"
                 "每一处都按一条一致性规则更正，规则和它的检查结果列在下表：",
           f"{len(rows)} figures in the article are misprinted: figure or footnote markers lost in scraping "
           "stuck to the numbers, or the text contradicts itself. Each is corrected by a consistency rule; "
           "the rule and its result are listed below:"))
    lab = tx.labels(lang)
    table = pd.DataFrame({
        tx.pick(lang, "指标", "indicator"): [tx.indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])],
        tx.pick(lang, "时期", "period"): list(rows["period"]),
        tx.pick(lang, "原文印作", "printed"): list(rows["printed"]),
        tx.pick(lang, "更正为", "corrected to"): _numbers(rows["value"]),
        tx.pick(lang, "单位", "unit"): [lab["units"][u] for u in rows["unit"]],
        tx.pick(lang, "规则", "rule"): list(rows["rule"]),
        tx.pick(lang, "依据", "why"): [rules.loc[r, f"description_{lang}"] for r in rows["rule"]],
        tx.pick(lang, "检查", "check"): [_verdict(results.get(r), lang) for r in rows["rule"]],
        tx.pick(lang, "原文引句", "quote"): list(rows["quote"]),
    }).reset_index(drop=True)
    show_table(table, notebook, "corrections", tx.pick(lang, "数据来源：", "Source: ") + source_name("qianzhan2020", lang))


def _verdict(r: checks.Result | None, lang: str) -> str:
    if r is None:
        return tx.pick(lang, "无此规则", "no such rule")
    return (tx.pick(lang, "通过：", "pass: ") if r.passed else tx.pick(lang, "未通过：", "FAIL: ")) + r.detail


def derived(lang: str, notebook: str = "07_data_notes") -> None:
    """Every value worked out by a rule rather than quoted."""
    rows = _obs_rows(lang, "derived")
    rules = data.table("rules").set_index("rule_id")
    tx.markdown("## " + tx.pick(lang, "推算值", "Derived values"))
    tx.markdown(tx.pick(lang, f"{len(rows)}个数值不是直接引用，而是由其他数值按规则推算（如部分之和、总数减部分）：",
           f"{len(rows)} values are not quoted but worked out from others by a rule (parts adding up, a total less a part):"))
    lab = tx.labels(lang)
    table = pd.DataFrame({
        tx.pick(lang, "指标", "indicator"): [tx.indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])],
        tx.pick(lang, "时期", "period"): list(rows["period"]),
        tx.pick(lang, "数值", "value"): _numbers(rows["value"]),
        tx.pick(lang, "单位", "unit"): [lab["units"][u] for u in rows["unit"]],
        tx.pick(lang, "规则", "rule"): list(rows["rule"]),
        tx.pick(lang, "依据", "how"): [rules.loc[r, f"description_{lang}"] if r in rules.index else "" for r in rows["rule"]],
        tx.pick(lang, "来源", "source"): [source_name(s, lang) for s in rows["source_id"]],
    }).reset_index(drop=True)
    show_table(table, notebook, "derived", tx.pick(lang, "数据来源：见表内", "Sources: as listed in the table"))


def gaps(lang: str, notebook: str = "07_data_notes") -> None:
    """The known gaps: periods where nothing trustworthy was found."""
    rows = _obs_rows(lang, "gap")
    tx.markdown("## " + tx.pick(lang, "已知缺口", "Known gaps"))
    tx.markdown(tx.pick(lang, f"以下{len(rows)}处没有找到可信的数值，数据中留空，图表中标为“无数据”，从不猜测填补：",
           f"For these {len(rows)} nothing trustworthy was found: the data leaves them empty, charts mark them "
           "'no data', and nothing is guessed:"))
    table = pd.DataFrame({
        tx.pick(lang, "指标", "indicator"): [tx.indicator_name(i, b, lang) for i, b in zip(rows["indicator_id"], rows["breakdown"])],
        tx.pick(lang, "时期", "period"): list(rows["period"]),
        tx.pick(lang, "查找过的来源", "source searched"): [source_name(s, lang) for s in rows["source_id"]],
        tx.pick(lang, "说明", "note"): [n if isinstance(n, str) else "" for n in rows["note"]],
    }).reset_index(drop=True)
    show_table(table, notebook, "gaps", tx.pick(lang, "数据来源：见表内", "Sources: as listed in the table"))


def consistency(lang: str, notebook: str = "07_data_notes") -> None:
    """Every consistency rule and its result."""
    results = checks.run(lang=lang)
    failed = [r for r in results if not r.passed]
    tx.markdown("## " + tx.pick(lang, "一致性检查", "Consistency checks"))
    if lang == _ZH:
        tx.markdown(f"共{len(results)}条规则：部分之和等于总数、占比与数量相符、推算和更正的数值由规则重算、文章与参考来源一致、"
            f"联合国数据的排名与指数一致。{len(results) - len(failed)}条通过，{len(failed)}条未通过。")
    else:
        tx.markdown(f"{len(results)} rules: parts add up to totals, shares match counts, derived and corrected values "
            "recompute, the article and reference sources agree, and the UN data's ranks agree with its "
            f"values. {len(results) - len(failed)} pass, {len(failed)} fail.")
    table = pd.DataFrame({
        tx.pick(lang, "规则", "rule"): [r.rule_id for r in results],
        tx.pick(lang, "内容", "description"): [r.description for r in results],
        tx.pick(lang, "结果", "result"): [tx.pick(lang, "通过", "pass") if r.passed else tx.pick(lang, "未通过", "FAIL") for r in results],
        tx.pick(lang, "数值", "detail"): [r.detail for r in results],
    })
    show_table(table, notebook, "checks", tx.pick(lang, "规则：data/rules.csv 与 egov.checks", "Rules: data/rules.csv and egov.checks"))


def sources(lang: str, notebook: str = "07_data_notes") -> None:
    """The sources table."""
    s = data.table("sources")
    tx.markdown("## " + tx.pick(lang, "来源", "Sources"))
    tx.markdown(tx.pick(lang, f"数据共引用{len(s)}个来源：", f"The data cites {len(s)} sources:"))
    table = pd.DataFrame({
        "id": list(s["source_id"]),
        tx.pick(lang, "标题", "title"): list(s["title"]),
        tx.pick(lang, "发布者", "publisher"): [x if isinstance(x, str) else "" for x in s["publisher"]],
        tx.pick(lang, "日期", "date"): [x if isinstance(x, str) else "" for x in s["date"]],
        "URL": [x if isinstance(x, str) else "" for x in s["url"]],
    })
    show_table(table, notebook, "sources", "data/sources.csv")
