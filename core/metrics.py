"""How good a quantization is, and how much an animation flickers.

ΔE values are computed on *distinct colour pairs* (original colour, new
colour) weighted by how many pixels have them, which is exact and much faster
than converting every pixel (a GIF frame has a few hundred colours).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from skimage.color import deltaE_ciede2000, rgb2lab
from skimage.metrics import structural_similarity

from core._histogram import color_histogram, pack_rgb, unpack_rgb
from core._validation import opaque_mask
from core.colorspace import to_space

#: Flicker counts a pixel as static when its original colour moved less than this (ΔE76).
STATIC_DELTA_E = 2.0
#: Frame pairs with fewer static pixels than this are left out of the flicker.
MIN_STATIC_PIXELS = 100
#: :func:`estimate` measures on a lattice of about this many pixels a frame.
LATTICE_PIXELS = 1 << 13


@dataclass(frozen=True)
class Quality:
    """Colour error of a quantized image against its original.

    Attributes
    ----------
    mean_delta_e : float
        Mean CIEDE2000 ΔE over pixels.
    p95_delta_e : float
        95th percentile of CIEDE2000 ΔE over pixels.
    psnr : float
        Peak signal-to-noise ratio in dB over the RGB channels (inf if equal).
    """

    mean_delta_e: float
    p95_delta_e: float
    psnr: float


def _pairs(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None):
    ca, cb = pack_rgb(a, np.int64), pack_rgb(b, np.int64)
    if mask is not None:
        ca, cb = ca[mask.reshape(-1)], cb[mask.reshape(-1)]
    pair, counts = np.unique((ca << 24) | cb, return_counts=True)
    return unpack_rgb(pair >> 24), unpack_rgb(pair), counts.astype(np.float64)


def _check_pair(original, quantized):
    original, quantized = np.asarray(original), np.asarray(quantized)
    if original.shape != quantized.shape or original.ndim != 3 or original.shape[2] != 3:
        raise ValueError(
            f"images must be (H, W, 3) of one shape; got {original.shape} and {quantized.shape}."
        )
    return original.astype(np.uint8, copy=False), quantized.astype(np.uint8, copy=False)


def delta_e_2000_lab(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 ΔE between CIELAB colours, row by row (kL = kC = kH = 1).

    The one place the formula is called: :func:`delta_e_2000`,
    :func:`quality` and :func:`palette_fidelity` all measure through it.

    Parameters
    ----------
    lab1, lab2 : ndarray, shape (..., 3)
        CIELAB colours (D65), of one shape.

    Returns
    -------
    ndarray, shape (...)

    References
    ----------
    Sharma, G., Wu, W. and Dalal, E. N. (2005). The CIEDE2000 color-difference
    formula: implementation notes, supplementary test data, and mathematical
    observations. Color Research & Application 30(1). (Computed by
    ``skimage.color.deltaE_ciede2000``; the tests check it against the
    paper's 34 test pairs.)
    """
    return deltaE_ciede2000(np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64))


def delta_e_2000(
    original: np.ndarray, quantized: np.ndarray, alpha=None
) -> tuple[np.ndarray, np.ndarray]:
    """CIEDE2000 ΔE of each distinct (original, quantized) colour pair, and its pixel count.

    Each distinct pair is converted and measured once, which is exact: the
    mean over pixels is ``sum(delta_e * counts) / sum(counts)``.

    Parameters
    ----------
    original, quantized : ndarray, shape (H, W, 3), uint8
    alpha : ndarray, shape (H, W), optional
        Only pixels with alpha of at least 128 count.

    Returns
    -------
    delta_e : ndarray, shape (m,)
    counts : ndarray, shape (m,)

    References
    ----------
    Sharma, G., Wu, W. and Dalal, E. N. (2005). The CIEDE2000 color-difference
    formula: implementation notes, supplementary test data, and mathematical
    observations. Color Research & Application 30(1). (Computed by
    :func:`delta_e_2000_lab`.)
    """
    original, quantized = _check_pair(original, quantized)
    mask = opaque_mask(alpha, original.shape[:2])
    ra, rb, counts = _pairs(original, quantized, mask)
    return delta_e_2000_lab(to_space(ra, "lab"), to_space(rb, "lab")), counts


