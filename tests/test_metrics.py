"""Quality and flicker measures, checked against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from core import metrics
from core.colorspace import to_space


def test_identical_images_have_no_error(china):
    q = metrics.quality(china, china)
    assert q.mean_delta_e == 0 and q.p95_delta_e == 0 and q.psnr == float("inf")


#: Sharma, Wu and Dalal (2005), Table 1: the 34 CIEDE2000 test pairs,
#: (L1, a1, b1, L2, a2, b2, ΔE00) as published (also in scikit-image's
#: ``skimage/color/tests/ciede2000_test_data.txt``). Pairs 7-16 probe the hue
#: discontinuities (mean hue across 0°/180°, a* = 0 with b* of either sign)
#: that implementations most often get wrong.
SHARMA_PAIRS = np.array([
    [50.0000, 2.6772, -79.7751, 50.0000, 0.0000, -82.7485, 2.0425],
    [50.0000, 3.1571, -77.2803, 50.0000, 0.0000, -82.7485, 2.8615],
    [50.0000, 2.8361, -74.0200, 50.0000, 0.0000, -82.7485, 3.4412],
    [50.0000, -1.3802, -84.2814, 50.0000, 0.0000, -82.7485, 1.0000],
    [50.0000, -1.1848, -84.8006, 50.0000, 0.0000, -82.7485, 1.0000],
    [50.0000, -0.9009, -85.5211, 50.0000, 0.0000, -82.7485, 1.0000],
    [50.0000, 0.0000, 0.0000, 50.0000, -1.0000, 2.0000, 2.3669],
    [50.0000, -1.0000, 2.0000, 50.0000, 0.0000, 0.0000, 2.3669],
    [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0009, 7.1792],
    [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0010, 7.1792],
    [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0011, 7.2195],
    [50.0000, 2.4900, -0.0010, 50.0000, -2.4900, 0.0012, 7.2195],
    [50.0000, -0.0010, 2.4900, 50.0000, 0.0009, -2.4900, 4.8045],
    [50.0000, -0.0010, 2.4900, 50.0000, 0.0010, -2.4900, 4.8045],
    [50.0000, -0.0010, 2.4900, 50.0000, 0.0011, -2.4900, 4.7461],
    [50.0000, 2.5000, 0.0000, 50.0000, 0.0000, -2.5000, 4.3065],
    [50.0000, 2.5000, 0.0000, 73.0000, 25.0000, -18.0000, 27.1492],
    [50.0000, 2.5000, 0.0000, 61.0000, -5.0000, 29.0000, 22.8977],
    [50.0000, 2.5000, 0.0000, 56.0000, -27.0000, -3.0000, 31.9030],
    [50.0000, 2.5000, 0.0000, 58.0000, 24.0000, 15.0000, 19.4535],
    [50.0000, 2.5000, 0.0000, 50.0000, 3.1736, 0.5854, 1.0000],
    [50.0000, 2.5000, 0.0000, 50.0000, 3.2972, 0.0000, 1.0000],
    [50.0000, 2.5000, 0.0000, 50.0000, 1.8634, 0.5757, 1.0000],
    [50.0000, 2.5000, 0.0000, 50.0000, 3.2592, 0.3350, 1.0000],
    [60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644],
    [63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630],
    [61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731],
    [35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645],
    [22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373],
    [36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146],
    [90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441],
    [90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381],
    [6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377],
    [2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082],
])


def test_delta_e_2000_lab_gives_sharmas_published_values():
    lab1, lab2, expected = SHARMA_PAIRS[:, :3], SHARMA_PAIRS[:, 3:6], SHARMA_PAIRS[:, 6]
    # Published to 4 decimals: each computed value must be within a unit of the
    # last decimal (a slip in a hue or chroma term moves some pair by 1e-2 or more).
    np.testing.assert_allclose(metrics.delta_e_2000_lab(lab1, lab2), expected, rtol=0, atol=1e-4)
    # CIEDE2000 is symmetric in its two colours (pairs 7 and 8 are one pair swapped).
    np.testing.assert_allclose(metrics.delta_e_2000_lab(lab2, lab1), expected, rtol=0, atol=1e-4)


def test_delta_e_2000_of_images_measures_each_distinct_pair_in_lab():
    # Three distinct (original, quantized) pairs with 3, 2 and 1 pixels: the sRGB
    # path must pair the pixels up, count them and measure each pair in CIELAB.
    a = np.array([[[200, 30, 40]] * 3 + [[10, 10, 10]] * 2 + [[0, 128, 255]]], dtype=np.uint8)
    b = np.array([[[190, 60, 50]] * 3 + [[10, 10, 10]] * 2 + [[20, 100, 240]]], dtype=np.uint8)
    de, counts = metrics.delta_e_2000(a, b)
    by_count = dict(zip(counts.tolist(), de.tolist()))
    assert sorted(by_count) == [1.0, 2.0, 3.0]
    for n, pixel in {3.0: 0, 2.0: 3, 1.0: 5}.items():
        lab_a, lab_b = to_space(a[0, pixel], "lab"), to_space(b[0, pixel], "lab")
        assert by_count[n] == pytest.approx(metrics.delta_e_2000_lab(lab_a, lab_b)[0])
    assert by_count[2.0] == 0.0  # an unchanged colour has no error
    # The mean over pixels weights each pair by its pixels.
    assert metrics.quality(a, b).mean_delta_e == pytest.approx(
        (3 * by_count[3.0] + by_count[1.0]) / 6
    )


def test_delta_e_2000_of_black_and_white_is_100():
    # sRGB white is L* = 100 and black L* = 0, both neutral; at mean L* = 50 the
    # lightness weight S_L is 1, so ΔE00 is exactly the ΔL* of 100.
    black = np.zeros((1, 1, 3), dtype=np.uint8)
    white = np.full((1, 1, 3), 255, dtype=np.uint8)
    assert metrics.quality(black, white).mean_delta_e == pytest.approx(100.0, abs=1e-3)


def test_psnr_of_a_known_error():
    a = np.zeros((10, 10, 3), dtype=np.uint8)
    b = a.copy()
    b[..., 0] = 3  # MSE = 9 / 3 = 3
    assert metrics.quality(a, b).psnr == pytest.approx(10 * np.log10(255**2 / 3))


def _frames(value_a, value_b, moving=None):
    base = np.full((20, 20, 3), 100, dtype=np.uint8)
    f0, f1 = base.copy(), base.copy()
    if moving is not None:
        f1[:moving] = 250  # these pixels change in the source
    q0, q1 = base.copy(), base.copy()
    q0[...] = value_a
    q1[...] = value_b
    return [f0, f1], [q0, q1]


def test_flicker_is_the_colour_change_over_static_pixels():
    originals, quantized = _frames((100, 100, 100), (110, 100, 100))
    expected = np.linalg.norm(
        to_space(np.array([[110, 100, 100]]), "lab") - to_space(np.array([[100, 100, 100]]), "lab")
    )
    assert metrics.flicker(originals, quantized) == pytest.approx(expected)


def test_flicker_ignores_pixels_that_really_changed():
    originals, quantized = _frames((100, 100, 100), (100, 100, 100), moving=10)
    quantized[1][:10] = 250  # follows the real change: no flicker
    assert metrics.flicker(originals, quantized) == 0


def test_pairs_with_few_static_pixels_are_skipped():
    originals, quantized = _frames((100, 100, 100), (120, 100, 100), moving=16)  # 80 static
    assert np.isnan(metrics.flicker_series(originals, quantized)[0])
    assert np.isnan(metrics.flicker(originals, quantized))


def test_flicker_series_has_one_value_per_pair(pan_cut_media):
    frames = pan_cut_media.frames[:5]
    series = metrics.flicker_series(frames, frames)
    # The unquantized clip "flickers" only by its own sub-threshold changes.
    assert series.shape == (4,) and np.all((series > 0) & (series < 2))


def test_mean_delta_e_weights_frames_by_pixels():
    a = np.zeros((2, 2, 3), dtype=np.uint8)
    b = np.full((2, 2, 3), 10, dtype=np.uint8)
    one = metrics.quality(a, b).mean_delta_e
    assert metrics.mean_delta_e([a, a], [b, a]) == pytest.approx(one / 2)


def test_mean_flicker_skips_the_pairs_left_out():
    assert metrics.mean_flicker(np.array([1.0, np.nan, 3.0])) == 2.0
    assert np.isnan(metrics.mean_flicker(np.array([np.nan])))
