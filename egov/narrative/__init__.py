"""Every sentence of the report, one template per section and language, rendered strictly.

``egov/narrative/<section>.<lang>.md.j2`` holds all the words of one section in one language:
its headings and paragraphs as Jinja blocks (``{% block levels %}``) that the notebook's cells
show, and its charts' titles and subtitles (``chart_<id>_title``). An editor revises a section
there, without reading Python. ``common.<lang>.md.j2`` holds what every section says (the
notice of missing figures, the corrections).

The numbers come from the section's facts (:mod:`egov.facts`) or from ``ref("…")`` in the
one reference grammar; the templates only choose words. Rendering is strict:

- an unknown name, attribute, filter or block, or a bad reference, raises
  :class:`NarrativeError` naming the template, line and block, and the closest valid names;
- a number printed bare must say how (``| pct``, ``| number``…); ``None`` never prints;
- a paragraph (``{% para %}…{% endpara %}``, or a whole block) that uses a figure the data
  lacks for the edition is left out, and the gap is recorded for the section's one notice;
  ``{% if ref("x@next") is present %}`` asks without recording a gap (for what an edition
  need not have, such as later figures).

Every value printed is escaped as text where it goes (:mod:`egov.markup`): the templates' own
Markdown (headings, emphasis, lists) works, a label from the data never does. Values print
with their unit by default (``{{ total }}`` → 14467个 / 14,467 websites) and
periods as a reader writes them (``{{ total.period }}`` → 2020年6月 / June 2020). Every value
printed and every comparison worded (``| updown``, a ranking's items) is recorded with the
rendered text, so a test can check each against the data.
"""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension

from markupsafe import Markup

from egov import i18n, markup, refs
from egov.facts import Change, Gap, MissingFigure, Period, Ranking, Trend, Value

TEMPLATES = Path(__file__).resolve().parent


class NarrativeError(ValueError):
    """A mistake in a template or in the names it is given: never a gap in the data."""


@dataclass
class Rendered:
    """A block's text, the figures it lacked, and what it printed and claimed."""

    text: str
    missing: list = field(default_factory=list)
    heading: str = ""  # the block's heading when all its paragraphs were left out
    figures: list = field(default_factory=list)
    claims: list = field(default_factory=list)

    @property
    def left_out(self) -> bool:
        """Nothing to show because figures were missing (not merely an empty block)."""
        return not self.text and bool(self.missing)


_current: contextvars.ContextVar[Rendered] = contextvars.ContextVar("egov_rendered")


def _record_value(v: Value) -> None:
    r = _current.get(None)
    if r is None:
        return
    r.figures.append({"expr": v.expr, "value": float(v), "derived": v.derived})
    if v.among is not None and v.among.claim() not in r.claims:
        r.claims.append(v.among.claim())


class _Paragraphs(Extension):
    """``{% para %}…{% endpara %}``: a paragraph (or a clause inside one) left out when it
    uses a missing figure."""

    tags = {"para"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endpara",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_para", []), [], [], body).set_lineno(lineno)

    def _para(self, caller):
        try:
            return caller()
        except MissingFigure as err:
            _current.get().missing.extend(err.gaps)
            return ""


# --------------------------------------------------------------------------- formatting

def _lang(ctx) -> str:
    return ctx.environment.globals["lang"]


def _number_of(x, what: str) -> float:
    if isinstance(x, Gap):
        raise MissingFigure(x.missing)
    if isinstance(x, Value):
        _record_value(x)
        return float(x)
    if isinstance(x, (int, float)) and not isinstance(x, bool) and x == x:
        return float(x)
    raise NarrativeError(f"| {what} needs a number or a value, got {x!r}")


def _finalize(ctx, x):
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
        _record_value(x)
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
    _record_value(x)
    return i18n.indicator_name(x.indicator, x.breakdown, _lang(ctx), sentence=True)


@jinja2.pass_context
def _breakdown(ctx, x):
    """A value's breakdown label (山东 / Shandong), or the label of a breakdown id."""
    if isinstance(x, Gap):
        raise MissingFigure(x.missing)
    if isinstance(x, Value):
        _record_value(x)
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
        _record_value(change.before)
        _record_value(change.after)
    _current.get().claims.append(change.claim(change.direction))
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


#: How a value is escaped where it goes: Markdown text, or a chart's caption.
ESCAPE = {"md": markup.md, "mpl": markup.mpl}


