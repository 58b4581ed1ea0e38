"""One frame's box as GIF data: which pixels to draw, their indices, the smallest encoding.

Inside the box of pixels that changed, the pixels that did not change may
take the transparent index (runs of one index are what LZW compresses best),
be drawn again in their own colour where the frame's palette has it (on
content that changes in many small places, such as a GIF source or
dithering, long runs of colours beat runs broken by the transparent index),
or be chosen pixel by pixel to make the fewest runs. These are the
:class:`Fill` values; each is an LZW encoding, and the smallest is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
from numba import njit

from core._cluster import assign
from core._gif_blocks import image_data, table_bits
from core._gif_screen import INVISIBLE, color_codes
from core._histogram import unpack_rgb

#: Every fill is encoded on one frame in this many (and until one has beaten
#: another); the frames between use the fill that won last: the winner seldom
#: changes within a clip, and each fill costs an LZW encoding (retrying every 8
#: frames instead saves under 0.1% of the bytes).
RETRY_FILLS = 16


class Fill(Enum):
    """How the unchanged pixels inside a frame's box are drawn.

    On a tie in size the fill listed first is kept.
    """

    #: They take the transparent index: the screen shows through.
    TRANSPARENT = 0
    #: They are drawn again in their own colour where the frame's palette has it.
    REDRAW = 1
    #: Each of those is drawn or left transparent, for the fewest runs (:func:`fewest_runs_mask`).
    FEWEST_RUNS = 2


@dataclass
class FillPolicy:
    """Which fills to encode on a frame: all of them now and then, else the last winner."""

    winner: Fill | None = None

    def to_try(self, frame_index: int) -> tuple[Fill, ...]:
        """The fills to encode on the frame written ``frame_index``-th (from 0)."""
        if self.winner is None or frame_index % RETRY_FILLS == 0:
            return tuple(Fill)
        return (self.winner,)

    def record(self, fill: Fill, tried: int) -> None:
        """Keep ``fill`` as the winner when it beat other fills (``tried`` > 1)."""
        if tried > 1:
            self.winner = fill


def fewest_runs_mask(must: np.ndarray, may: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The pixels to draw so that each row has the fewest runs of one index.

    ``must`` pixels are drawn with their label, pixels outside ``may`` take
    the transparent index, and the free pixels (``may`` but not ``must``)
    are drawn or left transparent so that each row changes index as few
    times as possible (LZW codes runs of repeated strings).

    A row splits into stretches of free pixels between fixed ones, each
    decided on its own. Within a stretch, all transparent costs a change at
    each end whose fixed neighbour is drawn; all drawn costs the changes of
    label inside, plus one at each end whose neighbour differs. Drawing only
    part of a stretch adds a change at each switch to transparent and never
    does better than one of those two, so each stretch is drawn whole when
    that makes fewer changes (ties stay transparent).

    Parameters
    ----------
    must, may : ndarray of bool, shape (H, W)
        ``must`` is within ``may``.
    labels : ndarray of uint8, shape (H, W)

    Returns
    -------
    ndarray of bool, shape (H, W)
        The pixels to draw: ``must`` plus some of ``may``.
    """
    h, w = must.shape
    # Rows laid end to end, each followed by a pad pixel: no stretch crosses it.
    free = np.zeros((h, w + 1), dtype=np.int8)
    free[:, :w] = may & ~must
    edges = np.diff(free.reshape(-1), prepend=np.int8(0))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if starts.size == 0:
        return must.copy()
    # The same places in the rows without pads; a stretch at a row's start or
    # end has no neighbour there, which costs no change.
    row = starts // (w + 1)
    first, end = starts - row, stops - row
    has_left, has_right = first % w != 0, end % w != 0
    left, right = np.where(has_left, first - 1, 0), np.where(has_right, end, 0)
    label, fixed_drawn = labels.reshape(-1), must.reshape(-1)
    changes = np.zeros(label.size, dtype=np.int32)
    np.cumsum(label[1:] != label[:-1], out=changes[1:])
    # A neighbour not drawn is transparent: a change next to any drawn label.
    clear_cost = (has_left & fixed_drawn[left]).astype(np.int32) + (has_right & fixed_drawn[right])
    drawn_cost = (
        changes[end - 1] - changes[first]
        + (has_left & (~fixed_drawn[left] | (label[left] != label[first])))
        + (has_right & (~fixed_drawn[right] | (label[right] != label[end - 1])))
    )
    draw = drawn_cost < clear_cost
    # Marks at the padded places: stretches are apart there (a fixed pixel or a pad between).
    marks = np.zeros(free.size, dtype=np.int8)
    marks[starts[draw]] = 1
    marks[stops[draw]] = -1
    chosen = np.cumsum(marks, dtype=np.int8).reshape(h, w + 1)[:, :w].astype(bool)
    return chosen | must


