"""Writing quantized results: animated GIF with exact per-frame palettes, indexed PNG.

Frames are written one at a time by :class:`GifWriter`, so a clip can be
encoded while it is decoded (:func:`core.convert`) without holding it. Each
frame carries its own palette as a local colour table, exactly the computed
colours, so nothing quantizes or dithers again.

A frame stores only what changed on screen, as gifski and ffmpeg's GIF
encoder do: it is cropped to the box of pixels that differ from what is shown,
pixels inside that box that already show their colour take a transparent
index (runs of one index are what LZW compresses best), and a frame identical
to the one before is merged into it, their delays added. The writer keeps the
screen (one ``uint32`` per pixel) and one pending frame, never the clip.

Each frame's colour table holds only the entries its box uses, and its LZW
code size follows the table (Pillow's ``GifImagePlugin.getdata`` always uses
8 bits); the LZW data comes from Pillow's GIF encoder (``Image.tobytes("gif",
...)``). The container around it (header, loop block, graphic control
extension, image descriptor, trailer; GIF89a specification, CompuServe 1990)
is written here.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from core._cluster import assign
from core._histogram import pack_rgb, unpack_rgb
from core._result import QuantizeResult
from core._validation import opaque_mask

#: Packed code of a pixel that shows nothing (above the 24 bits of any colour).
INVISIBLE = np.uint32(1 << 24)
#: Longest delay one GIF frame can hold (65535 centiseconds), in ms.
MAX_DELAY_MS = 655_350
#: GIF disposal methods: leave the frame in place, or clear its box to transparent.
LEAVE, CLEAR = 1, 2
#: Every way of drawing a frame's unchanged pixels is encoded on one frame in
#: this many (and on the first); the frames between use the way that won last:
#: the winner seldom changes within a clip, and each way costs an LZW encoding.
#: Against 8, 16 wrote the same bytes on four of the five shared clips and 148
#: more (0.03%) on carphone.
RETRY_WAYS = 16


def _indexed(result: QuantizeResult, alpha: np.ndarray | None) -> tuple[Image.Image, int | None]:
    """A "P" image of ``result`` whose palette is exactly its colours (for PNG).

    Transparent pixels (alpha below 128) take an extra entry after the colours.
    """
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
    im = Image.fromarray(np.ascontiguousarray(labels, dtype=np.uint8), mode="P")
    # Pad to a power of two ourselves; Pillow would otherwise pick the size.
    im.putpalette(_padded(colors, _code_size(len(colors))).reshape(-1).tolist())
    return im, transparent


def packed_screen(image: np.ndarray, opaque: np.ndarray | None = None) -> np.ndarray:
    """What an image shows, one ``uint32`` per pixel: ``r << 16 | g << 8 | b``, or INVISIBLE.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
    opaque : ndarray of bool, shape (H, W), optional
        Pixels that are shown; the others are INVISIBLE.

    Returns
    -------
    ndarray of uint32, shape (H, W)
    """
    out = image[..., 0].astype(np.uint32)
    out <<= 8
    out |= image[..., 1]
    out <<= 8
    out |= image[..., 2]
    if opaque is not None:
        out[~opaque] = INVISIBLE
    return out


def _code_size(entries: int) -> int:
    # Bits per index of a colour table holding ``entries``; GIF's LZW needs at least 2.
    return max(2, int(np.ceil(np.log2(max(2, entries)))))


def _padded(colors: np.ndarray, bits: int) -> np.ndarray:
    table = np.zeros((1 << bits, 3), dtype=np.uint8)
    table[: len(colors)] = colors
    return table


def _box(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the True pixels, or None when there is none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask[rows[0] : rows[-1] + 1].any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


@dataclass
class _Frame:
    """A frame waiting to be written (one frame of lookahead)."""

    labels: np.ndarray
    colors: np.ndarray
    shown: np.ndarray  # packed_screen of the frame
    duration: int


def _box_indices(
    shown: np.ndarray, paint: np.ndarray, labels: np.ndarray, colors: np.ndarray,
    transparent: bool,
) -> tuple[np.ndarray, np.ndarray, int | None, np.ndarray]:
    """Indices, colour table and transparent index of one frame's box.

    ``paint`` marks the pixels drawn with a colour; the others take the
    transparent index. A painted pixel's index is its label when the label's
    colour is the pixel's colour. A pixel whose colour is not its label's (a
    frame that shows an earlier frame's colour, when that frame was not
    written before it) gets an entry of its own while the table has room, else
    the nearest entry.

    Returns
    -------
    indices : ndarray of uint8, shape of ``shown``
    table : ndarray, shape (m, 3), uint8
        Only the entries used, in label order.
    transparent_index : int or None
    drawn : ndarray of uint32
        What the box shows once drawn (``shown``, unless a colour had no room).
    """
    codes = pack_rgb(colors).astype(np.uint32)
    index = labels[paint].astype(np.intp)
    want = shown[paint]
    drawn = shown
    wrong = codes[index] != want
    if wrong.any():
        extra, inverse = np.unique(want[wrong], return_inverse=True)
        if len(colors) + len(extra) < 256:
            index[wrong] = len(colors) + inverse
            colors = np.vstack([colors, unpack_rgb(extra).astype(np.uint8)])
        else:
            rgb = unpack_rgb(extra).astype(np.float64)
            index[wrong] = assign(rgb, colors.astype(np.float64))[inverse]
            drawn = shown.copy()
            drawn[paint] = pack_rgb(colors).astype(np.uint32)[index]
    used = np.zeros(len(colors), dtype=bool)
    used[index] = True
    remap = (np.cumsum(used) - 1).astype(np.uint8)
    table = colors[used]
    t = len(table) if transparent else None
    out = np.full(shown.shape, 0 if t is None else t, dtype=np.uint8)
    out[paint] = remap[index]
    return out, table, t, drawn


def fewest_runs(must: np.ndarray, may: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Which pixels to draw so that each row has the fewest runs of one index.

    ``must`` pixels are drawn with their label, pixels outside ``may`` take
    the transparent index, and the free pixels (``may`` but not ``must``)
    are drawn or left transparent so that each row changes index as few
    times as possible (LZW codes runs of repeated strings).

    A row splits into stretches of free pixels between fixed ones, each
    decided on its own. Within a stretch, all transparent costs a change at
    each end whose fixed neighbour is drawn; all drawn costs the changes of
    label inside, plus one at each end whose neighbour differs. Drawing only
    part of a stretch adds a change at each switch to transparent and never
    does better than one of those two, so each stretch is drawn whole when
    that makes fewer changes (ties stay transparent).

    Parameters
    ----------
    must, may : ndarray of bool, shape (H, W)
        ``must`` is within ``may``.
    labels : ndarray of uint8, shape (H, W)

    Returns
    -------
    ndarray of bool, shape (H, W)
        The pixels to draw: ``must`` plus some of ``may``.
    """
    h, w = must.shape
    # Rows laid end to end, each followed by a pad pixel: no stretch crosses it.
    free = np.zeros((h, w + 1), dtype=np.int8)
    free[:, :w] = may & ~must
    edges = np.diff(free.reshape(-1), prepend=np.int8(0))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if starts.size == 0:
        return must.copy()
    # The same places in the rows without pads; a stretch at a row's start or
    # end has no neighbour there, which costs no change.
    row = starts // (w + 1)
    first, end = starts - row, stops - row
    has_left, has_right = first % w != 0, end % w != 0
    left, right = np.where(has_left, first - 1, 0), np.where(has_right, end, 0)
    label, drawn = labels.reshape(-1), must.reshape(-1)
    changes = np.zeros(label.size, dtype=np.int32)
    np.cumsum(label[1:] != label[:-1], out=changes[1:])
    # A neighbour not drawn is transparent: a change next to any drawn label.
    clear_cost = (has_left & drawn[left]).astype(np.int32) + (has_right & drawn[right])
    drawn_cost = (
        changes[end - 1] - changes[first]
        + (has_left & (~drawn[left] | (label[left] != label[first])))
        + (has_right & (~drawn[right] | (label[right] != label[end - 1])))
    )
    draw = drawn_cost < clear_cost
    # Marks at the padded places: stretches are apart there (a fixed pixel or a pad between).
    marks = np.zeros(free.size, dtype=np.int8)
    marks[starts[draw]] = 1
    marks[stops[draw]] = -1
    chosen = np.cumsum(marks, dtype=np.int8).reshape(h, w + 1)[:, :w].astype(bool)
    return chosen | must


