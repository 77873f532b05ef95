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

How values print is :mod:`egov.narrative.filters`. Every value printed is escaped as text where
it goes (:mod:`egov.markup`): the templates' own
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

from egov import i18n, refs
from egov.facts import Gap, MissingFigure, Value

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


def record_value(v: Value) -> None:
    """Record a value printed (and the ranking it came from) in the block being rendered."""
    r = _current.get(None)
    if r is None:
        return
    r.figures.append({"expr": v.expr, "value": float(v), "derived": v.derived})
    if v.among is not None and v.among.claim() not in r.claims:
        r.claims.append(v.among.claim())


def record_claim(claim: dict) -> None:
    """Record a comparison worded (``| updown``) in the block being rendered."""
    _current.get().claims.append(claim)


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


@lru_cache(maxsize=None)
def environment(lang: str, target: str = "md") -> jinja2.Environment:
    """The strict Jinja environment for one language and target (templates, filters, finalize)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             finalize=jinja2.pass_context(finalize), trim_blocks=True, lstrip_blocks=True,
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


from egov.narrative.filters import FILTERS, finalize  # noqa: E402 - the filters record with the names above