def fill_masks(
    fills: tuple[Fill, ...], must_draw: np.ndarray, codes: np.ndarray, labels: np.ndarray,
    colors: np.ndarray,
) -> dict[Fill, np.ndarray]:
    """The pixels of a box that each of ``fills`` draws.

    Parameters
    ----------
    fills : tuple of Fill
    must_draw : ndarray of bool, shape (h, w)
        The box's pixels that differ from the screen: every fill draws them;
        the others are unchanged.
    codes : ndarray of uint32, shape (h, w)
        The box's pixel codes in the frame.
    labels : ndarray of uint8, shape (h, w)
    colors : ndarray, shape (k, 3), uint8
        The frame's palette.

    Returns
    -------
    dict of Fill to ndarray of bool
        In the order of ``fills``; only ``Fill.TRANSPARENT`` when no
        unchanged pixel shows a colour of the palette (every fill is the same).
    """
    if fills != (Fill.TRANSPARENT,):
        own = (np.take(color_codes(colors), labels) == codes) & (codes != INVISIBLE)
        redraw = must_draw | own
        if not np.array_equal(redraw, must_draw):
            masks = {Fill.TRANSPARENT: must_draw, Fill.REDRAW: redraw}
            if Fill.FEWEST_RUNS in fills:
                masks[Fill.FEWEST_RUNS] = fewest_runs_mask(must_draw, redraw, labels)
            return {fill: masks[fill] for fill in fills}
    return {Fill.TRANSPARENT: must_draw}


def box_indices(
    codes: np.ndarray, drawn: np.ndarray, labels: np.ndarray, colors: np.ndarray,
    needs_transparent: bool,
) -> tuple[np.ndarray, np.ndarray, int | None, np.ndarray]:
    """Indices, colour table and transparent index of one frame's box.

    A ``drawn`` pixel's index is its label when the label's colour is the
    pixel's colour. A pixel whose colour is not its label's (a frame that
    shows an earlier frame's colour, when that frame was not written before
    it) gets an entry of its own while the table has room, else the nearest
    entry. The other pixels take the transparent index.

    Parameters
    ----------
    codes : ndarray of uint32, shape (h, w)
        The box's pixel codes in the frame.
    drawn : ndarray of bool, shape (h, w)
    labels : ndarray of uint8, shape (h, w)
    colors : ndarray, shape (k, 3), uint8
    needs_transparent : bool
        Give the table a transparent index.

    Returns
    -------
    indices : ndarray of uint8, shape (h, w)
    table : ndarray, shape (m, 3), uint8
        Only the entries used, in label order.
    transparent_index : int or None
        The entry after the table's colours.
    shows : ndarray of uint32, shape (h, w)
        What the drawn pixels show once decoded (``codes``, unless a colour had no room).
    """
    palette_codes = color_codes(colors)
    used = _used_entries(codes, drawn, labels, palette_codes)
    if used is not None:  # every drawn pixel shows its label's colour: one pass each way
        renumber = (np.cumsum(used) - 1).astype(np.uint8)
        transparent_index = int(used.sum()) if needs_transparent else None
        indices = _box_indices(drawn, labels, renumber, transparent_index or 0)
        return indices, colors[used], transparent_index, codes
    entry = labels[drawn].astype(np.intp)
    wanted = codes[drawn]
    shows = codes
    off_palette = palette_codes[entry] != wanted
    if off_palette.any():
        extra, inverse = np.unique(wanted[off_palette], return_inverse=True)
        if len(colors) + len(extra) < 256:
            entry[off_palette] = len(colors) + inverse
            colors = np.vstack([colors, unpack_rgb(extra).astype(np.uint8)])
        else:
            rgb = unpack_rgb(extra).astype(np.float64)
            entry[off_palette] = assign(rgb, colors.astype(np.float64))[inverse]
            shows = codes.copy()
            shows[drawn] = color_codes(colors)[entry]
    used = np.zeros(len(colors), dtype=bool)
    used[entry] = True
    renumber = (np.cumsum(used) - 1).astype(np.uint8)
    table = colors[used]
    transparent_index = len(table) if needs_transparent else None
    indices = np.full(codes.shape, transparent_index or 0, dtype=np.uint8)
    indices[drawn] = renumber[entry]
    return indices, table, transparent_index, shows


