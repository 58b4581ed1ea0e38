"""Quantize every frame of an animation, with four ways of keeping colours steady.

- ``"independent"``: each frame is clustered from its own initialisation;
  with random init the palette jumps from frame to frame (flicker).
- ``"seeded"``: the first frame from its init, every later frame starting from
  the previous frame's centres, so the palette follows the scene slowly.
- ``"global"``: one palette fitted to the colours of all frames together.
- ``"stable"``: every frame gets its own fitted palette, as in ``"seeded"``,
  but what is still on screen stays still. A pixel *holds* (shows exactly
  what it showed in the previous frame, whatever this frame's palette) while
  its source stays within ``hold`` ΔE of the colour it had when last written,
  or while what it shows is at most ``hysteresis`` ΔE worse than the best
  entry now; both allowances shrink as the pixel moves, so motion is drawn at
  once and a slow fade still comes through. The palette is fitted to the
  pixels that what is on screen no longer shows well, so held areas keep their
  colours and the entries go where they are needed; an entry's colour holds
  still until its cluster really moved (``damping``), and the palette is
  fitted afresh at scene cuts (``cut_threshold``). Centres are geometric
  medians (they minimise the mean colour error, which is what ΔE measures),
  refined from the previous frame's. An entry the drawn pixels hardly use
  is given up when that shortens the frame's GIF codes (:func:`rare_entry`).
  See :mod:`core._temporal`.

Locked colours (``locked=``) are the first palette entries of every frame in
every mode, exactly; in ``"stable"`` they never move (refinement holds them,
and scene cuts reorder only the free entries).

Frames are processed one at a time (:func:`iter_quantized`), so a caller that
decodes and writes as it goes (:func:`core.convert`) holds one frame, not the
clip; ``"global"`` first gathers every frame's colours (:func:`global_centers`).
The ``"stable"`` mode carries a :class:`StableState` from frame to frame: the
previous output and three colours per pixel (:class:`HoldState`). What it
needs of a frame alone (its cells and their colours, :class:`StableFrame`) is
made a frame ahead on a second thread (:func:`made_ahead`), while the
previous frame goes through the step that depends on what came before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from core import _temporal as temporal
from core._cluster import assign, blas_threads, kmedians
from core._histogram import (
    MERGE_ROWS,
    ColorHistogram,
    PixelCells,
    color_histogram,
    pixel_cells,
    pooled_rows,
)
from core._quantize import (
    CLUSTER_ROWS,
    QuantizeOptions,
    check_k,
    clustering_sample,
    clustering_weights,
    map_to_centers,
    palette_colors,
    quantize_with,
)
from core._result import QuantizeResult, paint_words, result_from_labels, unpack_words
from core._validation import (
    check_choice,
    check_frames,
    check_locked_fits,
    check_range,
    opaque_mask,
)
from core.colorspace import din99o, from_space, to_space

MODES = ("independent", "seeded", "global", "stable")

#: Default ``hysteresis`` of the ``"stable"`` mode, ΔE99o: how much farther from its
#: source than the best entry a still pixel's colour may be before it changes.
HYSTERESIS = 3.5
#: Default ``damping`` of the ``"stable"`` mode: the dead band of an entry, ΔE76.
DAMPING = 2.0
#: Default ``cut_threshold``: share of pixels whose coarse colour bin changes.
#: The seed GIF's one cut scores 0.40; its other frame pairs 0.02-0.06.
CUT_THRESHOLD = 0.25
#: Default ``hold``, ΔE99o: how far a still pixel's source may stray from the colour
#: it had when last written. Codec noise moves a pixel of the shared clips by a
#: median 1.1-1.8 ΔE99o from one frame to the next (75th percentile 2.6-3.7).
HOLD = 2.5
#: Change since the previous frame (ΔE99o) from which a pixel counts as moving:
#: its ``hold`` and ``hysteresis`` shrink linearly to nothing there, so motion is
#: drawn at once (it masks the change) while noise on still areas is held.
MOTION = 9.0
#: The palette of a frame is fitted to the pixels shown more than this (ΔE99o)
#: away from their source (all pixels at the first frame and at cuts).
REFIT = 4.0
#: An entry used by at most this share of the pixels a frame draws is given up
#: when that makes the frame's GIF codes a bit shorter (:func:`rare_entry`).
RARE_SHARE = 0.004
#: Largest ``hysteresis``, ``damping`` and ``hold`` accepted, ΔE.
MAX_DELTA_E_KNOB = 20.0
#: Refinement steps per frame in the ``"stable"`` mode (from the previous frame's centres).
STABLE_STEPS = 10
#: ... and fewer once a step lowers the mean colour error by less than this share
#: of it: the next frame goes on from these centres. On the 1280x688 clip most
#: frames then take 3 steps, and the whole conversion 10% less time; mean
#: ΔE2000 on the shared clips moved by -0.007 to +0.015 at k=64, +0.03 to +0.06
#: at k=16.
REFINE_TOL = 1e-3
#: Pixels a block when gathering per-pixel colours into planes (:func:`_planes`).
PLANE_BLOCK = 1 << 16

Progress = Callable[[int, int], None]


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


@dataclass(frozen=True)
class HoldState:
    """Per-pixel memory of the ``"stable"`` mode's hold, carried to the next frame.

    Three DIN99o images (:func:`core.colorspace.din99o`), each an ndarray of
    shape (3, H*W), float32, channel first, NaN where the pixel was
    transparent (a NaN never holds): 10.6 MB each at 1280x688.

    Attributes
    ----------
    reference : ndarray
        The pixel's source colour when it was last written, or last found
        still well shown: a still pixel holds while its source stays near it.
    shown : ndarray
        The colour the pixel shows.
    source : ndarray
        The frame's source colour: the next frame's motion is measured from it.
    screen : ndarray of uint32, shape (H*W,)
        What the frame showed, as :func:`core._result.paint_words`' words:
        held pixels show it again.
    """

    reference: np.ndarray
    shown: np.ndarray
    source: np.ndarray
    screen: np.ndarray


@dataclass(frozen=True)
class StableState:
    """What the ``"stable"`` mode carries from one frame to the next.

    Attributes
    ----------
    coarse : ndarray, shape (512,)
        The frame's coarse colour histogram, to detect the next scene cut.
    fitted : ndarray, shape (k, 3)
        Centres fitted to the frame, in the options' space: the next fit
        starts from them.
    shown : ndarray, shape (k, 3)
        Centres the frame showed (damping may hold an entry at an older
        centre); the next frame's entries are compared with these.
    labels : ndarray of uint8, shape (H*W,)
        The frame's labels, for the next frame's hysteresis (without a hold).
    hold : HoldState or None
        The per-pixel colours of the hold; ``None`` when it is off.
    """

    coarse: np.ndarray
    fitted: np.ndarray
    shown: np.ndarray
    labels: np.ndarray
    hold: HoldState | None


def quantize_frames(
    frames: Sequence[np.ndarray],
    k: int,
    *,
    mode: str = "seeded",
    alphas: Sequence[np.ndarray | None] | None = None,
    progress: Progress | None = None,
    space: str = "lab",
    metric: str = "euclidean",
    algorithm: str = "kmeans",
    init: str = "k-means++",
    seed: int = 0,
    min_lightness: float | None = None,
    max_lightness: float | None = None,
    hysteresis: float = HYSTERESIS,
    damping: float = DAMPING,
    cut_threshold: float = CUT_THRESHOLD,
    hold: float = HOLD,
    locked=(),
) -> list[QuantizeResult]:
    """Quantize a sequence of frames to ``k`` colours each.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
    k : int
    mode : {"independent", "seeded", "global", "stable"}
        How frames share information; see the module docstring.
    alphas : sequence of ndarray or None, optional
        Per-frame alpha (``Media.alphas``); transparent pixels are not clustered.
    progress : callable(done, total), optional
        Called after each frame (and once before the first for ``"global"``'s
        fitting step), e.g. to move a progress bar.
    space, metric, algorithm, init, seed, min_lightness, max_lightness
        As in :func:`core.quantize`. ``init`` applies to every frame in
        ``"independent"`` mode and to the first frame in ``"seeded"`` mode.
        In ``"independent"`` mode frame ``i`` uses ``seed + i``, so random
        inits really differ between frames, as they would in a naive loop.
        In ``"stable"`` mode ``init`` and ``algorithm`` apply to the first
        frame and to each scene cut; between cuts centres are refined from
        the previous frame's. ``"seeded"`` needs an algorithm that starts
        from centres, so not ``"agglomerative"``.
    hysteresis : float
        ``"stable"`` only: a still pixel keeps the colour it showed in the
        previous frame while that colour is at most this much (ΔE99o, see
        Notes) farther from its source than the nearest entry of this
        frame's palette. The allowance shrinks as the pixel moves (to none
        at ``MOTION`` = 9 ΔE99o of change since the previous frame). With
        ``hold=0`` it applies to palette entries instead (a pixel keeps its
        previous entry). 0 to 20; default 3.5.
    hold : float
        ``"stable"`` only: a still pixel keeps the colour it showed while
        its source stays within this much (ΔE99o) of the colour it had when
        the pixel was last written; like ``hysteresis`` it shrinks as the
        pixel moves. Together they keep codec noise and grain from making
        still areas crawl, and a GIF stores only what moved. 0 turns the
        hold off (as does ``k=256``: a GIF frame then has no free entry to
        leave a pixel as it was). 0 to 20; default 2.5.
    damping : float
        ``"stable"`` only: a palette entry keeps its exact colour until its
        cluster's centre has moved more than this (ΔE76) away from it; then
        it jumps to the centre. 0 (follow every move) to 20; default 2.
    cut_threshold : float
        ``"stable"`` only: a frame whose coarse colour histogram differs from
        the previous one's by more than this share of pixels starts a new
        scene, and its palette is fitted afresh. 0 to 1; default 0.25
        (1 never cuts).

    Returns
    -------
    list of QuantizeResult
        One per frame.

    Raises
    ------
    ValueError
        For an unknown mode or option, a knob out of its range, frames of
        different sizes, no frames, ``mode="seeded"`` with
        ``algorithm="agglomerative"``, or more locked colours than ``k``.

    Notes
    -----
    The ``"stable"`` mode fits its centres in ``space`` with ``metric``, but
    picks each pixel's entry, and measures ``hold`` and ``hysteresis``, in
    DIN99o (ΔE99o: Euclidean distance there, which follows CIEDE2000, what
    a viewer sees), and ``damping`` in CIELAB (ΔE76), whatever ``space`` and
    ``metric`` say: they are thresholds in ΔE, which only mean something
    there. A held pixel shows a colour of an earlier frame's palette, so a
    frame may show more than ``k`` colours; ``QuantizeResult.held`` marks
    those pixels.
    """
    check_choice("mode", mode, MODES)
    knobs = StableKnobs(hysteresis, damping, cut_threshold, hold)
    options = QuantizeOptions(
        space, metric, algorithm, init, seed, min_lightness, max_lightness, locked
    )
    k = check_k(k)
    check_locked_fits(options.locked, k)
    check_mode_options(mode, options)
    frames, alphas = check_frames(frames, alphas)
    report = progress or (lambda done, total: None)
    pairs = list(zip(frames, alphas))
    centers = None
    if mode == "global":
        report(0, len(frames))
        centers = global_centers(pairs, k, options)
    results = []
    for i, res in enumerate(iter_quantized(pairs, k, mode, options, knobs, centers)):
        results.append(res)
        report(i + 1, len(frames))
    return results


def check_mode_options(mode: str, options: QuantizeOptions) -> None:
    """Refuse ``mode="seeded"`` with Ward, which has no starting centres to seed."""
    if mode == "seeded" and options.algorithm == "agglomerative":
        raise ValueError(
            "mode='seeded' starts each frame from the previous frame's centres, but "
            "algorithm='agglomerative' (Ward) merges colours and cannot start from centres; "
            "use algorithm='kmeans' or 'minibatch', or mode='stable'."
        )


def iter_quantized(
    frames: Iterable[tuple[np.ndarray, np.ndarray | None]],
    k: int,
    mode: str,
    options: QuantizeOptions,
    knobs: StableKnobs = StableKnobs(),
    centers: np.ndarray | None = None,
) -> Iterator[QuantizeResult]:
    """Quantize ``(frame, alpha)`` pairs one at a time, as they come.

    Parameters
    ----------
    frames : iterable of (ndarray (H, W, 3) uint8, alpha or None)
        Consumed lazily: only the current frame (and, in ``"stable"`` mode,
        a :class:`StableState`: the previous output, labels and
        :class:`HoldState`, about 40 bytes a pixel) is held.
    k : int
    mode : {"independent", "seeded", "global", "stable"}
    options : QuantizeOptions
    knobs : StableKnobs
    centers : ndarray, shape (m, 3), optional
        The palette for ``"global"`` (from :func:`global_centers`), in
        ``options.space``; required for that mode, ignored by the others.

    Yields
    ------
    QuantizeResult
    """
    check_choice("mode", mode, MODES)
    check_mode_options(mode, options)
    if mode == "global" and centers is None:
        raise ValueError("mode='global' needs the palette: pass centers=global_centers(...).")
    if mode == "stable":
        yield from _stable_results(frames, k, options, knobs)
        return
    previous = None
    for i, (frame, alpha) in enumerate(frames):
        if mode == "independent":
            # The naive loop: every frame from its own random start.
            frame_options = replace(options, seed=options.seed + i)
            yield quantize_with(frame, k, frame_options, alpha=alpha)
        elif mode == "seeded":
            start = previous if previous is not None and len(previous) == k else None
            res = quantize_with(frame, k, options, init=start, alpha=alpha)
            previous = res.centers
            yield res
        elif mode == "global":
            opaque = opaque_mask(alpha, frame.shape[:2])
            hist = color_histogram(frame, opaque)
            X = to_space(hist.colors, options.space)
            yield map_to_centers(hist, X, centers, options, frame.shape[:2], opaque)


def _stable_results(frames, k: int, options: QuantizeOptions, knobs: StableKnobs):
    state = None
    prepared = made_ahead(lambda pair: StableFrame.of(pair[0], pair[1], k, knobs), frames)
    # One BLAS thread: two threads already share the cores, and the products here
    # (colour conversions, nearest entries) are too small to gain from more.
    with blas_threads(1):
        for frame in prepared:
            res, state = stable_step(frame, k, options, knobs, state)
            yield res


def made_ahead(make: Callable, items: Iterable) -> Iterator:
    """``make(item)`` for every item, in order, each taken and made ahead on a second thread.

    While the caller works on one result the next item is taken (a decoded
    frame) and made (numpy releases the GIL, so on two cores the two
    overlap). If ``items`` breaks off with an error, the result made before
    it is given first, then the error raised.

    Parameters
    ----------
    make : callable(item)
    items : iterable
        Consumed one item ahead of the results given, on the second thread.

    Yields
    ------
    make(item)
    """
    source = iter(items)
    end = object()

    def take_and_make():
        item = next(source, end)
        return end if item is end else make(item)

    with ThreadPoolExecutor(max_workers=1) as pool:
        ahead = pool.submit(take_and_make)
        while True:
            made = ahead.result()
            if made is end:
                return
            ahead = pool.submit(take_and_make)
            yield made


def global_centers(
    frames: Iterable[tuple[np.ndarray, np.ndarray | None]], k: int, options: QuantizeOptions
) -> np.ndarray:
    """One palette for all frames, fitted to the colours of all of them.

    Each frame's histogram rows are added to a pool that is folded into 5-bit
    bins whenever it passes ``MERGE_ROWS`` rows, so memory stays bounded
    however many frames stream by (300 photo frames hold millions of colours).

    Parameters
    ----------
    frames : iterable of (frame, alpha)
    k : int
    options : QuantizeOptions

    Returns
    -------
    ndarray, shape (m, 3), m <= k
        Centres in ``options.space``.
    """
    parts = []
    for frame, alpha in frames:
        hist = color_histogram(frame, opaque_mask(alpha, frame.shape[:2]))
        parts.append((hist.colors, hist.weights))
        if sum(len(c) for c, _ in parts) > MERGE_ROWS:
            parts = [pooled_rows(parts, MERGE_ROWS)]
    if not parts:
        raise ValueError("frames is empty.")
    colors, weights = pooled_rows(parts, MERGE_ROWS)
    X = to_space(colors, options.space)
    w = clustering_weights(colors, weights, options)
    return options.palette_centers(colors, X, w, k)


@dataclass(frozen=True)
class StableFrame:
    """What the ``"stable"`` mode needs of one frame that does not depend on earlier frames.

    Made by :meth:`of`, ahead of time on a second thread (:func:`made_ahead`).

    Attributes
    ----------
    shape : (int, int)
        (H, W) of the frame.
    opaque : ndarray of bool, shape (H, W), or None
    coarse : ndarray, shape (512,)
        Coarse colour histogram, for cut detection.
    rows, weights : ndarray, shapes (n, 3) and (n,)
        Weighted sRGB colour rows to fit the palette to.
    hist : ColorHistogram or None
        The frame's histogram, without the hold (entries per row, hysteresis
        on labels).
    cells : PixelCells or None
        The frame's cells, with the hold (entries per cell, per-pixel hold).
    cell_lab : ndarray, shape (m, 3), or None
        Each cell's colour in CIELAB.
    cell_din : ndarray, shape (m, 3), float32, or None
        Each cell's colour in DIN99o.
    source : ndarray, shape (3, H*W), float32, or None
        Every pixel's colour in DIN99o (its cell's), channel first.
    """

    shape: tuple[int, int]
    opaque: np.ndarray | None
    coarse: np.ndarray
    rows: np.ndarray
    weights: np.ndarray
    hist: ColorHistogram | None = None
    cells: PixelCells | None = None
    cell_lab: np.ndarray | None = None
    cell_din: np.ndarray | None = None
    source: np.ndarray | None = None

    @classmethod
    def of(cls, frame: np.ndarray, alpha: np.ndarray | None, k: int,
           knobs: StableKnobs) -> StableFrame:
        """Prepare ``frame`` (with its ``alpha``) for :func:`stable_step`."""
        shape = frame.shape[:2]
        opaque = opaque_mask(alpha, shape)
        if not _holding(k, knobs):
            hist = color_histogram(frame, opaque)
            coarse = temporal.coarse_histogram(frame, opaque)
            return cls(shape, opaque, coarse, hist.colors, hist.weights, hist=hist)
        cells = pixel_cells(frame, opaque)
        # float32 CIELAB: half the time of float64 on 60 k cells, and DIN99o is float32 anyway.
        lab = to_space(cells.colors, "lab", dtype=np.float32)
        cell_din = _din_of_lab(lab)
        cell_lab = lab.astype(np.float64)
        return cls(shape, opaque, cells.coarse(temporal.CUT_BITS), cells.colors, cells.counts,
                   cells=cells, cell_lab=cell_lab, cell_din=cell_din,
                   source=_planes(cell_din, cells.index))


def _holding(k: int, knobs: StableKnobs) -> bool:
    # A held pixel needs a free GIF palette entry to show an earlier colour (k <= 255).
    return knobs.hold > 0 and k < 256


def stable_step(
    frame: StableFrame,
    k: int,
    options: QuantizeOptions,
    knobs: StableKnobs,
    state: StableState | None,
) -> tuple[QuantizeResult, StableState]:
    """Quantize one frame in the ``"stable"`` mode.

    Parameters
    ----------
    frame : StableFrame
        The frame, prepared (:meth:`StableFrame.of`).
    k : int
    options : QuantizeOptions
    knobs : StableKnobs
    state : StableState or None
        What the previous frame left; ``None`` for the first frame. Its hold
        planes are reused for the new state (rewritten where pixels change,
        saving two 10 MB copies a 1280x688 frame): pass each state once.

    Returns
    -------
    result : QuantizeResult
    state : StableState
        To pass with the next frame.
    """
    cells, opaque, weights = frame.cells, frame.opaque, frame.weights
    cut = (
        state is None
        or len(state.shown) != k
        or temporal.is_cut(state.coarse, frame.coarse, knobs.cut_threshold)
    )
    # Made with the hold (StableFrame.of) or without; the previous frame was made alike.
    before = state.hold if state is not None and cells is not None else None
    if before is not None:
        on_screen = temporal.distance(frame.source, before.shown)
        if not cut:
            weights = _needy_weights(cells, on_screen, opaque)
    if before is not None and not cut and not weights.any():
        # Everything is still shown well: nothing to fit.
        centers, shown = state.fitted, state.shown
    else:
        # The cells' colours are at hand in CIELAB and DIN99o.
        at_hand = {"lab": frame.cell_lab, "din99o": frame.cell_din}.get(options.space)
        centers = _fit(frame.rows, weights, k, options, None if cut else state, at_hand, cells)
        centers, shown = _damped(centers, cut, state, options, knobs)
    colors = palette_colors(shown, options)
    palette_din = _din(colors)
    if cells is None:
        hist = frame.hist
        flat = temporal.sticky_labels(
            _din(hist.colors), hist.index, palette_din,
            None if cut or state is None or len(state.shown) != len(shown) else state.labels,
            knobs.hysteresis,
        )
        result = result_from_labels(colors, flat.reshape(frame.shape), shown, options.space, opaque)
        return result, StableState(frame.coarse, centers, shown, flat, None)
    cell_din, source = frame.cell_din, frame.source
    cell_entry = assign(cell_din, palette_din)
    gap = cell_din - palette_din[cell_entry]
    cell_error = np.sqrt(np.einsum("ij,ij->i", gap, gap))

    reference, held = source, None
    if before is not None:
        # How much worse what is on screen shows each pixel than its entry now.
        on_screen -= np.take(cell_error, cells.index)
        held, anchored = temporal.hold_pixels(
            source, before, on_screen, knobs.hold, knobs.hysteresis, MOTION
        )
        if opaque is not None:
            held &= opaque.reshape(-1)
        if not held.any():
            held = None
    flat = np.take(cell_entry.astype(np.uint8), cells.index)
    if held is not None:
        drawn = ~held if opaque is None else ~held & opaque.reshape(-1)
        rare = rare_entry(flat[drawn], len(colors), len(options.locked))
        if rare is not None:
            # Its cells take their nearest other entry.
            moved = np.flatnonzero(cell_entry == rare)
            others = np.delete(np.arange(len(colors)), rare)
            cell_entry[moved] = others[assign(cell_din[moved], palette_din[others])]
            flat = np.take(cell_entry.astype(np.uint8), cells.index)
    entry_din = palette_din[cell_entry]
    counts = np.bincount(cell_entry, weights=cells.counts, minlength=len(colors))
    screen = paint_words(colors, flat)

    def fresh_at(pixels):
        return _planes(entry_din, cells.index if pixels is None else cells.index[pixels])

    if held is None:
        fresh = fresh_at(None)
    else:
        np.copyto(screen, before.screen, where=held)
        fresh = _kept(held, before.shown, fresh_at)
        reference = _kept(
            anchored & held, before.reference,
            lambda pixels: source.copy() if pixels is None else source[:, pixels],
        )
    if opaque is not None:
        hidden = ~opaque.reshape(-1)
        for planes in (reference, fresh, source):
            planes[:, hidden] = np.nan
    shape = frame.shape
    result = result_from_labels(
        colors, flat.reshape(shape), shown, options.space, opaque,
        counts if counts.any() else None, unpack_words(screen.reshape(shape)),
    )
    if held is not None:
        result = replace(result, held=held.reshape(shape))
    return result, StableState(
        frame.coarse, centers, shown, flat, HoldState(reference, fresh, source, screen)
    )


def rare_entry(drawn_labels: np.ndarray, k: int, locked: int = 0) -> int | None:
    """The palette entry a frame gives up so that its GIF codes are a bit shorter, or None.

    A frame that holds pixels needs a transparent index besides the entries its
    drawn pixels use, and the GIF's LZW codes start one bit wider than the
    table's size in bits (GIF89a specification, CompuServe 1990, appendix F):
    a frame drawing with 2**b entries plus the transparent index needs a table
    of 2**(b+1). One bit more a code costs 1.1-1.7% of a frame's LZW bytes on
    the shared clips. When the drawn pixels use a power of two (at least 4) of
    the entries and the least used of them covers at most ``RARE_SHARE`` of
    them, that entry is given up and its pixels take their next nearest entry.
    The share is of pixels, whatever k: the bit saves a share of the frame's
    bytes, and the colour error it costs grows with the pixels moved. Locked
    entries are never given up.

    Parameters
    ----------
    drawn_labels : ndarray of uint8
        The labels of the pixels the frame draws (not held, not transparent).
    k : int
        Entries in the palette.
    locked : int
        The first ``locked`` entries are locked colours.

    Returns
    -------
    int or None
        The entry to give up.
    """
    use = np.bincount(drawn_labels, minlength=k)
    used = int(np.count_nonzero(use))
    free = np.flatnonzero(use[locked:]) + locked
    if used < 4 or used & (used - 1) or free.size == 0:
        return None
    rare = int(free[np.argmin(use[free])])
    return rare if use[rare] <= RARE_SHARE * drawn_labels.size else None


def _kept(kept: np.ndarray, old: np.ndarray, new_at: Callable) -> np.ndarray:
    """Planes (3, N) that are ``old`` where ``kept``, and new at the other pixels.

    ``new_at(pixels)`` gives the new planes at those pixel indices, or at every
    pixel for ``None``. On still footage most pixels are kept: then ``old``
    itself is written over at the others and returned (the previous frame's
    state is not used again). In motion most are new: the new planes are
    made whole and the kept pixels copied in.
    """
    changed = np.flatnonzero(~kept)
    if 2 * changed.size < kept.size:
        old[:, changed] = new_at(changed)
        return old
    out = new_at(None)
    for c in range(out.shape[0]):
        np.copyto(out[c], old[c], where=kept)
    return out


def _planes(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Per-pixel colours ``table[index]`` as three contiguous planes, shape (3, N), float32.

    Each step of the hold then runs over one plane at a time (3x faster than
    over an (N, 3) array's rows). The rows are gathered whole, as 16-byte words
    (three float32 and a pad), which reads the index once rather than once a
    plane, and turned into planes a block at a time: 30% faster than three
    gathers, with a temporary of 1 MB.
    """
    rows = np.zeros((len(table), 4), dtype=np.float32)
    rows[:, :3] = table
    words = rows.view(np.complex128).reshape(-1)
    out = np.empty((3, index.size), dtype=np.float32)
    for start in range(0, index.size, PLANE_BLOCK):
        block = np.take(words, index[start : start + PLANE_BLOCK])
        out[:, start : start + PLANE_BLOCK] = block.view(np.float32).reshape(-1, 4)[:, :3].T
    return out


