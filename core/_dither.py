"""Dithering: choosing each pixel's palette entry so that areas mix colours.

Three methods, for a palette that is already chosen:

- ``"none"``: every pixel takes its nearest entry (CIELAB, ΔE76);
- ``"bayer"``: ordered dithering with an 8x8 Bayer threshold matrix. The
  pattern is fixed to the pixel grid, so a static area gets the same pattern
  in every frame and does not crawl;
- ``"floyd-steinberg"``: error diffusion (Pillow's). Smoother on stills, but
  the diffused error depends on everything above and to the left, so in an
  animation static areas shimmer when anything else moves.

``bench/bench_temporal.py`` measures the flicker of each on the seed GIF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from PIL import Image

from core._cluster import assign
from core._histogram import color_histogram
from core._result import QuantizeResult, result_from_labels
from core._validation import (
    check_choice,
    check_frames,
    check_image,
    check_palette_colors,
    opaque_mask,
)
from core.colorspace import to_space

METHODS = ("none", "bayer", "floyd-steinberg")


def bayer_matrix(order: int = 3) -> np.ndarray:
    """The ``2**order`` square Bayer index matrix, as thresholds in (0, 1).

    Built by the recursion ``M(2n) = [[4M, 4M+2], [4M+3, 4M+1]]``; entry
    ``m`` becomes ``(m + 0.5) / n**2``.

    References
    ----------
    Bayer, B. E. (1973). An optimum method for two-level rendition of
    continuous-tone pictures. IEEE International Conference on Communications.
    """
    m = np.zeros((1, 1), dtype=np.int64)
    for _ in range(order):
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return (m + 0.5) / m.size


def _palette_spread(colors: np.ndarray) -> float:
    # Typical gap between neighbouring entries (sRGB units): the dither offsets
    # span it, so a colour between two entries mixes them in proportion.
    c = colors.astype(np.float64)
    if len(c) < 2:
        return 0.0
    d = np.linalg.norm(c[:, None, :] - c[None, :, :], axis=2)
    np.fill_diagonal(d, np.inf)
    return float(np.median(d.min(axis=1)))


def dither(
    image: np.ndarray, colors: np.ndarray, method: str = "none", alpha: np.ndarray | None = None
) -> np.ndarray:
    """Palette index of every pixel of ``image`` for the palette ``colors``.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
    colors : ndarray, shape (k, 3), uint8
        sRGB palette, 1 to 256 entries.
    method : {"none", "bayer", "floyd-steinberg"}
    alpha : ndarray, shape (H, W), optional
        Pixels with alpha below 128 take their nearest entry (no pattern);
        with ``"floyd-steinberg"`` they still pass on their error.

    Returns
    -------
    ndarray of uint8, shape (H, W)

    Raises
    ------
    ValueError
        For an unknown method, a bad image, or a palette that is not (k, 3)
        with 1 <= k <= 256.

    Notes
    -----
    ``"bayer"`` adds the threshold ``(t - 1/2) * s`` to all three sRGB
    channels of the pixel at grid position ``(y mod 8, x mod 8)``, with ``s``
    the median gap between neighbouring palette entries, and then takes the
    nearest entry in CIELAB. gamma-encoded sRGB is roughly perceptually even
    in lightness, so the pattern's steps look even. The same (colour,
    position) always gives the same entry, so each distinct pair is looked
    up once.

    References
    ----------
    Bayer, B. E. (1973), see :func:`bayer_matrix`. Floyd, R. W. and
    Steinberg, L. (1976). An adaptive algorithm for spatial greyscale.
    Proceedings of the Society for Information Display 17(2).
    """
    check_choice("method", method, METHODS)
    image = check_image(image)
    colors = check_palette_colors(colors)
    shape = image.shape[:2]
    opaque = opaque_mask(alpha, shape)
    hist = color_histogram(image)
    palette_lab = to_space(colors, "lab")
    nearest = np.take(assign(to_space(hist.colors, "lab"), palette_lab), hist.index)
    if method == "none" or len(colors) == 1:
        return nearest.reshape(shape).astype(np.uint8)
    if method == "bayer":
        labels = _bayer(hist, shape, colors, palette_lab)
    else:
        labels = _floyd_steinberg(image, colors)
    if opaque is not None:
        labels = np.where(opaque.reshape(-1), labels, nearest)
    return labels.reshape(shape).astype(np.uint8)


def _bayer(hist, shape, colors, palette_lab) -> np.ndarray:
    matrix = bayer_matrix().reshape(-1)
    cells = matrix.size
    n = int(np.sqrt(cells))
    h, w = shape
    position = (np.arange(h)[:, None] % n) * n + (np.arange(w)[None, :] % n)
    pair = hist.index.astype(np.int64) * cells + position.reshape(-1)
    offset = (matrix - 0.5) * _palette_spread(colors)
    if len(hist.colors) * cells <= pair.size:
        # Few colours (a GIF frame): look every (colour, position) pair up once.
        shifted = hist.colors[:, None, :] + offset[None, :, None]
        chosen = assign(to_space(np.clip(shifted.reshape(-1, 3), 0, 255), "lab"), palette_lab)
        return np.take(chosen, pair)
    pairs, inverse = np.unique(pair, return_inverse=True)
    shifted = hist.colors[pairs // cells] + offset[pairs % cells, None]
    chosen = assign(to_space(np.clip(shifted, 0, 255), "lab"), palette_lab)
    return np.take(chosen, inverse.reshape(-1))


def _floyd_steinberg(image, colors) -> np.ndarray:
    # Pillow ignores dither= unless a palette image is given; unused entries are
    # filled with copies of entry 0 (black padding could be picked) and mapped back.
    k = len(colors)
    table = np.repeat(colors[:1], 256, axis=0)
    table[:k] = colors
    palette_image = Image.new("P", (1, 1))
    palette_image.putpalette(table.reshape(-1).tolist())
    out = Image.fromarray(image, "RGB").quantize(
        palette=palette_image, dither=Image.Dither.FLOYDSTEINBERG
    )
    labels = np.asarray(out).reshape(-1)
    return np.where(labels < k, labels, 0)


def redraw(
    frame: np.ndarray,
    result: QuantizeResult,
    method: str,
    alpha: np.ndarray | None = None,
    previous: QuantizeResult | None = None,
) -> QuantizeResult:
    """``result`` re-drawn from ``frame`` with dithering, keeping its palette and centres.

    Parameters
    ----------
    frame : ndarray, shape (H, W, 3), uint8
        The original frame.
    result : QuantizeResult
        Its quantization.
    method : {"none", "bayer", "floyd-steinberg"}
    alpha : ndarray, shape (H, W), optional
        Shares count opaque pixels only.
    previous : QuantizeResult, optional
        The previous frame's re-drawn result. Where ``result`` holds pixels
        (the ``"stable"`` mode's ``held``), they show ``previous``'s colours,
        so the pattern of a still area stays put instead of crawling.

    Returns
    -------
    QuantizeResult
        Same palette colours and centres, new labels, image and shares.
    """
    # Entries are chosen among the colours pixels were matched against (the
    # picture's own under a lightness-ordered fixed palette) and painted in the palette's.
    matched = result.palette.colors if result.matched is None else result.matched
    labels = dither(frame, matched, method, alpha)
    redrawn = result_from_labels(
        result.palette.colors, labels, result.centers, result.space,
        opaque_mask(alpha, labels.shape),
    )
    redrawn = replace(redrawn, matched=result.matched)
    if result.held is not None and previous is not None:
        np.copyto(redrawn.image, previous.image, where=result.held[..., None])
        redrawn = replace(redrawn, held=result.held)
    return redrawn


def dither_results(
    frames: Sequence[np.ndarray],
    results: Sequence[QuantizeResult],
    method: str,
    alphas: Sequence[np.ndarray | None] | None = None,
) -> list[QuantizeResult]:
    """Re-draw quantized frames with dithering (:func:`redraw` on each).

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
        The original frames.
    results : sequence of QuantizeResult
        One per frame (e.g. from :func:`core.quantize_frames`).
    method : {"none", "bayer", "floyd-steinberg"}
    alphas : sequence of ndarray or None, optional
        Per-frame alpha; shares count opaque pixels only.

    Returns
    -------
    list of QuantizeResult
        Same palette colours and centres, new labels, image and shares. Where
        a result holds pixels (the ``"stable"`` mode's ``held``), they show
        the previous *dithered* frame there, so still areas stay still.
    """
    check_choice("method", method, METHODS)
    frames, alphas = check_frames(frames, alphas)
    results = list(results)
    if len(frames) != len(results):
        raise ValueError(f"{len(frames)} frames but {len(results)} results.")
    out = []
    for frame, res, alpha in zip(frames, results, alphas):
        out.append(redraw(frame, res, method, alpha, previous=out[-1] if out else None))
    return out
