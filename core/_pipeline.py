"""The stages a clip goes through on its way to a file: quantize, then write and measure.

:func:`core.convert` runs them over the whole part of a source; the sample a
size target is predicted from (:mod:`core._fit_sample`) runs the same stages
over a few short windows of it, so what is predicted is what is written.

- :func:`quantized`: every decoded frame with its result, in the mode asked
  for (the stable mode prepares the next frame on a second thread), dithered
  when asked;
- :func:`write_and_measure`: each result written (:class:`~core._gif_writer.GifWriter`
  or :class:`Mp4Frames`) and measured (:class:`core.metrics.LatticeMeter`) on a third thread while
  the next frame is quantized.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from core import metrics
from core._dither import redraw
from core._gif_writer import GifWriter
from core._quantize import QuantizeOptions
from core._result import QuantizeResult
from core._sequence import iter_quantized
from core._stable import StableKnobs
from core._video import Mp4Writer, frame_repeats
from core.errors import MediaError

#: A decoded frame: RGB, alpha (or None) and its duration in ms.
Decoded = tuple[np.ndarray, np.ndarray | None, int]


def quantized(decoded: Iterator[Decoded], k: int, mode: str, opts: QuantizeOptions,
              knobs: StableKnobs, centers: np.ndarray | None,
              dither: str) -> Iterator[tuple[Decoded, QuantizeResult]]:
    """The quantize stage: every decoded frame with its result (dithered when asked).

    The modes take frames a frame ahead of their results (the stable mode
    prepares the next frame on a second thread), so the frames taken wait in
    a queue until their result comes out.
    """
    taken = collections.deque()

    def take() -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
        for frame in decoded:
            taken.append(frame)
            yield frame[0], frame[1]

    drawn = None
    for res in iter_quantized(take(), k, mode, opts, knobs, centers):
        frame = taken.popleft()
        if dither != "none":
            # The previous re-drawn frame: held pixels keep its pattern.
            res = drawn = redraw(frame[0], res, dither, frame[1], previous=drawn)
        yield frame, res


def write_and_measure(results: Iterator[tuple[Decoded, QuantizeResult]], writer,
                      meter: metrics.LatticeMeter, written_so_far: Callable[[int], None]):
    """The write stage: every result written and measured; (frames written, notes).

    Writing and measuring frame t (LZW in Pillow, numpy: both release the GIL)
    run on a second thread while frame t+1 is decoded and quantized. A source
    that breaks off after some frames keeps those and says so in a note.
    """
    notes = []
    with _Writing(writer, meter, written_so_far) as writing:
        try:
            for frame, res in results:
                writing.put(frame, res)
            writing.wait()
        except MediaError as exc:
            writing.wait()
            if writing.written == 0:
                raise
            notes.append(f"{exc} The first {writing.written} frames were kept.")
    if writing.written == 0:
        raise MediaError("The file holds no frames that could be decoded.")
    return writing.written, notes


class _Writing:
    """Frames written and measured one at a time on a named second thread."""

    def __init__(self, writer, meter: metrics.LatticeMeter, written_so_far: Callable[[int], None]):
        self.writer, self.meter, self.written_so_far = writer, meter, written_so_far
        self.written = 0
        self._pending = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="write")

    def put(self, frame: Decoded, res: QuantizeResult) -> None:
        """Write ``frame``'s result once the frame before it is written."""
        self.wait()
        self._pending = self._pool.submit(self._emit, frame, res)

    def wait(self) -> None:
        """Wait for the frame being written (if any)."""
        if self._pending is not None:
            self._pending.result()
            self._pending = None
            self.written += 1
            self.written_so_far(self.written)

    def _emit(self, frame: Decoded, res: QuantizeResult) -> None:
        rgb, alpha, duration = frame
        self.writer.add(res, duration, alpha)
        self.meter.add(rgb, res.image, alpha)

    def __enter__(self) -> _Writing:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown()


def writer_for(fmt: str, out, stream) -> GifWriter | Mp4Frames:
    """The writer of ``fmt`` for ``stream``'s frames; both take (result, duration, alpha)."""
    if fmt == "gif":
        return GifWriter(out, stream.size, loop=stream.loop, transparent=stream.transparent)
    return Mp4Frames(out, stream.size, stream.durations)


class Mp4Frames:
    """An MP4 writer that takes results as :class:`GifWriter` does.

    MP4 has one constant frame rate: a frame that lasts longer than the
    others is repeated to keep the source's timing (:func:`frame_repeats`).
    """

    def __init__(self, out, size: tuple[int, int], durations):
        self.repeats, self.fps = frame_repeats(durations)
        self.mp4 = Mp4Writer(out, size, fps=self.fps)
        self.frames = 0

    def add(self, result: QuantizeResult, duration: int, alpha=None) -> None:
        """Append ``result``'s picture, repeated as its duration asks."""
        times = self.repeats[min(self.frames, len(self.repeats) - 1)]
        for _ in range(times):
            self.mp4.add(result.image)
        self.frames += 1

    def __enter__(self) -> Mp4Frames:
        return self

    def __exit__(self, *exc) -> None:
        self.mp4.__exit__(*exc)
