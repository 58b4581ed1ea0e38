"""Short video clips in and out: MP4, WebM and MOV read through ffmpeg, MP4 written.

Decoding and encoding use imageio-ffmpeg, whose wheel ships an ffmpeg binary,
so nothing has to be installed on the machine. Uploaded bytes are written to a
private temporary file (ffmpeg needs to seek in MP4/MOV), which is always
removed; no user-supplied name ever reaches a path.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import imageio_ffmpeg
import numpy as np

from core._media_base import (
    MAX_PIXELS,
    Media,
    capped_side,
    check_pixels,
    fitted_size,
    frame_budget,
)
from core._part import side_for_width
from core.errors import MediaError

#: File name extensions of the video formats read.
VIDEO_EXTENSIONS = ("mp4", "webm", "mov")
#: Default caps on what is decoded: frames, frame rate and length.
MAX_FRAMES = 300
MAX_FPS = 30.0
MAX_SECONDS = 20.0

_EBML_MAGIC = b"\x1a\x45\xdf\xa3"


class _ScaledOnPurpose(logging.Filter):
    # imageio-ffmpeg warns whenever frames are read at another size than the file's;
    # here that is asked for (ffmpeg scales them), so the warning is only noise.
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("The frame size for reading")


logging.getLogger("imageio_ffmpeg").addFilter(_ScaledOnPurpose())


def looks_like_video(data: bytes) -> bool:
    """True when ``data`` starts like an MP4/MOV (``ftyp`` box) or a WebM/Matroska file."""
    head = bytes(data[:12])
    return head[4:8] == b"ftyp" or head[:4] == _EBML_MAGIC


UNREADABLE = (
    "This video could not be read (supported: MP4, WebM and MOV). It may be damaged or use "
    "a codec that cannot be decoded; try re-exporting it as MP4 (H.264)."
)


@contextlib.contextmanager
def private_file(data: bytes | None = None):
    """A private temporary file (holding ``data``), removed when the block ends; yields its path."""
    # mkstemp creates the file readable by this user only, under a random name.
    fd, path = tempfile.mkstemp(prefix="flickerless-", suffix=".bin")
    try:
        with os.fdopen(fd, "wb") as fh:
            if data is not None:
                fh.write(data)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


@dataclass(frozen=True)
class VideoInfo:
    """What a clip will give, known before its frames are decoded.

    Attributes
    ----------
    size : (int, int)
        (width, height) of the frames as they come out (after downscaling).
    original_size : (int, int)
        (width, height) of the file's frames.
    rate : float
        Frames per second kept (the file's, capped at ``max_fps``).
    expected_frames : int
        Frames the clip should give within the caps (from its stated
        duration; the decoder may give fewer if the file is damaged).
    clip_frames : int
        Frames the first ``max_seconds`` would give at ``rate`` without the
        ``max_frames`` cap (0 when the file states no duration).
    seconds : float
        Seconds of the clip from the start asked for to its end, as the file
        states them (0 when it states none): what a cut is measured against.
    """

    size: tuple[int, int]
    original_size: tuple[int, int]
    rate: float
    expected_frames: int
    clip_frames: int
    seconds: float = 0.0

    @property
    def duration_ms(self) -> int:
        """How long each kept frame shows, in milliseconds."""
        return int(round(1000.0 / self.rate))


def check_caps(max_frames, max_fps, max_seconds, max_pixels) -> None:
    """Refuse caps that are not positive, with ``ValueError``."""
    for name, value in (("max_fps", max_fps), ("max_seconds", max_seconds)):
        if not value > 0:
            raise ValueError(f"{name}={value!r} must be a positive number.")
    if int(max_frames) < 1 or int(max_pixels) < 1:
        raise ValueError(f"max_frames={max_frames!r} and max_pixels={max_pixels!r} must be >= 1.")


def open_video(
    path: str,
    *,
    max_pixels: int = MAX_PIXELS,
    max_frames: int = MAX_FRAMES,
    max_fps: float = MAX_FPS,
    max_seconds: float = MAX_SECONDS,
    max_frame_pixels: int | None = None,
    max_total_pixels: int | None = None,
    max_side: int | None = None,
    start: float = 0.0,
    end: float | None = None,
    width: int | None = None,
) -> tuple[VideoInfo, Iterator[np.ndarray]]:
    """Start decoding a clip: what it will give, and its frames one at a time.

    Parameters
    ----------
    path : str
        A video file ffmpeg reads (MP4, WebM, MOV...).
    max_pixels, max_frames, max_fps, max_seconds, max_frame_pixels, max_total_pixels
        As in :func:`load_video`.
    max_side : int, optional
        Downscale (aspect kept) so that neither side is longer than this.
    start, end : float
        Decode from ``start`` seconds to ``end`` (the end of the clip when
        None), at most ``max_seconds`` of it; ffmpeg seeks to ``start``.
    width : int, optional
        Downscale (aspect kept) to at most this width.

    Returns
    -------
    info : VideoInfo
    frames : iterator of ndarray, shape (H, W, 3), uint8
        Decodes lazily; only the current frame is held. A decoding failure
        part-way raises :class:`MediaError` from the iterator.

    Raises
    ------
    MediaError
        If ffmpeg cannot open the file or it has no video stream, or its
        frames are over ``max_pixels``.
    """
    check_caps(max_frames, max_fps, max_seconds, max_pixels)
    max_frames, max_fps, max_seconds = int(max_frames), float(max_fps), float(max_seconds)
    length = max_seconds if end is None else min(max_seconds, end - start)
    reader, meta, file_size = _start_reading(path, start, length, max_pixels)
    fps = float(meta.get("fps") or 0.0) or 25.0
    rate = min(fps, max_fps)
    # ffmpeg states the whole file's duration; the part is what remains after start.
    stated = float(meta.get("duration") or 0.0)
    if 0 < stated <= start:
        reader.close()
        raise MediaError(f"The clip is {stated:.1f} s long: it has nothing from {start:g} s on.")
    duration = max(0.0, stated - start)
    expected = max_frames
    if duration > 0:
        expected = min(max_frames, max(1, int(np.ceil(min(duration, length) * rate))))
    size = fitted_size(file_size, frame_budget(max_frame_pixels, max_total_pixels, expected))
    size = capped_side(size, side_for_width(size, width, max_side))
    clip_frames = int(round(min(duration, length) * rate))
    info = VideoInfo(size, file_size, rate, expected, clip_frames, duration)
    if size != file_size:
        # ffmpeg scales each frame before it leaves the decoder: five times quicker than
        # sending full-size frames through the pipe and resizing them here.
        reader.close()
        reader = _start_reading(path, start, length, max_pixels, size)[0]
    return info, _frames(reader, size, fps, rate, max_frames)


def _start_reading(path: str, start: float, length: float, max_pixels: int,
                   size: tuple[int, int] | None = None):
    # ffmpeg's frame reader from ``start`` for ``length`` seconds (frames scaled to ``size``
    # with Lanczos when given), its metadata and the file's (width, height), checked
    # against ``max_pixels``.
    seek = ["-ss", f"{start:g}"] if start > 0 else []
    scale = [] if size is None else ["-vf", f"scale={size[0]}:{size[1]}:flags=lanczos"]
    try:
        reader = imageio_ffmpeg.read_frames(path, input_params=[*seek, "-t", f"{length:g}"],
                                            output_params=scale)
        meta = next(reader)
    except (OSError, RuntimeError, ValueError, StopIteration, KeyError) as exc:
        raise MediaError(UNREADABLE) from exc
    try:
        file_size = tuple(int(v) for v in meta["size"])
        check_pixels(file_size, max_pixels, "video")
    except (MediaError, KeyError, TypeError, ValueError) as exc:
        reader.close()
        if isinstance(exc, MediaError):
            raise
        raise MediaError(UNREADABLE) from exc
    return reader, meta, file_size


def _frames(reader, size, fps, rate, max_frames) -> Iterator[np.ndarray]:
    width, height = size
    taken = kept = -1
    try:
        for i, buffer in enumerate(reader):
            # Keep frame i when it reaches the next tick of the capped clock.
            tick = int(np.floor(i * rate / fps + 1e-9))
            if tick == taken:
                continue
            taken = tick
            yield np.frombuffer(buffer, dtype=np.uint8).reshape(height, width, 3).copy()
            kept += 1
            if kept + 1 >= max_frames:
                break
    except (OSError, RuntimeError, ValueError) as exc:
        raise MediaError(
            f"The clip could not be decoded past frame {kept + 1}: it may be damaged or cut short."
        ) from exc
    finally:
        reader.close()


def load_video(
    data: bytes,
    *,
    max_pixels: int = MAX_PIXELS,
    max_frames: int = MAX_FRAMES,
    max_fps: float = MAX_FPS,
    max_seconds: float = MAX_SECONDS,
    max_frame_pixels: int | None = None,
    max_total_pixels: int | None = None,
) -> Media:
    """Decode a short video clip into RGB frames.

    Parameters
    ----------
    data : bytes
        An MP4, WebM or MOV file (any codec ffmpeg decodes).
    max_pixels : int
        Largest frame (width x height) accepted; larger clips are refused
        before any frame is decoded.
    max_frames : int
        Keep at most this many frames (after the frame rate cap).
    max_fps : float
        Clips faster than this keep only enough frames to play at it
        (frames are dropped evenly, not blended).
    max_seconds : float
        Read at most this much of the clip.
    max_frame_pixels, max_total_pixels : int, optional
        Frames are downscaled as they are decoded (aspect kept) to at most
        ``max_frame_pixels`` each and ``max_total_pixels`` over the frames
        the clip will give, so a long full-HD clip never sits in memory at
        full size; ``Media.original_size`` then holds the clip's size.

    Returns
    -------
    Media
        ``format="VIDEO"``, ``alphas=None``, ``loop=0``, ``durations`` from the
        kept frame rate (ms, rounded), and ``total_frames`` the number of
        frames the whole clip would have at that rate.

    Raises
    ------
    MediaError
        If ffmpeg cannot read the data, it holds no video frames, or a frame
        is over ``max_pixels``.
    """
    check_caps(max_frames, max_fps, max_seconds, max_pixels)
    data = bytes(data)
    if not data:
        raise MediaError("The file is empty.")
    with private_file(data) as path:
        info, frames = open_video(
            path, max_pixels=max_pixels, max_frames=max_frames, max_fps=max_fps,
            max_seconds=max_seconds, max_frame_pixels=max_frame_pixels,
            max_total_pixels=max_total_pixels,
        )
        frames = list(frames)
    if not frames:
        raise MediaError("The video holds no frames that could be decoded.")
    total, cut = frames_cut(info, len(frames))
    original = None if info.size == info.original_size else info.original_size
    return Media(frames, None, [info.duration_ms] * len(frames), 0, "VIDEO", total, original,
                 cut)


def frames_cut(info: VideoInfo, kept: int) -> tuple[int, str | None]:
    """How many frames the clip has, and why fewer were kept (a ``core.notices`` reason).

    One frame fewer than the stated length promises is rounding, not a cut.

    Parameters
    ----------
    info : VideoInfo
    kept : int
        Frames decoded.

    Returns
    -------
    total : int
    cut : {"short", "frames", "seconds"} or None
    """
    if info.seconds <= 0 and info.clip_frames <= 0:
        # No stated length (a streamed WebM): expected_frames is only the caps'
        # bound, so the file promised nothing and nothing is known to be cut.
        return kept, None
    whole = int(round(info.seconds * info.rate)) if info.seconds > 0 else kept
    if kept < info.expected_frames - 1:
        return info.expected_frames, "short"
    if info.expected_frames < info.clip_frames - 1:
        return max(whole, info.clip_frames), "frames"
    if whole > info.clip_frames + 1:
        return whole, "seconds"
    return kept, None


class Mp4Writer:
    """Write frames one at a time as an H.264 MP4 (yuv420p, plays in every browser).

    Parameters
    ----------
    destination : str, os.PathLike or binary file object
    size : (width, height)
    fps : float

    Notes
    -----
    yuv420p needs even dimensions: an odd width or height is padded by
    repeating the last column or row. The chroma subsampling and the codec
    blur the exact palette slightly; a GIF keeps it exactly. ffmpeg writes to
    a private temporary file (MP4 needs to seek back to write its index),
    copied to ``destination`` on :meth:`close`.
    """

    def __init__(self, destination, size: tuple[int, int], *, fps: float):
        if not fps > 0:
            raise ValueError(f"fps={fps!r} must be a positive number.")
        self.destination = destination
        self.size = (int(size[0]), int(size[1]))
        w, h = self.size
        self._pad = ((0, h % 2), (0, w % 2), (0, 0))
        self._files = contextlib.ExitStack()
        self._path = self._files.enter_context(private_file())
        self._writer = imageio_ffmpeg.write_frames(
            self._path,
            (w + w % 2, h + h % 2),
            fps=float(fps),
            codec="libx264",
            pix_fmt_out="yuv420p",
            quality=None,
            macro_block_size=1,
            ffmpeg_log_level="error",
            output_params=["-crf", "18", "-movflags", "+faststart", "-f", "mp4"],
        )
        self._writer.send(None)

    def add(self, frame: np.ndarray) -> None:
        """Append one (H, W, 3) uint8 frame of the writer's size."""
        frame = np.asarray(frame)
        if frame.shape != (self.size[1], self.size[0], 3) or frame.dtype != np.uint8:
            raise ValueError("all frames must be (H, W, 3) uint8 arrays of one size.")
        self._writer.send(np.ascontiguousarray(np.pad(frame, self._pad, mode="edge")))

    def close(self, keep: bool = True) -> None:
        """Finish the file and copy it to the destination (``keep=False``: drop it)."""
        if self._writer is None:
            return
        try:
            self._writer.close()
            if keep:
                if isinstance(self.destination, (str, os.PathLike)):
                    shutil.copyfile(self._path, self.destination)
                else:
                    with open(self._path, "rb") as fh:
                        shutil.copyfileobj(fh, self.destination)
        finally:
            self._writer = None
            self._files.close()

    def __enter__(self) -> Mp4Writer:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close(keep=exc_type is None)


def save_mp4(frames: Sequence[np.ndarray], destination, *, fps: float) -> None:
    """Write frames as an H.264 MP4 (see :class:`Mp4Writer`).

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
        One per frame, all of one size, e.g. ``[r.image for r in results]``.
    destination : str, os.PathLike or binary file object
    fps : float
        Frames per second, e.g. ``1000 / media.durations[0]``.

    Raises
    ------
    ValueError
        If there are no frames, sizes differ, or ``fps`` is not positive.
    """
    frames = [np.asarray(f) for f in frames]
    if not frames:
        raise ValueError("frames is empty: nothing to write.")
    if not fps > 0:
        raise ValueError(f"fps={fps!r} must be a positive number.")
    h, w = frames[0].shape[:2]
    with Mp4Writer(destination, (w, h), fps=fps) as writer:
        for frame in frames:
            writer.add(frame)


def frame_repeats(durations: Sequence[int]) -> tuple[np.ndarray, float]:
    """How often to repeat each frame to show it at one constant rate, and that rate.

    The rate is that of the median duration (0 ms counts as 100 ms, as
    browsers show it); a frame that lasts n times longer is repeated n times.

    Parameters
    ----------
    durations : sequence of int
        Milliseconds per frame.

    Returns
    -------
    repeats : ndarray of int, shape (len(durations),)
    fps : float
    """
    if len(durations) == 0:
        raise ValueError("durations is empty.")
    shown = np.array([d if d > 0 else 100 for d in durations], dtype=np.float64)
    step = float(np.median(shown))
    return np.maximum(1, np.rint(shown / step).astype(int)), 1000.0 / step


def constant_rate(frames: Sequence[np.ndarray], durations: Sequence[int]) -> tuple[list, float]:
    """Frames at one constant frame rate, for formats (MP4) that have no per-frame timing.

    Each frame is repeated as :func:`frame_repeats` says.

    Parameters
    ----------
    frames : sequence of ndarray
    durations : sequence of int
        Milliseconds per frame.

    Returns
    -------
    frames : list of ndarray
    fps : float
    """
    if len(frames) != len(durations) or not frames:
        raise ValueError(f"{len(frames)} frames but {len(durations)} durations.")
    repeats, fps = frame_repeats(durations)
    return [f for f, n in zip(frames, repeats) for _ in range(n)], fps