def _din(rgb: np.ndarray) -> np.ndarray:
    # Pixels' entries and the hold are decided in DIN99o, where distances follow
    # CIEDE2000 (what a viewer sees, and what the error is measured in).
    return to_space(rgb, "din99o").astype(np.float32)


def _din_of_lab(lab: np.ndarray) -> np.ndarray:
    return din99o(lab).astype(np.float32)


def _needy_weights(cells, on_screen: np.ndarray, opaque) -> np.ndarray:
    # The palette is fitted to the pixels that what is on screen shows more than
    # REFIT away from their source: held areas keep their colours from earlier
    # palettes, and this frame's entries go where they are needed.
    needy = on_screen > REFIT
    if opaque is not None:
        needy &= opaque.reshape(-1)
    # Counted as weights: gathering the needy pixels' cells first costs more.
    return np.bincount(cells.index, weights=needy, minlength=len(cells.codes))


def _fit(colors, weights, k: int, options: QuantizeOptions, state: StableState | None,
         X: np.ndarray | None = None, cells: PixelCells | None = None):
    """Centres for this frame: refined from the previous ones, or fitted afresh (a cut).

    ``X`` is ``colors`` in ``options.space`` when the caller has it; ``cells``
    are the frame's cells when ``colors`` are theirs (the hold), which pool
    into bins without sorting.
    """
    if X is None:
        X = to_space(colors, options.space)
    # Rows without weight (shown well, or only transparent pixels) take no part.
    w = clustering_weights(colors, weights, options)
    centers = options.exact_centers(X, w, k)
    # Between cuts the palette keeps k entries: a few pixels needing new colours
    # (the hold's weights) must not shrink it, which would count as a cut next frame.
    if centers is not None and (state is None or len(centers) == k):
        return centers
    if cells is not None and np.count_nonzero(w) > CLUSTER_ROWS:
        pooled, wc = cells.pooled(w)
        Xc = to_space(pooled, options.space)
    else:
        counted = w > 0
        Xc, wc = clustering_sample(colors[counted], X[counted], w[counted], options.space)
    if state is None:
        # The same seed at every cut: a scene gets the palette it would get on its own.
        return _refine(Xc, wc, options.fit(Xc, wc, k), options.metric, 2 * STABLE_STEPS,
                       len(options.locked))
    return _refine(Xc, wc, state.fitted, options.metric, STABLE_STEPS, len(options.locked))


