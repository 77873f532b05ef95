"""``reports/index.html``: every report, Chinese first, from the Jinja template
``templates/build/index.html.j2``.

:func:`context` turns the manifest into plain records (languages, their reports and files); the
template lays them out. Its parts are blocks, so a page that extends it can change one.
"""

from __future__ import annotations

from egov.build.layout import LANGS
from egov.build.manifest import Manifest

#: Per language: its code in HTML, its name in itself and in the other language.
LANGUAGES = {"zh": ("zh-CN", "中文报告", "Chinese"), "en": ("en", "English reports", "英文")}


def context(manifest: Manifest, order: list[str]) -> dict:
    """What the index shows: for each language, its full report and its sections' reports in
    ``order`` (notebook stems)."""
    languages = []
    for lang in LANGS:
        reports = []
        for stem in order:
            e = manifest.reports.get(f"{lang}/{stem}")
            if e is None:
                continue
            files = {fmt: out.path for fmt, out in e.outputs.items()}
            reports.append({"key": f"{lang}/{stem}", "stem": stem, "title": e.title or stem,
                            "status": e.status, "html": files.get("html"), "pdf": files.get("pdf"),
                            "ipynb": files.get("ipynb"),
                            "failed_notebook": None if e.ok else e.failed_notebook,
                            "stale": e.stale or {}})
        html_lang, name, other = LANGUAGES[lang]
        full = manifest.full_reports.get(lang)
        languages.append({"code": lang, "html_lang": html_lang, "name": name, "other_name": other,
                          "full": full.path if full else None, "full_stale": full.stale if full else None,
                          "reports": reports})
    return {"languages": languages}


def render_index(manifest: Manifest, order: list[str]) -> str:
    """A self-contained page linking every report, Chinese first."""
    from egov.build.render import environment

    return environment().get_template("index.html.j2").render(**context(manifest, order))
