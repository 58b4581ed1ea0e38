"""The app's size limits in one place, and fitting media inside them.

The numbers keep one session of the app within about 1 GB of memory (Streamlit
Community Cloud stops apps over their limit). Per pixel of every frame kept,
a session holds the original (3 bytes, 1 more for alpha) and, for each of the
four comparison modes, the quantized image (4 bytes: a view into a 32-bit
buffer) and its labels (1 byte): about 24 bytes, and ``bench/bench_memory.py``
measures about 37 with temporaries and allocator slack. With the imports
(about 230 MB), the Streamlit server and one earlier result kept on the page
while a new upload is processed, ``max_total_pixels`` of 8 million keeps the
worst case near 900 MB. Decoding holds one full-size canvas
(``max_decode_pixels``) at a time, and the metrics convert one frame at a
time to floats, so ``max_frame_pixels`` (a 1080p frame) bounds those.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from core._media_base import Media, capped_side, fitted_size, frame_budget, read_source
from core._video import MAX_SECONDS
from core.errors import MediaError
from core.media import load_media
from core.notices import frames_note, size_note


@dataclass(frozen=True)
class Limits:
    """Bounds on what the app accepts.

    Attributes
    ----------
    max_upload_mb : int
        Largest upload, in MB (also ``server.maxUploadSize`` in
        ``.streamlit/config.toml``); larger files are refused.
    max_decode_pixels : int
        A canvas (width x height) larger than this is refused before
        decoding: decompression bombs.
    max_decode_work : int
        Canvas pixels decoded over all frames (decoding time): a huge canvas
        with many frames is cut to fewer frames.
    max_frame_pixels : int
        Frames with more pixels are downscaled to fit (aspect kept).
    max_frames : int
        Later frames are cut.
    max_total_pixels : int
        Pixels over all frames kept (the memory the session holds); above it
        frames are downscaled further. What is kept is the *preview* the page
        compares on.
    max_export_side : int
        Full-size exports (:func:`core.convert`, streamed, so not bound by
        ``max_total_pixels``) keep the source's size up to this many pixels
        on the longer side.
    preview_side : int
        The page compares an animation or clip on frames this long on their
        longer side (or the export's size when smaller): large enough to see
        flicker in fine texture and banding (:func:`core.plan_part`).
    preview_pixels : int
        Pixels over all frames of that comparison: a longer part is compared
        on a window of its first frames. Bounds the page's time (four modes
        of 43 frames of 640x360 take 4-8 s on two busy cores) and memory.
    """

    max_upload_mb: int = 50
    max_decode_pixels: int = 50_000_000
    max_decode_work: int = 600_000_000
    max_frame_pixels: int = 2_100_000
    max_frames: int = 300
    max_total_pixels: int = 8_000_000
    max_export_side: int = 1280
    preview_side: int = 640
    preview_pixels: int = 10_000_000


DEFAULT_LIMITS = Limits()


def export_size(media: Media, limits: Limits) -> tuple[int, int]:
    """(width, height) a full-size export of ``media`` gets: the source's, capped.

    Parameters
    ----------
    media : Media
        As loaded (``original_size`` records the size before any downscale).
    limits : Limits

    Returns
    -------
    (int, int)
    """
    return capped_side(media.original_size or media.size, limits.max_export_side)



def load_within_limits(source, limits: Limits = DEFAULT_LIMITS) -> tuple[Media, list[str]]:
    """Read an upload and fit it inside ``limits``: the app's one way in.

    Frames are cut and downscaled *while* decoding, so memory never holds
    more than one full-size frame; :func:`fit_to_limits` then makes sure of
    the result and says what changed.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
        As for :func:`core.load_media` (a Streamlit ``UploadedFile`` works).
    limits : Limits

    Returns
    -------
    media : Media
    notices : list of str
        One plain sentence per change made, naming the limit, for the page.

    Raises
    ------
    MediaError
        If the file is over ``max_upload_mb`` or ``max_decode_pixels``, or
        cannot be read; the message names the limit or the problem.
    """
    data = read_source(source)
    if len(data) > limits.max_upload_mb * 1_000_000:
        raise MediaError(
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {limits.max_upload_mb} MB."
        )
    media = load_media(
        data,
        max_pixels=limits.max_decode_pixels,
        max_frames=limits.max_frames,
        max_frame_pixels=limits.max_frame_pixels,
        max_total_pixels=limits.max_total_pixels,
        max_decode_work=limits.max_decode_work,
    )
    return fit_to_limits(media, limits)


def fit_to_limits(media: Media, limits: Limits = DEFAULT_LIMITS) -> tuple[Media, list[str]]:
    """Cut and downscale ``media`` so that it fits ``limits``.

    Parameters
    ----------
    media : Media
        From :func:`core.load_media`, :func:`load_within_limits` or a video
        reader; frames it lost or downscaled while decoding
        (``total_frames``, ``original_size``) are reported too.
    limits : Limits

    Returns
    -------
    media : Media
        Unchanged if it already fits.
    notices : list of str
        One plain sentence per change made, naming the limit, for the page.
    """
    notices = []
    frames, alphas, durations = media.frames, media.alphas, media.durations
    total, cut = max(media.total_frames, len(frames)), media.cut
    if len(frames) > limits.max_frames:
        frames = frames[: limits.max_frames]
        alphas = None if alphas is None else alphas[: limits.max_frames]
        durations = durations[: limits.max_frames]
        cut = "frames"
    if total > len(frames):
        notices.append(_frames_note(cut or "frames", len(frames), total, durations, limits))
    h, w = frames[0].shape[:2]
    per_frame = frame_budget(limits.max_frame_pixels, limits.max_total_pixels, len(frames))
    original = media.original_size or (w, h)
    if (w, h) != fitted_size((w, h), per_frame):
        w, h = fitted_size((w, h), per_frame)
        frames = [_resize(f, w, h, Image.Resampling.LANCZOS) for f in frames]
        if alphas is not None:
            alphas = [_resize(a, w, h, Image.Resampling.NEAREST) for a in alphas]
    if original != (w, h):
        shared = per_frame < limits.max_frame_pixels  # the budget of all frames applied
        notices.append(size_note("memory", original, (w, h), limits.max_total_pixels if shared
                                 else limits.max_frame_pixels, len(frames) if shared else 0))
    if not notices:
        return media, notices
    fitted = replace(
        media,
        frames=frames,
        alphas=alphas,
        durations=durations,
        original_size=None if original == (w, h) else original,
    )
    return fitted, notices


def _frames_note(cut: str, kept: int, total: int, durations, limits: Limits) -> str:
    # The notice for frames left out, with the number of the limit that applied.
    limit = {"frames": limits.max_frames, "decode": limits.max_decode_work,
             "seconds": MAX_SECONDS}.get(cut, 0)
    rate = 1000.0 / durations[0] if cut == "seconds" and durations and durations[0] else 0.0
    return frames_note(cut, kept, total, limit, rate)


def _resize(array: np.ndarray, width: int, height: int, method) -> np.ndarray:
    return np.asarray(Image.fromarray(array).resize((width, height), method))
