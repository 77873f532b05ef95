"""Consistency rules: parts sum to totals, shares match counts, derived values recompute.

The arithmetic rules live in ``data/rules.csv`` as expressions over observations, written in
the one reference grammar of :mod:`egov.refs` with explicit periods
(``indicator[breakdown]@period``, ``[breakdown]`` omitted for the total), so the rule that
proves a correction sits beside the data it proves. Rules that need a whole table (UN ranks,
EGDI = mean of its sub-indices) are functions here.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from egov import data, i18n, refs
from egov.i18n import pick
from egov.schema import UNSIGNED_NUMBER, parse_number
from egov.source import DATA_DIR

_BINOPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
_COMPARE = {"==": None, "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
#: Rules are short sums and ratios: a longer expression, or one nested deeper (brackets and
#: signs), is refused before any work is done.
MAX_EXPRESSION_CHARS = 2_000
MAX_DEPTH = 40
_TOKEN = re.compile(rf"\s*(?:({UNSIGNED_NUMBER})|([-+*/()]))")


class ExpressionError(ValueError):
    """An expression that cannot be evaluated: not arithmetic, too long or deep, a division by
    zero, or a result that is not a finite number."""


@dataclass(frozen=True)
class Result:
    """One rule's outcome: ``detail`` gives the numbers that decided it as an analyst reads
    them (``egov check``), ``said`` the same in the reader's words and language (reports)."""

    rule_id: str
    description: str
    passed: bool
    detail: str
    said: str = ""


def references(expr: str) -> list[tuple[str, str, str]]:
    """The (indicator, breakdown, period) triples an expression reads.

    >>> references("a[level=x]@2020-06 + b@2019")
    [('a', 'level=x', '2020-06'), ('b', 'total', '2019')]
    """
    return [(r.indicator, r.breakdown, r.period) for r in _explicit(expr)]


def _explicit(expr: str) -> list[refs.Ref]:
    """The references of a rule: those naming a period (a bare name is left for
    :func:`arithmetic` to refuse); a selector is refused, since a rule holds for fixed periods."""
    found = [r for r in refs.find(expr) if r.period is not None]
    for r in found:
        if r.selector:
            raise refs.ReferenceError(f"{r}: a rule names an explicit period, not the selector "
                                      f"{r.period!r} (e.g. {r.indicator}@2020-06)")
    return found


def arithmetic(text: str) -> float:
    """Value of ``+ - * /``, signs and brackets over numbers; anything else (names, calls,
    Python literals such as ``1_000`` or ``0x10``) raises :class:`ExpressionError`.

    >>> round(arithmetic("100 * 861 / 897"), 2)
    95.99
    >>> arithmetic("1 / (2 - 2)")
    Traceback (most recent call last):
    ...
    egov.checks.ExpressionError: division by zero
    """
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(f"{len(text):,} characters, over the {MAX_EXPRESSION_CHARS:,}-character "
                              "limit for an expression")
    tokens, pos = [], 0
    while pos < len(text) and not text[pos:].isspace():
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ExpressionError(f"not allowed in an expression: {text[pos:].strip()[:40]!r}")
        tokens.append(m[1] or m[2])
        pos = m.end()
    value, i = _sum(tokens, 0, 0)
    if i < len(tokens):
        raise ExpressionError(f"unexpected {tokens[i]!r} after {' '.join(tokens[:i])[-40:]!r}")
    if not math.isfinite(value):
        raise ExpressionError("the result is not a finite number")
    return value


def _sum(tokens: list[str], i: int, depth: int) -> tuple[float, int]:
    value, i = _product(tokens, i, depth)
    while i < len(tokens) and tokens[i] in "+-":
        right, j = _product(tokens, i + 1, depth)
        value, i = _BINOPS[tokens[i]](value, right), j
    return value, i


def _product(tokens: list[str], i: int, depth: int) -> tuple[float, int]:
    value, i = _signed(tokens, i, depth)
    while i < len(tokens) and tokens[i] in "*/":
        right, j = _signed(tokens, i + 1, depth)
        if tokens[i] == "/" and right == 0:
            raise ExpressionError("division by zero")
        value, i = _BINOPS[tokens[i]](value, right), j
    return value, i


