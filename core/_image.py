"""Decoding still images and animated GIF/WebP/PNG with Pillow.

Frames come out as a viewer shows them: GIF disposal and partial frames
composited, a growing canvas padded, EXIF rotation applied, every mode
(L, P, RGBA, CMYK, 16-bit) converted to 8-bit sRGB. Anything Pillow cannot
read becomes one :class:`~core.errors.MediaError` with a message for a person.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from core._media_base import Media, capped_side, check_pixels, frame_budget
from core.errors import MediaError

#: Formats Pillow may open. A short list on purpose: some other Pillow
#: plugins (EPS) call external programs.
IMAGE_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")


@contextlib.contextmanager
def pillow_errors():
    """Turn whatever Pillow raises on bad data into one :class:`MediaError` for a person."""
    try:
        with warnings.catch_warnings():
            # Pillow only *warns* between MAX_IMAGE_PIXELS and twice that.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(
            "This image declares far more pixels than it can hold (a 'decompression bomb'); "
            "it was not opened."
        ) from exc
    except UnidentifiedImageError as exc:
        raise MediaError(
            "This file is not an image or video that can be read (supported: PNG, JPEG, "
            "WebP, BMP, GIF, TIFF, and MP4, WebM or MOV clips)."
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


@dataclass(frozen=True)
class ImagePlan:
    """How an image file will be decoded, settled before any frame is.

    Attributes
    ----------
    format : str
        Pillow's format name (``"GIF"``, ``"PNG"``...).
    frames : int
        Frames that will be decoded (after ``max_frames`` / ``max_decode_work``).
    total_frames : int
        Frames in the file.
    scale : float
        Factor every frame is resized by while decoding (1 keeps the size).
    loop : int or None
    original_size : (int, int) or None
        The file's (width, height) when ``scale < 1``.
    cut : str or None
        ``"frames"`` or ``"decode"``: the limit that left frames out (None: none).
    """

    format: str
    frames: int
    total_frames: int
    scale: float
    loop: int | None
    original_size: tuple[int, int] | None
    cut: str | None = None


def open_image(
    data: bytes,
    *,
    max_pixels: int,
    max_frames: int | None = None,
    max_frame_pixels: int | None = None,
    max_total_pixels: int | None = None,
    max_decode_work: int | None = None,
    max_side: int | None = None,
) -> tuple[Image.Image, ImagePlan]:
    """Open image bytes and settle how they will be decoded (no pixel decoded yet).

    Parameters are those of :func:`core.load_media`; ``max_side`` also caps
    the longer side of every frame.

    Returns
    -------
    image : PIL.Image.Image
        Opened lazily; decode it with :func:`image_frames`.
    plan : ImagePlan

    Raises
    ------
    MediaError
        If Pillow cannot read the data, a GIF is truncated, or the canvas is
        over ``max_pixels``.
    """
    with pillow_errors():
        im = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
        check_pixels(im.size, max_pixels)
        fmt = im.format or "IMAGE"
        if fmt == "GIF" and not _gif_complete(data):
            raise MediaError(
                "The GIF file is truncated: it ends before its last frame is complete "
                "(perhaps the download or upload was cut short)."
            )
        total = int(getattr(im, "n_frames", 1))
        limit = total if max_frames is None else min(total, int(max_frames))
        cut = "frames" if limit < total else None
        if max_decode_work is not None:
            affordable = max(1, int(max_decode_work) // (im.size[0] * im.size[1]))
            cut = "decode" if affordable < limit else cut
            limit = min(limit, affordable)
        budget = frame_budget(max_frame_pixels, max_total_pixels, limit)
        if max_side is not None:
            budget = min(budget, float(np.prod(capped_side(im.size, max_side))))
        loop = im.info.get("loop")
        scale, original_size = 1.0, None
        if im.size[0] * im.size[1] > budget:
            scale = float(np.sqrt(budget / (im.size[0] * im.size[1])))
            original_size = _oriented_size(im) if total == 1 else im.size
            if total == 1 and fmt == "JPEG":
                # Let libjpeg decode at 1/2 to 1/8 size: a 50-megapixel photo never
                # exists at full size. draft() keeps at least the size asked for.
                wanted = (int(im.size[0] * scale) + 1, int(im.size[1] * scale) + 1)
                im.draft("RGB", wanted)
                scale = float(np.sqrt(budget / (im.size[0] * im.size[1])))
    plan = ImagePlan(fmt, limit, total, scale, None if loop is None else int(loop),
                     original_size, cut)
    return im, plan


def image_frames(
    im: Image.Image, plan: ImagePlan, max_pixels: int
) -> Iterator[tuple[np.ndarray, np.ndarray | None, int]]:
    """Decode the frames of an opened image one at a time, as a viewer shows them.

    Yields
    ------
    rgb : ndarray, shape (H, W, 3), uint8
    alpha : ndarray, shape (H, W), uint8, or None
    duration : int
        Milliseconds (0 where the file says nothing).

    Raises
    ------
    MediaError
        From the iterator, if a frame cannot be decoded or is over ``max_pixels``.
    """
    with pillow_errors():
        for i, frame in enumerate(ImageSequence.Iterator(im)):
            if i >= plan.frames:
                break
            check_pixels(frame.size, max_pixels)
            if plan.total_frames == 1 and frame.getexif().get(0x0112, 1) != 1:
                # Only when turned: exif_transpose copies even an upright image.
                frame = ImageOps.exif_transpose(frame)
            rgb, alpha = _to_rgb_alpha(frame, plan.scale)
            yield rgb, alpha, int(frame.info.get("duration", 0) or 0)


def load_image(data: bytes, *, max_pixels: int, **caps) -> Media:
    """Decode image bytes into a :class:`Media`; see :func:`core.load_media`.

    Raises
    ------
    MediaError
        If Pillow cannot read the data, it is truncated or corrupt, or over
        ``max_pixels``.
    """
    im, plan = open_image(data, max_pixels=max_pixels, **caps)
    decoded = list(image_frames(im, plan, max_pixels))
    if not decoded:
        raise MediaError("The file holds no frames.")
    has_alpha = any(alpha is not None for _, alpha, _ in decoded)
    frames, alphas = _common_canvas([(rgb, alpha) for rgb, alpha, _ in decoded], has_alpha)
    durations = [d for _, _, d in decoded]
    return Media(frames, alphas, durations, plan.loop, plan.format, plan.total_frames,
                 plan.original_size, plan.cut)


def _oriented_size(im: Image.Image) -> tuple[int, int]:
    # EXIF orientations 5-8 turn the picture by 90 degrees: width and height swap.
    w, h = im.size
    return (h, w) if im.getexif().get(0x0112) in (5, 6, 7, 8) else (w, h)


def _gif_complete(data: bytes) -> bool:
    """True when the GIF's blocks run whole up to its trailer byte (``;``).

    Pillow reads a GIF cut between frames without complaint and reports fewer
    frames; walking the block structure tells a truncated file from a whole one.
    """
    if len(data) < 13:
        return False
    pos = 13
    flags = data[10]
    if flags & 0x80:
        pos += 3 << ((flags & 7) + 1)
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            return True
        if block == 0x21:
            pos += 2
        elif block == 0x2C:
            if pos + 10 > len(data):
                return False
            flags = data[pos + 9]
            pos += 10
            if flags & 0x80:
                pos += 3 << ((flags & 7) + 1)
            pos += 1  # LZW minimum code size
        else:
            # Pillow skips a stray byte (e.g. a second header glued on); so do we.
            pos += 1
            continue
        # Data sub-blocks: a length byte, that many bytes, until a length of 0.
        while pos < len(data) and data[pos]:
            pos += data[pos] + 1
        pos += 1
    return False


def _to_rgb_alpha(frame: Image.Image, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray | None]:
    """The frame as RGB and alpha arrays, resized by ``scale`` in Pillow first.

    Resizing before the arrays are made keeps a large frame from existing
    more than once at full size.
    """
    mode = frame.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        # 16-bit (or float) greyscale: scale to 8 bits; convert("RGB") would clip at 255.
        values = np.asarray(frame)
        if mode != "F":
            # rint(v / 257) in integers: a uint32 temporary, not a float64 one.
            values = (np.clip(values, 0, 65535).astype(np.uint32) * 2 + 257) // 514
        grey = np.clip(np.rint(values) if mode == "F" else values, 0, 255).astype(np.uint8)
        image = Image.fromarray(grey).convert("RGB")
    else:
        transparent = mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in frame.info
        target = "RGBA" if transparent else "RGB"
        image = frame if mode == target else frame.convert(target)
    if scale < 1.0:
        w, h = image.size
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        # reducing_gap: box-reduce by an integer factor first, then Lanczos;
        # 4x faster on a 50-megapixel canvas and visually the same.
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    elif image is frame:
        # A copy: an array made from the live frame itself can be overwritten
        # when the GIF reader composites the next frame (Pillow 13).
        image = frame.copy()
    arr = np.asarray(image)
    if image.mode == "RGBA":
        return np.ascontiguousarray(arr[..., :3]), np.ascontiguousarray(arr[..., 3])
    return arr, None


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
