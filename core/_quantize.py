"""Quantize one image to k colours: histogram, cluster, map through a lookup table.

The pipeline is: gather the opaque pixels' colours into weighted rows
(:mod:`core._histogram`), leave out rows that the lightness filter drops,
cluster the rows in the chosen space (:mod:`core._cluster`), assign *every* row
(filtered or not) to its nearest centre, and give each pixel the label of its
row. Palette colours are the centres converted back to sRGB and rounded.

Locked colours (``locked=``) are the first entries of every palette, exactly
as given; the clustering fits only the other ``k - n`` entries around them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from core._cluster import ALGORITHMS, INITS, METRICS, assign, fit_centers
from core._fixed import LOCKED_RULES, mapped
from core._histogram import ColorHistogram, color_histogram, pooled_rows
from core._result import QuantizeResult, result_from_labels
from core._validation import (
    check_choice,
    check_image,
    check_k,
    check_locked,
    check_locked_fits,
    check_metric_algorithm,
    check_range,
    check_seed,
    opaque_mask,
)
from core.colorspace import SPACES, from_space, lightness, to_space, to_srgb8
from core.palette import parse_color

#: Clustering runs on at most about this many weighted rows: more (a photo-like
#: frame's exact colours) are pooled into 5-bit bins first. Every exact colour
#: is still mapped to its own nearest centre, which keeps flicker low.
CLUSTER_ROWS = 4096


@dataclass(frozen=True)
class QuantizeOptions:
    """The clustering choices shared by :func:`quantize` and :func:`core.quantize_frames`.

    Checked when made, so a frozen instance is always valid (and hashable:
    ``locked`` is kept as a tuple of ``"#rrggbb"`` strings, whatever form it
    was given in). See :func:`quantize` for the meaning of each field.
    """

    space: str = "lab"
    metric: str = "euclidean"
    algorithm: str = "kmeans"
    init: str = "k-means++"
    seed: int = 0
    min_lightness: float | None = None
    max_lightness: float | None = None
    locked: tuple[str, ...] = ()
    locked_rule: str = "nearest"

    def __post_init__(self):
        check_choice("space", self.space, SPACES)
        check_choice("metric", self.metric, METRICS)
        check_choice("algorithm", self.algorithm, ALGORITHMS)
        check_choice("init", self.init, INITS)
        check_choice("locked_rule", self.locked_rule, LOCKED_RULES)
        check_metric_algorithm(self.metric, self.algorithm)
        for name in ("min_lightness", "max_lightness"):
            v = getattr(self, name)
            if v is not None:
                check_range(name, v, 0.0, 100.0)
        check_seed(self.seed)
        # A frozen dataclass sets its own fields through object.__setattr__.
        object.__setattr__(self, "locked", check_locked(self.locked))

    def by_lightness(self, k: int) -> bool:
        """True when all ``k`` colours are locked and the picture meets them by lightness order."""
        return self.locked_rule == "lightness" and len(self.locked) == k

    def free(self) -> QuantizeOptions:
        """These options without locked colours: how a picture is reduced before
        :mod:`core._fixed` paints it in them."""
        return replace(self, locked=(), locked_rule="nearest")

    def locked_rgb(self) -> np.ndarray:
        """The locked colours as an (n, 3) uint8 sRGB array (n may be 0)."""
        return np.array([parse_color(c) for c in self.locked], dtype=np.uint8).reshape(-1, 3)

    def locked_centers(self) -> np.ndarray:
        """The locked colours in ``self.space``, shape (n, 3)."""
        return to_space(self.locked_rgb(), self.space)

    def fit(self, X: np.ndarray, w: np.ndarray, k: int, init=None) -> np.ndarray:
        """:func:`core._cluster.fit_centers` with these options (``init`` overrides theirs).

        The locked colours are the first centres, kept exactly.
        """
        return fit_centers(
            X,
            w,
            k,
            metric=self.metric,
            algorithm=self.algorithm,
            init=self.init if init is None else init,
            seed=self.seed,
            fixed=self.locked_centers(),
        )

    def exact_centers(self, X: np.ndarray, w: np.ndarray, k: int) -> np.ndarray | None:
        """The locked colours and the distinct weighted rows of ``X`` if at most ``k``, else None.

        An image of at most ``k`` colours (with the locked ones) is its own
        palette, exactly; locked colours come first, and a row that is a
        locked colour is not counted twice.
        """
        counted = w > 0
        if np.count_nonzero(counted) > CLUSTER_ROWS:
            return None
        distinct = np.unique(X[counted], axis=0)
        fixed = self.locked_centers()
        if len(fixed):
            gap = np.linalg.norm(distinct[:, None, :] - fixed[None, :, :], axis=2).min(axis=1)
            # Distinct sRGB colours are far more than 1e-6 apart in every space.
            distinct = np.vstack([fixed, distinct[gap > 1e-6]])
        return distinct if len(distinct) <= k else None

    def palette_centers(
        self, colors: np.ndarray, X: np.ndarray, w: np.ndarray, k: int, init=None
    ) -> np.ndarray:
        """Centres for weighted colour rows: the rows themselves if few, else a fit.

        Parameters
        ----------
        colors : ndarray, shape (n, 3)
            sRGB rows (0-255).
        X : ndarray, shape (n, 3)
            The same rows in ``self.space``.
        w : ndarray, shape (n,)
            Clustering weights (:func:`clustering_weights`).
        k : int
        init : ndarray, shape (k, 3), optional
            Start from these centres (seeding) instead of ``self.init``.

        Returns
        -------
        ndarray, shape (m, 3), m <= k
            With at most ``k`` distinct weighted colours, those colours
            exactly (so an image of <= k colours comes back unchanged);
            otherwise ``k`` fitted centres. The locked colours are always
            the first ones.
        """
        exact = self.exact_centers(X, w, k)
        if exact is not None:
            return exact
        if len(self.locked) == k:  # a fixed palette: nothing to fit
            return self.locked_centers()
        if init is None:
            # A fresh start (k-means++ or random) over tens of thousands of rows is
            # slow; continuing from given centres takes a few cheap steps, so there
            # pooling would gain nothing and only blur the centres' path.
            Xc, wc = clustering_sample(colors, X, w, self.space)
            return self.fit(Xc, wc, k)
        return self.fit(X, w, k, init=init)


def clustering_weights(
    colors: np.ndarray, weights: np.ndarray, options: QuantizeOptions
) -> np.ndarray:
    """Weights of the rows that take part in clustering.

    Rows darker than ``min_lightness`` or lighter than ``max_lightness`` get
    weight 0. If that (or transparency) leaves no weight at all, the filter is
    ignored, then transparency: a palette of *something* beats an error for a
    frame that is all black or all transparent.
    """
    w = weights.copy()
    if options.min_lightness is not None or options.max_lightness is not None:
        L = lightness(colors)
        lo = -np.inf if options.min_lightness is None else options.min_lightness
        hi = np.inf if options.max_lightness is None else options.max_lightness
        filtered = np.where((lo <= L) & (hi >= L), w, 0.0)
        if filtered.sum() > 0:
            w = filtered
    if w.sum() <= 0:
        w = np.ones_like(w)
    return w


def map_to_centers(
    hist: ColorHistogram,
    X: np.ndarray,
    centers: np.ndarray,
    options: QuantizeOptions,
    shape: tuple[int, int],
    opaque: np.ndarray | None,
) -> QuantizeResult:
    """Map every row to its nearest centre and build the result for one image.

    Parameters
    ----------
    hist : ColorHistogram
        Histogram of the image.
    X : ndarray, shape (n, 3)
        ``hist.colors`` in ``options.space``.
    centers : ndarray, shape (k, 3)
        Cluster centres in ``options.space``.
    options : QuantizeOptions
    shape : (H, W)
    opaque : ndarray of bool, shape (H, W), or None

    Returns
    -------
    QuantizeResult
    """
    row_label = assign(X, centers, options.metric).astype(np.uint8)
    labels = hist.take(row_label).reshape(shape)
    colors = palette_colors(centers, options)
    counts = None
    if hist.weights.sum() > 0:
        # Rows weigh exactly their opaque pixels: no need to count pixels again.
        counts = np.bincount(row_label, weights=hist.weights, minlength=len(centers))
    return result_from_labels(colors, labels, centers, options.space, opaque, counts)


def palette_colors(centers: np.ndarray, options: QuantizeOptions) -> np.ndarray:
    """sRGB ``uint8`` colours of centres whose first rows are ``options``' locked colours.

    Rounding the converted centres gives the locked colours back already;
    they are copied in as well, so a locked colour is exact by construction.
    """
    colors = to_srgb8(from_space(centers, options.space))
    colors[: len(options.locked)] = options.locked_rgb()
    return colors


def quantize(
    image: np.ndarray,
    k: int,
    *,
    space: str = "lab",
    metric: str = "euclidean",
    algorithm: str = "kmeans",
    init="k-means++",
    seed: int = 0,
    alpha: np.ndarray | None = None,
    min_lightness: float | None = None,
    max_lightness: float | None = None,
    locked=(),
    locked_rule: str = "nearest",
) -> QuantizeResult:
    """Reduce an RGB image to at most ``k`` colours.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        sRGB pixels (``core.load_media(...).frames[i]``).
    k : int
        Number of colours, 1 to 256. If the image has fewer distinct colours
        (among the pixels that count), the palette has that many instead.
    space : {"rgb", "hsv", "lab", "oklab", "din99o"}
        Where distances are measured. ``"lab"`` (CIELAB, D65), ``"oklab"``
        (Ottosson 2020) and ``"din99o"`` are perceptual; DIN99o's distance
        follows CIEDE2000, which lowers the mean ΔE2000 of photos, but it
        weighs strong colours less, so a small saturated detail may lose its
        entry. ``"hsv"`` uses the HSV cone, so hue wraps around
        (:mod:`core.colorspace`).
    metric : {"euclidean", "manhattan"}
        ``"euclidean"`` is k-means (mean update); ``"manhattan"`` is k-medians
        (L1 assignment and weighted-median update), which minimises the L1
        objective. Manhattan needs ``algorithm="kmeans"``.
    algorithm : {"kmeans", "minibatch", "agglomerative"}
        Lloyd k-means, mini-batch k-means, or Ward agglomerative clustering
        (on at most 256 weighted micro-clusters, so its cost does not grow
        with the image; see :func:`core._cluster.ward`).
    init : {"k-means++", "random"} or ndarray, shape (k, 3)
        How the centres start; an array gives them in ``space`` (this is how
        seeded animation works). For ``"agglomerative"`` the string chooses how
        the micro-clusters start, and an array is refused: Ward has no
        starting centres to seed.
    seed : int
        Seed of every random choice; the same seed gives the same result.
    alpha : ndarray, shape (H, W), bool or uint8, optional
        Transparency; pixels with alpha below 128 take no part in clustering
        but still get a palette colour.
    min_lightness, max_lightness : float, optional
        Leave pixels with CIELAB L* below / above these (0-100) out of the
        clustering, e.g. ``min_lightness=8`` so black bars do not take half
        the palette. They are still mapped to their nearest palette colour.
    locked : sequence of colours, optional
        Colours kept exactly as the first palette entries (``"#rrggbb"``
        strings or an (n, 3) array); the others are fitted around them.
    locked_rule : {"nearest", "lightness"}
        When all ``k`` colours are locked: each pixel takes its nearest locked
        colour, or (``"lightness"``) the picture is reduced to its own ``k``
        colours and those are painted in the locked ones by lightness order,
        darkest to darkest (:mod:`core._fixed`), which keeps a picture
        recognisable on a palette far from its colours.

    Returns
    -------
    QuantizeResult
        ``.image``, ``.labels``, ``.palette`` (``.colors``, ``.shares``),
        ``.centers``, ``.space``.

    Raises
    ------
    ValueError
        For an option value that is not one of the choices, a bad image array,
        an ``init`` array of the wrong shape, an ``init`` array with
        ``algorithm="agglomerative"``, a locked value that is not a colour,
        or more locked colours than ``k``.

    Notes
    -----
    Clustering runs on a colour histogram, never on every pixel
    (:mod:`core._histogram`): a frame's exact distinct colours when that is
    cheap (up to 2^19 pixels with few colours, so every GIF frame), else
    5-bit-per-channel bins holding the mean colour of their pixels, built
    from an evenly strided sample of about 2^19 pixels. When more than
    ``CLUSTER_ROWS`` (4,096) rows weigh anything, a fresh fit (``init`` a
    string) runs on those rows pooled into 5-bit bins; an ``init`` array
    continues on all rows. Either way every row, and through it every pixel,
    is mapped to its own nearest centre.
    """
    if not isinstance(init, str) and algorithm == "agglomerative":
        raise ValueError(
            "algorithm='agglomerative' builds its palette by merging colours and has no "
            "starting centres, so an init array cannot seed it; use 'kmeans' or 'minibatch'."
        )
    options = QuantizeOptions(
        space,
        metric,
        algorithm,
        init if isinstance(init, str) else "k-means++",
        seed,
        min_lightness,
        max_lightness,
        locked,
        locked_rule,
    )
    return quantize_with(image, k, options, init=None if isinstance(init, str) else init,
                         alpha=alpha)


def quantize_with(
    image, k, options: QuantizeOptions, *, init=None, alpha=None
) -> QuantizeResult:
    """:func:`quantize` with the options already checked (used for every frame).

    ``init`` (an array of centres in ``options.space``), when given, replaces
    ``options.init``.
    """
    image = check_image(image)
    k = check_k(k)
    check_locked_fits(options.locked, k)
    if options.by_lightness(k):
        own = quantize_with(image, k, options.free(), init=init, alpha=alpha)
        return mapped(own, options.locked_rgb())
    start = None if init is None else check_init(init, k)
    shape = image.shape[:2]
    opaque = opaque_mask(alpha, shape)
    hist = color_histogram(image, opaque)
    X = to_space(hist.colors, options.space)
    w = clustering_weights(hist.colors, hist.weights, options)
    centers = options.palette_centers(hist.colors, X, w, k, init=start)
    return map_to_centers(hist, X, centers, options, shape, opaque)


def clustering_sample(
    colors: np.ndarray, X: np.ndarray, w: np.ndarray, space: str
) -> tuple[np.ndarray, np.ndarray]:
    """The weighted sample that clustering runs on.

    Parameters
    ----------
    colors : ndarray, shape (n, 3)
        sRGB rows (0-255).
    X : ndarray, shape (n, 3)
        The same rows in ``space``.
    w : ndarray, shape (n,)
        Clustering weights (:func:`clustering_weights`).
    space : str

    Returns
    -------
    Xc : ndarray, shape (m, 3)
        ``X`` itself when at most ``CLUSTER_ROWS`` rows weigh anything, else
        the rows that do, pooled into 5-bit bins (weighted means), in ``space``.
    wc : ndarray, shape (m,)
    """
    counted = w > 0
    if np.count_nonzero(counted) <= CLUSTER_ROWS:
        return X, w
    pooled, pooled_w = pooled_rows([(colors[counted], w[counted])], CLUSTER_ROWS)
    return to_space(pooled, space), pooled_w


def check_init(init, k: int) -> np.ndarray:
    """Return an ``init`` array as (k, 3) float64, or raise ``ValueError``."""
    start = np.asarray(init, dtype=np.float64)
    if start.shape != (k, 3) or not np.all(np.isfinite(start)):
        raise ValueError(
            f"init array must have shape ({k}, 3) with finite values, got shape {start.shape}."
        )
    return start
