"""Weighted clustering of colour rows: k-means, mini-batch k-means, k-medians, Ward.

Every function here takes samples ``X`` (colours in some space) with weights
(pixel counts) and returns cluster centres. Which pixel goes to which centre is
decided afterwards by :func:`assign`, with the same metric, so the palette and
the picture always agree.
"""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
from sklearn import config_context
from sklearn.cluster import KMeans, MiniBatchKMeans, kmeans_plusplus
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController

from core._validation import check_metric_algorithm

METRICS = ("euclidean", "manhattan")
ALGORITHMS = ("kmeans", "minibatch", "agglomerative")
INITS = ("k-means++", "random")

#: Up to this many samples, :func:`kmeans` runs Lloyd's iteration itself
#: (:func:`lloyd`): on a GIF frame's few hundred colours scikit-learn's
#: per-call set-up costs 5x the iterations.
SMALL_SAMPLES = 4096
#: Ward runs on at most this many weighted micro-clusters (see :func:`ward`).
WARD_MICRO_CLUSTERS = 256


@cache
def _threadpools() -> ThreadpoolController:
    # Finding the loaded BLAS/OpenMP libraries reads /proc/self/maps (~5 ms):
    # done once per process, not once per frame.
    return ThreadpoolController()


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
    # |x - c|^2 = |x|^2 - 2 x.c + |c|^2, and |x|^2 is the same for every centre:
    # d multiply-adds over an (n, k) chunk instead of an (n, k, d) difference. Not a
    # matrix product: BLAS threads cost more than they save on a busy host.
    scaled = -2.0 * np.asarray(centers, dtype=np.float64)
    norms = np.einsum("kd,kd->k", scaled, scaled) / 4.0
    chunk = max(1, 2_000_000 // max(1, centers.shape[0]))
    for start in range(0, X.shape[0], chunk):
        part = X[start : start + chunk]
        dist = np.multiply.outer(part[:, 0], scaled[:, 0])
        for j in range(1, X.shape[1]):
            dist += np.multiply.outer(part[:, j], scaled[:, j])
        dist += norms
        out[start : start + chunk] = dist.argmin(axis=1)
    return out


def initial_centers(X: np.ndarray, w: np.ndarray, k: int, init, seed: int) -> np.ndarray:
    """Starting centres: k-means++ or random samples (both weighted), or given ones.

    Parameters
    ----------
    X : ndarray, shape (n, d)
    w : ndarray, shape (n,)
        Sample weights; samples with weight 0 are never chosen.
    k : int
    init : {"k-means++", "random"} or ndarray, shape (k, d)
    seed : int

    Returns
    -------
    ndarray, shape (k, d)

    References
    ----------
    Arthur, D. and Vassilvitskii, S. (2007). k-means++: the advantages of
    careful seeding. SODA.
    """
    if not isinstance(init, str):
        return np.asarray(init, dtype=np.float64)
    rng = np.random.default_rng(seed)
    if init == "random":
        pick = rng.choice(X.shape[0], size=k, replace=False, p=w / w.sum())
        return X[pick].copy()
    centers, _ = kmeans_plusplus(X, k, sample_weight=w, random_state=seed)
    return centers


def kmeans(X, w, k, init, seed, max_iter=300):
    """Weighted Lloyd k-means from one initialisation.

    scikit-learn's ``KMeans`` for large samples, :func:`lloyd` for small ones
    (the same iteration without the per-call overhead).
    """
    start = initial_centers(X, w, k, init, seed)
    if X.shape[0] <= SMALL_SAMPLES:
        return lloyd(X, w, start, max_iter)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = KMeans(k, init=start, n_init=1, max_iter=max_iter, random_state=seed)
        model.fit(X, sample_weight=w)
    return model.cluster_centers_


def lloyd(X: np.ndarray, w: np.ndarray, centers: np.ndarray, max_iter: int = 300,
          tol: float = 1e-4) -> np.ndarray:
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
        shift = float(((new - centers) ** 2).sum())
        centers = new
        if shift <= threshold:
            break
    return centers


def minibatch(X, w, k, init, seed, max_iter=100):
    """Weighted mini-batch k-means (scikit-learn ``MiniBatchKMeans``).

    Runs on the histogram rows, not the pixels: on millions of samples
    scikit-learn 1.9 redraws each batch over all samples and is slow.
    """
    start = initial_centers(X, w, k, init, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MiniBatchKMeans(
            k, init=start, n_init=1, max_iter=max_iter, batch_size=1024, random_state=seed
        )
        model.fit(X, sample_weight=w)
    return model.cluster_centers_


def kmedians(X, w, k, init, seed, max_iter=100):
    """Weighted k-medians: L1 assignment and per-channel weighted-median update.

    Both steps minimise the L1 objective ``sum_i w_i * |x_i - c(i)|_1``, so it
    never increases from one iteration to the next (Lloyd with the median is
    a coordinate descent on that objective).

    References
    ----------
    Bradley, P. S., Mangasarian, O. L. and Street, W. N. (1997). Clustering
    via concave minimization. NIPS 9.
    """
    centers = initial_centers(X, w, k, init, seed).copy()
    labels = None
    for _ in range(max_iter):
        new = assign(X, centers, "manhattan")
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        for j in range(k):
            members = labels == j
            if np.any(w[members] > 0):
                # The lower weighted median per channel (numpy >= 2 takes weights here).
                centers[j] = np.quantile(
                    X[members], 0.5, axis=0, weights=w[members], method="inverted_cdf"
                )
    return centers


def ward(X, w, k, init, seed):
    """Agglomerative clustering with Ward's criterion on weighted samples.

    Ward's merge cost between clusters A and B is
    ``w_A w_B / (w_A + w_B) * |c_A - c_B|^2``, with ``w`` the pixel counts.
    Exact Ward needs O(n^2) memory, which a whole image (10^5-10^6 colours)
    does not allow. As BIRCH does, the weighted samples are first reduced to
    at most ``WARD_MICRO_CLUSTERS`` micro-clusters by weighted k-means; exact
    weighted Ward then merges those, so the cost does not grow with the
    image. ``init`` (a string) and ``seed`` only affect that reduction; the
    merge itself is deterministic, so Ward cannot be seeded with centres.

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
    return ward_merge(micro, mw, k)


def ward_merge(c: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Merge weighted points pairwise by Ward's criterion until ``k`` are left.

    Parameters
    ----------
    c : ndarray, shape (m, d)
        Points (micro-cluster centres).
    w : ndarray, shape (m,)
        Their weights (pixel counts).
    k : int

    Returns
    -------
    ndarray, shape (min(k, m), d)
        The weighted means of the merged groups.
    """
    c, w = c.copy(), w.copy()
    alive = np.ones(len(w), dtype=bool)
    while alive.sum() > k:
        idx = np.flatnonzero(alive)
        cc, ww = c[idx], w[idx]
        d2 = ((cc[:, None, :] - cc[None, :, :]) ** 2).sum(axis=2)
        cost = (ww[:, None] * ww[None, :]) / (ww[:, None] + ww[None, :]) * d2
        np.fill_diagonal(cost, np.inf)
        a, b = np.unravel_index(np.argmin(cost), cost.shape)
        ia, ib = idx[a], idx[b]
        c[ia] = (w[ia] * c[ia] + w[ib] * c[ib]) / (w[ia] + w[ib])
        w[ia] += w[ib]
        alive[ib] = False
    return c[alive]


def fit_centers(X, w, k, *, metric, algorithm, init, seed) -> np.ndarray:
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
    # A histogram has a few thousand rows: threads only add OpenMP spin-waits,
    # which cost 5-10x on a busy or fractional-CPU host (Community Cloud), and
    # scikit-learn's argument checks (done at our boundary already) cost as much
    # as the fit itself on a GIF frame's few hundred colours.
    with (
        _threadpools().limit(limits=1),
        config_context(assume_finite=True, skip_parameter_validation=True),
    ):
        return method(X, w, k, init, seed)
