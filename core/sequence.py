"""Quantize every frame of an animation, with three ways of keeping colours steady.

- ``"independent"``: each frame is clustered from its own initialisation;
  with random init the palette jumps from frame to frame (flicker).
- ``"seeded"``: the first frame from its init, every later frame starting from
  the previous frame's centres, so the palette follows the scene slowly.
- ``"global"``: one palette fitted to the colours of all frames together.

Only one frame's histogram and float arrays are alive at a time (``"global"``
keeps every frame's small histogram rows, not its pixels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from core.cluster import check_choice, fit_centers
from core.colorspace import to_space
from core.histogram import color_histogram, merge_histograms
from core.quantize import (
    QuantizeOptions,
    QuantizeResult,
    check_image,
    check_k,
    clustering_weights,
    opaque_mask,
    palette_from,
    quantize_with,
)

MODES = ("independent", "seeded", "global")
#: What the app calls each mode.
MODE_LABELS = {
    "independent": "Independent (each frame on its own)",
    "seeded": "Seeded (from the previous frame)",
    "global": "Global palette (one for all frames)",
}

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
) -> list[QuantizeResult]:
    """Quantize a sequence of frames to ``k`` colours each.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
    k : int
    mode : {"independent", "seeded", "global"}
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

    Returns
    -------
    list of QuantizeResult
        One per frame.

    Raises
    ------
    ValueError
        For an unknown mode or option, frames of different sizes, or no frames.
    """
    check_choice("mode", mode, MODES)
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
        centers = fit_centers(
            X,
            w,
            k,
            metric=options.metric,
            algorithm=options.algorithm,
            init=options.init,
            seed=options.seed,
        )
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
