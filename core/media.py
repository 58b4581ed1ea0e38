"""Reading images, animations and video clips: the one entry point, :func:`load_media`.

It accepts a path, bytes or a binary file object, refuses what it cannot read
with :class:`~core.errors.MediaError` (never a raw decoder error), and hands
the bytes to the Pillow decoder (:mod:`core._image`) or the video decoder
(:mod:`core._video`), which both return a :class:`Media`.
"""

from __future__ import annotations

from core._image import load_image
from core._media_base import MAX_PIXELS, Media, read_source
from core._video import MAX_FRAMES, VIDEO_EXTENSIONS, load_video, looks_like_video

__all__ = ["ACCEPTED_EXTENSIONS", "MAX_PIXELS", "Media", "load_media", "read_source"]

#: File name extensions of the images the uploader accepts.
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "webp", "bmp", "gif", "tif", "tiff")
#: Every file name extension the uploader accepts: images and video clips.
ACCEPTED_EXTENSIONS = IMAGE_EXTENSIONS + VIDEO_EXTENSIONS


def load_media(
    source,
    *,
    max_pixels: int = MAX_PIXELS,
    max_frames: int | None = None,
    max_frame_pixels: int | None = None,
    max_total_pixels: int | None = None,
    max_decode_work: int | None = None,
) -> Media:
    """Read a still image, an animated GIF/WebP/PNG or a video clip into RGB frames.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
        PNG, JPEG, WebP, BMP, GIF or TIFF (animated GIF, WebP and PNG are
        read frame by frame), or an MP4, WebM or MOV clip, recognised by its
        first bytes and read by :func:`core.load_video` with that function's
        frame-rate and length caps.
    max_pixels : int
        Largest canvas (width x height) accepted; larger files are refused
        *before* their pixels are decoded (decompression bombs).
    max_frames : int, optional
        Read at most this many frames; ``Media.total_frames`` still counts all.
    max_frame_pixels, max_total_pixels : int, optional
        Downscale each frame, right after it is decoded, to at most
        ``max_frame_pixels`` and to at most ``max_total_pixels`` over all
        frames read (aspect kept), so that only one full-size frame is ever in
        memory. ``Media.original_size`` then records the file's size.
    max_decode_work : int, optional
        Cap on canvas pixels decoded over all frames (decoding time): a huge
        canvas with many frames is cut to ``max_decode_work // canvas`` frames
        (at least one). Images only: a clip is bounded by ``max_frames`` and
        the video caps instead.

    Returns
    -------
    Media
        ``.frames``, ``.alphas``, ``.durations`` (ms), ``.loop``.

    Raises
    ------
    MediaError
        If the data is not an image Pillow (or a clip ffmpeg) can read, is truncated or corrupt
        (a GIF must end with its trailer), or is over ``max_pixels``. The
        message is written for a person.

    Notes
    -----
    Frames are composited as browsers do (GIF disposal methods, partial
    frames); if later frames are larger than the first (a canvas that grows),
    every frame is padded to the largest size with transparent pixels. JPEG
    EXIF orientation is applied. Grayscale, palette, RGBA, CMYK and 16-bit
    images are converted to 8-bit sRGB (16-bit values scaled, not clipped).
    """
    data = read_source(source)
    if looks_like_video(data):
        return load_video(
            data,
            max_pixels=max_pixels,
            max_frames=MAX_FRAMES if max_frames is None else max_frames,
            max_frame_pixels=max_frame_pixels,
            max_total_pixels=max_total_pixels,
        )
    return load_image(
        data,
        max_pixels=max_pixels,
        max_frames=max_frames,
        max_frame_pixels=max_frame_pixels,
        max_total_pixels=max_total_pixels,
        max_decode_work=max_decode_work,
    )
