"""Every statistic of the article is an observation, and every observation traces back.

Coverage: each number in the cleaned article is either the value of an observation whose quote
holds it, the garbled text of a correction, or on data/coverage_ignore.csv with a reason.
Traceability: each reported value's quote is verbatim in its source and parses to the value.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal

import pandas as pd
import pytest

from egov import data, numbers, source


@pytest.fixture(scope="module")
def text():
    return source.article().text


@pytest.fixture(scope="module")
def tables():
    return data.tables()


def spans(text: str, quote: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(quote), text)]


def _uncovered(text, tables):
    obs = tables["observations"]
    ignore = tables["coverage_ignore"]
    uncovered, used_ignores = [], set()
    for f in numbers.find_all(text):
        covered = False
        for r in obs.itertuples():
            for a, b in spans(text, r.quote):
                if not (a <= f.start and f.end <= b):
                    continue
                inside_printed = pd.notna(r.printed) and any(
                    pa <= f.start - a and f.end - a <= pb for pa, pb in spans(r.quote, r.printed))
                if inside_printed or (f.quantity and f.quantity.value == Decimal(str(r.value))):
                    covered = True
        for i, ig in enumerate(ignore.itertuples()):
            if ig.text != f.text:
                continue
            ctx = ig.context if pd.notna(ig.context) else None
            if ctx is None or any(a <= f.start and f.end <= b for a, b in spans(text, ctx)):
                covered = True
                used_ignores.add(i)
        if not covered:
            uncovered.append(f"{f.text} at {f.start}: …{text[max(0, f.start - 15):f.end + 10]}…")
    return uncovered, used_ignores


def test_every_number_in_the_article_is_covered(text, tables):
    uncovered, _ = _uncovered(text, tables)
    assert not uncovered, "numbers with no observation and not on the ignore list:\n" + "\n".join(uncovered)


def test_every_ignore_entry_is_needed(text, tables):
    _, used = _uncovered(text, tables)
    unused = [r.text for i, r in enumerate(tables["coverage_ignore"].itertuples()) if i not in used]
    assert not unused, f"ignore entries that match nothing: {unused}"


def test_coverage_fails_when_an_observation_is_dropped(text, tables):
    broken = dict(tables)
    broken["observations"] = tables["observations"][tables["observations"]["value"] != 25313]
    uncovered, _ = _uncovered(text, broken)
    assert [u.split(" at ")[0] for u in uncovered] == ["25313个"]


def test_coverage_count(text, tables):
    found = [f for f in numbers.find_all(text)]
    assert len(found) == 71  # a change in cleaning or parsing shows here first


def _unit_words(tables):
    units = tables["units"].set_index("unit")["measure_words"].fillna("")
    return {i: set(units[u].split("|")) - {""} for i, u in zip(tables["indicators"]["indicator_id"], tables["indicators"]["unit"])}


def test_reported_article_values_trace_to_their_quote(text, tables):
    words = _unit_words(tables)
    obs = tables["observations"]
    problems = []
    for r in obs[obs["status"] == "reported"].itertuples():
        if r.quote not in text:
            problems.append(f"{r.indicator_id}@{r.period}: quote not in the cleaned article: {r.quote}")
            continue
        matches = [f.quantity for f in numbers.find_all(r.quote)
                   if f.quantity and f.quantity.value == Decimal(str(r.value))]
        if not matches:
            problems.append(f"{r.indicator_id}@{r.period}: no number in the quote parses to {r.value}")
            continue
        q = matches[0]
        if words[r.indicator_id] and q.unit not in words[r.indicator_id]:
            problems.append(f"{r.indicator_id}@{r.period}: unit word {q.unit!r} not in {words[r.indicator_id]}")
        if (q.qualifier or None) != (r.qualifier if pd.notna(r.qualifier) else None):
            problems.append(f"{r.indicator_id}@{r.period}: qualifier {q.qualifier!r} vs {r.qualifier!r}")
    assert not problems, "\n".join(problems)


def test_corrections_keep_the_printed_text_and_no_garbled_value_is_stored(text, tables):
    obs = pd.concat([tables["observations"], tables["reference_observations"]])
    corrected = obs[obs["status"] == "corrected"]
    assert len(corrected) == 3  # 901 is reported: CNNIC's label for the central level (websites_central)
    garbled = set()
    for r in corrected.itertuples():
        assert r.quote in text and r.printed in r.quote
        printed_numbers = [f.quantity.value for f in numbers.find_all(r.printed) if f.quantity]
        garbled |= {v for v in printed_numbers if v != Decimal(str(r.value))}
    assert garbled == {Decimal(12114467), Decimal(119), Decimal(12882216)}
    stored = {Decimal(str(v)) for v in obs["value"].dropna()}
    assert not garbled & stored - {Decimal(119)}  # 119 is only a stray marker, never a value here


def test_reference_values_trace_to_the_raw_reference_rows(tables):
    origins = source.origins()["files"]
    problems = []
    for raw_file, rows in tables["reference_observations"].groupby("raw_file", observed=True):
        path = data.DATA_DIR / "raw" / origins[raw_file]["path"]
        raw = list(csv.DictReader(path.open(encoding="utf-8")))
        for r in rows.itertuples():
            same = [x for x in raw if x["period"] == r.period and x["quote"] == (r.quote if pd.notna(r.quote) else "")]
            if not same:
                problems.append(f"{r.indicator_id}@{r.period}: no raw row with this period and quote")
            elif pd.notna(r.value) and not any(_raw_value_matches(x, r.value) for x in same):
                problems.append(f"{r.indicator_id}@{r.period}: value {r.value} not in the raw row")
    assert not problems, "\n".join(problems)


def _raw_value_matches(raw_row: dict, value: float) -> bool:
    """The raw row states the value, or (for a composite row) its quote holds it."""
    try:
        if float(raw_row["value"]) == value:
            return True
    except ValueError:
        pass
    return any(f.quantity and f.quantity.number == value for f in numbers.find_all(raw_row["quote"]))
