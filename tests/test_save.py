"""GIF and PNG output: exact palettes, timing, loop and transparency survive a round trip."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from sklearn.datasets import load_sample_image

import core
from tests.conftest import data_path


def test_gif_round_trip_is_pixel_exact(pan_cut_media):
    results = core.quantize_frames(pan_cut_media.frames, 16, mode="seeded")
    data = core.to_bytes(
        core.save_gif, results, durations=pan_cut_media.durations, loop=pan_cut_media.loop
    )
    back = core.load_media(data)
    assert len(back.frames) == 48
    assert back.durations == pan_cut_media.durations and back.loop == 0
    for frame, res in zip(back.frames, results):
        np.testing.assert_array_equal(frame, res.image)


def test_each_frame_carries_its_own_exact_palette(pan_cut_media):
    results = core.quantize_frames(
        pan_cut_media.frames[:3], 8, mode="independent", init="random"
    )
    back = core.load_media(core.to_bytes(core.save_gif, results))
    for frame, res in zip(back.frames, results):
        colours = {tuple(c) for c in np.unique(frame.reshape(-1, 3), axis=0).tolist()}
        assert colours == {tuple(c) for c in res.palette.colors.tolist()}
    assert not np.array_equal(results[0].palette.colors, results[1].palette.colors)


def test_transparency_and_loop_survive(sprite_media):
    media = sprite_media
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
    # Frame i is in the output once frame i+1 is added (one frame of lookahead,
    # to merge identical frames): nothing more is held back.
    assert sizes[1] == sizes[0] and all(b > a for a, b in zip(sizes[1:], sizes[2:]))
    before_close = buf.getvalue()
    gif.close()
    # Closing writes the last frame and the trailer, and leaves a caller's file open.
    after = buf.getvalue()
    assert after.startswith(before_close) and after.endswith(b";")
    assert len(after) > len(before_close) + 1
    gif.close()  # a second close writes nothing more
    assert buf.getvalue() == after


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


# --- frame differencing ---------------------------------------------------------------------


def _gif_bytes(results, difference=True, durations=None, alphas=None):
    buf = io.BytesIO()
    h, w = results[0].labels.shape
    alphas = alphas or [None] * len(results)
    transparent = any(a is not None and (a < 128).any() for a in alphas)
    with core.GifWriter(buf, (w, h), transparent=transparent, difference=difference) as gif:
        for i, (res, alpha) in enumerate(zip(results, alphas)):
            gif.add(res, 100 if durations is None else durations[i], alpha)
    return buf.getvalue()


def _frame_boxes(data: bytes):
    """(size, transparency index) of every frame as stored in the file."""
    out = []
    with Image.open(io.BytesIO(data)) as im:
        for i in range(im.n_frames):
            im.seek(i)
            x0, y0, x1, y1 = im.tile[0].extents if im.tile else (0, 0, 0, 0)
            out.append(((x1 - x0) * (y1 - y0), im.info.get("transparency")))
    return out


def test_differenced_gif_is_smaller_and_exact_on_a_real_clip(carphone_media):
    frames = carphone_media.frames[:30]
    results = core.quantize_frames(frames, 16, mode="stable")
    small, whole = _gif_bytes(results), _gif_bytes(results, difference=False)
    assert len(small) < 0.7 * len(whole)
    for data in (small, whole):
        back = core.load_media(data)
        assert len(back.frames) == 30
        assert all(np.array_equal(a, r.image) for a, r in zip(back.frames, results))


def test_frames_are_cropped_to_what_changed():
    image = load_sample_image("china.jpg")[:120, :160]
    moved = image.copy()
    moved[40:60, 50:90] = 255 - moved[40:60, 50:90]
    results = core.quantize_frames([image, moved, image], 8, mode="global")
    data = _gif_bytes(results)
    boxes = _frame_boxes(data)
    assert boxes[0][0] == 160 * 120
    assert all(area <= 20 * 40 for area, _ in boxes[1:])
    back = core.load_media(data)
    assert all(np.array_equal(a, r.image) for a, r in zip(back.frames, results))


def test_identical_frames_are_merged_with_their_durations():
    image = load_sample_image("flower.jpg")[:64, :64]
    other = image[::-1].copy()
    results = core.quantize_frames([image, image, image, other, other], 8, mode="global")
    data = _gif_bytes(results, durations=[100, 50, 30, 70, 20])
    back = core.load_media(data)
    assert back.durations == [180, 90]
    assert np.array_equal(back.frames[0], results[0].image)
    assert np.array_equal(back.frames[1], results[3].image)


def test_256_colours_fall_back_to_whole_boxes_without_transparency(china):
    # No free palette entry for the transparent index: changed boxes are drawn whole.
    frames = [china[:100, :100], np.roll(china[:100, :100], 3, axis=1)]
    results = core.quantize_frames(frames, 256, mode="independent")
    assert all(len(r.palette) == 256 for r in results)
    data = _gif_bytes(results)
    assert all(t is None for _, t in _frame_boxes(data))
    back = core.load_media(data)
    assert all(np.array_equal(a, r.image) for a, r in zip(back.frames, results))


@pytest.mark.parametrize(
    "name", ["star.gif", "dispose_bgnd_transparency.gif", "transparent_dispose.gif",
             "dispose_prev_first_frame.gif", "missing_background.gif", "dispose_bgnd_rgba.gif",
             "different_transparency.gif"]
)
def test_source_transparency_survives_the_stable_mode_exactly(name):
    _stable_keeps_the_source_transparency(core.load_media(data_path("pillow-gifs", name)))


@pytest.mark.parametrize("disposal", [None, 1, 3])
def test_source_transparency_of_a_sprite_survives_the_stable_mode_exactly(sprite_media, disposal):
    # A disc moving over a see-through canvas with a local palette per frame; as
    # written (disposal 2), leaving each frame in place (1: the disc leaves a trail)
    # and restoring the previous frame (3).
    media = sprite_media
    if disposal is not None:
        frames = [Image.fromarray(np.dstack([f, a])) for f, a in zip(media.frames, media.alphas)]
        buf = io.BytesIO()
        frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:],
                       duration=media.durations, loop=0, disposal=disposal)
        media = core.load_media(buf.getvalue())
        assert len(media.frames) == 8 and media.alphas is not None
    _stable_keeps_the_source_transparency(media)


def _stable_keeps_the_source_transparency(media):
    results = core.quantize_frames(media.frames, 8, mode="stable", alphas=media.alphas)
    data = core.to_bytes(
        core.save_gif, results, durations=media.durations, loop=media.loop, alphas=media.alphas
    )
    back = core.load_media(data)
    assert sum(back.durations) == sum(media.durations)
    shown = [(r.image, a) for r, a in zip(results, media.alphas)]
    # Merged frames come back once: compare each decoded frame with the first of its run.
    i = 0
    for frame, alpha, duration in zip(back.frames, back.alphas, back.durations):
        image, source_alpha = shown[i]
        visible = source_alpha >= 128
        assert np.array_equal(alpha >= 128, visible)
        assert np.array_equal(frame[visible], image[visible])
        total = media.durations[i]
        i += 1
        while total < duration:
            total += media.durations[i]
            i += 1
    assert i == len(results)


def test_apng_keeps_every_frame_its_timing_and_its_alpha(sprite_media):
    data = core.to_bytes(core.save_apng, sprite_media.frames, durations=sprite_media.durations,
                         loop=sprite_media.loop, alphas=sprite_media.alphas)
    back = core.load_media(data)
    assert len(back.frames) == len(sprite_media.frames)
    assert list(back.durations) == list(sprite_media.durations)
    for a, b in zip(back.frames, sprite_media.frames):
        np.testing.assert_array_equal(a, b)
    if sprite_media.alphas:
        for a, b in zip(back.alphas, sprite_media.alphas):
            np.testing.assert_array_equal(a >= 128, b >= 128)
