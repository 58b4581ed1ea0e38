"""Colour histograms: the small weighted set of colours that clustering runs on.

Clustering every pixel is what tutorials do and it is slow (2 M samples at
1080p). A frame's colours are first gathered into *rows*: each row is one
colour with a weight (how many opaque pixels have it) and every pixel knows its
row, so a clustering of the rows becomes a clustering of the pixels through a
lookup table.

Rows are exact colours whenever that is cheap, and 5-bit-per-channel bins
holding the *mean* colour of their pixels otherwise (bin centres would shift
every colour of a few-colour image; see ``shared/MEASUREMENTS.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

#: Images with more pixels than this take their bin mean colours from an evenly
#: strided sample of about this many pixels (every pixel is counted and mapped).
SAMPLE_PIXELS = 1 << 19
#: A frame gets exact colours when the pixels in bins holding more than one
#: colour are at most this many (the exact split sorts only those pixels).
EXACT_SPLIT_PIXELS = 1 << 17
#: A global palette pools its rows into bins above this many rows in all
#: (300 downscaled photo frames hold millions of distinct colours).
MERGE_ROWS = 1 << 19

#: Bits per channel of the cells that :func:`pixel_cells` gathers pixels into.
CELL_BITS = 7

_BITS = 5
_NBINS = 1 << (3 * _BITS)


@dataclass(frozen=True)
class ColorHistogram:
    """The colours of one image as weighted rows.

    Attributes
    ----------
    colors : ndarray, shape (n, 3), float64
        sRGB colour of each row, 0-255 (exact, or the mean of a bin).
    weights : ndarray, shape (n,), float64
        Number of opaque pixels of each row (every pixel counts, also when
        the colours come from a sample); 0 for rows made only of transparent
        pixels.
    exact : bool
        True when every row is one exact colour of the image.
    """

    colors: np.ndarray
    weights: np.ndarray
    exact: bool
    # Either the row of every pixel, or (for binned histograms) the bin of
    # every pixel and the row of every bin: one lookup less per pixel.
    _index: np.ndarray | None = field(default=None, repr=False)
    _bins: np.ndarray | None = field(default=None, repr=False)
    _lookup: np.ndarray | None = field(default=None, repr=False)

    @property
    def index(self) -> np.ndarray:
        """Row of every pixel, shape (H*W,), int32."""
        return self._index if self._index is not None else np.take(self._lookup, self._bins)

    def take(self, row_values: np.ndarray) -> np.ndarray:
        """Per-pixel values from per-row values: ``row_values[index]``, shape (H*W, ...)."""
        if self._index is not None:
            return np.take(row_values, self._index, axis=0)
        return np.take(np.take(row_values, self._lookup, axis=0), self._bins, axis=0)


def _bin_of(pixels: np.ndarray) -> np.ndarray:
    # Shift while still uint8 (one pass over the array), then widen to uint16:
    # a 15-bit bin index fits, and this is 1.6x faster than widening first.
    q = (pixels >> (8 - _BITS)).astype(np.uint16)
    return (q[:, 0] << (2 * _BITS)) | (q[:, 1] << _BITS) | q[:, 2]


def _bin_of_code(codes: np.ndarray) -> np.ndarray:
    # The same 15-bit bin as _bin_of, from the 24-bit colour codes already made.
    shift = 8 - _BITS
    mask = (1 << _BITS) - 1
    r = (codes >> (16 + shift)) & mask
    g = (codes >> (8 + shift)) & mask
    b = (codes >> shift) & mask
    return ((r << (2 * _BITS)) | (g << _BITS) | b).astype(np.uint16)


def pack_rgb(pixels: np.ndarray, dtype=np.int32) -> np.ndarray:
    """One integer ``r << 16 | g << 8 | b`` per colour of an (..., 3) uint8 array.

    Packed codes let numpy compare, sort and ``unique`` colours as scalars.
    ``dtype=np.int64`` leaves room to pack more above bit 24.
    """
    p = np.asarray(pixels).reshape(-1, 3).astype(dtype)
    return (p[:, 0] << 16) | (p[:, 1] << 8) | p[:, 2]


def unpack_rgb(codes: np.ndarray) -> np.ndarray:
    """The (n, 3) colours of :func:`pack_rgb` codes (only the low 24 bits are read)."""
    codes = np.asarray(codes)
    return np.column_stack([(codes >> 16) & 255, (codes >> 8) & 255, codes & 255])


def color_histogram(image: np.ndarray, opaque: np.ndarray | None = None) -> ColorHistogram:
    """Gather the colours of an RGB image into weighted rows.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
    opaque : ndarray of bool, shape (H, W), optional
        Pixels that count; transparent pixels get a row but no weight.

    Returns
    -------
    ColorHistogram
    """
    pixels = image.reshape(-1, 3)
    n = pixels.shape[0]
    weight = None if opaque is None else opaque.reshape(-1).astype(np.float64)
    step = max(1, -(-n // SAMPLE_PIXELS))
    if step == 1:
        codes = pack_rgb(pixels)
        bins = _bin_of_code(codes)
        exact = _exact_histogram(codes, bins, weight)
        if exact is not None:
            return exact
    else:
        bins = _bin_of(pixels)
    return _binned_histogram(pixels, bins, weight, step)


def _binned_histogram(pixels, bins, weight, step) -> ColorHistogram:
    # Weights count every pixel; bin means come from a strided sample, and the
    # few bins that only unsampled pixels fall into get their bin centre.
    count = np.bincount(bins, minlength=_NBINS)
    rows = np.flatnonzero(count)
    lookup = np.full(_NBINS, -1, dtype=np.int32)
    lookup[rows] = np.arange(rows.size, dtype=np.int32)
    sb, sp = bins[::step], pixels[::step]
    sampled = np.bincount(sb, minlength=_NBINS)[rows].astype(np.float64)
    sums = np.stack(
        [np.bincount(sb, weights=sp[:, c], minlength=_NBINS)[rows] for c in range(3)], axis=1
    )
    colors = np.where(
        sampled[:, None] > 0, sums / np.maximum(sampled, 1.0)[:, None], _bin_centres(rows)
    )
    if weight is None:
        weights = count[rows].astype(np.float64)
    else:
        weights = np.bincount(bins, weights=weight, minlength=_NBINS)[rows]
    return ColorHistogram(colors, weights, exact=False, _bins=bins, _lookup=lookup)


def _bin_centres(rows: np.ndarray) -> np.ndarray:
    mask = (1 << _BITS) - 1
    q = np.column_stack([(rows >> (2 * _BITS)) & mask, (rows >> _BITS) & mask, rows & mask])
    return q.astype(np.float64) * (1 << (8 - _BITS)) + ((1 << (8 - _BITS)) - 1) / 2.0


def _exact_histogram(codes, bins, weight) -> ColorHistogram | None:
    # A bin is "pure" when all its pixels share one colour: compare every
    # pixel's colour code with the code of one representative pixel of its bin.
    rep = np.zeros(_NBINS, dtype=np.int32)
    rep[bins] = codes
    mismatch = codes != np.take(rep, bins)
    impure = np.zeros(_NBINS, dtype=bool)
    n_split = 0
    if mismatch.any():
        impure[bins[mismatch]] = True
        in_impure = np.take(impure, bins)
        n_split = int(np.count_nonzero(in_impure))
    if n_split > EXACT_SPLIT_PIXELS:
        return None
    count = np.bincount(bins, minlength=_NBINS)
    pure_rows = np.flatnonzero((count > 0) & ~impure)
    lookup = np.full(_NBINS, -1, dtype=np.int32)
    lookup[pure_rows] = np.arange(pure_rows.size, dtype=np.int32)
    index = np.take(lookup, bins)
    row_codes = rep[pure_rows]
    if n_split:
        split_codes, inv = np.unique(codes[in_impure], return_inverse=True)
        index[in_impure] = pure_rows.size + inv.astype(np.int32)
        row_codes = np.concatenate([row_codes, split_codes])
    colors = unpack_rgb(row_codes).astype(np.float64)
    if weight is None and not n_split:
        weights = count[pure_rows].astype(np.float64)
    else:
        weights = np.bincount(index, weights=weight, minlength=colors.shape[0]).astype(np.float64)
    return ColorHistogram(colors, weights, exact=True, _index=index)


def pooled_rows(parts, max_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Weighted colour rows, pooled into 5-bit bins when there are more than ``max_rows``.

    Parameters
    ----------
    parts : iterable of (colors, weights)
        Rows as in :class:`ColorHistogram` (sRGB 0-255, weights).
    max_rows : int
        Up to this many rows in all, they are stacked unchanged.

    Returns
    -------
    colors : ndarray, shape (m, 3)
        Stacked rows, or one row per occupied bin holding the weighted mean
        colour of its rows (the plain mean where all its rows weigh 0).
    weights : ndarray, shape (m,)
    """
    parts = list(parts)
    if sum(len(c) for c, _ in parts) <= max_rows:
        return np.vstack([c for c, _ in parts]), np.concatenate([w for _, w in parts])
    wsum = np.zeros((_NBINS, 3))
    usum = np.zeros((_NBINS, 3))
    weight = np.zeros(_NBINS)
    count = np.zeros(_NBINS)
    for colors, weights in parts:
        bins = _bin_of(colors.astype(np.uint8))
        weight += np.bincount(bins, weights=weights, minlength=_NBINS)
        count += np.bincount(bins, minlength=_NBINS)
        for c in range(3):
            wsum[:, c] += np.bincount(bins, weights=weights * colors[:, c], minlength=_NBINS)
            usum[:, c] += np.bincount(bins, weights=colors[:, c], minlength=_NBINS)
    rows = np.flatnonzero(count)
    w = weight[rows]
    colors = np.where(
        w[:, None] > 0,
        wsum[rows] / np.maximum(w, 1e-300)[:, None],
        usum[rows] / count[rows][:, None],
    )
    return colors, w


