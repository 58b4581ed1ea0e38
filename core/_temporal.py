"""Temporal tools that keep an animation's colours steady from frame to frame.

The ``"stable"`` mode of :func:`core.quantize_frames` is built from these:

- :func:`is_cut` finds scene cuts (a jump in the coarse colour histogram),
  where the palette is fitted afresh;
- :func:`moved_centers` keeps each palette entry exactly where it was unless
  its cluster's centre really moved (a dead band in ΔE), so static regions do
  not change shade when the palette drifts a little;
- :func:`geometric_medians` refines centres from the previous frame's towards
  the minimum of the mean colour error;
- :func:`sticky_labels` lets a pixel keep the entry it had in the previous
  frame unless another entry is clearly closer (hysteresis), so pixels on a
  boundary between two colours stop toggling;
- :func:`match_order` reorders a palette to follow the previous one (an
  assignment problem), so indices, swatches and palette timelines do not
  shuffle;
- :func:`hold_pixels` lets a still pixel keep showing exactly what it showed
  while its source stays near the colour it was written for, or what it
  shows is nearly as good as the best entry now (the hold), so codec noise
  and grain do not make still areas crawl.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from core._cluster import assign
from core._validation import check_frames, check_range, opaque_mask

#: Bits per channel of the coarse histogram that cut detection compares.
CUT_BITS = 3
#: Smallest distance used in a Weiszfeld weight (half a ΔE76 in CIELAB).
WEISZFELD_FLOOR = 0.5


def coarse_histogram(image: np.ndarray, opaque: np.ndarray | None = None) -> np.ndarray:
    """Normalised histogram of an RGB image over ``2**(3*CUT_BITS)`` (512) bins.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
    opaque : ndarray of bool, shape (H, W), optional
        Only these pixels count.

    Returns
    -------
    ndarray, shape (512,), float64, summing to 1 (all zeros if no pixel counts).
    """
    shift = 8 - CUT_BITS
    p = image.reshape(-1, 3)
    if opaque is not None:
        p = p[opaque.reshape(-1)]
    b = p.astype(np.uint16) >> shift
    bins = (b[:, 0] << (2 * CUT_BITS)) | (b[:, 1] << CUT_BITS) | b[:, 2]
    h = np.bincount(bins, minlength=1 << (3 * CUT_BITS)).astype(np.float64)
    total = h.sum()
    return h / total if total else h


def histogram_change(a: np.ndarray, b: np.ndarray) -> float:
    """Total-variation distance between two normalised histograms, 0 (same) to 1 (disjoint).

    Half the L1 distance: the share of pixels that would have to change bin
    to turn one histogram into the other.
    """
    return 0.5 * float(np.abs(a - b).sum())


def is_cut(previous: np.ndarray, current: np.ndarray, threshold: float) -> bool:
    """True when ``current`` starts a new scene after ``previous``.

    The one rule for a scene cut: the :func:`histogram_change` between the
    two frames' :func:`coarse_histogram` exceeds ``threshold``. The
    ``"stable"`` mode calls this frame by frame; :func:`scene_cuts` over a
    whole clip.
    """
    return histogram_change(previous, current) > threshold


def scene_cuts(frames, threshold: float, alphas=None) -> list[int]:
    """Indices of the frames that start a new scene (by :func:`is_cut`).

    Frame 0 is not listed. Only one histogram (512 floats) per frame is kept.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
    threshold : float
        0 to 1; see :data:`core._sequence.CUT_THRESHOLD` for the default the
        ``"stable"`` mode uses.
    alphas : sequence of ndarray or None, optional
        Pixels with alpha below 128 (or False) do not count.

    Returns
    -------
    list of int
    """
    threshold = check_range("threshold", threshold, 0.0, 1.0)
    frames, alphas = check_frames(frames, alphas)
    cuts, prev = [], None
    for t, (frame, alpha) in enumerate(zip(frames, alphas)):
        h = coarse_histogram(frame, opaque_mask(alpha, frame.shape[:2]))
        if prev is not None and is_cut(prev, h, threshold):
            cuts.append(t)
        prev = h
    return cuts


def match_order(previous: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Permutation of ``centers`` that best follows ``previous`` (same space).

    Solves the assignment problem on squared distances, so that entry ``i``
    of ``centers[order]`` is the one closest, overall, to ``previous[i]``.

    Parameters
    ----------
    previous, centers : ndarray, shape (k, d)

    Returns
    -------
    order : ndarray of int, shape (k,)

    References
    ----------
    Kuhn, H. W. (1955). The Hungarian method for the assignment problem.
    Naval Research Logistics Quarterly 2(1-2). (SciPy solves it with the
    shortest augmenting path method of Crouse, D. F. (2016). On implementing
    2D rectangular assignment algorithms. IEEE TAES 52(4).)
    """
    cost = ((previous[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    rows, cols = linear_sum_assignment(cost)
    order = np.empty(len(previous), dtype=np.intp)
    order[rows] = cols
    return order


def moved_centers(held: np.ndarray, fitted: np.ndarray, dead_band: float) -> np.ndarray:
    """Which palette entries must move: their fitted centre left the dead band.

    Centre damping as a dead band: an entry shown in the previous frame keeps
    its exact colour until this frame's fitted centre is more than
    ``dead_band`` ΔE76 away, then jumps to the centre. Small drifts, which
    make whole static regions change shade every frame, are not shown; moving
    only part of the way (an exponential filter) was measured and flickers
    3-4x more, because then every entry moves a little in every frame.

    Parameters
    ----------
    held : ndarray, shape (k, 3)
        The centres shown in the previous frame, in CIELAB.
    fitted : ndarray, shape (k, 3)
        This frame's fitted centres, in CIELAB, in the same order.
    dead_band : float
        ΔE76; 0 moves every entry that changed at all.

    Returns
    -------
    ndarray of bool, shape (k,)
    """
    return np.linalg.norm(fitted - held, axis=1) > dead_band


def geometric_medians(
    X: np.ndarray, w: np.ndarray, centers: np.ndarray, steps: int, tol: float = 0.0
) -> np.ndarray:
    """Refine cluster centres towards weighted geometric medians (k-medians, Euclidean).

    Alternates assigning every sample to its nearest centre with one
    Weiszfeld step per cluster, ``c = sum(w_i x_i / d_i) / sum(w_i / d_i)``
    with ``d_i = |x_i - c|``. This lowers the weighted *mean distance*
    ``sum w_i |x_i - c(i)| / sum w_i`` (mean ΔE76 in CIELAB), where k-means
    lowers the mean *squared* distance: the mean error that a viewer (and
    ΔE2000) sees is smaller. A cluster left without samples keeps its centre.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    w : ndarray, shape (n,)
    centers : ndarray, shape (k, d)
        Where to start (e.g. the previous frame's centres, or k-means).
    steps : int
        Assignment + Weiszfeld rounds at most; stops early when nothing moves.
    tol : float
        Also stop once a round lowers the weighted mean distance by less than
        this share of it (0: only the rounds' count and a standstill stop).

    Returns
    -------
    ndarray, shape (k, d)

    References
    ----------
    Weiszfeld, E. (1937). Sur le point pour lequel la somme des distances de
    n points donnés est minimum. Tohoku Mathematical Journal 43.
    Vardi, Y. and Zhang, C.-H. (2000). The multivariate L1-median and
    associated data depth. PNAS 97(4).
    """
    C = np.array(centers, dtype=np.float64)
    k = len(C)
    error = np.inf
    for _ in range(steps):
        lab = assign(X, C)
        d = np.linalg.norm(X - C[lab], axis=1)
        if tol > 0:
            before, error = error, float(np.dot(w, d))
            if before - error < tol * before:
                break
        # A floor on d keeps a sample that sits on its centre from taking all the weight.
        ww = w / np.maximum(d, WEISZFELD_FLOOR)
        total = np.bincount(lab, weights=ww, minlength=k)
        sums = np.column_stack(
            [np.bincount(lab, weights=ww * X[:, j], minlength=k) for j in range(X.shape[1])]
        )
        alive = total > 0
        new = C.copy()
        new[alive] = sums[alive] / total[alive, None]
        done = np.abs(new - C).max() < 1e-3
        C = new
        if done:
            break
    return C


def sticky_labels(
    row_lab: np.ndarray,
    row_of_pixel: np.ndarray,
    palette_lab: np.ndarray,
    previous: np.ndarray,
    margin: float,
) -> np.ndarray:
    """Nearest palette entry of every pixel, with hysteresis against the previous labels.

    A pixel keeps its previous entry while that entry is at most ``margin``
    farther from its colour than the nearest entry; otherwise it takes the
    nearest. So a pixel's error grows by at most ``margin``, and pixels
    whose colour sits near a boundary between two entries stop toggling.

    Parameters
    ----------
    row_lab : ndarray, shape (n, 3)
        Colour of each histogram row in a perceptual space (CIELAB, or the
        ``"stable"`` mode's DIN99o).
    row_of_pixel : ndarray of int, shape (P,)
        Row of every pixel.
    palette_lab : ndarray, shape (k, 3)
        Colour of each palette entry in that space (as shown, after rounding).
    previous : ndarray of int, shape (P,), or None
        Labels of the previous frame (same palette order), or ``None``.
    margin : float
        A distance in that space; 0 gives plain nearest-entry labels.

    Returns
    -------
    ndarray of uint8, shape (P,)
    """
    nearest = assign(row_lab, palette_lab)
    labels = np.take(nearest, row_of_pixel)
    if previous is None or margin <= 0:
        return labels.astype(np.uint8)
    row_best = np.linalg.norm(row_lab - palette_lab[nearest], axis=1)
    best = np.take(row_best, row_of_pixel)
    # The previous entry's distance, pixel by pixel (float32: a few MB at 1080p).
    diff = np.take(row_lab.astype(np.float32), row_of_pixel, axis=0)
    diff -= np.take(palette_lab.astype(np.float32), previous, axis=0)
    kept = np.sqrt(np.einsum("pd,pd->p", diff, diff)) <= best + margin
    return np.where(kept, previous, labels).astype(np.uint8)



def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between two colour images stored channel first, pixel by pixel.

    Parameters
    ----------
    a, b : ndarray, shape (3, ...)
        Three planes each (one per channel), e.g. (3, H*W).

    Returns
    -------
    ndarray, shape (...)
    """
    out = np.subtract(a[0], b[0])
    out *= out
    for c in (1, 2):
        d = np.subtract(a[c], b[c])
        d *= d
        out += d
    return np.sqrt(out, out=out)


def hold_pixels(
    source: np.ndarray,
    before,
    excess: np.ndarray,
    hold: float,
    margin: float,
    motion: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Which pixels keep showing what they showed in the previous frame.

    A pixel holds while it is still and either

    - its source stays within ``hold`` of its *reference*, the colour it had
      when the pixel was last written (a per-pixel reference, not the previous
      frame's colour: a slow fade drifts away from it and is drawn); or
    - what it shows is at most ``margin`` farther from its source than the
      nearest entry of this frame's palette (hysteresis on the colour shown,
      whatever palette it came from).

    Both allowances shrink linearly with the pixel's change since the
    previous frame, to nothing at ``motion``: a moving pixel takes its best
    colour at once (motion masks the change), while noise and grain on a
    still area, which move a pixel a little in every frame, are held.

    Parameters
    ----------
    source : ndarray, shape (3, N), float32
        Source colour of every pixel of this frame, channel first, in a
        perceptual space (the ``"stable"`` mode uses DIN99o).
    before : HoldState
        Reference, shown and source colours from the previous frame, in the
        same space and layout (NaN where transparent, which never holds).
    excess : ndarray, shape (N,)
        How much farther from its source what the pixel shows is than the
        entry it would get now.
    hold, margin, motion : float
        Distances in that space.

    Returns
    -------
    held : ndarray of bool, shape (N,)
    anchored : ndarray of bool, shape (N,)
        Held by the first rule: these keep their reference; the others
        (written, or held by the second rule) take this frame's colour as
        their new reference.
    """
    still = distance(source, before.source)
    still *= np.float32(-1.0 / motion)
    still += 1.0
    np.clip(still, 0.0, 1.0, out=still)
    # NaN (a pixel that was transparent) compares False everywhere below.
    anchored = distance(source, before.reference) <= np.float32(hold) * still
    still *= np.float32(margin)
    held = anchored | (excess <= still)
    return held, anchored
