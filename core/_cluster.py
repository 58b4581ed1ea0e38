"""Weighted clustering of colour rows: k-means, mini-batch k-means, k-medians, Ward.

Every function here takes samples ``X`` (colours in some space) with weights
(pixel counts) and returns cluster centres. Which pixel goes to which centre is
decided afterwards by :func:`assign`, with the same metric, so the palette and
the picture always agree.

Locked colours: every method takes ``fixed`` centres (rows ``0..n-1`` of the
result, returned exactly) and fits only the other ``k - n`` around them.
Lloyd, mini-batch and k-medians are the usual iterations with those rows
frozen: samples are still assigned to whichever centre is nearest, fixed or
not, but only free centres move, which is coordinate descent on the same
objective with some coordinates held. Ward merges with the fixed centres as
anchors that absorb samples without moving (:func:`ward_merge`).
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from functools import cache

import numpy as np
from threadpoolctl import ThreadpoolController

from core._validation import check_metric_algorithm

METRICS = ("euclidean", "manhattan")
ALGORITHMS = ("kmeans", "minibatch", "agglomerative")
INITS = ("k-means++", "random")

#: Ward runs on at most this many weighted micro-clusters (see :func:`ward`).
WARD_MICRO_CLUSTERS = 256
#: Smallest distance used in a Weiszfeld weight (half a ΔE76 in CIELAB).
WEISZFELD_FLOOR = 0.5


@cache
def _threadpools() -> ThreadpoolController:
    # Finding the loaded BLAS/OpenMP libraries reads /proc/self/maps (~5 ms):
    # done once per process, not once per frame.
    return ThreadpoolController()


def blas_threads(limit: int):
    """Context manager: BLAS runs on at most ``limit`` threads inside it (process-wide)."""
    return _threadpools().limit(limits=limit, user_api="blas")


def assign(X: np.ndarray, centers: np.ndarray, metric: str = "euclidean") -> np.ndarray:
    """Index of the nearest centre of every sample.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    centers : ndarray, shape (k, d)
    metric : {"euclidean", "manhattan"}

    Returns
    -------
    ndarray of int, shape (n,)
    """
    out = np.empty(X.shape[0], dtype=np.intp)
    if metric == "manhattan":
        # Chunks bound the (n, k, d) temporary to a few MB whatever n is.
        chunk = max(1, 2_000_000 // max(1, centers.shape[0] * X.shape[1]))
        for start in range(0, X.shape[0], chunk):
            diff = X[start : start + chunk, None, :] - centers[None, :, :]
            out[start : start + chunk] = np.abs(diff).sum(axis=2).argmin(axis=1)
        return out
    # |x - c|^2 = |x|^2 - 2 x.c + |c|^2, and |x|^2 is the same for every centre of
    # a row: the argmin needs one matrix product (BLAS), 3x faster than differences.
    half_norms = 0.5 * np.einsum("kd,kd->k", centers, centers)
    chunk = max(1, 65_536 // max(1, centers.shape[0]))  # 512 KB of scores: cached, 1.6x faster
    # One BLAS thread: on products this small, threads cost 4-7x in spin-up.
    with blas_threads(1):
        for start in range(0, X.shape[0], chunk):
            scores = X[start : start + chunk] @ centers.T
            np.subtract(half_norms[None, :], scores, out=scores)
            out[start : start + chunk] = scores.argmin(axis=1)
    return out


def initial_centers(
    X: np.ndarray, w: np.ndarray, k: int, init, seed: int, fixed: np.ndarray | None = None
) -> np.ndarray:
    """Starting centres: k-means++ or random samples (both weighted), or given ones.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    w : ndarray, shape (n,)
        Sample weights; samples with weight 0 are never chosen.
    k : int
    init : {"k-means++", "random"} or ndarray, shape (k, d)
    seed : int
    fixed : ndarray, shape (m, d), optional
        Centres chosen already (locked colours): they are rows ``0..m-1``
        of the result, and only ``k - m`` more are drawn (k-means++ then
        counts distances to them too). They replace the first ``m`` rows of
        an ``init`` array.

    Returns
    -------
    ndarray, shape (k, d)

    References
    ----------
    Arthur, D. and Vassilvitskii, S. (2007). k-means++: the advantages of
    careful seeding. SODA.
    """
    m = 0 if fixed is None else len(fixed)
    if not isinstance(init, str):
        start = np.array(init, dtype=np.float64)
        start[:m] = fixed
        return start
    rng = np.random.default_rng(seed)
    if init == "random" and not m:
        pick = rng.choice(X.shape[0], size=k, replace=False, p=w / w.sum())
        return X[pick].copy()
    fixed = np.empty((0, X.shape[1])) if fixed is None else np.asarray(fixed, dtype=np.float64)
    return _around(X, w, k, fixed, init, rng)


def _around(X, w, k, fixed, init, rng) -> np.ndarray:
    # k - m more starting centres beside the fixed ones (none: the first is one
    # sample drawn by weight). k-means++ is greedy, as scikit-learn's: of
    # 2 + log(k) candidates drawn by weight x squared distance to the nearest
    # centre so far, the one that lowers the weighted potential most is kept.
    # "random" draws among samples not on a fixed centre.
    chosen = list(fixed)
    if not chosen:
        chosen.append(X[rng.choice(X.shape[0], p=w / w.sum())])
    d2 = ((X[:, None, :] - np.array(chosen)[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    trials = 2 + int(np.log(k))
    while len(chosen) < k:
        p = w * (d2 > 0) if init == "random" else w * d2
        if p.sum() <= 0:  # every weighted sample sits on a centre already
            p = w
        picks = rng.choice(X.shape[0], size=1 if init == "random" else trials, p=p / p.sum())
        cd2 = ((X[None, :, :] - X[picks][:, None, :]) ** 2).sum(axis=2)
        best = int(np.argmin((w * np.minimum(d2, cd2)).sum(axis=1)))
        chosen.append(X[picks[best]])
        d2 = np.minimum(d2, cd2[best])
    return np.array(chosen, dtype=np.float64).reshape(k, X.shape[1])


def kmeans(X, w, k, init, seed, max_iter=300, fixed=None):
    """Weighted Lloyd k-means from one initialisation (:func:`lloyd`).

    The iteration and stopping rule of scikit-learn's ``KMeans`` (same
    centres from the same start), run here: on histogram rows (4 k to 100 k)
    it is 1.2-5x faster than ``KMeans`` on one thread, it can hold ``fixed``
    centres still, and it spares importing scikit-learn (see
    :func:`_sklearn_quietly`).
    """
    start = initial_centers(X, w, k, init, seed, fixed)
    return lloyd(X, w, start, max_iter, frozen=0 if fixed is None else len(fixed))


def lloyd(X: np.ndarray, w: np.ndarray, centers: np.ndarray, max_iter: int = 300,
          tol: float = 1e-4, frozen: int = 0) -> np.ndarray:
    """Weighted Lloyd iterations from ``centers`` until they stop moving.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    w : ndarray, shape (n,)
    centers : ndarray, shape (k, d)
        Starting centres.
    max_iter : int
    tol : float
        Stop when the squared centre shift is at most ``tol`` times the mean
        per-feature variance of ``X`` (scikit-learn's criterion).
    frozen : int
        The first ``frozen`` centres never move (locked colours); samples
        still go to them when they are nearest.

    Returns
    -------
    ndarray, shape (k, d)
        A centre that loses all its samples stays where it was.

    References
    ----------
    Lloyd, S. P. (1982). Least squares quantization in PCM. IEEE Trans.
    Information Theory 28(2).
    """
    centers = np.array(centers, dtype=np.float64)
    k = centers.shape[0]
    threshold = tol * float(np.mean(np.var(X, axis=0)))
    for _ in range(max_iter):
        labels = assign(X, centers)
        mass = np.bincount(labels, weights=w, minlength=k)
        sums = np.stack([np.bincount(labels, weights=w * X[:, d], minlength=k)
                         for d in range(X.shape[1])], axis=1)
        new = np.where(mass[:, None] > 0, sums / np.maximum(mass, 1e-300)[:, None], centers)
        new[:frozen] = centers[:frozen]
        shift = float(((new - centers) ** 2).sum())
        centers = new
        if shift <= threshold:
            break
    return centers


def minibatch(X, w, k, init, seed, max_iter=100, fixed=None):
    """Weighted mini-batch k-means (scikit-learn ``MiniBatchKMeans``).

    Runs on the histogram rows, not the pixels: on millions of samples
    scikit-learn 1.9 redraws each batch over all samples and is slow. With
    ``fixed`` centres it runs :func:`minibatch_frozen` instead.
    """
    start = initial_centers(X, w, k, init, seed, fixed)
    if fixed is not None and len(fixed):
        return minibatch_frozen(X, w, start, len(fixed), seed, max_iter)
    from sklearn.cluster import MiniBatchKMeans

    with _sklearn_quietly():
        model = MiniBatchKMeans(
            k, init=start, n_init=1, max_iter=max_iter, batch_size=1024, random_state=seed
        )
        model.fit(X, sample_weight=w)
    return model.cluster_centers_


def minibatch_frozen(
    X: np.ndarray, w: np.ndarray, centers: np.ndarray, frozen: int, seed: int,
    max_iter: int = 100, batch_size: int = 1024,
) -> np.ndarray:
    """Mini-batch k-means whose first ``frozen`` centres never move.

    Each step draws ``batch_size`` samples with probability proportional to
    their weight, assigns them to the nearest centre (frozen or not) and moves
    every free centre towards the mean of its batch members with the step
    ``batch count / all counts so far`` (Sculley's per-centre learning rate,
    applied per batch as scikit-learn does).

    References
    ----------
    Sculley, D. (2010). Web-scale k-means clustering. WWW.
    """
    rng = np.random.default_rng(seed)
    C = np.array(centers, dtype=np.float64)
    k, d = C.shape
    counts = np.zeros(k)
    p = w / w.sum()
    for _ in range(max_iter):
        batch = X[rng.choice(X.shape[0], size=batch_size, p=p)]
        lab = assign(batch, C)
        got = np.bincount(lab, minlength=k).astype(np.float64)
        sums = np.stack([np.bincount(lab, weights=batch[:, j], minlength=k) for j in range(d)], 1)
        counts += got
        move = got > 0
        move[:frozen] = False
        rate = got[move] / counts[move]
        C[move] += rate[:, None] * (sums[move] / got[move, None] - C[move])
    return C


def kmedians(X, w, k, init, seed, max_iter=100, fixed=None):
    """Weighted k-medians: L1 assignment and per-channel weighted-median update.

    Both steps minimise the L1 objective ``sum_i w_i * |x_i - c(i)|_1``, so it
    never increases from one iteration to the next (Lloyd with the median is
    a coordinate descent on that objective).

    ``fixed`` centres (rows ``0..m-1``) never move.

    References
    ----------
    Bradley, P. S., Mangasarian, O. L. and Street, W. N. (1997). Clustering
    via concave minimization. NIPS 9.
    """
    centers = initial_centers(X, w, k, init, seed, fixed).copy()
    frozen = 0 if fixed is None else len(fixed)
    labels = None
    for _ in range(max_iter):
        new = assign(X, centers, "manhattan")
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        for j in range(frozen, k):
            members = labels == j
            if np.any(w[members] > 0):
                # The lower weighted median per channel (numpy >= 2 takes weights here).
                centers[j] = np.quantile(
                    X[members], 0.5, axis=0, weights=w[members], method="inverted_cdf"
                )
    return centers


def geometric_medians(
    X: np.ndarray, w: np.ndarray, centers: np.ndarray, steps: int, tol: float = 0.0,
    fixed: np.ndarray | None = None,
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
    fixed : ndarray, shape (n, d), optional
        Centres that never move (locked colours): rows ``0..n-1`` of the
        result, put back after every round.

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
        if fixed is not None:
            new[: len(fixed)] = fixed
        done = np.abs(new - C).max() < 1e-3
        C = new
        if done:
            break
    return C


def ward(X, w, k, init, seed, fixed=None):
    """Agglomerative clustering with Ward's criterion on weighted samples.

    Ward's merge cost between clusters A and B is
    ``w_A w_B / (w_A + w_B) * |c_A - c_B|^2``, with ``w`` the pixel counts.
    Exact Ward needs O(n^2) memory, which a whole image (10^5-10^6 colours)
    does not allow. As BIRCH does, the weighted samples are first reduced to
    at most ``WARD_MICRO_CLUSTERS`` micro-clusters by weighted k-means; exact
    weighted Ward then merges those, so the cost does not grow with the
    image. ``init`` (a string) and ``seed`` only affect that reduction; the
    merge itself is deterministic, so Ward cannot be seeded with centres.
    ``fixed`` centres join the merge as anchors (:func:`ward_merge`).

    References
    ----------
    Ward, J. H. (1963). Hierarchical grouping to optimize an objective
    function. JASA 58(301). Zhang, T., Ramakrishnan, R. and Livny, M. (1996).
    BIRCH. SIGMOD.
    """
    m = min(WARD_MICRO_CLUSTERS, int(np.count_nonzero(w > 0)))
    if m > k:
        micro = kmeans(X, w, m, init, seed, max_iter=50)
        lab = assign(X, micro, "euclidean")
        mw = np.bincount(lab, weights=w, minlength=m)
        keep = mw > 0
        micro, mw = micro[keep], mw[keep]
    else:
        keep = w > 0
        micro, mw = X[keep].copy(), w[keep].copy()
    if fixed is None or not len(fixed):
        return ward_merge(micro, mw, k)
    anchors = np.asarray(fixed, dtype=np.float64)
    points = np.vstack([anchors, micro])
    return ward_merge(points, np.concatenate([np.zeros(len(anchors)), mw]), k, len(anchors))


def ward_merge(c: np.ndarray, w: np.ndarray, k: int, anchors: int = 0) -> np.ndarray:
    """Merge weighted points pairwise by Ward's criterion until ``k`` are left.

    Parameters
    ----------
    c : ndarray, shape (m, d)
        Points (micro-cluster centres).
    w : ndarray, shape (m,)
        Their weights (pixel counts).
    k : int
    anchors : int
        The first ``anchors`` points are fixed centres (locked colours): a
        group may merge into one, which then keeps its position, and two
        anchors never merge. Ward's cost is the growth of the within-group
        sum of squares, which for a group B joining an anchor at ``a`` is
        ``w_B |c_B - a|^2`` (the anchor's centre does not move).

    Returns
    -------
    ndarray, shape (min(k, m), d)
        The weighted means of the merged groups (anchors first, unmoved).
    """
    c, w = c.copy(), w.copy()
    alive = np.ones(len(w), dtype=bool)
    fixed = np.arange(len(w)) < anchors
    while alive.sum() > k:
        idx = np.flatnonzero(alive)
        cc, ww, ff = c[idx], w[idx], fixed[idx]
        d2 = ((cc[:, None, :] - cc[None, :, :]) ** 2).sum(axis=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            cost = (ww[:, None] * ww[None, :]) / (ww[:, None] + ww[None, :]) * d2
        # Into an anchor: the joining group's weight times the squared distance.
        cost = np.where(ff[:, None], ww[None, :] * d2, cost)
        cost = np.where(ff[None, :], ww[:, None] * d2, cost)
        cost[ff[:, None] & ff[None, :]] = np.inf
        np.fill_diagonal(cost, np.inf)
        a, b = np.unravel_index(np.argmin(cost), cost.shape)
        if ff[b]:
            a, b = b, a  # the anchor (if any) absorbs the other group
        ia, ib = idx[a], idx[b]
        if not fixed[ia]:
            c[ia] = (w[ia] * c[ia] + w[ib] * c[ib]) / (w[ia] + w[ib])
        w[ia] += w[ib]
        alive[ib] = False
    return c[alive]


def fit_centers(X, w, k, *, metric, algorithm, init, seed, fixed=None) -> np.ndarray:
    """Cluster weighted samples into ``k`` centres with the chosen method.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    w : ndarray, shape (n,)
        Weights; at least ``k`` samples must have a positive weight.
    k : int
    metric : {"euclidean", "manhattan"}
    algorithm : {"kmeans", "minibatch", "agglomerative"}
    init : {"k-means++", "random"} or ndarray, shape (k, d)
    seed : int
    fixed : ndarray, shape (m, d), m <= k, optional
        Centres that are kept exactly as rows ``0..m-1`` (locked colours);
        the other ``k - m`` are fitted around them (see the module docstring).

    Returns
    -------
    ndarray, shape (k, d)

    Raises
    ------
    ValueError
        For ``metric="manhattan"`` with an algorithm other than ``"kmeans"``
        (mini-batch and Ward updates are means, which minimise squared, not
        L1, distances), or an ``init`` array with ``"agglomerative"``.
    """
    check_metric_algorithm(metric, algorithm)
    if not isinstance(init, str) and algorithm == "agglomerative":
        raise ValueError("algorithm='agglomerative' cannot start from given centres.")
    method = {"kmeans": kmeans, "minibatch": minibatch, "agglomerative": ward}[algorithm]
    if metric == "manhattan":
        method = kmedians
    if fixed is not None and len(fixed) >= k:
        return np.array(fixed[:k], dtype=np.float64)
    if fixed is not None and not len(fixed):
        fixed = None
    # A histogram has a few thousand rows: threads only add OpenMP spin-waits,
    # which cost 5-10x on a busy or fractional-CPU host (Community Cloud).
    with _threadpools().limit(limits=1):
        return method(X, w, k, init, seed, fixed=fixed)


@contextmanager
def _sklearn_quietly():
    # scikit-learn is imported only where it fits (with pandas and pyarrow,
    # which it loads when installed, it costs 95 MB: a quarter of a small
    # host's memory). Its argument checks (done at our boundary already) cost
    # as much as the fit itself on a GIF frame's few hundred colours.
    from sklearn import config_context
    from sklearn.exceptions import ConvergenceWarning

    with (
        config_context(assume_finite=True, skip_parameter_validation=True),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield
