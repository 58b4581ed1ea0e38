"""GIF and PNG output: exact palettes, timing, loop and transparency survive a round trip."""

from __future__ import annotations

import io

import numpy as np
import pytest
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


def _still_results(size=(12, 8), n=3):
    """n distinct few-colour frames of ``size`` (w, h), quantized exactly (k >= colours)."""
    w, h = size
    frames = []
    for i in range(n):
        f = np.zeros((h, w, 3), dtype=np.uint8)
        f[:, : w // 2] = (200, 40 * i, 30)
        f[: h // 2, w // 2 :] = (10, 90, 60 * i)
        f[h // 2 :, w // 2 :] = (250, 250, 250 - 50 * i)
        frames.append(f)
    return frames, [core.quantize(f, 8) for f in frames]


@pytest.mark.parametrize("loop", [0, 3, None])
def test_gif_writer_round_trips_frames_durations_and_loop(loop):
    frames, results = _still_results()
    durations = [30, 70, 120]  # GIF stores hundredths of a second
    buf = io.BytesIO()
    with core.GifWriter(buf, (12, 8), loop=loop) as gif:
        for res, duration in zip(results, durations):
            gif.add(res, duration)
    assert gif.frames == 3
    back = core.load_media(buf.getvalue())
    assert back.size == (12, 8) and back.loop == loop and back.durations == durations
    assert len(back.frames) == 3 and back.alphas is None
    for got, want in zip(back.frames, frames):
        np.testing.assert_array_equal(got, want)


def test_gif_writer_writes_as_it_goes():
    _, results = _still_results()
    buf = io.BytesIO()
    gif = core.GifWriter(buf, (12, 8))
    sizes = [len(buf.getvalue())]
    assert buf.getvalue().startswith(b"GIF89a")
    for res in results:
        gif.add(res, 50)
        sizes.append(len(buf.getvalue()))
    # Each frame is in the output as soon as it is added: nothing is held back.
    assert all(b > a for a, b in zip(sizes, sizes[1:]))
    before_close = buf.getvalue()
    gif.close()
    # Closing only adds the trailer, and leaves a caller's file object open.
    assert buf.getvalue() == before_close + b";"
    gif.close()  # a second close writes nothing more
    assert buf.getvalue() == before_close + b";"


def test_gif_writer_closes_a_file_it_opened(tmp_path):
    _, results = _still_results()
    path = tmp_path / "w.gif"
    with core.GifWriter(path, (12, 8)) as gif:
        gif.add(results[0], 40)
    # Complete on disk once the block ends: trailer written, file flushed.
    assert path.read_bytes().endswith(b";")
    assert len(core.load_media(path).frames) == 1


def test_gif_writer_refuses_a_frame_of_another_size():
    _, results = _still_results(size=(12, 8))
    _, other = _still_results(size=(8, 12), n=1)
    with core.GifWriter(io.BytesIO(), (12, 8)) as gif:
        with pytest.raises(ValueError, match="frame is 8x12, the GIF 12x8"):
            gif.add(other[0])
        gif.add(results[0])  # the writer is still usable
        assert gif.frames == 1


def test_gif_writer_transparency():
    frames, results = _still_results()
    hidden = np.zeros((8, 12), dtype=bool)
    hidden[:, :3] = True  # the left quarter of the second frame is see-through
    alpha = np.where(hidden, 0, 255).astype(np.uint8)
    # A writer made for opaque frames refuses a transparent one, rather than
    # writing its hidden pixels as colours.
    with pytest.raises(ValueError, match="transparent=True"):
        core.GifWriter(io.BytesIO(), (12, 8)).add(results[1], 50, alpha)
    buf = io.BytesIO()
    with core.GifWriter(buf, (12, 8), transparent=True) as gif:
        gif.add(results[0], 50)  # opaque
        gif.add(results[1], 50, alpha)
    back = core.load_media(buf.getvalue())
    assert back.alphas is not None
    assert back.alphas[0].min() == 255
    # The hidden pixels are transparent, not frame 0 showing through (disposal 2).
    np.testing.assert_array_equal(back.alphas[1] >= 128, ~hidden)
    np.testing.assert_array_equal(back.frames[1][~hidden], frames[1][~hidden])
    np.testing.assert_array_equal(back.frames[0], frames[0])
