"""How to cite egov and under which terms its parts may be reused, in Chinese and English.

One place for both: the README, ``CITATION.cff`` (``egov cite --format cff`` writes it; a test
checks the committed file against it and validates it against the CFF 1.2.0 schema), the data
package, the export's README and the reports' index page all take their words from here.

>>> print(text("en"))  # doctest: +ELLIPSIS
The egov contributors (2026). egov: China's internet e-government in 2020 ... (version 0.1.0) [Data set and software]. ...
"""

from __future__ import annotations

import yaml

from egov import __version__

AUTHOR = {"zh": "egov 贡献者", "en": "The egov contributors"}
TITLE = {"zh": "egov：中国互联网政务 2020——数据、核查与报告",
         "en": "egov: China's internet e-government in 2020 — data, checks and reports"}
#: The year of this version's data snapshot (the reference data were gathered in 2026-11).
YEAR = 2026
CODE_LICENCE = "MIT"
DATA_LICENCE = "CC-BY-4.0"
DATA_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

#: The works egov's numbers come from; cite them too.
SOURCES = [
    {"type": "article", "title": "十张图了解2020年中国互联网政务行业市场现状与发展趋势分析",
     "authors": [{"name": "前瞻产业研究院 (Qianzhan Industry Research Institute)"}],
     "date-published": "2020-11-13", "languages": ["zh"],
     "zh": "前瞻产业研究院（2020）。《十张图了解2020年中国互联网政务行业市场现状与发展趋势分析》。",
     "en": "Qianzhan Industry Research Institute (2020). Ten charts on China's internet e-government "
           "in 2020: market status and trends [in Chinese]."},
    {"type": "report", "title": "第46次《中国互联网络发展状况统计报告》 (The 46th Statistical Report on "
                                "Internet Development in China)",
     "authors": [{"name": "中国互联网络信息中心 (China Internet Network Information Center, CNNIC)"}],
     "year": 2020, "month": 9, "languages": ["zh"],
     "zh": "中国互联网络信息中心（2020）。第46次《中国互联网络发展状况统计报告》。",
     "en": "China Internet Network Information Center (2020). The 46th Statistical Report on Internet "
           "Development in China [in Chinese]."},
    {"type": "data", "title": "United Nations E-Government Survey data (E-Government Development Index), "
                              "2003–2024",
     "authors": [{"name": "United Nations Department of Economic and Social Affairs (UN DESA)"}],
     "url": "https://publicadministration.un.org/egovkb/en-us/Data-Center",
     "zh": "联合国经济和社会事务部（2003–2024）。《联合国电子政务调查报告》数据（电子政务发展指数）。"
           "https://publicadministration.un.org/egovkb/en-us/Data-Center",
     "en": "United Nations Department of Economic and Social Affairs (2003–2024). United Nations "
           "E-Government Survey data (E-Government Development Index). "
           "https://publicadministration.un.org/egovkb/en-us/Data-Center"},
]


def _pick(lang: str, zh: str, en: str) -> str:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return zh if lang == "zh" else en


def text(lang: str) -> str:
    """The citation of egov itself, one paragraph (``lang``: ``"zh"`` or ``"en"``)."""
    return _pick(
        lang,
        f"{AUTHOR['zh']}（{YEAR}）。{TITLE['zh']}（{__version__} 版）[数据集与软件]。"
        f"数据采用 CC BY 4.0 许可，代码采用 MIT 许可。",
        f"{AUTHOR['en']} ({YEAR}). {TITLE['en']} (version {__version__}) [Data set and software]. "
        f"Data licensed CC BY 4.0, code MIT.")


def sources(lang: str) -> list[str]:
    """Citations of the works egov's numbers come from, to cite alongside egov."""
    return [_pick(lang, s["zh"], s["en"]) for s in SOURCES]


