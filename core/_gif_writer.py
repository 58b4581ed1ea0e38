"""The animated GIF writer: frame by frame, each frame with its exact palette.

Frames are written one at a time by :class:`GifWriter`, so a clip can be
encoded while it is decoded (:func:`core.convert`) without holding it. Each
frame carries its own palette as a local colour table, exactly the computed
colours, so nothing quantizes or dithers again.

A frame stores only what changed on screen, as gifski and ffmpeg's GIF
encoder do: it is cropped to the box of pixels that differ from the
:class:`~core._gif_screen.Screen`, pixels inside that box that already show
their colour are left transparent or drawn again, whichever
:mod:`core._gif_fill` encodes smallest, and a frame identical to the one
before is merged into it, their delays added. The writer keeps the screen
and one pending frame, never the clip.

Each frame's colour table holds only the entries its box uses, and its LZW
code size follows the table (Pillow's ``GifImagePlugin.getdata`` always uses
8 bits); the blocks around the LZW data are built by :mod:`core._gif_blocks`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from core._gif_blocks import (
    MAX_DELAY_CS,
    Disposal,
    graphic_control,
    header,
    image_descriptor,
    loop_extension,
    trailer,
)
from core._gif_fill import EncodedBox, Fill, FillPolicy, fill_masks, smallest_encoding
from core._gif_screen import INVISIBLE, Box, Screen, pixel_codes
from core._result import QuantizeResult
from core._validation import opaque_mask

#: Longest delay one GIF frame can hold, in ms.
MAX_DELAY_MS = MAX_DELAY_CS * 10


@dataclass
class _PendingFrame:
    """A frame added but not yet written (one frame of lookahead, to merge the next)."""

    labels: np.ndarray
    colors: np.ndarray
    codes: np.ndarray  # pixel codes of what the frame shows
    duration_ms: int


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
        has a transparent index, and a frame after which a pixel turns
        transparent is cleared (disposal 2, restore to background) so that
        the pixel shows what is behind the GIF, not the frame before.
    difference : bool
        True (default) stores only what changed: each frame after the first
        is cropped to the box that differs from the screen, unchanged pixels
        in it take the transparent index (when the frame has a free entry,
        i.e. fewer than 256 colours), and identical consecutive frames are
        merged. False writes every frame whole, as a check of the former;
        held pixels (``QuantizeResult.held``) then need their earlier
        colours in the frame's table, and take the nearest entry once a
        frame would need more than 256.

    Attributes
    ----------
    frames : int
        Frames added so far.
    written : int
        Frames in the file so far (merged frames count once; the last frame
        added is written by the next :meth:`add` or by :meth:`close`).

    Examples
    --------
    >>> with GifWriter("out.gif", (w, h)) as gif:          # doctest: +SKIP
    ...     for res in results:
    ...         gif.add(res, duration=80)
    """

    def __init__(self, destination, size: tuple[int, int], *, loop: int | None = 0,
                 transparent: bool = False, difference: bool = True):
        self.size = (int(size[0]), int(size[1]))
        self.transparent = bool(transparent)
        self.difference = bool(difference)
        self.frames = 0
        self.written = 0
        self._pending: _PendingFrame | None = None
        # What is on screen, kept only to store what changed.
        self._screen = Screen(*self.size) if self.difference else None
        self._fills = FillPolicy()
        self._own = isinstance(destination, (str, os.PathLike))
        # Kept open across add() calls and closed by close(): no with-block can span them.
        self._fh = open(destination, "wb") if self._own else destination  # noqa: SIM115
        self._fh.write(header(*self.size))
        if loop is not None:
            self._fh.write(loop_extension(int(loop)))

    def add(self, result: QuantizeResult, duration: int = 100,
            alpha: np.ndarray | None = None) -> None:
        """Append one frame shown for ``duration`` milliseconds.

        The frame shows ``result.image`` (where ``alpha`` is at least 128).

        Raises
        ------
        ValueError
            If the frame is not the writer's size, has transparent pixels in
            a writer made with ``transparent=False``, or has 256 colours in a
            writer made with ``transparent=True``.
        """
        h, w = result.labels.shape
        if (w, h) != self.size:
            raise ValueError(f"frame is {w}x{h}, the GIF {self.size[0]}x{self.size[1]}.")
        opaque = opaque_mask(alpha, (h, w))
        if not self.transparent and opaque is not None and not opaque.all():
            raise ValueError("a frame has transparent pixels: make the writer with "
                             "transparent=True.")
        if self.transparent and len(result.palette.colors) >= 256:
            raise ValueError("a transparent frame needs a free palette entry; use k <= 255.")
        frame = _PendingFrame(result.labels, result.palette.colors,
                              pixel_codes(result.image, opaque), int(duration))
        self.frames += 1
        pending = self._pending
        if (
            pending is not None
            and self.difference
            and pending.duration_ms + frame.duration_ms <= MAX_DELAY_MS
            and np.array_equal(pending.codes, frame.codes)
        ):
            pending.duration_ms += frame.duration_ms
            return
        if pending is not None:
            self._write(pending, frame)
        self._pending = frame

    def _write(self, frame: _PendingFrame, following: _PendingFrame | None) -> None:
        """Write ``frame``; ``following`` (or None for the last) decides its disposal."""
        if self._screen is None:
            box, must_draw, disposal = self._whole_frame(frame)
        else:
            box, must_draw, disposal = self._changed_box(frame, following)
        codes, labels = frame.codes[box.slices], frame.labels[box.slices]
        must_draw = must_draw[box.slices]
        masks = self._fill_masks(must_draw, codes, labels, frame.colors)
        encoded = smallest_encoding(masks, codes, labels, frame.colors, self.transparent)
        self._fills.record(encoded.fill, len(masks))
        self._write_frame(box, encoded, disposal, frame.duration_ms)
        self.written += 1
        if self._screen is not None:
            self._screen.draw(box, encoded.shows, encoded.drawn)
            if disposal == Disposal.CLEAR:
                self._screen.clear(box)

    def _whole_frame(self, frame: _PendingFrame) -> tuple[Box, np.ndarray, Disposal]:
        """The box, the pixels it must draw and the disposal of a frame written whole."""
        h, w = frame.codes.shape
        # A transparent pixel must show what is behind the GIF, not the frame before.
        disposal = Disposal.CLEAR if self.transparent else Disposal.LEAVE
        return Box(0, h, 0, w), frame.codes != INVISIBLE, disposal

    def _changed_box(
        self, frame: _PendingFrame, following: _PendingFrame | None
    ) -> tuple[Box, np.ndarray, Disposal]:
        """The box of ``frame`` that differs from the screen, the pixels to draw, its disposal."""
        must_draw = self._screen.changes(frame.codes)
        extent, disposal = must_draw, Disposal.LEAVE
        visible = frame.codes != INVISIBLE
        if self.transparent and following is not None:
            # Pixels shown now and transparent next can only be cleared by this frame.
            cleared = visible & (following.codes == INVISIBLE)
            if cleared.any():
                disposal, extent = Disposal.CLEAR, extent | cleared
        box = self._screen.box_to_draw(extent)
        if not self.transparent and len(frame.colors) >= 256:
            # No free entry for a transparent index: draw the whole box.
            must_draw = visible
        return box, must_draw, disposal

    def _fill_masks(
        self, must_draw: np.ndarray, codes: np.ndarray, labels: np.ndarray, colors: np.ndarray
    ) -> dict[Fill, np.ndarray]:
        """The pixels of the box each fill worth encoding draws (see :func:`fill_masks`)."""
        if self._screen is None or self._screen.blank or must_draw.all():
            return {Fill.TRANSPARENT: must_draw}
        return fill_masks(self._fills.to_try(self.written), must_draw, codes, labels, colors)

    def _write_frame(
        self, box: Box, encoded: EncodedBox, disposal: Disposal, duration_ms: int
    ) -> None:
        """Write one frame's graphic control extension, image descriptor and image data."""
        delay_cs = min(max(duration_ms, 0), MAX_DELAY_MS) // 10
        self._fh.write(
            graphic_control(disposal, delay_cs, encoded.transparent_index)
            + image_descriptor(box.left, box.top, box.width, box.height, encoded.table,
                               encoded.bits)
            + encoded.image_data
        )

    @property
    def shown(self) -> int:
        """Frames the file will hold for what was added so far: after :meth:`add`, the
        frame just added is frame ``shown - 1`` of the file (a repeat is merged into the one
        before it)."""
        return self.written + (self._pending is not None)

    def close(self) -> None:
        """Write the last frame and the trailer (and close the file if the writer opened it)."""
        if self._fh is None:
            return
        if self._pending is not None:
            self._write(self._pending, None)
            self._pending = None
        self._fh.write(trailer())
        if self._own:
            self._fh.close()
        self._fh = None

    def __enter__(self) -> GifWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
