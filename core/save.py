"""Writing quantized results: animated GIF with exact per-frame palettes, indexed PNG.

Pillow is given palette ("P") images whose palette *is* the computed palette,
so it never quantizes or dithers again; each frame whose palette differs from
the first carries it as a local colour table.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

import numpy as np
from PIL import Image

from core.quantize import QuantizeResult, opaque_mask


def _indexed(
    result: QuantizeResult, alpha: np.ndarray | None, always_transparent: bool = False
) -> tuple[Image.Image, int | None]:
    # always_transparent: give an opaque frame a (unused) transparent index too,
    # when there is a free entry; see save_gif.
    colors = result.palette.colors
    labels = result.labels
    transparent = None
    opaque = opaque_mask(alpha, labels.shape)
    if opaque is not None and not opaque.all():
        if len(colors) >= 256:
            raise ValueError("a transparent frame needs a free palette entry; use k <= 255.")
        transparent = len(colors)
        labels = np.where(opaque, labels, np.uint8(transparent)).astype(np.uint8)
        colors = np.vstack([colors, np.zeros((1, 3), dtype=np.uint8)])
    elif always_transparent and len(colors) < 256:
        transparent = len(colors)
        colors = np.vstack([colors, np.zeros((1, 3), dtype=np.uint8)])
    im = Image.fromarray(np.ascontiguousarray(labels, dtype=np.uint8), mode="P")
    # Pad to a power of two ourselves; Pillow would otherwise pick the size.
    size = max(2, 1 << int(np.ceil(np.log2(max(2, len(colors))))))
    flat = np.zeros((size, 3), dtype=np.uint8)
    flat[: len(colors)] = colors
    im.putpalette(flat.reshape(-1).tolist())
    return im, transparent


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
    Every frame is written whole (disposal 2 where transparent, else 1), not
    as a difference from the previous one, so a transparent pixel is really
    transparent. Pillow merges a frame identical to the one before into it
    (adding the durations), as any GIF optimiser would.
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
    any_transparent = any(
        a is not None and not opaque_mask(a, r.labels.shape).all() for r, a in zip(results, alphas)
    )
    images, transparency = [], []
    for res, alpha in zip(results, alphas):
        # With disposal 2 Pillow's writer crops a frame to where it differs from
        # *transparent*, as browsers dispose; Pillow's reader restores to the
        # background colour instead unless the frame has a transparent index.
        # Every frame gets one, so both agree.
        im, t = _indexed(res, alpha, always_transparent=any_transparent)
        images.append(im)
        transparency.append(t)
    for im, t in zip(images, transparency):
        if t is not None:
            im.info["transparency"] = t
    params = dict(
        save_all=True,
        append_images=images[1:],
        duration=durations,
        optimize=False,
        disposal=2 if any_transparent else 1,
    )
    if loop is not None:
        params["loop"] = int(loop)
    _write(images[0], destination, "GIF", params)


def save_png(result: QuantizeResult, destination, *, alpha: np.ndarray | None = None) -> None:
    """Write one quantized image as an indexed (palette) PNG.

    Parameters
    ----------
    result : QuantizeResult
    destination : str, os.PathLike or binary file object
    alpha : ndarray, shape (H, W), optional
        Pixels below 128 are written fully transparent (a ``tRNS`` entry).
    """
    im, t = _indexed(result, alpha)
    params = {"optimize": False}
    if t is not None:
        params["transparency"] = t
    _write(im, destination, "PNG", params)


def to_bytes(writer, *args, **kwargs) -> bytes:
    """Call ``save_gif`` / ``save_png`` into memory and return the file's bytes."""
    buf = io.BytesIO()
    writer(*args, buf, **kwargs)
    return buf.getvalue()


def _write(im: Image.Image, destination, fmt: str, params: dict) -> None:
    if isinstance(destination, (str, os.PathLike)):
        with open(destination, "wb") as fh:
            im.save(fh, format=fmt, **params)
    else:
        im.save(destination, format=fmt, **params)
