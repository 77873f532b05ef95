"""Small pictures of charts, for the overview's grid of the article's charts and the index's
section cards: the chart's PNG scaled down and reduced to a few colours, the same bytes on every
run (Pillow writes no time or software into a PNG), embedded as a ``data:`` URI.

Only Pillow is imported, so the build process can make them without the plotting stack.

>>> import io
>>> from PIL import Image
>>> big = io.BytesIO(); Image.new("RGB", (1200, 600), "white").save(big, "PNG")
>>> Image.open(io.BytesIO(thumbnail(big.getvalue()))).size
(480, 240)
"""

from __future__ import annotations

import base64
import io

#: Pixels across: twice the width a card shows it at, for sharp screens.
WIDTH = 480
#: Colours kept: charts are flat colours and anti-aliased text, so 64 look like the original.
COLOURS = 64


def thumbnail(png: bytes, width: int = WIDTH) -> bytes:
    """A chart's PNG scaled to ``width`` pixels across (never up), as a PNG of :data:`COLOURS`
    colours. Raises ``ValueError`` for bytes that are not an image Pillow reads."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(png)) as im:
            im.load()
            rgb = im.convert("RGB")
    except (OSError, Image.DecompressionBombError, SyntaxError) as err:
        raise ValueError(f"not a readable image: {err}") from None
    if rgb.width > width:
        rgb = rgb.resize((width, max(1, round(rgb.height * width / rgb.width))), Image.Resampling.LANCZOS)
    return _few_colours(rgb)


def _few_colours(rgb) -> bytes:
    """An RGB image as a PNG of :data:`COLOURS` colours."""
    from PIL import Image

    small = rgb.quantize(COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, "PNG", optimize=True)
    return out.getvalue()


def mosaic(pngs: list[bytes], width: int = WIDTH) -> bytes:
    """Up to four charts' PNGs as one small picture, two by two, each whole and scaled into a
    16:9 cell: a picture for a section with many charts and none of its own (the overview)."""
    from PIL import Image, ImageOps

    gap = width // 60
    cell = ((width - gap) // 2, round((width - gap) / 2 * 9 / 16))
    out = Image.new("RGB", (cell[0] * 2 + gap, cell[1] * 2 + gap), "white")
    for i, png in enumerate(pngs[:4]):
        with Image.open(io.BytesIO(png)) as im:
            tile = ImageOps.contain(im.convert("RGB"), cell, Image.Resampling.LANCZOS)
        x, y = (i % 2) * (cell[0] + gap), (i // 2) * (cell[1] + gap)
        out.paste(tile, (x + (cell[0] - tile.width) // 2, y + (cell[1] - tile.height) // 2))
    return _few_colours(out)  # never wider than ``width``


def data_uri(png: bytes) -> str:
    """A PNG as a ``data:`` URI (for an ``<img src>``: the page needs no other file)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
