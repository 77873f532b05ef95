"""The overview's front matter as a notebook shows it: boxes around narrative blocks (the key
takeaways, the corrections) and the grid of the article's charts, one card per chart with a
thumbnail of the chart that redraws it, its status and a link to its section.

Both are HTML with inline styles, so they look the same in the report page, its PDF and
JupyterLab, whatever stylesheet is around them. Every string from the data reaches them as
text: the grid's template escapes everything it prints (autoescape), and the boxes hold
Markdown the narrative wrote with its values already escaped (:mod:`egov.markup`).

The build finds the takeaways box again by its ``data-egov-box`` attribute (the index and the
full report's cover show it), and the edition by ``data-egov-edition``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from egov import display, i18n, markup, thumbnails

TEMPLATES = Path(__file__).resolve().parent / "templates" / "gallery"
#: A box: a soft panel with the report's accent on its left edge; never split across pages.
BOX_STYLE = ("border:1px solid #d0d7de;border-left:4px solid #b4232a;border-radius:6px;"
             "background:#f6f8fa;padding:0.1rem 1.1rem 0.3rem;margin:1.2rem 0;"
             "break-inside:avoid;page-break-inside:avoid")


def box(markdown_text: str, kind: str, edition: str) -> str:
    """Markdown inside a box ``<div data-egov-box="<kind>">``. The Markdown keeps a blank line
    on each side, so CommonMark renderers (nbconvert's mistune, JupyterLab's marked) still read
    it as Markdown and not as part of the HTML block."""
    return (f'<div class="egov-box egov-box-{markup.html(kind)}" data-egov-box="{markup.html(kind)}" '
            f'data-egov-edition="{markup.html(edition)}" style="{BOX_STYLE}">\n\n'
            f"{markdown_text}\n\n</div>")


def cards(section) -> list[dict]:
    """One card per chart of the article (``article_charts.csv``), for ``section`` (the
    overview's :class:`~egov.section.Section`): what the article's chart showed, its status,
    the redrawing chart's title, a thumbnail and alt text (none when the edition has no data
    for it), and the section page it is in."""
    from egov.facts.overview import article_charts

    lang = section.lang
    out = []
    for c in article_charts():  # the rows of section.grid_charts()
        chart = section.card(c["redrawn"])
        drawn = isinstance(chart, (display.Chart, display.Card))
        out.append({"number": c["chart"], "title": c[f"title_{lang}"], "quote": c["quote"],
                    "status": c["status"], "note": c[f"note_{lang}"], "page": c["page"] + ".html",
                    "section": i18n.section_name(c["section"], lang),
                    "redrawn": chart.title if drawn else chart.name,
                    "thumbnail": _thumbnail(chart) if drawn else None, "alt": chart.alt if drawn else ""})
    return out


def _thumbnail(chart) -> str:
    return thumbnails.data_uri(thumbnails.thumbnail(chart.png()))


def grid(items: list[dict], lang: str) -> str:
    """The cards as one HTML grid (``templates/gallery/article_charts.html.j2``)."""
    return _template().render(cards=items, zh=i18n.check_lang(lang) == "zh")


@lru_cache(maxsize=1)
def _template():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("article_charts.html.j2")


def show_grid(items: list[dict], lang: str) -> None:
    """Display the grid as HTML (its plain-text form lists the cards, for nbval and readers of
    the notebook's text)."""
    from IPython.display import display as show

    plain = "\n".join(f"{c['number']}. {c['title']} → {c['redrawn']} ({c['status']})" for c in items)
    show({"text/html": grid(items, lang), "text/plain": plain}, raw=True,
         metadata={"egov_gallery": {"cards": len(items)}})
