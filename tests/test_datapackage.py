"""data/datapackage.json is current and the data validate against it with frictionless."""

from __future__ import annotations

import json

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
    rewrite(data_copy / "indicators.csv", "platform_visitors,", "platform_visiters,")
    report = Package(str(data_copy / "datapackage.json")).validate()
    errors = {e[2] for e in report.flatten(["rowNumber", "fieldName", "type"])}
    assert {"constraint-error", "foreign-key"} <= errors


def test_raw_files_carry_their_checksums():
    resources = {r["name"]: r for r in datapackage(DATA_DIR)["resources"]}
    assert resources["un_egdi"]["hash"].startswith("sha256:919bed0f")
