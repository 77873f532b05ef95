"""Charts' PNGs shared by the kernels of one build: the overview's grid shows nine of the
sections' charts, so a chart drawn for one report is not drawn again for another.

The build names a folder of its own (``EGOV_CHART_CACHE``, inside its staging folder and removed
with it); outside a build nothing is kept, and nothing is ever read from an earlier build. An
entry is named by the SHA-256 of everything its chart is drawn from: the chart, language,
edition and peers, and the digest of the data it reads (:func:`egov.data.fingerprint` of its
section's observations or of the UN table, with the labels). A chart sees only those:
:func:`egov.charts.make` hands it its own section's rows whoever asks. So a PNG from the folder
has the bytes the chart would draw, and no report depends on which report drew first.

Beside each PNG its card (``<name>.json``: the chart's title and alt text) lets a grid of
thumbnails (the overview's) take a chart a section drew without drawing its figure at all.
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


def png(name: str, draw: Callable[[], bytes], card: dict[str, str] | None = None) -> bytes:
    """The PNG kept under ``name``, or ``draw()`` (then kept with ``card``, when a build names a
    folder). A file that is not a PNG is drawn again; a folder that cannot be written only costs
    the saving."""
    folder = _folder(name)
    if folder is None:
        return draw()
    kept = _read_png(folder / f"{name}.png")
    if kept is not None:
        return kept
    drawn = draw()
    if card is not None:
        _keep(folder / f"{name}.json", json.dumps(card, sort_keys=True, ensure_ascii=False).encode())
    _keep(folder / f"{name}.png", drawn)  # after its card: a kept PNG has one
    return drawn


def card(name: str) -> dict[str, str] | None:
    """The card kept under ``name`` with its PNG (``{"title", "alt", "png"}``), or None: no
    folder, not drawn yet, or a file that is not what this module writes."""
    folder = _folder(name)
    picture = _read_png(folder / f"{name}.png") if folder is not None else None
    if picture is None:
        return None
    try:
        kept = json.loads((folder / f"{name}.json").read_bytes())
    except (OSError, ValueError):
        return None
    if not (isinstance(kept, dict) and set(kept) == {"title", "alt"} and all(isinstance(v, str) for v in kept.values())):
        return None
    return {**kept, "png": picture}


def active() -> bool:
    """Whether a build named a folder (else nothing is kept or taken)."""
    return bool(os.environ.get(ENV))


def _folder(name: str) -> Path | None:
    folder = os.environ.get(ENV)
    return Path(folder) if folder and name else None


def _read_png(path: Path) -> bytes | None:
    try:
        kept = path.read_bytes()
    except OSError:
        return None
    return kept if kept.startswith(_PNG) else None


def _keep(path: Path, blob: bytes) -> None:
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part.write_bytes(blob)
        os.replace(part, path)  # whole or not at all: another kernel may read it at once
    except OSError:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
