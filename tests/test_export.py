"""egov export: every format read back equals the tables; bytes reproducible; never clobbers."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest

from egov import citation, export, exportfolder
from egov.export import ExportError
from tests.helpers import ROOT

NAMES = ["egov-data-README.md", "egov-observations.csv", "egov-observations.parquet",
         "egov-un-egdi.csv", "egov-un-egdi.parquet", "egov-data.xlsx", "datapackage.json", "egov-data.zip",
         "egov-export.json"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "data"
    paths = export.write(out)
    assert [p.name for p in paths] == NAMES and all(p.parent == out for p in paths)
    return out


@pytest.fixture(scope="module")
def expected() -> dict[str, pd.DataFrame]:
    return export.tables()


def cells(frame: pd.DataFrame) -> list[list]:
    return [[None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False, name=None)]


def assert_same(got: list[list], frame: pd.DataFrame) -> None:
    want = cells(frame)
    assert len(got) == len(want)
    for n, (g, w) in enumerate(zip(got, want), start=2):
        assert g == w, f"row {n}: {g} != {w}"  # values exactly, strings (Chinese) intact


def test_tables_hold_both_origins_with_labels_and_sources(expected):
    obs = expected["observations"]
    assert list(obs.columns) == [c.name for c in export.COLUMNS["observations"]]
    assert set(obs["origin"]) == {"article", "reference"}
    assert obs[["indicator_zh", "indicator_en", "unit_en", "breakdown_zh", "breakdown_en", "source_title"]].notna().all().all()
    row = obs[(obs.indicator_id == "gov_websites") & (obs.breakdown == "level=govcn") & (obs.period == "2020-06")].iloc[0]
    assert (row.breakdown_zh, row.breakdown_en, row.value, row.status) == ("中国政府网", "www.gov.cn", 1.0, "reported")
    assert "十张图" in row.source_title


def test_un_rows_name_the_un_as_source_and_the_copy_apart(expected):
    un = expected["un_egdi"]
    assert len(un) == 2316
    assert set(un["source_publisher"]) == {"United Nations DESA"}
    assert set(un["source_url"]) == {"https://publicadministration.un.org/egovkb/en-us/Data-Center"}
    source_cols = [c for c in un.columns if c.startswith("source_")]
    assert not un[source_cols].apply(lambda s: s.str.contains("github|KoheiTakata|@", case=False)).any().any()
    assert un["retrieved_from"].str.contains(r"^[\w.-]+/[\w.-]+:.+@[0-9a-f]{7}$").all()


def test_csv_reads_back_equal_with_a_bom(exported, expected):
    for name, stem in (("observations", "egov-observations"), ("un_egdi", "egov-un-egdi")):
        raw = (exported / f"{stem}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 (Chinese) correctly
        frame = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", keep_default_na=False, dtype=str)
        assert list(frame.columns) == list(expected[name].columns)
        types = {c.name: c.type for c in export.COLUMNS[name]}
        got = [[None if v == "" else (float(v) if types[c] == "number" else int(v) if types[c] == "integer" else v)
                for c, v in zip(frame.columns, row)] for row in frame.itertuples(index=False, name=None)]
        assert_same(got, expected[name])


def test_parquet_reads_back_equal_with_types_and_licence(exported, expected):
    for name, stem in (("observations", "egov-observations"), ("un_egdi", "egov-un-egdi")):
        table = pq.read_table(exported / f"{stem}.parquet")
        assert table.column_names == list(expected[name].columns)
        types = {c.name: c.type for c in export.COLUMNS[name]}
        assert {f.name: str(f.type) for f in table.schema} == {
            k: {"string": "string", "number": "double", "integer": "int64"}[v] for k, v in types.items()}
        assert_same([list(r.values()) for r in table.to_pylist()], expected[name])
        meta = table.schema.metadata
        assert meta[b"licence"].decode() == citation.licence("en") and "CC BY 4.0" in meta[b"citation_zh"].decode()


def test_xlsx_has_a_readme_and_one_sheet_per_table(exported, expected):
    wb = openpyxl.load_workbook(exported / "egov-data.xlsx")
    assert wb.sheetnames == ["README", "observations", "un_egdi"]
    for name in ("observations", "un_egdi"):
        rows = list(wb[name].iter_rows(values_only=True))
        assert list(rows[0]) == list(expected[name].columns)
        assert_same([list(r) for r in rows[1:]], expected[name])
    readme = "\n".join(" | ".join(str(v) for v in r if v is not None) for r in wb["README"].iter_rows(values_only=True))
    for text in (citation.licence("zh"), citation.licence("en"), citation.text("zh"), citation.text("en")):
        assert text in readme
    for cols in export.COLUMNS.values():
        assert all(f"{c.name} | {c.type} | {c.zh} | {c.en}" in readme for c in cols)


def test_readme_sidecar_names_licence_citation_and_columns(exported):
    text = (exported / "egov-data-README.md").read_text(encoding="utf-8")
    assert citation.licence("en") in text and citation.licence("zh") in text and citation.text("zh") in text
    assert all(f"| `{c.name}` |" in text for cols in export.COLUMNS.values() for c in cols)


def test_strings_that_look_like_formulas_stay_text():
    frame = pd.DataFrame({"note": pd.array(["=HYPERLINK(\"http://x\")", "+1", "中文"], dtype="string")})
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx({"t": frame})))
    assert [c.data_type for c in wb["t"]["A"][1:]] == ["s", "s", "s"]
    assert [c.value for c in wb["t"]["A"][1:]] == ["=HYPERLINK(\"http://x\")", "+1", "中文"]


def test_a_control_character_is_a_named_error():
    frame = pd.DataFrame({"note": pd.array(["ok", "bad\x07bell"], dtype="string")})
    with pytest.raises(ExportError, match=r"sheet t, row 3, column 'note': a control character"):
        export.to_xlsx({"t": frame})


def test_bytes_are_reproducible(exported, tmp_path):
    time.sleep(2.1)  # zip and Excel timestamps have 2-second resolution: a later run must not differ
    again = export.write(tmp_path / "again")
    for p in again:
        assert p.read_bytes() == (exported / p.name).read_bytes(), p.name


def test_export_again_replaces_only_its_own_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    (out / ".hidden.tmp").write_text("keep me too")
    first = export.write(out)
    csv = out / "egov-observations.csv"
    before = csv.stat().st_mtime_ns
    assert export.write(out) == first
    assert csv.stat().st_mtime_ns == before  # unchanged files are not rewritten
    assert (out / "mine.txt").read_text() == "keep me" and (out / ".hidden.tmp").read_text() == "keep me too"
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES + ["mine.txt", ".hidden.tmp"])


@pytest.mark.parametrize("case", ["foreign file", "edited export", "foreign record", "folder in the way"])
def test_files_it_did_not_write_are_never_replaced(tmp_path, case):
    out = tmp_path / "out"
    if case == "foreign file":
        out.mkdir()
        (out / "egov-un-egdi.csv").write_text("a user's own file")
        victim, expect = out / "egov-un-egdi.csv", "a user's own file"
    elif case == "edited export":
        export.write(out)
        (out / "egov-data.xlsx").write_bytes(b"edited in Excel")
        victim, expect = out / "egov-data.xlsx", "edited in Excel"
    elif case == "foreign record":
        out.mkdir()
        (out / "egov-export.json").write_text('{"not": "ours"}')
        victim, expect = out / "egov-export.json", '{"not": "ours"}'
    else:
        (out / "egov-observations.parquet").mkdir(parents=True)
        victim, expect = None, None
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    with pytest.raises(ExportError, match="move it away or export to another folder with -o DIR|not a record"):
        export.write(out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before  # nothing written
    if victim is not None:
        assert victim.read_text() == expect


def test_the_data_folder_is_refused(tmp_path, data_copy):
    with pytest.raises(ExportError, match="inside the data folder"):
        export.write(data_copy / "export", data_copy)
    assert not (data_copy / "export").exists()


def test_an_interrupted_export_leaves_whole_files_and_can_be_run_again(tmp_path, monkeypatch):
    out = tmp_path / "out"
    export.write(out)
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    new = {n: b"new " + n.encode() for n in NAMES[:-1]}
    monkeypatch.setattr(export, "contents", lambda data_dir=None: new)
    real, calls = os.replace, []

    def disk_full_on_the_fourth(src, dst):
        calls.append(Path(dst).name)
        if len(calls) == 4:
            raise OSError(28, "No space left on device", str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", disk_full_on_the_fourth)
    with pytest.raises(OSError, match="No space"):
        export.write(out)
    assert calls[0] == "egov-export.json"  # both hashes recorded before any file is replaced
    now = {p.name: p.read_bytes() for p in out.iterdir()}
    assert set(now) == set(old)  # no temporary file left behind
    assert sum(now[n] == new[n] for n in new) == 2 and all(now[n] in (old[n], new[n]) for n in new)
    monkeypatch.setattr(os, "replace", real)
    export.write(out)  # the half-done export is still recognised as its own
    assert all((out / n).read_bytes() == blob for n, blob in new.items())
    assert json.loads((out / "egov-export.json").read_text())["files"]["egov-data.xlsx"] == [
        exportfolder.sha256(new["egov-data.xlsx"])]


def test_egov_export_command(tmp_path):
    out = tmp_path / "x"
    run = subprocess.run([sys.executable, "-m", "egov", "export", "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(out / n) for n in NAMES]
    again = subprocess.run([sys.executable, "-m", "egov", "export", "-o", str(out)],
                           capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0
    (out / "egov-observations.csv").write_text("mine now")
    refused = subprocess.run([sys.executable, "-m", "egov", "export", "-o", str(out)],
                             capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.startswith(f"egov export: error: {out / 'egov-observations.csv'} exists and was not "
                                     "written by egov export")
    assert len(refused.stderr.strip().splitlines()) == 1


def test_the_datapackage_describes_every_file_and_validates(exported, tmp_path):
    """`frictionless validate` passes: the two CSVs against their schemas, every other file
    against its size and SHA-256; a changed byte in a Parquet file fails it."""
    import shutil

    from frictionless import Package

    descriptor = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == NAMES[:6]  # all but itself, the zip, the record
    assert [r["name"] for r in descriptor["resources"] if r["type"] == "table"] == ["observations", "un_egdi"]
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    report = Package(str(exported / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    spoilt = shutil.copytree(exported, tmp_path / "spoilt")
    blob = bytearray((spoilt / "egov-un-egdi.parquet").read_bytes())
    blob[100] ^= 1
    (spoilt / "egov-un-egdi.parquet").write_bytes(bytes(blob))
    errors = Package(str(spoilt / "datapackage.json")).validate().flatten(["type"])
    assert ["hash-count"] in errors


def test_the_zip_holds_every_file_as_written(exported):
    import zipfile

    with zipfile.ZipFile(exported / "egov-data.zip") as z:
        assert z.namelist() == [f"egov-data/{n}" for n in NAMES[:7]]
        assert all(z.read(f"egov-data/{n}") == (exported / n).read_bytes() for n in NAMES[:7])
        assert {i.date_time for i in z.infolist()} == {(2020, 1, 1, 0, 0, 0)}
