"""Which palette colour each colour follows: a soft Voronoi partition of CIELAB.

A recolouring moves every colour by a blend of the palette's edits
(:func:`core.recolor`); these are the blend's weights. Chang et al. (2015)
weigh the edits with Gaussian radial basis functions over the palette; with
their width (the mean distance between palette colours) a colour halfway into
a swatch's region still follows it only part of the way, and regions far from
the edited swatch move too. Here each colour belongs to its nearest palette
colour (the region the quantized picture paints with that swatch) and the
blend happens only in a band of half-width ``width`` ΔE76 around the border
between two regions: a smooth step of the signed distance to their
bisecting plane. The weights are smooth, sum to 1, are exactly 1 at every
palette colour (so an unedited palette colour stays exactly where it is),
and exactly 0 outside the band.

With ``lead`` swatches (the edited ones), a band between a leading and a
non-leading swatch lies wholly on the non-leading side of the border: the
edited swatch's whole region follows its edit, and the blend takes a rim of
its neighbour instead, reaching at most to the neighbour's own colour
(:data:`LEAD_REACH` of their distance past the border), which stays.
"""

from __future__ import annotations

import numpy as np

#: How far past the border, as a fraction of the distance between the two
#: palette colours, a leading band may reach into its neighbour's region.
LEAD_REACH = 0.5


def smooth_step(t: np.ndarray) -> np.ndarray:
    """0 for ``t <= -1``, 1 for ``t >= 1``, and the cubic ``3s² - 2s³`` of ``s = (t + 1) / 2``
    between: continuous with a continuous slope, and ``1 - smooth_step(-t)``."""
    s = np.clip(0.5 * (np.asarray(t, dtype=np.float64) + 1.0), 0.0, 1.0)
    return s * s * (3.0 - 2.0 * s)


def ownership(
    lab: np.ndarray,
    centers: np.ndarray,
    width: float,
    lead: np.ndarray | None = None,
) -> np.ndarray:
    """How much each colour follows each palette colour.

    Parameters
    ----------
    lab : ndarray, shape (n, 3)
        CIELAB colours.
    centers : ndarray, shape (k, 3)
        The palette in CIELAB.
    width : float
        Half-width in ΔE76 of the band where two regions blend. Between two
        palette colours closer than ``2 * width`` (``4 * width`` with a
        leading one) the band narrows so that it stops short of both.
    lead : ndarray of bool, shape (k,), optional
        Palette colours whose region follows them up to its border.

    Returns
    -------
    ndarray, shape (n, k)
        Non-negative weights; each row sums to 1.

    Notes
    -----
    For a pair ``i, j`` at distance ``g``, the signed distance of ``x`` from
    their bisecting plane is ``m = (|x - c_j|² - |x - c_i|²) / (2 g)``
    (positive on ``i``'s side). The pair's factor for ``i`` is
    ``smooth_step((m + shift) / w)`` and for ``j`` one minus that (``shift``
    is ``±w`` when one of them leads, else 0); a colour's
    weight for ``i`` is the product of ``i``'s factors over all pairs,
    normalised over ``i``. Without leading colours the nearest palette
    colour's factors are all at least 1/2, so the sum never vanishes; where
    leading bands overlap it can, and such a colour follows its nearest
    palette colour alone. Identical palette colours share their region
    equally.
    """
    lab = np.asarray(lab, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    k = len(centers)
    lead = np.zeros(k, dtype=bool) if lead is None else np.asarray(lead, dtype=bool)
    d2 = ((lab[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    weights = np.ones_like(d2)
    for i in range(k):
        for j in range(i + 1, k):
            factor = _pair_factor(d2[:, i], d2[:, j], centers[i], centers[j], width,
                                  int(lead[i]) - int(lead[j]))
            weights[:, i] *= factor
            weights[:, j] *= 1.0 - factor
    total = weights.sum(axis=1, keepdims=True)
    lost = total[:, 0] < 1e-12
    if np.any(lost):
        weights[lost] = 0.0
        weights[lost, np.argmin(d2[lost], axis=1)] = 1.0
        total[lost] = 1.0
    return weights / total


def _pair_factor(d2_i, d2_j, center_i, center_j, width: float, side: int) -> np.ndarray:
    # side: +1 when only i leads (the band moves onto j's side), -1 when only j does.
    gap = float(np.linalg.norm(center_i - center_j))
    if gap < 1e-9:
        return np.full(d2_i.shape, 0.5)
    w = min(width, LEAD_REACH * gap / 2.0) if side else min(width, gap / 2.0)
    m = (d2_j - d2_i) / (2.0 * gap)
    return smooth_step((m + side * w) / w)
