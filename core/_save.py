"""Writing quantized results to files: an animated GIF, an indexed PNG, or bytes in memory.

The GIF is written by :class:`~core._gif_writer.GifWriter`, each frame with its
exact palette; the PNG by Pillow, its palette padded to a power of two.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

import numpy as np
from PIL import Image

from core._gif_blocks import color_table, table_bits
from core._gif_writer import GifWriter
from core._result import QuantizeResult
from core._validation import opaque_mask


def _indexed(result: QuantizeResult, alpha: np.ndarray | None) -> tuple[Image.Image, int | None]:
    """A "P" image of ``result`` whose palette is exactly its colours (for PNG).

    Transparent pixels (alpha below 128) take an extra entry after the colours.
    """
    colors = result.palette.colors
    labels = result.labels
    transparent_index = None
    opaque = opaque_mask(alpha, labels.shape)
    if opaque is not None and not opaque.all():
        if len(colors) >= 256:
            raise ValueError("a transparent frame needs a free palette entry; use k <= 255.")
        transparent_index = len(colors)
        labels = np.where(opaque, labels, np.uint8(transparent_index)).astype(np.uint8)
        colors = np.vstack([colors, np.zeros((1, 3), dtype=np.uint8)])
    im = Image.fromarray(np.ascontiguousarray(labels, dtype=np.uint8), mode="P")
    # Pad to a power of two ourselves, as a GIF colour table; Pillow would otherwise pick the size.
    im.putpalette(list(color_table(colors, table_bits(len(colors)))))
    return im, transparent_index


def save_gif(
    results: Sequence[QuantizeResult],
    destination,
    *,
    durations: Sequence[int] | None = None,
    loop: int | None = 0,
    alphas: Sequence[np.ndarray | None] | None = None,
) -> None:
    """Write quantized frames as an animated GIF, each with its own exact palette.

    Parameters
    ----------
    results : sequence of QuantizeResult
        One per frame, all of one size.
    destination : str, os.PathLike or binary file object
    durations : sequence of int, optional
        Milliseconds per frame; 100 each if not given.
    loop : int or None
        0 loops forever; ``None`` writes no loop block (plays once).
    alphas : sequence of ndarray or None, optional
        Per-frame alpha; pixels below 128 become the frame's transparent index.

    Raises
    ------
    ValueError
        If there are no results, sizes differ, or lengths do not match.

    Notes
    -----
    Written by :class:`GifWriter`: each frame stores only the box that
    changed, unchanged pixels in it are transparent, and a frame identical to
    the one before is merged into it (so a reader may find fewer frames, with
    the same total duration). When any frame has a transparent pixel, every
    frame has a transparent index and source transparency survives exactly.
    """
    results = list(results)
    if not results:
        raise ValueError("results is empty: nothing to write.")
    n = len(results)
    durations = [100] * n if durations is None else [int(d) for d in durations]
    alphas = [None] * n if alphas is None else list(alphas)
    if len(durations) != n or len(alphas) != n:
        raise ValueError(f"{n} frames but {len(durations)} durations and {len(alphas)} alphas.")
    shape = results[0].labels.shape
    if any(r.labels.shape != shape for r in results):
        raise ValueError("all frames must have one size.")
    transparent = any(
        a is not None and not opaque_mask(a, r.labels.shape).all() for r, a in zip(results, alphas)
    )
    with GifWriter(destination, (shape[1], shape[0]), loop=loop, transparent=transparent) as gif:
        for res, duration, alpha in zip(results, durations, alphas):
            gif.add(res, duration, alpha)


def save_png(result: QuantizeResult, destination, *, alpha: np.ndarray | None = None) -> None:
    """Write one quantized image as an indexed (palette) PNG.

    Parameters
    ----------
    result : QuantizeResult
    destination : str, os.PathLike or binary file object
    alpha : ndarray, shape (H, W), optional
        Pixels below 128 are written fully transparent (a ``tRNS`` entry).
    """
    im, transparent_index = _indexed(result, alpha)
    params = {"optimize": False}
    if transparent_index is not None:
        params["transparency"] = transparent_index
    if isinstance(destination, (str, os.PathLike)):
        with open(destination, "wb") as fh:
            im.save(fh, format="PNG", **params)
    else:
        im.save(destination, format="PNG", **params)


def save_apng(
    frames: Sequence[np.ndarray],
    destination,
    *,
    durations: Sequence[int],
    loop: int | None = 0,
    alphas: Sequence[np.ndarray | None] | None = None,
) -> None:
    """Write full-colour frames as an animated PNG, losslessly.

    The page hands a bundled sample to :func:`core.convert` this way: unlike a
    GIF or an MP4, an APNG keeps every frame's colours exactly.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
    destination : str, os.PathLike or binary file object
    durations : sequence of int
        Each frame's display time in milliseconds.
    loop : int or None
        Times to loop (0: forever; None is written as 0).
    alphas : sequence of (ndarray of shape (H, W), uint8, or None), optional
        Each frame's alpha; frames with one are written as RGBA.
    """
    alphas = alphas or [None] * len(frames)
    images = [Image.fromarray(f if a is None else np.dstack([f, a]))
              for f, a in zip(frames, alphas)]
    images[0].save(destination, format="PNG", save_all=True, append_images=images[1:],
                   duration=list(durations), loop=loop or 0)


def to_bytes(writer, *args, **kwargs) -> bytes:
    """Call a ``save_*`` writer (``save_gif``, ``save_png``, ``save_apng``, ``save_mp4``) into
    memory and return the bytes."""
    buf = io.BytesIO()
    writer(*args, buf, **kwargs)
    return buf.getvalue()
