"""load_media: sources, formats and modes (hostile inputs are in test_hostile.py)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import GifImagePlugin, Image

import core
from tests.conftest import own_clip


def _png(array: np.ndarray, mode: str | None = None) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array, mode).save(buf, format="PNG")
    return buf.getvalue()


def test_path_bytes_and_file_object_agree(tmp_path, china):
    data = _png(china)
    path = tmp_path / "c.png"
    path.write_bytes(data)
    a = core.load_media(path)
    b = core.load_media(data)
    c = core.load_media(io.BytesIO(data))
    for m in (a, b, c):
        np.testing.assert_array_equal(m.frames[0], china)
        assert m.alphas is None and not m.is_animated and m.format == "PNG"


def _layered_gif() -> bytes:
    """A 32x16 GIF of 3 frames, each drawing over the last from a palette of its own.

    Frame 0 fills the canvas with 256 colours, 128 of them in its left half;
    frames 1 and 2 redraw only the right half, from local palettes of 256 other
    colours, and leave the left half to show through (disposal 1), as
    frame-differenced GIFs do: composited, frames 1 and 2 show 384 colours.
    """
    def frame(palette: np.ndarray, size: tuple[int, int]) -> Image.Image:
        w, h = size
        im = Image.fromarray((np.arange(w * h) % 256).reshape(h, w).astype(np.uint8), "P")
        im.putpalette(palette.astype(np.uint8).tobytes())
        return im

    ramp = np.arange(256)
    palettes = [np.stack([ramp, np.full(256, g), 255 - ramp], axis=1) for g in (0, 100, 200)]
    parts = [(frame(palettes[0], (32, 16)), (0, 0))]
    parts += [(frame(p, (16, 16)), (16, 0)) for p in palettes[1:]]
    out = [b"GIF89a", (32).to_bytes(2, "little"), (16).to_bytes(2, "little"), b"\x00\x00\x00",
           b"!\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"]
    for im, offset in parts:
        out += GifImagePlugin.getdata(im, offset, duration=50, disposal=1,
                                      include_color_table=True)
    return b"".join(out) + b";"


def test_animated_gif_frames_durations_loop():
    media = core.load_media(_layered_gif())
    assert len(media.frames) == 3 and media.total_frames == 3
    assert media.frames[0].shape == (16, 32, 3)
    assert media.durations == [50] * 3 and media.loop == 0
    # Composited: frames drawn over the previous one have no holes, and more
    # than 256 colours (a lone frame of this file covers half the canvas).
    assert max(len(np.unique(f.reshape(-1, 3), axis=0)) for f in media.frames) > 256
    assert all(np.array_equal(f[:, :16], media.frames[0][:, :16]) for f in media.frames)


def test_max_frames_cuts_and_counts():
    media = core.load_media(own_clip("sprite.gif"), max_frames=5)
    assert len(media.frames) == 5 and media.total_frames == 8


def test_rgba_gives_an_alpha():
    arr = np.zeros((4, 4, 4), dtype=np.uint8)
    arr[..., 0] = 200
    arr[:2, :, 3] = 255
    media = core.load_media(_png(arr))
    np.testing.assert_array_equal(media.alphas[0][:2], 255)
    np.testing.assert_array_equal(media.alphas[0][2:], 0)


def test_greyscale_and_palette_images_become_rgb():
    grey = np.arange(256, dtype=np.uint8).reshape(16, 16)
    media = core.load_media(_png(grey, "L"))
    assert media.frames[0].shape == (16, 16, 3)
    np.testing.assert_array_equal(media.frames[0][..., 1], grey)


def test_sixteen_bit_is_scaled_not_clipped():
    values = np.arange(64, dtype=np.uint16).reshape(8, 8) * 1000
    buf = io.BytesIO()
    Image.fromarray(values).save(buf, format="PNG")  # uint16 opens as I;16
    frame = core.load_media(buf.getvalue()).frames[0]
    np.testing.assert_array_equal(frame[..., 0], np.rint(values / 257.0).astype(np.uint8))


def test_too_many_pixels_is_refused_before_decoding():
    data = _png(np.zeros((100, 100, 3), dtype=np.uint8))
    with pytest.raises(core.MediaError, match="megapixels"):
        core.load_media(data, max_pixels=5000)


def test_not_an_image():
    with pytest.raises(core.MediaError, match="not an image"):
        core.load_media(b"GIF89a but really just text")
