"""GIF and PNG output: exact palettes, timing, loop and transparency survive a round trip."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

import core
from tests.conftest import data_path


def test_gif_round_trip_is_pixel_exact(harry_media):
    results = core.quantize_frames(harry_media.frames, 16, mode="seeded")
    data = core.to_bytes(
        core.save_gif, results, durations=harry_media.durations, loop=harry_media.loop
    )
    back = core.load_media(data)
    assert len(back.frames) == 70
    assert back.durations == harry_media.durations and back.loop == 0
    for frame, res in zip(back.frames, results):
        np.testing.assert_array_equal(frame, res.image)


def test_each_frame_carries_its_own_exact_palette(harry_media):
    results = core.quantize_frames(
        harry_media.frames[:3], 8, mode="independent", init="random"
    )
    back = core.load_media(core.to_bytes(core.save_gif, results))
    for frame, res in zip(back.frames, results):
        colours = {tuple(c) for c in np.unique(frame.reshape(-1, 3), axis=0).tolist()}
        assert colours == {tuple(c) for c in res.palette.colors.tolist()}
    assert not np.array_equal(results[0].palette.colors, results[1].palette.colors)


def test_transparency_and_loop_survive():
    media = core.load_media(data_path("pillow-gifs", "star.gif"))
    results = core.quantize_frames(media.frames, 4, mode="seeded", alphas=media.alphas)
    data = core.to_bytes(
        core.save_gif, results, durations=media.durations, loop=media.loop, alphas=media.alphas
    )
    back = core.load_media(data)
    assert back.durations == media.durations and back.loop == media.loop
    for a0, a1, frame, res in zip(media.alphas, back.alphas, back.frames, results):
        np.testing.assert_array_equal(a0 >= 128, a1 >= 128)
        np.testing.assert_array_equal(frame[a0 >= 128], res.image[a0 >= 128])


def test_no_loop_block_when_loop_is_none(tmp_path):
    frames = [np.full((4, 4, 3), v, dtype=np.uint8) for v in (0, 255)]
    results = core.quantize_frames(frames, 2, mode="global")
    path = tmp_path / "once.gif"
    core.save_gif(results, path, loop=None, durations=[70, 80])
    back = core.load_media(path)
    assert back.loop is None and back.durations == [70, 80]


def test_indexed_png_round_trip(china):
    res = core.quantize(china, 12)
    alpha = np.full(china.shape[:2], 255, dtype=np.uint8)
    alpha[:10] = 0
    data = core.to_bytes(core.save_png, res, alpha=alpha)
    im = Image.open(io.BytesIO(data))
    assert im.mode == "P" and len(im.getpalette()) // 3 >= 12
    back = core.load_media(data)
    np.testing.assert_array_equal(back.frames[0][10:], res.image[10:])
    assert (back.alphas[0][:10] == 0).all() and (back.alphas[0][10:] == 255).all()
