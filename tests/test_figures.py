"""The page's figures (ui.figures) and previews (ui.preview) from real quantized results."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

import core
from core.samples import SAMPLES, load_sample
from ui import figures, preview

ANIMATION = next(name for name in SAMPLES if name.startswith("Animation"))


@pytest.fixture(scope="module")
def clip() -> core.Media:
    media = load_sample(ANIMATION)
    return media.__class__(media.frames[:6], None, media.durations[:6], 0, "GIF", 6)


@pytest.fixture(scope="module")
def results(clip) -> list:
    return core.quantize_frames(clip.frames, 6, mode="independent", init="random")


def _frames(gif: bytes) -> list[np.ndarray]:
    im = Image.open(io.BytesIO(gif))
    return [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(im)]


def test_sample_pixels_is_deterministic_and_drawn_from_the_frames(clip):
    a = preview.sample_pixels(clip.frames, 500, seed=3)
    b = preview.sample_pixels(clip.frames, 500, seed=3)
    assert a.shape == (500, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert not np.array_equal(a, preview.sample_pixels(clip.frames, 500, seed=4))
    present = {tuple(p) for f in clip.frames for p in f.reshape(-1, 3)}
    assert all(tuple(p) in present for p in a)


def test_preview_gif_plays_every_frame(clip):
    frames = _frames(preview.preview_gif(clip.frames, clip.durations, 0))
    assert len(frames) == len(clip.frames)
    assert frames[0].shape == clip.frames[0].shape
    # 256 colours of its own per frame: close to the original.
    assert np.abs(frames[0].astype(int) - clip.frames[0]).mean() < 3


def test_result_gif_shrinks_wide_results_with_exact_palette_colours(results, clip):
    gif = preview.result_gif(results, clip.durations, 0, max_width=100)
    frames = _frames(gif)
    assert frames[0].shape[1] == 100
    for frame, res in zip(frames, results):
        colours = {tuple(c) for c in np.unique(frame.reshape(-1, 3), axis=0)}
        assert colours <= {tuple(c) for c in res.palette.colors}


def test_result_gif_of_a_narrow_result_is_full_size(results, clip):
    frames = _frames(preview.result_gif(results, clip.durations, 0))
    assert np.array_equal(frames[2], results[2].image)


def test_flicker_chart_has_one_line_per_mode():
    series = {"A": np.array([1.0, np.nan, 2.0]), "B": np.array([0.1, 0.2, 0.3])}
    fig = figures.flicker_chart(series)
    assert [t.name for t in fig.data] == ["A", "B"]
    assert list(fig.data[0].x) == [2, 3, 4]


def test_palette_bar_is_largest_first_in_its_own_colours(results):
    palette = results[0].palette
    bar = figures.palette_bar(palette).data[0]
    shares = np.asarray(bar.x)
    assert np.all(np.diff(shares) <= 0)
    assert np.isclose(shares.sum(), 100)
    assert list(bar.y) == list(bar.marker.color) == palette.by_share().hex


def test_palette_timeline_stacks_every_entry_of_every_frame(results):
    fig = figures.palette_timeline([r.palette for r in results])
    assert len(fig.data) == max(len(r.palette) for r in results)
    totals = np.sum([np.asarray(t.y) for t in fig.data], axis=0)
    assert np.allclose(totals, 100)
    assert fig.data[0].marker.color[1] == results[1].palette.hex[0]


def test_color_cloud_draws_pixels_paths_and_large_centres(clip, results):
    pixels = preview.sample_pixels(clip.frames, 800, seed=0)
    fig = figures.color_cloud(
        pixels, "lab", [r.centers for r in results], [r.palette.colors for r in results]
    )
    cloud, paths, centres = fig.data
    assert len(cloud.x) == 800
    assert np.asarray(cloud.marker.color).dtype == np.uint16  # indices, not strings
    # One polyline per centre: frames + a gap each.
    assert len(paths.x) == len(results[0].centers) * (len(results) + 1)
    assert centres.marker.size > cloud.marker.size
    # Lab is drawn with L* up: the centres' z is their lightness.
    assert np.allclose(centres.z, results[0].centers[:, 0])


def test_color_cloud_of_a_still_has_no_paths(clip):
    res = core.quantize(clip.frames[0], 5, space="rgb")
    fig = figures.color_cloud(clip.frames[0].reshape(-1, 3)[:300], "rgb", [res.centers],
                          [res.palette.colors])
    assert [t.name for t in fig.data] == ["pixels", "cluster centres"]


def test_transfer_mapping_draws_one_line_per_source_colour(results):
    source, target = results[0].palette, results[1].palette
    mapping = np.arange(len(source)) % len(target)
    lines, src, tgt = figures.transfer_mapping(source, target, mapping).data
    assert len(lines.x) == 3 * len(source)
    assert len(src.x) == len(source) and len(tgt.x) == len(target)
    assert len(figures.transfer_mapping(source, target, None).data) == 2


def test_png_bytes_is_lossless(clip):
    image = clip.frames[0]
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(preview.png_bytes(image)))), image)
