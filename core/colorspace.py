"""Conversions between sRGB and the spaces the clustering runs in.

Every space is a 3-D Euclidean-ish coordinate system in which k-means is
meaningful. Colours go in and come out as sRGB on the 0-255 scale (float);
rounding to ``uint8`` happens once, in :func:`to_srgb8`.

The five spaces, all on scales of about 0-100 so a distance means roughly
the same in each:

- ``"rgb"``: the sRGB numbers themselves (0-255);
- ``"hsv"``: the HSV *cone*, where hue wraps around;
- ``"lab"``: CIELAB (D65, 2°), whose Euclidean distance is ΔE76;
- ``"oklab"``: Björn Ottosson's Oklab (2020), multiplied by 100 so that L
  runs from 0 to 100 like CIELAB's L* (a and b then lie within about ±40).
  Its just-noticeable difference, about 0.02 unscaled, becomes about 2,
  close to CIELAB's. ffmpeg's palettegen / paletteuse and gifsicle measure
  colour differences in Oklab;
- ``"din99o"``: DIN99o (:func:`din99o`), CIELAB with lightness and chroma
  compressed so that its Euclidean distance follows CIEDE2000, the colour
  error the app reports. Clustering there lowers the mean ΔE2000 of photos
  (``bench/bench_spaces.py``); compressed chroma also weighs a small vivid
  detail less, which may then lose its own entry.
"""

from __future__ import annotations

import warnings

import numpy as np
from skimage.color import hsv2rgb, lab2rgb, rgb2hsv, rgb2lab

from core._validation import check_choice

SPACES = ("rgb", "hsv", "lab", "oklab", "din99o")

# Scale of the HSV cone so its size is comparable with CIELAB and RGB (0-100).
_HSV_SCALE = 100.0
# Oklab's L runs from 0 to 1; scaled to 0-100 like CIELAB's L*.
_OKLAB_SCALE = 100.0

# Oklab, from Ottosson (2020), "A perceptual color space for image processing",
# https://bottosson.github.io/posts/oklab/ (the reference implementation's
# numbers). M1 takes CIE XYZ (D65) to cone-like responses l, m, s; the
# reference implementation folds the sRGB-to-XYZ matrix into it, giving
# _LINEAR_SRGB_TO_LMS; M2 takes the cube roots l', m', s' to L, a, b.
_XYZ_TO_LMS = np.array([
    [0.8189330101, 0.3618667424, -0.1288597137],
    [0.0329845436, 0.9293118715, 0.0361456387],
    [0.0482003018, 0.2643662691, 0.6338517070],
])
_LINEAR_SRGB_TO_LMS = np.array([
    [0.4122214708, 0.5363325363, 0.0514459929],
    [0.2119034982, 0.6806995451, 0.1073969566],
    [0.0883024619, 0.2817188376, 0.6299787005],
])
_LMS_TO_OKLAB = np.array([
    [0.2104542553, 0.7936177850, -0.0040720468],
    [1.9779984951, -2.4285922050, 0.4505937099],
    [0.0259040371, 0.7827717662, -0.8086757660],
])
_OKLAB_TO_LMS = np.array([
    [1.0, 0.3963377774, 0.2158037573],
    [1.0, -0.1055613458, -0.0638541728],
    [1.0, -0.0894841775, -1.2914855480],
])
_LMS_TO_LINEAR_SRGB = np.array([
    [4.0767416621, -3.3077115913, 0.2309699292],
    [-1.2684380046, 2.6097574011, -0.3413193965],
    [-0.0041960863, -0.7034186147, 1.7076147010],
])
# DIN99o turns the a*-b* plane by 26 degrees before squeezing it.
_DIN_ROTATION = np.radians(26.0)


