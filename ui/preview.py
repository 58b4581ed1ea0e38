"""What the page shows while it plays: animated previews, PNG bytes, sampled pixels.

Streamlit animates a GIF only when it gets the raw GIF bytes at most 1460 px
wide (``shared/STREAMLIT.md``), and sends other images as JPEG unless told
otherwise; these helpers make bytes that survive both.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from PIL import Image

import core

#: Streamlit shows wider animated GIFs as a single frame.
MAX_GIF_WIDTH = 1460
#: Default number of pixels drawn in the 3-D colour cloud.
CLOUD_POINTS = 4000
#: Width in screen pixels of a zoomed crop: fits each of two columns on a 1500 px wide page,
#: so the browser shows it unscaled (scaling would smooth the enlarged pixels).
ZOOM_VIEW_WIDTH = 512


def sample_pixels(frames: Sequence[np.ndarray], n: int = CLOUD_POINTS, seed: int = 0) -> np.ndarray:
    """Up to ``n`` pixels drawn evenly from all ``frames``, the same for the same seed.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
    n : int
        Number of pixels wanted (fewer if the frames hold fewer).
    seed : int

    Returns
    -------
    ndarray, shape (m, 3), uint8
    """
    rng = np.random.default_rng(seed)
    per_frame = max(1, -(-n // len(frames)))
    picks = []
    for frame in frames:
        flat = frame.reshape(-1, 3)
        take = min(per_frame, len(flat))
        picks.append(flat[rng.choice(len(flat), size=take, replace=False)])
    out = np.concatenate(picks)
    if len(out) > n:
        out = out[rng.choice(len(out), size=n, replace=False)]
    return out


def preview_gif(
    frames: Sequence[np.ndarray],
    durations: Sequence[int],
    loop: int | None = 0,
    max_width: int = MAX_GIF_WIDTH,
) -> bytes:
    """Animated GIF bytes of *original* frames, to show them playing.

    Each frame gets Pillow's own 256-colour palette (no dithering), which is
    close to the original; shown beside k-colour results it reads as "the
    original". Frames wider than ``max_width`` are scaled down.
    """
    images = [_fit(Image.fromarray(f), max_width, Image.Resampling.LANCZOS) for f in frames]
    # Fast octree: ten times quicker than median cut, and alike at 256 colours.
    images = [im.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
              for im in images]
    buf = io.BytesIO()
    params = {"save_all": True, "append_images": images[1:], "duration": _shown(durations)}
    if loop is not None:
        params["loop"] = int(loop)
    images[0].save(buf, format="GIF", **params)
    return buf.getvalue()


def sprite_jpeg(frames: Sequence[np.ndarray], quality: int = 90) -> tuple[bytes, int]:
    """Frames tiled on one JPEG sheet, row by row, for the page's player to cut out again.

    One file instead of one per frame, and a JPEG (full chroma, quality 90)
    rather than a 256-colour GIF, so the original shows no banding of its own
    next to the results. The sheet is about square, well inside what browsers
    decode.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
    quality : int

    Returns
    -------
    data : bytes
    columns : int
        Frames per row; frame ``i`` is at column ``i % columns``, row ``i // columns``.
    """
    n = len(frames)
    h, w = frames[0].shape[:2]
    columns = max(1, min(n, int(np.ceil(np.sqrt(n * h / w)))))
    rows = -(-n // columns)
    sheet = Image.new("RGB", (columns * w, rows * h))
    for i, frame in enumerate(frames):
        sheet.paste(Image.fromarray(np.asarray(frame, dtype=np.uint8)),
                    ((i % columns) * w, (i // columns) * h))
    buf = io.BytesIO()
    sheet.save(buf, format="JPEG", quality=quality, subsampling=0)
    return buf.getvalue(), columns


def png_bytes(image: np.ndarray) -> bytes:
    """PNG bytes of an (H, W, 3) uint8 image (lossless, unlike Streamlit's default JPEG)."""
    buf = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def result_gif(
    results: Sequence[core.QuantizeResult],
    durations: Sequence[int],
    loop: int | None = 0,
    alphas: Sequence[np.ndarray | None] | None = None,
    max_width: int = MAX_GIF_WIDTH,
) -> bytes:
    """Animated GIF bytes of quantized frames, at most ``max_width`` wide.

    The labels are resized with nearest-neighbour sampling, so every pixel
    keeps an exact palette colour; narrow results are written as they are.
    """
    results = list(results)
    h, w = results[0].labels.shape
    if w > max_width:
        size = (max_width, max(1, round(h * max_width / w)))
        results = [_shrink(r, size) for r in results]
        if alphas is not None:
            alphas = [None if a is None else _resize(a, size) for a in alphas]
    return core.to_bytes(
        core.save_gif, results, durations=_shown(durations), loop=loop, alphas=alphas
    )


def _shown(durations: Sequence[int]) -> list[int]:
    # A GIF that says nothing (0 ms) plays at 100 ms a frame in browsers; write that.
    return [int(d) if d else 100 for d in durations]


def _resize(array: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return np.asarray(Image.fromarray(array).resize(size, Image.Resampling.NEAREST))


def _shrink(result: core.QuantizeResult, size: tuple[int, int]) -> core.QuantizeResult:
    labels = _resize(result.labels, size)
    return replace(result, labels=labels, image=result.palette.colors[labels])


def _fit(im: Image.Image, max_width: int, method) -> Image.Image:
    if im.width <= max_width:
        return im
    return im.resize((max_width, max(1, round(im.height * max_width / im.width))), method)


def decode_frame(data: bytes, index: int) -> np.ndarray:
    """Frame ``index`` of GIF (or PNG) bytes as an (H, W, 3) uint8 array.

    Pillow composites a GIF's frames as it seeks, so the frame is what a
    viewer shows at that moment, and only this one frame is kept.
    """
    with Image.open(io.BytesIO(data)) as im:
        im.seek(min(index, getattr(im, "n_frames", 1) - 1))
        return np.asarray(im.convert("RGB"))


def zoom_crop(
    image: np.ndarray,
    zoom: int,
    across: float = 0.5,
    down: float = 0.5,
    view_width: int = ZOOM_VIEW_WIDTH,
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A crop of ``image`` blown up ``zoom`` times by repeating pixels (nearest neighbour).

    The crop is ``view_width / zoom`` pixels wide (at most the image) with
    the image's aspect, so at ``view_width`` screen pixels every image pixel
    is a ``zoom`` x ``zoom`` block. Done here rather than by the browser,
    which would smooth the pixels it enlarges.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3)
    zoom : int
        1 returns the whole image.
    across, down : float
        Where the crop's centre is, as a fraction of the width / height
        (0 left / top, 1 right / bottom); the crop stays inside the image.
    view_width : int

    Returns
    -------
    zoomed : ndarray, shape (h * zoom, w * zoom, 3)
    box : (left, top, width, height)
        The crop, in image pixels.
    """
    h, w = image.shape[:2]
    if zoom <= 1:
        return image, (0, 0, w, h)
    cw = max(1, min(w, view_width // zoom))
    ch = max(1, min(h, round(cw * h / w)))
    left = int(round(np.clip(across * w - cw / 2, 0, w - cw)))
    top = int(round(np.clip(down * h - ch / 2, 0, h - ch)))
    crop = image[top : top + ch, left : left + cw]
    return np.repeat(np.repeat(crop, zoom, axis=0), zoom, axis=1), (left, top, cw, ch)
