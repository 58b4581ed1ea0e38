"""The sRGB gamut seen from CIELAB: is a colour displayable, and how far can it move.

Recolouring moves colours in CIELAB, where the sRGB gamut is a lopsided,
slightly non-convex solid; a move that leaves it would be clipped per channel
when converted back, which flattens saturated areas into blotches. These
helpers let a move stop short of the boundary instead: :func:`room` finds how
far a colour can go in a direction (a binary search, as in Chang et al. 2015),
and :func:`into_gamut` pulls a colour in by lowering its chroma.

The conversion is CIELAB (D65, 2°) to linear-light sRGB with the same white
point and matrix as scikit-image's ``lab2rgb`` (and so as
:func:`core.colorspace.from_space`); a colour is inside when every linear
channel lies in [0, 1].
"""

from __future__ import annotations

import numpy as np

# scikit-image's D65 white and sRGB-to-XYZ matrix (skimage.color.colorconv).
_WHITE = np.array([0.95047, 1.0, 1.08883])
_XYZ_FROM_RGB = np.array([
    [0.412453, 0.357580, 0.180423],
    [0.212671, 0.715160, 0.072169],
    [0.019334, 0.119193, 0.950227],
])
_RGB_FROM_XYZ = np.linalg.inv(_XYZ_FROM_RGB)
# CIELAB's f^-1 switches from a cube to a line at t = 6/29.
_KNEE = 6.0 / 29.0
# Linear channels this far outside [0, 1] still count as inside: the sRGB
# corners themselves convert to -1e-16 or 1 + 1e-16.
_TOLERANCE = 1e-9
#: Halvings of a search interval: a 150 ΔE interval ends below 0.01 ΔE.
SEARCH_STEPS = 14


def lab_to_linear(lab: np.ndarray) -> np.ndarray:
    """Linear-light sRGB (0-1 inside the gamut, beyond it outside) of CIELAB colours.

    Parameters
    ----------
    lab : ndarray, shape (..., 3)

    Returns
    -------
    ndarray, shape (..., 3), float64
    """
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab[..., 1] / 500.0, fy, fy - lab[..., 2] / 200.0], axis=-1)
    xyz = np.where(f > _KNEE, f**3, 3.0 * _KNEE**2 * (f - 4.0 / 29.0)) * _WHITE
    return xyz @ _RGB_FROM_XYZ.T


def inside(lab: np.ndarray) -> np.ndarray:
    """Whether each CIELAB colour is inside the sRGB gamut, shape (...)."""
    linear = lab_to_linear(lab)
    return np.all((linear >= -_TOLERANCE) & (linear <= 1.0 + _TOLERANCE), axis=-1)


def room(origin: np.ndarray, direction: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """How far each colour can move along a unit direction and stay in the gamut.

    The largest ``t`` in ``[0, limit]`` with ``origin + t * direction`` inside,
    by binary search (:data:`SEARCH_STEPS` halvings) where the end of the
    interval is outside. The gamut is taken as star-shaped from ``origin``
    (true of sRGB in CIELAB but for slivers near its blue corner).

    Parameters
    ----------
    origin : ndarray, shape (n, 3)
        CIELAB colours, inside the gamut (an outside one gets about 0).
    direction : ndarray, shape (n, 3) or (3,)
        Unit vectors.
    limit : ndarray, shape (n,)
        Longest move asked about; a colour with more room gets ``limit``.

    Returns
    -------
    ndarray, shape (n,)

    References
    ----------
    Chang, H., Fried, O., Liu, Y., DiVerdi, S. and Finkelstein, A. (2015).
    Palette-based photo recoloring. ACM Transactions on Graphics 34(4),
    section 4.3: the gamut boundary along a ray, found by binary search.
    """
    origin = np.asarray(origin, dtype=np.float64)
    direction = np.broadcast_to(np.asarray(direction, dtype=np.float64), origin.shape)
    limit = np.broadcast_to(np.asarray(limit, dtype=np.float64), origin.shape[:1])
    out = limit.copy()
    search = np.flatnonzero(~inside(origin + limit[:, None] * direction))
    if search.size == 0:
        return out
    o, d = origin[search], direction[search]
    low, high = np.zeros(search.size), limit[search].copy()
    for _ in range(SEARCH_STEPS):
        mid = 0.5 * (low + high)
        ok = inside(o + mid[:, None] * d)
        low = np.where(ok, mid, low)
        high = np.where(ok, high, mid)
    out[search] = low
    return out


def into_gamut(lab: np.ndarray) -> np.ndarray:
    """CIELAB colours brought inside the sRGB gamut by lowering chroma at the same hue.

    L* is clipped to [0, 100]; a colour already inside is returned as it is.
    Lowering chroma keeps lightness and hue, the two a viewer notices most,
    unlike clipping each sRGB channel, which shifts both.

    Parameters
    ----------
    lab : ndarray, shape (n, 3)

    Returns
    -------
    ndarray, shape (n, 3), float64
    """
    out = np.array(lab, dtype=np.float64).reshape(-1, 3)
    out[:, 0] = np.clip(out[:, 0], 0.0, 100.0)
    fix = np.flatnonzero(~inside(out))
    if fix.size == 0:
        return out
    grey = out[fix] * np.array([1.0, 0.0, 0.0])
    chroma = out[fix] - grey
    length = np.linalg.norm(chroma, axis=1)
    unit = chroma / length[:, None]
    out[fix] = grey + unit * room(grey, unit, length)[:, None]
    return out
