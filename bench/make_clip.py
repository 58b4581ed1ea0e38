"""A phone-style test clip: 1280x720, about 14 s, every pixel moving in every frame.

Run from the project root: ``python -m bench.make_clip OUT.mp4 [--seconds 14] [--fps 20]``.
The benchmarks make it in a temporary folder (the clip is never kept in the
repository). The picture is a montage of scikit-image's bundled photos (fine
texture, smooth gradients, faces), enlarged, and a camera that pans and zooms
across it without pause, as a hand-held phone does: the hardest case for the
stable mode, which can hold nothing still, and for the preview budget.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image
from skimage import data as skdata

import core

#: The clip's size (width, height), length and rate: 280 frames by default.
SIZE = (1280, 720)
SECONDS = 14.0
FPS = 20.0


def montage() -> Image.Image:
    """Four bundled photos side by side on two rows, 2x enlarged: the scene filmed."""
    tiles = [skdata.astronaut(), skdata.coffee(), skdata.chelsea(), skdata.rocket()]
    side = 512
    row = [Image.fromarray(t).convert("RGB").resize((side, side), Image.Resampling.BICUBIC)
           for t in tiles]
    sheet = Image.new("RGB", (2 * side, 2 * side))
    for i, tile in enumerate(row):
        sheet.paste(tile, ((i % 2) * side, (i // 2) * side))
    return sheet.resize((4 * side, 4 * side), Image.Resampling.BICUBIC)


def frame(scene: Image.Image, t: float, size: tuple[int, int] = SIZE) -> np.ndarray:
    """The camera's view at ``t`` in [0, 1]: a box that pans on a loop and breathes in and out."""
    w, h = size
    zoom = 1.0 + 0.35 * np.sin(2 * np.pi * t * 1.5)
    bw = scene.width / 1.5 / (1.0 + 0.35) * zoom
    bh = bw * h / w
    # The box's centre swings across the scene, and the box never leaves it.
    cx = scene.width / 2 + (scene.width - bw) / 2 * 0.95 * np.sin(2 * np.pi * t)
    cy = scene.height / 2 + (scene.height - bh) / 2 * 0.95 * np.sin(4 * np.pi * t + 0.7)
    box = (cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2)
    return np.asarray(scene.resize(size, Image.Resampling.BILINEAR, box=box))


def make_clip(path, seconds: float = SECONDS, fps: float = FPS,
              size: tuple[int, int] = SIZE) -> Path:
    """Write the clip to ``path`` (H.264 MP4) and return the path."""
    scene = montage()
    n = int(round(seconds * fps))
    with core._video.Mp4Writer(path, size, fps=fps) as writer:
        for i in range(n):
            writer.add(frame(scene, i / n, size))
    return Path(path)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--seconds", type=float, default=SECONDS)
    p.add_argument("--fps", type=float, default=FPS)
    args = p.parse_args()
    print(make_clip(args.out, args.seconds, args.fps))


if __name__ == "__main__":
    main()
