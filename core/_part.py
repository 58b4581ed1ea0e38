"""The part of a source to use: which seconds, how many frames a second, how wide.

Every GIF maker lets people choose these before anything else. :class:`Part`
holds the choice (checked when made); a clip's decoder applies it with
ffmpeg's own seeking (:func:`core._video.open_video`), and an animated image's
frames go through :func:`retimed`. :func:`side_for_width` turns a width into
the longer-side cap the decoders take.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

#: Milliseconds a browser shows a GIF frame whose delay is 0 (or under 20 ms).
BROWSER_DEFAULT_MS = 100
#: Shortest GIF delay browsers honour; shorter frames are slowed to BROWSER_DEFAULT_MS.
MIN_BROWSER_MS = 20
#: Highest frame rate accepted: GIF delays are whole hundredths of a second, and
#: browsers slow frames under 20 ms, so 50 fps is the most a GIF can play at.
MAX_PART_FPS = 50.0

Frame = tuple[np.ndarray, "np.ndarray | None", int]


@dataclass(frozen=True)
class Part:
    """Which part of a source to use, at what rate and width.

    Attributes
    ----------
    start : float
        Seconds from the beginning of the source; 0 by default.
    end : float or None
        Seconds from the beginning where the part ends (exclusive); the end of
        the source when ``None``.
    fps : float or None
        At most this many frames a second (frames are dropped, never made up,
        and the kept ones last longer, so the timing stays); the source's rate
        when ``None``. 0 < fps <= 50.
    width : int or None
        Output width in pixels, the height following the aspect ratio; never
        wider than the source. The source's width when ``None``.
    """

    start: float = 0.0
    end: float | None = None
    fps: float | None = None
    width: int | None = None

    def __post_init__(self):
        if not (isinstance(self.start, (int, float)) and math.isfinite(self.start)
                and self.start >= 0):
            raise ValueError(f"start={self.start!r} must be a number of seconds >= 0.")
        if self.end is not None and not (
            isinstance(self.end, (int, float)) and math.isfinite(self.end) and self.end > self.start
        ):
            raise ValueError(f"end={self.end!r} must be a number of seconds after start "
                             f"({self.start:g}).")
        if self.fps is not None and not (
            isinstance(self.fps, (int, float)) and 0 < self.fps <= MAX_PART_FPS
        ):
            raise ValueError(f"fps={self.fps!r} must be above 0 and at most {MAX_PART_FPS:g} "
                             "(GIF delays are hundredths of a second; browsers slow frames "
                             f"under {MIN_BROWSER_MS} ms).")
        if self.width is not None and (
            isinstance(self.width, bool) or not isinstance(self.width, (int, np.integer))
            or self.width < 1
        ):
            raise ValueError(f"width={self.width!r} must be a whole number of pixels >= 1.")

    @property
    def seconds(self) -> float | None:
        """Length of the part in seconds, or None when it runs to the end of the source."""
        return None if self.end is None else self.end - self.start

    @property
    def whole(self) -> bool:
        """True when the part is the whole source at its own rate and size."""
        return self == Part()


def shown_ms(duration: int) -> int:
    """How long a browser shows a GIF frame that asks for ``duration`` ms."""
    return BROWSER_DEFAULT_MS if duration < MIN_BROWSER_MS else int(duration)


def side_for_width(size: tuple[int, int], width: int | None,
                   max_side: int | None) -> int | None:
    """The longer-side cap that gives frames of ``size`` at most ``width`` pixels wide.

    Parameters
    ----------
    size : (int, int)
        (width, height) of the source.
    width : int or None
        The output width asked for (never above the source's).
    max_side : int or None
        A cap on the longer side already in force.

    Returns
    -------
    int or None
        The tighter of the two caps (None: no cap).
    """
    if width is None or width >= size[0]:
        return max_side
    w, h = size
    side = max(width, round(h * width / w))
    return side if max_side is None else min(side, max_side)


def retimed(frames: Iterable[Frame], part: Part) -> Iterator[Frame]:
    """The frames shown from ``part.start`` to ``part.end``, at most ``part.fps`` a second.

    A frame belongs to the part when it is on screen at some time within it
    (its shown duration clipped to the part). With ``fps``, a frame is kept
    when it is the first on screen at a tick of a ``1/fps`` clock, and lasts
    until the next kept frame, so the part's total duration is kept.

    Parameters
    ----------
    frames : iterable of (rgb, alpha, duration_ms)
        As an animated image decodes them; consumed lazily (one frame held).
    part : Part

    Yields
    ------
    (rgb, alpha, duration_ms)
        Durations in whole milliseconds.
    """
    start_ms = 1000.0 * part.start
    end_ms = math.inf if part.end is None else 1000.0 * part.end
    tick_ms = None if part.fps is None else 1000.0 / part.fps
    pending, pending_ms, last_tick, clock = None, 0.0, None, 0.0
    for rgb, alpha, duration in frames:
        begin, clock = clock, clock + shown_ms(duration)
        visible = min(clock, end_ms) - max(begin, start_ms)
        if visible <= 0:
            if begin >= end_ms:
                break
            continue
        tick = None if tick_ms is None else math.floor((max(begin, start_ms) - start_ms) / tick_ms)
        if pending is not None and (tick is None or tick != last_tick):
            yield pending[0], pending[1], int(round(pending_ms))
            pending, pending_ms = None, 0.0
        if pending is None:
            pending, last_tick = (rgb, alpha), tick
        pending_ms += visible
    if pending is not None:
        yield pending[0], pending[1], int(round(pending_ms))
