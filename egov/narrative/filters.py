"""How the narrative prints a value: the templates' filters (``| pct``, ``| updown``…) and
``finalize``, which formats and escapes every ``{{ … }}``. Each value printed and each comparison
worded is recorded with the block being rendered (:func:`egov.narrative.record_value`), so a test
can check it against the data.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from egov import i18n, markup, refs
from egov.facts import Change, Gap, MissingFigure, Period, Ranking, Trend, Value
from egov.narrative import NarrativeError, record_claim, record_value

#: How a value is escaped where it goes: Markdown text, or a chart's caption.
ESCAPE = {"md": markup.md, "mpl": markup.mpl}


def _lang(ctx) -> str:
    return ctx.environment.globals["lang"]


def _number_of(x, what: str) -> float:
    if isinstance(x, Gap):
        raise MissingFigure(x.missing)
    if isinstance(x, Value):
        record_value(x)
        return float(x)
    if isinstance(x, (int, float)) and not isinstance(x, bool) and x == x:
        return float(x)
    raise NarrativeError(f"| {what} needs a number or a value, got {x!r}")


def finalize(ctx, x):
    """How ``{{ … }}`` prints: formatted (:func:`_format`), then escaped as text for where it
    goes (:mod:`egov.markup`: Markdown, or a matplotlib caption), so a value from the data never
    acts as markup. Markdown the narrative made itself (:class:`markupsafe.Markup`) stays as is."""
    if isinstance(x, Markup):
        return str(x)
    return ESCAPE[ctx.environment.globals["target"]](_format(ctx, x))


def _format(ctx, x) -> str:
    """Values with their unit, periods as words, text as is; anything ambiguous (a bare float,
    None, a change) is an error asking for a format."""
    lang = _lang(ctx)
    if isinstance(x, jinja2.StrictUndefined):
        x._fail_with_undefined_error()
    if isinstance(x, jinja2.Undefined):  # `a if b` without else: nothing
        return ""
    if isinstance(x, Gap):
        raise MissingFigure(x.missing)
    if isinstance(x, Period):
        return i18n.period(x, lang)
    if isinstance(x, str):
        return x
    if isinstance(x, Value):
        if x.unit is None:
            raise NarrativeError(f"a bare number ({x.expr}) needs a format: | times, | number or | pct")
        record_value(x)
        if x.derived and x.unit == "percent":
            return i18n.percent(float(x))
        return i18n.quantity(float(x), x.unit, lang, x.qualifier)
    if isinstance(x, int) and not isinstance(x, bool):
        return i18n.digits(x, lang)
    if x is None:
        raise NarrativeError("cannot print None: a fact that does not apply here; test it first ({% if x %})")
    kind = "a change (use .delta, .size, .pct or | updown)" if isinstance(x, (Change, Ranking)) else repr(x)
    raise NarrativeError(f"cannot print {kind}: give it a format (| number, | pct, | dec(4) …)")


@jinja2.pass_context
def _number(ctx, x, short: bool = False):
    q = x.qualifier if isinstance(x, Value) else None
    return i18n.number(_number_of(x, "number"), _lang(ctx), q, short=short)


@jinja2.pass_context
def _quantity(ctx, x, unit: str | None = None):
    if isinstance(x, Value) and unit is None:
        return _format(ctx, x)
    q = x.qualifier if isinstance(x, Value) else None
    return i18n.quantity(_number_of(x, "quantity"), unit or x.unit, _lang(ctx), q)


@jinja2.pass_context
def _period(ctx, x, short: bool = False):
    if isinstance(x, Gap):
        raise MissingFigure(x.missing)
    p = x.period if isinstance(x, Value) else x
    if not isinstance(p, str):
        raise NarrativeError(f"| period needs a value or a period, got {x!r}")
    return i18n.period(p, _lang(ctx), short=short)


@jinja2.pass_context
def _pct(ctx, x, decimals: int = 1):
    return i18n.percent(_number_of(x, "pct"), decimals)


@jinja2.pass_context
def _pp(ctx, x, decimals: int = 1):
    return i18n.points(_number_of(x, "pp"), _lang(ctx), decimals)


@jinja2.pass_context
def _times(ctx, x, decimals: int = 1):
    return i18n.times(_number_of(x, "times"), _lang(ctx), decimals)


@jinja2.pass_context
def _multiple(ctx, x):
    """A growth ratio in words: 'nearly tripled' (:func:`egov.i18n.multiple`)."""
    return i18n.multiple(_number_of(x, "multiple"), _lang(ctx))


@jinja2.pass_context
def _dec(ctx, x, decimals: int = 4):
    return f"{_number_of(x, 'dec'):.{decimals}f}"


@jinja2.pass_context
def _rank(ctx, x):
    return i18n.rank(_number_of(x, "rank"), _lang(ctx))


@jinja2.pass_context
def _words(ctx, x):
    return i18n.words(_number_of(x, "words"), _lang(ctx))


@jinja2.pass_context
def _ordinal(ctx, x):
    return i18n.ordinal(_number_of(x, "ordinal"), _lang(ctx))


@jinja2.pass_context
def _name(ctx, x):
    """A value's indicator name, as written inside a sentence."""
    if isinstance(x, Gap):
        raise MissingFigure(x.missing)
    if not isinstance(x, Value) or x.indicator is None:
        raise NarrativeError(f"| name needs a value read from the data, got {x!r}")
    record_value(x)
    return i18n.indicator_name(x.indicator, x.breakdown, _lang(ctx), sentence=True)


