"""Animations: independent, seeded and global modes on the real clip."""

from __future__ import annotations

import numpy as np
import pytest

import core
from core.metrics import flicker


@pytest.mark.parametrize("k", [4, 8, 16])
def test_seeded_flickers_at_most_a_quarter_of_random_independent(harry_media, k):
    frames = harry_media.frames
    independent = core.quantize_frames(frames, k, mode="independent", init="random")
    seeded = core.quantize_frames(frames, k, mode="seeded")
    f_ind = flicker(frames, [r.image for r in independent])
    f_seed = flicker(frames, [r.image for r in seeded])
    assert f_ind > 2.0  # the flicker people see with per-frame random k-means
    assert f_seed <= f_ind / 4


def test_global_mode_uses_one_palette_and_barely_flickers(harry_media):
    frames = harry_media.frames[:20]
    results = core.quantize_frames(frames, 8, mode="global")
    first = results[0].palette.colors
    assert all(np.array_equal(r.palette.colors, first) for r in results)
    assert flicker(frames, [r.image for r in results]) < 0.2


def test_seeded_frames_start_from_the_previous_centres(harry_media):
    frames = harry_media.frames[:6]
    results = core.quantize_frames(frames, 8, mode="seeded")
    for prev, cur in zip(results, results[1:]):
        # Consecutive frames of one shot: every centre moves only a little.
        assert np.linalg.norm(cur.centers - prev.centers, axis=1).max() < 10


def test_independent_random_frames_really_differ(harry_media):
    frames = [harry_media.frames[0]] * 3
    results = core.quantize_frames(frames, 8, mode="independent", init="random")
    assert not np.array_equal(results[0].palette.colors, results[1].palette.colors)


def test_progress_is_reported_frame_by_frame(harry_media):
    calls = []
    core.quantize_frames(
        harry_media.frames[:5],
        4,
        mode="seeded",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(i, 5) for i in range(1, 6)]
    calls.clear()
    core.quantize_frames(
        harry_media.frames[:5],
        4,
        mode="global",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[0] == (0, 5) and calls[-1] == (5, 5)


def test_options_reach_every_frame():
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, (30, 40, 3), dtype=np.uint8) for _ in range(3)]
    for mode in core.MODES:
        results = core.quantize_frames(frames, 4, mode=mode, space="rgb", metric="manhattan")
        assert all(r.space == "rgb" and len(r.palette) == 4 for r in results)


def test_bad_sequences():
    frame = np.zeros((4, 4, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="mode="):
        core.quantize_frames([frame], 2, mode="smooth-ish")
    with pytest.raises(ValueError, match="empty"):
        core.quantize_frames([], 2)
    with pytest.raises(ValueError, match="one shape"):
        core.quantize_frames([frame, np.zeros((5, 4, 3), dtype=np.uint8)], 2)
