"""Licence and citation: LICENSE, CITATION.cff (valid CFF 1.2.0, generated from egov.citation),
the README's sections, and the citation text in both languages."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from egov import __version__, citation
from tests.helpers import ROOT

#: The Citation File Format 1.2.0 schema, byte for byte as published (citation-file-format's
#: schema.json at tag 1.2.0, identical to the copy inside the cffconvert 2.0.0 wheel). Vendored
#: because cffconvert 2.0.0 pins jsonschema<4, which cannot sit beside frictionless (>=4.20).
CFF_SCHEMA = ROOT / "tests" / "schemas" / "cff-1.2.0.schema.json"
CFF_SCHEMA_SHA256 = "0b8d22140da702d766df318dcff3a91af2f39521298dcf36d76315fd99cc169b"


def cff_errors(doc: dict) -> list[str]:
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


def test_the_vendored_schema_is_the_published_one():
    assert hashlib.sha256(CFF_SCHEMA.read_bytes()).hexdigest() == CFF_SCHEMA_SHA256


def test_citation_cff_is_valid_cff_1_2():
    doc = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert doc["cff-version"] == "1.2.0"
    assert cff_errors(doc) == []


@pytest.mark.parametrize("breakage", ["no authors", "bad licence", "bad date"])
def test_the_validator_catches_a_broken_citation(breakage):
    doc = copy.deepcopy(yaml.safe_load(citation.cff()))
    if breakage == "no authors":
        del doc["authors"]
    elif breakage == "bad licence":
        doc["license"] = ["CC-BY-4"]
    else:
        doc["references"][0]["date-published"] = "13 Nov 2020"
    assert cff_errors(doc)


def test_citation_cff_is_current():
    committed = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert committed == citation.cff(), "run `egov cite --format cff > CITATION.cff` and commit it"


def test_citation_text_in_both_languages():
    zh, en = citation.text("zh"), citation.text("en")
    assert __version__ in zh and __version__ in en
    assert "贡献者" in zh and "数据集" in zh and "CC BY 4.0" in zh
    assert en.startswith("The egov contributors (") and "[Data set and software]" in en
    assert any("UN DESA" in s or "Economic and Social Affairs" in s for s in citation.sources("en"))
    assert any("中国互联网络信息中心" in s for s in citation.sources("zh"))
    with pytest.raises(ValueError, match="lang"):
        citation.text("fr")


def test_egov_cite_prints_both_languages_and_the_cff():
    out = subprocess.run([sys.executable, "-m", "egov", "cite"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and citation.text("zh") in out.stdout and citation.text("en") in out.stdout
    cff = subprocess.run([sys.executable, "-m", "egov", "cite", "--format", "cff"],
                         capture_output=True, text=True, cwd=ROOT)
    assert cff.stdout == citation.cff()


def test_licences_are_named_everywhere():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == citation.CODE_LICENCE
    package = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == citation.DATA_LICENCE
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for heading in ("## Licence", "## How to cite"):
        assert heading in readme
    section = readme.split("## Licence", 1)[1].split("\n## ", 1)[0]
    assert "CC BY 4.0" in section and "MIT" in section and "United Nations" in section and "前瞻" in section
    assert re.search(r"egov cite", readme)
