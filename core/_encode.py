"""One pass from a source to a file: the part decoded, quantized, written and measured.

:func:`core.convert` makes one such pass (:func:`encode`) for settings it is
given, or one or two for settings a size target chose (:mod:`core._fit`).
What a pass reads and how it writes is a :class:`Job`, fixed before any
choice of colours; what it wrote and how it scores is a :class:`ConvertReport`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core._audio import with_audio
from core._fit_plan import FitReport
from core._part import Part, side_for_width
from core._pipeline import quantized, write_and_measure, writer_for
from core._quantize import QuantizeOptions
from core._sequence import global_centers
from core._stable import StableKnobs
from core._stream import open_stream
from core._video import MAX_FPS, MAX_FRAMES, MAX_SECONDS, private_file
from core.metrics import LatticeMeter
from core.notices import frames_note, size_note

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ConvertReport:
    """What :func:`core.convert` wrote and how it scores.

    Attributes
    ----------
    frames : int
        Frames written.
    width, height : int
        Size of the output.
    bytes : int
        Size of the output file.
    flicker : float
        Mean flicker (:func:`core.metrics.flicker`, estimated on a pixel
        lattice); NaN for a still or when nothing stays still.
    mean_delta_e : float
        Mean CIEDE2000 ΔE against the decoded source (same lattice).
    seconds : float
        Wall time of the whole conversion.
    source_size : (int, int)
        (width, height) of the source file.
    notes : tuple of str
        What a person should know: a downscale, frames kept when the source
        broke off part-way.
    fit : FitReport or None
        With a size target (``max_bytes``): the settings chosen and why.
    """

    frames: int
    width: int
    height: int
    bytes: int
    flicker: float
    mean_delta_e: float
    seconds: float
    source_size: tuple[int, int]
    notes: tuple[str, ...] = ()
    fit: FitReport | None = None


@dataclass(frozen=True)
class Job:
    """What a conversion reads and how it writes, whatever colours it is given.

    Attributes
    ----------
    source : str or bytes
        A path, or the source's bytes (read again for every pass).
    fmt : {"gif", "mp4"}
    mode, dither : str
        As :func:`core.convert` takes them.
    options : QuantizeOptions
    max_side : int or None
    max_frames, max_fps, max_seconds
        Caps on what is read.
    audio : bool
        An MP4 keeps the sound of the part of a clip it shows.
    """

    source: object
    fmt: str
    mode: str
    dither: str
    options: QuantizeOptions
    max_side: int | None = None
    max_frames: int = MAX_FRAMES
    max_fps: float = MAX_FPS
    max_seconds: float = MAX_SECONDS
    audio: bool = True

    def open(self, part: Part):
        """The source opened for decoding ``part`` (:func:`core._stream.open_stream`)."""
        return open_stream(self.source, max_side=self.max_side, max_frames=self.max_frames,
                           max_fps=self.max_fps, max_seconds=self.max_seconds, part=part)


class CountingFile:
    """A binary file object that counts the bytes written through it (``written``)."""

    def __init__(self, fh):
        self._fh = fh
        self.written = 0

    def write(self, data) -> int:
        """Write ``data`` to the file beneath; return its length."""
        self.written += len(data)
        return self._fh.write(data)


def encode(job: Job, k: int, knobs: StableKnobs, part: Part, out,
           progress: Progress | None = None) -> ConvertReport:
    """Write ``part`` of the job's source with ``k`` colours to ``out``, frame by frame.

    Parameters
    ----------
    job : Job
    k : int
    knobs : StableKnobs
    part : Part
    out : CountingFile
    progress : callable(done, total), optional

    Returns
    -------
    ConvertReport
        ``seconds`` is this pass's time.
    """
    started = time.perf_counter()
    report = progress or (lambda done, total: None)
    with job.open(part) as stream:
        # "global" reads the clip twice: once for its palette, once to write.
        total = (2 if job.mode == "global" else 1) * stream.frames
        first = total - stream.frames
        centers = _global_palette(stream, k, job.options, report, total) if first else None
        results = quantized(stream.decode(), k, job.mode, job.options, knobs, centers, job.dither)
        meter, sound = LatticeMeter(stream.size), []
        with _sink(job, stream, part, out, sound) as sink, \
                writer_for(job.fmt, sink, stream) as writer:
            written, notes = write_and_measure(
                results, writer, meter, lambda n: report(first + n, total)
            )
        notes = _length_notes(stream, written, notes, part, job.max_side) + notes + sound
    measured = meter.result()
    return ConvertReport(
        frames=written,
        width=stream.size[0],
        height=stream.size[1],
        bytes=out.written,
        flicker=measured.flicker,
        mean_delta_e=measured.mean_delta_e,
        seconds=time.perf_counter() - started,
        source_size=stream.original_size,
        notes=tuple(notes),
    )


@contextlib.contextmanager
def _sink(job: Job, stream, part: Part, out, sound: list[str]):
    # Where the writer writes: ``out`` itself, or for an MP4 of a clip a private
    # file that goes to ``out`` with the clip's sound once complete (a note in
    # ``sound`` says so).
    if job.fmt != "mp4" or not job.audio or stream.path is None:
        yield out
        return
    with private_file() as video:
        yield video
        if with_audio(video, stream.path, part.start, out):
            sound.append("The clip's sound is kept for the part shown.")


def _length_notes(stream, written: int, notes: list[str], part: Part,
                  max_side: int | None) -> list[str]:
    # What a person should know about the frames and size, before any other note,
    # in the words of core.notices (the page says the same).
    out = []
    if stream.size != stream.original_size:
        by_width = side_for_width(stream.original_size, part.width, None)
        why = "width" if by_width is not None and (max_side is None or by_width <= max_side) \
            else "side"
        out.append(size_note(why, stream.original_size, stream.size, max_side or 0))
    if stream.known_length and written < stream.frames - 1 and not notes:
        # Rounding of the stated length can cost one frame; more means a short file.
        out.append(frames_note("short", written, stream.frames))
    elif stream.cut is not None and stream.total_frames > written:
        limit = {"frames": stream.frames, "seconds": stream.frames / stream.rate
                 if stream.rate else 0}.get(stream.cut, 0)
        out.append(frames_note(stream.cut, written, stream.total_frames, limit, stream.rate))
    return out


def _global_palette(stream, k: int, opts: QuantizeOptions, report: Progress,
                    total: int) -> np.ndarray:
    # The first pass of "global": every frame's colours, for one palette.
    seen = ((rgb, alpha) for rgb, alpha, _ in _counted(stream.decode(), report, total))
    return global_centers(seen, k, opts)


def _counted(frames, report: Progress, total: int):
    for i, frame in enumerate(frames):
        yield frame
        report(i + 1, total)
