"""Charts as a reader sees them, drawn for real at several editions in both languages: no
label on another label, a line or a marker, none outside the figure or inside another panel;
no line across a gap in the data; one colour for one meaning in every chart."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from egov import charts, display, theme
from egov.charts import new_media, time
from tests.helpers import LANGS, make_chart

pytestmark = pytest.mark.usefixtures("close_figures")

#: The article's edition and others that draw the charts with other data (`egov editions`).
EDITIONS = ("2020-06", "2019-12", "2018-12", "2016-12", "2023-03")


@pytest.fixture(scope="module")
def inputs(sections, egdi):
    return sections, egdi


def draw(chart_id, lang, as_of, inputs):
    return make_chart(chart_id, lang, *inputs, as_of=as_of)


# --------------------------------------------------------------------------- what is drawn where

def _texts(fig):
    """Every visible, non-empty text of the figure with its owner (an axes, or None)."""
    out = [(t, None) for t in fig.texts]
    for ax in fig.axes:
        if not ax.axison:  # a panel drawn without axes (a tile) has only its own texts
            out += [(t, ax) for t in ax.texts]
            continue
        own = [*ax.texts, ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        for axis, view in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            lo, hi = sorted(view)
            for t in axis.get_ticklabels(which="both"):
                pos = t.get_position()[0 if axis is ax.xaxis else 1]
                if lo - 1e-9 <= pos <= hi + 1e-9:
                    own.append(t)
        if ax.get_legend() is not None:
            own += ax.get_legend().get_texts()
        out += [(t, ax) for t in own]
    return [(t, ax) for t, ax in out if isinstance(t, Text) and t.get_visible() and t.get_text().strip()]


def _box(artist, renderer, shrink=1.0):
    b = artist.get_window_extent(renderer)
    return b.expanded((b.width - 2 * shrink) / b.width if b.width > 2 * shrink else 1,
                      (b.height - 2 * shrink) / b.height if b.height > 2 * shrink else 1)


def _marks(fig, renderer):
    """Lines (as display paths) and markers (as boxes) drawn in the axes, with a name for each
    (and, for a legend's keys, the legend's own texts, which sit beside them by design)."""
    paths, boxes = [], []
    px = fig.dpi / 72
    for ax in fig.axes:
        for ln in ax.lines:
            if not ln.get_visible():
                continue
            xy = ln.get_transform().transform(np.column_stack([ln.get_xdata(orig=False), ln.get_ydata(orig=False)]))
            if ln.get_linestyle() not in ("None", "", " ") and len(xy) > 1:
                paths.append((xy, f"line {ln.get_gid() or ln.get_label()}"))
            if ln.get_marker() not in (None, "None", "", " "):
                r = ln.get_markersize() * px / 2
                boxes += [((x - r, y - r, x + r, y + r), f"marker of {ln.get_gid() or ln.get_label()}", ())
                          for x, y in xy]
        for c in ax.collections:
            if isinstance(c, PathCollection) and len(c.get_offsets()):
                xy = c.get_offset_transform().transform(c.get_offsets())
                sizes = c.get_sizes()
                for k, (x, y) in enumerate(xy):
                    r = np.sqrt(sizes[k % len(sizes)]) * px / 2
                    boxes.append(((x - r, y - r, x + r, y + r), "a marker", ()))
        if ax.get_legend() is not None:  # a legend's keys, with room around them (its texts are checked as texts)
            legend = ax.get_legend()
            for key, text in zip(legend.legend_handles, legend.get_texts()):
                b, room = key.get_window_extent(renderer), 3 * px
                boxes.append(((b.x0 - room, b.y0 - room, b.x1 + room, b.y1 + room),
                              f"the legend key of {text.get_text()!r}", legend.get_texts()))
    return paths, boxes


def _segment_hits_box(p, q, box) -> bool:
    """Whether the segment p–q passes through the box (x0, y0, x1, y1) (Liang–Barsky clipping)."""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, lo, hi, s in ((dx, x0, x1, p[0]), (dy, y0, y1, p[1])):
        if abs(d) < 1e-12:
            if s < lo or s > hi:
                return False
            continue
        a, b = (lo - s) / d, (hi - s) / d
        a, b = min(a, b), max(a, b)
        t0, t1 = max(t0, a), min(t1, b)
        if t0 > t1:
            return False
    return True


def layout_problems(fig) -> list[str]:
    """What a reader would see as a collision: texts on texts, on lines or markers, outside the
    figure, or inside another panel's plotting area."""
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [(t, ax, _box(t, renderer)) for t, ax in _texts(fig)]
    paths, boxes = _marks(fig, renderer)
    page = fig.bbox
    out = []
    name = lambda t: repr(t.get_text().replace("\n", " ")[:40])  # noqa: E731
    for i, (t, ax, b) in enumerate(texts):
        if b.x0 < page.x0 - 0.5 or b.y0 < page.y0 - 0.5 or b.x1 > page.x1 + 0.5 or b.y1 > page.y1 + 0.5:
            out.append(f"{name(t)} runs outside the figure")
        for u, _, c in texts[i + 1:]:
            if b.overlaps(c):
                out.append(f"{name(t)} overlaps {name(u)}")
        for other in fig.axes:
            if other is not ax and other.axison and b.overlaps(other.get_window_extent(renderer)):
                out.append(f"{name(t)} runs into another panel")
        box = (b.x0, b.y0, b.x1, b.y1)
        for xy, what in paths:
            if any(_segment_hits_box(xy[k], xy[k + 1], box) for k in range(len(xy) - 1)):
                out.append(f"{name(t)} is crossed by the {what}")
        for (x0, y0, x1, y1), what, beside in boxes:
            if any(t is own for own in beside):
                continue
            if x0 < b.x1 and b.x0 < x1 and y0 < b.y1 and b.y0 < y1:
                out.append(f"{name(t)} overlaps {what}")
    return sorted(set(out))


