"""A made clip of full-frame motion, for timing exports on busy footage.

The shared 1280x688 clip is mostly still once its zoom ends; footage that
moves everywhere (a hand-held camera, water, leaves) is where a GIF encoder
works hardest. :func:`busy_clip` makes such a clip and keeps it in a cache
folder (it is tens of MB and made again in about a minute, so it is not
committed): 14 s at 25 fps, 1280x720, H.264 (CRF 18), in which

- a hand-held camera pans and zooms slowly across a mosaic of four of
  scikit-image's bundled photographs (a smooth random walk, as a hand shakes);
- the picture ripples like water (every row and column displaced by moving
  sine waves), so no pixel stays put;
- film grain (Gaussian, sigma 3 levels) is new in every frame.

Everything random comes from ``seed``, so the clip is the same on every
machine. Run ``python -m bench.busy_clip`` to make it and print its path.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image
from skimage import data

#: Where made clips are kept between runs.
CACHE = Path(tempfile.gettempdir()) / "flickerless-bench"
SIZE = (1280, 720)
FPS = 25
SECONDS = 14


def mosaic() -> Image.Image:
    """Four bundled photographs side by side, 1920x1440: the scene the camera films."""
    tiles = [data.rocket(), data.coffee(), data.astronaut(), data.chelsea()]
    canvas = Image.new("RGB", (1920, 1440))
    for i, tile in enumerate(tiles):
        canvas.paste(Image.fromarray(tile).resize((960, 720), Image.Resampling.LANCZOS),
                     ((i % 2) * 960, (i // 2) * 720))
    return canvas


def camera_path(frames: int, rng: np.random.Generator) -> np.ndarray:
    """Per frame (centre x, centre y, zoom) of a hand-held camera: a slow sweep plus shake."""
    t = np.linspace(0.0, 1.0, frames)
    shake = np.cumsum(rng.normal(0.0, 1.0, (frames, 2)), axis=0)
    shake -= np.linspace(0, 1, frames)[:, None] * shake[-1]  # a walk that ends where it began
    x = 960 + 330 * np.sin(2 * np.pi * 0.6 * t) + 4 * shake[:, 0]
    y = 720 + 220 * np.sin(2 * np.pi * 0.4 * t + 0.7) + 4 * shake[:, 1]
    zoom = 1.25 + 0.2 * np.sin(2 * np.pi * 0.5 * t)
    return np.stack([x, y, zoom], axis=1)


def frame_at(scene: Image.Image, x: float, y: float, zoom: float, i: int,
             rng: np.random.Generator) -> np.ndarray:
    """One frame: the camera's view of ``scene``, rippled and grainy."""
    w, h = SIZE
    half_w, half_h = w / (2 * zoom), h / (2 * zoom)
    box = (x - half_w, y - half_h, x + half_w, y + half_h)
    view = np.asarray(scene.resize(SIZE, Image.Resampling.BILINEAR, box=box), dtype=np.int16)
    # Water: rows and columns displaced by travelling waves (a few pixels).
    rows = np.arange(h)[:, None] + np.round(3 * np.sin(np.arange(w)[None, :] / 37.0 + i / 4.0))
    cols = np.arange(w)[None, :] + np.round(3 * np.sin(np.arange(h)[:, None] / 29.0 + i / 3.0))
    view = view[np.clip(rows, 0, h - 1).astype(int), np.clip(cols, 0, w - 1).astype(int)]
    view = view + rng.normal(0.0, 3.0, view.shape).astype(np.int16)
    return np.clip(view, 0, 255).astype(np.uint8)


def busy_clip(seed: int = 0) -> Path:
    """The busy clip's path, made first if the cache does not hold it."""
    path = CACHE / f"busy_{SIZE[0]}x{SIZE[1]}_{SECONDS}s_seed{seed}.mp4"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    scene, frames = mosaic(), FPS * SECONDS
    partial = path.with_suffix(".partial.mp4")
    writer = imageio_ffmpeg.write_frames(
        str(partial), SIZE, fps=FPS, codec="libx264", pix_fmt_out="yuv420p", quality=None,
        macro_block_size=1, ffmpeg_log_level="error",
        output_params=["-crf", "18", "-preset", "veryfast"],
    )
    writer.send(None)
    for i, (x, y, zoom) in enumerate(camera_path(frames, rng)):
        writer.send(np.ascontiguousarray(frame_at(scene, x, y, zoom, i, rng)))
    writer.close()
    partial.rename(path)
    return path


if __name__ == "__main__":
    print(busy_clip())
