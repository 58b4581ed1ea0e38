"""The colour histogram that clustering runs on."""

from __future__ import annotations

import numpy as np
from PIL import Image

from core._histogram import SAMPLE_PIXELS, color_histogram


def test_few_colour_image_is_exact():
    rng = np.random.default_rng(0)
    palette = rng.integers(0, 256, (300, 3)).astype(np.uint8)
    image = palette[rng.integers(0, 300, (200, 300))]
    hist = color_histogram(image)
    assert hist.exact
    assert len(hist.colors) == len(np.unique(image.reshape(-1, 3), axis=0))
    np.testing.assert_array_equal(hist.colors[hist.index].reshape(image.shape), image)
    assert hist.weights.sum() == image.shape[0] * image.shape[1]


def test_real_gif_frames_are_exact(harry_media):
    for frame in harry_media.frames[::10]:
        hist = color_histogram(frame)
        assert hist.exact
        np.testing.assert_array_equal(hist.colors[hist.index].reshape(frame.shape), frame)


def test_large_photo_uses_bin_means_of_a_sample(china):
    big = np.asarray(Image.fromarray(china).resize((1920, 1080)))
    hist = color_histogram(big)
    assert not hist.exact
    assert hist.index.min() >= 0 and hist.index.max() < len(hist.colors)
    # Every pixel is counted, though the means come from a sample.
    assert hist.weights.sum() == 1920 * 1080 > SAMPLE_PIXELS
    # A bin mean stays within its 8-level bin of every pixel mapped to it.
    err = np.abs(hist.colors[hist.index] - big.reshape(-1, 3)).max()
    assert err < 8


def test_transparent_pixels_have_rows_but_no_weight():
    image = np.zeros((10, 10, 3), dtype=np.uint8)
    image[5:] = 200
    opaque = np.zeros((10, 10), dtype=bool)
    opaque[:5] = True
    hist = color_histogram(image, opaque)
    assert hist.weights.sum() == 50
    assert sorted(hist.weights.tolist()) == [0.0, 50.0]
