"""The ``"stable"`` mode's palette from frame to frame: fitted, refined, damped, ordered.

- :func:`fit_centers` gives a frame's centres: fitted afresh at the first
  frame and at scene cuts, otherwise refined from the previous frame's
  towards geometric medians (the minimum of the mean colour error, which is
  what ΔE measures), on the pixels that the screen no longer shows well
  (:func:`refit_weights`).
- :func:`continued` keeps the palette continuous: across a cut entry ``i``
  goes to the colour closest to the old entry ``i`` (:func:`match_order`);
  between cuts an entry keeps its exact colour until its cluster really moved
  (:func:`moved_centers`, a dead band), so still regions do not change shade.
- :func:`entry_to_drop` gives up an entry the drawn pixels hardly use when
  that shortens the frame's GIF codes.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy.optimize import linear_sum_assignment

from core._cluster import geometric_medians, kmedians
from core._histogram import PixelCells
from core._quantize import CLUSTER_ROWS, QuantizeOptions, clustering_sample, clustering_weights
from core.colorspace import from_space, to_space

#: Refinement rounds per frame between cuts (twice as many right after a cut).
REFINE_STEPS = 10
#: ... and fewer once a round lowers the mean colour error by less than this
#: share of it: the next frame goes on from these centres.
REFINE_TOL = 1e-3
#: The palette of a frame is fitted to the pixels shown more than this (ΔE99o)
#: away from their source (all pixels at the first frame and at cuts).
REFIT = 4.0
#: An entry used by at most this share of the pixels a frame draws is given up
#: when that makes the frame's GIF codes a bit shorter (:func:`entry_to_drop`).
RARE_SHARE = 0.004


def refit_weights(cells: PixelCells, off_screen: np.ndarray,
                  opaque: np.ndarray | None) -> np.ndarray:
    """Weight of every cell in the fit: its pixels that the screen shows more than REFIT off.

    Held areas keep their colours from earlier palettes, and this frame's
    entries go where they are needed.

    Parameters
    ----------
    cells : PixelCells
        The frame's cells.
    off_screen : ndarray, shape (N,)
        How far what every pixel shows is from its source (ΔE99o).
    opaque : ndarray of bool, shape (H, W), or None

    Returns
    -------
    ndarray, shape (m,)
        A weight per cell, 0 for cells shown well.
    """
    mask = np.empty(0, dtype=bool) if opaque is None else opaque.reshape(-1)
    return _counts_over(cells.index, off_screen, np.float32(REFIT), mask, len(cells.codes))


@njit(cache=True, nogil=True)
def _counts_over(index, values, threshold, opaque, m):
    # Per row of ``index``: its pixels whose value is over ``threshold`` (and
    # opaque, when the mask is not empty), as float64 like a weighted bincount.
    counts = np.zeros(m, dtype=np.float64)
    masked = opaque.shape[0] > 0
    for i in range(index.shape[0]):
        if values[i] > threshold and (not masked or opaque[i]):
            counts[index[i]] += 1.0
    return counts


def fit_centers(colors: np.ndarray, weights: np.ndarray, k: int, options: QuantizeOptions,
                previous: np.ndarray | None, X: np.ndarray | None = None,
                cells: PixelCells | None = None) -> np.ndarray:
    """Centres for this frame: refined from ``previous``, or fitted afresh (``None``: a cut).

    Parameters
    ----------
    colors : ndarray, shape (n, 3), uint8
        The frame's colour rows (histogram rows or cells).
    weights : ndarray, shape (n,)
        Their weights (rows without weight take no part).
    k : int
    options : QuantizeOptions
    previous : ndarray, shape (k, 3), or None
        The previous frame's fitted centres, in ``options.space``.
    X : ndarray, shape (n, 3), optional
        ``colors`` in ``options.space``, when the caller has it.
    cells : PixelCells, optional
        The frame's cells when ``colors`` are theirs: they pool into bins
        without sorting.

    Returns
    -------
    ndarray, shape (m, 3)
        In ``options.space``; ``m == k`` between cuts.
    """
    if X is None:
        X = to_space(colors, options.space)
    w = clustering_weights(colors, weights, options)
    centers = options.exact_centers(X, w, k)
    # Between cuts the palette keeps k entries: a few pixels needing new colours
    # must not shrink it, which would count as a cut next frame.
    if centers is not None and (previous is None or len(centers) == k):
        return centers
    if cells is not None and np.count_nonzero(w) > CLUSTER_ROWS:
        pooled, wc = cells.pooled(w)
        Xc = to_space(pooled, options.space)
    else:
        counted = w > 0
        Xc, wc = clustering_sample(colors[counted], X[counted], w[counted], options.space)
    locked = len(options.locked)
    if previous is None:
        # The same seed at every cut: a scene gets the palette it would get on its own.
        return _refined(Xc, wc, options.fit(Xc, wc, k), options.metric, 2 * REFINE_STEPS, locked)
    return _refined(Xc, wc, previous, options.metric, REFINE_STEPS, locked)


def _refined(X, w, centers, metric: str, steps: int, locked: int) -> np.ndarray:
    # Geometric medians (L1 medians for metric="manhattan") minimise the mean
    # distance rather than the mean squared distance. The first `locked`
    # centres never move.
    fixed = centers[:locked] if locked else None
    if metric == "manhattan":
        return kmedians(X, w, len(centers), centers, 0, max_iter=steps, fixed=fixed)
    # With locked colours the rounds run to a standstill: the error-based early
    # stop was measured without them.
    tol = 0.0 if locked else REFINE_TOL
    return geometric_medians(X, w, centers, steps, tol, fixed=fixed)


def continued(centers: np.ndarray, shown: np.ndarray | None, cut: bool,
              options: QuantizeOptions, dead_band: float) -> tuple[np.ndarray, np.ndarray]:
    """The fitted centres (reordered at a cut) and the centres to show (damped).

    Parameters
    ----------
    centers : ndarray, shape (k, 3)
        This frame's fitted centres, in ``options.space``.
    shown : ndarray, shape (k, 3), or None
        The centres the previous frame showed; ``None`` at the first frame.
    cut : bool
        This frame starts a new scene.
    options : QuantizeOptions
    dead_band : float
        ΔE76: an entry keeps its colour until its centre moved farther.

    Returns
    -------
    fitted, shown : ndarray, shape (k, 3)
    """
    if shown is None or len(shown) != len(centers):
        return centers, centers
    if cut:
        # Across a cut, entry i still goes to the closest colour (steady swatches);
        # locked entries keep their places.
        n = len(options.locked)
        order = match_order(shown[n:], centers[n:])
        centers = np.concatenate([centers[:n], centers[n:][order]])
        return centers, centers
    moved = moved_centers(_lab(shown, options), _lab(centers, options), dead_band)
    return centers, np.where(moved[:, None], centers, shown)


def _lab(centers: np.ndarray, options: QuantizeOptions) -> np.ndarray:
    if options.space == "lab":
        return centers
    return to_space(from_space(centers, options.space), "lab")


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
    make whole still regions change shade every frame, are not shown; moving
    only part of the way (an exponential filter) flickers more, because then
    every entry moves a little in every frame.

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


@njit(cache=True, nogil=True)
def drawn_counts(labels, skipped, k):
    """How many pixels not ``skipped`` (bool, shape (N,)) have each of ``k`` labels:
    the ``use`` of :func:`entry_to_drop`, in one compiled pass."""
    use = np.zeros(k, dtype=np.int64)
    for i in range(labels.shape[0]):
        if not skipped[i]:
            use[labels[i]] += 1
    return use


def entry_to_drop(use: np.ndarray, locked: int = 0) -> int | None:
    """The palette entry a frame gives up so that its GIF codes are a bit shorter, or None.

    A frame that holds pixels needs a transparent index besides the entries its
    drawn pixels use, and the GIF's LZW codes start one bit wider than the
    table's size in bits (GIF89a specification, CompuServe 1990, appendix F):
    a frame drawing with 2**b entries plus the transparent index needs a table
    of 2**(b+1). One bit more a code costs 1-2% of a frame's LZW bytes. When
    the drawn pixels use a power of two (at least 4) of the entries and the
    least used of them covers at most ``RARE_SHARE`` of them, that entry is
    given up and its pixels take their next nearest entry. The share is of
    pixels, whatever k: the bit saves a share of the frame's bytes, and the
    colour error it costs grows with the pixels moved. Locked entries are
    never given up.

    Parameters
    ----------
    use : ndarray of int, shape (k,)
        How many of the pixels the frame draws (not held, not transparent)
        use each of the palette's ``k`` entries.
    locked : int
        The first ``locked`` entries are locked colours.

    Returns
    -------
    int or None
        The entry to give up.
    """
    used = int(np.count_nonzero(use))
    free = np.flatnonzero(use[locked:]) + locked
    if used < 4 or used & (used - 1) or free.size == 0:
        return None
    rare = int(free[np.argmin(use[free])])
    return rare if use[rare] <= RARE_SHARE * use.sum() else None
