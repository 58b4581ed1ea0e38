"""The weighted clustering under every palette (core._cluster), on small hand-made samples.

Each algorithm is checked against what it must compute (weighted means,
weighted medians, Ward's merge order as SciPy computes it), from starting
centres that are *not* already the answer, so that an iteration that did
nothing would fail.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import KMeans
from sklearn.datasets import load_sample_image

from core._cluster import (
    WARD_MICRO_CLUSTERS,
    assign,
    fit_centers,
    initial_centers,
    kmeans,
    kmedians,
    lloyd,
    ward,
    ward_merge,
)
from core._histogram import color_histogram
from core.colorspace import to_space

#: Three well-separated blob centres in 3-D.
BLOB_MEANS = np.array([[10.0, 10.0, 10.0], [60.0, 20.0, 40.0], [30.0, 80.0, 70.0]])


def _blobs(n_per_blob: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Samples around BLOB_MEANS (spread 2), random weights, and each sample's blob."""
    rng = np.random.default_rng(seed)
    blob = np.repeat(np.arange(3), n_per_blob)
    X = BLOB_MEANS[blob] + rng.normal(0, 2, (3 * n_per_blob, 3))
    w = rng.uniform(0.5, 2.0, len(X))
    return X, w, blob


def _weighted_means(X, w, labels, k):
    return np.array([np.average(X[labels == j], axis=0, weights=w[labels == j]) for j in range(k)])


def _sorted_rows(a):
    return a[np.lexsort(a.T[::-1])]


#: Three points on a line, k=2: both {0 | 10, 20} and {0, 10 | 20} are fixed
#: points of Lloyd's iteration, so where a fit ends depends on where it starts.
LINE = np.array([[0.0, 0, 0], [10.0, 0, 0], [20.0, 0, 0]])
START_LEFT = np.array([[-3.0, 0, 0], [13.0, 0, 0]])  # ends at {0, 15}
START_RIGHT = np.array([[7.0, 0, 0], [23.0, 0, 0]])  # ends at {5, 20}


# --- assign ---------------------------------------------------------------------------------


def test_assign_uses_the_metric():
    # From the origin, (3, 3) is nearer in L2 (4.2 < 5) but farther in L1 (6 > 5).
    X = np.array([[0.0, 0.0, 0.0]])
    centers = np.array([[3.0, 3.0, 0.0], [0.0, 5.0, 0.0]])
    assert assign(X, centers, "euclidean").tolist() == [0]
    assert assign(X, centers, "manhattan").tolist() == [1]


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_assign_is_the_nearest_centre_across_chunks(metric):
    # 256 centres make chunks of about 2,600 rows: 7,000 rows span three of them.
    rng = np.random.default_rng(1)
    X = rng.uniform(0, 100, (7000, 3))
    centers = rng.uniform(0, 100, (256, 3))
    diff = X[:, None, :] - centers[None]
    dist = np.abs(diff).sum(axis=2) if metric == "manhattan" else (diff**2).sum(axis=2)
    np.testing.assert_array_equal(assign(X, centers, metric), dist.argmin(axis=1))


# --- initial_centers ------------------------------------------------------------------------


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_initial_centers_never_pick_a_sample_of_weight_zero(init):
    # Transparent and lightness-filtered colours have weight 0: they must not seed a centre.
    rng = np.random.default_rng(2)
    X = rng.uniform(0, 100, (60, 3))
    w = np.where(np.arange(60) % 2 == 0, 1.0, 0.0)
    for seed in range(10):
        start = initial_centers(X, w, 5, init, seed)
        rows = [np.flatnonzero((c == X).all(axis=1)) for c in start]
        assert all(len(r) == 1 and w[r[0]] > 0 for r in rows), (init, seed)
    np.testing.assert_array_equal(initial_centers(X, w, 5, init, 3),
                                  initial_centers(X, w, 5, init, 3))


def test_initial_centers_of_an_array_are_that_array():
    X, w, _ = _blobs(10)
    np.testing.assert_array_equal(initial_centers(X, w, 2, START_LEFT, 0), START_LEFT)


# --- lloyd and kmeans -----------------------------------------------------------------------


def test_lloyd_converges_to_the_weighted_means_of_its_partition():
    X, w, blob = _blobs(40)
    # Every start is 15-25 units off its blob: the answer is not where it starts.
    start = BLOB_MEANS + np.array([[15.0, 0, 0], [0, -20.0, 0], [0, 0, 25.0]])
    centers = lloyd(X, w, start, tol=0)
    np.testing.assert_array_equal(assign(X, centers), blob)
    np.testing.assert_allclose(centers, _weighted_means(X, w, blob, 3), atol=1e-9)
    # A fixed point: one more run does not move it.
    np.testing.assert_allclose(lloyd(X, w, centers, tol=0), centers, atol=1e-9)


def test_lloyd_weights_pull_the_mean():
    X = np.array([[0.0, 0, 0], [10.0, 0, 0]])
    centers = lloyd(X, np.array([1.0, 3.0]), np.array([[1.0, 0, 0]]))
    np.testing.assert_allclose(centers, [[7.5, 0, 0]])