@lru_cache(maxsize=None)
def environment(lang: str, target: str = "md") -> jinja2.Environment:
    """The strict Jinja environment for one language and target (templates, filters, finalize)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             finalize=jinja2.pass_context(_finalize), trim_blocks=True, lstrip_blocks=True,
                             extensions=[_Paragraphs], autoescape=False, keep_trailing_newline=False)
    env.filters.update(FILTERS)
    env.tests["present"] = lambda v: not isinstance(v, Gap)  # {% if ref("x@next") is present %}
    env.globals["lang"] = i18n.check_lang(lang)
    env.globals["target"] = target
    return env


# --------------------------------------------------------------------------- rendering

_LIST_OR_HEADING = re.compile(r"\s*([-*+]|\d+\.|#+|>|\|)\s")


def _reflow(text: str) -> str:
    """Markdown from a template: blank lines collapsed, and a paragraph's wrapped lines joined
    (without a space between Chinese characters), so editors may wrap lines freely."""
    out: list[str] = []
    for line in text.strip().splitlines():
        line = line.rstrip()
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        if out and out[-1] and not _LIST_OR_HEADING.match(line) and not out[-1].lstrip().startswith("#"):
            prev = out[-1]
            glue = "" if i18n.CJK.match(prev[-1]) or i18n.CJK.match(line.lstrip()[0]) else " "
            out[-1] = prev + glue + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out).strip()


class Text:
    """The words of one template (a section in one language), rendered block by block from
    ``values`` (the section's facts, ``as_of``, ``ref``). Pure: a block's text depends only on
    its values and the call, never on what was rendered before."""

    def __init__(self, name: str, lang: str, values: dict, target: str = "md"):
        self.name, self.lang = name, i18n.check_lang(lang)
        self.values = dict(values)
        try:
            self.template = environment(lang, target).get_template(f"{name}.{lang}.md.j2")
        except jinja2.TemplateNotFound:
            known = sorted(p.name.split(".")[0] for p in TEMPLATES.glob(f"*.{lang}.md.j2"))
            raise NarrativeError(f"no template {name}.{lang}.md.j2 in {TEMPLATES}" + refs.closest(name, known)) from None
        except jinja2.TemplateSyntaxError as err:
            raise NarrativeError(_syntax(err)) from None

    @classmethod
    def from_source(cls, source: str, lang: str, values: dict, name: str = "<template>") -> "Text":
        """A template given as text (to try a sentence, or in a test), rendered like a file's."""
        self = cls.__new__(cls)
        self.name, self.lang, self.values = name, i18n.check_lang(lang), dict(values)
        try:
            self.template = environment(lang).from_string(source)
        except jinja2.TemplateSyntaxError as err:
            raise NarrativeError(_syntax(err)) from None
        self.template.name = name
        return self

    @property
    def blocks(self) -> list[str]:
        return list(self.template.blocks)

    def __contains__(self, block: str) -> bool:
        return block in self.template.blocks

    def render(self, block: str, **more) -> Rendered:
        """One block: its Markdown, or '' with the missing figures when it lacks one."""
        if block not in self.template.blocks:
            raise NarrativeError(f"{self.template.name}: no block {block!r}" + refs.closest(block, self.blocks))
        out = Rendered("")
        token = _current.set(out)
        ctx = self.template.new_context({**self.values, **more})
        try:
            out.text = _reflow("".join(self.template.blocks[block](ctx)))
        except MissingFigure as err:
            out.missing.extend(err.gaps)
            out.text = ""
        except (jinja2.TemplateError, NarrativeError, refs.ReferenceError) as err:
            raise NarrativeError(self._where(err, block) + _explain(err, {**self.values, **more})) from None
        finally:
            _current.reset(token)
        if out.missing and all(line.startswith("#") for line in out.text.splitlines() if line):
            out.heading, out.text = out.text, ""  # every paragraph left out: no heading over nothing
        if not out.text:
            out.figures, out.claims = [], []
        return out

    def _where(self, err: Exception, block: str) -> str:
        line = None
        tb = err.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.template.filename:
                line = self.template.get_corresponding_lineno(tb.tb_lineno)
            tb = tb.tb_next
        return f"{self.template.name}" + (f", line {line}" if line else "") + f" (block {block!r}): "


def _syntax(err: jinja2.TemplateSyntaxError) -> str:
    msg = str(err.message)
    m = re.match(r"No (filter|test) named '([^']+)'", msg)
    if m:
        msg += refs.closest(m[2], FILTERS if m[1] == "filter" else jinja2.Environment().tests)
    return f"{err.name or err.filename}, line {err.lineno}: {msg}"


def _explain(err: Exception, values: dict) -> str:
    """The error's message, with the closest valid names for an unknown name or attribute."""
    msg = str(getattr(err, "message", None) or err)
    m = re.fullmatch(r"'([^']+)' is undefined", msg)
    if m:
        return f"unknown name {m[1]!r}" + refs.closest(m[1], [k for k in values if k != "lang"])
    m = re.fullmatch(r"'(.+?)' (?:object )?has no attribute '([^']+)'", msg)
    if m:
        owner = next((v for v in values.values() if type(v).__name__ in m[1]), None)
        names = [n for n in dir(owner) if not n.startswith("_")] if owner is not None else []
        return f"{m[1]} has no attribute {m[2]!r}" + refs.closest(m[2], names)
    return msg
