"""The app's size limits in one place, and fitting media inside them.

The numbers keep one session of the app within about 1 GB of memory (Streamlit
Community Cloud stops apps over their limit): the original frames plus one
result per comparison mode, each frame 4 bytes a pixel, plus float
temporaries for one frame at a time. ``bench/bench_memory.py`` measures it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from core.media import Media


@dataclass(frozen=True)
class Limits:
    """Bounds on what the app accepts.

    Attributes
    ----------
    max_upload_mb : int
        Largest upload, in MB (also ``server.maxUploadSize`` in
        ``.streamlit/config.toml``).
    max_decode_pixels : int
        A canvas larger than this is refused before decoding (bombs).
    max_frame_pixels : int
        Frames with more pixels are downscaled to fit (aspect kept).
    max_frames : int
        Later frames are cut.
    max_total_pixels : int
        Pixels over all frames; above it frames are downscaled further.
    """

    max_upload_mb: int = 50
    max_decode_pixels: int = 50_000_000
    max_frame_pixels: int = 2_100_000
    max_frames: int = 300
    max_total_pixels: int = 12_000_000


DEFAULT_LIMITS = Limits()


def fit_to_limits(media: Media, limits: Limits = DEFAULT_LIMITS) -> tuple[Media, list[str]]:
    """Cut and downscale ``media`` so that it fits ``limits``.

    Parameters
    ----------
    media : Media
    limits : Limits

    Returns
    -------
    media : Media
        Unchanged if it already fits.
    notices : list of str
        One plain sentence per change made, for the page to show.
    """
    notices = []
    frames, alphas, durations = media.frames, media.alphas, media.durations
    if len(frames) > limits.max_frames:
        notices.append(
            f"Only the first {limits.max_frames} of {media.total_frames or len(frames)} frames "
            f"are used (the limit is {limits.max_frames})."
        )
        frames = frames[: limits.max_frames]
        alphas = None if alphas is None else alphas[: limits.max_frames]
        durations = durations[: limits.max_frames]
    h, w = frames[0].shape[:2]
    per_frame = min(limits.max_frame_pixels, limits.max_total_pixels // len(frames))
    if h * w > per_frame:
        scale = np.sqrt(per_frame / (h * w))
        nw, nh = max(1, int(w * scale)), max(1, int(h * scale))
        notices.append(
            f"Frames were downscaled from {w}x{h} to {nw}x{nh} to stay within the app's "
            f"memory limit ({per_frame / 1e6:.1f} megapixels per frame for {len(frames)} frames)."
        )
        frames = [_resize(f, nw, nh, Image.Resampling.LANCZOS) for f in frames]
        if alphas is not None:
            alphas = [_resize(a, nw, nh, Image.Resampling.NEAREST) for a in alphas]
    if not notices:
        return media, notices
    return replace(media, frames=frames, alphas=alphas, durations=durations), notices


def _resize(array: np.ndarray, width: int, height: int, method) -> np.ndarray:
    return np.asarray(Image.fromarray(array).resize((width, height), method))
