"""The front door: ``reports/index.html`` (Chinese) and ``reports/index.en.html`` (English),
from the Jinja template ``templates/build/index.html.j2``.

Two static pages, one per language, each linking the other: a reader switches with a plain
link, so nothing needs JavaScript, each page declares its own language, prints on its own and
is half the size of a page holding both. Chinese comes first: ``index.html``, the page a
browser opens in the folder, is the Chinese one.

:func:`context` gathers what a page shows, from the manifest and the files the build made:

- the title, and the edition and key takeaways of the overview (its page's takeaways box,
  :mod:`egov.gallery`);
- a card per section: its title, a thumbnail of its first chart (from the executed notebook's
  chart output, scaled down by :mod:`egov.thumbnails`: the same bytes on every build), its
  page, PDF and notebook, and what failed or is out of date;
- the full report's PDF, the one-file dataset in ``data/`` (linked when present, "not built"
  otherwise), how to cite and the licence (:mod:`egov.citation`).

Paths come from the manifest, so each is checked to name a file inside the reports folder;
a notebook or page that cannot be read gives a card without a thumbnail, never an error.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from markupsafe import Markup

from egov.build.layout import DATA_EXPORT, INDEX_PAGES, LANGS, in_reports
from egov.build.manifest import Manifest

#: Per language: its code in HTML and its name in itself.
LANGUAGES = {"zh": ("zh-CN", "中文"), "en": ("en", "English")}
#: The one-file dataset's files (in DATA_EXPORT) a reader may want, with what each is.
DATASET = [
    ("datapackage.json", "数据包描述（Frictionless 格式）", "Data package descriptor (Frictionless)"),
    ("egov-data.zip", "全部文件（zip）", "Every file (zip)"),
    ("egov-data.xlsx", "Excel 工作簿：说明页与各表", "Excel workbook: a README sheet and every table"),
    ("egov-observations.csv", "全部统计数字，一行一个（CSV）", "Every statistic, one a row (CSV)"),
    ("egov-un-egdi.csv", "联合国电子政务发展指数，各成员国（CSV）", "UN E-Government Development Index, every member state (CSV)"),
    ("egov-observations.parquet", "全部统计数字（Parquet）", "Every statistic (Parquet)"),
    ("egov-un-egdi.parquet", "联合国电子政务发展指数（Parquet）", "UN E-Government Development Index (Parquet)"),
    ("egov-data-README.md", "说明：许可、引用与字段词典", "README: licence, citation and column dictionary"),
]


def context(manifest: Manifest, order: list[str], reports_dir: Path, lang: str) -> dict:
    """What the front door in ``lang`` shows: its reports in ``order`` (notebook stems) and
    everything around them."""
    from egov import citation, i18n

    reports = [_report(manifest, f"{lang}/{stem}", stem, reports_dir) for stem in order
               if f"{lang}/{stem}" in manifest.reports]
    box = _takeaways(reports, reports_dir)
    for r in reports:  # a section made for another edition than the overview's says so
        as_of = r.pop("as_of")
        differs = box is not None and bool(box.edition) and as_of not in (None, box.edition)
        r["edition"] = i18n.period(as_of, lang) if differs else None
    full = manifest.full_reports.get(lang)
    other = "en" if lang == "zh" else "zh"
    return {
        "lang": lang, "html_lang": LANGUAGES[lang][0],
        "other": {"href": INDEX_PAGES[other], "name": LANGUAGES[other][1], "html_lang": LANGUAGES[other][0]},
        "edition": i18n.period(box.edition, lang) if box and box.edition else None,
        "takeaways": Markup(box.content) if box else None,
        "reports": reports,
        "full": full.path if full else None, "full_stale": getattr(full, "stale", None),
        "dataset": dataset(reports_dir, lang),
        "citation": citation.text(lang), "sources": citation.sources(lang),
        "licence": citation.licence_items(lang), "version": citation.__version__,
    }


def _report(manifest: Manifest, key: str, stem: str, reports_dir: Path) -> dict:
    e = manifest.reports[key]
    files = {fmt: out.path for fmt, out in e.outputs.items()}
    as_of, thumb = looked_at(manifest, key, reports_dir)
    return {"key": key, "stem": stem, "title": e.title or stem, "status": e.status, "as_of": as_of,
            "html": files.get("html"), "pdf": files.get("pdf"), "ipynb": files.get("ipynb"),
            "failed_notebook": None if e.ok else e.failed_notebook,
            "stale": getattr(e, "stale", None) or {},
            "thumbnail": thumb[0] if thumb else None, "alt": thumb[1] if thumb else ""}


#: What a card takes from an executed notebook, by the SHA-256 of the file: its edition and
#: thumbnail (:func:`_look`).
_looked: dict[str, tuple[str | None, tuple[str, str] | None]] = {}


def looked_at(manifest: Manifest, key: str, reports_dir: Path) -> tuple[str | None, tuple[str, str] | None]:
    """The edition and the thumbnail (data URI, alt text) of report ``key``'s executed notebook,
    each None when it has none or cannot be read. Worked out once per file content: the build
    asks as it puts each report in place, while the other reports still run, and the front door
    finds them ready at the end."""
    out = manifest.reports[key].outputs.get("ipynb")
    executed = _file(reports_dir, out.path if out else None)
    try:
        raw = executed.read_bytes() if executed else None
    except OSError:
        raw = None
    if raw is None:
        return None, None
    digest = hashlib.sha256(raw).hexdigest()
    if digest not in _looked:
        _looked[digest] = _look(raw, executed)
    return _looked[digest]


def _look(raw: bytes, path: Path) -> tuple[str | None, tuple[str, str] | None]:
    try:
        nb = json.loads(raw)
    except ValueError:
        return None, None
    if not isinstance(nb, dict):
        return None, None
    return edition(nb, path), thumbnail(nb)


def _file(reports_dir: Path, relative) -> Path | None:
    """The file a manifest path names, if it is one inside the reports folder (:func:`in_reports`)."""
    path = in_reports(reports_dir, relative)
    return path if path is not None and path.is_file() else None


#: The pictures in the overview's grid of the article's charts (egov.gallery).
_GALLERY_IMAGE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def edition(nb: dict, path: Path) -> str | None:
    """The ``as_of`` a notebook was run with: the value papermill injected, else the default its
    ``parameters`` cell declares; None for a notebook without one."""
    from egov.build.parameters import notebook_parameters
    from egov.errors import ParameterError

    injected = ((nb.get("metadata") or {}).get("papermill") or {}).get("parameters") or {}
    if isinstance(injected, dict) and isinstance(injected.get("as_of"), str):
        return injected["as_of"]
    try:
        declared = notebook_parameters(path).get("as_of")
    except (ParameterError, OSError, ValueError):
        return None
    return declared.default if declared and isinstance(declared.default, str) else None


def thumbnail(nb: dict) -> tuple[str, str] | None:
    """A ``data:`` URI of a small copy of the first chart an executed notebook shows, and the
    chart's alt text; for a section whose only pictures are a grid of the article's charts (the
    overview), the first four of them in one picture. None when it shows no chart or its
    picture cannot be read."""
    from egov import thumbnails

    try:
        outputs = [o for cell in nb.get("cells", []) for o in cell.get("outputs", [])]
        for out in outputs:
            meta = (out.get("metadata") or {}).get("egov") or {}
            png = (out.get("data") or {}).get("image/png")
            if meta.get("chart") and isinstance(png, str):
                return thumbnails.data_uri(thumbnails.thumbnail(base64.b64decode(png))), str(meta.get("alt") or "")
        for out in outputs:
            if "egov_gallery" in (out.get("metadata") or {}):
                html = "".join((out.get("data") or {}).get("text/html") or "")
                pngs = [base64.b64decode(m) for m in _GALLERY_IMAGE.findall(html)[:4]]
                if pngs:
                    return thumbnails.data_uri(thumbnails.mosaic(pngs)), ""
    except (OSError, ValueError, AttributeError, TypeError):
        return None
    return None


def _takeaways(reports: list[dict], reports_dir: Path):
    """The key takeaways box of the first section page that has one (the overview's)."""
    from egov.build.render import takeaways

    return takeaways(text for r in reports if (text := _page(reports_dir, r["html"])) is not None)


def _page(reports_dir: Path, relative) -> str | None:
    """A page's text, or None when it is not a file in the reports folder or cannot be read."""
    page = _file(reports_dir, relative)
    try:
        return page.read_text(encoding="utf-8") if page else None
    except (OSError, ValueError):
        return None


def dataset(reports_dir: Path, lang: str) -> list[dict]:
    """The one-file dataset's files present in the reports folder, with what each is and its
    size; empty when it was not built."""
    from egov import i18n

    return [{"href": f"{DATA_EXPORT}/{name}", "name": name, "label": i18n.pick(lang, zh, en),
             "size": _size(path.stat().st_size, lang)} for name, zh, en, path in _dataset_files(reports_dir)]


def _dataset_files(reports_dir: Path) -> list[tuple[str, str, str, Path]]:
    """The dataset's files that are there, each a file of its own folder (no link out of it)."""
    folder = (reports_dir / DATA_EXPORT).resolve()
    return [(name, zh, en, path) for name, zh, en in DATASET
            if (path := _file(reports_dir, f"{DATA_EXPORT}/{name}")) is not None and path.parent.resolve() == folder]


def _size(n: int, lang: str) -> str:
    """'1.2 MB', '36 KB' (decimal units, as file managers show them)."""
    from egov import i18n

    for unit, scale in (("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{i18n.trim(n / scale, 1)} {unit}"
    return i18n.pick(lang, f"{n} 字节", f"{n} bytes")


def key(reports_dir: Path) -> list:
    """What the pages depend on besides the manifest and the templates: the dataset's files
    they list (:func:`dataset`), and their sizes (an ``egov export`` between builds changes them)."""
    return [(name, path.stat().st_size) for name, _, _, path in _dataset_files(reports_dir)]


def render_index(manifest: Manifest, order: list[str], reports_dir: Path) -> dict[str, str]:
    """The front doors, file name → page: self-contained (images inline, no script, no font or
    stylesheet from elsewhere)."""
    from egov.build.render import environment

    template = environment().get_template("index.html.j2")
    return {INDEX_PAGES[lang]: template.render(**context(manifest, order, reports_dir, lang)) for lang in LANGS}
