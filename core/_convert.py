"""One call from a file to a reduced GIF or MP4, streamed: decode, quantize, write, let go.

:func:`convert` never holds the clip: each frame is decoded, quantized (with
the state the mode carries from frame to frame), written and dropped, so
memory is bounded by a few frames at full size, not by the clip's length.
Flicker and colour error are measured as it goes, on a fixed lattice of
pixels, and returned in a small :class:`ConvertReport`.
"""

from __future__ import annotations

import collections
import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from core import metrics
from core._dither import METHODS as DITHER_METHODS
from core._dither import redraw
from core._gif_writer import GifWriter
from core._part import Part, side_for_width
from core._quantize import QuantizeOptions
from core._result import QuantizeResult
from core._sequence import MODES, check_mode_options, global_centers, iter_quantized
from core._stable import StableKnobs
from core._stream import open_stream
from core._validation import check_choice, check_k
from core._video import MAX_FPS, MAX_FRAMES, MAX_SECONDS, Mp4Writer, frame_repeats
from core.errors import MediaError
from core.notices import frames_note, size_note

FORMATS = ("gif", "mp4")
#: Image formats that an output name may end in but convert does not write.
WRONG_SUFFIXES = ("png", "webp", "apng", "jpg", "jpeg", "webm", "mov", "avi", "mkv")
#: Flicker and ΔE are measured on a lattice of about this many pixels per frame
#: (every s-th row and column): an unbiased estimate of the whole-frame means
#: at a small fraction of the cost on a 1280x688 frame.
MEASURE_PIXELS = 1 << 13

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ConvertReport:
    """What :func:`convert` wrote and how it scores.

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


def convert(
    source,
    destination,
    k: int = 16,
    *,
    mode: str = "stable",
    dither: str = "none",
    format: str | None = None,
    max_side: int | None = None,
    start: float = 0.0,
    end: float | None = None,
    fps: float | None = None,
    width: int | None = None,
    max_frames: int = MAX_FRAMES,
    max_fps: float = MAX_FPS,
    max_seconds: float = MAX_SECONDS,
    progress: Progress | None = None,
    **options,
) -> ConvertReport:
    """Reduce a clip, animation or image to ``k`` colours and write it, frame by frame.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
        A video clip (MP4, WebM, MOV), an animated GIF/PNG/WebP or a still.
    destination : str, os.PathLike or binary file object
        Where to write. A path is written to a temporary file beside it and
        moved into place only when complete, so a failure never leaves a
        half-written file there.
    k : int
        Colours per frame, 1 to 256 (255 when the source has transparency).
    mode : {"stable", "seeded", "independent", "global"}
        As in :func:`core.quantize_frames`; ``"global"`` decodes the source
        twice (once to gather colours, once to write), holding neither.
    dither : {"none", "bayer", "floyd-steinberg"}
    format : {"gif", "mp4"}, optional
        The output format; by default from the destination's extension
        (``.mp4`` or ``.gif``), GIF for a file object.
    max_side : int, optional
        Downscale (aspect kept) so no side of the output is longer than this;
        by default the source's size is kept.
    start, end : float
        The part to convert, in seconds from the beginning of the source
        (``end=None``: to its end).
    fps : float, optional
        At most this many frames a second (0 < fps <= 50); frames are
        dropped and the kept ones last longer, so the timing stays.
    width : int, optional
        Output width in pixels (aspect kept, never wider than the source).
    max_frames, max_fps, max_seconds
        Caps on what is read (defaults 300 frames, 30 fps, 20 s).
    progress : callable(done, total), optional
        Called after each frame is written (and during ``"global"``'s first pass).
    **options
        Any option of :func:`core.quantize_frames`: ``space``, ``metric``,
        ``algorithm``, ``init``, ``seed``, ``min_lightness``,
        ``max_lightness``, ``hysteresis``, ``damping``, ``cut_threshold``.

    Returns
    -------
    ConvertReport

    Raises
    ------
    MediaError
        If the source cannot be read at all (a source that breaks off after
        some frames keeps those frames and says so in ``notes``).
    ValueError
        For an unknown option or value.
    OSError
        If the destination cannot be written.
    """
    started = time.perf_counter()
    k = check_k(k)
    check_choice("mode", mode, MODES)
    check_choice("dither", dither, DITHER_METHODS)
    fmt = _output_format(destination, format)
    opts, knobs = _split_options(mode, options)
    report = progress or (lambda done, total: None)
    part = Part(start, end, fps, width)
    with open_stream(source, max_side=max_side, max_frames=max_frames, max_fps=max_fps,
                     max_seconds=max_seconds, part=part) as stream, _output(destination) as out:
        # "global" reads the clip twice: once for its palette, once to write.
        total = (2 if mode == "global" else 1) * stream.frames
        first = total - stream.frames
        centers = _global_palette(stream, k, opts, report, total) if first else None
        quantized = _quantized(stream.decode(), k, mode, opts, knobs, centers, dither)
        meter = _Meter(stream.size)
        with _writer(fmt, out, stream) as writer:
            written, notes = _write_and_measure(
                quantized, writer, meter, lambda n: report(first + n, total)
            )
        notes = _length_notes(stream, written, notes, part, max_side) + notes
    return ConvertReport(
        frames=written,
        width=stream.size[0],
        height=stream.size[1],
        bytes=out.written,
        flicker=meter.flicker,
        mean_delta_e=meter.mean_delta_e,
        seconds=time.perf_counter() - started,
        source_size=stream.original_size,
        notes=tuple(notes),
    )


#: A decoded frame: RGB, alpha (or None) and its duration in ms.
Decoded = tuple[np.ndarray, np.ndarray | None, int]


def _quantized(decoded: Iterator[Decoded], k: int, mode: str, opts: QuantizeOptions,
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


def _write_and_measure(quantized: Iterator[tuple[Decoded, QuantizeResult]], writer,
                       meter: _Meter, written_so_far: Callable[[int], None]):
    """The write stage: every result written and measured; (frames written, notes).

    Writing and measuring frame t (LZW in Pillow, numpy: both release the GIL)
    run on a second thread while frame t+1 is decoded and quantized. A source
    that breaks off after some frames keeps those and says so in a note.
    """
    notes = []
    with _Writing(writer, meter, written_so_far) as writing:
        try:
            for frame, res in quantized:
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

    def __init__(self, writer, meter: _Meter, written_so_far: Callable[[int], None]):
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


def _writer(fmt: str, out, stream) -> GifWriter | _Mp4Frames:
    # The writer of the chosen format; both take (result, duration, alpha).
    if fmt == "gif":
        return GifWriter(out, stream.size, loop=stream.loop, transparent=stream.transparent)
    return _Mp4Frames(out, stream.size, stream.durations)


class _Mp4Frames:
    """An MP4 writer that takes results as :class:`GifWriter` does.

    MP4 has one constant frame rate: a frame that lasts longer than the
    others is repeated to keep the source's timing (:func:`frame_repeats`).
    """

    def __init__(self, out, size: tuple[int, int], durations):
        self.repeats, fps = frame_repeats(durations)
        self.mp4 = Mp4Writer(out, size, fps=fps)
        self.frames = 0

    def add(self, result: QuantizeResult, duration: int, alpha=None) -> None:
        times = self.repeats[min(self.frames, len(self.repeats) - 1)]
        for _ in range(times):
            self.mp4.add(result.image)
        self.frames += 1

    def __enter__(self) -> _Mp4Frames:
        return self

    def __exit__(self, *exc) -> None:
        self.mp4.__exit__(*exc)


def _output_format(destination, format: str | None) -> str:
    # The format asked for, else the one the destination's name ends in (GIF
    # for a file object); a name ending in another format's extension is refused
    # rather than written as a GIF under that name.
    if format is not None:
        return check_choice("format", format, FORMATS)
    if not isinstance(destination, (str, os.PathLike)):
        return "gif"
    suffix = Path(destination).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if suffix in WRONG_SUFFIXES:
        raise ValueError(f"{Path(destination).name}: convert writes GIF or MP4; name the "
                         "output .gif or .mp4 (core.save_png writes one image as PNG).")
    return "gif"


def _split_options(mode: str, options: dict) -> tuple[QuantizeOptions, StableKnobs]:
    # The clustering options and the stable mode's knobs, each checked.
    quantize_names = {f.name for f in fields(QuantizeOptions)}
    knob_names = {f.name for f in fields(StableKnobs)}
    unknown = set(options) - quantize_names - knob_names
    if unknown:
        choices = tuple(sorted(quantize_names | knob_names))
        raise ValueError(f"unknown option(s) {sorted(unknown)}; choose from {choices}.")
    opts = QuantizeOptions(**{n: v for n, v in options.items() if n in quantize_names})
    check_mode_options(mode, opts)
    return opts, StableKnobs(**{n: v for n, v in options.items() if n in knob_names})


def _global_palette(stream, k: int, opts: QuantizeOptions, report: Progress,
                    total: int) -> np.ndarray:
    # The first pass of "global": every frame's colours, for one palette.
    seen = ((rgb, alpha) for rgb, alpha, _ in _counted(stream.decode(), report, total))
    return global_centers(seen, k, opts)


def _counted(frames, report: Progress, total: int):
    for i, frame in enumerate(frames):
        yield frame
        report(i + 1, total)


class _CountingFile:
    # A binary file object that counts what is written through it.
    def __init__(self, fh):
        self._fh = fh
        self.written = 0

    def write(self, data) -> int:
        self.written += len(data)
        return self._fh.write(data)


@contextlib.contextmanager
def _output(destination):
    if not isinstance(destination, (str, os.PathLike)):
        yield _CountingFile(destination)
        return
    target = Path(destination)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
    # Made with the mode any new file gets (0666 less the umask: 0644 as a rule),
    # not a temporary file's 0600, as it becomes the output.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            counting = _CountingFile(fh)
            yield counting
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(partial)


class _Meter:
    # Flicker and ΔE2000 accumulated frame by frame on a fixed pixel lattice.
    def __init__(self, size: tuple[int, int]):
        self.step = metrics.lattice_step(size, MEASURE_PIXELS)
        self.previous = None
        self.pairs = []
        self.error = 0.0
        self.pixels = 0.0

    def add(self, original: np.ndarray, quantized: np.ndarray, alpha) -> None:
        s = self.step
        o, q = np.ascontiguousarray(original[::s, ::s]), np.ascontiguousarray(quantized[::s, ::s])
        a = None if alpha is None else alpha[::s, ::s]
        de, counts = metrics.delta_e_2000(o, q, a)
        self.error += float(np.sum(de * counts))
        self.pixels += float(counts.sum())
        current = metrics.lab_pixels(o), metrics.lab_pixels(q)
        if self.previous is not None:
            self.pairs.append(metrics.pair_flicker(self.previous, current))
        self.previous = current

    @property
    def flicker(self) -> float:
        return metrics.mean_flicker(np.array(self.pairs))

    @property
    def mean_delta_e(self) -> float:
        return self.error / self.pixels if self.pixels else 0.0
