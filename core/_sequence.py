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
  frame's. See :mod:`core._temporal`.

Locked colours (``locked=``) are the first palette entries of every frame in
every mode, exactly; in ``"stable"`` they never move (refinement holds them,
and scene cuts reorder only the free entries).

Frames are processed one at a time (:func:`iter_quantized`), so a caller that
decodes and writes as it goes (:func:`core.convert`) holds one frame, not the
clip; ``"global"`` first gathers every frame's colours (:func:`global_centers`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from core import _temporal as temporal
from core._cluster import kmedians
from core._histogram import MERGE_ROWS, color_histogram, pooled_rows
from core._quantize import (
    QuantizeOptions,
    check_k,
    clustering_sample,
    clustering_weights,
    map_to_centers,
    palette_colors,
    quantize_with,
)
from core._result import QuantizeResult, result_from_labels
from core._validation import (
    check_choice,
    check_frames,
    check_locked_fits,
    check_range,
    opaque_mask,
)
from core.colorspace import from_space, to_space

MODES = ("independent", "seeded", "global", "stable")

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


@dataclass(frozen=True)
class StableKnobs:
    """The three knobs of the ``"stable"`` mode, checked when made.

    See :func:`core.quantize_frames` for their meaning.
    """

    hysteresis: float = HYSTERESIS
    damping: float = DAMPING
    cut_threshold: float = CUT_THRESHOLD

    def __post_init__(self):
        check_range("hysteresis", self.hysteresis, 0.0, MAX_DELTA_E_KNOB)
        check_range("damping", self.damping, 0.0, MAX_DELTA_E_KNOB)
        check_range("cut_threshold", self.cut_threshold, 0.0, 1.0)


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
        The frame's labels, for the next frame's hysteresis.
    """

    coarse: np.ndarray
    fitted: np.ndarray
    shown: np.ndarray
    labels: np.ndarray


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
        different sizes, no frames, ``mode="seeded"`` with
        ``algorithm="agglomerative"``, or more locked colours than ``k``.

    Notes
    -----
    The ``"stable"`` mode fits its centres in ``space`` with ``metric``, but
    decides which entry each pixel shows in CIELAB (ΔE76), whatever ``space``
    and ``metric`` say: hysteresis and damping are thresholds in ΔE, which
    only mean something there.
    """
    check_choice("mode", mode, MODES)
    knobs = StableKnobs(hysteresis, damping, cut_threshold)
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
        the previous frame's labels) is held.
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
    check_mode_options(mode, options)
    if mode == "global" and centers is None:
        raise ValueError("mode='global' needs the palette: pass centers=global_centers(...).")
    previous, state = None, None
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
        else:
            res, state = stable_step(frame, alpha, k, options, knobs, state)
            yield res


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


def stable_step(
    frame: np.ndarray,
    alpha: np.ndarray | None,
    k: int,
    options: QuantizeOptions,
    knobs: StableKnobs,
    state: StableState | None,
) -> tuple[QuantizeResult, StableState]:
    """Quantize one frame in the ``"stable"`` mode.

    Parameters
    ----------
    frame : ndarray, shape (H, W, 3), uint8
    alpha : ndarray, shape (H, W), or None
    k : int
    options : QuantizeOptions
    knobs : StableKnobs
    state : StableState or None
        What the previous frame left; ``None`` for the first frame.

    Returns
    -------
    result : QuantizeResult
    state : StableState
        To pass with the next frame.
    """
    opaque = opaque_mask(alpha, frame.shape[:2])
    coarse = temporal.coarse_histogram(frame, opaque)
    cut = (
        state is None
        or len(state.shown) != k
        or temporal.is_cut(state.coarse, coarse, knobs.cut_threshold)
    )
    hist = color_histogram(frame, opaque)
    X = to_space(hist.colors, options.space)
    w = clustering_weights(hist.colors, hist.weights, options)
    centers = options.exact_centers(X, w, k)
    if centers is None:
        Xc, wc = clustering_sample(hist.colors, X, w, options.space)
        if cut:
            # The same seed at every cut: a scene gets the palette it would get on its own.
            start, steps = options.fit(Xc, wc, k), 2 * STABLE_STEPS
        else:
            start, steps = state.fitted, STABLE_STEPS
        centers = _refine(Xc, wc, start, options.metric, steps, len(options.locked))
    if cut or len(centers) != len(state.shown):
        if state is not None and len(state.shown) == len(centers):
            # Across a cut, entry i still goes to the closest colour (steady swatches);
            # locked entries keep their places.
            n = len(options.locked)
            order = temporal.match_order(state.shown[n:], centers[n:])
            centers = np.concatenate([centers[:n], centers[n:][order]])
        shown, previous = centers, None
    else:
        lab_shown, lab_fitted = _lab(state.shown, options), _lab(centers, options)
        moved = temporal.moved_centers(lab_shown, lab_fitted, knobs.damping)
        shown, previous = np.where(moved[:, None], centers, state.shown), state.labels
    colors = palette_colors(shown, options)
    flat = temporal.sticky_labels(
        to_space(hist.colors, "lab"), hist.index, to_space(colors, "lab"), previous,
        knobs.hysteresis,
    )
    result = result_from_labels(
        colors, flat.reshape(frame.shape[:2]), shown, options.space, opaque
    )
    return result, StableState(coarse, centers, shown, flat)


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
        return temporal.geometric_medians(X, w, centers, steps)
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
