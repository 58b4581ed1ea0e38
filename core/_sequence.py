"""Quantize every frame of an animation, in one of four ways of keeping colours steady.

- ``"independent"``: each frame is clustered from its own initialisation;
  with random init the palette jumps from frame to frame (flicker).
- ``"seeded"``: the first frame from its init, every later frame starting from
  the previous frame's centres, so the palette follows the scene slowly.
- ``"global"``: one palette fitted to the colours of all frames together.
- ``"stable"``: a palette per frame, and what is still on screen stays still
  (:mod:`core._stable`).

Locked colours (``locked=``) are the first palette entries of every frame in
every mode, exactly.

Frames are processed one at a time (:func:`iter_quantized`), so a caller that
decodes and writes as it goes (:func:`core.convert`) holds one frame, not the
clip; ``"global"`` first gathers every frame's colours (:func:`global_centers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace

import numpy as np

from core._fixed import mapped_frames
from core._histogram import MERGE_ROWS, color_histogram, pooled_rows
from core._quantize import (
    QuantizeOptions,
    check_k,
    clustering_weights,
    map_to_centers,
    quantize_with,
)
from core._result import QuantizeResult
from core._stable import (
    CUT_THRESHOLD,
    DAMPING,
    HOLD,
    HYSTERESIS,
    StableKnobs,
    stable_results,
)
from core._validation import check_choice, check_frames, check_locked_fits, opaque_mask
from core.colorspace import to_space

MODES = ("independent", "seeded", "global", "stable")

Pairs = Iterable[tuple[np.ndarray, np.ndarray | None]]
Progress = Callable[[int, int], None]


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
    locked_rule: str = "nearest",
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
    space, metric, algorithm, init, seed, min_lightness, max_lightness, locked, locked_rule
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
        space, metric, algorithm, init, seed, min_lightness, max_lightness, locked, locked_rule
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
    knobs: StableKnobs | None = None,
    centers: np.ndarray | None = None,
) -> Iterator[QuantizeResult]:
    """Quantize ``(frame, alpha)`` pairs one at a time, as they come.

    Parameters
    ----------
    frames : iterable of (ndarray (H, W, 3) uint8, alpha or None)
        Consumed lazily: only the current frame is held (and, in
        ``"stable"`` mode, one frame prepared ahead and the stepper's memory
        of the previous frame: about 40 bytes a pixel).
    k : int
    mode : {"independent", "seeded", "global", "stable"}
    options : QuantizeOptions
    knobs : StableKnobs, optional
        The ``"stable"`` mode's knobs (their defaults when not given).
    centers : ndarray, shape (m, 3), optional
        The palette for ``"global"`` (from :func:`global_centers`), in
        ``options.space``; required for that mode, ignored by the others.

    Returns
    -------
    iterator of QuantizeResult
        The options are checked before any frame is taken.
    """
    check_choice("mode", mode, MODES)
    check_mode_options(mode, options)
    if mode == "global" and centers is None:
        raise ValueError("mode='global' needs the palette: pass centers=global_centers(...).")
    if options.by_lightness(k):
        own = iter_quantized(frames, k, mode, options.free(), knobs, centers)
        return mapped_frames(own, options.locked_rgb())
    if mode == "stable":
        return stable_results(frames, k, options, knobs or StableKnobs())
    if mode == "global":
        return _global(frames, options, centers)
    if mode == "seeded":
        return _seeded(frames, k, options)
    return _independent(frames, k, options)


def _independent(frames: Pairs, k: int, options: QuantizeOptions) -> Iterator[QuantizeResult]:
    # The naive loop: every frame from its own random start.
    for i, (frame, alpha) in enumerate(frames):
        yield quantize_with(frame, k, replace(options, seed=options.seed + i), alpha=alpha)


def _seeded(frames: Pairs, k: int, options: QuantizeOptions) -> Iterator[QuantizeResult]:
    previous = None
    for frame, alpha in frames:
        start = previous if previous is not None and len(previous) == k else None
        res = quantize_with(frame, k, options, init=start, alpha=alpha)
        previous = res.centers
        yield res


def _global(frames: Pairs, options: QuantizeOptions,
            centers: np.ndarray) -> Iterator[QuantizeResult]:
    for frame, alpha in frames:
        opaque = opaque_mask(alpha, frame.shape[:2])
        hist = color_histogram(frame, opaque)
        X = to_space(hist.colors, options.space)
        yield map_to_centers(hist, X, centers, options, frame.shape[:2], opaque)


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
    if options.by_lightness(k):
        options = options.free()  # the picture's own colours, painted in the locked ones later
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
