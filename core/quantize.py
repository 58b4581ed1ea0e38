"""Quantize one image to k colours: histogram, cluster, map through a lookup table.

The pipeline is: gather the opaque pixels' colours into weighted rows
(:mod:`core.histogram`), leave out rows that the lightness filter drops,
cluster the rows in the chosen space (:mod:`core.cluster`), assign *every* row
(filtered or not) to its nearest centre, and give each pixel the label of its
row. Palette colours are the centres converted back to sRGB and rounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.cluster import ALGORITHMS, INITS, METRICS, assign, check_choice, fit_centers
from core.colorspace import SPACES, from_space, lightness, to_space, to_srgb8
from core.histogram import ColorHistogram, color_histogram, pooled_rows
from core.palette import Palette

#: Clustering runs on at most about this many weighted rows: more (a photo-like
#: frame's exact colours) are pooled into 5-bit bins first. Every exact colour
#: is still mapped to its own nearest centre, which keeps flicker low.
CLUSTER_ROWS = 4096


@dataclass(frozen=True)
class QuantizeOptions:
    """The clustering choices shared by :func:`quantize` and :func:`quantize_frames`.

    See :func:`quantize` for the meaning of each field.
    """

    space: str = "lab"
    metric: str = "euclidean"
    algorithm: str = "kmeans"
    init: str = "k-means++"
    seed: int = 0
    min_lightness: float | None = None
    max_lightness: float | None = None

    def __post_init__(self):
        check_choice("space", self.space, SPACES)
        check_choice("metric", self.metric, METRICS)
        check_choice("algorithm", self.algorithm, ALGORITHMS)
        check_choice("init", self.init, INITS)
        if self.metric == "manhattan" and self.algorithm != "kmeans":
            raise ValueError(
                "metric='manhattan' works with algorithm='kmeans' (k-medians) only, "
                f"not algorithm={self.algorithm!r}."
            )
        for name in ("min_lightness", "max_lightness"):
            v = getattr(self, name)
            if v is not None and not (0.0 <= float(v) <= 100.0):
                raise ValueError(f"{name}={v!r} must be None or an L* value in [0, 100].")
        if not isinstance(self.seed, (int, np.integer)) or isinstance(self.seed, bool):
            raise ValueError(f"seed={self.seed!r} must be an integer.")

    def fit(self, X: np.ndarray, w: np.ndarray, k: int, init=None) -> np.ndarray:
        """:func:`core.cluster.fit_centers` with these options (``init`` overrides theirs)."""
        return fit_centers(
            X,
            w,
            k,
            metric=self.metric,
            algorithm=self.algorithm,
            init=self.init if init is None else init,
            seed=self.seed,
        )


@dataclass(frozen=True)
class QuantizeResult:
    """One quantized image.

    Attributes
    ----------
    image : ndarray, shape (H, W, 3), uint8
        Every pixel replaced by its palette colour.
    labels : ndarray, shape (H, W), uint8
        Palette index of every pixel (``image == palette.colors[labels]``).
    palette : Palette
        The colours (sRGB ``uint8``) and the share of opaque pixels of each.
    centers : ndarray, shape (k, 3), float64
        The cluster centres in ``space``, unrounded: what seeding starts from.
    space : str
        The colour space the centres live in.
    """

    image: np.ndarray
    labels: np.ndarray
    palette: Palette
    centers: np.ndarray
    space: str


def opaque_mask(alpha: np.ndarray | None, shape: tuple[int, int]) -> np.ndarray | None:
    """Pixels that count as visible: alpha of at least 128 (of 255), or True.

    Parameters
    ----------
    alpha : ndarray, shape (H, W), bool or uint8, or None
    shape : (H, W) of the image

    Returns
    -------
    ndarray of bool, shape (H, W), or None when every pixel is opaque.
    """
    if alpha is None:
        return None
    alpha = np.asarray(alpha)
    if alpha.shape != tuple(shape):
        raise ValueError(f"alpha has shape {alpha.shape}, the image {tuple(shape)}.")
    return alpha if alpha.dtype == bool else alpha >= 128


def check_image(image) -> np.ndarray:
    """Return ``image`` as a (H, W, 3) uint8 array, or raise ``ValueError``."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(
            f"image must be an (H, W, 3) uint8 RGB array, got shape {image.shape} "
            f"and dtype {image.dtype}; use core.load_media to read a file."
        )
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"image is empty (shape {image.shape}).")
    return image