def quality(original: np.ndarray, quantized: np.ndarray, alpha=None) -> Quality:
    """Mean and 95th-percentile CIEDE2000 ΔE, and PSNR, between two RGB images.

    Parameters
    ----------
    original, quantized : ndarray, shape (H, W, 3), uint8
    alpha : ndarray, shape (H, W), optional
        Only pixels with alpha of at least 128 count.

    Returns
    -------
    Quality

    References
    ----------
    Sharma, G., Wu, W. and Dalal, E. N. (2005). The CIEDE2000 color-difference
    formula: implementation notes, supplementary test data, and mathematical
    observations. Color Research & Application 30(1).
    """
    de, counts = delta_e_2000(original, quantized, alpha)
    if counts.sum() == 0:
        return Quality(0.0, 0.0, float("inf"))
    mask = opaque_mask(alpha, original.shape[:2])
    a = original.astype(np.float64)
    b = quantized.astype(np.float64)
    diff = (a - b) if mask is None else (a - b)[mask]
    mse = float(np.mean(diff**2))
    psnr = float("inf") if mse == 0 else 10.0 * np.log10(255.0**2 / mse)
    mean = float(np.sum(de * counts) / counts.sum())
    p95 = float(np.quantile(de, 0.95, weights=counts, method="inverted_cdf"))
    return Quality(mean, p95, psnr)


def mean_delta_e(
    originals: Sequence[np.ndarray], quantized: Sequence[np.ndarray], alphas=None
) -> float:
    """Mean CIEDE2000 ΔE over all pixels of all frames (each frame weighted by its pixels)."""
    alphas = [None] * len(originals) if alphas is None else alphas
    total, n = 0.0, 0.0
    for o, q, a in zip(originals, quantized, alphas):
        de, counts = delta_e_2000(o, q, a)
        total += float(np.sum(de * counts))
        n += float(counts.sum())
    return total / n if n else 0.0


def _lab_image(image: np.ndarray) -> np.ndarray:
    # Convert each distinct colour once when the histogram is exact (GIF frames,
    # quantized frames); a photo's colours are converted pixel by pixel.
    hist = color_histogram(image)
    if not hist.exact:
        return rgb2lab(image)
    return hist.take(to_space(hist.colors, "lab")).reshape(image.shape)


def lab_pixels(image: np.ndarray) -> np.ndarray:
    """float32 CIELAB of every pixel of an (H, W, 3) uint8 image, shape (H, W, 3).

    Each distinct colour is converted once: half the memory of ``rgb2lab``'s
    float64 and none of its whole-image temporaries (flicker holds four of
    these; at 2 megapixels ``rgb2lab`` peaked over 300 MB).
    """
    codes, inverse = np.unique(pack_rgb(image), return_inverse=True)
    lab = to_space(unpack_rgb(codes), "lab").astype(np.float32)
    return lab[inverse.reshape(image.shape[:2])]


def flicker_series(originals: Sequence[np.ndarray], quantized: Sequence[np.ndarray]) -> np.ndarray:
    """Flicker of each pair of consecutive frames (NaN where a pair is skipped).

    For frames ``t`` and ``t+1``, the static pixels are those whose
    *original* colour changed by less than ``STATIC_DELTA_E`` (2 ΔE76). The
    pair's flicker is the mean CIE76 ΔE between the two *quantized* frames
    over those pixels: colour change that the source did not have. Pairs with
    fewer than ``MIN_STATIC_PIXELS`` (100) static pixels, or of different
    sizes, are NaN.

    Parameters
    ----------
    originals, quantized : sequence of ndarray, shape (H, W, 3), uint8
        Same length.

    Returns
    -------
    ndarray, shape (len(frames) - 1,)
    """
    if len(originals) != len(quantized):
        raise ValueError(f"{len(originals)} originals but {len(quantized)} quantized frames.")
    out = np.full(max(0, len(originals) - 1), np.nan)
    previous = None
    for t, (o, q) in enumerate(zip(originals, quantized)):
        o, q = _check_pair(o, q)
        current = lab_pixels(o), lab_pixels(q)
        if t > 0:
            out[t - 1] = pair_flicker(previous, current)
        previous = current
    return out