def _signed(tokens: list[str], i: int, depth: int) -> tuple[float, int]:
    sign = 1.0
    while i < len(tokens) and tokens[i] in ("+", "-"):
        sign, i, depth = (-sign if tokens[i] == "-" else sign), i + 1, depth + 1
        if depth > MAX_DEPTH:
            raise ExpressionError(f"nested deeper than {MAX_DEPTH} levels (brackets and signs)")
    if i >= len(tokens):
        raise ExpressionError("the expression ends where a number was expected")
    if tokens[i] == "(":
        if depth + 1 > MAX_DEPTH:
            raise ExpressionError(f"nested deeper than {MAX_DEPTH} levels (brackets and signs)")
        value, i = _sum(tokens, i + 1, depth + 1)
        if i >= len(tokens) or tokens[i] != ")":
            raise ExpressionError("a '(' is never closed")
        return sign * value, i + 1
    if tokens[i] in "*/)":
        raise ExpressionError(f"unexpected {tokens[i]!r} where a number was expected")
    try:
        return sign * parse_number(tokens[i]), i + 1
    except ValueError as err:
        raise ExpressionError(str(err)) from None


def evaluate(expr: str, obs: pd.DataFrame) -> float:
    """Value of a rule expression: references replaced by observed values, then + - * /."""
    _explicit(expr)
    return arithmetic(refs.substitute(expr, lambda r: str(r) if r.period is None else
                                      repr(data.value(obs, r.indicator, r.breakdown, r.period))))


def _rule_result(rule, obs: pd.DataFrame, lang: str) -> Result:
    desc = rule[f"description_{lang}"]
    sides = []
    for side in ("left", "right"):
        try:
            sides.append(evaluate(rule[side], obs))
        except KeyError as err:
            return Result(rule["rule_id"], desc, False, f"missing input: {err.args[0]}",
                          pick(lang, "缺少数据：", "a figure is missing: ") + str(err.args[0]))
        except (ExpressionError, refs.ReferenceError) as err:
            detail = f"cannot evaluate the {side} side {_clip(rule[side])!r}: {err}"
            return Result(rule["rule_id"], desc, False, detail, pick(lang, "规则无法计算：", "the rule cannot be worked out: ") + str(err))
    left, right = sides
    tolerance = float(rule["tolerance"])
    if rule["op"] == "==":
        ok = abs(left - right) <= tolerance + 1e-9
        detail = f"{left:,.6g} vs {right:,.6g} (difference {abs(left - right):.4g}, tolerance {tolerance:g})"
    else:
        ok = _COMPARE[rule["op"]](left, right)
        detail = f"{left:,.6g} {rule['op']} {right:,.6g}"
    return Result(rule["rule_id"], desc, bool(ok), detail, in_words(left, rule["op"], right, tolerance, bool(ok), lang))


def _num(x: float, lang: str) -> str:
    """A number as a reader of the checks writes it: 14,467 (14467 in Chinese), 6.228, 0.9913."""
    return i18n.digits(x, lang) if float(x).is_integer() and abs(x) < 1e15 else f"{x:.4g}"


#: How a comparison reads: (Chinese, English).
_SAID = {"<": ("小于", "is less than"), "<=": ("不超过", "is at most"), ">": ("大于", "is more than"),
         ">=": ("不少于", "is at least")}


def in_words(left: float, op: str, right: float, tolerance: float, passed: bool, lang: str) -> str:
    """A rule's outcome in the reader's words: what the two sides came to and why that passes.

    >>> in_words(14467, "==", 14467, 0, True, "en"), in_words(14467, "==", 14467, 0, True, "zh")
    ('both sides are 14,467', '两边均为14467')
    >>> in_words(6.22797, "==", 6.2, 0.05, True, "en")
    '6.228 against 6.2: within the 0.05 allowed'
    >>> in_words(14474, "<", 17962, 0, True, "zh")
    '14474小于17962'
    """
    a, b = _num(left, lang), _num(right, lang)
    if op != "==":
        zh, en = _SAID[op]
        holds = pick(lang, f"{a}{zh}{b}", f"{a} {en} {b}")
        return holds if passed else pick(lang, f"不成立：{holds}", f"does not hold: {holds}")
    if passed and left == right:
        return pick(lang, f"两边均为{a}", f"both sides are {a}")
    gap, allowed = _num(abs(left - right), lang), _num(tolerance, lang)
    if passed:
        return pick(lang, f"{a}与{b}之差在允许的{allowed}以内", f"{a} against {b}: within the {allowed} allowed")
    if tolerance:
        return pick(lang, f"{a}与{b}相差{gap}，超出允许的{allowed}", f"{a} against {b}: {gap} apart, more than the {allowed} allowed")
    return pick(lang, f"{a}与{b}不相等", f"{a} against {b}: not equal")


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n] + "…"


