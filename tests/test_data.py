"""egov.data: typed loading, and a clear error for each kind of bad input.

Each error test breaks a copy of data/ in a temporary folder, never data/ itself, and checks
that the message names the file, the row and the column, and says what was expected.
"""

from __future__ import annotations

import pandas as pd
import pytest

from egov import data, tablefile
from egov.errors import DataError
from tests.helpers import rewrite, reseal


def load(data_dir):
    data.clear_cache()
    return data.tables(data_dir)


def test_real_data_loads_with_proper_dtypes():
    t = data.tables()
    obs = data.observations()
    assert isinstance(obs["status"].dtype, pd.CategoricalDtype)
    assert str(obs["value"].dtype) == "Float64"
    assert str(t["un_egdi"]["rank"].dtype) == "Int64"
    assert str(t["un_egdi"]["year"].dtype) == "Int64"
    assert isinstance(t["un_egdi"]["iso3"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_any_dtype(obs["date"])
    assert len(t["observations"]) == 51 and len(t["un_egdi"]) == 2316


def test_value_and_select():
    obs = data.observations(section="websites")
    assert data.value(obs, "gov_websites", "level=central", "2020-06") == 901
    assert list(data.select(obs, "gov_websites")["period"]) == ["2018-12", "2019-12", "2020-06"]
    with pytest.raises(KeyError, match="give a period"):
        data.value(obs, "gov_websites")
    with pytest.raises(ValueError, match="unknown section 'nope'"):
        data.observations(section="nope")


def test_select_agrees_with_the_plain_pandas_reading_in_any_row_order():
    """select's arrays give what the masks, sort and de-duplication of pandas give: every
    indicator, breakdown, period and origin asked, on the rows shuffled."""
    def plain(obs, indicator, breakdown="total", period=None, origin=None):
        m = (obs["indicator_id"] == indicator) & (obs["status"] != "gap")
        for col, wanted in (("breakdown", breakdown), ("period", period), ("origin", origin)):
            if wanted is not None:
                m &= obs[col] == wanted
        out = obs[m].sort_values(["date", "origin"])
        return out.drop_duplicates(["indicator_id", "breakdown", "period"], keep="first")

    obs = data.observations()
    asked = 0
    frame = obs.sample(frac=1, random_state=7)
    for i, b, p in sorted(set(zip(frame["indicator_id"], frame["breakdown"], frame["period"]))):
        for args in ((i, b, p), (i, b), (i, None), (i, None, p), (i, b, p, "article"), (i, "nope")):
            got, want = data.select(frame, *args), plain(frame, *args)
            assert list(got.index) == list(want.index), args  # the same rows, in the same order
            asked += 1
    assert asked > 500
    pd.testing.assert_frame_equal(data.select(obs, "gov_websites", None), plain(obs, "gov_websites", None))
    both = obs[obs["indicator_id"] == "gov_websites"]
    assert set(both["origin"]) == {"article", "reference"}  # the article's row wins a tie above


def test_checks_are_worked_out_once_and_every_call_reads_the_data(tmp_path, monkeypatch, data_copy):
    """The data notes ask for the checks three times: the results are kept with the loaded
    tables, but each call still reads them (a report's trace is the same), and tables loaded
    again are checked again."""
    from egov import checks

    trace = tmp_path / "trace.jsonl"
    monkeypatch.setenv(data.TRACE_ENV, str(trace))
    first = checks.run(data_copy)
    lines = len(trace.read_text(encoding="utf-8").splitlines())
    second = checks.run(data_copy)
    assert second == first and second[0] is first[0]  # the same results, not worked out again
    assert len(trace.read_text(encoding="utf-8").splitlines()) == 2 * lines > 0
    rewrite(data_copy / "observations.csv", ",13566,", ",13565,")  # a website count the rules add up
    data.clear_cache()
    again = {r.rule_id: r.passed for r in checks.run(data_copy)}
    assert again != {r.rule_id: r.passed for r in first}


def test_labels_are_kept_with_the_loaded_data_and_each_caller_gets_its_own(data_copy):
    """Names are asked for on every label a chart or sentence writes: worked out once per loaded
    data, a copy each time, and worked out again for tables loaded again."""
    names = data.labels("en", data_copy)
    names["indicators"]["gov_websites"] = "changed by a caller"
    assert data.labels("en", data_copy)["indicators"]["gov_websites"] == "Government websites"
    rewrite(data_copy / "indicators.csv", "Government websites,Government", "Public websites,Government")
    data.clear_cache()
    assert data.labels("en", data_copy)["indicators"]["gov_websites"] == "Public websites"


def test_period_end():
    assert str(data.period_end("2020-06").date()) == "2020-06-30"
    assert str(data.period_end("2019").date()) == "2019-12-31"
    assert data.period_end("2016-12..2020-06") is None


def test_missing_file(data_copy):
    (data_copy / "observations.csv").unlink()
    with pytest.raises(DataError, match=r"observations\.csv: missing file"):
        load(data_copy)


#: One broken cell each: the file, the text replaced, its replacement, the message expected.
CELL_ERRORS = [
    pytest.param('observations.csv', ',confidence,', ',confidenc,', r"observations\.csv, row 1, column 'confidence': missing column; expected columns: indicator_id", id='missing_column'),
    pytest.param('indicators.csv', 'definition\n', 'definition,extra\n', r"indicators\.csv, row 1, column 'extra': unexpected column", id='extra_column'),
    pytest.param('observations.csv', ',126000000,', ',1.26亿,', r"observations\.csv, row 7, column 'value': expected a number, found '1.26亿'", id='non_numeric_value'),
    pytest.param('observations.csv', ',13566,', ',-13566,', r"observations\.csv, row \d+, column 'value': negative count -13566", id='negative_count'),
    pytest.param('observations.csv', ',66.39,', ',6639119,', r"observations\.csv, row \d+, column 'value': share 6.63912e\+06 is outside 0–100", id='share_outside_0_100'),
    pytest.param('observations.csv', 'platform_visits,', 'platform_visitz,', r"observations\.csv, row 8, column 'indicator_id': unknown indicator id 'platform_visitz'", id='unknown_indicator'),
    pytest.param('reference_observations.csv', ',cnnic43_websites,', ',cnnic43_webs,', r"reference_observations\.csv, row \d+, column 'source_id': unknown source id 'cnnic43_webs'", id='unknown_source'),
    pytest.param('observations.csv', ',reported,', ',quoted,', r"row 2, column 'status': 'quoted' is not one of: reported, derived, corrected, gap", id='bad_enum_names_allowed_values'),
    pytest.param('observations.csv', ',12882216个,', ',,', r"column 'printed': a correction must keep the text as printed", id='correction_must_keep_printed_text'),
    pytest.param('observations.csv', ',ecert_not_aggregated,', ',,', r"column 'rule': a derived value must name the rule", id='derived_value_must_name_its_rule'),
    pytest.param('reference_observations.csv', '2019-06,,,gap', '2019-06,1,,gap', r"reference_observations\.csv, row \d+, column 'value': a gap has no value", id='gap_has_no_value'),
]


@pytest.mark.parametrize("file, old, new, message", CELL_ERRORS)
def test_bad_cell_names_file_row_column_and_rule(data_copy, file, old, new, message):
    rewrite(data_copy / file, old, new)
    with pytest.raises(DataError, match=message):
        load(data_copy)


def test_duplicate_key(data_copy):
    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines + [lines[1]]), encoding="utf-8")
    with pytest.raises(DataError, match=rf"observations\.csv, row {len(lines) + 1}, column 'indicator_id,breakdown,period': "
                                        r"duplicate key \('platform_connected_regions', 'total', '2020-06'\), first seen at row 2"):
        load(data_copy)


