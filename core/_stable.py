"""The ``"stable"`` mode: a palette per frame, and what is still on screen stays still.

Every frame gets its own fitted palette, as in ``"seeded"``, but

- a pixel *holds* (shows exactly what it showed in the previous frame,
  whatever this frame's palette) while its source stays within ``hold`` ΔE of
  the colour it had when last written, or while what it shows is at most
  ``hysteresis`` ΔE worse than the best entry now; both allowances shrink as
  the pixel moves, so motion is drawn at once and a slow fade still comes
  through (:class:`core._hold.PixelHold`);
- the palette is fitted to the pixels that the screen no longer shows well,
  so held areas keep their colours and the entries go where they are needed;
  an entry's colour holds still until its cluster really moved (``damping``),
  and the palette is fitted afresh at scene cuts (``cut_threshold``,
  :mod:`core._cuts`); see :mod:`core._stable_palette`.

A held pixel needs a free GIF palette entry to show an earlier colour, so with
``hold=0`` or ``k=256`` the mode takes its other path: every pixel shows an
entry of this frame's palette and keeps its previous entry while that is at
most ``hysteresis`` worse than the nearest (:func:`sticky_labels`). The two
paths are two steppers, :class:`HeldPixels` and :class:`StickyEntries`, made by
:func:`stepper`; each carries its memory from frame to frame. What a frame
needs on its own (:meth:`prepare`) is made a frame ahead on a second thread
(:func:`core._prefetch.prefetched`). ``docs/stable-mode.md`` explains the
design and its knobs.

Entries and the hold are decided in DIN99o, where Euclidean distance follows
CIEDE2000 (what a viewer sees, and what the error is measured in), whatever
space the palette is fitted in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from core._cluster import assign, blas_threads
from core._cuts import CUT_BITS, coarse_histogram, is_cut
from core._histogram import ColorHistogram, PixelCells, color_histogram, pixel_cells
from core._hold import PixelHold, planes_of
from core._prefetch import prefetched
from core._quantize import QuantizeOptions, palette_colors
from core._result import QuantizeResult, paint_words, result_from_labels, unpack_words
from core._stable_palette import (
    continued,
    drawn_counts,
    entry_to_drop,
    fit_centers,
    refit_weights,
)
from core._validation import check_range, opaque_mask
from core.colorspace import din99o, to_space

#: Default ``hysteresis``, ΔE99o: how much farther from its source than the best
#: entry a still pixel's colour may be before it changes.
HYSTERESIS = 3.5
#: Default ``damping``: the dead band of an entry, ΔE76.
DAMPING = 2.0
#: Default ``cut_threshold``: share of pixels whose coarse colour bin changes.
#: A hard cut scores about 0.4; consecutive frames of one scene 0.02-0.06.
CUT_THRESHOLD = 0.25
#: Default ``hold``, ΔE99o: how far a still pixel's source may stray from the colour
#: it had when last written. Codec noise moves a pixel of a clip by a median of
#: 1-2 ΔE99o from one frame to the next.
HOLD = 2.5
#: Change since the previous frame (ΔE99o) from which a pixel counts as moving:
#: its ``hold`` and ``hysteresis`` shrink linearly to nothing there, so motion is
#: drawn at once (it masks the change) while noise on still areas is held.
MOTION = 9.0
#: Largest ``hysteresis``, ``damping`` and ``hold`` accepted, ΔE.
MAX_DELTA_E_KNOB = 20.0


@dataclass(frozen=True)
class StableKnobs:
    """The knobs of the ``"stable"`` mode, checked when made.

    See :func:`core.quantize_frames` for their meaning.
    """

    hysteresis: float = HYSTERESIS
    damping: float = DAMPING
    cut_threshold: float = CUT_THRESHOLD
    hold: float = HOLD

    def __post_init__(self):
        check_range("hysteresis", self.hysteresis, 0.0, MAX_DELTA_E_KNOB)
        check_range("damping", self.damping, 0.0, MAX_DELTA_E_KNOB)
        check_range("cut_threshold", self.cut_threshold, 0.0, 1.0)
        check_range("hold", self.hold, 0.0, MAX_DELTA_E_KNOB)

    def holds(self, k: int) -> bool:
        """True when frames of ``k`` colours can hold pixels (a GIF frame needs a free entry)."""
        return self.hold > 0 and k < 256


@dataclass(frozen=True)
class StableFrame:
    """What the ``"stable"`` mode needs of one frame that does not depend on earlier frames.

    Attributes
    ----------
    shape : (int, int)
        (H, W) of the frame.
    opaque : ndarray of bool, shape (H, W), or None
    coarse : ndarray, shape (512,)
        Coarse colour histogram, for cut detection.
    rows, weights : ndarray, shapes (n, 3) and (n,)
        Weighted sRGB colour rows to fit the palette to.
    """

    shape: tuple[int, int]
    opaque: np.ndarray | None
    coarse: np.ndarray
    rows: np.ndarray
    weights: np.ndarray


@dataclass(frozen=True)
class HistogramFrame(StableFrame):
    """A frame for :class:`StickyEntries`: its exact colour histogram."""

    hist: ColorHistogram


@dataclass(frozen=True)
class CellFrame(StableFrame):
    """A frame for :class:`HeldPixels`: its pixel cells, their colours, every pixel's colour.

    Attributes
    ----------
    cells : PixelCells
    cell_lab : ndarray, shape (m, 3), float64
        Each cell's colour in CIELAB.
    cell_din : ndarray, shape (m, 3), float32
        Each cell's colour in DIN99o.
    source : ndarray, shape (3, H*W), float32
        Every pixel's colour in DIN99o (its cell's), as planes.
    """

    cells: PixelCells
    cell_lab: np.ndarray
    cell_din: np.ndarray
    source: np.ndarray


class _Stepper:
    """The palette memory both paths share: the last frame's coarse histogram and centres."""

    def __init__(self, k: int, options: QuantizeOptions, knobs: StableKnobs):
        self.k, self.options, self.knobs = k, options, knobs
        #: The last frame's coarse histogram, to detect the next scene cut.
        self.coarse: np.ndarray | None = None
        #: Centres fitted to the last frame (the next fit starts from them), in
        #: the options' space.
        self.fitted: np.ndarray | None = None
        #: Centres the last frame showed (damping may hold an entry at an older
        #: centre): the next frame's entries are compared with these.
        self.shown: np.ndarray | None = None

    def is_cut(self, frame: StableFrame) -> bool:
        """True when ``frame`` starts a scene: the first frame, or a jump in colours."""
        return (
            self.shown is None
            or len(self.shown) != self.k
            or is_cut(self.coarse, frame.coarse, self.knobs.cut_threshold)
        )

    def palette(self, frame: StableFrame, weights: np.ndarray, cut: bool,
                X: np.ndarray | None = None,
                cells: PixelCells | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(fitted, shown) centres for ``frame`` (:mod:`core._stable_palette`)."""
        centers = fit_centers(frame.rows, weights, self.k, self.options,
                              None if cut else self.fitted, X, cells)
        return continued(centers, self.shown, cut, self.options, self.knobs.damping)

    def remember(self, frame: StableFrame, fitted: np.ndarray, shown: np.ndarray) -> None:
        """Keep this frame's palette for the next frame."""
        self.coarse, self.fitted, self.shown = frame.coarse, fitted, shown


class StickyEntries(_Stepper):
    """The path without the hold: each pixel keeps its entry unless another is clearly closer."""

    def __init__(self, k: int, options: QuantizeOptions, knobs: StableKnobs):
        super().__init__(k, options, knobs)
        #: The last frame's labels, shape (H*W,), uint8.
        self.labels: np.ndarray | None = None

    def prepare(self, frame: np.ndarray, alpha: np.ndarray | None) -> HistogramFrame:
        """What the step needs of ``frame`` alone (safe to call on another thread)."""
        shape = frame.shape[:2]
        opaque = opaque_mask(alpha, shape)
        hist = color_histogram(frame, opaque)
        return HistogramFrame(shape, opaque, coarse_histogram(frame, opaque), hist.colors,
                              hist.weights, hist)

    def step(self, frame: HistogramFrame) -> QuantizeResult:
        """Quantize the next frame."""
        cut = self.is_cut(frame)
        fitted, shown = self.palette(frame, frame.weights, cut)
        colors = palette_colors(shown, self.options)
        same_order = not cut and self.shown is not None and len(self.shown) == len(shown)
        hist = frame.hist
        flat = sticky_labels(_din(hist.colors), hist.index, _din(colors),
                             self.labels if same_order else None, self.knobs.hysteresis)
        self.remember(frame, fitted, shown)
        self.labels = flat
        return result_from_labels(colors, flat.reshape(frame.shape), shown, self.options.space,
                                  frame.opaque)


class HeldPixels(_Stepper):
    """The path with the hold: still pixels keep what they showed (:class:`PixelHold`)."""

    def __init__(self, k: int, options: QuantizeOptions, knobs: StableKnobs):
        super().__init__(k, options, knobs)
        self.hold = PixelHold(knobs.hold, knobs.hysteresis, MOTION)

    def prepare(self, frame: np.ndarray, alpha: np.ndarray | None) -> CellFrame:
        """What the step needs of ``frame`` alone (safe to call on another thread)."""
        shape = frame.shape[:2]
        opaque = opaque_mask(alpha, shape)
        cells = pixel_cells(frame, opaque)
        # float32 CIELAB: half the time of float64 on 60 k cells, and DIN99o is float32 anyway.
        lab = to_space(cells.colors, "lab", dtype=np.float32)
        cell_din = din99o(lab).astype(np.float32)
        return CellFrame(shape, opaque, cells.coarse(CUT_BITS), cells.colors, cells.counts,
                         cells, lab.astype(np.float64), cell_din,
                         planes_of(cell_din, cells.index))

    def step(self, frame: CellFrame) -> QuantizeResult:
        """Quantize the next frame."""
        cut = self.is_cut(frame)
        fitted, shown, off_screen = self._palette(frame, cut)
        colors = palette_colors(shown, self.options)
        palette_din = _din(colors)
        cell_entry = assign(frame.cell_din, palette_din)
        held, anchored = self._held(frame, off_screen, cell_entry, palette_din)
        index = frame.cells.index
        labels = np.take(cell_entry.astype(np.uint8), index)
        if held is not None:
            labels = self._without_rare_entry(frame, cell_entry, labels, held, palette_din)
        entry_din = palette_din[cell_entry]
        words = paint_words(colors, labels)
        hidden = None if frame.opaque is None else ~frame.opaque.reshape(-1)
        self.hold.push(frame.source, words, entry_din, index, held, anchored, hidden)
        self.remember(frame, fitted, shown)
        counts = np.bincount(cell_entry, weights=frame.cells.counts, minlength=len(colors))
        result = result_from_labels(
            colors, labels.reshape(frame.shape), shown, self.options.space, frame.opaque,
            counts if counts.any() else None, unpack_words(words.reshape(frame.shape)),
        )
        return result if held is None else replace(result, held=held.reshape(frame.shape))

    def _palette(self, frame: CellFrame, cut: bool):
        # (fitted, shown, off_screen): off_screen is how far what each pixel
        # shows is from its source (None at the first frame).
        weights, off_screen = frame.weights, None
        if self.hold.started:
            off_screen = self.hold.off_source(frame.source)
            if not cut:
                weights = refit_weights(frame.cells, off_screen, frame.opaque)
                if not weights.any():
                    # Everything is still shown well: nothing to fit.
                    return self.fitted, self.shown, off_screen
        # The cells' colours are at hand in CIELAB and DIN99o.
        X = {"lab": frame.cell_lab, "din99o": frame.cell_din}.get(self.options.space)
        fitted, shown = self.palette(frame, weights, cut, X, frame.cells)
        return fitted, shown, off_screen

    def _held(self, frame: CellFrame, off_screen, cell_entry, palette_din):
        # (held, anchored) of PixelHold.choose, or (None, None) when no pixel holds.
        if off_screen is None:
            return None, None
        gap = frame.cell_din - palette_din[cell_entry]
        cell_error = np.sqrt(np.einsum("ij,ij->i", gap, gap))
        held, anchored = self.hold.choose(frame.source, off_screen, cell_error, frame.cells.index)
        if frame.opaque is not None:
            held &= frame.opaque.reshape(-1)
        return (held, anchored) if held.any() else (None, None)

    def _without_rare_entry(self, frame: CellFrame, cell_entry: np.ndarray, labels: np.ndarray,
                            held: np.ndarray, palette_din: np.ndarray) -> np.ndarray:
        # The pixels' labels once an entry the drawn pixels hardly use is given up
        # (entry_to_drop): its cells take their nearest other entry (in place).
        skipped = held if frame.opaque is None else held | ~frame.opaque.reshape(-1)
        use = drawn_counts(labels, skipped, len(palette_din))
        rare = entry_to_drop(use, len(self.options.locked))
        if rare is None:
            return labels
        moved = np.flatnonzero(cell_entry == rare)
        others = np.delete(np.arange(len(palette_din)), rare)
        cell_entry[moved] = others[assign(frame.cell_din[moved], palette_din[others])]
        return np.take(cell_entry.astype(np.uint8), frame.cells.index)


def stepper(k: int, options: QuantizeOptions, knobs: StableKnobs) -> HeldPixels | StickyEntries:
    """The stable mode's stepper for ``k`` colours: with the hold, or without it."""
    return (HeldPixels if knobs.holds(k) else StickyEntries)(k, options, knobs)


def stable_results(frames: Iterable[tuple[np.ndarray, np.ndarray | None]], k: int,
                   options: QuantizeOptions, knobs: StableKnobs) -> Iterator[QuantizeResult]:
    """Quantize ``(frame, alpha)`` pairs in the ``"stable"`` mode, one at a time.

    Each frame is prepared a frame ahead on a second thread while the step
    (which depends on what came before) runs on this one.
    """
    steps = stepper(k, options, knobs)
    prepared = prefetched(lambda pair: steps.prepare(*pair), frames)
    # One BLAS thread: two threads already share the cores, and the products here
    # (colour conversions, nearest entries) are too small to gain from more.
    with blas_threads(1):
        for frame in prepared:
            yield steps.step(frame)


def sticky_labels(
    row_colors: np.ndarray,
    row_of_pixel: np.ndarray,
    palette: np.ndarray,
    previous: np.ndarray | None,
    margin: float,
) -> np.ndarray:
    """Nearest palette entry of every pixel, with hysteresis against the previous labels.

    A pixel keeps its previous entry while that entry is at most ``margin``
    farther from its colour than the nearest entry; otherwise it takes the
    nearest. So a pixel's error grows by at most ``margin``, and pixels
    whose colour sits near a boundary between two entries stop toggling.

    Parameters
    ----------
    row_colors : ndarray, shape (n, 3)
        Colour of each histogram row in a perceptual space (DIN99o in the
        ``"stable"`` mode, or CIELAB).
    row_of_pixel : ndarray of int, shape (P,)
        Row of every pixel.
    palette : ndarray, shape (k, 3)
        Colour of each palette entry in that space (as shown, after rounding).
    previous : ndarray of int, shape (P,), or None
        Labels of the previous frame (same palette order), or ``None``.
    margin : float
        A distance in that space; 0 gives plain nearest-entry labels.

    Returns
    -------
    ndarray of uint8, shape (P,)
    """
    nearest = assign(row_colors, palette)
    labels = np.take(nearest, row_of_pixel)
    if previous is None or margin <= 0:
        return labels.astype(np.uint8)
    row_best = np.linalg.norm(row_colors - palette[nearest], axis=1)
    best = np.take(row_best, row_of_pixel)
    # The previous entry's distance, pixel by pixel (float32: a few MB at 1080p).
    diff = np.take(row_colors.astype(np.float32), row_of_pixel, axis=0)
    diff -= np.take(palette.astype(np.float32), previous, axis=0)
    kept = np.sqrt(np.einsum("pd,pd->p", diff, diff)) <= best + margin
    return np.where(kept, previous, labels).astype(np.uint8)


def _din(rgb: np.ndarray) -> np.ndarray:
    return to_space(rgb, "din99o").astype(np.float32)
