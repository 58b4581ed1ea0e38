"""WCAG 2 contrast ratios of swatch pairs (core.contrast), against the spec's known values."""

from __future__ import annotations

import numpy as np
import pytest

from core.contrast import contrast_ratio, contrast_table, level, relative_luminance


@pytest.mark.parametrize(
    "first, second, ratio",
    [
        ((0, 0, 0), (255, 255, 255), 21.0),
        ((255, 255, 255), (255, 255, 255), 1.0),
        ((119, 119, 119), (255, 255, 255), 4.48),  # #777 on white: just under AA
        ((0, 0, 255), (255, 255, 255), 8.59),
        ((255, 0, 0), (255, 255, 255), 4.0),
    ],
)
def test_known_ratios(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(ratio, abs=0.01)


def test_relative_luminance_of_the_primaries_is_their_weight():
    np.testing.assert_allclose(relative_luminance(np.eye(3) * 255), [0.2126, 0.7152, 0.0722])


def test_the_table_is_symmetric_with_ones_on_the_diagonal():
    colours = np.array([[0, 0, 0], [255, 255, 255], [119, 119, 119], [255, 0, 0]])
    table = contrast_table(colours)
    np.testing.assert_allclose(table, table.T)
    np.testing.assert_allclose(np.diag(table), 1.0)
    assert table[0, 1] == pytest.approx(21.0)
    assert table[2, 1] == pytest.approx(contrast_ratio(colours[2], colours[1]))


@pytest.mark.parametrize(
    "ratio, name", [(21, "AAA"), (7.0, "AAA"), (6.99, "AA"), (4.5, "AA"), (4.48, "AA large"),
                    (3.0, "AA large"), (2.99, "fails")],
)
def test_levels(ratio, name):
    assert level(ratio) == name