def same_expression(a: str, b: str) -> bool:
    """Whether two rule sides are the same expression (spacing, outer brackets and an explicit
    ``[total]`` aside): such a rule always holds, so it proves nothing.

    >>> same_expression("a@2020 + b[total]@2020", "(a@2020+b@2020)")
    True
    """
    def canonical(expr: str) -> str:
        text = re.sub(r"\s+", "", refs.substitute(expr, lambda r: f"{r.indicator}[{r.breakdown}]@{r.period}"))
        while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1]
        return text

    return canonical(a) == canonical(b)


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def _table_rule(rule_id: str, zh: str, en: str):
    """A rule over whole tables: the function returns (passed, detail, said), ``said`` the
    outcome in the reader's words as a (Chinese, English) pair; the description comes from
    here, and an input the data lacks makes it FAIL with the reason instead of raising."""
    def wrap(fn):
        @functools.wraps(fn)
        def result(*tables, lang: str) -> Result:
            try:
                passed, detail, said = fn(*tables)
            except KeyError as err:
                passed, detail = False, f"missing input: {err.args[0]}"
                said = (f"缺少数据：{err.args[0]}", f"a figure is missing: {err.args[0]}")
            except (TypeError, ValueError, ArithmeticError) as err:
                passed, detail = False, f"cannot be checked: {type(err).__name__}: {err}"
                said = (f"无法检查：{err}", f"cannot be checked: {err}")
            return Result(rule_id, pick(lang, zh, en), bool(passed), detail, pick(lang, *said))
        return result
    return wrap


def _listed(bad: list[str], zh: str, en: str) -> tuple[str, str]:
    """The reader's words for a whole-table rule: what disagrees, else what was found to agree."""
    return ("；".join(bad), "; ".join(bad)) if bad else (zh, en)


@_table_rule("un_ranks_agree_with_values", "联合国EGDI：各期排名与指数值一致", "UN EGDI: in every survey, ranks agree with values")
def _un_ranks(egdi: pd.DataFrame):
    """Within each survey, a higher EGDI never has a worse rank."""
    bad = []
    for year, g in egdi.dropna(subset=["egdi", "rank"]).groupby("year"):
        g = g.sort_values(["egdi", "rank"], ascending=[False, True])
        worse = g["rank"].to_numpy()[1:] < g["rank"].to_numpy()[:-1]
        if worse.any():
            bad.append(f"{year}: {int(worse.sum())} inversions")
    n = egdi["year"].nunique()
    return (not bad, "; ".join(bad) or f"{n} surveys, no inversions",
            _listed(bad, f"{n}期调查中，指数较高的国家排名从不靠后", f"in all {n} surveys, a higher index never has a worse rank"))


@_table_rule("un_egdi_is_mean", "联合国EGDI：2014年起EGDI等于三项分指数的平均值", "UN EGDI: from 2014, the EGDI is the mean of the OSI, HCI and TII")
def _un_mean(egdi: pd.DataFrame):
    """From 2014 the EGDI is the mean of OSI, HCI and TII (to the data's rounding)."""
    d = egdi[(egdi["year"] >= 2014)].dropna(subset=["egdi", "osi", "hci", "tii"])
    if d.empty:
        return False, "no survey from 2014 on with all four indices", ("2014年起没有四项指数齐全的调查",
                                                                          "no survey from 2014 on has all four indices")
    diff = (d["egdi"] - (d["osi"] + d["hci"] + d["tii"]) / 3).abs()
    worst = d.loc[diff.idxmax()]
    where = {lang: f"{i18n.country_name(worst['iso3'], lang)}, {worst['year']}" for lang in i18n.LANGS}
    return (diff.max() <= 1e-4, f"{len(d)} rows, largest difference {diff.max():.2g} ({worst['iso3']} {worst['year']})",
            (f"{len(d)}个国家和年份，最大差值为{diff.max():.6f}（{where['zh']}年）".replace(", ", "，"),
             f"{len(d):,} countries and years; the largest difference is {diff.max():.6f} ({where['en']})"))


@_table_rule("un_china_rows_agree", "联合国EGDI：全部国家表中的中国数据与经新闻核对的中国表一致",
             "UN EGDI: China's rows agree with the China table checked against news reports")
def _china_rows_agree(egdi: pd.DataFrame, china: pd.DataFrame):
    """China's rows in the all-countries table equal the separately corroborated China table."""
    all_rows = egdi[egdi["iso3"] == "CHN"].set_index("year")
    bad = [f"{r.year} {col}" for r in china.itertuples() for col, other in
           (("egdi", "egdi"), ("osi", "osi"), ("hci", "hci"), ("tii", "tii"), ("egdi_rank", "rank"))
           if not abs(float(getattr(r, col)) - float(all_rows.loc[r.year, other])) <= 1e-9]
    return (not bad, "; ".join(bad) or f"{len(china)} surveys × 5 values agree",
            _listed(bad, f"{len(china)}期调查的5个数值全部一致", f"all 5 values agree in each of the {len(china)} surveys"))


