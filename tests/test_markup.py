"""Data strings as text: every escape of :mod:`egov.markup` checked through the renderer that
shows it in a report (nbconvert's mistune with its plugins, an HTML parser, matplotlib)."""

from __future__ import annotations

import random
import re

import matplotlib.pyplot as plt
import pytest
from bs4 import BeautifulSoup
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from egov import markup, theme

#: Markup a label could carry into a report, by what it would become if left raw.
HOSTILE = {
    "link": "[click me](javascript:alert(1))",
    "image": "![x](http://example.com/x.png)",
    "emphasis": "*emph* and _emph_ and **strong**",
    "maths": "$x^2$ and $$y$$",
    "latex maths": r"\(x\) and \[y\] and \begin{equation}z\end{equation}",
    "code": "a `tick` and ``two``",
    "heading": "# heading",
    "table": "| a | b |",
    "html": '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>',
    "entity": "&lt;b&gt; &#42;not emph&#42; &amp;",
    "bare url": "see http://example.com/x and https://e.com",
    "autolink": "<http://example.com>",
    "strikethrough": "~~gone~~",
    "ordered list": "1. first",
    "bullet list": "- item",
    "plus list": "+ item",
    "setext": "===",
    "thematic break": "---",
    "definition": ": a definition",
    "task": "[ ] task",
    "reference": "[x]: http://example.com",
    "backslash": "a \\ b \\* c \\",
    "line breaks": "one\n# two\n- three\n\n    four",
    "quote": "> quoted",
}
#: Where the project's templates put a value: a paragraph, a heading, a list item, a line start.
CONTEXTS = ["{}", "Sentence with {} inside.", "## {}", "# Title: {}", "- **Bold**: {} here",
            "1. {}\n2. {}", "first line\n{}", "{}{}", "term\n{}"]


def _render(source: str) -> tuple[list[str], str]:
    """The tags and the text (whitespace removed) a Markdown source renders to in a report."""
    soup = BeautifulSoup(markdown2html_mistune(source), "html.parser")
    for anchor in soup.select("a.anchor-link"):  # nbconvert's heading permalink
        anchor.decompose()
    return sorted(t.name for t in soup.find_all(True)), re.sub(r"\s+", "", soup.get_text())


def assert_literal(context: str, value: str) -> None:
    """``value`` escaped into ``context`` renders as the context alone would, with the value's
    characters as text."""
    tags, text = _render(context.replace("{}", "VALUE"))
    got_tags, got_text = _render(context.replace("{}", markup.md(value)))
    assert got_tags == tags, f"{value!r} in {context!r} made markup: {got_tags} (expected {tags})"
    assert got_text == text.replace("VALUE", re.sub(r"\s+", "", value)), (value, context, got_text)


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_md_renders_as_text(value, context):
    assert_literal(context, value)


def test_md_renders_as_text_for_random_punctuation():
    """Seeded random strings of Markdown's special characters and fragments, every context."""
    alphabet = list("\\`*_[]()<>&!$~|#:{}-+=.0123456789 \n\t\"'/@%^;,?aZ中") + [
        "http://", "&lt;", "&#42;", "javascript:", "    ", "\\[", "\\(", "$$", "```", "~~~", "<a href=x>",
        "<!--", "]:", "[x](y)", "![i](http://e/x.png)", "\\begin{equation}", "\\end{equation}", "\\\\("]
    rng = random.Random(20261126)
    for _ in range(2000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        if value.strip():
            assert_literal(rng.choice(CONTEXTS), value)


def test_md_keeps_plain_text_and_numbers_readable():
    assert markup.md("政府网站数量（中央）") == "政府网站数量（中央）"
    assert markup.md("14,467 websites (December 2018)") == "14,467 websites (December 2018)"
    assert markup.md("19.5%") == "19.5%"


@pytest.mark.parametrize("value", ["a_b", "x`y", "`start", "end`", "``", "<b>&amp;</b>", "*x* $y$"])
def test_code_renders_the_value_in_one_code_span(value):
    soup = BeautifulSoup(markdown2html_mistune(f"rule {markup.code(value)} here"), "html.parser")
    spans = soup.find_all("code")
    assert len(spans) == 1 and [t.name for t in soup.find_all(True)] == ["p", "code"]
    assert spans[0].get_text().strip() == value.strip()


def test_html_escapes_text_and_attributes():
    value = '"><script>alert(1)</script><a href=\'x\'>'
    soup = BeautifulSoup(f'<p title="{markup.html(value)}">{markup.html(value)}</p>', "html.parser")
    assert [t.name for t in soup.find_all(True)] == ["p"]
    assert soup.p.get_text() == value and soup.p["title"] == value


def test_matplotlib_draws_dollars_and_underscores_as_text():
    """Mathtext is off in the theme: a '$' label that is bad TeX still draws, as itself; a
    legend keeps a label that starts with '_'."""
    theme.setup()
    fig, ax = plt.subplots()
    try:
        title = ax.set_title(r"$\frac{1$ costs $x^2$")
        ax.plot([0, 1], [0, 1], label=markup.mpl("_hidden"))
        ax.legend()
        fig.canvas.draw()
        assert title._preprocess_math(title.get_text()) == (r"$\frac{1$ costs $x^2$", False)
        assert [t.get_text().strip() for t in ax.get_legend().get_texts()] == ["_hidden"]
    finally:
        plt.close(fig)
