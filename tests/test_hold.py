"""The "stable" mode's hold: still areas stay exactly still, real change still comes through."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data
from skimage.color import deltaE_ciede2000, rgb2lab
from sklearn.datasets import load_sample_image

import core
from core import metrics
from core._stable_palette import drawn_counts
from core.colorspace import din99o, from_space, to_space


@pytest.fixture(scope="module")
def carphone(carphone_media):
    """30 frames of a real clip: a talking head in a car, H.264 noise on the still parts."""
    return carphone_media.frames[:30]


def _error(source: np.ndarray, shown: np.ndarray) -> float:
    """Mean ΔE76 between two images."""
    return float(np.linalg.norm(rgb2lab(source / 255.0) - rgb2lab(shown / 255.0), axis=2).mean())


def test_still_noisy_pixels_stay_exactly_still(carphone):
    # Pixels whose source never moves 2 ΔE76 from one frame to the next over frames
    # 10-29, but does move (codec noise): with the hold they keep one colour.
    lab = np.stack([rgb2lab(f / 255.0) for f in carphone[10:]])
    step = np.linalg.norm(np.diff(lab, axis=0), axis=3)
    still = (step < 2).all(axis=0) & (step > 0.3).any(axis=0)
    assert still.mean() > 0.05

    def unchanged(results):
        images = np.stack([r.image for r in results[10:]])
        return float((images == images[0]).all(axis=(0, 3))[still].mean())

    # How much stays still depends on the first frame's palette (its random start):
    # over seeds 0-3 it ran 0.84-0.93, so the claim is on the mean of three.
    runs = [core.quantize_frames(carphone, 16, mode="stable", seed=s) for s in range(3)]
    free = core.quantize_frames(carphone, 16, mode="stable", hold=0)
    assert np.mean([unchanged(held) for held in runs]) > 0.8
    assert unchanged(free) < 0.6
    for held in runs:
        assert metrics.flicker(carphone, [r.image for r in held]) < 0.5 * metrics.flicker(
            carphone, [r.image for r in free]
        )
    held = runs[0]
    assert all(r.held is None for r in free)
    assert held[0].held is None and all(r.held is not None for r in held[1:])


def test_held_pixels_show_the_previous_frame(carphone):
    results = core.quantize_frames(carphone[:8], 16, mode="stable")
    for before, now in zip(results, results[1:]):
        assert np.array_equal(now.image[now.held], before.image[now.held])
        drawn = ~now.held
        assert np.array_equal(now.image[drawn], now.palette.colors[now.labels][drawn])


def test_a_slow_fade_still_fades():
    # A 30-frame linear fade of a real photo to a darker, warmer version: each step
    # is below the hold, but the per-pixel reference sees the drift add up.
    a = load_sample_image("china.jpg")[::3, ::3].astype(np.float64)
    b = a * 0.55 + np.array([60.0, 30.0, 0.0])
    frames = [np.clip(np.rint(a + (b - a) * t / 29), 0, 255).astype(np.uint8) for t in range(30)]
    held = core.quantize_frames(frames, 16, mode="stable")
    free = core.quantize_frames(frames, 16, mode="stable", hold=0)
    assert any(r.held is not None and r.held.mean() > 0.3 for r in held)
    # The output follows the fade: at the end it is within a few ΔE of the source,
    # as close as without the hold but for 2 ΔE76, and it moved all the way.
    assert _error(frames[-1], held[-1].image) < _error(frames[-1], free[-1].image) + 2.0
    assert _error(held[0].image, held[-1].image) > 0.8 * _error(frames[0], frames[-1])
    for source, h, f in zip(frames, held, free):
        assert _error(source, h.image) < _error(source, f.image) + 2.5


def test_a_moving_object_is_not_smeared():
    # A real patch crossing a real background, 8 px a frame: where it has passed,
    # the background shows again.
    background = data.coffee()[:160, :240]
    patch = data.astronaut()[30:90, 180:240]
    frames = []
    for t in range(20):
        frame = background.copy()
        x = 10 + 8 * t
        if x + 60 <= 240:
            frame[50:110, x : x + 60] = patch
        frames.append(frame)
    held = core.quantize_frames(frames, 16, mode="stable")
    free = core.quantize_frames(frames, 16, mode="stable", hold=0)
    trail = (slice(50, 110), slice(10, 60))
    assert _error(frames[-1][trail], held[-1].image[trail]) < (
        _error(frames[-1][trail], free[-1].image[trail]) + 1.5
    )
    for source, h, f in zip(frames, held, free):
        assert _error(source, h.image) < _error(source, f.image) + 1.0


def test_dithering_with_the_hold_stops_crawling(carphone):
    frames = carphone[:20]
    held = core.quantize_frames(frames, 16, mode="stable")
    free = core.quantize_frames(frames, 16, mode="stable", hold=0)
    for method in ("bayer", "floyd-steinberg"):
        with_hold = core.dither_results(frames, held, method)
        without = core.dither_results(frames, free, method)
        flicker = metrics.flicker(frames, [r.image for r in with_hold])
        assert flicker < 0.2 * metrics.flicker(frames, [r.image for r in without]), method
        for before, now in zip(with_hold, with_hold[1:]):
            assert np.array_equal(now.image[now.held], before.image[now.held])


def test_no_hold_with_256_colours(carphone):
    # A GIF frame of 256 colours has no free entry to leave a pixel as it was.
    results = core.quantize_frames(carphone[:3], 256, mode="stable")
    assert all(r.held is None for r in results)
    back = core.load_media(core.to_bytes(core.save_gif, results))
    assert all(np.array_equal(a, r.image) for a, r in zip(back.frames, results))


def test_hold_is_validated():
    frame = np.zeros((4, 4, 3), dtype=np.uint8)
    for value in (-1, 21, "x"):
        with pytest.raises(ValueError, match="hold"):
            core.quantize_frames([frame, frame], 2, mode="stable", hold=value)


def test_din99o_follows_ciede2000_better_than_cielab():
    rng = np.random.default_rng(0)
    a = to_space(rng.integers(0, 256, (2000, 3)), "lab")
    b = to_space(np.clip(rng.normal(0, 12, (2000, 3)) + from_space(a, "lab"), 0, 255), "lab")
    de2000 = deltaE_ciede2000(a, b)
    de76 = np.linalg.norm(a - b, axis=1)
    de99 = np.linalg.norm(din99o(a) - din99o(b), axis=1)
    assert np.corrcoef(de99, de2000)[0, 1] > np.corrcoef(de76, de2000)[0, 1] + 0.05



def test_a_few_changing_pixels_keep_a_full_palette():
    # A still photo with a small red box moving over it (a cursor): the palette is
    # fitted to the few pixels that change, but keeps its k entries (a shorter
    # palette would count as a scene cut and refit everything every other frame).
    image = load_sample_image("china.jpg")[:200, :300]
    frames = []
    for t in range(8):
        frame = image.copy()
        frame[50:60, 20 + 10 * t : 30 + 10 * t] = [255, 0, 0]
        frames.append(frame)
    results = core.quantize_frames(frames, 16, mode="stable")
    assert all(len(r.palette) == 16 for r in results)
    assert all(r.held.mean() > 0.99 for r in results[1:])
    for frame, res in zip(frames, results):
        red = (frame == [255, 0, 0]).all(axis=2)
        assert (res.image[red] == [255, 0, 0]).all()


def test_a_rarely_drawn_entry_is_given_up_for_shorter_gif_codes(carphone, monkeypatch, tmp_path):
    # At k=64 a frame that draws with all 64 entries also needs a transparent index:
    # 65 indices take 7-bit codes where 64 take 6. An entry its drawn pixels hardly
    # use is given up instead, for a smaller file at about the same colour error.
    from core import _stable_palette

    share = _stable_palette.RARE_SHARE

    def written(results, name):
        path = tmp_path / name
        core.save_gif(results, path, durations=[40] * len(results))
        return path.stat().st_size, metrics.mean_delta_e(carphone, [r.image for r in results])

    def power_of_two_with_a_rare_entry(result):
        use = np.bincount(result.labels[~result.held], minlength=64)
        used = np.count_nonzero(use)
        return used & (used - 1) == 0 and use[use > 0].min() <= share * use.sum()

    given_up = core.quantize_frames(carphone, 64, mode="stable")
    monkeypatch.setattr(_stable_palette, "RARE_SHARE", 0.0)
    kept = core.quantize_frames(carphone, 64, mode="stable")
    assert sum(power_of_two_with_a_rare_entry(r) for r in kept[1:]) >= 5
    assert not any(power_of_two_with_a_rare_entry(r) for r in given_up[1:])
    (small, error), (large, kept_error) = written(given_up, "a.gif"), written(kept, "b.gif")
    assert small < 0.98 * large
    assert error < 1.01 * kept_error


def test_drawn_counts_count_the_pixels_not_skipped():
    rng = np.random.default_rng(2)
    labels, skipped = rng.integers(0, 16, 50_000).astype(np.uint8), rng.random(50_000) < 0.3
    assert np.array_equal(drawn_counts(labels, skipped, 16),
                          np.bincount(labels[~skipped], minlength=16))