def check_k(k) -> int:
    """Return ``k`` if it is an integer from 1 to 256, else raise ``ValueError``."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= 256:
        raise ValueError(f"k={k!r} must be an integer from 1 to 256 (a GIF holds 256 colours).")
    return int(k)


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


def palette_from(
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
    colors = to_srgb8(from_space(centers, options.space))
    if hist.exact and hist.weights.sum() > 0:
        # Exact rows weigh exactly their opaque pixels: no need to count pixels again.
        counts = np.bincount(row_label, weights=hist.weights, minlength=len(centers))
    else:
        counted = labels if opaque is None or not opaque.any() else labels[opaque]
        counts = np.bincount(counted.reshape(-1), minlength=len(centers)).astype(np.float64)
    return QuantizeResult(
        paint(colors, labels),
        labels,
        Palette(colors, counts / counts.sum()),
        centers,
        options.space,
    )


def paint(colors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The image ``colors[labels]``, shape ``labels.shape + (3,)``, uint8.

    Colours are looked up as one 32-bit word per pixel, 3x faster than
    ``colors[labels]``; the result is a (non-contiguous) view of that buffer.
    """
    words = np.zeros((len(colors), 4), dtype=np.uint8)
    words[:, :3] = colors
    packed = np.take(words.view(np.uint32).reshape(-1), labels)
    return packed.view(np.uint8).reshape(labels.shape + (4,))[..., :3]


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
) -> QuantizeResult:
    """Reduce an RGB image to at most ``k`` colours.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
        sRGB pixels (``core.load_media(...).frames[i]``).
    k : int
        Number of colours, 1 to 256. If the image has fewer distinct colours
        (among the pixels that count), the palette has that many instead.
    space : {"rgb", "hsv", "lab"}
        Where distances are measured. ``"lab"`` (CIELAB, D65) is perceptual;
        ``"hsv"`` uses the HSV cone, so hue wraps around.
    metric : {"euclidean", "manhattan"}
        ``"euclidean"`` is k-means (mean update); ``"manhattan"`` is k-medians
        (L1 assignment and weighted-median update), which minimises the L1
        objective. Manhattan needs ``algorithm="kmeans"``.
    algorithm : {"kmeans", "minibatch", "agglomerative"}
        Lloyd k-means, mini-batch k-means, or Ward agglomerative clustering
        (on at most 256 weighted micro-clusters, so its cost does not grow
        with the image; see :func:`core.cluster.ward`).
    init : {"k-means++", "random"} or ndarray, shape (k, 3)
        How the centres start; an array gives them in ``space`` (this is how
        seeded animation works).
    seed : int
        Seed of every random choice; the same seed gives the same result.
    alpha : ndarray, shape (H, W), bool or uint8, optional
        Transparency; pixels with alpha below 128 take no part in clustering
        but still get a palette colour.
    min_lightness, max_lightness : float, optional
        Leave pixels with CIELAB L* below / above these (0-100) out of the
        clustering, e.g. ``min_lightness=8`` so black bars do not take half
        the palette. They are still mapped to their nearest palette colour.

    Returns
    -------
    QuantizeResult
        ``.image``, ``.labels``, ``.palette`` (``.colors``, ``.shares``),
        ``.centers``, ``.space``.

    Raises
    ------
    ValueError
        For an option value that is not one of the choices, a bad image array,
        or an ``init`` array of the wrong shape.

    Notes
    -----
    Large images (over 2^19 pixels) are clustered on a 5-bit-per-channel
    histogram of bin mean colours, built from an evenly strided sample;
    smaller ones on their exact colours when that is cheap. Either way every
    pixel is mapped through a lookup table from its histogram row.
    """
    options = QuantizeOptions(
        space,
        metric,
        algorithm,
        init if isinstance(init, str) else "k-means++",
        seed,
        min_lightness,
        max_lightness,
    )
    return quantize_with(image, k, options, init=init, alpha=alpha)


def quantize_with(
    image, k, options: QuantizeOptions, *, init=None, alpha=None
) -> QuantizeResult:
    """:func:`quantize` with the options already checked (used for every frame).

    ``init`` overrides ``options.init`` (an array of centres in ``options.space``).
    """
    image = check_image(image)
    k = check_k(k)
    shape = image.shape[:2]
    opaque = opaque_mask(alpha, shape)
    hist = color_histogram(image, opaque)
    start = options.init if init is None else check_init(init, k)
    X = to_space(hist.colors, options.space)
    w = clustering_weights(hist.colors, hist.weights, options)
    counted = w > 0
    if np.count_nonzero(counted) <= k:
        # No more colours than k: each colour is its own palette entry, exactly.
        centers = X[counted]
    else:
        # A fresh start (k-means++ or random) over tens of thousands of rows is
        # slow; continuing from given centres takes a few cheap steps, so there
        # pooling would gain nothing and only blur the centres' path.
        fresh = isinstance(start, str)
        Xc, wc = clustering_sample(hist.colors, X, w, options.space) if fresh else (X, w)
        centers = options.fit(Xc, wc, k, init=start)
    return palette_from(hist, X, centers, options, shape, opaque)


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


def check_init(init, k: int):
    """Return ``init`` as a string choice or a (k, 3) float array, or raise ``ValueError``."""
    if isinstance(init, str):
        return check_choice("init", init, INITS)
    start = np.asarray(init, dtype=np.float64)
    if start.shape != (k, 3) or not np.all(np.isfinite(start)):
        raise ValueError(
            f"init array must have shape ({k}, 3) with finite values, got shape {start.shape}."
        )
    return start
