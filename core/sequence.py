"""Quantize every frame of an animation, with four ways of keeping colours steady.

- ``"independent"``: each frame is clustered from its own initialisation;
  with random init the palette jumps from frame to frame (flicker).
- ``"seeded"``: the first frame from its init, every later frame starting from
  the previous frame's centres, so the palette follows the scene slowly.
- ``"global"``: one palette fitted to the colours of all frames together.
- ``"stable"``: every frame gets its own fitted palette, as in ``"seeded"``,
  but an entry's colour holds still until its cluster really moved
  (``damping``, in ΔE), a pixel keeps its entry unless another is clearly
  closer (``hysteresis``, in ΔE), and the palette is fitted afresh at scene
  cuts (``cut_threshold``). Centres are geometric medians (they minimise the
  mean colour error, which is what ΔE measures), refined from the previous
  frame's. See :mod:`core.temporal`. On the seed GIF this keeps the flicker
  of a global palette with the error of per-frame palettes
  (``bench/bench_temporal.py``).

Only one frame's histogram and float arrays are alive at a time (``"global"``
keeps every frame's small histogram rows, not its pixels; ``"stable"`` keeps
the previous frame's labels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core import temporal
from core.cluster import check_choice, kmedians
from core.colorspace import from_space, to_space, to_srgb8
from core.histogram import color_histogram, merge_histograms
from core.palette import Palette
from core.quantize import (
    QuantizeOptions,
    QuantizeResult,
    check_image,
    check_k,
    clustering_sample,
    clustering_weights,
    opaque_mask,
    paint,
    palette_from,
    quantize_with,
)

MODES = ("independent", "seeded", "global", "stable")
#: What the app calls each mode.
MODE_LABELS = {
    "independent": "Independent (each frame on its own)",
    "seeded": "Seeded (from the previous frame)",
    "global": "Global palette (one for all frames)",
    "stable": "Stable (per-frame palettes that hold still)",
}

#: Default ``hysteresis`` of the ``"stable"`` mode, ΔE76 (see ``bench/bench_temporal.py``).
HYSTERESIS = 1.0
#: Default ``damping`` of the ``"stable"`` mode: the dead band of an entry, ΔE76.
DAMPING = 2.0
#: Default ``cut_threshold``: share of pixels whose coarse colour bin changes.
#: The seed GIF's one cut scores 0.40; its other frame pairs 0.02-0.06.
CUT_THRESHOLD = 0.25
#: Largest ``hysteresis`` and ``damping`` accepted, ΔE76.
MAX_DELTA_E_KNOB = 20.0
#: Refinement steps per frame in the ``"stable"`` mode (from the previous frame's centres).
STABLE_STEPS = 10

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
        frame and to each scene cut.
    hysteresis : float
        ``"stable"`` only: a pixel keeps the palette entry it had in the
        previous frame while that entry is at most this much (ΔE76) farther
        from its colour than the nearest entry. 0 to 20; default 1.
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
        different sizes, or no frames.
    """
    check_choice("mode", mode, MODES)
    hysteresis = temporal.check_range("hysteresis", hysteresis, 0.0, MAX_DELTA_E_KNOB)
    damping = temporal.check_range("damping", damping, 0.0, MAX_DELTA_E_KNOB)
    cut_threshold = temporal.check_range("cut_threshold", cut_threshold, 0.0, 1.0)
    options = QuantizeOptions(space, metric, algorithm, init, seed, min_lightness, max_lightness)
    k = check_k(k)
    frames = list(frames)
    if not frames:
        raise ValueError("frames is empty.")
    alphas = [None] * len(frames) if alphas is None else list(alphas)
    if len(alphas) != len(frames):
        raise ValueError(f"{len(alphas)} alphas for {len(frames)} frames.")
    shape = check_image(frames[0]).shape
    for f in frames:
        if check_image(f).shape != shape:
            raise ValueError(f"all frames must have one shape; got {f.shape} and {shape}.")
    report = progress or (lambda done, total: None)
    if mode == "global":
        return _global(frames, alphas, k, options, report)
    if mode == "stable":
        knobs = (hysteresis, damping, cut_threshold)
        return _stable(frames, alphas, k, options, knobs, report)
    results, centers = [], None
    for i, (frame, alpha) in enumerate(zip(frames, alphas)):
        if mode == "independent":
            frame_options = QuantizeOptions(
                space, metric, algorithm, init, seed + i, min_lightness, max_lightness
            )
            res = quantize_with(frame, k, frame_options, alpha=alpha)
        else:
            start = centers if centers is not None and len(centers) == k else None
            res = quantize_with(frame, k, options, init=start, alpha=alpha)
            centers = res.centers
        results.append(res)
        report(i + 1, len(frames))
    return results


