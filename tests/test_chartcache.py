"""A build's shared chart PNGs (egov.chartcache): a chart drawn for one report is taken, not
drawn again, for another; what names it is everything it is drawn from, so a taken PNG has the
bytes the chart would draw; outside a build nothing is kept."""

from __future__ import annotations

import base64
import json
import re

import pytest

from egov import chartcache, charts, data, display
from egov.section import Section
from tests.helpers import rewrite

pytestmark = pytest.mark.usefixtures("close_figures")


def _drawer(calls: list, content: bytes = b"\x89PNG\r\n\x1a\nchart"):
    def draw():
        calls.append(1)
        return content
    return draw


def test_a_png_is_drawn_once_per_build_folder_and_always_outside_one(tmp_path, monkeypatch):
    calls: list = []
    monkeypatch.delenv(chartcache.ENV, raising=False)
    assert chartcache.png("k", _drawer(calls)) == chartcache.png("k", _drawer(calls)) and len(calls) == 2
    monkeypatch.setenv(chartcache.ENV, str(tmp_path / "charts"))
    calls.clear()
    first, again = chartcache.png("k", _drawer(calls)), chartcache.png("k", _drawer(calls))
    assert first == again and len(calls) == 1
    assert [p.name for p in (tmp_path / "charts").iterdir()] == ["k.png"]  # no part file left


def test_a_kept_file_that_is_not_a_png_is_drawn_again(tmp_path, monkeypatch):
    monkeypatch.setenv(chartcache.ENV, str(tmp_path))
    (tmp_path / "k.png").write_bytes(b"<script>not a picture</script>")
    calls: list = []
    assert chartcache.png("k", _drawer(calls)).startswith(b"\x89PNG") and calls


def test_a_folder_that_cannot_be_written_only_costs_the_saving(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv(chartcache.ENV, str(blocker / "charts"))
    calls: list = []
    assert chartcache.png("k", _drawer(calls)).startswith(b"\x89PNG") and calls
    assert list(tmp_path.iterdir()) == [blocker]


def test_a_chart_sees_only_its_own_sections_rows(monkeypatch):
    """The overview holds every section's observations; a chart drawn there must draw what its
    section draws, or a taken PNG would depend on which report drew first."""
    seen = {}
    c = charts.CHARTS["website_columns"]
    monkeypatch.setitem(charts.CHARTS, "website_columns",
                        charts.Registered(lambda obs, **kw: seen.setdefault("sections", set(obs["section"])),
                                          c.section, c.reads))
    charts.make("website_columns", "en", "2020-06", obs=data.observations())
    assert seen["sections"] == {"websites"}


def test_the_name_follows_the_data_the_chart_reads_and_nothing_else(data_copy):
    def name(chart_id, section, lang="en", as_of="2020-06"):
        s = Section(section, lang, as_of, data_dir=data_copy)
        return s.chart(chart_id).cache_key

    before = name("website_columns", "04_websites")
    assert before == name("website_columns", "00_overview")  # the same chart, whoever draws it
    assert len({before, name("website_columns", "04_websites", lang="zh"),
                name("website_columns", "04_websites", as_of="2019-12"),
                name("websites_by_level", "04_websites")}) == 4
    douyin = name("douyin", "05_new_media")
    rewrite(data_copy / "observations.csv", ",13566,", ",13565,")  # a website count
    data.clear_cache()
    assert name("website_columns", "04_websites") != before
    assert name("douyin", "05_new_media") == douyin  # another section's data: the same PNG


def test_a_chart_is_saved_once_so_its_two_cards_show_the_same_picture(monkeypatch):
    """matplotlib lays a figure out again on each save, so a second save differs; the
    overview's grid shows weibo_toutiao in two cards."""
    monkeypatch.delenv(chartcache.ENV, raising=False)
    chart = Section("05_new_media", "en", "2020-06").chart("weibo_toutiao")
    assert chart.png() == chart.png() != display.to_png(chart.fig)


def test_a_build_takes_the_overviews_charts_and_writes_what_drawing_them_writes(tmp_path, monkeypatch):
    """The sections take the PNGs their overview drew; each is the PNG the section would draw."""
    from egov import gallery

    monkeypatch.setenv(chartcache.ENV, str(tmp_path))
    overview = Section("00_overview", "zh", "2020-06")
    cards = gallery.cards(overview)
    kept = {p.stem for p in tmp_path.glob("*.png")}
    assert len(kept) == len({c["number"] for c in cards}) - 1  # one chart in two cards
    section = Section("05_new_media", "zh", "2020-06")
    taken = section.chart("douyin")
    assert taken.cache_key in kept
    monkeypatch.delenv(chartcache.ENV)
    drawn = Section("05_new_media", "zh", "2020-06").chart("douyin")
    assert taken.png() == drawn.png()
    thumbs = [c["thumbnail"] for c in cards if c["redrawn"] == overview.chart("weibo_toutiao").title]
    assert len(thumbs) == 2 and thumbs[0] == thumbs[1]
    assert all(re.fullmatch(r"data:image/png;base64,[A-Za-z0-9+/=]+", t) for t in thumbs)
    assert base64.b64decode(thumbs[0].split(",", 1)[1]).startswith(b"\x89PNG")
    json.dumps(cards)  # cards stay plain data


def test_a_card_is_kept_beside_its_png_and_only_a_whole_one_is_taken(tmp_path, monkeypatch):
    monkeypatch.delenv(chartcache.ENV, raising=False)
    assert not chartcache.active() and chartcache.card("k") is None
    monkeypatch.setenv(chartcache.ENV, str(tmp_path))
    card = {"title": "<b>标题</b>", "alt": "Chart: x."}
    chartcache.png("k", _drawer([]), card=card)
    assert chartcache.card("k") == {**card, "png": b"\x89PNG\r\n\x1a\nchart"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.json", "k.png"]
    for kept in ('{"title": "t"}', '["t", "a"]', '{"title": "t", "alt": 1}', "not json"):
        (tmp_path / "k.json").write_text(kept)
        assert chartcache.card("k") is None, kept
    chartcache.png("p", _drawer([]))  # drawn without a card: nothing to take
    assert chartcache.card("p") is None and chartcache.card("never drawn") is None


def test_after_its_sections_the_overview_takes_their_cards_and_draws_no_chart(tmp_path, monkeypatch):
    """A build executes the overview after the sections: its grid takes each chart's card (title,
    alt text, PNG) and draws no figure. Its cards are the ones it draws alone, and it reads the
    same data (the trace a build keys it on)."""
    from egov import gallery
    from egov.facts.overview import article_charts

    def overview_cards(trace):
        monkeypatch.setenv(data.TRACE_ENV, str(trace))
        data.clear_cache()
        return gallery.cards(Section("00_overview", "en", "2020-06"))

    monkeypatch.delenv(chartcache.ENV, raising=False)
    alone = overview_cards(tmp_path / "alone.trace")
    monkeypatch.setenv(chartcache.ENV, str(tmp_path / "charts"))
    monkeypatch.delenv(data.TRACE_ENV)  # the sections' reads are theirs
    for row in article_charts():
        Section(row["page"], "en", "2020-06").chart(row["redrawn"]).png()

    def no_drawing(chart_id, *args, **kw):
        raise AssertionError(f"drew {chart_id}, which a section drew")

    monkeypatch.setattr(charts, "make", no_drawing)
    assert overview_cards(tmp_path / "taken.trace") == alone
    assert data.read_trace(tmp_path / "taken.trace") == data.read_trace(tmp_path / "alone.trace")
