"""Display Markdown whose words may come from the data: the one place narrative text is escaped."""

from __future__ import annotations

import html


def markdown(text: str, metadata: dict | None = None) -> None:
    """Display Markdown whose words may come from the data, with ``& < >`` escaped.

    Markdown passes raw HTML through to the report, so a label reading ``<script>…`` would
    run there; escaped, it is shown as the text it is. The narrative itself uses no HTML.
    """
    from IPython.display import Markdown, display

    display(Markdown(html.escape(text, quote=False)), metadata=metadata)