def _global(frames, alphas, k, options: QuantizeOptions, report: Progress):
    total = len(frames)
    report(0, total)
    hists = [color_histogram(f, opaque_mask(a, f.shape[:2])) for f, a in zip(frames, alphas)]
    colors, weights = merge_histograms(hists)
    X = to_space(colors, options.space)
    w = clustering_weights(colors, weights, options)
    n_colors = len(np.unique(colors[w > 0], axis=0))
    if n_colors <= k:
        centers = np.unique(X[w > 0], axis=0)
    else:
        Xc, wc = clustering_sample(colors, X, w, options.space)
        centers = options.fit(Xc, wc, k)
    results = []
    for i, (frame, alpha, hist) in enumerate(zip(frames, alphas, hists)):
        Xf = to_space(hist.colors, options.space)
        results.append(
            palette_from(
                hist, Xf, centers, options, frame.shape[:2], opaque_mask(alpha, frame.shape[:2])
            )
        )
        report(i + 1, total)
    return results


def _stable(frames, alphas, k, options: QuantizeOptions, knobs, report: Progress):
    hysteresis, damping, cut_threshold = knobs
    results = []
    # State carried from the previous frame: its coarse histogram, its fitted
    # centres (what the next fit starts from), the centres it showed, its labels.
    prev_hist = fitted = shown = prev_labels = None
    for i, (frame, alpha) in enumerate(zip(frames, alphas)):
        opaque = opaque_mask(alpha, frame.shape[:2])
        coarse = temporal.coarse_histogram(frame, opaque)
        cut = (
            shown is None
            or len(shown) != k
            or temporal.histogram_change(prev_hist, coarse) > cut_threshold
        )
        prev_hist = coarse
        hist = color_histogram(frame, opaque)
        X = to_space(hist.colors, options.space)
        w = clustering_weights(hist.colors, hist.weights, options)
        counted = w > 0
        Xc, wc = clustering_sample(hist.colors, X, w, options.space)
        if np.count_nonzero(counted) <= k:
            # No more colours than k: each colour is its own palette entry, exactly.
            centers = X[counted]
        elif cut:
            # The same seed at every cut: a scene gets the palette it would get on its own.
            centers = options.fit(Xc, wc, k)
            centers = _refine(Xc, wc, centers, options.metric, 2 * STABLE_STEPS)
        else:
            centers = _refine(Xc, wc, fitted, options.metric, STABLE_STEPS)
        if cut or len(centers) != len(shown):
            if shown is not None and len(shown) == len(centers):
                # Across a cut, entry i still goes to the closest colour (steady swatches).
                centers = centers[temporal.match_order(shown, centers)]
            display = centers
            previous = None
        else:
            moved = temporal.moved_centers(_lab(shown, options), _lab(centers, options), damping)
            display = np.where(moved[:, None], centers, shown)
            previous = prev_labels
        fitted, shown = centers, display
        colors = to_srgb8(from_space(display, options.space))
        flat = temporal.sticky_labels(
            to_space(hist.colors, "lab"), hist.index, to_space(colors, "lab"), previous, hysteresis
        )
        prev_labels = flat
        labels = flat.reshape(frame.shape[:2])
        counted_labels = flat if opaque is None or not opaque.any() else flat[opaque.reshape(-1)]
        counts = np.bincount(counted_labels, minlength=len(colors)).astype(np.float64)
        results.append(
            QuantizeResult(
                paint(colors, labels),
                labels,
                Palette(colors, counts / counts.sum()),
                display,
                options.space,
            )
        )
        report(i + 1, len(frames))
    return results


def _lab(centers: np.ndarray, options: QuantizeOptions) -> np.ndarray:
    if options.space == "lab":
        return centers
    return to_space(from_space(centers, options.space), "lab")


def _refine(X, w, centers, metric: str, steps: int) -> np.ndarray:
    # The stable mode's centres minimise the mean distance (geometric medians;
    # L1 medians for metric="manhattan") rather than the mean squared distance.
    if metric == "manhattan":
        return kmedians(X, w, len(centers), centers, 0, max_iter=steps)
    return temporal.geometric_medians(X, w, centers, steps)
