"""The result of quantizing one image, and the one way to build it from labels.

Every path that ends in palette labels (a fit, a sequence mode, dithering, a
fixed palette) builds its :class:`QuantizeResult` with :func:`result_from_labels`,
so shares always count the opaque pixels the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.palette import Palette


@dataclass(frozen=True)
class QuantizeResult:
    """One quantized image.

    Attributes
    ----------
    image : ndarray, shape (H, W, 3), uint8
        What the image shows: every pixel replaced by its palette colour,
        except the ``held`` pixels of an animation frame.
    labels : ndarray, shape (H, W), uint8
        Palette index of every pixel (``image == palette.colors[labels]``
        wherever the pixel is not held; a held pixel's label is the entry
        it would show if it were not held).
    palette : Palette
        The colours (sRGB ``uint8``) and the share of opaque pixels of each.
    centers : ndarray, shape (k, 3), float64
        Cluster centres in ``space``, unrounded: what seeding starts from. In
        the ``"stable"`` mode these are the centres *shown* (an entry held by
        damping keeps last frame's centre), so ``palette.colors`` is always
        ``centers`` converted to sRGB and rounded.
    space : str
        The colour space the centres live in.
    held : ndarray of bool, shape (H, W), or None
        Pixels that show what the *previous* frame's result showed there
        (the ``"stable"`` mode's hold: their source barely changed), whatever
        this frame's palette; ``None`` when no pixel is held (always for a
        still, and for the first frame).
    matched : ndarray, shape (k, 3), uint8, or None
        The colours pixels were matched against, when they are not the
        palette's own: with every colour locked and ``locked_rule=
        "lightness"``, entry ``i`` holds the picture's own colour ``matched[i]``
        painted in ``palette.colors[i]`` (:mod:`core._fixed`). ``None`` otherwise.
    """

    image: np.ndarray
    labels: np.ndarray
    palette: Palette
    centers: np.ndarray
    space: str
    held: np.ndarray | None = None
    matched: np.ndarray | None = None


def paint(colors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The image ``colors[labels]``, shape ``labels.shape + (3,)``, uint8.

    Colours are looked up as one 32-bit word per pixel, 3x faster than
    ``colors[labels]``; the result is a (non-contiguous) view of that buffer.
    """
    return unpack_words(paint_words(colors, labels))


def paint_words(colors: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Every pixel's colour ``colors[labels]`` as one 32-bit word (bytes R, G, B, 0)."""
    words = np.zeros((len(colors), 4), dtype=np.uint8)
    words[:, :3] = colors
    return np.take(words.view(np.uint32).reshape(-1), labels)


def unpack_words(words: np.ndarray) -> np.ndarray:
    """The RGB image of :func:`paint_words`' words: a uint8 view, shape ``words.shape + (3,)``."""
    return words.view(np.uint8).reshape(words.shape + (4,))[..., :3]


def result_from_labels(
    colors: np.ndarray,
    labels: np.ndarray,
    centers: np.ndarray,
    space: str,
    opaque: np.ndarray | None = None,
    counts: np.ndarray | None = None,
    image: np.ndarray | None = None,
) -> QuantizeResult:
    """Build the result of one image from its palette and per-pixel labels.

    Parameters
    ----------
    colors : ndarray, shape (k, 3), uint8
        sRGB palette.
    labels : ndarray, shape (H, W), uint8
    centers : ndarray, shape (k, 3)
        The centres behind ``colors``, in ``space``.
    space : str
    opaque : ndarray of bool, shape (H, W), optional
        Only these pixels count towards the shares (all pixels when none is
        opaque, so a fully transparent frame still has shares that sum to 1).
    counts : ndarray, shape (k,), optional
        Pixels per entry when the caller knows them already (exact histogram
        rows); counted from ``labels`` otherwise.
    image : ndarray, shape (H, W, 3), uint8, optional
        What the image shows, when the caller painted it (held pixels show
        an earlier frame's colour); ``colors[labels]`` otherwise.

    Returns
    -------
    QuantizeResult
    """
    labels = np.asarray(labels, dtype=np.uint8)
    if counts is None:
        counted = labels if opaque is None or not opaque.any() else labels[opaque]
        counts = np.bincount(counted.reshape(-1), minlength=len(colors)).astype(np.float64)
    if image is None:
        image = paint(colors, labels)
    return QuantizeResult(image, labels, Palette(colors, counts / counts.sum()), centers, space)