def pair_flicker(
    previous: tuple[np.ndarray, np.ndarray], current: tuple[np.ndarray, np.ndarray]
) -> float:
    """Flicker between two consecutive frames, given as (original, quantized) CIELAB pairs.

    The one rule behind :func:`flicker_series`, for callers that see frames
    one at a time (:func:`core.convert`): the mean ΔE76 between the two
    quantized frames over the pixels whose original changed by less than
    ``STATIC_DELTA_E``; NaN with fewer than ``MIN_STATIC_PIXELS`` such
    pixels or frames of different sizes.

    Parameters
    ----------
    previous, current : (ndarray, ndarray)
        :func:`lab_pixels` of the original and of the quantized frame.

    Returns
    -------
    float
    """
    (prev_o, prev_q), (lo, lq) = previous, current
    if prev_o.shape != lo.shape:
        return float("nan")
    static = np.linalg.norm(lo - prev_o, axis=2) < STATIC_DELTA_E
    if np.count_nonzero(static) < MIN_STATIC_PIXELS:
        return float("nan")
    return float(np.linalg.norm(lq - prev_q, axis=2)[static].mean())


def flicker(originals: Sequence[np.ndarray], quantized: Sequence[np.ndarray]) -> float:
    """Temporal flicker of a quantized animation, in CIE76 ΔE.

    The mean over consecutive frame pairs of :func:`flicker_series`: for each
    pair, the mean ΔE76 between the two quantized frames over the pixels whose
    original colour changed by less than 2 ΔE76 (pairs with fewer than 100
    such pixels are skipped). 0 means static parts of the scene keep their
    colour exactly; NaN when no pair qualifies (a still image).

    Parameters
    ----------
    originals, quantized : sequence of ndarray, shape (H, W, 3), uint8

    Returns
    -------
    float
    """
    return mean_flicker(flicker_series(originals, quantized))


def mean_flicker(series: np.ndarray) -> float:
    """The flicker of a whole animation from :func:`flicker_series`: the mean over
    the pairs that were not skipped (NaN when none qualifies)."""
    valid = series[~np.isnan(series)]
    return float(valid.mean()) if valid.size else float("nan")


def lightness_ssim(source: np.ndarray, result: np.ndarray) -> float:
    """SSIM of the CIELAB L* channel between two RGB images ("structure kept").

    References
    ----------
    Wang, Z., Bovik, A. C., Sheikh, H. R. and Simoncelli, E. P. (2004). Image
    quality assessment: from error visibility to structural similarity. IEEE
    TIP 13(4).
    """
    source, result = _check_pair(source, result)
    la, lb = _lab_image(source)[..., 0], _lab_image(result)[..., 0]
    if min(la.shape) < 7:
        return float(1.0 - np.mean(np.abs(la - lb)) / 100.0)
    return float(structural_similarity(la, lb, data_range=100.0))


