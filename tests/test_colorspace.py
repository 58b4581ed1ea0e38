"""Colour-space conversions (core.colorspace): round trips, known values, Oklab, DIN99o, gamuts."""

from __future__ import annotations

import numpy as np
import pytest

from core.colorspace import (
    SPACES,
    din99o,
    din99o_to_lab,
    from_space,
    lightness,
    to_space,
    to_srgb8,
    xyz_to_oklab,
)

#: Every 8-bit colour whose channels are multiples of 15 (0, 15, ..., 255): 18^3
#: colours spanning the whole cube, with the corners, edges and the grey axis.
GRID = np.stack(
    np.meshgrid(*[np.arange(0, 256, 15)] * 3, indexing="ij"), axis=-1
).reshape(-1, 3).astype(np.uint8)


@pytest.mark.parametrize("space", SPACES)
def test_every_space_round_trips_8_bit_colours_exactly(space):
    # Palette colours are centres converted back and rounded: a round trip that
    # drifted by even one level would show every exact colour a shade off.
    coords = to_space(GRID, space)
    assert coords.shape == GRID.shape and coords.dtype == np.float64
    back = from_space(coords, space)
    np.testing.assert_array_equal(to_srgb8(back), GRID)
    # Ottosson's published Oklab matrices invert each other to about 4 decimals.
    np.testing.assert_allclose(back, GRID, atol=1e-3 if space == "oklab" else 1e-6)


@pytest.mark.parametrize("space", ["hsv", "lab", "din99o"])
def test_spaces_are_not_rgb_in_disguise(space):
    # Without this a from_space/to_space pair that both did nothing would round-trip.
    assert not np.allclose(to_space(GRID, space), GRID)


