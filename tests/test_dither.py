"""Dithering: ordered (Bayer) stays put in animations, error diffusion shimmers."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

import core
from core import metrics
from core._dither import METHODS, bayer_matrix, dither, dither_results


def test_bayer_matrix_is_a_permutation_of_thresholds():
    m = bayer_matrix(3)
    assert m.shape == (8, 8)
    assert np.array_equal(np.sort((m * 64 - 0.5).round().reshape(-1)), np.arange(64))


@pytest.mark.parametrize("method", METHODS)
def test_labels_index_the_palette(method):
    image = data.astronaut()[::4, ::4]
    colors = core.quantize(image, 6).palette.colors
    labels = dither(image, colors, method)
    assert labels.shape == image.shape[:2] and labels.dtype == np.uint8
    assert labels.max() < len(colors)


def test_bayer_mixes_two_colours_in_proportion():
    grey = np.full((16, 16, 3), 96, dtype=np.uint8)
    colors = np.array([[64, 64, 64], [128, 128, 128]], dtype=np.uint8)
    labels = dither(grey, colors, "bayer")
    assert 0.3 < labels.mean() < 0.7  # both used, about half each
    assert len(np.unique(dither(grey, colors, "none"))) == 1  # no dithering: one colour


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method"):
        dither(np.zeros((2, 2, 3), dtype=np.uint8), np.zeros((2, 3), dtype=np.uint8), "x")


def test_bayer_flickers_less_than_floyd_steinberg():
    # A static-ish clip: a still photo with a small square moving across it.
    base = data.coffee()[::3, ::3].copy()
    frames = []
    for i in range(8):
        f = base.copy()
        f[10:30, 10 + 8 * i : 30 + 8 * i] = (255, 40, 40)
        frames.append(f)
    results = core.quantize_frames(frames, 8, mode="global")
    flicker = {
        m: metrics.flicker(frames, [r.image for r in dither_results(frames, results, m)])
        for m in METHODS
    }
    assert flicker["bayer"] < flicker["floyd-steinberg"] / 2
    assert flicker["none"] <= flicker["bayer"]


def test_dither_results_keep_palettes_and_round_trip(pan_cut_media, tmp_path):
    frames = pan_cut_media.frames[:5]
    results = core.quantize_frames(frames, 8, mode="stable")
    out = dither_results(frames, results, "bayer")
    for a, b in zip(results, out):
        assert np.array_equal(a.palette.colors, b.palette.colors)
        drawn = np.ones(b.labels.shape, bool) if b.held is None else ~b.held
        assert np.array_equal(b.image[drawn], b.palette.colors[b.labels][drawn])
        assert b.palette.shares.sum() == pytest.approx(1.0)
    core.save_gif(out, tmp_path / "d.gif")
    back = core.load_media(tmp_path / "d.gif")
    assert all(np.array_equal(x, r.image) for x, r in zip(back.frames, out))
