"""Media opened for decoding frame by frame, as many times as a job needs.

:func:`core.load_media` holds every frame; a long clip at full size does not
fit that way. :func:`open_stream` settles the size, frame count, timing and
transparency up front and then decodes one frame at a time, as often as asked
(a global palette needs two passes), so memory is bounded by a few frames
whatever the length of the clip.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

from core._image import image_frames, open_image
from core._media_base import MAX_PIXELS, capped_side, read_source
from core._part import Part, retimed, shown_ms, side_for_width
from core._video import (
    MAX_FPS,
    MAX_FRAMES,
    MAX_SECONDS,
    frames_cut,
    looks_like_video,
    open_video,
    private_file,
)
from core.errors import MediaError

#: The whole source, at its own rate and size.
WHOLE = Part()

#: One decoded frame: RGB, alpha (or None) and how long it shows, in ms.
Frame = tuple[np.ndarray, "np.ndarray | None", int]


@dataclass(frozen=True)
class Stream:
    """A source ready to be decoded frame by frame.

    Attributes
    ----------
    size : (int, int)
        (width, height) of every frame it gives.
    original_size : (int, int)
        (width, height) in the file.
    frames : int
        Frames it will give (for a clip, what its stated length promises).
    durations : tuple of int
        Milliseconds of each frame (a clip's are all alike).
    loop : int or None
        As in :class:`core.Media`.
    transparent : bool
        True when some frame has transparent pixels.
    is_video : bool
    known_length : bool
        False for a clip whose file states no duration: ``frames`` is then
        only the cap, not a promise.
    total_frames : int
        Frames the part has before the frame, length and decoding limits
        (``frames`` when none applied).
    cut : str or None
        The limit that left frames out, as :mod:`core.notices` names it
        (``"frames"``, ``"seconds"``, ``"decode"``), or None.
    rate : float
        Frames a second of a clip (0 for an image).
    path : str or None
        The clip's file while the stream is open (a private copy when it was
        given as bytes), for what else is read from it (its sound); None for
        an image.
    """

    size: tuple[int, int]
    original_size: tuple[int, int]
    frames: int
    durations: tuple[int, ...]
    loop: int | None
    transparent: bool
    is_video: bool
    known_length: bool
    _decode: Callable[[], Iterator[Frame]]
    total_frames: int = 0
    cut: str | None = None
    rate: float = 0.0
    path: str | None = None

    def decode(self) -> Iterator[Frame]:
        """Decode the frames anew, one at a time, as ``(rgb, alpha, duration_ms)``.

        Raises
        ------
        MediaError
            From the iterator, when the data cannot be decoded past some frame.
        """
        return self._decode()


@contextlib.contextmanager
def open_stream(
    source,
    *,
    max_side: int | None = None,
    max_frames: int = MAX_FRAMES,
    max_fps: float = MAX_FPS,
    max_seconds: float = MAX_SECONDS,
    max_pixels: int = MAX_PIXELS,
    part: Part = WHOLE,
    max_decode_work: int | None = None,
) -> Iterator[Stream]:
    """Open a path, bytes or file object for decoding frame by frame.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
        An image, an animated GIF/PNG/WebP or a video clip.
    max_side : int, optional
        Downscale frames (aspect kept) so no side is longer than this.
    max_frames, max_fps, max_seconds : int, float, float
        Caps on what is decoded (a clip's rate and length; frames of any source).
    max_pixels : int
        Largest canvas accepted, checked before decoding.
    part : Part
        The seconds, frame rate and width to keep (the whole source by default).
    max_decode_work : int, optional
        An image's canvas pixels decoded over all frames: a huge canvas with
        many frames keeps fewer frames (``Stream.cut`` is then ``"decode"``).

    Yields
    ------
    Stream
        Valid inside the ``with`` block (a clip given as bytes lives in a
        private temporary file until then).

    Raises
    ------
    MediaError
        If the source cannot be read or is over ``max_pixels``.
    """
    path = source if isinstance(source, (str, os.PathLike)) else None
    data = read_source(source)
    with contextlib.ExitStack() as files:
        if looks_like_video(data):
            if path is None:
                path = files.enter_context(private_file(data))
            del data  # a clip is read from its file; its bytes need not stay in memory
            yield _video_stream(str(path), part, max_side, max_frames, max_fps, max_seconds,
                                max_pixels)
        else:
            yield _image_stream(data, part, max_side, max_frames, max_pixels, max_decode_work)


def _video_stream(path, part: Part, max_side, max_frames, max_fps, max_seconds,
                  max_pixels) -> Stream:
    caps = dict(max_pixels=max_pixels, max_frames=max_frames,
                max_fps=max_fps if part.fps is None else min(max_fps, part.fps),
                max_seconds=max_seconds, max_side=max_side, start=part.start, end=part.end,
                width=part.width)
    info, frames = open_video(path, **caps)
    frames.close()  # only the facts were wanted; each decode() starts ffmpeg anew

    def decode() -> Iterator[Frame]:
        for rgb in open_video(path, **caps)[1]:
            yield rgb, None, info.duration_ms

    n = info.expected_frames
    total, cut = frames_cut(info, n)
    return Stream(info.size, info.original_size, n, (info.duration_ms,) * n, 0, False, True,
                  info.clip_frames > 0, decode, total, cut, info.rate, str(path))


def _image_stream(data: bytes, part: Part, max_side, max_frames, max_pixels,
                  max_decode_work=None) -> Stream:
    same_time = part.start == 0 and part.end is None and part.fps is None
    # A part's frame cap counts the frames it gives, not the file's frames before it.
    caps = dict(max_pixels=max_pixels, max_frames=max_frames if same_time else None,
                max_side=max_side, max_decode_work=max_decode_work)

    def frames(im, plan) -> Iterator[Frame]:
        decoded = image_frames(im, plan, max_pixels)
        return decoded if same_time else itertools.islice(retimed(decoded, part), max_frames)

    im, plan = open_image(data, **caps)
    # A first pass settles the canvas (GIF frames may grow it), transparency and
    # timing, holding one frame at a time; decode() then pads every frame alike.
    heights, widths, durations, transparent = [], [], [], False
    for rgb, alpha, duration in frames(im, plan):
        heights.append(rgb.shape[0])
        widths.append(rgb.shape[1])
        durations.append(duration)
        transparent |= alpha is not None and bool((alpha < 128).any())
    if not durations:
        raise MediaError("The file holds no frames." if part.start == 0 else
                         f"The file holds no frames from {part.start:g} s on.")
    canvas = max(widths), max(heights)
    grows = len(set(heights)) > 1 or len(set(widths)) > 1
    transparent |= grows
    size = capped_side(canvas, side_for_width(canvas, part.width, None))

    def decode() -> Iterator[Frame]:
        im, plan = open_image(data, **caps)
        for rgb, alpha, duration in frames(im, plan):
            rgb, alpha = _on_canvas(rgb, alpha, canvas, transparent)
            yield (*_resized(rgb, alpha, size), duration)

    original = plan.original_size or canvas
    total = len(durations) + plan.total_frames - plan.frames
    # Browsers show a delay under 20 ms as 100 ms: the rate is what is seen.
    rate = 1000.0 * len(durations) / sum(shown_ms(d) for d in durations)
    return Stream(size, original, len(durations), tuple(durations), plan.loop,
                  transparent, False, True, decode, total, plan.cut, rate)


def _resized(rgb, alpha, size):
    # Frames narrowed to the part's width (alpha without blending, so it stays a mask).
    if rgb.shape[1] == size[0] and rgb.shape[0] == size[1]:
        return rgb, alpha
    rgb = np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS))
    if alpha is not None:
        alpha = np.asarray(Image.fromarray(alpha).resize(size, Image.Resampling.NEAREST))
    return rgb, alpha


def _on_canvas(rgb, alpha, size, transparent):
    # Pad a frame smaller than the canvas with transparent pixels, as browsers show it.
    width, height = size
    h, w = rgb.shape[:2]
    if (w, h) == (width, height):
        return rgb, alpha if transparent else None
    canvas = np.zeros((height, width, 3), dtype=np.uint8)
    canvas[:h, :w] = rgb
    grown = np.zeros((height, width), dtype=np.uint8)
    grown[:h, :w] = 255 if alpha is None else alpha
    return canvas, grown