def to_space(rgb: np.ndarray, space: str, dtype=np.float64) -> np.ndarray:
    """Convert sRGB colours (0-255, any float or int dtype) to ``space``.

    Parameters
    ----------
    rgb : ndarray, shape (n, 3)
        sRGB colours on the 0-255 scale.
    space : {"rgb", "hsv", "lab", "oklab", "din99o"}
        ``"rgb"`` keeps the 0-255 values; ``"lab"`` is CIELAB (D65, 2°);
        ``"hsv"`` is the HSV *cone* ``(S·V·cos H, S·V·sin H, V)`` scaled to
        0-100, so that hues of 359° and 1° are neighbours and all blacks are
        one point, which raw ``(H, S, V)`` coordinates would not give;
        ``"oklab"`` is Oklab times 100 (:func:`linear_srgb_to_oklab`);
        ``"din99o"`` is DIN99o of CIELAB (:func:`din99o`).
    dtype : {np.float64, np.float32}
        Precision of the work and of the result. float32 converts to CIELAB
        2.4x faster (scikit-image keeps float32), about 1e-5 off float64:
        the stable mode's colour cells use it, once a frame.

    Returns
    -------
    ndarray, shape (n, 3), of ``dtype``
    """
    check_choice("space", space, SPACES)
    rgb = np.asarray(rgb, dtype=dtype).reshape(-1, 3)
    if space == "rgb":
        return rgb.copy()
    unit = rgb[None] / rgb.dtype.type(255)
    if space == "lab":
        return rgb2lab(unit)[0]
    if space == "oklab":
        return (_OKLAB_SCALE * linear_srgb_to_oklab(_linear(unit[0]))).astype(dtype, copy=False)
    if space == "din99o":
        return din99o(rgb2lab(unit)[0])
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
    space : {"rgb", "hsv", "lab", "oklab", "din99o"}

    Returns
    -------
    ndarray, shape (n, 3), float64 in [0, 255]
    """
    check_choice("space", space, SPACES)
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 3)
    if space == "rgb":
        return np.clip(coords, 0.0, 255.0)
    if space == "din99o":
        coords, space = din99o_to_lab(coords), "lab"
    if space == "lab":
        with warnings.catch_warnings():
            # lab2rgb warns when it clips an out-of-gamut colour; clipping is what we want.
            warnings.simplefilter("ignore")
            unit = lab2rgb(coords[None])[0]
    elif space == "oklab":
        unit = _encoded(np.clip(oklab_to_linear_srgb(coords / _OKLAB_SCALE), 0.0, 1.0))
    else:
        value = np.clip(coords[:, 2] / _HSV_SCALE, 0.0, 1.0)
        radius = np.hypot(coords[:, 0], coords[:, 1]) / _HSV_SCALE
        sat = np.divide(radius, value, out=np.zeros_like(radius), where=value > 0)
        hue = np.mod(np.arctan2(coords[:, 1], coords[:, 0]) / (2.0 * np.pi), 1.0)
        unit = hsv2rgb(np.column_stack([hue, np.clip(sat, 0.0, 1.0), value])[None])[0]
    return np.clip(unit * 255.0, 0.0, 255.0)


def linear_srgb_to_oklab(linear: np.ndarray) -> np.ndarray:
    """Oklab ``(L, a, b)`` (unscaled: white is L = 1) of linear-light sRGB (0-1), shape (n, 3).

    References
    ----------
    Ottosson, B. (2020). A perceptual color space for image processing.
    https://bottosson.github.io/posts/oklab/
    """
    lms = np.asarray(linear, dtype=np.float64) @ _LINEAR_SRGB_TO_LMS.T
    return np.cbrt(lms) @ _LMS_TO_OKLAB.T


def xyz_to_oklab(xyz: np.ndarray) -> np.ndarray:
    """Oklab ``(L, a, b)`` (unscaled) of CIE XYZ (D65, Y of white = 1), shape (n, 3).

    Ottosson's published M1 and M2; his post checks them on XYZ test pairs.
    """
    return np.cbrt(np.asarray(xyz, dtype=np.float64) @ _XYZ_TO_LMS.T) @ _LMS_TO_OKLAB.T


def oklab_to_linear_srgb(oklab: np.ndarray) -> np.ndarray:
    """Linear-light sRGB of unscaled Oklab ``(L, a, b)``, shape (n, 3); may leave 0-1."""
    lms = (np.asarray(oklab, dtype=np.float64) @ _OKLAB_TO_LMS.T) ** 3
    return lms @ _LMS_TO_LINEAR_SRGB.T


def _linear(unit: np.ndarray) -> np.ndarray:
    # The sRGB transfer function (IEC 61966-2-1), encoded 0-1 to linear light; the
    # power only where it applies (most colours), not over the whole array twice.
    out = unit / 12.92
    curved = unit > 0.04045
    out[curved] = ((unit[curved] + 0.055) / 1.055) ** 2.4
    return out


def _encoded(linear: np.ndarray) -> np.ndarray:
    # Its inverse, linear light 0-1 to encoded sRGB 0-1.
    return np.where(
        linear <= 0.0031308, 12.92 * linear, 1.055 * np.power(linear, 1.0 / 2.4) - 0.055
    )


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
    quantized frame by 2-10 % on real clips (``bench/bench_spaces.py``).

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


def din99o_to_lab(din: np.ndarray) -> np.ndarray:
    """CIELAB of DIN99o coordinates: the inverse of :func:`din99o`.

    Parameters
    ----------
    din : ndarray, shape (..., 3)

    Returns
    -------
    ndarray, shape (..., 3), float64
    """
    din = np.asarray(din, dtype=np.float64)
    chroma = np.expm1(0.0435 * np.hypot(din[..., 1], din[..., 2])) / 0.075
    hue = np.arctan2(din[..., 2], din[..., 1]) - _DIN_ROTATION
    e, f = chroma * np.cos(hue), chroma * np.sin(hue) / 0.83
    cos, sin = np.cos(_DIN_ROTATION), np.sin(_DIN_ROTATION)
    out = np.empty_like(din)
    out[..., 0] = np.expm1(din[..., 0] / 303.67) / 0.0039
    out[..., 1] = e * cos - f * sin
    out[..., 2] = e * sin + f * cos
    return out


def lightness(rgb: np.ndarray) -> np.ndarray:
    """CIELAB L* (0-100) of sRGB colours on the 0-255 scale, shape (n,)."""
    return to_space(rgb, "lab")[:, 0]