@jinja2.pass_context
def _breakdown(ctx, x):
    """A value's breakdown label (山东 / Shandong), or the label of a breakdown id."""
    if isinstance(x, Gap):
        raise MissingFigure(x.missing)
    if isinstance(x, Value):
        record_value(x)
        x = x.breakdown
    names = i18n.labels(_lang(ctx))["breakdowns"]
    if x not in names:
        raise NarrativeError(f"| breakdown: unknown breakdown {x!r}" + refs.closest(str(x), names))
    return names[x]


@jinja2.pass_context
def _lowerfirst(ctx, name: str):
    """A name inside an English sentence: 'Information disclosure' → 'information disclosure'
    (acronyms and names such as 'EGDI' or 'www.gov.cn' stay as they are)."""
    return i18n.in_sentence(str(name), _lang(ctx))


@jinja2.pass_context
def _updown(ctx, change, up: str, down: str, same: str | None = None):
    """The words for a change's direction, chosen from the data: ``| updown("增加", "减少")``."""
    if isinstance(change, Gap):
        raise MissingFigure(change.missing)
    if not isinstance(change, (Change, Trend)):
        raise NarrativeError(f"| updown needs a change or a trend (egov.facts), got {change!r}")
    if change.direction in ("same", "mixed") and same is None:
        raise NarrativeError(f"| updown: the direction is {change.direction!r} and no word for it was given")
    if isinstance(change, Change):
        record_value(change.before)
        record_value(change.after)
    record_claim(change.claim(change.direction))
    return {"up": up, "down": down, "same": same, "mixed": same}[change.direction]


@jinja2.pass_context
def _join(ctx, items, sep: str | None = None):
    """A list as a sentence writes it ('a、b和c' / 'a, b and c'), or joined by ``sep``."""
    words = [_format(ctx, i) for i in items]
    return i18n.join(words, _lang(ctx)) if sep is None else sep.join(words)


@jinja2.pass_context
def _country(ctx, iso3):
    return i18n.country_name(str(iso3), _lang(ctx))


def _code(text) -> Markup:
    """A name from the data as a Markdown code span (a rule id): escaped for a code span, where
    a backslash would show (:func:`egov.markup.code`)."""
    return Markup(markup.code(str(text)))


@jinja2.pass_context
def _source(ctx, source_id):
    """A source's short citation (:func:`egov.credits.source_name`)."""
    from egov.credits import source_name

    return source_name(str(source_id), _lang(ctx))


@jinja2.pass_context
def _section(ctx, section_id):
    """A section's name from ``sections.csv``."""
    return i18n.section_name(str(section_id), _lang(ctx))


@jinja2.pass_context
def _index(ctx, col):
    """A UN index's name: 'osi' → '在线服务指数（OSI）' / 'Online services (OSI)'."""
    from egov.un import index_name

    return index_name(str(col), _lang(ctx))


@jinja2.pass_context
def _rule(ctx, rule_id):
    """A consistency rule's description (``rules.csv``) in this language."""
    from egov import data

    rules = data.table("rules").set_index("rule_id")
    return str(rules.loc[rule_id, f"description_{_lang(ctx)}"])


FILTERS = {"number": _number, "quantity": _quantity, "period": _period, "pct": _pct, "pp": _pp,
           "times": _times, "multiple": _multiple, "dec": _dec, "rank": _rank, "ordinal": _ordinal, "words": _words, "name": _name,
           "breakdown": _breakdown, "updown": _updown, "join": _join, "country": _country, "rule": _rule,
           "capfirst": i18n.capfirst, "code": _code, "lowerfirst": _lowerfirst, "source": _source, "index": _index,
           "section": _section}
