"""One call from a file to a reduced GIF or MP4, streamed: decode, quantize, write, let go.

:func:`convert` never holds the clip: each frame is decoded, quantized (with
the state the mode carries from frame to frame), written and dropped, so
memory is bounded by a few frames at full size, not by the clip's length
(:mod:`core._encode`, :mod:`core._pipeline`). Flicker and colour error are
measured as it goes, on a fixed lattice of pixels, and returned in a small
:class:`ConvertReport`. With ``max_bytes`` it chooses the colours, the hold,
the frame rate and the width that fit (:mod:`core._fit`).
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from dataclasses import fields, replace
from pathlib import Path

from core._dither import METHODS as DITHER_METHODS
from core._encode import ConvertReport, CountingFile, Job, Progress, encode
from core._fit import fit_and_encode
from core._fit_plan import FIT_BY, K_FLOOR, K_LEAST, K_TOP, Ladder
from core._media_base import read_source
from core._part import Part
from core._quantize import QuantizeOptions
from core._sequence import MODES, check_mode_options
from core._stable import StableKnobs
from core._validation import check_choice, check_k, check_locked_fits
from core._video import MAX_FPS, MAX_FRAMES, MAX_SECONDS
from core.errors import SizeLimitError

__all__ = ["FORMATS", "WRONG_SUFFIXES", "ConvertReport", "convert"]

FORMATS = ("gif", "mp4")
#: Image formats that an output name may end in but convert does not write.
WRONG_SUFFIXES = ("png", "webp", "apng", "jpg", "jpeg", "webm", "mov", "avi", "mkv")


def convert(
    source,
    destination,
    k: int | None = None,
    *,
    mode: str = "stable",
    dither: str = "none",
    format: str | None = None,
    max_side: int | None = None,
    start: float = 0.0,
    end: float | None = None,
    fps: float | None = None,
    width: int | None = None,
    max_bytes: int | None = None,
    fit_by: str = FIT_BY[-1],
    audio: bool = True,
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
        Where to write. A path is written to a file beside it (mode 0644 under
        the usual umask) and moved into place only when complete, so a failure
        never leaves a half-written file there.
    k : int, optional
        Colours per frame, 1 to 256 (255 when the source has transparency);
        16 by default. With ``max_bytes``, the most colours the size target
        may choose (255 by default).
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
    max_bytes : int, optional
        A GIF of at most this many bytes, at the best quality that fits: the
        colours (up to ``k``) and, in the stable mode, how much it holds are
        chosen, then if need be a lower frame rate (below ``fps``), then a
        smaller width (below ``width``); see :mod:`core._fit_plan`. The
        choice is predicted from a sample of the frames, and the part is
        encoded once (again only if that overshoots). ``ConvertReport.fit``
        says what was chosen and why. ``hold`` or ``hysteresis`` given
        explicitly are kept as given. Not with ``"global"`` or MP4.
    fit_by : {"colours", "colours+rate", "colours+rate+width"}
        What ``max_bytes`` may change: colours and hold only (frames and size
        as asked, colours down to 2), also the frame rate, or also the width
        (the default; colours then go no lower than 16 before the rate does).
    audio : bool
        An MP4 made from a clip keeps the clip's sound for the part written
        (default True); a GIF has none.
    max_frames, max_fps, max_seconds
        Caps on what is read (defaults 300 frames, 30 fps, 20 s).
    progress : callable(done, total), optional
        Called after each frame is written (and during ``"global"``'s first pass).
    **options
        Any option of :func:`core.quantize_frames`: ``space``, ``metric``,
        ``algorithm``, ``init``, ``seed``, ``min_lightness``,
        ``max_lightness``, ``locked``, ``hysteresis``, ``damping``,
        ``cut_threshold``, ``hold``.

    Returns
    -------
    ConvertReport

    Raises
    ------
    MediaError
        If the source cannot be read at all (a source that breaks off after
        some frames keeps those frames and says so in ``notes``).
    SizeLimitError
        With ``max_bytes``, when nothing within the limits fits: the smallest
        file reached is written all the same, and the error carries its report.
    ValueError
        For an unknown option or value.
    OSError
        If the destination cannot be written.
    """
    started = time.perf_counter()
    fmt = _output_format(destination, format)
    job, knobs = _job(source, fmt, mode, dither, max_side, audio, options,
                      (max_frames, max_fps, max_seconds))
    part = Part(start, end, fps, width)
    if max_bytes is None:
        k = check_k(16 if k is None else k)
        check_locked_fits(job.options.locked, k)
        with _output(destination) as out:
            report = encode(job, k, knobs, part, out, progress)
    else:
        ladder = _ladder(job, k, knobs, options, max_bytes, fit_by)
        if isinstance(source, (bytes, bytearray, memoryview)) or hasattr(source, "read"):
            # Read again for every sample and encode.
            job = replace(job, source=read_source(source))
        with _output(destination) as out:
            report = fit_and_encode(job, max_bytes, ladder, part, fit_by, out, progress)
    report = replace(report, seconds=time.perf_counter() - started)
    if report.fit is not None and not report.fit.fits:
        raise SizeLimitError(report)
    return report


def _job(source, fmt: str, mode: str, dither: str, max_side, audio: bool, options: dict,
         caps: tuple) -> tuple[Job, StableKnobs]:
    # The job and the stable knobs, every value checked.
    check_choice("mode", mode, MODES)
    check_choice("dither", dither, DITHER_METHODS)
    opts, knobs = _split_options(mode, options)
    if not isinstance(audio, bool):
        raise ValueError(f"audio={audio!r} must be True or False.")
    return Job(source, fmt, mode, dither, opts, max_side, *caps, audio=audio), knobs


def _ladder(job: Job, k, knobs: StableKnobs, options: dict, max_bytes, fit_by: str) -> Ladder:
    # What a size target may choose: colours from the floor up to k, and the hold
    # unless it was given (or the mode has none).
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes={max_bytes!r} must be a whole number of bytes >= 1.")
    check_choice("fit_by", fit_by, FIT_BY)
    if job.fmt != "gif" or job.mode == "global":
        raise ValueError("max_bytes fits a GIF of a mode that quantizes frame by frame: "
                         f"not format={job.fmt!r} with mode={job.mode!r}.")
    top = check_k(K_TOP if k is None else k)
    low = max(K_FLOOR if fit_by != "colours" else K_LEAST, len(job.options.locked))
    check_locked_fits(job.options.locked, top)
    fixed = job.mode != "stable" or "hold" in options or "hysteresis" in options
    ladder = Ladder(min(low, top), top, damping=knobs.damping,
                    cut_threshold=knobs.cut_threshold)
    return replace(ladder, holds=((knobs.hold, knobs.hysteresis),), heavy=None) if fixed else ladder


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


@contextlib.contextmanager
def _output(destination):
    # A counting file object to write to; for a path, a file beside it that
    # takes its place once complete.
    if not isinstance(destination, (str, os.PathLike)):
        yield CountingFile(destination)
        return
    target = Path(destination)
    partial = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial")
    # Made with the mode any new file gets (0666 less the umask: 0644 as a rule),
    # not a temporary file's 0600, as it becomes the output.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            counting = CountingFile(fh)
            yield counting
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(partial)
