"""How a frame's box is filled (core._gif_fill): the fill policy, the masks, the fewest runs."""

from __future__ import annotations

import numpy as np

from core._gif_fill import (
    RETRY_FILLS,
    Fill,
    FillPolicy,
    encode_box,
    fewest_runs_mask,
    fill_masks,
    smallest_encoding,
)
from core._gif_screen import INVISIBLE, color_codes


def test_policy_tries_every_fill_until_one_wins_then_now_and_then():
    policy = FillPolicy()
    assert policy.to_try(5) == tuple(Fill)
    policy.record(Fill.TRANSPARENT, 1)  # alone, it beat nothing
    assert policy.winner is None
    policy.record(Fill.REDRAW, 3)
    assert policy.to_try(5) == (Fill.REDRAW,)
    assert policy.to_try(2 * RETRY_FILLS) == tuple(Fill)


def _box():
    colors = np.array([[10, 10, 10], [200, 0, 0]], dtype=np.uint8)
    labels = np.array([[0, 0, 1, 1, 0]], dtype=np.uint8)
    codes = color_codes(colors)[labels].astype(np.uint32)
    changed = np.array([[True, False, False, True, False]])
    return changed, codes, labels, colors


def test_fill_masks_in_the_order_asked():
    changed, codes, labels, colors = _box()
    masks = fill_masks(tuple(Fill), changed, codes, labels, colors)
    assert list(masks) == list(Fill)
    np.testing.assert_array_equal(masks[Fill.TRANSPARENT], changed)
    assert masks[Fill.REDRAW].all()
    only = fill_masks((Fill.FEWEST_RUNS,), changed, codes, labels, colors)
    assert list(only) == [Fill.FEWEST_RUNS]


def test_fill_masks_is_transparent_alone_when_nothing_can_be_redrawn():
    changed, codes, labels, colors = _box()
    codes = np.where(changed, codes, INVISIBLE).astype(np.uint32)
    masks = fill_masks(tuple(Fill), changed, codes, labels, colors)
    assert list(masks) == [Fill.TRANSPARENT]


def test_encode_box_keeps_the_used_entries_and_a_transparent_index_after_them():
    changed, codes, labels, colors = _box()
    encoded = encode_box(Fill.TRANSPARENT, codes, changed, labels, colors, False)
    assert encoded.transparent_index == len(encoded.table) == 2 and encoded.bits == 2
    assert encoded.image_data[0] == 2 and encoded.image_data[-1] == 0
    whole = encode_box(Fill.REDRAW, codes, np.ones_like(changed), labels, colors, False)
    assert whole.transparent_index is None


def test_smallest_encoding_keeps_the_first_on_a_tie():
    changed, codes, labels, colors = _box()
    same = {Fill.REDRAW: changed, Fill.TRANSPARENT: changed}
    assert smallest_encoding(same, codes, labels, colors, False).fill is Fill.REDRAW


def _changes(drawn: np.ndarray, labels: np.ndarray) -> int:
    # Changes of index along the rows, the transparent index counting as 256.
    index = np.where(drawn, labels.astype(int), 256)
    return int((index[:, 1:] != index[:, :-1]).sum())


def test_fewest_runs_mask_matches_an_exhaustive_search():
    # Every choice for the free pixels of small rows, against the closed form.
    from itertools import product

    rng = np.random.default_rng(0)
    for _ in range(300):
        w = int(rng.integers(1, 9))
        labels = rng.integers(0, 3, (1, w)).astype(np.uint8)
        may = rng.random((1, w)) < 0.7
        must = may & (rng.random((1, w)) < 0.3)
        drawn = fewest_runs_mask(must, may, labels)
        assert not (drawn & ~may).any() and not (must & ~drawn).any()
        free = np.flatnonzero(may & ~must)
        best = w
        for bits in product((False, True), repeat=free.size):
            chosen = must.copy()
            chosen[0, free[np.array(bits, dtype=bool)]] = True
            best = min(best, _changes(chosen, labels))
        assert _changes(drawn, labels) == best


def test_fewest_runs_mask_draws_a_stretch_between_pixels_of_its_colour():
    labels = np.array([[5, 5, 5, 5, 7, 7]], dtype=np.uint8)
    must = np.array([[True, False, False, True, False, False]])
    may = np.array([[True, True, True, True, True, False]])
    # The free run between two drawn 5s is drawn (no change); the lone free 7
    # before a transparent pixel stays transparent (drawing it adds a change).
    assert fewest_runs_mask(must, may, labels).tolist() == [[True, True, True, True, False, False]]