def test_raw_checksum_mismatch(data_copy):
    path = data_copy / "raw" / "reference" / "un_egdi_all_countries.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("0.7948", "0.7949"), encoding="utf-8")
    with pytest.raises(DataError, match=r"un_egdi_all_countries\.csv: checksum mismatch"):
        load(data_copy)


def test_non_utf8_bytes(data_copy):
    path = data_copy / "indicators.csv"
    path.write_bytes(path.read_bytes().replace("国家政务服务平台联通地区".encode(), "国家政务服务平台联通地区".encode("gb18030")))
    with pytest.raises(DataError, match=r"indicators\.csv, row 2: not UTF-8: byte 0x\w\w"):
        load(data_copy)


def test_changed_raw_table_is_validated_too(data_copy):
    path = data_copy / "raw" / "reference" / "un_egdi_all_countries.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Albania,ALB,2003,0.31079", "Albania,ALB,2003,abc", 1), encoding="utf-8")
    reseal(data_copy, "ref_un_egdi")
    with pytest.raises(DataError, match=r"un_egdi_all_countries\.csv, row 4, column 'egdi': expected a number, found 'abc'"):
        load(data_copy)


def test_oversized_file_fails_before_reading(data_copy, monkeypatch):
    monkeypatch.setattr(tablefile, "MAX_FILE_BYTES", 1000)
    with pytest.raises(DataError, match=r"over the 1,000-byte limit"):
        load(data_copy)


