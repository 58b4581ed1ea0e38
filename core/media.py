"""Reading images and animations into frames as a viewer shows them.

:func:`load_media` is the one entry point: it accepts a path, bytes or a binary
file object, refuses what it cannot read with :class:`~core.errors.MediaError`
(never a raw decoder error), refuses decompression bombs before decoding them,
and returns full RGB frames with disposal and partial frames composited.
Videos are read by :mod:`core.video` and arrive in the same :class:`Media`.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from core.errors import MediaError

#: Formats Pillow may open. A short list on purpose: some other Pillow
#: plugins (EPS) call external programs.
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")
#: File name extensions the app's uploader accepts.
ACCEPTED_EXTENSIONS = ("png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff")
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
        Frames in the file; more than ``len(frames)`` when ``max_frames`` cut
        the animation short.
    """

    frames: list
    alphas: list | None
    durations: list
    loop: int | None
    format: str
    total_frames: int = field(default=0)

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


def load_media(source, *, max_pixels: int = MAX_PIXELS, max_frames: int | None = None) -> Media:
    """Read a still image or an animated GIF/WebP/PNG into RGB frames.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
        PNG, JPEG, WebP, BMP, GIF or TIFF; animated GIF, WebP and PNG are
        read frame by frame.
    max_pixels : int
        Largest canvas (width x height) accepted; larger files are refused
        *before* their pixels are decoded (decompression bombs).
    max_frames : int, optional
        Read at most this many frames; ``Media.total_frames`` still counts all.

    Returns
    -------
    Media
        ``.frames``, ``.alphas``, ``.durations`` (ms), ``.loop``.

    Raises
    ------
    MediaError
        If the data is not an image Pillow can read, is truncated or corrupt,
        or is over ``max_pixels``. The message is written for a person.

    Notes
    -----
    Frames are composited as browsers do (GIF disposal methods, partial
    frames); if later frames are larger than the first (a canvas that grows),
    every frame is padded to the largest size with transparent pixels. JPEG
    EXIF orientation is applied. Grayscale, palette, RGBA, CMYK and 16-bit
    images are converted to 8-bit sRGB (16-bit values scaled, not clipped).
    """
    data = read_source(source)
    try:
        with warnings.catch_warnings():
            # Pillow only *warns* between MAX_IMAGE_PIXELS and twice that.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _decode(data, max_pixels, max_frames)
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(
            "This image declares far more pixels than it can hold (a 'decompression bomb'); "
            "it was not opened."
        ) from exc
    except UnidentifiedImageError as exc:
        raise MediaError(
            "This file is not an image that can be read (supported: PNG, JPEG, WebP, BMP, "
            "GIF, TIFF)."
        ) from exc
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        IndexError,
        TypeError,
        KeyError,
        ZeroDivisionError,
        OverflowError,
        MemoryError,
    ) as exc:
        # Pillow reports truncated or corrupt data with any of these.
        raise MediaError(
            "The image is damaged or truncated and could not be decoded. "
            "Try re-exporting it from the program that made it."
        ) from exc


def _decode(data: bytes, max_pixels: int, max_frames: int | None) -> Media:
    im = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    _check_pixels(im.size, max_pixels)
    fmt = im.format or "IMAGE"
    total = int(getattr(im, "n_frames", 1))
    limit = total if max_frames is None else min(total, int(max_frames))
    loop = im.info.get("loop")
    rgba_frames, durations, has_alpha = [], [], False
    for i, frame in enumerate(ImageSequence.Iterator(im)):
        if i >= limit:
            break
        _check_pixels(frame.size, max_pixels)
        if total == 1:
            frame = ImageOps.exif_transpose(frame)
        rgb, alpha = _to_rgb_alpha(frame)
        has_alpha |= alpha is not None
        rgba_frames.append((rgb, alpha))
        durations.append(int(frame.info.get("duration", 0) or 0))
    if not rgba_frames:
        raise MediaError("The file holds no frames.")
    frames, alphas = _common_canvas(rgba_frames, has_alpha)
    return Media(frames, alphas, durations, None if loop is None else int(loop), fmt, total)


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    w, h = size
    if w <= 0 or h <= 0:
        raise MediaError(f"The image has no pixels ({w}x{h}).")
    if w * h > max_pixels:
        raise MediaError(
            f"The image is {w}x{h} ({w * h / 1e6:.1f} megapixels); the limit is "
            f"{max_pixels / 1e6:.0f} megapixels. Resize it and try again."
        )


def _to_rgb_alpha(frame: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    mode = frame.mode
    if mode.startswith("I;16") or mode == "I":
        # 16-bit greyscale: scale to 8 bits; Pillow's convert("RGB") would clip at 255.
        values = np.asarray(frame, dtype=np.float64)
        grey = np.clip(np.rint(values / 257.0), 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2), None
    if mode == "F":
        grey = np.clip(np.rint(np.asarray(frame, dtype=np.float64)), 0, 255).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2), None
    transparent = mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in frame.info
    if transparent:
        arr = np.asarray(frame.convert("RGBA"))
        return np.ascontiguousarray(arr[..., :3]), np.ascontiguousarray(arr[..., 3])
    return np.asarray(frame.convert("RGB")), None


def _common_canvas(frames, has_alpha):
    height = max(rgb.shape[0] for rgb, _ in frames)
    width = max(rgb.shape[1] for rgb, _ in frames)
    out_rgb, out_alpha = [], []
    for rgb, alpha in frames:
        h, w = rgb.shape[:2]
        if alpha is None and has_alpha:
            alpha = np.full((h, w), 255, dtype=np.uint8)
        if (h, w) != (height, width):
            canvas = np.zeros((height, width, 3), dtype=np.uint8)
            canvas[:h, :w] = rgb
            rgb = canvas
            grown = np.zeros((height, width), dtype=np.uint8)
            grown[:h, :w] = 255 if alpha is None else alpha
            alpha, has_alpha = grown, True
        out_rgb.append(rgb)
        out_alpha.append(alpha)
    if has_alpha:
        out_alpha = [
            np.full((height, width), 255, dtype=np.uint8) if a is None else a for a in out_alpha
        ]
        return out_rgb, out_alpha
    return out_rgb, None
