"""Display the narrative's Markdown: written by the project's templates, every value from the
data in it already escaped as text (:func:`egov.markup.md`, where the narrative fills it in)."""

from __future__ import annotations


def markdown(text: str, metadata: dict | None = None) -> None:
    """Display Markdown written by the project, every data value in it escaped with
    :func:`egov.markup.md` where it was filled in (the report's renderer lets raw HTML, links
    and maths through, so a value left raw would act as markup)."""
    from IPython.display import Markdown, display

    display(Markdown(text), metadata=metadata)
