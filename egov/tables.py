"""Reader's tables: what a chart shows or a note lists, laid out for reading, with the tidy data
behind it for download.

A :class:`Table` is text already laid out: a column of row headers (categories, or the name of
a record), then columns of values (periods, or a record's fields). Numbers are right-aligned,
with the thousands separators of the report's language (CLDR's: 14,467 in both) and, per
indicator or column, a fixed number of decimals: as many as its most precise value in the table
has, at most four (66.39 → 2, 71.2 → 1, counts → 0; the UN's 0.41595 shows as 0.4160, its CSV
keeps every digit). A unit is said once, in a header: the indicator's name and its unit head
its rows. Text is left-aligned. ``tidy``, one observation a row, is the CSV download.

Builders: :func:`observations` (a chart's observations: categories × periods, one group per
indicator and unit), :func:`records` (a frame of records: the data notes' tables, a chart's
own); :func:`tidy` is the long form of observations.

>>> rows = pd.DataFrame({"indicator_id": ["gov_websites"] * 3, "breakdown": ["total"] * 3,
...     "period": ["2018-12", "2019-12", "2020-06"], "value": [17962.0, 14474.0, 14467.0],
...     "unit": ["sites"] * 3, "qualifier": [None] * 3, "status": ["reported"] * 3,
...     "source_id": ["qianzhan2020"] * 3})
>>> print(observations(rows, "en").text())
                     Indicator Dec 2018 Dec 2019 Jun 2020
Government websites (websites)   17,962   14,474   14,467
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import pandas as pd

from egov import i18n, markup, periods
from egov.credits import source_name

#: How a qualified value is marked in a table cell (before, after); the notes under the table
#: say what each mark means, in the words of :func:`egov.i18n.qualifier`.
MARKS = {"approx": ("≈", ""), "at_least": ("≥", ""), "reconstructed": ("", "†")}
#: A value a table has no figure for.
NO_FIGURE = "–"
#: Column kinds: a number (right-aligned, never wrapped), text (left-aligned, wraps), a web
#: address (left-aligned, may break anywhere, a link when it is http or https).
KINDS = ("number", "text", "url")


@dataclass(frozen=True, eq=False)
class Row:
    """One row: its header (``label``, with ``sub`` in small type under it, such as a rule's
    id) and its cells, already written."""

    label: str
    cells: tuple[str, ...] = ()
    sub: str = ""


@dataclass(frozen=True, eq=False)
class Group:
    """Rows under one heading (an indicator and its unit); ``title`` '' for rows of their own."""

    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True, eq=False)
class Table:
    """A table for readers. ``head``: the row headers' column heading, then one per column;
    ``kinds``: one of :data:`KINDS` per column after the first; ``notes``: what its marks mean;
    ``tidy``: the data behind it, one observation (or record) a row, for the CSV download."""

    head: tuple[str, ...]
    kinds: tuple[str, ...]
    groups: tuple[Group, ...]
    tidy: pd.DataFrame
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> list[Row]:
        return [r for g in self.groups for r in g.rows]

    def csv(self) -> str:
        return self.tidy.to_csv(index=False)

    def html(self, lang: str | None = None) -> str:
        """The table as HTML: every string escaped; in a report in ``lang``, text in the other
        language marked with its own (:func:`egov.markup.lang_spans`)."""
        e = markup.html
        wide = " egov-prose" if any(k != "number" for k in self.kinds) else ""  # text columns: the page's width
        widths = self.print_widths(lang) if wide else None
        out = [f'<table class="dataframe egov-table{wide}{" egov-fixed" if widths else ""}">',
               *(["<colgroup>", *(f'<col style="--egov-width:{w:.1f}%">' for w in widths), "</colgroup>"]
                 if widths else []),
               "<thead>", "<tr>",
               f'<th scope="col" class="egov-stub">{e(self.head[0])}</th>',
               *(f'<th scope="col" class="egov-{k}">{e(h)}</th>' for h, k in zip(self.head[1:], self.kinds)),
               "</tr>", "</thead>"]
        for g in self.groups:
            out.append("<tbody>")
            if g.title:
                out.append(f'<tr class="egov-group"><th scope="rowgroup" colspan="{len(self.head)}">{e(g.title)}</th></tr>')
            for r in g.rows:
                sub = _id(r.sub) if r.sub else ""
                member = ' class="egov-member"' if g.title else ""
                out.append(f"<tr><th scope=\"row\"{member}>{e(r.label)}{sub}</th>"
                           + "".join(_cell(c, k) for c, k in zip(r.cells, self.kinds)) + "</tr>")
            out.append("</tbody>")
        out.append("</table>")
        if self.notes:
            out.append(f'<p class="egov-table-notes">{e(i18n.pick(lang or "en", "；", "; ").join(self.notes))}</p>')
        text = "\n".join(out)
        return markup.lang_spans(text, lang) if lang else text

    def print_widths(self, lang: str | None = None) -> list[float] | None:
        """Each column's share of the printed page's width (percent), worked out from its text
        as a browser's automatic table layout would: every column at least its longest
        unbreakable piece, and the room beyond shared in proportion to its longest line. The
        PDF lays the table out with these (``table-layout: fixed``): WeasyPrint's automatic
        layout measures every break opportunity of every cell, half the data notes' PDF time.
        None when even the narrowest columns do not fit (the automatic layout then decides).
        In English, numbers in such a table wrap (egov.css), as its words do."""
        columns = [[self.head[0], *(r.label for r in self.rows)],
                   *([h, *(r.cells[i] for r in self.rows)] for i, h in enumerate(self.head[1:]))]
        kinds = ("stub", *("prose_number" if k == "number" and lang == "en" else k for k in self.kinds))
        least = [max(_MIN_UNITS[k], *(_longest_piece(c, k) for c in col)) for col, k in zip(columns, kinds)]
        least[0] = max(least[0], *(_longest_piece(r.sub, "id") for r in self.rows))
        most = [max(m, *(_units(c) for c in col)) for m, col in zip(least, columns)]
        room = _PAGE_UNITS - _PAD_UNITS * len(columns)
        if sum(least) > room:
            return None
        if sum(most) <= room:
            widths = most
        else:
            share = (room - sum(least)) / (sum(most) - sum(least))
            widths = [lo + (hi - lo) * share for lo, hi in zip(least, most)]
        total = sum(w + _PAD_UNITS for w in widths)
        return [100 * (w + _PAD_UNITS) / total for w in widths]

    def text(self) -> str:
        """The table as plain text (JupyterLab's plain view; what nbval compares)."""
        lines = []
        for g in self.groups:
            if g.title:
                lines.append([g.title] + [""] * len(self.kinds))
            lines += [[("  " if g.title else "") + r.label + (f" [{r.sub}]" if r.sub else ""), *r.cells]
                      for r in g.rows]
        frame = pd.DataFrame(lines, columns=range(len(self.head)))
        frame.columns = list(self.head)
        return frame.to_string(index=False) + ("\n" + "; ".join(self.notes) if self.notes else "")


#: Widths in half-ems of a printed table's type (8.5 pt; a Chinese character is two): the page
#: less its margins (180 mm), a cell's padding, and the least width egov.css gives each kind.
_PAGE_UNITS = 120
_PAD_UNITS = 2
_MIN_UNITS = {"stub": 14, "text": 12, "url": 16, "number": 0, "prose_number": 10}
#: What a line may break between: each Chinese character, or runs of other text at spaces.
_PIECE = re.compile(rf"[{i18n.CJK_CHARS}]|[^\s{i18n.CJK_CHARS}]+")


def _units(text: str) -> float:
    """The width of ``text`` in half-ems: two for a wide character, 1.2 for any other (Noto
    Sans averages a little over half an em; a column too narrow for a word lets it run into
    the next, so this errs wide)."""
    return i18n.width(text, narrow=1.2)


def _longest_piece(text: str, kind: str) -> float:
    """The widest part of ``text`` no line can break: all of a number; an id's pieces between
    underscores (in its smaller type; a piece too long for any column breaks anywhere)."""
    if not text:
        return 0
    if kind == "number":
        return _units(text)
    if kind == "url":
        return 0
    if kind == "id":
        return max((0.85 * (len(p) + 1) for p in text.split("_") if len(p) <= _LONGEST_PIECE), default=0)
    return max((_units(p) for p in _PIECE.findall(text)), default=0)


def _empty(column: pd.Series) -> bool:
    return all(v is None or (not isinstance(v, str) and pd.isna(v)) or v == "" for v in column)


def _cell(text: str, kind: str) -> str:
    e = markup.html
    if kind == "url" and re.match(r"https?://", text):
        href = quote(text, safe=":/?#[]@!$&'()*+,;=%~")  # ASCII only: no text inside an attribute
        return f'<td class="egov-url"><a href="{e(href)}">{e(text)}</a></td>'
    return f'<td class="egov-{kind}">{e(text)}</td>'


#: An id breaks after each underscore; a piece between them longer than this may break
#: anywhere (class ``egov-long``: breaking anywhere makes WeasyPrint measure every character
#: of it, about a sixth of the data notes' PDF time when every id had it).
_LONGEST_PIECE = 24


def _id(text: str) -> str:
    """An id under a row's label, escaped, with a break opportunity after each underscore.

    >>> _id("gov_website_columns")
    '<span class="egov-id">gov_<wbr>website_<wbr>columns</span>'
    >>> _id("x" * 30)
    '<span class="egov-id egov-long">xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</span>'
    """
    pieces = text.split("_")
    long = " egov-long" if max(map(len, pieces)) > _LONGEST_PIECE else ""
    return f'<span class="egov-id{long}">{"_<wbr>".join(markup.html(p) for p in pieces)}</span>'


# ------------------------------------------------------------------------------ numbers

def decimals(values, cap: int = 4) -> int:
    """The decimals of the most precise value, at most ``cap``: what every value of an
    indicator or column is written with.

    >>> decimals([71.2, 12.9, 4.1]), decimals([66.39]), decimals([14467.0, 900.0]), decimals([0.41595, 0.5017])
    (1, 2, 0, 4)
    """
    most = 0
    for v in values:
        if v is None or pd.isna(v):
            continue
        s = f"{round(float(v), 10):.10f}".rstrip("0")
        most = max(most, len(s.split(".")[1]))
    return min(most, cap)


def figure(value: float, places: int, lang: str) -> str:
    """A number with the thousands separators of ``lang`` (CLDR) and exactly ``places``
    decimals.

    >>> figure(14467, 0, "en"), figure(14467, 0, "zh"), figure(0.41595, 4, "en"), figure(96, 1, "zh")
    ('14,467', '14,467', '0.4160', '96.0')
    """
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(float(value), format=pattern, locale=i18n.LOCALES[i18n.check_lang(lang)])


def numbers(values) -> pd.Series:
    """Whole numbers as Int64 (14467, not 14467.0); others as they are (the tidy data keeps
    every digit)."""
    s = pd.Series(list(values), dtype="Float64")
    whole = s.dropna().apply(lambda v: float(v).is_integer())
    if whole.all():
        return s.round().astype("Int64")
    if whole.any():  # mixed: 488000000 beside 66.39, each written as it is
        return pd.Series([None if pd.isna(v) else int(v) if float(v).is_integer() else float(v)
                          for v in s], dtype=object)
    return s


def _marked(text: str, qualifier) -> str:
    before, after = MARKS.get(qualifier, ("", "")) if isinstance(qualifier, str) else ("", "")
    return before + text + after


def quantities(rows: pd.DataFrame, lang: str) -> list[str]:
    """Observations of different indicators, one a row, for one column: each value with its own
    decimals, its unit and its qualifier in the words the text uses (about 34,692 sections,
    82,216 accounts (unverified reconstruction), 1,700个)."""
    return [i18n.quantity(v, u, lang, q if isinstance(q, str) else None, written=figure(v, decimals([v]), lang))
            for v, u, q in zip(rows["value"], rows["unit"], rows["qualifier"])]


def _notes(qualifiers, lang: str) -> tuple[str, ...]:
    """What the marks used in a table mean: '≈ about', '† unverified reconstruction'."""
    used = {q for q in qualifiers if isinstance(q, str) and q in MARKS}
    return tuple("".join(MARKS[q]) + " " + i18n.qualifier(q, lang) for q in MARKS if q in used)


# ------------------------------------------------------------------------------ builders

def tidy(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Observations in the long form, one a row, named in ``lang``: indicator, breakdown,
    period, value, unit, qualifier, status, source (the CSV download)."""
    lab = i18n.labels(lang)
    return pd.DataFrame({
        **tidy_columns(lang, [lab["indicators"][i] for i in rows["indicator_id"]],
                        [lab["breakdowns"].get(b, b) for b in rows["breakdown"]], rows["period"], rows["value"]),
        i18n.pick(lang, "单位", "unit"): [lab["units"][u] for u in rows["unit"]],
        i18n.pick(lang, "限定", "qualifier"): [i18n.qualifier(q, lang) for q in rows["qualifier"]],
        i18n.pick(lang, "状态", "status"): [i18n.status(s, lang) for s in rows["status"]],
        i18n.pick(lang, "来源", "source"): [source_name(s, lang) for s in rows["source_id"]],
    }).reset_index(drop=True)


def tidy_columns(lang: str, indicators, breakdowns, period, value) -> dict:
    """The first four columns of every tidy table (observations', the UN's)."""
    return {i18n.pick(lang, "指标", "indicator"): list(indicators),
            i18n.pick(lang, "分组", "breakdown"): list(breakdowns),
            i18n.pick(lang, "时期", "period"): [str(p) for p in period],
            i18n.pick(lang, "数值", "value"): numbers(value)}


def observations(rows: pd.DataFrame, lang: str) -> Table:
    """A chart's observations as a reader's table: periods as columns (in time order),
    categories as rows, one group per indicator and unit (titled with both), in the order the
    chart gives them. A group of one total is one row, titled; a table of one group takes its
    title as the row headers' heading."""
    lab = i18n.labels(lang)
    shown = rows[rows["value"].notna()]
    columns = sorted({str(p) for p in shown["period"]}, key=periods.key)
    blocks: dict[tuple, dict[str, dict[str, str]]] = {}
    for (ind, unit), part in shown.groupby(["indicator_id", "unit"], sort=False):
        places = decimals(part["value"])
        cells: dict[str, dict[str, str]] = {}
        for b, p, v, q in zip(part["breakdown"], part["period"], part["value"], part["qualifier"]):
            cells.setdefault(b, {}).setdefault(str(p), _marked(figure(v, places, lang), q))
        blocks[ind, unit] = cells
    groups = []
    for (ind, unit), cells in blocks.items():
        word = i18n.unit_word(unit, lang)
        title = lab["indicators"][ind] + (i18n.paren(word, lang) if word else "")
        members = tuple(Row(lab["breakdowns"].get(b, b), tuple(c.get(p, NO_FIGURE) for p in columns))
                        for b, c in cells.items())
        if len(members) == 1 and list(cells) == ["total"]:
            groups.append(Group("", (Row(title, members[0].cells),)))
        else:
            groups.append(Group(title, members))
    stub = i18n.pick(lang, "指标", "Indicator")
    if len(groups) == 1 and groups[0].title:
        stub, groups = groups[0].title, [Group("", groups[0].rows)]
    head = (stub, *(i18n.period(p, lang, short=True) for p in columns))
    return Table(head, ("number",) * len(columns), tuple(groups), tidy(rows, lang),
                 _notes(shown["qualifier"], lang))


def records(frame: pd.DataFrame, lang: str, *, sub: str | None = None, group: str | None = None,
            kinds: dict[str, str] | None = None, tidy: pd.DataFrame | None = None,
            notes: tuple[str, ...] = ()) -> Table:
    """A frame of records as a reader's table: its first column the row headers, then one
    column each (numbers in a column share its decimals; a column with nothing in it is left
    out). ``sub`` names a column written in small type under the row header, ``group`` one
    whose runs of equal values head groups of rows; ``kinds`` sets a column's kind (default: a
    number column is a number, else text: a text column of "number" kind is aligned as one);
    ``tidy`` is the CSV download (default: the frame itself); ``notes`` go under the table."""
    kinds = kinds or {}
    shown = [c for c in frame.columns[1:] if c not in (sub, group) and not _empty(frame[c])]
    places = {c: decimals(frame[c]) for c in shown if pd.api.types.is_numeric_dtype(frame[c].dtype)}
    kind = {c: kinds.get(c) or ("number" if c in places else "text") for c in shown}

    def write(c, v) -> str:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        return figure(v, places[c], lang) if c in places else str(v)

    groups: list[tuple[str, list[Row]]] = []
    for _, r in frame.iterrows():
        title = str(r[group]) if group else ""
        if not groups or groups[-1][0] != title:
            groups.append((title, []))
        groups[-1][1].append(Row(write(frame.columns[0], r.iloc[0]), tuple(write(c, r[c]) for c in shown),
                                 write(sub, r[sub]) if sub else ""))
    return Table((str(frame.columns[0]), *map(str, shown)), tuple(kind[c] for c in shown),
                 tuple(Group(t, tuple(rs)) for t, rs in groups), frame if tidy is None else tidy, notes)
