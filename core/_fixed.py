"""A fixed palette far from the picture: map the picture onto it by lightness order.

When every one of the ``k`` colours is locked there is nothing left to fit, and
the usual rule, each pixel to its nearest locked colour, fails when the
palette is far from the picture: the four greens of a Game Boy turn a grey
photo into one flat dark-green block, as every grey is nearest the same green.
Retro-palette tools map by lightness instead, and so does
``locked_rule="lightness"``: the picture is reduced to its own ``k`` colours
(in whatever mode), and the darkest of them is painted in the darkest locked
colour, the next in the next, up to the lightest. Shapes and shading survive
whatever the palette's hues.

Each result keeps its own colours in ``QuantizeResult.matched``, so dithering
chooses entries among the picture's colours and paints them in the locked
ones; the centres stay the picture's, so seeding and the stable mode follow
the picture from frame to frame as usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

import numpy as np

from core._result import QuantizeResult, paint
from core.colorspace import lightness
from core.palette import Palette

#: How the picture meets a palette whose every colour is locked: each pixel to
#: its nearest locked colour, or the picture's own colours by lightness order.
LOCKED_RULES = ("nearest", "lightness")


def lightness_order(colors: np.ndarray, locked: np.ndarray) -> np.ndarray:
    """Which locked colour each of ``colors`` becomes: the same place in lightness order.

    Parameters
    ----------
    colors : ndarray, shape (m, 3), uint8
        The picture's own palette.
    locked : ndarray, shape (k, 3), uint8
        The locked colours, ``m <= k``.

    Returns
    -------
    ndarray of int, shape (m,)
        Index into ``locked`` per colour; distinct. With fewer colours than
        locked ones they spread over the whole range, darkest to lightest.
    """
    m, k = len(colors), len(locked)
    by_light = np.argsort(lightness(colors), kind="stable")
    targets = np.argsort(lightness(locked), kind="stable")
    places = np.zeros(m, dtype=int) if m == 1 else np.round(
        np.arange(m) * (k - 1) / (m - 1)).astype(int)
    out = np.empty(m, dtype=int)
    out[by_light] = targets[places]
    return out


def mapped(result: QuantizeResult, locked: np.ndarray,
           previous: QuantizeResult | None = None) -> QuantizeResult:
    """``result`` painted in the ``locked`` colours by lightness order.

    Parameters
    ----------
    result : QuantizeResult
        The picture reduced to its own colours (at most ``len(locked)``).
    locked : ndarray, shape (k, 3), uint8
    previous : QuantizeResult, optional
        The previous frame's mapped result: pixels ``result`` holds show it.

    Returns
    -------
    QuantizeResult
        Same labels, shares and centres; ``palette.colors`` the locked colours
        each entry became; ``matched`` the picture's own colours.
    """
    own = result.palette.colors
    colors = np.asarray(locked, dtype=np.uint8)[lightness_order(own, locked)]
    image = paint(colors, result.labels)
    if result.held is not None and previous is not None:
        image = image.copy()
        np.copyto(image, previous.image, where=result.held[..., None])
    return replace(result, image=image, palette=Palette(colors, result.palette.shares),
                   matched=own)


def mapped_frames(results: Iterable[QuantizeResult],
                  locked: np.ndarray) -> Iterator[QuantizeResult]:
    """:func:`mapped` on every result of a sequence, each held pixel showing its last mapping."""
    previous = None
    for result in results:
        previous = mapped(result, locked, previous)
        yield previous
