"""What a GIF decoder shows after the frames written so far, pixel by pixel.

A writer that stores only what changed compares each frame with this screen
(gifski keeps one for the same purpose). Both hold *pixel codes*: one
``uint32`` per pixel, ``r << 16 | g << 8 | b`` for the colour it shows, or
``INVISIBLE`` for a pixel that shows nothing, so that a frame and the screen
compare as scalars.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from core._histogram import pack_rgb

#: Pixel code of a pixel that shows nothing (above the 24 bits of any colour).
INVISIBLE = np.uint32(1 << 24)


def pixel_codes(image: np.ndarray, opaque: np.ndarray | None = None) -> np.ndarray:
    """The pixel code of each pixel of an image: ``r << 16 | g << 8 | b``, or INVISIBLE.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
    opaque : ndarray of bool, shape (H, W), optional
        Pixels that are shown; the others are INVISIBLE.

    Returns
    -------
    ndarray of uint32, shape (H, W)
    """
    out = image[..., 0].astype(np.uint32)
    out <<= 8
    out |= image[..., 1]
    out <<= 8
    out |= image[..., 2]
    if opaque is not None:
        out[~opaque] = INVISIBLE
    return out


def color_codes(colors: np.ndarray) -> np.ndarray:
    """The pixel code of each colour of an (n, 3) uint8 palette, as ``uint32``."""
    return pack_rgb(colors).astype(np.uint32)


class Box(NamedTuple):
    """A rectangle of the screen: rows ``top:bottom``, columns ``left:right``."""

    top: int
    bottom: int
    left: int
    right: int

    @property
    def slices(self) -> tuple[slice, slice]:
        """Index of the box in an (H, W) array."""
        return slice(self.top, self.bottom), slice(self.left, self.right)

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


def bounding_box(mask: np.ndarray) -> Box | None:
    """The smallest box holding every True pixel of ``mask``, or None when there is none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask[rows[0] : rows[-1] + 1].any(axis=0))
    return Box(int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1)


class Screen:
    """The pixel codes a decoder shows, updated as each frame is written.

    Parameters
    ----------
    width, height : int
        The GIF's logical screen.

    Attributes
    ----------
    codes : ndarray of uint32, shape (height, width)
        What each pixel shows; INVISIBLE before any frame draws it.
    blank : bool
        True until the first frame is drawn.
    """

    def __init__(self, width: int, height: int):
        self.codes = np.full((height, width), INVISIBLE, dtype=np.uint32)
        self.blank = True

    def changes(self, codes: np.ndarray) -> np.ndarray:
        """Which pixels of a frame's pixel codes differ from what is shown (a bool mask)."""
        return codes != self.codes

    def box_to_draw(self, extent: np.ndarray) -> Box:
        """The box a frame covers to reach every True pixel of ``extent``.

        The whole screen while it is blank (decoders differ on what lies
        outside the first frame); one pixel when ``extent`` has none, as a
        frame holds at least one.
        """
        if self.blank:
            height, width = self.codes.shape
            return Box(0, height, 0, width)
        return bounding_box(extent) or Box(0, 1, 0, 1)

    def draw(self, box: Box, codes: np.ndarray, drawn: np.ndarray) -> None:
        """Show ``codes`` (the box's pixel codes) at the ``drawn`` pixels of ``box``."""
        np.copyto(self.codes[box.slices], codes, where=drawn)
        self.blank = False

    def clear(self, box: Box) -> None:
        """Show nothing in ``box`` (a frame disposed of by restoring the background)."""
        self.codes[box.slices] = INVISIBLE
