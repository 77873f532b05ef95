"""Hostile data: what a careless or hostile contributor can put in ``data/``.

Markup in a label reaches the built report as text (checked in headless Chromium); numbers,
periods, headers, special files, rules and invisible characters each get a named
:class:`~egov.errors.DataError` (file, row, column, what was expected) or a FAIL line, never
a traceback, a hang or a guess.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, artifact

EGOV = [sys.executable, "-m", "egov"]


def egov(*args, data_dir: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*EGOV, *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=timeout,
                          env={**os.environ, "EGOV_DATA_DIR": str(data_dir)})


def set_cell(path: Path, key: str, column: str, value: str) -> None:
    """Set one cell (the row whose first column is ``key``), saved as a spreadsheet would."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    col = rows[0].index(column)
    hit = [r for r in rows[1:] if r[0] == key]
    assert hit, f"{key} not in {path}"
    hit[0][col] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


# ------------------------------------------------------------------------------ labels as text

#: Per language: (table, key, column, label). Each label carries markup for one renderer and
#: a marker word that must never end up inside an element the markup would have made.
LABELS = {
    "en": [("sections", "websites", "name_en", "Websites [click me](javascript:alert(1))"),
           ("indicators", "gov_websites", "name_en", "Government websites ![x](http://example.com/x.png) *emph*"),
           ("breakdowns", "level=central", "name_en", "Central $\\frac{1$ `tick` | # x"),
           ("units", "sites", "name_en", "websites ~~gone~~ &amp;"),
           ("rules", "websites_levels_sum", "description_en", "they add up _why_ **bold1** <i>ital</i>"),
           ("sources", "qianzhan2020", "publisher", "前瞻 (Qianzhan *Research*)"),
           ("sources", "qianzhan2020", "title", "Ten charts `code1` [t](javascript:alert(2))")],
    "zh": [("sections", "websites", "name_zh", "政府网站[click me](javascript:alert(1))"),
           ("indicators", "gov_websites", "name_zh", "政府网站数量![x](http://example.com/x.png)*emph*"),
           ("breakdowns", "level=central", "name_zh", "中央$\\frac{1$`tick`|#"),
           ("rules", "websites_levels_sum", "description_zh", "之和_why_**bold1**<i>ital</i>")],
}
MARKERS = ("emph", "tick", "gone", "why", "bold1", "ital", "Research", "code1")
#: What every page is checked for, in the browser.
INSPECT = """() => ({
  links: Array.from(document.querySelectorAll('main a')).map(a => a.getAttribute('href') || ''),  // the page's own navigation and footer are the template's
  images: Array.from(document.images).map(i => [i.getAttribute('src').slice(0, 30), i.complete && i.naturalWidth > 0]),
  charts: document.querySelectorAll('figure.egov-figure img').length,
  marked: Array.from(document.querySelectorAll('em, strong, i, b, del, s, code, table:not(.dataframe), blockquote, dl, input, math'))
              .map(e => e.tagName + ': ' + e.textContent),
  text: document.body.innerText,
})"""


