"""The per-pixel hold: a still pixel keeps showing exactly what it showed.

Codec noise and grain move every pixel of a still area a little in every
frame. Drawn afresh each frame, such an area crawls, and a GIF must store it
again. :class:`PixelHold` remembers, for every pixel, three colours (what it
showed, its source then, and its *reference*, the source when it was last
written) and decides frame by frame which pixels hold (:meth:`PixelHold.choose`):
a pixel holds while it is still and either its source stays near its
reference, or what it shows is nearly as good as the best colour now. Both
allowances shrink as the pixel moves, so motion is drawn at once.

The colours live in a perceptual space (the ``"stable"`` mode uses DIN99o, so
distances follow CIEDE2000), as three float32 planes of shape (3, N); the
choice and the record are one compiled pass each over the pixels
(:mod:`core._hold_pass`). This module knows nothing of palettes or of the
stable mode that uses it.
"""

from __future__ import annotations

import numpy as np

from core._hold_pass import choose_pass, push_pass

#: Pixels a block when gathering per-pixel colours into planes (:func:`planes_of`).
PLANE_BLOCK = 1 << 16


def planes_of(table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Per-pixel colours ``table[index]`` as three contiguous planes, shape (3, N), float32.

    The rows are gathered whole, as 16-byte words (three float32 and a pad),
    which reads the index once rather than once a plane, and turned into
    planes a block at a time: 30% faster than three gathers, with a
    temporary of 1 MB.

    Parameters
    ----------
    table : ndarray, shape (m, 3)
        A colour per row.
    index : ndarray of int, shape (N,)
        The row of every pixel.

    Returns
    -------
    ndarray, shape (3, N), float32
    """
    rows = np.zeros((len(table), 4), dtype=np.float32)
    rows[:, :3] = table
    words = rows.view(np.complex128).reshape(-1)
    out = np.empty((3, index.size), dtype=np.float32)
    for start in range(0, index.size, PLANE_BLOCK):
        block = np.take(words, index[start : start + PLANE_BLOCK])
        out[:, start : start + PLANE_BLOCK] = block.view(np.float32).reshape(-1, 4)[:, :3].T
    return out


def distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between two colour images stored as planes, pixel by pixel.

    Parameters
    ----------
    a, b : ndarray, shape (3, ...)
        Three planes each (one per channel), e.g. (3, N).

    Returns
    -------
    ndarray, shape (...)
    """
    out = np.subtract(a[0], b[0])
    out *= out
    for c in (1, 2):
        d = np.subtract(a[c], b[c])
        d *= d
        out += d
    return np.sqrt(out, out=out)


class PixelHold:
    """What every pixel showed, and which pixels keep showing it in the next frame.

    Made empty; :meth:`push` records each frame. Between two pushes,
    :meth:`off_source` and :meth:`choose` tell how well the screen still
    shows the new frame and which pixels hold.

    Parameters
    ----------
    hold : float
        A still pixel holds while its source stays within this distance of
        its reference.
    margin : float
        ... or while what it shows is at most this much farther from its
        source than the colour it would be drawn with now (hysteresis).
    motion : float
        Change of a pixel's source since the previous frame at which both
        allowances have shrunk (linearly) to nothing.

    Attributes
    ----------
    reference, shown, source : ndarray, shape (3, N), float32, or None
        Per pixel: the source colour when it was last written (or last found
        still well shown), the colour it shows, and the last frame's source.
        NaN where the pixel was transparent (a NaN never holds). ``None``
        before the first :meth:`push`.
    words : ndarray of uint32, shape (N,), or None
        What the last frame showed, one 32-bit word per pixel
        (:func:`core._result.paint_words`): held pixels show it again.
    """

    def __init__(self, hold: float, margin: float, motion: float):
        self.hold, self.margin, self.motion = hold, margin, motion
        self.reference = self.shown = self.source = self.words = None

    @property
    def started(self) -> bool:
        """True once a frame has been pushed."""
        return self.words is not None

    def off_source(self, source: np.ndarray) -> np.ndarray:
        """How far what every pixel shows is from this frame's ``source``, shape (N,)."""
        return distance(source, self.shown)

    def choose(self, source: np.ndarray, off_screen: np.ndarray, drawn_error: np.ndarray,
               index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which pixels keep showing what they showed in the last frame.

        A pixel holds while it is still and either

        - its source stays within ``hold`` of its reference (a per-pixel
          reference, not the last frame's colour: a slow fade drifts away
          from it and is drawn); or
        - what it shows is at most ``margin`` farther from its source than the
          colour it would be drawn with now.

        Both allowances shrink linearly with the pixel's change since the last
        frame, to nothing at ``motion``: a moving pixel takes its best colour
        at once (motion masks the change), while noise and grain on a still
        area, which move a pixel a little in every frame, are held.

        Parameters
        ----------
        source : ndarray, shape (3, N), float32
            This frame's source colour of every pixel.
        off_screen : ndarray, shape (N,), float32
            How far what every pixel shows is from its source (:meth:`off_source`).
        drawn_error : ndarray, shape (m,), float32
            How far the colour it would be drawn with now is from its source,
            for each of ``m`` rows; pixel ``i``'s is ``drawn_error[index[i]]``.
        index : ndarray of int, shape (N,)

        Returns
        -------
        held : ndarray of bool, shape (N,)
        anchored : ndarray of bool, shape (N,)
            Held by the first rule: these keep their reference; the others
            (written, or held by the second rule) take this frame's colour as
            their new reference.
        """
        held = np.empty(off_screen.shape, dtype=bool)
        anchored = np.empty(off_screen.shape, dtype=bool)
        choose_pass(source, self.source, self.reference, off_screen, drawn_error, index,
                    np.float32(self.hold), np.float32(self.margin),
                    np.float32(-1.0 / self.motion), held, anchored)
        return held, anchored

    def push(self, source: np.ndarray, words: np.ndarray, drawn: np.ndarray, index: np.ndarray,
             held: np.ndarray | None = None, anchored: np.ndarray | None = None,
             hidden: np.ndarray | None = None) -> None:
        """Record a frame: the held pixels keep their colours, the others take the new ones.

        The hold's planes are rewritten in place where pixels change, and
        ``source`` and ``words`` are kept, not copied.

        Parameters
        ----------
        source : ndarray, shape (3, N), float32
            The frame's source colours.
        words : ndarray of uint32, shape (N,)
            What the frame draws; held pixels are set to what they show.
        drawn : ndarray, shape (m, 3), float32
            The colours drawn, a row each: pixel ``i`` is drawn ``drawn[index[i]]``.
        index : ndarray of int, shape (N,)
        held, anchored : ndarray of bool, shape (N,), optional
            From :meth:`choose`; ``None`` when no pixel holds.
        hidden : ndarray of bool, shape (N,), optional
            Transparent pixels: they take NaN, which never holds.
        """
        if held is None:
            self.shown, self.reference = planes_of(drawn, index), source
        else:
            push_pass(held, anchored, words, self.words, self.shown, self.reference, source,
                      np.ascontiguousarray(drawn, dtype=np.float32), index)
        self.source, self.words = source, words
        if hidden is not None:
            for planes in (self.reference, self.shown, self.source):
                planes[:, hidden] = np.nan
