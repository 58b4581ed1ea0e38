"""Short video clips in and out: MP4, WebM and MOV read through ffmpeg, MP4 written.

Decoding and encoding use imageio-ffmpeg, whose wheel ships an ffmpeg binary,
so nothing has to be installed on the machine. Uploaded bytes are written to a
private temporary file (ffmpeg needs to seek in MP4/MOV), which is always
removed; no user-supplied name ever reaches a path.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Sequence

import imageio_ffmpeg
import numpy as np
from PIL import Image

from core._media_base import MAX_PIXELS, Media, check_pixels, fitted_size, frame_budget
from core.errors import MediaError

#: File name extensions of the video formats read.
VIDEO_EXTENSIONS = ("mp4", "webm", "mov")
#: Default caps on what is decoded: frames, frame rate and length.
MAX_FRAMES = 300
MAX_FPS = 30.0
MAX_SECONDS = 20.0

_EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def looks_like_video(data: bytes) -> bool:
    """True when ``data`` starts like an MP4/MOV (``ftyp`` box) or a WebM/Matroska file."""
    head = bytes(data[:12])
    return head[4:8] == b"ftyp" or head[:4] == _EBML_MAGIC


@contextlib.contextmanager
def _private_file(data: bytes | None = None):
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
    for name, value in (("max_fps", max_fps), ("max_seconds", max_seconds)):
        if not value > 0:
            raise ValueError(f"{name}={value!r} must be a positive number.")
    if int(max_frames) < 1 or int(max_pixels) < 1:
        raise ValueError(f"max_frames={max_frames!r} and max_pixels={max_pixels!r} must be >= 1.")
    data = bytes(data)
    if not data:
        raise MediaError("The file is empty.")
    with _private_file(data) as path:
        try:
            caps = (int(max_frames), float(max_fps), float(max_seconds))
            return _decode(path, max_pixels, caps, max_frame_pixels, max_total_pixels)
        except MediaError:
            raise
        except (OSError, RuntimeError, ValueError, StopIteration, KeyError) as exc:
            raise MediaError(
                "This video could not be read (supported: MP4, WebM and MOV). It may be "
                "damaged or use a codec that cannot be decoded; try re-exporting it as MP4 (H.264)."
            ) from exc


def _decode(path: str, max_pixels: int, caps, max_frame_pixels, max_total_pixels):
    max_frames, max_fps, max_seconds = caps
    reader = imageio_ffmpeg.read_frames(path, input_params=["-t", f"{max_seconds:g}"])
    try:
        meta = next(reader)
        width, height = (int(v) for v in meta["size"])
        check_pixels((width, height), max_pixels, "video")
        fps = float(meta.get("fps") or 0.0) or 25.0
        rate = min(fps, max_fps)
        duration = float(meta.get("duration") or 0.0)
        expected = max_frames
        if duration > 0:
            expected = min(max_frames, max(1, int(np.ceil(min(duration, max_seconds) * rate))))
        size = fitted_size((width, height), frame_budget(max_frame_pixels, max_total_pixels,
                                                         expected))
        if size == (width, height):
            size = None
        frames, taken = [], -1
        for i, buffer in enumerate(reader):
            # Keep frame i when it reaches the next tick of the capped clock.
            tick = int(np.floor(i * rate / fps + 1e-9))
            if tick == taken:
                continue
            taken = tick
            frame = np.frombuffer(buffer, dtype=np.uint8).reshape(height, width, 3)
            if size is None:
                frames.append(frame.copy())
            else:
                resized = Image.fromarray(frame).resize(size, Image.Resampling.LANCZOS)
                frames.append(np.asarray(resized))
            if len(frames) >= max_frames:
                break
    finally:
        reader.close()
    if not frames:
        raise MediaError("The video holds no frames that could be decoded.")
    total = max(len(frames), int(round(min(duration, max_seconds) * rate)))
    durations = [int(round(1000.0 / rate))] * len(frames)
    original = None if size is None else (width, height)
    return Media(frames, None, durations, 0, "VIDEO", total, original)


def save_mp4(frames: Sequence[np.ndarray], destination, *, fps: float) -> None:
    """Write frames as an H.264 MP4 (yuv420p, plays in every browser).

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

    Notes
    -----
    yuv420p needs even dimensions: an odd width or height is padded by
    repeating the last column or row. The chroma subsampling and the codec
    blur the exact palette slightly; a GIF keeps it exactly.
    """
    frames = [np.asarray(f) for f in frames]
    if not frames:
        raise ValueError("frames is empty: nothing to write.")
    if not fps > 0:
        raise ValueError(f"fps={fps!r} must be a positive number.")
    h, w = frames[0].shape[:2]
    if any(f.shape != (h, w, 3) or f.dtype != np.uint8 for f in frames):
        raise ValueError("all frames must be (H, W, 3) uint8 arrays of one size.")
    pad = ((0, h % 2), (0, w % 2), (0, 0))
    with _private_file() as path:
        writer = imageio_ffmpeg.write_frames(
            path,
            (w + w % 2, h + h % 2),
            fps=float(fps),
            codec="libx264",
            pix_fmt_out="yuv420p",
            quality=None,
            macro_block_size=1,
            ffmpeg_log_level="error",
            output_params=["-crf", "18", "-movflags", "+faststart", "-f", "mp4"],
        )
        writer.send(None)
        try:
            for frame in frames:
                writer.send(np.ascontiguousarray(np.pad(frame, pad, mode="edge")))
        finally:
            writer.close()
        if isinstance(destination, (str, os.PathLike)):
            shutil.copyfile(path, destination)
        else:
            with open(path, "rb") as fh:
                shutil.copyfileobj(fh, destination)


def constant_rate(frames: Sequence[np.ndarray], durations: Sequence[int]) -> tuple[list, float]:
    """Frames at one constant frame rate, for formats (MP4) that have no per-frame timing.

    The rate is that of the median duration (0 ms counts as 100 ms, as
    browsers show it); a frame that lasts n times longer is repeated n times.

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
    shown = np.array([d if d > 0 else 100 for d in durations], dtype=np.float64)
    step = float(np.median(shown))
    repeats = np.maximum(1, np.rint(shown / step).astype(int))
    return [f for f, n in zip(frames, repeats) for _ in range(n)], 1000.0 / step

