"""Data strings as text: the one place that escapes a string from the data for each place a
report shows it, so a label such as ``[click me](javascript:alert(1))``, ``*emph*`` or
``$x^2$`` reads as those characters and never becomes a link, emphasis or maths.

Escape the *values*, never the templates: the project's own Markdown (``**Corrections**``, a
list, a heading) is written around escaped values and keeps working.

- :func:`md`: a value inside Markdown shown through IPython's ``Markdown`` and rendered by
  nbconvert's mistune (with its math, table, URL, strikethrough, task-list and
  definition-list plugins, and raw HTML let through) or by JupyterLab;
- :func:`code`: a value inside a Markdown code span;
- :func:`html`: a value inside HTML text or a quoted attribute;
- :func:`mpl`: a value drawn by matplotlib. The theme turns mathtext off
  (``rcParams["text.parse_math"] = False``), so ``$`` is a dollar sign; what is left is the
  legend's rule that a label starting with ``_`` is not shown.

>>> md("[click me](javascript:alert(1))")
'\\\\[click me\\\\](javascript:alert(1))'
>>> md("*emph* & <b>")
'\\\\*emph\\\\* &amp; &lt;b&gt;'
>>> md("1. first"), md("- item"), md("http://example.com")
('1\\\\. first', '\\\\- item', 'http\\\\://example.com')
"""

from __future__ import annotations

import html as _html
import re

from egov.i18n import CJK

#: Whitespace that ends a Markdown line or indents one: a value never starts a block.
_SPACE = re.compile(r"[ \t\r\n\f\v\x85\u2028\u2029]+")
#: Characters that make inline Markdown anywhere (emphasis, code, links, maths, tables,
#: strikethrough, headings) get a backslash; those that make raw HTML become entities, and so
#: does the backslash itself, which would otherwise pair with the next character (``\\(``
#: starts LaTeX maths in nbconvert).
_ENTITY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\\": "&#92;"}
_SPECIAL = re.compile(r"[`*_\[\]$~|#&<>\\]")
#: What makes a block when it starts a line: a list item (``-``, ``+``, ``1.``, ``1)``), a
#: setext underline (``=``), a definition (``:``).
_LINE_START = re.compile(r"^( ?)([-+=:]|\d{1,9}(?=[.)]( |$)))")


def md(value) -> str:
    """``value`` as Markdown text that renders as exactly its characters.

    Runs of whitespace (line breaks included) become one space, so a value cannot start a
    block of its own; everything else is kept, escaped.
    """
    s = _SPACE.sub(" ", str(value))
    s = _SPECIAL.sub(lambda m: _ENTITY.get(m[0]) or "\\" + m[0], s)
    s = s.replace("://", "\\://")  # a bare URL would become a link (mistune's url plugin)
    m = _LINE_START.match(s)
    if m:
        marker = m[2]
        if marker[0].isdigit():  # '1.' → '1\.'
            s = m[1] + marker + "\\" + s[m.end():]
        else:
            s = m[1] + "\\" + marker + s[m.end():]
    return s


def code(value) -> str:
    """``value`` as a Markdown code span (backticks included): a fence longer than any run of
    backticks inside it, padded when the value starts or ends with one.

    >>> code("a_b"), code("x`y")
    ('`a_b`', '``x`y``')
    """
    s = _SPACE.sub(" ", str(value))
    fence = "`" * (max((len(r) for r in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def html(value) -> str:
    """``value`` as HTML text or a double- or single-quoted attribute value.

    >>> html('<a href="x">')
    '&lt;a href=&quot;x&quot;&gt;'
    """
    return _html.escape(str(value), quote=True)


#: A stretch of Chinese: from a Chinese character to the last one before a Latin letter or a tag
#: (digits, spaces and punctuation between them belong to it: 截至2020年6月，共有政府网站14467个).
_ZH_RUN = re.compile(rf"{CJK.pattern}(?:[^<>&A-Za-z]*{CJK.pattern})?")
#: A stretch of English prose: Latin words with a space between them, outside a tag.
_EN_RUN = re.compile(r"(?<![\w/.:@-])[A-Za-z][\w'’.,:;()/-]*(?: [\w'’.,:;()/-]+)+(?=[^>]*(?:<|$))")


def lang_spans(escaped: str, lang: str) -> str:
    """HTML already escaped (a table pandas wrote, text from :func:`html`) with every stretch in
    the other language marked for readers, screen readers and fonts: Chinese in an English
    page as ``<span lang="zh">``, English prose (words with spaces, not a name such as CNNIC)
    in a Chinese page as ``<span lang="en">``. Only this function adds the markup; the text it
    wraps stays escaped.

    >>> lang_spans("<td>printed as 截至2020年6月,共有政府网站901个</td>", "en")
    '<td>printed as <span lang="zh">截至2020年6月,共有政府网站901个</span></td>'
    >>> lang_spans("<td>联合国数据（UN E-Government Survey data）、CNNIC</td>", "zh")
    '<td>联合国数据（<span lang="en">UN E-Government Survey data</span>）、CNNIC</td>'
    """
    if lang == "en":
        return _ZH_RUN.sub(lambda m: f'<span lang="zh">{m[0]}</span>', escaped)
    return _EN_RUN.sub(lambda m: f'<span lang="en">{m[0]}</span>', escaped)


def mpl(value) -> str:
    """``value`` as a matplotlib label (legend entries included): mathtext is off in the theme,
    and a label starting with ``_`` would be left out of a legend, so it gets a leading space.

    >>> mpl("_x"), mpl("$x^2$")
    (' _x', '$x^2$')
    """
    s = str(value)
    return " " + s if s.startswith("_") else s
