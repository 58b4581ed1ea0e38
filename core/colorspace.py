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


def lightness(rgb: np.ndarray) -> np.ndarray:
    """CIELAB L* (0-100) of sRGB colours on the 0-255 scale, shape (n,)."""
    return to_space(rgb, "lab")[:, 0]