CASES = [(c, lang, ed) for ed in EDITIONS for c in charts.CHARTS for lang in LANGS]


@pytest.mark.parametrize("chart_id,lang,as_of", CASES, ids=[f"{c}-{lang}-{ed}" for c, lang, ed in CASES])
def test_no_label_collides_and_nothing_is_clipped(chart_id, lang, as_of, inputs):
    chart = draw(chart_id, lang, as_of, inputs)
    if isinstance(chart, display.NoData):
        pytest.skip("no data for this edition")
    assert layout_problems(chart.fig) == []


def test_the_layout_check_sees_a_collision():
    """A label struck through by a line, two labels on each other and a clipped one are found."""
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([0, 1], [0.5, 0.5])
    ax.text(0.5, 0.5, "struck through", ha="center", va="center")
    ax.text(0.1, 0.9, "first label")
    ax.text(0.12, 0.9, "second label")
    fig.text(0.98, 0.5, "clipped at the edge")
    found = " | ".join(layout_problems(fig))
    assert "'struck through' is crossed by the line" in found
    assert "'first label' overlaps 'second label'" in found
    assert "'clipped at the edge' runs outside the figure" in found


# --------------------------------------------------------------------------- gaps

def _bridged(chart, obs) -> list[str]:
    out = []
    for ax in chart.fig.axes:
        for ln in ax.lines:
            gid = ln.get_gid() or ""
            if "[" not in gid:
                continue
            indicator, breakdown = gid[:-1].split("[", 1)
            xs = [float(v) for v in ln.get_xdata()]
            for g in time.gaps(obs, indicator, breakdown):
                out += [f"{gid} runs across the gap {g.period}" for a, b in zip(xs, xs[1:]) if time.bridges(a, b, g)]
    return out


@pytest.mark.parametrize("as_of", EDITIONS)
def test_no_line_bridges_a_gap(as_of, inputs):
    obs = inputs[0]["new_media"]
    for lang in LANGS:
        chart = draw("weibo_toutiao", lang, as_of, inputs)
        series = {ln.get_gid() for ax in chart.fig.axes for ln in ax.lines}
        # the series with gaps are drawn, and named, so the check below sees them
        assert {"gov_weibo_accounts[scope=institutions]", "gov_toutiao_accounts[total]"} <= series
        assert _bridged(chart, obs) == []


def test_a_line_breaks_at_a_gap():
    gap = time.Gap.of("2017-06..2019-06")
    xs = [time.x(p) for p in ("2015-12", "2016-12", "2019-12", "2020-06")]
    assert time.segments(xs, [gap]) == [slice(0, 2), slice(2, 4)]
    assert time.segments(xs, []) == [slice(0, 4)]
    fig, ax = plt.subplots()
    drawn = time.line(ax, xs, [1, 2, 3, 4], [gap], "x[total]", label="x")
    assert [len(ln.get_xdata()) for ln in drawn] == [2, 2] and drawn[1].get_label() == "_nolegend_"


