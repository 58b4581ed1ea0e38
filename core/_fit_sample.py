"""A sample of a part's frames, and the GIF size it predicts for any settings.

A GIF of the stable mode stores, after its first frame, only what changed,
so its size is its first frame plus a sum over the frames of what each one
draws. That sum is estimated from a few short *windows* spread evenly over
the part (a systematic sample, which follows a clip whose motion comes and
goes). The windows are quantized and written one after the other as one GIF,
through the same stages and threads as the file (:mod:`core._pipeline`), and
the bytes of the later frames of each window are counted. The jump into a
window is drawn like a scene cut, and what the stable mode holds settles over
the next few frames, so the first ``WARM`` frames of each window are written
but not counted.

The part is decoded once, in order (so the sample's frames are exactly the
file's), and only the windows' frames are kept. On the shared clips the
prediction is within 9 % of the file (``bench/bench_fit_size.py``), mostly
within 5 %; it tends to be low with many colours on footage that moves
(the palette of a long run drifts from what it shows, and redraws more).

References
----------
Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed., ch. 8 (systematic
sampling). Wiley.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core._gif_blocks import header, loop_extension, trailer
from core._gif_writer import GifWriter
from core._pipeline import quantized, write_and_measure
from core._stable import StableKnobs
from core.metrics import LatticeMeter

#: Frames of each window written before its frames are counted.
WARM = 3
#: Frames counted in each window.
COUNTED = 3
#: Windows over a part (fewer when the part is short, see :func:`window_starts`).
WINDOWS = 8
#: Most RGB pixels the sample keeps (200 MB): fewer windows for large frames.
SAMPLE_PIXELS = 1 << 26


@dataclass(frozen=True)
class Prediction:
    """The GIF size a sample predicts for one setting, and how the sample scored.

    Attributes
    ----------
    bytes : int
        Predicted size of the whole part's GIF.
    first : int
        Bytes of the part's first frame (written whole).
    per_frame : float
        Mean bytes of a counted frame.
    flicker, mean_delta_e : float
        As :class:`core.ConvertReport` has them, over the counted frames.
    """

    bytes: int
    first: int
    per_frame: float
    flicker: float
    mean_delta_e: float


class _Counter:
    # A file object that keeps nothing and counts what is written to it.
    def __init__(self):
        self.written = 0

    def write(self, data) -> int:
        self.written += len(data)
        return len(data)


def window_starts(frames: int, size: tuple[int, int]) -> list[int]:
    """First frames of the windows of a part of ``frames`` frames of ``size`` pixels.

    ``WINDOWS`` windows of ``WARM + COUNTED`` frames spread evenly from the
    first frame to the last (fewer when the part is short or its frames are
    large); the first window starts at frame 0, whose bytes it measures. A
    part that as many windows would hold whole gets them end to end: the
    sample is then the part itself, and its size is measured, not predicted.
    """
    length = WARM + COUNTED
    fit = SAMPLE_PIXELS // max(1, size[0] * size[1] * length)
    if frames <= length * min(WINDOWS, fit):
        return list(range(0, max(frames, 1), length))
    count = max(1, min(WINDOWS, frames // length, fit))
    return sorted({int(round(s)) for s in np.linspace(0, frames - length, count)})


class Sample:
    """The frames of a few windows of a part, decoded once, to predict the GIF's size.

    Parameters
    ----------
    stream : core._stream.Stream
        The part, opened (its frames are decoded here, in order).
    job : core._encode.Job
        The mode, dither and clustering options of the file to predict.
    """

    def __init__(self, stream, job):
        self.job, self.size, self.frames = job, stream.size, stream.frames
        self.loop, self.transparent = stream.loop, stream.transparent
        self.starts = window_starts(stream.frames, stream.size)
        length = WARM + COUNTED
        wanted = {s + i for s in self.starts for i in range(length)}
        # Decoded to the end (ffmpeg stopped early waits 1.5 s to be killed),
        # which also counts the frames a clip really gives.
        kept, decoded = {}, 0
        for index, frame in enumerate(stream.decode()):
            decoded = index + 1
            if index in wanted:
                kept[index] = frame
        self.frames = max(1, decoded)
        self.windows = [[kept[s + i] for i in range(length) if s + i in kept]
                        for s in self.starts]
        self.windows = [w for w in self.windows if w]
        #: Every frame of the part was kept, in order: the sample is the part.
        self.whole = len(kept) == self.frames
        #: Each sample frame's place in its window.
        self._positions = [i for window in self.windows for i in range(len(window))]

    def predict(self, k: int, knobs: StableKnobs) -> Prediction:
        """The size of the part's GIF with ``k`` colours and ``knobs``."""
        meter = LatticeMeter(self.size)
        sizes = self._sequence_bytes(k, knobs, meter)
        counted = [b for at, b in zip(self._positions, sizes) if at >= WARM]
        if not counted:  # a part shorter than a window: it is the whole part
            counted = sizes[1:] or [0.0]
        per_frame = float(np.mean(counted))
        fixed = len(header(*self.size)) + len(trailer())
        fixed += 0 if self.loop is None else len(loop_extension(self.loop))
        total = fixed + (sum(sizes) if self.whole else sizes[0] + (self.frames - 1) * per_frame)
        measured = meter.result()
        return Prediction(int(math.ceil(total)), int(sizes[0]), per_frame, measured.flicker,
                          measured.mean_delta_e)

    def _sequence_bytes(self, k: int, knobs: StableKnobs, meter: LatticeMeter) -> list[float]:
        # Bytes of each frame of the windows, quantized and written one after the
        # other as one GIF, through the file's stages and threads: the jump at the
        # start of a window is drawn by its warm frames, and the palette goes on
        # from the last window's (a fresh fit at every window would cost more
        # than the frames). The writer holds one frame back (to merge a repeat),
        # so frame i's bytes are known when frame i+1 is added, the last frame's
        # when it closes.
        job, counter = self.job, _Counter()
        frames = [frame for window in self.windows for frame in window]
        results = quantized(iter(frames), k, job.mode, job.options, knobs, None, job.dither)
        with GifWriter(counter, self.size, loop=self.loop,
                       transparent=self.transparent) as writer:
            start = counter.written
            marking = _Marking(writer, counter)
            write_and_measure(results, marking, _Counted(meter, self._positions), lambda n: None)
        marks = [start, *marking.marks[1:], counter.written - len(trailer())]
        return [float(b - a) for a, b in zip(marks, marks[1:])]


class _Marking:
    # A writer that notes the bytes written so far after each frame it adds.
    def __init__(self, writer: GifWriter, counter: _Counter):
        self.writer, self.counter, self.marks = writer, counter, []

    def add(self, result, duration: int, alpha=None) -> None:
        self.writer.add(result, duration, alpha)
        self.marks.append(self.counter.written)


class _Counted:
    # A meter that measures only the counted frames of each window (the flicker
    # of a pair within one window: the meter starts again at each).
    def __init__(self, meter: LatticeMeter, positions: list[int]):
        self.meter, self.positions, self.seen = meter, positions, 0

    def add(self, original, quantized, alpha) -> None:
        at = self.positions[self.seen]
        self.seen += 1
        if at == WARM:
            self.meter.restart()
        if at >= WARM:
            self.meter.add(original, quantized, alpha)
