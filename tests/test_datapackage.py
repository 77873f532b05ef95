"""data/datapackage.json is current and the data validate against it with frictionless."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from frictionless import Package

from egov.schema import datapackage
from egov.source import DATA_DIR
from tests.helpers import rewrite


def test_datapackage_is_up_to_date():
    committed = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == datapackage(DATA_DIR), "run `egov datapackage` and commit data/datapackage.json"


def test_data_validate_against_the_datapackage():
    report = Package(str(DATA_DIR / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_catches_a_broken_copy(data_copy):
    rewrite(data_copy / "observations.csv", ",reported,", ",quoted,")
    rewrite(data_copy / "indicators.csv", "platform_visits,", "platform_visitz,")
    report = Package(str(data_copy / "datapackage.json")).validate()
    errors = {e[2] for e in report.flatten(["rowNumber", "fieldName", "type"])}
    assert {"constraint-error", "foreign-key"} <= errors


def test_raw_files_carry_their_checksums():
    resources = {r["name"]: r for r in datapackage(DATA_DIR)["resources"]}
    assert resources["un_egdi"]["hash"].startswith("sha256:919bed0f")


def test_data_dictionary_is_up_to_date():
    from egov import dictionary

    committed = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert committed == dictionary.render(DATA_DIR), "run `egov datapackage` and commit data/README.md"


def test_data_dictionary_names_every_table_field_and_indicator():
    from egov import data, dictionary
    from egov.schema import TABLES

    text = dictionary.render(DATA_DIR)
    for t in TABLES.values():
        assert f"### `{t.name}`: {t.title}" in text and f"`data/{t.path}`" in text
        section = text.split(f"### `{t.name}`:", 1)[1].split("\n### ", 1)[0]
        for f in t.fields:
            assert f"| `{f.name}` | {f.type} |" in section and f.description, f"{t.name}.{f.name}"
    for i in data.table("indicators", DATA_DIR).itertuples():
        assert f"| `{i.indicator_id}` |" in text


def test_egov_datapackage_regenerates_both(data_copy):
    (data_copy / "README.md").write_text("stale", encoding="utf-8")
    (data_copy / "datapackage.json").write_text("{}", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "egov", "datapackage"], capture_output=True, text=True,
                         env={**os.environ, "EGOV_DATA_DIR": str(data_copy)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == [str(data_copy / "datapackage.json"), str(data_copy / "README.md")]
    assert (data_copy / "README.md").read_text(encoding="utf-8") == (DATA_DIR / "README.md").read_text(encoding="utf-8")
    assert json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8")) == datapackage(DATA_DIR)


def test_un_resources_name_the_un_as_their_source():
    resources = {r["name"]: r for r in datapackage(DATA_DIR)["resources"]}
    for name in ("un_egdi", "un_egdi_china"):
        first = resources[name]["sources"][0]
        assert "United Nations DESA" in first["title"] and first["path"].startswith("https://publicadministration.un.org/")
        retrieved = [f for f in resources[name]["schema"]["fields"] if "Loaded as 'retrieved_from'" in f["description"]]
        assert len(retrieved) == 1 and retrieved[0]["description"].startswith("Not the source")


def test_loaded_un_tables_name_the_un_and_keep_the_copy_apart():
    from egov import data

    egdi, china = data.un_egdi(DATA_DIR), data.table("un_egdi_china", DATA_DIR)
    assert set(egdi["source_id"]) == {"un_egov_data"} and set(china["source_id"]) == {"un_egov_data_china"}
    assert "source_repo_path" not in egdi.columns and "dataset_source" not in china.columns
    assert egdi["retrieved_from"].str.contains("@").all() and china["retrieved_from"].str.contains("@").all()
    sources = data.table("sources", DATA_DIR).set_index("source_id")
    assert sources.loc["un_egov_data", "publisher"] == "United Nations DESA"
    assert "public copies" not in sources.loc["un_egov_data", "title"]