def test_lab_of_known_colours():
    # CIELAB (D65, 2°) of sRGB primaries and neutrals, as tabulated by
    # Lindbloom (brucelindbloom.com, sRGB, D65): white is L* = 100 neutral.
    rgb = np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255]])
    expected = np.array([
        [100.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
        [53.2408, 80.0925, 67.2032],
        [87.7347, -86.1827, 83.1793],
        [32.2970, 79.1875, -107.8602],
    ])
    np.testing.assert_allclose(to_space(rgb, "lab"), expected, atol=0.01)
    np.testing.assert_allclose(lightness(rgb), expected[:, 0], atol=0.01)


def test_hsv_is_the_scaled_cone():
    # (S·V·cos H, S·V·sin H, V) on 0-100: red at 0°, green at 120°, a dark red
    # nearer the axis (radius S·V, so the cone narrows to black), and every grey
    # (S = 0) on the axis, whatever its hue would be.
    rgb = np.array([[255, 0, 0], [0, 255, 0], [128, 0, 0], [128, 128, 128], [0, 0, 0]])
    c = np.cos(np.radians(120.0))
    s = np.sin(np.radians(120.0))
    v = 100 * 128 / 255
    expected = np.array([
        [100.0, 0.0, 100.0],
        [100 * c, 100 * s, 100.0],
        [v, 0.0, v],
        [0.0, 0.0, v],
        [0.0, 0.0, 0.0],
    ])
    np.testing.assert_allclose(to_space(rgb, "hsv"), expected, atol=1e-9)


def test_hsv_hues_either_side_of_red_are_neighbours():
    # Hue 359° and 1° are 2° apart on the cone, not 358° as raw H would have them.
    a, b = to_space(np.array([[255, 0, 4], [255, 4, 0]]), "hsv")
    green = to_space(np.array([[0, 255, 0]]), "hsv")[0]
    assert np.linalg.norm(a - b) < 5 < np.linalg.norm(a - green)


@pytest.mark.parametrize(
    ("space", "coords"),
    [
        ("rgb", [[-40.0, 300.0, 128.0]]),
        ("lab", [[50.0, 120.0, -120.0], [110.0, 0.0, 0.0], [-5.0, 0.0, 0.0]]),
        ("hsv", [[150.0, 0.0, 100.0], [0.0, 0.0, 130.0], [0.0, 0.0, -10.0]]),
    ],
)
def test_out_of_gamut_coordinates_come_back_displayable(space, coords):
    # Centres of a fit can leave the gamut (a Lab mean, a median in the cone):
    # the palette colour must still be a real sRGB colour, not wrap around.
    rgb = from_space(np.array(coords), space)
    assert rgb.shape == (len(coords), 3)
    assert np.all((rgb >= 0) & (rgb <= 255)) and np.all(np.isfinite(rgb))


def test_out_of_gamut_rgb_is_clipped_per_channel():
    np.testing.assert_array_equal(from_space(np.array([[-40.0, 300.0, 128.0]]), "rgb"),
                                  [[0.0, 255.0, 128.0]])


def test_rounding_is_to_nearest_not_truncation():
    np.testing.assert_array_equal(
        to_srgb8(np.array([[0.4, 0.6, 254.5001], [-3.0, 255.49, 300.0]])),
        [[0, 1, 255], [0, 255, 255]],
    )


@pytest.mark.parametrize("convert", [to_space, from_space])
def test_unknown_space_is_refused_naming_the_choices(convert):
    with pytest.raises(ValueError, match=r"space='xyz'.*'rgb', 'hsv', 'lab'"):
        convert(np.zeros((1, 3)), "xyz")


# Ottosson (2020), "A perceptual color space for image processing", table of
# XYZ (D65) -> Oklab test values, three decimals as published.
XYZ_PAIRS = [
    ((0.950, 1.000, 1.089), (1.000, 0.000, 0.000)),
    ((1.000, 0.000, 0.000), (0.450, 1.236, -0.019)),
    ((0.000, 1.000, 0.000), (0.922, -0.671, 0.263)),
    ((0.000, 0.000, 1.000), (0.153, -1.415, -0.449)),
]


@pytest.mark.parametrize(("xyz", "oklab"), XYZ_PAIRS)
def test_xyz_to_oklab_matches_the_published_test_values(xyz, oklab):
    np.testing.assert_allclose(xyz_to_oklab(np.array([xyz]))[0], oklab, atol=1e-3)


# sRGB primaries and white through the reference implementation's
# linear_srgb_to_oklab (unscaled); the page's space is these times 100.
SRGB_PAIRS = [
    ((255, 255, 255), (1.0, 0.0, 0.0)),
    ((255, 0, 0), (0.62796, 0.22486, 0.12585)),
    ((0, 255, 0), (0.86644, -0.23389, 0.17950)),
    ((0, 0, 255), (0.45201, -0.03246, -0.31153)),
    ((0, 0, 0), (0.0, 0.0, 0.0)),
]


@pytest.mark.parametrize(("rgb", "oklab"), SRGB_PAIRS)
def test_srgb_to_oklab_is_the_reference_scaled_by_100(rgb, oklab):
    np.testing.assert_allclose(to_space(np.array([rgb]), "oklab")[0], 100 * np.array(oklab),
                               atol=2e-3)


def test_oklab_out_of_gamut_coordinates_come_back_clipped():
    rgb = from_space(np.array([[50.0, 80.0, -80.0], [150.0, 0.0, 0.0]]), "oklab")
    assert rgb.min() >= 0 and rgb.max() <= 255


def test_oklab_distances_are_on_the_scale_of_cielab():
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 256, (2, 2000, 3))
    ratio = np.linalg.norm(to_space(a, "oklab") - to_space(b, "oklab"), axis=1).mean() / (
        np.linalg.norm(to_space(a, "lab") - to_space(b, "lab"), axis=1).mean()
    )
    assert 0.3 < ratio < 1.5


@pytest.mark.parametrize("space", ["rgb", "hsv", "lab", "oklab", "din99o"])
def test_to_space_in_float32_keeps_float32_within_1e_4(space):
    rgb = np.random.default_rng(0).random((2000, 3)) * 255
    fast = to_space(rgb, space, dtype=np.float32)
    assert fast.dtype == np.float32
    np.testing.assert_allclose(fast, to_space(rgb, space), atol=1e-4)


def test_din99o_space_is_din99o_of_cielab_and_its_inverse_undoes_it():
    lab = to_space(GRID, "lab")
    np.testing.assert_allclose(to_space(GRID, "din99o"), din99o(lab), atol=1e-9)
    # Beyond the sRGB gamut too: a fit's centre may land anywhere.
    wide = np.random.default_rng(1).random((500, 3)) * [100, 260, 260] - [0, 130, 130]
    np.testing.assert_allclose(din99o_to_lab(din99o(wide)), wide, atol=1e-9)
