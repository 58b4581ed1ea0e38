"""The hold's two passes over every pixel of a frame, compiled (numba).

:class:`core._hold.PixelHold` decides per pixel which pixels hold and then
records what each shows. Written with numpy, each decision is a dozen whole-
array operations over three float32 planes (a 1280x720 frame: 11 MB a plane
set), each reading and writing memory again; on footage where everything
moves that was half of the stable mode's step. Here each is one loop over the
pixels, with the same float32 operations in the same order (so the same
choices, bit for bit), compiled once per machine and cached beside the module.

References
----------
Lam, S. K., Pitrou, A. and Seibert, S. (2015). Numba: a LLVM-based Python JIT
compiler. LLVM-HPC workshop, SC15.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _distance(a, b, i):
    # Pixel i's distance between two plane sets, summed as core._hold.distance
    # sums it (d0², + d1², + d2², in float32), then its root.
    d = a[0, i] - b[0, i]
    acc = d * d
    d = a[1, i] - b[1, i]
    acc += d * d
    d = a[2, i] - b[2, i]
    acc += d * d
    return np.sqrt(acc)


@njit(cache=True, nogil=True)
def choose_pass(source, last, reference, off_screen, drawn_error, index, hold, margin, slope,
                held, anchored):
    """Fill ``held`` and ``anchored`` (bool, shape (N,)) as :meth:`PixelHold.choose` states.

    Parameters
    ----------
    source, last, reference : ndarray, shape (3, N), float32
        This frame's source, the last frame's, and the pixels' references.
    off_screen : ndarray, shape (N,), float32
    drawn_error : ndarray, shape (m,), float32
    index : ndarray of int, shape (N,)
    hold, margin, slope : numpy.float32
        The allowances, and ``-1 / motion``.
    held, anchored : ndarray of bool, shape (N,)
        Written.
    """
    one, zero = np.float32(1.0), np.float32(0.0)
    for i in range(source.shape[1]):
        still = _distance(source, last, i) * slope + one
        if still < zero:
            still = zero
        elif still > one:
            still = one
        # NaN (a pixel that was transparent) compares False.
        anchor = _distance(source, reference, i) <= hold * still
        excess = off_screen[i] - drawn_error[index[i]]
        anchored[i] = anchor
        held[i] = anchor or excess <= still * margin


@njit(cache=True, nogil=True)
def push_pass(held, anchored, words, last_words, shown, reference, source, drawn, index):
    """Record a frame in place, as :meth:`PixelHold.push` states.

    A held pixel shows its last word and colour again; the others show
    ``drawn[index]``; a pixel held by the first rule (``anchored``) keeps its
    reference, the others take ``source``.

    Parameters
    ----------
    held, anchored : ndarray of bool, shape (N,)
    words, last_words : ndarray of uint32, shape (N,)
        ``words`` (this frame's) is written where pixels hold.
    shown, reference : ndarray, shape (3, N), float32
        Written.
    source : ndarray, shape (3, N), float32
    drawn : ndarray, shape (m, 3), float32
        The colour of each of ``m`` rows.
    index : ndarray of int, shape (N,)
        The row of every pixel.
    """
    for i in range(held.shape[0]):
        if held[i]:
            words[i] = last_words[i]
            if anchored[i]:
                continue
        else:
            row = index[i]
            shown[0, i] = drawn[row, 0]
            shown[1, i] = drawn[row, 1]
            shown[2, i] = drawn[row, 2]
        reference[0, i] = source[0, i]
        reference[1, i] = source[1, i]
        reference[2, i] = source[2, i]
