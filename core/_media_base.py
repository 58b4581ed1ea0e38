"""What decoded media looks like, and the size rules every decoder follows.

The leaf under the decoders: :class:`Media` (the frames of a still, an
animation or a clip), reading a source's bytes, and the pixel budgets that
decide how far frames are downscaled while they are decoded. The Pillow
decoder (:mod:`core._image`) and the video decoder (:mod:`core._video`) both
build on it; :func:`core.load_media` dispatches to them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from core.errors import MediaError

#: Default cap on the pixels of one frame (the canvas), checked before decoding.
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class Media:
    """Decoded frames of a still image, an animation or a video.

    Attributes
    ----------
    frames : list of ndarray, shape (H, W, 3), uint8
        Full frames, all of one size, as a viewer shows them.
    alphas : list of ndarray, shape (H, W), uint8, or None
        Alpha of each frame (255 opaque, 0 transparent); ``None`` when the
        file has no transparency at all.
    durations : list of int
        How long each frame shows, in milliseconds, as the file says (0 where
        it says nothing).
    loop : int or None
        GIF loop count: 0 loops forever, n plays n+1 times... as written in
        the file; ``None`` when the file has no loop block (plays once).
    format : str
        ``"GIF"``, ``"PNG"``, ``"JPEG"``, ``"WEBP"``, ``"BMP"``, ``"TIFF"``
        or ``"VIDEO"``.
    total_frames : int
        Frames in the file; more than ``len(frames)`` when ``max_frames`` or
        ``max_decode_work`` cut the animation short.
    original_size : (int, int) or None
        (width, height) of the file's canvas when the frames were downscaled
        while decoding (``max_frame_pixels``, ``max_total_pixels``), else ``None``.
    cut : str or None
        Why ``total_frames`` is more than ``len(frames)``, as
        :data:`core.notices.FRAME_REASONS` names it: ``"frames"`` (the frame
        limit), ``"seconds"`` (a clip's length limit), ``"decode"`` (the
        decoding budget) or ``"short"`` (the file gave fewer frames than its
        stated length promises); ``None`` when nothing was cut.
    """

    frames: list
    alphas: list | None
    durations: list
    loop: int | None
    format: str
    total_frames: int = field(default=0)
    original_size: tuple[int, int] | None = None
    cut: str | None = None

    @property
    def is_animated(self) -> bool:
        """True when there is more than one frame."""
        return len(self.frames) > 1

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of every frame."""
        h, w = self.frames[0].shape[:2]
        return w, h


def read_source(source) -> bytes:
    """The bytes of a path, a bytes-like object or a binary file object.

    Raises
    ------
    MediaError
        If the path does not exist or cannot be read, or the source is empty.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif isinstance(source, (str, os.PathLike)):
        try:
            with open(source, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise MediaError(f"Could not read the file: {exc.strerror or exc}.") from exc
    elif hasattr(source, "read"):
        data = source.read()
        if not isinstance(data, (bytes, bytearray)):
            raise MediaError("The file object must be opened in binary mode.")
        data = bytes(data)
    else:
        raise MediaError(f"Cannot read media from a {type(source).__name__}.")
    if not data:
        raise MediaError("The file is empty.")
    return data


def check_pixels(size: tuple[int, int], max_pixels: int, what: str = "image") -> None:
    """Raise :class:`MediaError` if a (width, height) canvas is empty or over ``max_pixels``."""
    w, h = size
    if w <= 0 or h <= 0:
        raise MediaError(f"The {what} has no pixels ({w}x{h}).")
    if w * h > max_pixels:
        raise MediaError(
            f"The {what} is {w}x{h} ({w * h / 1e6:.1f} megapixels); the limit is "
            f"{max_pixels / 1e6:.0f} megapixels. Resize it and try again."
        )


def frame_budget(max_frame_pixels: float | None, max_total_pixels: float | None,
                 frames: int) -> float:
    """Pixels one frame may keep when ``frames`` frames share ``max_total_pixels``.

    ``None`` for a limit means no limit; the result is ``inf`` when neither is set.
    """
    return min(max_frame_pixels or np.inf, (max_total_pixels or np.inf) / max(1, frames))


def fitted_size(size: tuple[int, int], budget: float) -> tuple[int, int]:
    """(width, height) scaled by one factor to at most ``budget`` pixels; unchanged if it fits."""
    w, h = size
    if w * h <= budget:
        return w, h
    scale = np.sqrt(budget / (w * h))
    return max(1, int(w * scale)), max(1, int(h * scale))


def capped_side(size: tuple[int, int], max_side: int | None) -> tuple[int, int]:
    """(width, height) scaled down (aspect kept) so neither side exceeds ``max_side``."""
    w, h = size
    if max_side is None or max(w, h) <= max_side:
        return w, h
    scale = max_side / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))
