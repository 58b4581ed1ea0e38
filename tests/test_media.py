"""load_media: sources, formats and modes (hostile inputs are in test_hostile.py)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import core
from tests.conftest import data_path


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


def test_animated_gif_frames_durations_loop(harry_media):
    assert len(harry_media.frames) == 70 and harry_media.total_frames == 70
    assert harry_media.frames[0].shape == (218, 500, 3)
    assert harry_media.durations == [50] * 70 and harry_media.loop == 0
    # Composited: frames drawn over the previous one have no holes, and more
    # than 256 colours (a lone frame of this file is mostly transparent).
    assert max(len(np.unique(f.reshape(-1, 3), axis=0)) for f in harry_media.frames) > 256


def test_max_frames_cuts_and_counts():
    media = core.load_media(data_path("harrypotter_original.gif"), max_frames=5)
    assert len(media.frames) == 5 and media.total_frames == 70


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