#: The licence, part by part (the index lists them); :func:`licence` joins them into one paragraph.
_LICENCE = {
    "zh": {"code": "代码：MIT 许可（LICENSE）。",
           "own": "egov 自己的工作（整理后的表格、更正、规则、说明、报告）：CC BY 4.0（署名 egov 及所列来源）。",
           "upstream": "上游材料仍适用其原有条款，不在 CC BY 4.0 之内：",
           "sources": ["前瞻产业研究院文章的原文（data/raw/ 中的副本及 quote 列的原文引语）版权归前瞻产业研究院，"
                       "仅为研究与核对而引用",
                       "联合国电子政务调查数据版权归联合国，适用联合国网站使用条款"
                       "（https://www.un.org/en/about-us/terms-of-use），须注明出处（UN DESA），商业再利用请先查阅该条款",
                       "CNNIC 及其他参考来源的数字为注明出处引用的事实"],
           "where": "每个来源的条款见 data/sources.csv 的 licence 列。"},
    "en": {"code": "Code: MIT (LICENSE).",
           "own": "egov's own work (the curated tables, corrections, rules, notes, reports): CC BY 4.0, "
                  "crediting egov and the sources named.",
           "upstream": "Upstream material keeps its own terms and is not covered by CC BY 4.0:",
           "sources": ["the Qianzhan article's text (the copy in data/raw/ and verbatim quotes in the quote "
                       "column) is © Qianzhan Industry Research Institute, quoted for research and verification",
                       "the UN E-Government Survey data are © United Nations under the UN's terms of use "
                       "(https://www.un.org/en/about-us/terms-of-use), credited to UN DESA: check those terms "
                       "before reusing them commercially",
                       "figures from CNNIC and the other reference sources are facts quoted with attribution"],
           "where": "Each source's terms are in the licence column of data/sources.csv."},
}


def licence(lang: str) -> str:
    """Which terms cover which part: egov's own work, and the upstream data it holds."""
    p = _LICENCE[_pick(lang, "zh", "en")]
    if lang == "zh":
        return p["code"] + p["own"] + p["upstream"] + "；".join(p["sources"]) + "。" + p["where"]
    return " ".join([p["code"], p["own"], p["upstream"] + " " + "; ".join(p["sources"]) + ".", p["where"]])


def licence_items(lang: str) -> list[dict]:
    """The licence as a list (each part of :func:`licence`): ``{"text", "terms"}``, where
    ``terms`` lists the upstream sources' own terms under the part that introduces them."""
    p = _LICENCE[_pick(lang, "zh", "en")]
    sources = [s[0].upper() + s[1:] for s in p["sources"]]  # each starts a list item
    return [{"text": p["code"], "terms": []}, {"text": p["own"], "terms": []},
            {"text": p["upstream"], "terms": sources}, {"text": p["where"], "terms": []}]


def cff() -> str:
    """``CITATION.cff`` (Citation File Format 1.2.0), generated so it never disagrees with :func:`text`."""
    doc = {
        "cff-version": "1.2.0",
        "message": "If you use these data or this software, please cite them as below, "
                   "and cite the original sources listed under references.",
        "type": "dataset",
        "title": TITLE["en"],
        "authors": [{"name": AUTHOR["en"]}],
        "version": __version__,
        "license": [DATA_LICENCE, CODE_LICENCE],
        "abstract": "The statistics of Qianzhan's 2020 article on China's internet e-government "
                    "(figures from CNNIC's 46th report and the UN E-Government Survey 2020) as "
                    "tidy, typed, validated tables traced to the sentence they came from, with "
                    "stated corrections, public reference data (UN EGDI for 193 countries "
                    "2003–2024, CNNIC series), consistency checks and reports in Chinese and English.",
        "keywords": ["e-government", "China", "CNNIC", "UN E-Government Survey", "EGDI",
                     "open data", "reproducible research"],
        "references": [{k: v for k, v in s.items() if k not in ("zh", "en")} for s in SOURCES],
    }
    head = "# Generated by `egov cite --format cff` from egov/citation.py: edit there, not here.\n"
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
