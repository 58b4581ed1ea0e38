"""How a palette edit fades out towards black and white, and which fade suits an animation.

Black and white cannot move (they are the ends of the lightness curve), so an
edit's move must fade out between the palette colour and black, and between it
and white. Two fades (``RecolorOptions.fade``):

- ``"gamut"``: a colour moves in proportion to its room in the sRGB gamut in
  the edit's direction (Chang et al. 2015, section 4.3). Near black that room
  opens within a few levels, so the fade is short and steep: a smooth dark ramp
  steps by up to 5 levels there, but the levels above it move alike.
- ``"even"``: the same, and the move also grows at most evenly over grey
  levels (:func:`even_share`), so ramps through the darkest and lightest
  levels stay smooth.

Which one adds less flicker to an animation depends on where its noise lies:
the seed GIF's dark noise sits at levels 8-17 with nothing below, and the
short gamut fade is over before it; another clip's noise may sit in that fade.
So for an animation the two are measured on its own frames
(:func:`least_flicker`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from core import metrics
from core.colorspace import from_space

#: The fades ``RecolorOptions.fade`` accepts; "auto" is resolved by :func:`least_flicker`.
FADES = ("auto", "even", "gamut")
#: An even fade grows by this much (ΔE76) per grey level, or faster only as much
#: as reaching the palette colour's own grey level requires. From the bench's
#: edits: 0.5 to 0.7 give the same ramps (+3 at most); 0.8 leaves the 102 ΔE76
#: edit at +4, and steeper fades approach the gamut's.
EVEN_SLOPE = 0.6
#: An even fade becomes whole with no slope over its last this-many grey levels:
#: a cell of the default 33³ table.
EASE = 255.0 / 32
#: Frame pairs, spread over the animation, on which the fades are compared.
PAIRS = 8
#: Each compared frame keeps every n-th pixel, so it has at most this many:
#: striding, unlike averaging, keeps each pixel's own noise.
PAIR_PIXELS = 256 * 1024
#: The gamut fade is kept only when it adds this much less flicker (ΔE76).
MARGIN = 0.01


def grey_level(lightness: np.ndarray) -> np.ndarray:
    """The sRGB level (0-255) of the grey of each CIELAB lightness ``L*`` (0-100)."""
    lightness = np.asarray(lightness, dtype=np.float64)
    lab = np.zeros((lightness.size, 3))
    lab[:, 0] = lightness.reshape(-1)
    return from_space(lab, "lab")[:, 1].reshape(lightness.shape)


def even_share(lightness: np.ndarray, origin: float, length: float) -> np.ndarray:
    """The largest share of an edit each colour may take under the even fade, 0 to 1.

    With ``v`` a colour's grey level and ``v0`` the palette colour's, the
    share grows from black along a straight line in ``v`` that is whole at
    ``min(v0, length / EVEN_SLOPE)``: at the palette colour, or sooner when
    the edit is short. It falls towards white the same way in ``255 - v``.
    The last :data:`EASE` levels before whole (at most a fifth of the way)
    bend the line so that it arrives with no slope: the palette colour
    then sits on a flat top, and the table's interpolation across its cell
    does not cut the corner. The rest of the line is steeper by as much (at
    most 11 %).

    Parameters
    ----------
    lightness : ndarray, shape (n,)
        L* of the colours.
    origin : float
        L* of the palette colour (after the lightness curve).
    length : float
        The edit's length, ΔE76.

    Returns
    -------
    ndarray, shape (n,)
    """
    v = grey_level(lightness)
    v0 = float(grey_level(np.array([origin]))[0])
    reach = length / EVEN_SLOPE
    dark, light = min(v0, reach), min(255.0 - v0, reach)
    return np.minimum(_eased(v / max(dark, 1e-9), dark), _eased((255.0 - v) / max(light, 1e-9),
                                                               light))


def _eased(x: np.ndarray, span: float) -> np.ndarray:
    # A straight line of slope k up to a, then a slope falling linearly to 0 at
    # x = 1 (a parabola), so the share is 1 there with a continuous slope; k
    # keeps the area under the slope at 1.
    bend = min(EASE / max(span, 1e-9), 0.2)
    a = 1.0 - bend
    k = 2.0 / (1.0 + a)
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= a, k * x, k * x - k * (x - a) ** 2 / (2.0 * bend))


def least_flicker(frames: Sequence[np.ndarray],
                  candidates: Mapping[str, Callable[[np.ndarray], np.ndarray]]) -> str:
    """The name of the candidate mapping that adds least flicker to ``frames``.

    Each candidate recolours up to :data:`PAIRS` pairs of consecutive frames
    spread over the animation (every n-th pixel, at most :data:`PAIR_PIXELS`
    a frame), and its flicker (:func:`core.metrics.flicker`, ΔE76 over the
    pixels the source holds still) is the mean over the pairs. The first
    candidate is kept unless another adds :data:`MARGIN` less; also when no
    pair has enough still pixels to tell.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
        Two or more frames.
    candidates : mapping of str to callable
        Name to a function from a picture to its recolouring, in order of
        preference.

    Returns
    -------
    str
    """
    names = list(candidates)
    starts = np.unique(np.linspace(0, len(frames) - 2, PAIRS).round().astype(int))
    height, width = frames[0].shape[:2]
    step = max(1, math.ceil(math.sqrt(height * width / PAIR_PIXELS)))
    pairs = [[np.ascontiguousarray(frames[t + i][::step, ::step]) for i in (0, 1)] for t in starts]
    flicker = {}
    for name in names:
        values = [metrics.flicker(pair, [candidates[name](f) for f in pair]) for pair in pairs]
        flicker[name] = metrics.mean_flicker(np.array(values))
    best = names[0]
    for name in names[1:]:
        if flicker[name] < flicker[best] - MARGIN:
            best = name
    return best