def palette_fidelity(result: np.ndarray, target_colors: np.ndarray) -> float:
    """Mean CIEDE2000 ΔE from each pixel of ``result`` to its nearest target palette colour.

    Parameters
    ----------
    result : ndarray, shape (H, W, 3), uint8
    target_colors : ndarray, shape (k, 3), uint8

    Returns
    -------
    float
        0 when every pixel is a target colour.
    """
    codes = pack_rgb(np.asarray(result, dtype=np.uint8))
    uniq, counts = np.unique(codes, return_counts=True)
    lab = to_space(unpack_rgb(uniq), "lab")
    tlab = to_space(np.asarray(target_colors).reshape(-1, 3), "lab")
    nearest = np.empty(len(lab))
    # Chunks bound the temporaries: a full-colour result has ~10^5 distinct
    # colours, and ΔE2000 of all of them against 256 colours at once takes GBs.
    step = max(1, 200_000 // len(tlab))
    for start in range(0, len(lab), step):
        part = lab[start : start + step]
        de = delta_e_2000_lab(
            np.repeat(part[:, None, :], len(tlab), axis=1),
            np.repeat(tlab[None, :, :], len(part), axis=0),
        )
        nearest[start : start + step] = de.min(axis=1)
    return float(np.sum(nearest * counts) / counts.sum())


def palette_coverage(result: np.ndarray, target_colors: np.ndarray) -> np.ndarray:
    """CIEDE2000 ΔE from each target palette colour to its nearest pixel of ``result``.

    The other side of :func:`palette_fidelity`: whether every colour of the
    target palette shows up in the result (0 when it is there exactly).

    Parameters
    ----------
    result : ndarray, shape (H, W, 3), uint8
    target_colors : ndarray, shape (k, 3), uint8

    Returns
    -------
    ndarray, shape (k,)
    """
    lab = to_space(unpack_rgb(np.unique(pack_rgb(np.asarray(result, dtype=np.uint8)))), "lab")
    tlab = to_space(np.asarray(target_colors).reshape(-1, 3), "lab")
    return np.array([delta_e_2000_lab(lab, np.broadcast_to(t, lab.shape)).min() for t in tlab])


@dataclass(frozen=True)
class Estimate:
    """Flicker and colour error of an animation, measured on a lattice of pixels.

    Attributes
    ----------
    series : ndarray, shape (n_frames - 1,)
        As :func:`flicker_series` gives it, on the lattice.
    flicker : float
        :func:`mean_flicker` of ``series``.
    mean_delta_e : float
        Mean CIEDE2000 ΔE over the lattice's pixels of every frame.
    step : int
        Every ``step``-th row and column was measured.
    """

    series: np.ndarray
    flicker: float
    mean_delta_e: float
    step: int


def lattice_step(size: tuple[int, int], pixels: int = LATTICE_PIXELS) -> int:
    """The row and column step that leaves about ``pixels`` of a (width, height) frame."""
    return max(1, int(np.ceil(np.sqrt(size[0] * size[1] / pixels))))


class LatticeMeter:
    """Flicker and ΔE2000 measured frame by frame on every ``step``-th row and column.

    Parameters
    ----------
    size : (int, int)
        (width, height) of the frames.
    pixels : int
        About this many pixels a frame are measured.
    """

    def __init__(self, size: tuple[int, int], pixels: int = LATTICE_PIXELS):
        self.step = lattice_step(size, pixels)
        self._previous = None
        self._pairs: list[float] = []
        self._error = self._counted = 0.0

    def add(self, original: np.ndarray, quantized: np.ndarray, alpha=None) -> None:
        """Measure the next frame against the one before."""
        s = self.step
        o = np.ascontiguousarray(np.asarray(original)[::s, ::s])
        q = np.ascontiguousarray(np.asarray(quantized)[::s, ::s])
        de, counts = delta_e_2000(o, q, None if alpha is None else alpha[::s, ::s])
        self._error += float(np.sum(de * counts))
        self._counted += float(counts.sum())
        current = lab_pixels(o), lab_pixels(q)
        if self._previous is not None:
            self._pairs.append(pair_flicker(self._previous, current))
        self._previous = current

    def restart(self) -> None:
        """Forget the last frame: the next one starts a new run (no flicker pair with it)."""
        self._previous = None

    def result(self) -> Estimate:
        """What was measured so far."""
        series = np.array(self._pairs, dtype=float)
        mean = self._error / self._counted if self._counted else 0.0
        return Estimate(series, mean_flicker(series), mean, self.step)


def estimate(originals: Sequence[np.ndarray], quantized: Sequence[np.ndarray], alphas=None,
             pixels: int = LATTICE_PIXELS) -> Estimate:
    """Flicker and mean ΔE2000 on every ``s``-th row and column (about ``pixels`` a frame).

    An unbiased estimate of :func:`flicker_series` and :func:`mean_delta_e`
    at a fraction of their cost on large frames (25x less at 640x360), on
    the same lattice as :func:`core.convert`'s report, so a preview and its
    export are measured alike (:class:`LatticeMeter` frame by frame).

    Parameters
    ----------
    originals, quantized : sequence of ndarray, shape (H, W, 3), uint8
    alphas : sequence of ndarray or None, optional
    pixels : int

    Returns
    -------
    Estimate
    """
    h, w = np.asarray(originals[0]).shape[:2]
    meter = LatticeMeter((w, h), pixels)
    alphas = [None] * len(originals) if alphas is None else alphas
    for o, q, a in zip(originals, quantized, alphas):
        meter.add(o, q, a)
    return meter.result()
