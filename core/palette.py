"""Palettes: k colours with the share of the picture each covers, and their exports.

The export formats are the ones designers paste or import: a hex list, JSON,
CSS custom properties, a GIMP/Inkscape/Krita ``.gpl`` palette, and a PNG strip
of swatches whose widths follow the shares.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Palette:
    """The colours of a quantized picture.

    Attributes
    ----------
    colors : ndarray, shape (k, 3), uint8
        sRGB colours. Entry ``i`` is the colour of label ``i``.
    shares : ndarray, shape (k,), float64
        Fraction of the (opaque) pixels that carry each colour; sums to 1.
    """

    colors: np.ndarray
    shares: np.ndarray

    def __len__(self) -> int:
        return int(self.colors.shape[0])

    @property
    def hex(self) -> list[str]:
        """``"#rrggbb"`` of every colour, in palette order."""
        return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in self.colors.tolist()]

    def by_share(self) -> Palette:
        """The same palette, largest share first (ties keep their order)."""
        order = np.argsort(-self.shares, kind="stable")
        return Palette(self.colors[order], self.shares[order])


def to_hex_list(palette: Palette) -> str:
    """One ``#rrggbb`` per line, largest share first."""
    return "\n".join(palette.by_share().hex) + "\n"


def to_json(palette: Palette) -> str:
    """JSON list of ``{"hex", "rgb", "share"}`` objects, largest share first."""
    p = palette.by_share()
    items = [
        {"hex": h, "rgb": rgb, "share": round(float(s), 6)}
        for h, rgb, s in zip(p.hex, p.colors.tolist(), p.shares)
    ]
    return json.dumps({"colors": items}, indent=2) + "\n"


def to_css(palette: Palette, prefix: str = "color") -> str:
    """CSS custom properties ``--color-1: #rrggbb;`` in a ``:root`` rule, largest first.

    Raises
    ------
    ValueError
        If ``prefix`` is not a CSS identifier of letters, digits, ``-`` and ``_``
        (anything else could end the rule and inject CSS).
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", prefix):
        raise ValueError(f"prefix={prefix!r} must be letters, digits, '-' and '_'.")
    p = palette.by_share()
    lines = [
        f"  --{prefix}-{i}: {h}; /* {100 * s:.1f}% */"
        for i, (h, s) in enumerate(zip(p.hex, p.shares), start=1)
    ]
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def to_gpl(palette: Palette, name: str = "Flickerless") -> str:
    """A GIMP palette (``.gpl``; also read by Inkscape and Krita), largest first.

    The format: a ``GIMP Palette`` header, ``Name:``, ``Columns:``, ``#``
    comment, then one ``R G B<TAB>name`` line per colour.
    """
    p = palette.by_share()
    safe = "".join(ch for ch in name if ch.isprintable() and ch not in "\r\n") or "Flickerless"
    lines = ["GIMP Palette", f"Name: {safe}", f"Columns: {min(len(p), 16)}", "#"]
    for (r, g, b), h, s in zip(p.colors.tolist(), p.hex, p.shares):
        lines.append(f"{r:3d} {g:3d} {b:3d}\t{h} {100 * s:.1f}%")
    return "\n".join(lines) + "\n"


def to_swatch_png(palette: Palette, width: int = 640, height: int = 80) -> bytes:
    """A PNG strip of swatches, each as wide as its share (at least 1 px), largest first."""
    p = palette.by_share()
    if len(p) == 0 or width < len(p):
        raise ValueError(f"width={width} is too small for {len(p)} colours.")
    widths = np.maximum(1, np.floor(p.shares * width).astype(int))
    widths[0] += width - widths.sum()
    if widths[0] < 1:
        widths = np.full(len(p), width // len(p))
        widths[0] += width - widths.sum()
    strip = np.repeat(p.colors, widths, axis=0)[None].repeat(height, axis=0)
    buf = io.BytesIO()
    Image.fromarray(strip, "RGB").save(buf, format="PNG")
    return buf.getvalue()


#: Every export format: name -> (function, file extension, MIME type).
EXPORTS = {
    "hex": (to_hex_list, "txt", "text/plain"),
    "json": (to_json, "json", "application/json"),
    "css": (to_css, "css", "text/css"),
    "gpl": (to_gpl, "gpl", "text/plain"),
    "png": (to_swatch_png, "png", "image/png"),
}