def test_the_gap_check_sees_a_bridged_gap(inputs, monkeypatch):
    """Drawn without breaks, the Weibo line runs across its gap and the check says so."""
    monkeypatch.setattr(time, "segments", lambda xs, gaps: [slice(0, len(xs))])
    chart = draw("weibo_toutiao", "en", "2020-06", inputs)
    assert "gov_weibo_accounts[scope=institutions] runs across the gap 2017-06..2019-06" in _bridged(chart, inputs[0]["new_media"])


# --------------------------------------------------------------------------- colour

def _painted(fig):
    """(meaning or None, colour) of every bar, line and marker drawn (heatmap cells encode
    values, not categories, and are left out)."""
    out = []
    for ax in fig.axes:
        for p in ax.patches:
            if isinstance(p, Rectangle) and p.get_fill() or not isinstance(p, Rectangle):
                out.append((p.get_gid(), to_hex(p.get_facecolor(), keep_alpha=False)))
        for ln in ax.lines:
            gid = ln.get_gid() or ""
            meaning = new_media.PLATFORM.get(gid.split("[")[0]) if "[" in gid else None
            out.append((meaning, to_hex(ln.get_color())))
        for c in ax.collections:
            if isinstance(c, PathCollection) and len(c.get_offsets()):
                out += [(None, to_hex(f, keep_alpha=False)) for f in c.get_facecolors() if f[3] > 0 and to_hex(f) != "#ffffff"]
                out += [(None, to_hex(e, keep_alpha=False)) for e in c.get_edgecolors() if e[3] > 0]
    return out


def test_one_colour_one_meaning(inputs):
    registry = {theme.color(m) for m in theme.COLORS}
    assert len(set(theme.COLORS.values())) == len(theme.COLORS), "two meanings share a colour"
    seen: dict[str, set[str]] = {}
    stray = []
    for as_of in EDITIONS[:3]:
        for chart_id in charts.CHARTS:
            for lang in LANGS:
                chart = draw(chart_id, lang, as_of, inputs)
                if isinstance(chart, display.NoData):
                    continue
                for meaning, colour in _painted(chart.fig):
                    if meaning:
                        seen.setdefault(meaning, set()).add(colour)
                    if colour not in registry:
                        stray.append(f"{chart_id} {lang} {as_of}: {colour} is no colour of egov.theme.COLORS")
                plt.close(chart.fig)
    assert sorted(set(stray)) == []
    assert {m: c for m, c in seen.items() if c != {theme.color(m)}} == {}
    # the categories the issue names are drawn, each in its colour
    assert {"level=central", "level=provincial_and_below", "level=provincial", "weibo", "toutiao", "douyin",
            "osi", "hci", "tii", "earlier", "figure"} <= set(seen)


def test_the_colour_check_sees_a_colour_by_position(inputs, monkeypatch):
    """A chart that colours a level by its position is caught."""
    from egov.charts import frame

    real = frame.paint
    monkeypatch.setattr(frame, "paint", lambda artists, meanings: [
        (a.set_color(["#0072b2", "#e69f00"][k % 2]), a.set_gid(m)) for k, (a, m) in enumerate(zip(artists, meanings))])
    chart = draw("homepage_updates", "en", "2020-06", inputs)
    assert any(m == "level=county" and c != theme.color("level=county") for m, c in _painted(chart.fig))
    monkeypatch.setattr(frame, "paint", real)


#: Colour words a caption may use, and the registry colour each must then be drawn in.
COLOUR_WORDS = {"grey": "earlier", "灰色": "earlier"}
OTHER_COLOUR_WORDS = ("red", "orange", "blue", "green", "purple", "红", "橙", "蓝", "绿", "紫")


@pytest.mark.parametrize("chart_id", list(charts.CHARTS))
def test_captions_match_the_drawing(chart_id, inputs):
    """A caption that names a colour names one the chart draws (better: the legend names the
    series); a caption names no colour outside the registry's roles."""
    for lang in LANGS:
        chart = draw(chart_id, lang, "2020-06", inputs)
        words = (chart.title + " " + chart.subtitle).lower()
        drawn = {c for _, c in _painted(chart.fig)}
        for word, meaning in COLOUR_WORDS.items():
            if word in words:
                assert theme.color(meaning) in drawn, f"{chart_id} {lang}: says {word!r}, draws none"
        assert not [w for w in OTHER_COLOUR_WORDS if w in words], f"{chart_id} {lang}: {chart.subtitle!r}"