def _damped(centers, cut: bool, state: StableState | None, options, knobs):
    """The fitted centres (reordered at a cut) and the centres shown (damped)."""
    if state is None or len(state.shown) != len(centers):
        return centers, centers
    if cut:
        # Across a cut, entry i still goes to the closest colour (steady swatches);
        # locked entries keep their places.
        n = len(options.locked)
        order = temporal.match_order(state.shown[n:], centers[n:])
        centers = np.concatenate([centers[:n], centers[n:][order]])
        return centers, centers
    lab_shown, lab_fitted = _lab(state.shown, options), _lab(centers, options)
    moved = temporal.moved_centers(lab_shown, lab_fitted, knobs.damping)
    return centers, np.where(moved[:, None], centers, state.shown)


def _lab(centers: np.ndarray, options: QuantizeOptions) -> np.ndarray:
    if options.space == "lab":
        return centers
    return to_space(from_space(centers, options.space), "lab")


def _refine(X, w, centers, metric: str, steps: int, frozen: int = 0) -> np.ndarray:
    # The stable mode's centres minimise the mean distance (geometric medians;
    # L1 medians for metric="manhattan") rather than the mean squared distance.
    # The first `frozen` centres (locked colours) never move.
    if metric == "manhattan":
        fixed = centers[:frozen] if frozen else None
        return kmedians(X, w, len(centers), centers, 0, max_iter=steps, fixed=fixed)
    if not frozen:
        return temporal.geometric_medians(X, w, centers, steps, REFINE_TOL)
    C = np.array(centers, dtype=np.float64)
    for _ in range(steps):
        # One Weiszfeld round at a time, putting the locked rows back after each.
        new = temporal.geometric_medians(X, w, C, 1)
        new[:frozen] = C[:frozen]
        done = np.abs(new - C).max() < 1e-3
        C = new
        if done:
            break
    return C
