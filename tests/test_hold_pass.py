"""The hold's compiled passes decide exactly as the numpy expressions they replaced."""

from __future__ import annotations

import numpy as np

from core._hold import PixelHold, distance
from core._hold_pass import choose_pass, push_pass

N = 50_000


def _planes(rng, scale=1.0, nan_share=0.01):
    planes = (rng.normal(size=(3, N)) * scale).astype(np.float32)
    planes[:, rng.random(N) < nan_share] = np.nan  # pixels that were transparent
    return planes


def test_the_choice_is_the_numpy_one_bit_for_bit():
    rng = np.random.default_rng(0)
    source, last, reference = _planes(rng, 3), _planes(rng, 3), _planes(rng, 3)
    off_screen = rng.random(N, dtype=np.float32) * 4
    drawn_error = rng.random(200, dtype=np.float32) * 3
    index = rng.integers(0, 200, N)
    hold, margin, motion = 2.5, 3.5, 6.0
    # The numpy it replaced, in the same float32 steps.
    still = distance(source, last)
    still *= np.float32(-1.0 / motion)
    still += 1.0
    np.clip(still, 0.0, 1.0, out=still)
    anchored = distance(source, reference) <= np.float32(hold) * still
    held = anchored | (off_screen - np.take(drawn_error, index) <= still * np.float32(margin))
    got_held, got_anchored = np.empty(N, bool), np.empty(N, bool)
    choose_pass(source, last, reference, off_screen, drawn_error, index, np.float32(hold),
                np.float32(margin), np.float32(-1.0 / motion), got_held, got_anchored)
    assert np.array_equal(got_held, held) and np.array_equal(got_anchored, anchored)
    assert 0.05 < held.mean() < 0.95  # both outcomes are exercised


def test_the_record_keeps_held_pixels_and_takes_the_rest():
    rng = np.random.default_rng(1)
    held, anchored = rng.random(N) < 0.6, rng.random(N) < 0.5
    anchored &= held
    drawn, index = rng.normal(size=(300, 3)).astype(np.float32), rng.integers(0, 300, N)
    source, shown, reference = _planes(rng, nan_share=0), _planes(rng), _planes(rng)
    words = rng.integers(0, 2**32, N, dtype=np.uint32)
    last_words = rng.integers(0, 2**32, N, dtype=np.uint32)
    want_words = np.where(held, last_words, words)
    want_shown = np.where(held, shown, drawn[index].T)
    want_reference = np.where(anchored & held, reference, source)
    push_pass(held, anchored, words, last_words, shown, reference, source, drawn, index)
    assert np.array_equal(words, want_words)
    assert np.array_equal(shown, want_shown, equal_nan=True)
    assert np.array_equal(reference, want_reference, equal_nan=True)


def test_a_hold_after_a_still_frame_holds_every_pixel():
    rng = np.random.default_rng(3)
    source = _planes(rng, 10, nan_share=0)
    hold = PixelHold(2.5, 3.5, 6.0)
    words = np.arange(N, dtype=np.uint32)
    hold.push(source, words, source.T.copy(), np.arange(N))
    held, anchored = hold.choose(source.copy(), np.zeros(N, np.float32),
                                 np.zeros(1, np.float32), np.zeros(N, np.intp))
    assert held.all() and anchored.all()
