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
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from core import metrics
from core._dither import METHODS as DITHER_METHODS
from core._dither import redraw
from core._gif_writer import GifWriter
from core._quantize import QuantizeOptions
from core._sequence import (
    MODES,
    StableKnobs,
    check_mode_options,
    global_centers,
    iter_quantized,
)
from core._stream import open_stream
from core._validation import check_choice, check_k
from core._video import MAX_FPS, MAX_FRAMES, MAX_SECONDS, Mp4Writer, frame_repeats
from core.errors import MediaError

FORMATS = ("gif", "mp4")
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
    opts, knobs = _split_options(options)
    check_mode_options(mode, opts)
    report = progress or (lambda done, total: None)
    with open_stream(source, max_side=max_side, max_frames=max_frames, max_fps=max_fps,
                     max_seconds=max_seconds) as stream, _output(destination) as out:
        passes = 2 if mode == "global" else 1
        total = passes * stream.frames
        centers = None
        if mode == "global":
            seen = ((rgb, alpha) for rgb, alpha, _ in _counted(stream.decode(), report, total))
            centers = global_centers(seen, k, opts)
        written, notes, meter = 0, [], _Meter(stream.size)
        if fmt == "gif":
            writer = GifWriter(out, stream.size, loop=stream.loop, transparent=stream.transparent)
            repeats = None
        else:
            repeats, fps = frame_repeats(stream.durations)
            writer = Mp4Writer(out, stream.size, fps=fps)
        # Writing and measuring frame t (LZW in Pillow, numpy: both release the
        # GIL) overlap with decoding and quantizing frame t+1 on a second core.
        with writer, ThreadPoolExecutor(max_workers=1) as pool:
            decoded = _Taken(stream.decode())
            results = iter_quantized(((f, a) for f, a, _ in decoded), k, mode, opts, knobs,
                                     centers)
            pending = drawn = None

            def finish() -> None:
                nonlocal written, pending
                if pending is not None:
                    pending.result()
                    pending = None
                    written += 1
                    report(total - stream.frames + written, total)

            try:
                for res in results:
                    rgb, alpha, duration = decoded.oldest()
                    if dither != "none":
                        # The previous re-drawn frame: held pixels keep its pattern.
                        res = drawn = redraw(rgb, res, dither, alpha, previous=drawn)
                    finish()
                    times = 1 if repeats is None else repeats[min(written, len(repeats) - 1)]
                    pending = pool.submit(_emit, writer, meter, rgb, alpha, duration, res, times)
                finish()
            except MediaError as exc:
                finish()
                if written == 0:
                    raise
                notes.append(f"{exc} The first {written} frames were kept.")
            if written == 0:
                raise MediaError("The file holds no frames that could be decoded.")
            if stream.known_length and written < stream.frames - 1 and not notes:
                # Rounding of the stated length can cost one frame; more means a short file.
                notes.append(f"The clip gave {written} of the {stream.frames} frames its length "
                             "promises: it may be damaged or cut short.")
        if stream.size != stream.original_size:
            w, h = stream.original_size
            notes.insert(0, f"Scaled down from {w}x{h} to {stream.size[0]}x{stream.size[1]}.")
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


def _emit(writer, meter, rgb, alpha, duration: int, res, times: int) -> None:
    # Write one frame (an MP4 repeats it ``times`` to keep its timing) and measure it.
    if isinstance(writer, GifWriter):
        writer.add(res, duration, alpha)
    else:
        for _ in range(times):
            writer.add(res.image)
    meter.add(rgb, res.image, alpha)


def _output_format(destination, format: str | None) -> str:
    if format is not None:
        return check_choice("format", format, FORMATS)
    if isinstance(destination, (str, os.PathLike)):
        return "mp4" if Path(destination).suffix.lower() == ".mp4" else "gif"
    return "gif"


def _split_options(options: dict) -> tuple[QuantizeOptions, StableKnobs]:
    quantize_names = {f.name for f in fields(QuantizeOptions)}
    knob_names = {f.name for f in fields(StableKnobs)}
    unknown = set(options) - quantize_names - knob_names
    if unknown:
        choices = tuple(sorted(quantize_names | knob_names))
        raise ValueError(f"unknown option(s) {sorted(unknown)}; choose from {choices}.")
    return (
        QuantizeOptions(**{n: v for n, v in options.items() if n in quantize_names}),
        StableKnobs(**{n: v for n, v in options.items() if n in knob_names}),
    )


def _counted(frames, report: Progress, total: int):
    for i, frame in enumerate(frames):
        yield frame
        report(i + 1, total)


class _Taken:
    # An iterator that keeps the items it gave until the caller takes them back.
    # iter_quantized gives one result per frame, in order, but reads a frame
    # ahead (made_ahead): the frame behind a result is the oldest one kept
    # (itertools.tee would buffer up to 57 frames before freeing any).
    def __init__(self, items):
        self._items = iter(items)
        self._given = collections.deque()

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self._items)
        self._given.append(item)
        return item

    def oldest(self):
        return self._given.popleft()


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
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                   dir=target.parent)
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
        self.step = max(1, int(np.ceil(np.sqrt(size[0] * size[1] / MEASURE_PIXELS))))
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