def test_huge_cell_fails_fast(data_copy):
    rewrite(data_copy / "observations.csv", "Within a year", "x" * 50_000 + "Within a year")
    with pytest.raises(DataError, match=r"observations\.csv, row \d+: unreadable CSV .*limited to 10,000 characters"):
        load(data_copy)


def test_too_many_rows_fail_fast(data_copy, monkeypatch):
    monkeypatch.setattr(tablefile, "MAX_ROWS", 10)
    with pytest.raises(DataError, match=r"row 12: more than 10 rows"):
        load(data_copy)


def test_error_leaves_the_real_data_loadable(data_copy):
    (data_copy / "observations.csv").unlink()
    with pytest.raises(DataError):
        load(data_copy)
    assert len(load(data.DATA_DIR)["observations"]) == 51


def test_trace_and_fingerprint(tmp_path, monkeypatch, data_copy):
    trace = tmp_path / "trace.jsonl"
    monkeypatch.setenv(data.TRACE_ENV, str(trace))
    data.observations(data_copy, section="websites")
    data.observations(data_copy, section="websites")
    reads = data.read_trace(trace)
    assert reads == [{"indicators": None, "section": "websites", "table": "observations"}]
    before = data.fingerprint(reads, data_copy)
    rewrite(data_copy / "observations.csv", ",25313,", ",25314,")  # new media: not read
    data.clear_cache()
    assert data.fingerprint(reads, data_copy) == before
    rewrite(data_copy / "observations.csv", ",13566,", ",13565,")  # websites: read
    data.clear_cache()
    assert data.fingerprint(reads, data_copy) != before


def test_observations_are_a_copy_each_time():
    """The combined frame is made once per loaded data: what one reader changes, the next
    reader does not see."""
    first = data.observations()
    first["value"] = -123456.5
    first.loc[first.index[:10], "period"] = "1900"
    again = data.observations()
    assert (again["value"].dropna() != -123456.5).all() and (again["period"] != "1900").all()
    websites = data.observations(section="websites")
    websites["value"] = -123456.5
    assert (data.observations(section="websites")["value"].dropna() != -123456.5).all()


def test_fingerprint_follows_tables_loaded_again(data_copy):
    """A fingerprint's parts are kept only as long as the tables they were hashed from: tables
    loaded again (the cache of loaded folders full, or cleared) are hashed again."""
    reads = [{"indicators": None, "section": "websites", "table": "observations"}]
    data.clear_cache()
    before = data.fingerprint(reads, data_copy)
    rewrite(data_copy / "observations.csv", ",13566,", ",13565,")
    data._load_all.cache_clear()  # noqa: SLF001 - as when more folders were loaded than it keeps
    assert data.fingerprint(reads, data_copy) != before


def test_what_is_kept_of_loaded_data_is_bounded(tmp_path):
    """A process that reads many data folders (a test run) keeps what it derived from as many
    as it keeps loaded, not from every one."""
    import shutil

    for i in range(data._LOADED + 3):  # noqa: SLF001
        copy = tmp_path / f"data{i}"
        shutil.copytree(data.DATA_DIR, copy)
        data.fingerprint([{"indicators": None, "section": "websites", "table": "observations"}], copy)
    assert len(data._memo) <= data._LOADED  # noqa: SLF001
