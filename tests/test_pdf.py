"""The PDF reports as a reader's PDF tools see them (poppler-utils).

Each PDF embeds a CJK font, its text (as pdftotext extracts it) holds the section title and the
key figures in its language, its page count is sane, and its first page is rendered to PNG in
test-artifacts/pdf/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.helpers import artifact

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed (make setup installs it)")]

#: Section titles and key figures each PDF must hold, as a reader would search for them.
EXPECTED = {
    ("zh", "04_websites"): ["政府网站", "14467"],
    ("en", "04_websites"): ["Government websites", "14,467"],
    ("zh", "01_platform"): ["国家政务服务平台", "1.26亿"],
    ("en", "01_platform"): ["national government service platform", "126"],
    ("zh", "02_capability"): ["电子政务发展指数", "0.7948", "45"],
    ("en", "02_capability"): ["E-Government Development Index", "0.7948", "45"],
    ("zh", "05_new_media"): ["政务新媒体", "25313"],
    ("en", "05_new_media"): ["new media", "25,313"],
}


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])


def test_every_pdf_embeds_a_cjk_font_and_has_sane_pages(built_reports):
    pdfs = sorted(built_reports.glob("*/*.pdf"))
    assert len(pdfs) == 2 * 9  # 8 sections + the full report, in each language
    problems = []
    for pdf in pdfs:
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in fonts.splitlines()[2:]]
        cjk = [r for r in rows if re.search(r"CJK|SourceHan|PingFang|YaHei", r[0])]
        if not cjk or not all("yes" in r[-5:-2] for r in cjk):
            problems.append(f"{pdf.name}: no embedded CJK font in\n{fonts}")
        n = pages(pdf)
        limit = 80 if pdf.name == "full_report.pdf" else 20
        if not 1 <= n <= limit:
            problems.append(f"{pdf}: {n} pages")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang, section", sorted(EXPECTED))
def test_pdf_text_holds_titles_and_key_figures(built_reports, lang, section):
    text = re.sub(r"[ \t]+", " ", pdf_text(built_reports / lang / f"{section}.pdf"))
    flat = text.replace("\n", "")
    missing = [s for s in EXPECTED[lang, section] if s not in text and s not in flat]
    assert not missing, f"{lang}/{section}.pdf lacks {missing}"


def test_full_report_starts_each_section_on_a_new_page(built_reports):
    text = pdf_text(built_reports / "en" / "full_report.pdf")
    page_texts = text.split("\f")
    assert len(page_texts) >= 8
    for section in sorted((built_reports / "en").glob("0*.pdf")):
        n = pages(section)
        assert n >= 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_first_page_renders_to_png(built_reports, lang):
    out = artifact("pdf", f"{lang}_04_websites")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(built_reports / lang / "04_websites.pdf"), str(out)], check=True)
    png = out.with_suffix(".png")
    assert png.stat().st_size > 10_000


#: What the full report's cover says, as a reader's PDF tools read its first page.
COVER = {"zh": ["2020年中国互联网政务", "本期：2020年6月", "要点", "国家政务服务平台", "引用本报告",
                "egov 贡献者（2026）", "目录"],
         "en": ["China's internet e-government in 2020", "Edition: June 2020", "Key takeaways",
                "14,467", "How to cite", "The egov contributors (2026)", "Contents"]}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_full_report_opens_with_a_cover(built_reports, lang):
    """Title, edition, the overview's takeaways, the citation and the contents on page 1 (the
    sections follow, each from a new page); page 1 is rendered to PNG for a person to look at."""
    pdf = built_reports / lang / "full_report.pdf"
    first = re.sub(r"\s+", " ", pdf_text(pdf).split("\f")[0])
    flat = first.replace(" ", "")
    assert [s for s in COVER[lang] if s not in first and s.replace(" ", "") not in flat] == []
    out = artifact("pdf", f"{lang}_full_report_cover")
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)], check=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_covers_contents_link_to_every_section(built_reports, lang):
    """Each entry of the cover's contents is a link within the document (Chinese headings' ids
    are percent-encoded, so a link that does not escape its % leads nowhere)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    with open(built_reports / lang / "full_report.pdf", "rb") as f:
        cover = next(PDFPage.create_pages(PDFDocument(PDFParser(f))))
        targets = {resolve1(resolve1(a).get("Dest")) for a in resolve1(cover.annots) or []} - {None}
    sections = len(list((built_reports / lang).glob("0*.html")))
    assert len(targets) == sections, f"{lang} cover links to {len(targets)} of {sections} sections"


@pytest.mark.parametrize("lang, expected", [("zh", ["原文的十张图", "原文图10", "对原文的四处更正"]),
                                            ("en", ["The article's ten charts", "Article chart 10",
                                                    "Corrections to the article as printed"])])
def test_overview_pdf_holds_the_grid_and_the_corrections(built_reports, lang, expected):
    text = re.sub(r"\s+", " ", pdf_text(built_reports / lang / "00_overview.pdf"))
    assert [s for s in expected if s not in text] == []
