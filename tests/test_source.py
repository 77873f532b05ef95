"""egov.source: the raw article is verified, cleaned and split deterministically."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from egov import source
from egov.errors import DataError
from tests.helpers import EGOV, ROOT, billion_laughs, reseal


@pytest.fixture(scope="module")
def art():
    return source.article()


@pytest.mark.parametrize("raw, clean", [
    ("互聯(lián)網(wǎng)", "互聯網"),
    ("政務(wù)服務(wù)", "政務服務"),
    ("平臺(含PC端、移動端和小程序)", "平臺(含PC端、移動端和小程序)"),
    ("網站(PC)和應用(app)", "網站(PC)和應用(app)"),
    ("指數(EGDI)", "指數(EGDI)"),
    ("省(區、市)", "省(區、市)"),
    ("abc(lián)", "abc(lián)"),
    ("網(wǎng) (lián)", "網 (lián)"),
    ("數(shù)據(jù)(2020)", "數據(2020)"),
])
def test_strip_readings_keeps_what_is_not_a_reading(raw, clean):
    assert source.strip_readings(raw) == clean


def test_to_simplified_uses_opencc():
    assert source.to_simplified("國家政務服務平臺實名註冊用戶") == "国家政务服务平台实名注册用户"


def test_clean_article_has_no_readings_traditional_or_boilerplate(art):
    assert not re.search(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)", art.text)
    assert not set("網務聯臺業發國數據") & set(art.text)
    for gone in ("前瞻经济学人APP", "400-068-7188", "500+", "寻求合作"):
        assert gone not in art.text
    assert "(含PC端、移动端和小程序)" in art.text


def test_split_finds_title_and_five_sections_in_order(art):
    assert art.title == "十张图了解2020年中国互联网政务行业市场现状与发展趋势分析"
    assert list(art.sections) == ["platform", "capability", "sharing", "websites", "new_media"]
    assert "58.91亿次" in art.sections["platform"]
    assert "0.7948" in art.sections["capability"]
    assert "897种" in art.sections["sharing"]
    assert "13566个" in art.sections["websites"]
    assert "25313个" in art.sections["new_media"]


def test_cleaning_is_deterministic():
    raw = source.read_raw("article")
    assert source.clean(raw) == source.clean(raw)
    assert source.split(source.clean(raw)) == source.article()


def test_changed_raw_file_is_refused(data_copy):
    path = data_copy / "raw" / "qianzhan-2020-egov-ten-charts.txt"
    path.write_bytes(path.read_bytes().replace("1.26".encode(), "1.27".encode()))
    with pytest.raises(DataError, match=r"qianzhan-2020-egov-ten-charts\.txt: checksum mismatch: expected SHA-256 5205"):
        source.read_raw("article", data_copy)


def test_missing_raw_file_is_named(data_copy):
    (data_copy / "raw" / "qianzhan-2020-egov-ten-charts.txt").unlink()
    with pytest.raises(DataError, match=r"qianzhan-2020-egov-ten-charts\.txt: raw file is missing"):
        source.read_raw("article", data_copy)


def test_non_utf8_raw_file_names_the_line(data_copy):
    path = data_copy / "raw" / "qianzhan-2020-egov-ten-charts.txt"
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2] + b"\xff\xfe"
    path.write_bytes(b"\n".join(lines))
    reseal(data_copy, "article")
    with pytest.raises(DataError, match=r"row 3: not UTF-8"):
        source.read_raw("article", data_copy)


def test_missing_section_heading_is_an_error():
    text = source.clean(source.read_raw("article")).replace("政府网站数量呈缩减趋势\n", "")
    with pytest.raises(DataError, match="sections not found: websites"):
        source.split(text)


# ------------------------------------------------------------------------------ YAML limits

def _egov_check(data_dir, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([*EGOV, "check"], capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          env={**os.environ, "EGOV_DATA_DIR": str(data_dir)})


def test_a_billion_laughs_origin_record_is_refused_fast(data_copy):
    """Aliases that expand to 387 million values: refused before anything walks them."""
    origin = data_copy / "raw" / "origin.yaml"
    text = origin.read_text(encoding="utf-8")
    origin.write_text(text.replace("    primary_sources:\n", f"    laughs: {billion_laughs()}\n    primary_sources:\n"),
                      encoding="utf-8")
    with pytest.raises(DataError, match=r"origin.yaml: holds more than 100,000 values once its aliases"):
        source.origins(data_copy)
    out = _egov_check(data_copy)
    assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    assert '(a "billion laughs" file?)' in out.stderr


@pytest.mark.parametrize("text, message", [
    ("files:\n  a: " + "[" * 60 + "]" * 60 + "\n", "origin.yaml, row 2: nested more than 50 levels deep"),
    ("files: {}\n#" + "x" * 1024 * 1024 + "\n", "over the 1,048,576-byte limit for an origin record"),
])
def test_a_deep_or_huge_origin_record_is_refused(data_copy, text, message):
    (data_copy / "raw" / "origin.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=re.escape(message)):
        source.origins(data_copy)