@pytest.mark.slow
def test_labels_reach_every_report_as_text(tmp_path):
    """Markdown, HTML and maths in labels, sources and rules: shown as typed, in a real browser;
    no link or image is made from them, no request leaves the file, the charts still draw."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (make setup installs it)")
    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM_FLAGS as FLAGS

    root = tmp_path / "p"
    (root / "notebooks").mkdir(parents=True)
    for nb in ("00_overview", "04_websites"):
        shutil.copy(ROOT / "notebooks" / f"{nb}.ipynb", root / "notebooks")
    shutil.copytree(ROOT / "data", root / "data")
    for table, key, column, label in LABELS["en"] + LABELS["zh"]:
        set_cell(root / "data" / f"{table}.csv", key, column, label)
    out = subprocess.run([*EGOV, "build", "--notebooks", root / "notebooks", "-o", root / "reports",
                          "--format", "html", "--workers", "2"], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "EGOV_DATA_DIR": str(root / "data")}, timeout=900)
    assert out.returncode == 0, out.stderr
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            for lang in ("zh", "en"):
                for page_path in sorted((root / "reports" / lang).glob("*.html")):
                    _check_page(browser, page_path, lang)
        finally:
            browser.close()


def _check_page(browser, path: Path, lang: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    left, dialogs = [], []

    def route(r):
        if r.request.url.startswith("data:") or r.request.url.split("#")[0] == path.as_uri():
            r.continue_()
        else:
            left.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(path.as_uri(), wait_until="load")
        page.screenshot(path=str(artifact("hostile", f"{lang}_{path.stem}.png")), full_page=True)
        seen = page.evaluate(INSPECT)
    finally:
        context.close()
    name = f"{lang}/{path.name}"
    assert not left and not dialogs, f"{name}: requests {left}, dialogs {dialogs}"
    # in-page anchors, CSV downloads, and the project's own links (the overview's grid, each page's
    # navigation to the sections and the front door): never a link made from a label
    assert all(h.startswith(("#", "data:")) or re.fullmatch(r"(\.\./(zh|en)/)?\d\d_[a-z_]+\.html|\.\./index(\.en)?\.html(#cite)?", h)
               for h in seen["links"]), f"{name}: links {seen['links']}"
    assert all(src.startswith("data:image/png") and ok for src, ok in seen["images"]), f"{name}: {seen['images']}"
    marked = [m for m in seen["marked"] if any(w in m for w in MARKERS)]
    assert not marked, f"{name}: markup made from data: {marked}"
    text = re.sub(r"\s+", " ", seen["text"])
    shown = [label for _, _, _, label in LABELS[lang] if re.sub(r"\s+", " ", label) in text]
    assert shown, f"{name}: none of the labels is shown as typed"
    if path.stem == "04_websites":
        assert seen["charts"] >= 3, f"{name}: {seen['charts']} charts drawn"
        missing = [label for table, _, _, label in LABELS[lang] if table in ("sections", "indicators", "rules")
                   and label not in text]
        assert not missing, f"{name}: not shown as typed: {missing}"


# ------------------------------------------------------------------------------ numbers, periods, headers

def load(data_dir: Path):
    from egov import data

    data.clear_cache()
    return data.tables(data_dir)


def set_value(data_dir: Path, column: str, value: str, table: str = "observations", row: int = 26) -> None:
    """Set one cell of a table by spreadsheet row (row 26 of observations: gov_websites@2020-06)."""
    path = data_dir / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


NUMBER_FORM = "write ASCII digits with an optional sign, decimal point and exponent"


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "NaN", "1_4_4_6_7", "１４４６７", "١٤٤٦٧", " 14467", "14,467",
                                   "0x3883", "1e999", "1" * 400])
def test_one_number_parser_refuses_what_is_not_a_plain_number(data_copy, value):
    from egov.errors import DataError

    set_value(data_copy, "value", value)
    with pytest.raises(DataError, match=r"observations\.csv, row 26, column 'value': (expected a number, found "
                                        rf".*; {NUMBER_FORM}|'1+…' is too large|'1e999' is too large)"):
        load(data_copy)


def test_integers_go_through_the_same_parser(data_copy):
    from egov.errors import DataError

    set_value(data_copy, "order", "１", table="sections", row=2)
    with pytest.raises(DataError, match=r"sections\.csv, row 2, column 'order': expected an integer, found '１'; write "
                                        r"ASCII digits with an optional sign \(2020\)"):
        load(data_copy)


def test_validator_and_loader_agree_on_a_plain_number(data_copy):
    set_value(data_copy, "value", "+14467.")
    assert load(data_copy)["observations"]["value"].iloc[24] == 14467


@pytest.mark.parametrize("period, problem", [
    ("2020-13", "month 13 is not 01–12"), ("2020-00", "month 00 is not 01–12"),
    ("2020-02-30", "day 30 does not exist in 2020-02"), ("2019-02-29", "day 29 does not exist in 2019-02"),
    ("0001-06", "year 1 is outside 1900–2100")])
def test_an_impossible_period_is_named(data_copy, period, problem):
    from egov.errors import DataError

    set_value(data_copy, "period", period)
    with pytest.raises(DataError, match=rf"observations\.csv, row 26, column 'period': '{period}' is not a real "
                                        rf"period: {problem}; expected YYYY, YYYY-MM or YYYY-MM-DD"):
        load(data_copy)


def test_a_period_in_other_digits_is_refused(data_copy):
    from egov.errors import DataError

    set_value(data_copy, "period", "２０２０-06")
    with pytest.raises(DataError, match=r"row 26, column 'period': '２０２０-06' does not match the pattern \[0-9\]"):
        load(data_copy)


def test_a_duplicated_column_is_refused_by_name(data_copy):
    from egov.errors import DataError

    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",value"] + [line + ",1" for line in lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"observations\.csv, row 1, column 'value': column appears 2 times "
                                        r"\(columns 4, 14\); each column once"):
        load(data_copy)


def test_a_table_holding_only_its_header_is_named(data_copy):
    from egov.errors import DataError

    path = data_copy / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"observations\.csv, row 2: no rows: the file holds only its header; "
                                        r"expected at least one row of the article's statistics"):
        load(data_copy)


# ------------------------------------------------------------------------------ byte-order mark, blank lines, invisible characters

def test_a_byte_order_mark_is_accepted(data_copy):
    path = data_copy / "observations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load(data_copy)["observations"].equals(load(ROOT / "data")["observations"])


def test_trailing_blank_lines_are_ignored(data_copy):
    path = data_copy / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n,,,,,,,,,,,,\n  \n", encoding="utf-8")
    assert len(load(data_copy)["observations"]) == 51


def test_a_blank_row_between_records_is_named(data_copy):
    from egov.errors import DataError

    path = data_copy / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:10] + ["\n"] + lines[10:]), encoding="utf-8")
    with pytest.raises(DataError, match=r"observations\.csv, row 11: blank row; delete it"):
        load(data_copy)


@pytest.mark.parametrize("table, key, column, where", [
    ("observations", None, "indicator_id", "row 26, column 'indicator_id'"),
    ("indicators", "gov_websites", "name_en", "row 28, column 'name_en'"),
])
@pytest.mark.parametrize("char, name", [("\u200b", "ZERO WIDTH SPACE"), ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
                                        ("\u2066", "LEFT-TO-RIGHT ISOLATE"), ("\ufeff", "ZERO WIDTH NO-BREAK SPACE")])
def test_invisible_characters_are_refused_in_ids_and_labels(data_copy, table, key, column, where, char, name):
    from egov.errors import DataError

    if key is None:
        set_value(data_copy, column, "gov" + char + "_websites")
    else:
        set_cell(data_copy / f"{table}.csv", key, column, "Government" + char + " websites")
    with pytest.raises(DataError, match=rf"{table}\.csv, {re.escape(where)}: invisible character "
                                        rf"U\+{ord(char):04X} \({name}\) at character \d+; zero-width and "
                                        r"text-direction characters are refused"):
        load(data_copy)


# ------------------------------------------------------------------------------ special files

@pytest.mark.parametrize("kind, make", [
    ("a character device \\(a symlink to /dev/zero\\)", lambda p: p.symlink_to("/dev/zero")),
    ("a FIFO \\(named pipe\\)", os.mkfifo),
    ("a directory", lambda p: p.mkdir()),
])
def test_a_data_file_that_is_not_a_regular_file_is_refused_without_hanging(data_copy, kind, make):
    path = data_copy / "observations.csv"
    path.unlink()
    make(path)
    out = egov("check", data_dir=data_copy, timeout=60)
    assert out.returncode == 2, out.stderr
    assert re.search(rf"observations\.csv: not a regular file: it is {kind}; a data table must be a regular "
                     r"file; refusing to read it", out.stderr), out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("kind, make", [("a FIFO (named pipe)", os.mkfifo),
                                        ("a character device (a symlink to /dev/zero)", lambda p: p.symlink_to("/dev/zero"))])
def test_a_raw_file_that_is_not_a_regular_file_is_refused(data_copy, kind, make):
    path = data_copy / "raw" / "reference" / "un_egdi_all_countries.csv"
    path.unlink()
    make(path)
    out = egov("check", data_dir=data_copy, timeout=60)
    assert out.returncode == 2, out.stderr
    assert f"un_egdi_all_countries.csv: not a regular file: it is {kind}; a raw file must be a regular file" in out.stderr


def test_what_is_read_is_capped_not_what_the_file_reports(data_copy, monkeypatch):
    """A /proc file reports size 0 and holds more: the cap applies to the bytes read."""
    from egov import data, tablefile
    from egov.errors import DataError

    path = data_copy / "observations.csv"
    path.unlink()
    path.symlink_to("/proc/self/maps")
    assert Path("/proc/self/maps").stat().st_size == 0
    monkeypatch.setattr(tablefile, "MAX_FILE_BYTES", 100)
    with pytest.raises(DataError, match=r"observations\.csv: file holds more than the 100-byte limit for a data table"):
        data.read_table("observations", data_copy)


def test_a_raw_path_leading_outside_raw_is_refused(data_copy):
    from egov import source
    from egov.errors import DataError

    for path in ("reference/../../../../etc/hostname", "/etc/hostname"):
        origin = data_copy / "raw" / "origin.yaml"
        text = origin.read_text(encoding="utf-8")
        origin.write_text(re.sub(r"path: qianzhan.*|path: \S*hostname", f"path: {path}", text, count=1), encoding="utf-8")
        with pytest.raises(DataError, match=rf"origin\.yaml, column 'files\.article\.path': '{re.escape(path)}' "
                                            "leads outside data/raw"):
            source.read_raw("article", data_copy)


# ------------------------------------------------------------------------------ rules

def results(data_dir: Path) -> dict:
    from egov import checks, data

    data.clear_cache()
    return {r.rule_id: r for r in checks.run(data_dir)}


LEVELS_SUM_RIGHT = ",==,gov_websites@2020-06,0,"


@pytest.mark.parametrize("right, detail", [
    ("gov_websites@2020-06 / (gov_websites@2020-06 - gov_websites@2020-06)", "division by zero"),
    ("gov_websites@2020-06 +* 2", "unexpected '*' where a number was expected"),
    ("gov_websites@2020-06 + 1_000", "not allowed in an expression: '_000'"),
    ("gov_websites@2020-06 + nonsense", "not allowed in an expression: 'nonsense'"),
    ("(gov_websites@2020-06", "a '(' is never closed"),
    ("-" * 9000 + "gov_websites@2020-06", "over the 2,000-character limit for an expression"),
    ("-" * 41 + "gov_websites@2020-06", "nested deeper than 40 levels"),
    ("(" * 41 + "gov_websites@2020-06" + ")" * 41, "nested deeper than 40 levels"),
    ("gov_websites@2020-06 * 1e308 * 1e308", "the result is not a finite number"),
])
def test_a_rule_that_cannot_be_evaluated_is_a_fail_line_naming_it(data_copy, right, detail):
    from tests.helpers import rewrite

    rewrite(data_copy / "rules.csv", LEVELS_SUM_RIGHT, f",==,{right},0,")
    result = results(data_copy)["websites_levels_sum"]
    assert not result.passed
    assert result.detail.startswith("cannot evaluate the right side '") and detail in result.detail, result.detail


def test_egov_check_reports_a_broken_rule_and_exits_1(data_copy):
    from tests.helpers import rewrite

    rewrite(data_copy / "rules.csv", LEVELS_SUM_RIGHT, ",==,gov_websites@2020-06 / (1 - 1),0,")
    out = egov("check", data_dir=data_copy)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert re.search(r"FAIL  websites_levels_sum .*\n\s+cannot evaluate the right side 'gov_websites@2020-06 / "
                     r"\(1 - 1\)': division by zero", out.stdout), out.stdout


@pytest.mark.parametrize("left, right", [("gov_websites@2020-06", "gov_websites@2020-06"),
                                         ("gov_websites[total]@2020-06 + 0", "(gov_websites@2020-06+0)")])
def test_a_rule_that_always_holds_proves_no_correction(data_copy, left, right):
    from tests.helpers import rewrite

    rules = data_copy / "rules.csv"
    old = next(line for line in rules.read_text(encoding="utf-8").splitlines() if line.startswith("websites_levels_sum,"))
    rewrite(rules, old.split(",0,")[0] + ",0,", f"websites_levels_sum,{left},==,{right},0,")
    r = results(data_copy)
    assert r["websites_levels_sum"].passed  # true, but proves nothing
    proof = r["derived_values_recompute"]
    assert not proof.passed
    assert "gov_websites[total]@2020-06: rule websites_levels_sum cannot prove it: its two sides are the same " \
           "expression, so it always holds" in proof.detail


def test_deep_expressions_are_refused_quickly_not_by_memory():
    from egov.checks import ExpressionError, arithmetic

    for text in ("-" * 9000 + "1", "(" * 9000 + "1" + ")" * 9000, "-(" * 1500 + "1" + ")" * 1500):
        with pytest.raises(ExpressionError, match="limit for an expression|nested deeper"):
            arithmetic(text)


def test_a_missing_input_of_a_whole_table_rule_is_a_fail_line(data_copy):
    path = data_copy / "observations.csv"
    path.write_text("".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not line.startswith("egdi,total,2018,")), encoding="utf-8")
    out = egov("check", data_dir=data_copy)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert re.search(r"FAIL  article_matches_un .*\n\s+missing input: no observation for egdi\[total\]@2018", out.stdout)


# ------------------------------------------------------------------------------ parameters

@pytest.mark.parametrize("as_of", ["200٣-06", "２０２０-06", "2020-０6"])
def test_as_of_takes_ascii_digits_only(as_of):
    from egov import params
    from egov.errors import ParameterError

    with pytest.raises(ParameterError, match=rf"parameter 'as_of' is '{as_of}'; allowed values: a month 'YYYY-MM'"):
        params.check_as_of(as_of)


# ------------------------------------------------------------------------------ no traceback, ever

def _breakers():
    def text(name, old, new):
        def edit(d):
            p = d / name
            p.write_text(p.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        return edit
    return {
        "inf value": (text("observations.csv", ",14467,", ",inf,"), "row 26, column 'value': expected a number"),
        "period 2020-13": (text("observations.csv", ",2020-06,14467,", ",2020-13,14467,"), "'2020-13' is not a real period"),
        "header only": (lambda d: (d / "observations.csv").write_text("indicator_id,breakdown,period,value,qualifier,"
                                                                      "status,source_id,raw_file,quote,printed,rule,"
                                                                      "confidence,note\n"), "no rows"),
        "origin not YAML": (lambda d: (d / "raw" / "origin.yaml").write_text("files: [\n"), "not valid YAML"),
        "origin without a record": (text("raw/origin.yaml", "  ref_un_egdi:", "  ref_un_egdx:"), "no origin record"),
    }


@pytest.mark.parametrize("command", ["check", "datapackage"])
@pytest.mark.parametrize("case", _breakers().keys())
def test_bad_data_is_one_line_never_a_traceback(data_copy, command, case):
    edit, message = _breakers()[case]
    edit(data_copy)
    out = egov(command, data_dir=data_copy)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stderr.startswith(f"egov {command}: error: ") and out.stderr.count("\n") == 1, out.stderr
    assert message in out.stderr and "unexpected" not in out.stderr, out.stderr


def test_the_data_dictionary_shows_labels_as_text(data_copy):
    """data/README.md (egov datapackage) lists every indicator's names: as typed, never markup."""
    from bs4 import BeautifulSoup
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    from egov import dictionary

    label = "Websites [click me](javascript:alert(1)) *emph* | `tick` <b>bold1</b>"
    set_cell(data_copy / "indicators.csv", "gov_websites", "name_en", label)
    html = BeautifulSoup(markdown2html_mistune(dictionary.render(data_copy)), "html.parser")
    row = next(tr for tr in html.find_all("tr") if tr.find("code", string="gov_websites"))
    cells = row.find_all("td")
    assert len(cells) == 6 and cells[-1].get_text() == label
    assert not row.find_all(["a", "em", "b", "strong"]) and [c.get_text() for c in row.find_all("code")] == \
        ["gov_websites", "sites"]
