"""What a source holds, learnt before its frames are decoded, and one frame of it.

Choosing the part of a clip needs its length, rate and size first, and a
thumbnail of the first and last frame of the part: :func:`probe` and
:func:`frame_at` give them without decoding the whole source (a clip asks
ffmpeg for its stated facts, an animation's frame headers are read).
"""

from __future__ import annotations

from dataclasses import dataclass

import imageio_ffmpeg
import numpy as np
from PIL import Image

from core._image import image_frames, open_image, pillow_errors
from core._media_base import MAX_PIXELS, Media, capped_side, read_source
from core._part import shown_ms
from core._video import looks_like_video, open_video, private_file
from core.errors import MediaError

#: Caps that let a probe see a whole clip (its real rate, its whole length).
_UNCAPPED = dict(max_frames=10**9, max_fps=1000.0, max_seconds=86400.0)


@dataclass(frozen=True)
class SourceFacts:
    """A source's length, rate and size, as a part is chosen from them.

    Attributes
    ----------
    kind : {"still", "animation", "clip"}
    size : (int, int)
        (width, height) of its frames in the file.
    seconds : float
        How long it plays (0 for a still; for a clip, its stated duration,
        0 when the file states none).
    frames : int
        Frames in the file (for a clip: its seconds at its rate).
    fps : float
        Frames a second: a clip's rate, an animation's average (0 for a still).
    """

    kind: str
    size: tuple[int, int]
    seconds: float
    frames: int
    fps: float

    @property
    def is_animated(self) -> bool:
        """True for an animation or a clip."""
        return self.kind != "still"


def media_facts(media: Media) -> SourceFacts:
    """The :class:`SourceFacts` of media already in memory (a bundled sample)."""
    if not media.is_animated:
        return SourceFacts("still", media.size, 0.0, 1, 0.0)
    seconds = sum(shown_ms(int(d)) for d in media.durations) / 1000.0
    n = len(media.frames)
    kind = "clip" if media.format == "VIDEO" else "animation"
    return SourceFacts(kind, media.size, seconds, n, n / seconds)


def probe(source, *, max_pixels: int = MAX_PIXELS, max_decode_work: int | None = None
          ) -> SourceFacts:
    """The length, rate and size of a source, without decoding its frames' pixels.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
    max_pixels : int
        Largest canvas accepted.
    max_decode_work : int, optional
        An animation's frames are counted only up to this many canvas pixels
        decoded (the rest of a huge canvas's frames are never decoded).

    Returns
    -------
    SourceFacts

    Raises
    ------
    MediaError
        If the source cannot be read or is over ``max_pixels``.
    """
    data = read_source(source)
    if looks_like_video(data):
        with private_file(data) as path:
            info, frames = open_video(path, max_pixels=max_pixels, **_UNCAPPED)
            frames.close()
            seconds = info.seconds or _counted_seconds(path)
        n = int(round(seconds * info.rate))
        return SourceFacts("clip", info.original_size, seconds, n, info.rate)
    im, plan = open_image(data, max_pixels=max_pixels, max_decode_work=max_decode_work)
    with pillow_errors():
        durations = []
        for i in range(plan.frames):
            im.seek(i)
            durations.append(shown_ms(int(im.info.get("duration", 0) or 0)))
    size = plan.original_size or im.size
    if plan.total_frames == 1:
        return SourceFacts("still", size, 0.0, 1, 0.0)
    seconds = sum(durations) / 1000.0
    return SourceFacts("animation", size, seconds, plan.total_frames, len(durations) / seconds)


def _counted_seconds(path: str) -> float:
    # A file that states no duration (some WebM): ffmpeg decodes it to count (fast, no pixels out).
    try:
        return float(imageio_ffmpeg.count_frames_and_secs(path)[1])
    except (OSError, RuntimeError, ValueError):
        return 0.0


def frame_at(source, seconds: float, width: int) -> np.ndarray:
    """The frame on screen at ``seconds``, at most ``width`` pixels wide (a thumbnail).

    Parameters
    ----------
    source : str, os.PathLike, bytes, binary file object or Media
    seconds : float
        From the beginning; past the end gives the last frame.
    width : int

    Returns
    -------
    ndarray, shape (h, w, 3), uint8

    Raises
    ------
    MediaError
        If the source cannot be read.
    """
    if isinstance(source, Media):
        clock = np.cumsum([shown_ms(int(d)) for d in source.durations]) / 1000.0
        index = int(min(np.searchsorted(clock, seconds, side="right"), len(source.frames) - 1))
        return _narrowed(source.frames[index], width)
    data = read_source(source)
    if looks_like_video(data):
        return _clip_frame(data, seconds, width)
    im, plan = open_image(data, max_pixels=MAX_PIXELS)
    clock, last = 0.0, None
    for rgb, _, duration in image_frames(im, plan, MAX_PIXELS):
        last, clock = rgb, clock + shown_ms(duration)
        if clock > 1000.0 * seconds:
            break
    return _narrowed(last, width)


def _clip_frame(data: bytes, seconds: float, width: int) -> np.ndarray:
    # ffmpeg seeks to the time; a time at or past the end steps back towards the start.
    with private_file(data) as path:
        for at in (seconds, seconds - 0.5, seconds - 2.0, 0.0):
            if at < 0 and at != 0.0:
                continue
            try:
                _, frames = open_video(path, start=max(0.0, at), width=width, max_frames=1,
                                       max_fps=1000.0, max_seconds=1.0)
            except MediaError:
                if at == 0.0:
                    raise
                continue
            try:
                for rgb in frames:
                    return rgb
            finally:
                frames.close()
    raise MediaError("The clip holds no frame that could be decoded.")


def _narrowed(rgb: np.ndarray, width: int) -> np.ndarray:
    h, w = rgb.shape[:2]
    size = capped_side((w, h), max(width, round(h * width / w)) if width < w else None)
    if size == (w, h):
        return rgb
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS))