def _encode_box(
    shown: np.ndarray, paint: np.ndarray, labels: np.ndarray, colors: np.ndarray,
    transparent: bool,
) -> tuple[bytes, np.ndarray, int | None, np.ndarray, int]:
    """LZW data of one frame's box (see :func:`_box_indices`), its table and code size."""
    needs_t = transparent or not paint.all()
    indices, table, t, drawn = _box_indices(shown, paint, labels, colors, needs_t)
    bits = _code_size(len(table) + (t is not None))
    data = Image.fromarray(indices, mode="P").tobytes("gif", "P", bits, 0)
    return data, table, t, drawn, bits


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
        self._pending: _Frame | None = None
        self._screen: np.ndarray | None = None
        self._way: int | None = None
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
        frame = _Frame(result.labels, result.palette.colors,
                       packed_screen(result.image, opaque), int(duration))
        self.frames += 1
        pending = self._pending
        if (
            pending is not None
            and self.difference
            and pending.duration + frame.duration <= MAX_DELAY_MS
            and np.array_equal(pending.shown, frame.shown)
        ):
            pending.duration += frame.duration
            return
        if pending is not None:
            self._write(pending, frame)
        self._pending = frame

    def _write(self, frame: _Frame, following: _Frame | None) -> None:
        """Write ``frame``; ``following`` (or None for the last) decides its disposal."""
        h, w = frame.shown.shape
        shown = frame.shown
        visible = shown != INVISIBLE
        disposal = LEAVE
        if not self.difference:
            box, paint = (0, h, 0, w), visible
            if self.transparent:
                disposal = CLEAR
        else:
            if self._screen is None:
                # The first frame covers the canvas: decoders differ on what lies outside it.
                paint, extent = visible, np.ones((h, w), dtype=bool)
            else:
                paint = shown != self._screen
                extent = paint
            if self.transparent and following is not None:
                # Pixels shown now and transparent next can only be cleared by this frame.
                clear = visible & (following.shown == INVISIBLE)
                if clear.any():
                    disposal, extent = CLEAR, extent | clear
            box = _box(extent) or (0, 1, 0, 1)
        if self._screen is not None and self.difference and not self.transparent \
                and len(frame.colors) >= 256:
            # No free entry for a transparent index: draw the whole box.
            paint = visible
        y0, y1, x0, x1 = box
        sub = shown[y0:y1, x0:x1]
        sub_paint = paint[y0:y1, x0:x1]
        sub_labels = frame.labels[y0:y1, x0:x1]
        ways = {0: sub_paint}
        if self._screen is not None and not sub_paint.all():
            # Unchanged pixels can also be drawn again in their own colour where this
            # frame's palette has it: on content that changes in many small places
            # (a GIF source, dithering) long runs of colours beat runs broken by the
            # transparent index. Three ways are encoded (transparent, redrawn, and
            # each pixel's choice that makes the fewest runs) and the smallest kept.
            trial = self._way is None or self.written % RETRY_WAYS == 0
            if trial or self._way:
                codes = pack_rgb(frame.colors).astype(np.uint32)
                redraw = sub_paint | ((np.take(codes, sub_labels) == sub) & (sub != INVISIBLE))
                if not np.array_equal(redraw, sub_paint):
                    runs = trial or self._way == 2
                    fewest = fewest_runs(sub_paint, redraw, sub_labels) if runs else None
                    if trial:
                        ways.update({1: redraw, 2: fewest})
                    else:
                        ways = {self._way: fewest if runs else redraw}
        best = None
        for key, way in ways.items():
            encoded = _encode_box(sub, way, sub_labels, frame.colors, self.transparent)
            if best is None or len(encoded[0]) < len(best[2][0]):
                best = (key, way, encoded)
        key, sub_paint, (data, table, t, drawn, bits) = best
        if len(ways) > 1:
            self._way = key
        delay = min(max(frame.duration, 0), MAX_DELAY_MS) // 10
        flags = (disposal << 2) | (t is not None)
        self._fh.write(
            b"!\xf9\x04" + struct.pack("<BHBB", flags, delay, t or 0, 0)
            + b"," + struct.pack("<HHHHB", x0, y0, x1 - x0, y1 - y0, 0x80 | (bits - 1))
            + _padded(table, bits).tobytes()
            + bytes([bits])
            + data
            + b"\0"
        )
        self.written += 1
        if self.difference:
            if self._screen is None:
                self._screen = np.full((h, w), INVISIBLE, dtype=np.uint32)
            screen = self._screen[y0:y1, x0:x1]
            np.copyto(screen, drawn, where=sub_paint)
            if disposal == CLEAR:
                screen.fill(INVISIBLE)

    def close(self) -> None:
        """Write the last frame and the trailer (and close the file if the writer opened it)."""
        if self._fh is None:
            return
        if self._pending is not None:
            self._write(self._pending, None)
            self._pending = None
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