def test_lloyd_keeps_a_centre_that_loses_every_sample():
    X = np.array([[0.0, 0, 0], [1.0, 0, 0]])
    far = [500.0, 500.0, 500.0]
    centers = lloyd(X, np.ones(2), np.array([[3.0, 0, 0], far]))
    np.testing.assert_allclose(centers, [[0.5, 0, 0], far])


def test_lloyd_ends_where_its_start_leads():
    w = np.ones(3)
    np.testing.assert_allclose(lloyd(LINE, w, START_LEFT)[:, 0], [0.0, 15.0])
    np.testing.assert_allclose(lloyd(LINE, w, START_RIGHT)[:, 0], [5.0, 20.0])


def test_kmeans_finds_the_blobs():
    for n in (100, 3000):
        X, w, blob = _blobs(n)
        centers = kmeans(X, w, 3, "k-means++", 0)
        order = assign(BLOB_MEANS, centers)
        assert sorted(order.tolist()) == [0, 1, 2], n
        np.testing.assert_allclose(centers[order], _weighted_means(X, w, blob, 3), atol=1e-3)


def test_kmeans_plus_plus_starts_one_centre_in_each_blob():
    X, w, _ = _blobs(300)
    for seed in range(10):
        start = initial_centers(X, w, 3, "k-means++", seed)
        assert sorted(assign(start, BLOB_MEANS).tolist()) == [0, 1, 2], seed


def test_kmeans_ends_where_scikit_learn_kmeans_ends_from_the_same_start():
    # kmeans runs its own Lloyd iteration (faster, and no scikit-learn import);
    # from one start it must reach scikit-learn's centres on real colour rows.
    hist = color_histogram(load_sample_image("china.jpg"))
    X = to_space(hist.colors, "lab")
    start = initial_centers(X, hist.weights, 16, "k-means++", 0)
    ours = kmeans(X, hist.weights, 16, start, 0)
    theirs = KMeans(16, init=start, n_init=1, max_iter=300, algorithm="lloyd").fit(
        X, sample_weight=hist.weights
    )
    np.testing.assert_allclose(ours, theirs.cluster_centers_, atol=0.05)


def test_minibatch_finds_the_blobs():
    X, w, blob = _blobs(300)
    # Through fit_centers, as the app calls it: it also limits the thread pools,
    # without which scikit-learn's OpenMP start-up costs seconds here.
    centers = fit_centers(X, w, 3, metric="euclidean", algorithm="minibatch", init="k-means++",
                          seed=0)
    order = assign(BLOB_MEANS, centers)
    assert sorted(order.tolist()) == [0, 1, 2]
    # Mini-batch steps stop near, not at, the means.
    np.testing.assert_allclose(centers[order], _weighted_means(X, w, blob, 3), atol=0.5)


# --- k-medians ------------------------------------------------------------------------------


def test_kmedians_of_one_cluster_is_the_lower_weighted_median_per_channel():
    X = np.array([[0.0, 0, 0], [1, 10, 5], [2, 20, 7], [100, -50, 1000]])
    start = np.array([[50.0, 50, 50]])
    # The outlier drags a mean to (25.75, -5, 253) but not the median.
    np.testing.assert_array_equal(kmedians(X, np.ones(4), 1, start, 0), [[1, 0, 5]])
    # Weight is a count: ten copies of the outlier make it the median.
    heavy = np.array([1.0, 1, 1, 10])
    np.testing.assert_array_equal(kmedians(X, heavy, 1, start, 0), [[100, -50, 1000]])


def test_kmedians_is_a_fixed_point_of_l1_assignment_and_medians():
    X, w, _ = _blobs(50, seed=3)
    start = BLOB_MEANS + 12.0
    centers = kmedians(X, w, 3, start, 0)
    labels = assign(X, centers, "manhattan")
    for j in range(3):
        members = labels == j
        median = np.quantile(X[members], 0.5, axis=0, weights=w[members], method="inverted_cdf")
        np.testing.assert_array_equal(centers[j], median)


def test_kmedians_lowers_the_l1_objective_below_kmeans():
    rng = np.random.default_rng(4)
    # Heavy-tailed colours, where medians and means differ.
    X = rng.standard_t(2, (600, 3)) * 10 + rng.integers(0, 3, (600, 1)) * 40
    w = rng.uniform(0.5, 2, 600)
    start = X[:4].copy()

    def l1(centers):
        return float((w * np.abs(X - centers[assign(X, centers, "manhattan")]).sum(axis=1)).sum())

    one_step = kmedians(X, w, 4, start, 0, max_iter=1)
    done = kmedians(X, w, 4, start, 0)
    assert l1(done) <= l1(one_step) < l1(start)
    assert l1(done) < l1(lloyd(X, w, start))


# --- Ward ----------------------------------------------------------------------------------


