"""Which palette colour each colour follows: a soft Voronoi partition of CIELAB.

A recolouring moves every colour by a blend of the palette's edits
(:func:`core.recolor`); these are the blend's weights. Chang et al. (2015)
weigh the edits with Gaussian radial basis functions over the palette; with
their width (the mean distance between palette colours) a colour halfway into
a swatch's region still follows it only part of the way, and regions far from
the edited swatch move too. Here each colour belongs to its nearest palette
colour (the region the quantized picture paints with that swatch) and the
blend happens in a band across the border between two regions: a smooth step
of the signed distance to their bisecting plane. Between two unedited
colours the band is centred on the border and ``width`` ΔE76 each side.

An edited (``lead``) swatch's weight is the product of its steps against
every other palette colour, so it is 1 at its own colour, 0 at an unedited
one, and the edited weights never sum past 1; the unedited colours share the
rest. Its band against an unedited neighbour must carry the whole edit, so
it is made at least :data:`SPREAD` times the edit's length wide: the move
then changes by at most about 1.5 ΔE per ΔE crossed, and neither the steps
of a smooth ramp nor an animation's noise grow much, however large the edit.
The band starts past the border on the neighbour's side and takes what it
needs from there first: up to ``2 * min(width, gap / 4)`` into a neighbour
:data:`CLOSE` ΔE76 or more away (its region stays nearly still), up to
:data:`PAST` gaps beyond the colour of a closer one (so a close neighbour
follows part of the way, as under the paper's Gaussians); only what is
still missing reaches back into the edited region, at most to the edited
colour itself.
"""

from __future__ import annotations

import numpy as np

#: How far past the border, as a fraction of the distance between the two
#: palette colours, the band of an edited colour reaches into a far neighbour.
LEAD_REACH = 0.5
#: The band between an edited and an unedited colour is at least this many
#: times the edit's length wide (ΔE76 over ΔE76): it bounds the move's slope.
SPREAD = 1.0
#: Unedited neighbours closer than this (ΔE76) to an edited colour may follow
#: it part of the way; the farther ones keep their colour.
CLOSE = 40.0
#: How far the band may reach beyond a close neighbour's colour, in gaps.
PAST = 3.0


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
    lengths: np.ndarray | None = None,
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
        palette colours closer than ``2 * width`` the band narrows so that it
        stops short of both.
    lead : ndarray of bool, shape (k,), optional
        The edited palette colours: their whole region follows them.
    lengths : ndarray, shape (k,), optional
        The length of each edit (ΔE76); the band between an edited and an
        unedited colour is at least :data:`SPREAD` times it wide
        (:func:`lead_band`). Zero (the default) keeps the narrow band.

    Returns
    -------
    ndarray, shape (n, k)
        Non-negative weights; each row sums to 1.

    Notes
    -----
    For a pair ``i, j`` at distance ``g``, the signed distance of ``x`` from
    their bisecting plane is ``m = (|x - c_j|² - |x - c_i|²) / (2 g)``
    (positive on ``i``'s side); the pair's step for ``i`` rises smoothly from
    0 to 1 over a band ``lo <= m <= hi``. A leading colour's weight is the
    product of its steps against all others (between two leading colours
    the band is centred and the two steps sum to 1, so the leading weights
    sum to at most 1). The unedited colours share the rest, each by the
    product of its steps against the other unedited colours, normalised:
    there the nearest one's steps are all at least 1/2, so the sum never
    vanishes. Identical palette colours share their region equally.
    """
    lab = np.asarray(lab, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    k = len(centers)
    lead = np.zeros(k, dtype=bool) if lead is None else np.asarray(lead, dtype=bool)
    lengths = np.zeros(k) if lengths is None else np.asarray(lengths, dtype=np.float64)
    d2 = ((lab[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    weights = np.zeros_like(d2)
    for i in np.flatnonzero(lead):
        weights[:, i] = 1.0
        for j in range(k):
            if j != i:
                gap = float(np.linalg.norm(centers[i] - centers[j]))
                band = (-min(width, gap / 2.0), min(width, gap / 2.0)) if lead[j] \
                    else lead_band(gap, width, lengths[i])
                weights[:, i] *= _step(d2[:, i], d2[:, j], gap, band)
    rest = np.flatnonzero(~lead)
    if len(rest):
        left = 1.0 - weights.sum(axis=1, keepdims=True)
        weights[:, rest] = _shares(d2[:, rest], centers[rest], width) * np.maximum(left, 0.0)
    return weights


def lead_band(gap: float, width: float, length: float) -> tuple[float, float]:
    """Where an edited colour's weight rises from 0 to 1 against an unedited neighbour.

    Parameters
    ----------
    gap : float
        Distance (ΔE76) between the two palette colours.
    width : float
        The blend's half-width (ΔE76).
    length : float
        The edit's length (ΔE76).

    Returns
    -------
    lo, hi : float
        The band's ends as signed distances from the border (positive on the
        edited side): ``hi - lo`` is at least ``SPREAD * length`` where the
        edited colour's own half of the gap leaves room.
    """
    narrow = 2.0 * min(width, LEAD_REACH * gap / 2.0)
    wanted = max(narrow, SPREAD * length)
    # Past the border first: a far neighbour gives only a rim, a close one may
    # follow; what is still missing comes out of the edited region itself.
    reach = (0.5 + PAST) * gap if gap < CLOSE else narrow
    lo = -min(reach, wanted)
    return lo, min(gap / 2.0, max(0.0, lo + wanted))


def _step(d2_i, d2_j, gap: float, band: tuple[float, float]) -> np.ndarray:
    # i's step against j: the smooth step across the band of the signed distance m.
    if gap < 1e-9:
        return np.full(d2_i.shape, 0.5)
    lo, hi = band
    m = (d2_j - d2_i) / (2.0 * gap)
    return smooth_step((2.0 * m - lo - hi) / (hi - lo))


def _shares(d2: np.ndarray, centers: np.ndarray, width: float) -> np.ndarray:
    # The unedited colours' split among themselves: centred bands, normalised.
    k = len(centers)
    share = np.ones_like(d2)
    for i in range(k):
        for j in range(i + 1, k):
            gap = float(np.linalg.norm(centers[i] - centers[j]))
            half = min(width, gap / 2.0)
            factor = _step(d2[:, i], d2[:, j], gap, (-half, half))
            share[:, i] *= factor
            share[:, j] *= 1.0 - factor
    return share / share.sum(axis=1, keepdims=True)
