"""The bundled samples (core.samples): present, deterministic, and shaped as the app needs."""

from __future__ import annotations

import numpy as np
import pytest

import core
from core.samples import PAN_FRAMES, PAN_SIZE, SAMPLES, load_sample, pan_zoom

ANIMATION = next(name for name in SAMPLES if name.startswith("Animation"))


@pytest.fixture(scope="module")
def animation() -> core.Media:
    return load_sample(ANIMATION)


def test_there_is_a_still_and_an_animation():
    media = [load_sample(name) for name in SAMPLES]
    assert any(m.is_animated for m in media)
    assert any(not m.is_animated for m in media)
    for m in media:
        assert m.frames[0].dtype == np.uint8 and m.frames[0].shape[2] == 3
        assert m.alphas is None


def test_animation_shape_and_timing(animation):
    assert len(animation.frames) == PAN_FRAMES
    assert {f.shape for f in animation.frames} == {(PAN_SIZE[1], PAN_SIZE[0], 3)}
    assert animation.loop == 0
    assert len(animation.durations) == PAN_FRAMES and min(animation.durations) > 0


def test_animation_is_built_the_same_every_time(animation):
    again = load_sample(ANIMATION)
    assert all(np.array_equal(a, b) for a, b in zip(animation.frames, again.frames))


def test_animation_moves_slowly_with_a_still_sky(animation):
    # Consecutive frames differ (it is an animation) but many pixels keep their
    # colour exactly: the flat sky, where flicker shows.
    first, second = animation.frames[0], animation.frames[1]
    assert not np.array_equal(first, second)
    assert np.mean(np.all(first == second, axis=2)) > 0.2
    assert not np.array_equal(animation.frames[0], animation.frames[-1])


@pytest.mark.slow
def test_animation_frames_share_one_gif_palette(animation):
    colours = np.unique(np.concatenate([f.reshape(-1, 3) for f in animation.frames]), axis=0)
    assert len(colours) <= 256


def test_pan_zoom_validates_and_sizes(china):
    media = pan_zoom(china, n_frames=3, size=(64, 40), duration=50)
    assert len(media.frames) == 3 and media.frames[0].shape == (40, 64, 3)
    assert media.durations == [50, 50, 50]
    with pytest.raises(ValueError, match="at least 2"):
        pan_zoom(china, n_frames=1)


def test_unknown_sample_is_a_value_error():
    with pytest.raises(ValueError, match="No sample"):
        load_sample("nope")