def test_ward_merge_of_three_points_by_hand():
    c = LINE.copy()
    np.testing.assert_allclose(ward_merge(c, np.ones(3), 2)[:, 0], [5.0, 20.0])
    # Cost w_a w_b / (w_a + w_b) |a - b|^2: a heavy 20 makes (10, 20) the dear pair
    # (100/101 * 100 = 99) and (0, 10) the cheap one (1/2 * 100 = 50).
    np.testing.assert_allclose(ward_merge(c, np.array([1.0, 1, 100]), 2)[:, 0], [5.0, 20.0])
    # A heavy 0 and 10 make (0, 10) dear (5000): (10, 20) merges, at their weighted mean.
    merged = ward_merge(c, np.array([100.0, 100, 1]), 2)[:, 0]
    np.testing.assert_allclose(merged, [0.0, (100 * 10 + 20) / 101])
    # Never more centres than points, and the input is left alone.
    assert len(ward_merge(c, np.ones(3), 10)) == 3
    np.testing.assert_array_equal(c, LINE)


@pytest.mark.parametrize("k", [2, 5, 9])
def test_ward_merge_agrees_with_scipy_on_weighted_points(k):
    # An integer weight is that many copies of the point: SciPy's exact Ward
    # on the copies, cut at k clusters, must give the same cluster means.
    rng = np.random.default_rng(5)
    c = rng.uniform(0, 100, (30, 3))
    w = rng.integers(1, 5, 30).astype(float)
    copies = np.repeat(c, w.astype(int), axis=0)
    groups = fcluster(linkage(copies, method="ward"), k, criterion="maxclust")
    assert len(np.unique(groups)) == k
    expected = np.array([copies[groups == g].mean(axis=0) for g in np.unique(groups)])
    np.testing.assert_allclose(_sorted_rows(ward_merge(c, w, k)), _sorted_rows(expected),
                               atol=1e-9)


def test_ward_of_few_colours_is_exact_ward_and_ignores_weight_zero():
    rng = np.random.default_rng(6)
    X = rng.uniform(0, 100, (40, 3))
    w = rng.uniform(0.5, 3, 40)
    w[:5] = 0.0
    X[:5] = 1000.0  # far away but weightless: must not become a centre
    centers = ward(X, w, 4, "k-means++", 0)
    assert np.all(centers < 200)
    np.testing.assert_allclose(_sorted_rows(centers), _sorted_rows(ward_merge(X[5:], w[5:], 4)),
                               atol=1e-6)


def test_ward_of_many_colours_goes_through_micro_clusters_and_finds_the_blobs():
    X, w, blob = _blobs(WARD_MICRO_CLUSTERS)  # 3x more rows than micro-clusters
    centers = ward(X, w, 3, "k-means++", 0)
    order = assign(BLOB_MEANS, centers)
    assert sorted(order.tolist()) == [0, 1, 2]
    np.testing.assert_allclose(centers[order], _weighted_means(X, w, blob, 3), atol=1e-6)


# --- fit_centers ---------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["kmeans", "minibatch"])
def test_fit_centers_starts_from_an_init_array(algorithm):
    X = np.repeat(LINE, 20, axis=0)
    w = np.ones(len(X))
    fit = {name: fit_centers(X, w, 2, metric="euclidean", algorithm=algorithm, init=start,
                             seed=0)[:, 0]
           for name, start in (("left", START_LEFT), ("right", START_RIGHT))}
    np.testing.assert_allclose(fit["left"], [0.0, 15.0], atol=0.5)
    np.testing.assert_allclose(fit["right"], [5.0, 20.0], atol=0.5)


def test_fit_centers_with_manhattan_is_kmedians():
    X, w, _ = _blobs(30, seed=7)
    got = fit_centers(X, w, 3, metric="manhattan", algorithm="kmeans", init="k-means++", seed=2)
    np.testing.assert_array_equal(got, kmedians(X, w, 3, "k-means++", 2))
    # Medians are sample values, channel by channel; means almost never are.
    assert all(np.isin(got[:, d], X[:, d]).all() for d in range(3))


@pytest.mark.parametrize("algorithm", ["kmeans", "minibatch", "agglomerative"])
def test_fit_centers_same_seed_same_centres(algorithm):
    X, w, _ = _blobs(30, seed=8)
    kw = {"metric": "euclidean", "algorithm": algorithm, "init": "random"}
    np.testing.assert_array_equal(fit_centers(X, w, 4, seed=3, **kw),
                                  fit_centers(X, w, 4, seed=3, **kw))


def test_fit_centers_refuses_what_does_not_go_together():
    X, w, _ = _blobs(5)
    with pytest.raises(ValueError, match="metric='manhattan' works with algorithm='kmeans'"):
        fit_centers(X, w, 2, metric="manhattan", algorithm="minibatch", init="k-means++", seed=0)
    with pytest.raises(ValueError, match="agglomerative.*cannot start from given centres"):
        fit_centers(X, w, 2, metric="euclidean", algorithm="agglomerative", init=START_LEFT,
                    seed=0)