@njit(cache=True, nogil=True)
def _used_entries(codes, drawn, labels, palette_codes):
    # The entries the drawn pixels use, or None when one shows another colour
    # than its label's (then box_indices takes the general way).
    used = np.zeros(palette_codes.shape[0], dtype=np.bool_)
    for i in range(codes.shape[0]):
        for j in range(codes.shape[1]):
            if drawn[i, j]:
                label = labels[i, j]
                if palette_codes[label] != codes[i, j]:
                    return None
                used[label] = True
    return used


@njit(cache=True, nogil=True)
def _box_indices(drawn, labels, renumber, transparent_index):
    # Each drawn pixel's renumbered label, the others the transparent index.
    out = np.empty(drawn.shape, dtype=np.uint8)
    for i in range(drawn.shape[0]):
        for j in range(drawn.shape[1]):
            out[i, j] = renumber[labels[i, j]] if drawn[i, j] else transparent_index
    return out


@dataclass(frozen=True)
class EncodedBox:
    """One frame's box, encoded with one fill."""

    fill: Fill
    #: The pixels drawn; the others take the transparent index.
    drawn: np.ndarray
    #: Pixel codes the drawn pixels show once decoded.
    shows: np.ndarray
    #: The local colour table's colours (without the transparent entry).
    table: np.ndarray
    transparent_index: int | None
    #: Bits per index: the table holds ``2 ** bits`` entries, and the LZW minimum code size.
    bits: int
    #: The table-based image data block.
    image_data: bytes


def encode_box(
    fill: Fill, codes: np.ndarray, drawn: np.ndarray, labels: np.ndarray, colors: np.ndarray,
    transparent: bool,
) -> EncodedBox:
    """Encode a box drawing the ``drawn`` pixels (see :func:`box_indices`).

    ``transparent`` gives the table a transparent index even when every
    pixel is drawn (a writer whose frames may show nothing somewhere).
    """
    needs_transparent = transparent or not drawn.all()
    indices, table, transparent_index, shows = box_indices(
        codes, drawn, labels, colors, needs_transparent
    )
    bits = table_bits(len(table) + (transparent_index is not None))
    return EncodedBox(fill, drawn, shows, table, transparent_index, bits, image_data(indices, bits))


def smallest_encoding(
    masks: dict[Fill, np.ndarray], codes: np.ndarray, labels: np.ndarray, colors: np.ndarray,
    transparent: bool,
) -> EncodedBox:
    """Encode the box with each fill of ``masks`` (see :func:`fill_masks`) and keep the smallest.

    Sizes are of the image data; on a tie the first fill is kept.
    """
    encoded = [
        encode_box(fill, codes, drawn, labels, colors, transparent)
        for fill, drawn in masks.items()
    ]
    return min(encoded, key=lambda box: len(box.image_data))