@dataclass(frozen=True)
class PixelCells:
    """A frame's pixels gathered into cells of ``CELL_BITS`` bits a channel.

    5-bit histogram bins (about 3 ΔE76 wide) are fine for clustering but too
    coarse to choose each pixel's palette entry: pixels of one bin can lie on
    both sides of a boundary between two entries. A 7-bit cell spans two
    sRGB steps a channel, and its colour is the exact mean of its pixels, so a
    cell whose pixels share one colour (every cell of a few-colour GIF) is
    that colour exactly.

    Attributes
    ----------
    index : ndarray of intp, shape (H*W,)
        Cell of every pixel. Transparent pixels share one cell of weight 0.
    codes : ndarray of int32, shape (m,)
        Each cell's code: its channels' top ``CELL_BITS`` bits, red highest
        (``1 << 3*CELL_BITS`` for the transparent pixels' cell).
    colors : ndarray, shape (m, 3), float64
        Mean sRGB colour (0-255) of each cell's pixels.
    counts : ndarray, shape (m,), float64
        Opaque pixels in each cell.
    """

    index: np.ndarray
    codes: np.ndarray
    colors: np.ndarray
    counts: np.ndarray

    def coarse(self, bits: int) -> np.ndarray:
        """Normalised histogram of the opaque pixels over ``bits``-bit bins (``8 ** bits`` bins).

        The same as binning every pixel, for ``bits <= CELL_BITS``.
        """
        h = np.bincount(self._bins(bits), weights=self.counts, minlength=1 << (3 * bits))
        total = h.sum()
        return h / total if total else h

    def pooled(self, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The cells' colours pooled into 5-bit bins, as :func:`pooled_rows` pools them.

        Parameters
        ----------
        weights : ndarray, shape (m,)
            A weight per cell.

        Returns
        -------
        colors : ndarray, shape (b, 3)
            Weighted mean colour of each bin that weighs anything.
        weights : ndarray, shape (b,)
        """
        bins = self._bins(_BITS)
        total = np.bincount(bins, weights=weights, minlength=_NBINS)
        rows = np.flatnonzero(total > 0)
        sums = np.column_stack([
            np.bincount(bins, weights=weights * self.colors[:, c], minlength=_NBINS)[rows]
            for c in range(3)
        ])
        return sums / total[rows, None], total[rows]

    def _bins(self, bits: int) -> np.ndarray:
        # A cell's bin from its code: every pixel of a cell shares the top
        # CELL_BITS bits of each channel, so it shares any coarser bin too.
        drop = CELL_BITS - bits
        mask = (1 << bits) - 1
        c = self.codes >> drop
        return (
            ((c >> (2 * CELL_BITS)) & mask) << (2 * bits)
            | ((c >> CELL_BITS) & mask) << bits
            | (c & mask)
        )


@njit(cache=True, nogil=True)
def _gather_cells(pixels, opaque, bits):
    # (codes, index, low-bit sums, counts) of the cells, in two passes over the
    # pixels (compiled: the numpy version made a dozen pixel-sized temporaries).
    # A pixel not ``opaque`` (when the mask is not empty) goes to the cell
    # past the last, with no low bits. The sums are exact integers.
    low, hidden, masked = 8 - bits, 1 << (3 * bits), opaque.shape[0] > 0
    cell = np.empty(pixels.shape[0], dtype=np.int32)
    present = np.zeros(hidden + 1, dtype=np.bool_)
    for i in range(pixels.shape[0]):
        c = hidden
        if not masked or opaque[i]:
            c = ((np.int64(pixels[i, 0]) >> low) << (2 * bits)
                 | (np.int64(pixels[i, 1]) >> low) << bits | np.int64(pixels[i, 2]) >> low)
        cell[i] = c
        present[c] = True
    codes = np.flatnonzero(present).astype(np.int32)
    lookup = np.empty(hidden + 1, dtype=np.int32)  # 8 MB over every possible cell
    lookup[codes] = np.arange(codes.size)
    index = np.empty(pixels.shape[0], dtype=np.intp)
    sums = np.zeros((codes.size, 3), dtype=np.int64)
    counts = np.zeros(codes.size, dtype=np.int64)
    rest = (1 << low) - 1
    for i in range(pixels.shape[0]):
        j = lookup[cell[i]]
        index[i] = j
        counts[j] += 1
        if cell[i] != hidden:
            for ch in range(3):
                sums[j, ch] += pixels[i, ch] & rest
    return codes, index, sums, counts


def pixel_cells(image: np.ndarray, opaque: np.ndarray | None = None) -> PixelCells:
    """Gather every pixel of an RGB image into its cell (:class:`PixelCells`).

    Every pixel is counted once and no pixel's colour is converted: each
    channel's top bits make the cell, and integer sums of the low bits per
    cell give the cells' exact mean colours.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
    opaque : ndarray of bool, shape (H, W), optional
        Pixels that count; the others go to a cell of weight 0.

    Returns
    -------
    PixelCells
    """
    low = 8 - CELL_BITS
    mask = np.empty(0, dtype=bool) if opaque is None else opaque.reshape(-1)
    codes, index, sums, counts = _gather_cells(image.reshape(-1, 3), mask, CELL_BITS)
    n = counts.astype(np.float64)
    top = np.stack([(codes >> ((2 - c) * CELL_BITS)) & ((1 << CELL_BITS) - 1) for c in range(3)],
                   axis=1)
    colors = (top << low) + sums / n[:, None]
    weights = n
    if codes[-1] == 1 << (3 * CELL_BITS):
        colors[-1] = 0.0
        weights[-1] = 0.0
    return PixelCells(index, codes, colors, weights)
