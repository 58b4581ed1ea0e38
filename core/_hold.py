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
distances follow CIEDE2000), as three float32 planes of shape (3, N): each
step then runs over one contiguous plane at a time. This module knows nothing
of palettes or of the stable mode that uses it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Pixels a block when gathering per-pixel colours into planes (:func:`planes_of`).
PLANE_BLOCK = 1 << 16

#: ``new_at(pixels)``: new planes at those pixel indices, or at every pixel for ``None``.
NewPlanes = Callable[[np.ndarray | None], np.ndarray]


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


def merged_planes(kept: np.ndarray, old: np.ndarray, new_at: NewPlanes) -> np.ndarray:
    """Planes (3, N) that are ``old`` where ``kept``, and new at the other pixels.

    On still footage most pixels are kept: then ``old`` itself is written over
    at the others and returned (its owner lets go of it). In motion most are
    new: the new planes are made whole and the kept pixels copied in.
    """
    changed = np.flatnonzero(~kept)
    if 2 * changed.size < kept.size:
        old[:, changed] = new_at(changed)
        return old
    out = new_at(None)
    for c in range(out.shape[0]):
        np.copyto(out[c], old[c], where=kept)
    return out


def merged_into(kept: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``old`` (3, N) with the pixels not ``kept`` taken from ``new`` (3, N), in place.

    Where few pixels change (still footage) only those are copied; where most
    do (motion) one masked copy runs over the planes. Either way no planes are
    made: in motion that saves a 10 MB copy a 1280x720 frame.
    """
    moving = ~kept
    changed = np.flatnonzero(moving)
    if 2 * changed.size < kept.size:
        old[:, changed] = new[:, changed]
    else:
        np.copyto(old, new, where=moving)
    return old


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

    def choose(self, source: np.ndarray, excess: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which pixels keep showing what they showed in the last frame.

        A pixel holds while it is still and either

        - its source stays within ``hold`` of its reference (a per-pixel
          reference, not the last frame's colour: a slow fade drifts away
          from it and is drawn); or
        - what it shows is at most ``margin`` farther from its source than the
          colour it would be drawn with now (``excess``).

        Both allowances shrink linearly with the pixel's change since the last
        frame, to nothing at ``motion``: a moving pixel takes its best colour
        at once (motion masks the change), while noise and grain on a still
        area, which move a pixel a little in every frame, are held.

        Parameters
        ----------
        source : ndarray, shape (3, N), float32
            This frame's source colour of every pixel.
        excess : ndarray, shape (N,)
            How much farther from its source what the pixel shows is than the
            colour it would be drawn with now.

        Returns
        -------
        held : ndarray of bool, shape (N,)
        anchored : ndarray of bool, shape (N,)
            Held by the first rule: these keep their reference; the others
            (written, or held by the second rule) take this frame's colour as
            their new reference.
        """
        still = distance(source, self.source)
        still *= np.float32(-1.0 / self.motion)
        still += 1.0
        np.clip(still, 0.0, 1.0, out=still)
        # NaN (a pixel that was transparent) compares False everywhere below.
        anchored = distance(source, self.reference) <= np.float32(self.hold) * still
        still *= np.float32(self.margin)
        held = anchored | (excess <= still)
        return held, anchored

    def push(self, source: np.ndarray, words: np.ndarray, drawn_at: NewPlanes,
             held: np.ndarray | None = None, anchored: np.ndarray | None = None,
             hidden: np.ndarray | None = None) -> None:
        """Record a frame: the held pixels keep their colours, the others take the new ones.

        The hold's planes are rewritten in place where pixels change (on still
        footage that saves two 10 MB copies a 1280x688 frame), and ``source``
        and ``words`` are kept, not copied.

        Parameters
        ----------
        source : ndarray, shape (3, N), float32
            The frame's source colours.
        words : ndarray of uint32, shape (N,)
            What the frame draws; held pixels are set to what they show.
        drawn_at : callable
            ``drawn_at(pixels)``: the colours drawn at those pixels (or at
            every pixel for ``None``), as planes.
        held, anchored : ndarray of bool, shape (N,), optional
            From :meth:`choose`; ``None`` when no pixel holds.
        hidden : ndarray of bool, shape (N,), optional
            Transparent pixels: they take NaN, which never holds.
        """
        if held is None:
            self.shown, self.reference = drawn_at(None), source
        else:
            np.copyto(words, self.words, where=held)
            self.shown = merged_planes(held, self.shown, drawn_at)
            self.reference = merged_into(anchored & held, self.reference, source)
        self.source, self.words = source, words
        if hidden is not None:
            for planes in (self.reference, self.shown, self.source):
                planes[:, hidden] = np.nan
