"""Consistency rules: parts sum to totals, shares match counts, derived values recompute.

The arithmetic rules live in ``data/rules.csv`` as expressions over observations, written in
the one reference grammar of :mod:`egov.refs` with explicit periods
(``indicator[breakdown]@period``, ``[breakdown]`` omitted for the total), so the rule that
proves a correction sits beside the data it proves. Rules that need a whole table (UN ranks,
EGDI = mean of its sub-indices) are functions here.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from egov import data, refs
from egov.i18n import pick
from egov.source import DATA_DIR

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_COMPARE = {"==": None, "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


@dataclass(frozen=True)
class Result:
    """One rule's outcome, with the numbers that decided it."""

    rule_id: str
    description: str
    passed: bool
    detail: str


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
    """Value of ``+ - * /`` (and ``abs``) over numbers; anything else (names, calls) is refused.

    >>> round(arithmetic("100 * 861 / 897"), 2)
    95.99
    """
    return _arith(ast.parse(text, mode="eval"))


def _arith(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _arith(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        return _BINOPS[type(node.op)](_arith(node.left), _arith(node.right))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_arith(node.operand)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "abs"
            and len(node.args) == 1 and not node.keywords):
        return abs(_arith(node.args[0]))
    raise ValueError(f"not allowed in an expression: {ast.unparse(node)}")


def evaluate(expr: str, obs: pd.DataFrame) -> float:
    """Value of a rule expression: references replaced by observed values, then + - * /."""
    _explicit(expr)
    return arithmetic(refs.substitute(expr, lambda r: str(r) if r.period is None else
                                      repr(data.value(obs, r.indicator, r.breakdown, r.period))))


def _rule_result(rule, obs: pd.DataFrame, lang: str) -> Result:
    desc = rule[f"description_{lang}"]
    try:
        left, right = evaluate(rule["left"], obs), evaluate(rule["right"], obs)
    except KeyError as err:
        return Result(rule["rule_id"], desc, False, f"missing input: {err.args[0]}")
    except refs.ReferenceError as err:
        return Result(rule["rule_id"], desc, False, str(err))
    if rule["op"] == "==":
        ok = abs(left - right) <= float(rule["tolerance"]) + 1e-9
        detail = f"{left:,.6g} vs {right:,.6g} (difference {abs(left - right):.4g}, tolerance {float(rule['tolerance']):g})"
    else:
        ok = _COMPARE[rule["op"]](left, right)
        detail = f"{left:,.6g} {rule['op']} {right:,.6g}"
    return Result(rule["rule_id"], desc, bool(ok), detail)


def _un_ranks(egdi: pd.DataFrame, lang: str) -> Result:
    """Within each survey, a higher EGDI never has a worse rank."""
    bad = []
    for year, g in egdi.dropna(subset=["egdi", "rank"]).groupby("year"):
        g = g.sort_values(["egdi", "rank"], ascending=[False, True])
        worse = g["rank"].to_numpy()[1:] < g["rank"].to_numpy()[:-1]
        if worse.any():
            bad.append(f"{year}: {int(worse.sum())} inversions")
    desc = pick(lang, "联合国EGDI:各期排名与指数值一致", "UN EGDI: ranks agree with values in every survey")
    return Result("un_ranks_agree_with_values", desc, not bad,
                  "; ".join(bad) or f"{egdi['year'].nunique()} surveys, no inversions")


def _un_mean(egdi: pd.DataFrame, lang: str) -> Result:
    """From 2014 the EGDI is the mean of OSI, HCI and TII (to the data's rounding)."""
    d = egdi[(egdi["year"] >= 2014)].dropna(subset=["egdi", "osi", "hci", "tii"])
    diff = (d["egdi"] - (d["osi"] + d["hci"] + d["tii"]) / 3).abs()
    worst = d.loc[diff.idxmax()]
    desc = pick(lang, "联合国EGDI:2014年起EGDI等于三项分指数的平均值", "UN EGDI: from 2014, EGDI = mean(OSI, HCI, TII)")
    return Result("un_egdi_is_mean", desc, bool(diff.max() <= 1e-4),
                  f"{len(d)} rows, largest difference {diff.max():.2g} ({worst['iso3']} {worst['year']})")


def _china_rows_agree(egdi: pd.DataFrame, china: pd.DataFrame, lang: str) -> Result:
    """China's rows in the all-countries table equal the separately corroborated China table."""
    all_rows = egdi[egdi["iso3"] == "CHN"].set_index("year")
    bad = [f"{r.year} {col}" for r in china.itertuples() for col, other in
           (("egdi", "egdi"), ("osi", "osi"), ("hci", "hci"), ("tii", "tii"), ("egdi_rank", "rank"))
           if abs(float(getattr(r, col)) - float(all_rows.loc[r.year, other])) > 1e-9]
    desc = pick(lang, "联合国EGDI:全部国家表中的中国数据与经新闻核对的中国表一致",
                "UN EGDI: China's rows agree with the news-corroborated China table")
    return Result("un_china_rows_agree", desc, not bad, "; ".join(bad) or f"{len(china)} surveys × 5 values agree")


def _article_matches_un(obs: pd.DataFrame, egdi: pd.DataFrame, lang: str) -> Result:
    china = egdi[egdi["iso3"] == "CHN"].set_index("year")
    pairs = [(ind, int(p), data.value(obs, ind, period=p), china.loc[int(p), col])
             for ind, col in (("egdi", "egdi"), ("egdi_rank", "rank")) for p in ("2018", "2020")]
    bad = [f"{i} {p}: article {a:g}, UN {u:g}" for i, p, a, u in pairs if abs(a - float(u)) > 1e-4]
    desc = pick(lang, "文章的EGDI及排名与联合国数据一致", "The article's EGDI and ranks match the UN data")
    return Result("article_matches_un", desc, not bad, "; ".join(bad) or f"{len(pairs)} values agree")


def _sources_agree(obs: pd.DataFrame, lang: str) -> Result:
    """Where the article and a reference source give the same statistic, they agree."""
    key = ["indicator_id", "breakdown", "period"]
    d = obs[obs["status"] != "gap"]
    both = d[d["origin"] == "article"].merge(d[d["origin"] == "reference"], on=key, suffixes=("_a", "_r"))
    bad = both[(both["value_a"] - both["value_r"]).abs() > 1e-9]
    desc = pick(lang, "文章与参考来源对同一统计的数值一致",
                "The article and reference sources agree where both state a figure")
    detail = "; ".join(f"{r.indicator_id}[{r.breakdown}]@{r.period}: {r.value_a:g} vs {r.value_r:g}"
                       for r in bad.itertuples()) or f"{len(both)} shared figures agree"
    return Result("sources_agree", desc, bad.empty, detail)


def _derived_have_rules(obs: pd.DataFrame, rules: pd.DataFrame, lang: str) -> Result:
    """Every derived or corrected value is the right-hand side of the rule it names."""
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
    desc = pick(lang, "每个推算或更正的数值都由其规则重新计算",
                "Every derived or corrected value is recomputed by the rule it names")
    n = int(obs["status"].isin(["derived", "corrected"]).sum())
    return Result("derived_values_recompute", desc, not bad, "; ".join(bad) or f"{n} values, each checked by its rule")


def run(data_dir: Path = DATA_DIR, lang: str = "en") -> list[Result]:
    """Every rule's result, data rules first, then whole-table rules."""
    obs = data.observations(data_dir)
    rules = data.table("rules", data_dir)
    egdi = data.un_egdi(data_dir)
    results = [_rule_result(r, obs, lang) for r in rules.to_dict("records")]
    results += [_derived_have_rules(obs, rules, lang), _sources_agree(obs, lang),
                _article_matches_un(obs, egdi, lang), _china_rows_agree(egdi, data.table("un_egdi_china", data_dir), lang),
                _un_ranks(egdi, lang), _un_mean(egdi, lang)]
    return results


def report(results: list[Result]) -> str:
    """Results as aligned text lines, one a rule, then a count."""
    width = max(len(r.rule_id) for r in results)
    lines = [f"{'PASS' if r.passed else 'FAIL'}  {r.rule_id:<{width}}  {r.description}\n"
             f"      {'':<{width}}  {r.detail}" for r in results]
    failed = sum(not r.passed for r in results)
    lines.append(f"{len(results) - failed} passed, {failed} failed")
    return "\n".join(lines)
