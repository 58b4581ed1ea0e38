"""Colour spaces: Oklab against its published reference values, and exact round trips."""

from __future__ import annotations

import numpy as np
import pytest

import core
from core.colorspace import SPACES, from_space, to_space, to_srgb8, xyz_to_oklab


def test_oklab_is_the_fourth_space():
    assert SPACES == ("rgb", "hsv", "lab", "oklab")
    assert core.SPACES == SPACES


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


@pytest.mark.parametrize("space", SPACES)
def test_every_srgb_colour_survives_a_round_trip(space):
    rng = np.random.default_rng(0)
    greys = np.repeat(np.arange(256), 3).reshape(-1, 3)
    rgb = np.vstack([rng.integers(0, 256, (50_000, 3)), greys])
    back = to_srgb8(from_space(to_space(rgb, space), space))
    np.testing.assert_array_equal(back, rgb)


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
