"""The colour histogram that clustering runs on."""

from __future__ import annotations

import numpy as np
from PIL import Image

from core._cuts import CUT_BITS, coarse_histogram
from core._histogram import (
    CELL_BITS,
    SAMPLE_PIXELS,
    color_histogram,
    pack_rgb,
    pixel_cells,
    pooled_rows,
    unpack_rgb,
)


def test_few_colour_image_is_exact():
    rng = np.random.default_rng(0)
    palette = rng.integers(0, 256, (300, 3)).astype(np.uint8)
    image = palette[rng.integers(0, 300, (200, 300))]
    hist = color_histogram(image)
    assert hist.exact
    assert len(hist.colors) == len(np.unique(image.reshape(-1, 3), axis=0))
    np.testing.assert_array_equal(hist.colors[hist.index].reshape(image.shape), image)
    assert hist.weights.sum() == image.shape[0] * image.shape[1]


def test_real_gif_frames_are_exact(sprite_media):
    for frame in sprite_media.frames[::2]:
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


def test_pack_rgb_is_r_g_b_bytes_and_unpack_undoes_it():
    assert pack_rgb(np.array([0x12, 0x34, 0x56], dtype=np.uint8)).tolist() == [0x123456]
    # Every value of every channel, each channel against varied others, and the corners.
    rng = np.random.default_rng(0)
    levels = np.arange(256, dtype=np.uint8)
    colors = np.concatenate([
        np.stack([levels, rng.permutation(levels), rng.permutation(levels)], axis=1),
        np.stack([rng.permutation(levels), levels, rng.permutation(levels)], axis=1),
        rng.integers(0, 256, (5000, 3), dtype=np.uint8),
        np.array([[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 0, 255]], dtype=np.uint8),
    ])
    for dtype in (np.int32, np.int64):
        codes = pack_rgb(colors, dtype)
        assert codes.dtype == dtype and codes.min() >= 0 and codes.max() < 1 << 24
        np.testing.assert_array_equal(unpack_rgb(codes), colors)
    # Distinct colours get distinct codes (np.unique on codes is np.unique on colours).
    assert len(np.unique(pack_rgb(colors))) == len(np.unique(colors, axis=0))
    # An image's shape is flattened to one code per pixel.
    assert pack_rgb(colors[:12].reshape(3, 4, 3)).shape == (12,)


def test_unpack_rgb_reads_only_the_low_24_bits():
    # metrics packs a colour pair as (a << 24) | b in int64 and unpacks both halves.
    a, b = np.array([[200, 30, 40]]), np.array([[1, 2, 3]])
    pair = (pack_rgb(a, np.int64) << 24) | pack_rgb(b, np.int64)
    np.testing.assert_array_equal(unpack_rgb(pair), b)
    np.testing.assert_array_equal(unpack_rgb(pair >> 24), a)


def test_pixel_cells_hold_the_exact_mean_of_their_pixels(china):
    rng = np.random.default_rng(1)
    opaque = rng.random(china.shape[:2]) > 0.2
    cells = pixel_cells(china, opaque)
    pixels = china.reshape(-1, 3).astype(np.int64)
    seen = opaque.reshape(-1)
    # Every opaque pixel's cell is the cell of its top bits, and the cells' codes are distinct.
    top = pixels >> (8 - CELL_BITS)
    code = (top[:, 0] << (2 * CELL_BITS)) | (top[:, 1] << CELL_BITS) | top[:, 2]
    np.testing.assert_array_equal(cells.codes[cells.index[seen]], code[seen])
    assert len(np.unique(cells.codes)) == len(cells.codes)
    # Counts and mean colours, summed the slow way over the opaque pixels.
    counts = np.bincount(cells.index[seen], minlength=len(cells.codes))
    sums = np.stack([np.bincount(cells.index[seen], weights=pixels[seen, c],
                                 minlength=len(cells.codes)) for c in range(3)], axis=1)
    np.testing.assert_array_equal(cells.counts, counts)
    filled = counts > 0
    np.testing.assert_allclose(cells.colors[filled], sums[filled] / counts[filled, None])
    # Hidden pixels share one cell that weighs nothing.
    assert len(np.unique(cells.index[~seen])) == 1
    assert cells.counts[cells.index[~seen][0]] == 0
    # The coarse histogram is the one cut detection takes from every pixel.
    np.testing.assert_allclose(cells.coarse(CUT_BITS), coarse_histogram(china, opaque))


def test_pixel_cells_of_a_few_colour_image_are_its_colours(sprite_media):
    frame = sprite_media.frames[3]
    cells = pixel_cells(frame)
    np.testing.assert_array_equal(cells.colors[cells.index].reshape(frame.shape), frame)


def test_pixel_cells_pool_like_pooled_rows(china):
    # Weighted cells into 5-bit bins: the same rows as pooling their colours directly.
    cells = pixel_cells(china)
    rng = np.random.default_rng(0)
    weights = cells.counts * rng.random(len(cells.counts)) * (rng.random(len(cells.counts)) > 0.3)
    colors, w = cells.pooled(weights)
    counted = weights > 0
    expected, expected_w = pooled_rows([(cells.colors[counted], weights[counted])], 1)
    np.testing.assert_allclose(colors, expected)
    np.testing.assert_allclose(w, expected_w)
