"""Charts' PNGs shared by the kernels of one build: the overview's grid shows nine of the
sections' charts, so a chart drawn for one report is not drawn again for another.

The build names a folder of its own (``EGOV_CHART_CACHE``, inside its staging folder and removed
with it); outside a build nothing is kept, and nothing is ever read from an earlier build. An
entry is named by the SHA-256 of everything its chart is drawn from: the chart, language,
edition and peers, and the digest of the data it reads (:func:`egov.data.fingerprint` of its
section's observations or of the UN table, with the labels). A chart sees only those:
:func:`egov.charts.make` hands it its own section's rows whoever asks. So a PNG from the folder
has the bytes the chart would draw, and no report depends on which report drew first.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Callable

#: The environment variable naming the folder (set per kernel by ``egov build``).
ENV = "EGOV_CHART_CACHE"
_PNG = b"\x89PNG\r\n\x1a\n"


def key(*parts) -> str:
    """The entry's name for a chart drawn from ``parts`` (JSON values)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def png(name: str, draw: Callable[[], bytes]) -> bytes:
    """The PNG kept under ``name``, or ``draw()`` (then kept, when a build names a folder). A
    file that is not a PNG is drawn again; a folder that cannot be written only costs the saving."""
    folder = os.environ.get(ENV)
    if not folder or not name:
        return draw()
    path = Path(folder) / f"{name}.png"
    try:
        kept = path.read_bytes()
        if kept.startswith(_PNG):
            return kept
    except OSError:
        pass
    drawn = draw()
    part = path.with_name(f".{name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(drawn)
        os.replace(part, path)  # whole or not at all: another kernel may read it at once
    except OSError:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
    return drawn
