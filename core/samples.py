"""Built-in samples, made from images that ship with scikit-learn and scikit-image.

The app opens on these, so a visitor sees a result before uploading anything,
and the repository carries no image of its own: the stills are read from the
installed packages and the animation is a slow pan and zoom over
scikit-learn's ``china.jpg``, built the same way (bit for bit) on every call.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image

from core.media import Media

#: Frames of the pan-and-zoom animation, its size (width, height) and pace.
PAN_FRAMES = 40
PAN_SIZE = (320, 214)
PAN_DURATION_MS = 80


def _china() -> np.ndarray:
    from sklearn.datasets import load_sample_image

    return load_sample_image("china.jpg")


def _flower() -> np.ndarray:
    from sklearn.datasets import load_sample_image

    return load_sample_image("flower.jpg")


def _chelsea() -> np.ndarray:
    from skimage import data

    return data.chelsea()


def _coffee() -> np.ndarray:
    from skimage import data

    return data.coffee()


def pan_zoom(
    image: np.ndarray,
    n_frames: int = PAN_FRAMES,
    size: tuple[int, int] = PAN_SIZE,
    zoom: float = 1.5,
    duration: int = PAN_DURATION_MS,
) -> Media:
    """A looping animation that slowly zooms into ``image`` while panning.

    Parameters
    ----------
    image : ndarray, shape (H, W, 3), uint8
    n_frames : int
        Number of frames (at least 2).
    size : (width, height)
        Size of every frame.
    zoom : float
        How far the last frame is zoomed in (1.5 shows two thirds of the width).
    duration : int
        Milliseconds per frame.

    Returns
    -------
    Media
        A ``"GIF"``-format media of ``n_frames`` frames that loops forever.

    Notes
    -----
    The crop box shrinks from the whole picture towards the temple along an
    ease-in-out curve, so most pixels move by less than one pixel a frame and
    flat areas (the sky) stay nearly constant: exactly where a palette that
    jumps between frames shows as flicker.
    """
    if n_frames < 2:
        raise ValueError(f"n_frames={n_frames} must be at least 2.")
    h, w = image.shape[:2]
    src = Image.fromarray(image)
    # Fit the output aspect inside the picture, then shrink that box by `zoom`.
    aspect = size[0] / size[1]
    box_w0, box_h0 = (w, w / aspect) if w / h <= aspect else (h * aspect, h)
    # Like a real GIF, every frame uses one shared 256-colour palette (no dithering, so
    # flat areas stay constant); it also keeps clustering fast, as it is on GIFs.
    palette = src.quantize(256, dither=Image.Dither.NONE)
    frames = []
    for i in range(n_frames):
        t = i / (n_frames - 1)
        ease = 0.5 - 0.5 * np.cos(np.pi * t)
        scale = 1.0 + (zoom - 1.0) * ease
        bw, bh = box_w0 / scale, box_h0 / scale
        # Keep the temple (left third) in view: the box shrinks towards the upper left.
        left = (w - bw) * 0.05
        top = (h - bh) * 0.25
        box = (left, top, left + bw, top + bh)
        frame = src.resize(size, Image.Resampling.BICUBIC, box=box)
        frame = frame.quantize(palette=palette, dither=Image.Dither.NONE)
        frames.append(np.asarray(frame.convert("RGB")))
    return Media(frames, None, [duration] * n_frames, 0, "GIF", n_frames)


def _still(loader: Callable[[], np.ndarray]) -> Callable[[], Media]:
    def load() -> Media:
        return Media([np.ascontiguousarray(loader())], None, [0], None, "JPEG", 1)

    return load


#: Every sample: name shown in the app -> function that builds its Media.
SAMPLES: dict[str, Callable[[], Media]] = {
    "Animation: slow pan over a temple (scikit-learn's china.jpg)": lambda: pan_zoom(_china()),
    "Still: a flower (scikit-learn)": _still(_flower),
    "Still: Chelsea the cat (scikit-image)": _still(_chelsea),
    "Still: a cup of coffee (scikit-image)": _still(_coffee),
}


def load_sample(name: str) -> Media:
    """Build the sample called ``name`` (a key of :data:`SAMPLES`).

    Raises
    ------
    ValueError
        If there is no sample of that name.
    """
    if name not in SAMPLES:
        raise ValueError(f"No sample called {name!r}; choose one of {list(SAMPLES)}.")
    return SAMPLES[name]()
