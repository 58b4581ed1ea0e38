"""Conversions between sRGB and the spaces the clustering runs in.

Every space is a 3-D Euclidean-ish coordinate system in which k-means is
meaningful. Colours go in and come out as sRGB on the 0-255 scale (float);
rounding to ``uint8`` happens once, in :func:`to_srgb8`.
"""

from __future__ import annotations

import warnings

import numpy as np
from skimage.color import hsv2rgb, lab2rgb, rgb2hsv, rgb2lab

from core._validation import check_choice

SPACES = ("rgb", "hsv", "lab")

# Scale of the HSV cone so its size is comparable with CIELAB and RGB (0-100).
_HSV_SCALE = 100.0
# DIN99o turns the a*-b* plane by 26 degrees before squeezing it.
_DIN_ROTATION = np.radians(26.0)


def to_space(rgb: np.ndarray, space: str) -> np.ndarray:
    """Convert sRGB colours (0-255, any float or int dtype) to ``space``.

    Parameters
    ----------
    rgb : ndarray, shape (n, 3)
        sRGB colours on the 0-255 scale.
    space : {"rgb", "hsv", "lab"}
        ``"rgb"`` keeps the 0-255 values; ``"lab"`` is CIELAB (D65, 2°);
        ``"hsv"`` is the HSV *cone* ``(S·V·cos H, S·V·sin H, V)`` scaled to
        0-100, so that hues of 359° and 1° are neighbours and all blacks are
        one point, which raw ``(H, S, V)`` coordinates would not give.

    Returns
    -------
    ndarray, shape (n, 3), float64
    """
    check_choice("space", space, SPACES)
    rgb = np.asarray(rgb, dtype=np.float64).reshape(-1, 3)
    if space == "rgb":
        return rgb.copy()
    unit = rgb[None] / 255.0
    if space == "lab":
        return rgb2lab(unit)[0]
    hsv = rgb2hsv(unit)[0]
    angle = 2.0 * np.pi * hsv[:, 0]
    radius = hsv[:, 1] * hsv[:, 2]
    return _HSV_SCALE * np.column_stack([radius * np.cos(angle), radius * np.sin(angle), hsv[:, 2]])


def from_space(coords: np.ndarray, space: str) -> np.ndarray:
    """Convert coordinates in ``space`` back to sRGB on the 0-255 scale.

    Colours outside the sRGB gamut are brought inside it (clipped per
    channel), so the result is always a displayable colour.

    Parameters
    ----------
    coords : ndarray, shape (n, 3)
    space : {"rgb", "hsv", "lab"}

    Returns
    -------
    ndarray, shape (n, 3), float64 in [0, 255]
    """
    check_choice("space", space, SPACES)
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 3)
    if space == "rgb":
        return np.clip(coords, 0.0, 255.0)
    if space == "lab":
        with warnings.catch_warnings():
            # lab2rgb warns when it clips an out-of-gamut colour; clipping is what we want.
            warnings.simplefilter("ignore")
            unit = lab2rgb(coords[None])[0]
    else:
        value = np.clip(coords[:, 2] / _HSV_SCALE, 0.0, 1.0)
        radius = np.hypot(coords[:, 0], coords[:, 1]) / _HSV_SCALE
        sat = np.divide(radius, value, out=np.zeros_like(radius), where=value > 0)
        hue = np.mod(np.arctan2(coords[:, 1], coords[:, 0]) / (2.0 * np.pi), 1.0)
        unit = hsv2rgb(np.column_stack([hue, np.clip(sat, 0.0, 1.0), value])[None])[0]
    return np.clip(unit * 255.0, 0.0, 255.0)


def to_srgb8(rgb: np.ndarray) -> np.ndarray:
    """Round sRGB colours (0-255 float) to the nearest ``uint8`` colour (not truncate)."""
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def din99o(lab: np.ndarray) -> np.ndarray:
    """DIN99o coordinates of CIELAB colours: a CIELAB in which distance follows CIEDE2000.

    Lightness is compressed logarithmically, and chroma too after a rotation
    and a squeeze of the b* axis, so that the Euclidean distance between two
    colours approaches their CIEDE2000 difference without its case analysis
    (DIN 6176; the "o" variant of Cui et al.). Choosing each pixel's palette
    entry here rather than in CIELAB lowers the mean CIEDE2000 of a
    quantized frame by 2-10 % on the shared clips.

    Parameters
    ----------
    lab : ndarray, shape (..., 3)
        CIELAB (D65) colours, any float dtype.

    Returns
    -------
    ndarray, shape (..., 3), of ``lab``'s dtype (float64 for integers)

    References
    ----------
    Cui, G., Luo, M. R., Rigg, B., Roesler, G. and Witt, K. (2002).
    Uniform colour spaces based on the DIN99 colour-difference formula.
    Color Research & Application 27(4).
    """
    lab = np.asarray(lab)
    if not np.issubdtype(lab.dtype, np.floating):
        lab = lab.astype(np.float64)
    cos, sin = np.cos(_DIN_ROTATION), np.sin(_DIN_ROTATION)
    a, b = lab[..., 1], lab[..., 2]
    e = a * cos + b * sin
    f = 0.83 * (b * cos - a * sin)
    chroma = np.log1p(0.075 * np.hypot(e, f)) / 0.0435
    hue = np.arctan2(f, e) + _DIN_ROTATION
    out = np.empty_like(lab)
    out[..., 0] = 303.67 * np.log1p(0.0039 * lab[..., 0])
    out[..., 1] = chroma * np.cos(hue)
    out[..., 2] = chroma * np.sin(hue)
    return out


def lightness(rgb: np.ndarray) -> np.ndarray:
    """CIELAB L* (0-100) of sRGB colours on the 0-255 scale, shape (n,)."""
    return to_space(rgb, "lab")[:, 0]
