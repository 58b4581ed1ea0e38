"""Scene cuts: where an animation jumps to another scene.

The ``"stable"`` mode fits its palette afresh at a cut and otherwise refines
the previous frame's. A cut is a jump in the frame's coarse colour histogram
(:func:`coarse_histogram`, 512 bins): more than a threshold share of the
pixels changed bin since the previous frame (:func:`is_cut`).
"""

from __future__ import annotations

import numpy as np

from core._validation import check_frames, check_range, opaque_mask

#: Bits per channel of the coarse histogram that cut detection compares.
CUT_BITS = 3


def coarse_histogram(image: np.ndarray, opaque: np.ndarray | None = None) -> np.ndarray:
    """Normalised histogram of an RGB image over ``2**(3*CUT_BITS)`` (512) bins.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
    opaque : ndarray of bool, shape (H, W), optional
        Only these pixels count.

    Returns
    -------
    ndarray, shape (512,), float64, summing to 1 (all zeros if no pixel counts).
    """
    shift = 8 - CUT_BITS
    p = image.reshape(-1, 3)
    if opaque is not None:
        p = p[opaque.reshape(-1)]
    b = p.astype(np.uint16) >> shift
    bins = (b[:, 0] << (2 * CUT_BITS)) | (b[:, 1] << CUT_BITS) | b[:, 2]
    h = np.bincount(bins, minlength=1 << (3 * CUT_BITS)).astype(np.float64)
    total = h.sum()
    return h / total if total else h


def histogram_change(a: np.ndarray, b: np.ndarray) -> float:
    """Total-variation distance between two normalised histograms, 0 (same) to 1 (disjoint).

    Half the L1 distance: the share of pixels that would have to change bin
    to turn one histogram into the other.
    """
    return 0.5 * float(np.abs(a - b).sum())


def is_cut(previous: np.ndarray, current: np.ndarray, threshold: float) -> bool:
    """True when ``current`` starts a new scene after ``previous``.

    The one rule for a scene cut: the :func:`histogram_change` between the
    two frames' :func:`coarse_histogram` exceeds ``threshold``. The
    ``"stable"`` mode calls this frame by frame; :func:`scene_cuts` over a
    whole clip.
    """
    return histogram_change(previous, current) > threshold


def scene_cuts(frames, threshold: float, alphas=None) -> list[int]:
    """Indices of the frames that start a new scene (by :func:`is_cut`).

    Frame 0 is not listed. Only one histogram (512 floats) per frame is kept.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
    threshold : float
        0 to 1; see :data:`core._stable.CUT_THRESHOLD` for the default the
        ``"stable"`` mode uses.
    alphas : sequence of ndarray or None, optional
        Pixels with alpha below 128 (or False) do not count.

    Returns
    -------
    list of int
    """
    threshold = check_range("threshold", threshold, 0.0, 1.0)
    frames, alphas = check_frames(frames, alphas)
    cuts, prev = [], None
    for t, (frame, alpha) in enumerate(zip(frames, alphas)):
        h = coarse_histogram(frame, opaque_mask(alpha, frame.shape[:2]))
        if prev is not None and is_cut(prev, h, threshold):
            cuts.append(t)
        prev = h
    return cuts