@_table_rule("article_matches_un", "文章的EGDI及排名与联合国数据一致", "The article's EGDI and ranks match the UN data")
def _article_matches_un(obs: pd.DataFrame, egdi: pd.DataFrame):
    china = egdi[egdi["iso3"] == "CHN"].set_index("year")
    pairs = [(ind, int(p), data.value(obs, ind, period=p), china.loc[int(p), col])
             for ind, col in (("egdi", "egdi"), ("egdi_rank", "rank")) for p in ("2018", "2020")]
    bad = [f"{i} {p}: article {a:g}, UN {u:g}" for i, p, a, u in pairs if not abs(a - float(u)) <= 1e-4]
    return (not bad, "; ".join(bad) or f"{len(pairs)} values agree",
            _listed(bad, f"{len(pairs)}个数值全部一致", f"all {len(pairs)} values agree"))


@_table_rule("sources_agree", "文章与参考来源对同一统计的数值一致", "The article and reference sources agree where both state a figure")
def _sources_agree(obs: pd.DataFrame):
    """Where the article and a reference source give the same statistic, they agree."""
    key = ["indicator_id", "breakdown", "period"]
    d = obs[obs["status"] != "gap"]
    both = d[d["origin"] == "article"].merge(d[d["origin"] == "reference"], on=key, suffixes=("_a", "_r"))
    bad = both[(both["value_a"] - both["value_r"]).abs() > 1e-9]
    diff = "; ".join(f"{r.indicator_id}[{r.breakdown}]@{r.period}: {r.value_a:g} vs {r.value_r:g}" for r in bad.itertuples())
    return (bad.empty, diff or f"{len(both)} shared figures agree",
            _listed([diff] if diff else [], f"两方都给出的{len(both)}个数字全部一致", f"the {len(both)} figures both give agree"))


@_table_rule("derived_values_recompute", "每个推算或更正的数值都由其规则重新计算",
             "Every derived or corrected value is recomputed by the rule it names")
def _derived_have_rules(obs: pd.DataFrame, rules: pd.DataFrame):
    """Every derived or corrected value is involved in the rule it names, and that rule is not
    one that always holds (its two sides the same expression)."""
    by_id = rules.set_index("rule_id")
    bad = []
    for r in obs[obs["status"].isin(["derived", "corrected"])].itertuples():
        if r.rule not in by_id.index:
            bad.append(f"{r.indicator_id}@{r.period}: unknown rule {r.rule}")
            continue
        rule = by_id.loc[r.rule]
        targets = references(rule["left"]) + references(rule["right"])
        if (r.indicator_id, r.breakdown, r.period) not in targets:
            bad.append(f"{r.indicator_id}[{r.breakdown}]@{r.period}: rule {r.rule} does not involve it")
        elif same_expression(rule["left"], rule["right"]):
            bad.append(f"{r.indicator_id}[{r.breakdown}]@{r.period}: rule {r.rule} cannot prove it: its two "
                       "sides are the same expression, so it always holds")
    n = int(obs["status"].isin(["derived", "corrected"]).sum())
    return (not bad, "; ".join(bad) or f"{n} values, each checked by its rule",
            _listed(bad, f"{n}个数值全部由其规则重新算出", f"each of the {n} values is recomputed by its rule"))


def run(data_dir: Path = DATA_DIR, lang: str = "en") -> list[Result]:
    """Every rule's result, data rules first, then whole-table rules. Worked out once per
    loaded data and language (the data notes show them three times); every call still reads
    the tables, so a build's trace of what a report read is the same either way."""
    obs = data.observations(data_dir)
    rules = data.table("rules", data_dir)
    egdi = data.un_egdi(data_dir)
    china = data.table("un_egdi_china", data_dir)
    memo = data.derived(data_dir)
    if ("checks", lang) not in memo:
        memo["checks", lang] = tuple(_results(obs, rules, egdi, china, lang))
    return list(memo["checks", lang])


def _results(obs, rules, egdi, china, lang: str) -> list[Result]:
    results = [_rule_result(r, obs, lang) for r in rules.to_dict("records")]
    results += [_derived_have_rules(obs, rules, lang=lang), _sources_agree(obs, lang=lang),
                _article_matches_un(obs, egdi, lang=lang),
                _china_rows_agree(egdi, china, lang=lang),
                _un_ranks(egdi, lang=lang), _un_mean(egdi, lang=lang)]
    return results


def report(results: list[Result]) -> str:
    """Results as aligned text lines, one a rule, then a count."""
    width = max(len(r.rule_id) for r in results)
    lines = [f"{'PASS' if r.passed else 'FAIL'}  {r.rule_id:<{width}}  {r.description}\n"
             f"      {'':<{width}}  {r.detail}" for r in results]
    failed = sum(not r.passed for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)
