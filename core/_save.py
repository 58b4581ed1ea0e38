"""Writing quantized results: animated GIF with exact per-frame palettes, indexed PNG.

Frames are written one at a time by :class:`GifWriter`, so a clip can be
encoded while it is decoded (:func:`core.convert`) without holding it. Each
frame carries its own palette as a local colour table, exactly the computed
colours, so nothing quantizes or dithers again. Pillow's GIF encoder (its
public ``GifImagePlugin.getdata``) LZW-compresses each frame; the few bytes of
the container around them (header, loop block, trailer; GIF89a specification,
CompuServe 1990) are written here.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Sequence

import numpy as np
from PIL import GifImagePlugin, Image

from core._result import QuantizeResult
from core._validation import opaque_mask


def _indexed(
    result: QuantizeResult, alpha: np.ndarray | None, always_transparent: bool = False
) -> tuple[Image.Image, int | None]:
    """A "P" image of ``result`` whose palette is exactly its colours.

    Transparent pixels (alpha below 128) take an extra entry after the
    colours; ``always_transparent`` reserves that entry even for an opaque
    frame, so that every frame of a file with transparency can be disposed
    to transparent alike.
    """
    colors = result.palette.colors
    labels = result.labels
    transparent = None
    opaque = opaque_mask(alpha, labels.shape)
    if (opaque is not None and not opaque.all()) or always_transparent:
        if len(colors) >= 256:
            raise ValueError("a transparent frame needs a free palette entry; use k <= 255.")
        transparent = len(colors)
        if opaque is not None:
            labels = np.where(opaque, labels, np.uint8(transparent)).astype(np.uint8)
        colors = np.vstack([colors, np.zeros((1, 3), dtype=np.uint8)])
    im = Image.fromarray(np.ascontiguousarray(labels, dtype=np.uint8), mode="P")
    # Pad to a power of two ourselves; Pillow would otherwise pick the size.
    size = max(2, 1 << int(np.ceil(np.log2(max(2, len(colors))))))
    flat = np.zeros((size, 3), dtype=np.uint8)
    flat[: len(colors)] = colors
    im.putpalette(flat.reshape(-1).tolist())
    return im, transparent


class GifWriter:
    """Write an animated GIF frame by frame, each frame with its own palette.

    Parameters
    ----------
    destination : str, os.PathLike or binary file object
    size : (width, height)
    loop : int or None
        0 loops forever; ``None`` writes no loop block (plays once).
    transparent : bool
        True when any frame may have transparent pixels: every frame then
        gets a transparent index and disposal 2 (restore to background), so
        a transparent pixel shows what is behind the GIF, not the frame before.

    Examples
    --------
    >>> with GifWriter("out.gif", (w, h)) as gif:          # doctest: +SKIP
    ...     for res in results:
    ...         gif.add(res, duration=80)
    """

    def __init__(self, destination, size: tuple[int, int], *, loop: int | None = 0,
                 transparent: bool = False):
        self.size = (int(size[0]), int(size[1]))
        self.transparent = bool(transparent)
        self.frames = 0
        self._own = isinstance(destination, (str, os.PathLike))
        # Kept open across add() calls and closed by close(): no with-block can span them.
        self._fh = open(destination, "wb") if self._own else destination  # noqa: SIM115
        w, h = self.size
        # Header and logical screen descriptor: no global colour table.
        self._fh.write(b"GIF89a" + struct.pack("<HHBBB", w, h, 0, 0, 0))
        if loop is not None:
            self._fh.write(b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", int(loop)) + b"\0")

    def add(self, result: QuantizeResult, duration: int = 100,
            alpha: np.ndarray | None = None) -> None:
        """Append one frame shown for ``duration`` milliseconds.

        Raises
        ------
        ValueError
            If the frame is not the writer's size, or has transparent pixels
            in a writer made with ``transparent=False``.
        """
        h, w = result.labels.shape
        if (w, h) != self.size:
            raise ValueError(f"frame is {w}x{h}, the GIF {self.size[0]}x{self.size[1]}.")
        opaque = opaque_mask(alpha, (h, w))
        if not self.transparent and opaque is not None and not opaque.all():
            raise ValueError("a frame has transparent pixels: make the writer with "
                             "transparent=True.")
        im, t = _indexed(result, alpha, always_transparent=self.transparent)
        params = {"duration": int(duration), "include_color_table": True,
                  "disposal": 2 if self.transparent else 1}
        if t is not None:
            params["transparency"] = t
        chunks = GifImagePlugin.getdata(im, (0, 0), **params)
        for chunk in chunks:
            self._fh.write(chunk)
        # getdata collects into a list owned by a class it makes per call; classes
        # are freed only by the cycle collector, so empty the list now or a long
        # clip keeps every frame's compressed bytes until the next collection.
        chunks.clear()
        self.frames += 1

    def close(self) -> None:
        """Write the trailer (and close the file if the writer opened it)."""
        if self._fh is None:
            return
        self._fh.write(b";")
        if self._own:
            self._fh.close()
        self._fh = None

    def __enter__(self) -> GifWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
    Every frame is written whole, one per result (none merged). When any
    frame has a transparent pixel, every frame has a transparent index and
    disposal 2, so transparency stays transparent; otherwise every frame has
    disposal 1.
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
    im, t = _indexed(result, alpha)
    params = {"optimize": False}
    if t is not None:
        params["transparency"] = t
    if isinstance(destination, (str, os.PathLike)):
        with open(destination, "wb") as fh:
            im.save(fh, format="PNG", **params)
    else:
        im.save(destination, format="PNG", **params)


def to_bytes(writer, *args, **kwargs) -> bytes:
    """Call ``save_gif`` / ``save_png`` (or ``save_mp4``) into memory and return the bytes."""
    buf = io.BytesIO()
    writer(*args, buf, **kwargs)
    return buf.getvalue()
