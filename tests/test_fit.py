"""A size target: ``core.convert(max_bytes=...)`` never writes more, and says what it chose."""

from __future__ import annotations

import math
import os
import stat
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from skimage import data

import core
from core._fit import Plan, Search, _read_between
from core._fit_plan import EXACT, FLICKER_CAP, HEAVY_HOLD, HOLDS, K_FLOOR, Ladder, gif_rates
from core._fit_sample import Prediction
from core._part import Part
from core.units import parse_size
from tests.conftest import own_clip


def _frames(n: int, size=(160, 96), seed: int = 0) -> list[np.ndarray]:
    # A photo panned a pixel a frame, with sensor-like noise: every frame differs,
    # much of each frame stays nearly still, as in real footage.
    rng = np.random.default_rng(seed)
    base = np.asarray(Image.fromarray(data.astronaut()).resize((size[0] + n, size[1] * 2)))
    out = []
    for i in range(n):
        frame = base[: size[1], i : i + size[0]].astype(np.int16)
        frame = frame + rng.integers(-3, 4, frame.shape)
        out.append(np.clip(frame, 0, 255).astype(np.uint8))
    return out


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> str:
    """A 4 s H.264 clip at 20 fps, 160x96, panning with noise."""
    path = tmp_path_factory.mktemp("fit") / "clip.mp4"
    core.save_mp4(_frames(80), path, fps=20)
    return str(path)


@pytest.fixture(scope="module")
def whole(clip, tmp_path_factory):
    """The clip at 255 colours, no target: the size a target is measured against."""
    return core.convert(clip, tmp_path_factory.mktemp("whole") / "whole.gif", 255)


def test_a_target_is_never_exceeded_and_the_choice_is_reported(clip, whole, tmp_path):
    for share in (0.7, 0.45):
        target = int(share * whole.bytes)
        out = tmp_path / f"fit{share}.gif"
        report = core.convert(clip, out, max_bytes=target)
        fit = report.fit
        assert out.stat().st_size == report.bytes == fit.bytes <= target
        assert fit.fits and fit.max_bytes == target and fit.encodes in (1, 2)
        # Close to the target, not a small file that wastes the budget.
        assert report.bytes >= 0.7 * target
        assert fit.summary == f"k={fit.k}, 20 fps, 160x96: {core.units.file_size(report.bytes)}"
        assert str(fit.k) in fit.reason and "fit in" in fit.reason
        back = core.load_media(out)
        assert back.size == (160, 96) and len(back.frames) == 80
        assert max(len(np.unique(f.reshape(-1, 3), axis=0)) for f in back.frames) > 16 or \
            fit.k <= 16


def test_more_bytes_buy_more_colours_then_a_lighter_hold(clip, whole, tmp_path):
    small = core.convert(clip, tmp_path / "s.gif", max_bytes=int(0.4 * whole.bytes)).fit
    large = core.convert(clip, tmp_path / "l.gif", max_bytes=3 * whole.bytes).fit
    assert small.k < large.k == 255
    assert large.hold < HOLDS[0][0] or large.reason.endswith("flicker")
    assert large.bytes <= 3 * whole.bytes


def test_an_impossible_target_says_so_and_writes_the_smallest_file(clip, tmp_path):
    out = tmp_path / "tiny.gif"
    with pytest.raises(core.SizeLimitError, match="cannot be made to fit in 500 bytes") as caught:
        core.convert(clip, out, max_bytes=500)
    report = caught.value.report
    assert not report.fit.fits and report.bytes > 500
    # The smallest file within the limits: the fewest colours, the lowest rate, the
    # narrowest width, and it is there to look at.
    assert out.stat().st_size == report.bytes
    assert report.fit.k == K_FLOOR and report.fit.fps == pytest.approx(10, abs=0.5)
    assert report.width == 40
    assert "nothing within the limits fits" in report.fit.reason


def test_colours_alone_keep_the_frames_and_their_size(clip, whole, tmp_path):
    target = int(0.3 * whole.bytes)
    report = core.convert(clip, tmp_path / "c.gif", max_bytes=target, fit_by="colours")
    assert report.bytes <= target and report.frames == 80 and report.width == 160
    assert report.fit.fps == pytest.approx(20)


def test_the_rate_goes_down_before_the_width(clip, whole, tmp_path):
    least = core.convert(clip, tmp_path / "k16.gif", K_FLOOR, hold=4.0, hysteresis=5.0)
    report = core.convert(clip, tmp_path / "r.gif", max_bytes=int(0.8 * least.bytes))
    assert report.bytes <= 0.8 * least.bytes
    assert report.fit.fps < 20 and report.width == 160
    assert "frame rate was lowered" in report.fit.reason


def test_the_same_call_gives_the_same_file(clip, whole, tmp_path):
    target = int(0.5 * whole.bytes)
    a = core.convert(clip, tmp_path / "a.gif", max_bytes=target)
    b = core.convert(clip, tmp_path / "b.gif", max_bytes=target)
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()
    assert a.fit == b.fit


@pytest.mark.parametrize("share", [2.0, 0.4])
def test_a_hold_given_is_kept(clip, whole, tmp_path, share):
    # Also with few colours, where the search would otherwise hold more.
    report = core.convert(clip, tmp_path / "h.gif", max_bytes=int(share * whole.bytes),
                          hold=3.0, hysteresis=3.0)
    assert (report.fit.hold, report.fit.hysteresis) == (3.0, 3.0)
    assert report.fit.k < 64 or share > 1


def test_a_fitted_file_has_the_usual_mode_and_nothing_is_left_beside_it(clip, whole, tmp_path):
    old = os.umask(0o022)
    try:
        core.convert(clip, tmp_path / "out.gif", max_bytes=whole.bytes)
        with pytest.raises(core.SizeLimitError):
            core.convert(clip, tmp_path / "small.gif", max_bytes=200)
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.gif", "small.gif"]
    for name in ("out.gif", "small.gif"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"max_bytes": 0}, "max_bytes"), ({"max_bytes": "10MB"}, "max_bytes"),
    ({"max_bytes": True}, "max_bytes"), ({"max_bytes": 10**6, "mode": "global"}, "global"),
    ({"max_bytes": 10**6, "format": "mp4"}, "mp4"),
    ({"max_bytes": 10**6, "fit_by": "width"}, "fit_by"),
])
def test_a_target_that_makes_no_sense_is_refused(clip, tmp_path, kwargs, words):
    with pytest.raises(ValueError, match=words):
        core.convert(clip, tmp_path / "x.gif", **kwargs)
    assert not any(tmp_path.iterdir())


def test_a_bytes_source_is_read_again_for_the_sample_and_the_encode(clip, whole, tmp_path):
    with open(clip, "rb") as fh:
        report = core.convert(fh, tmp_path / "f.gif", max_bytes=int(0.5 * whole.bytes))
    assert report.bytes <= 0.5 * whole.bytes and report.frames == 80


def test_the_ladder_adds_colours_then_lightens_the_hold():
    ladder = Ladder(16, 255)
    ks = [ladder.at(x)[0] for x in np.linspace(0, 1, 9)]
    holds = [ladder.at(x)[1].hold for x in np.linspace(0, ladder.top, 17)]
    assert ks[0] == 16 and ks[-1] == 255 and ks == sorted(ks)
    assert holds == sorted(holds, reverse=True)
    assert ladder.at(1.0)[1] == core.StableKnobs()
    assert ladder.at(ladder.top)[1].hold == HOLDS[-1][0]
    assert 0 < FLICKER_CAP < 1


def test_the_rates_tried_are_the_ones_a_gif_shows_exactly():
    assert [round(r, 1) for r in gif_rates(30)] == [25, 20, 16.7, 14.3, 12.5, 11.1, 10]
    assert gif_rates(10) == [] and gif_rates(8) == []


@pytest.mark.parametrize(("text", "n"), [
    ("10MB", 10_000_000), ("2.5 MB", 2_500_000), ("500KB", 500_000), ("500 kb", 500_000),
    ("800000", 800_000), ("8 MiB", 8 * 2**20), ("1e6", 1_000_000), ("0.5GB", 500_000_000),
])
def test_sizes_are_read_in_decimal_units_unless_binary_is_named(text, n):
    assert parse_size(text) == n


@pytest.mark.parametrize("text", ["", "MB", "10 XB", "-5MB", "0.4 bytes", "ten MB"])
def test_a_size_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_the_width_goes_down_last_and_spends_the_budget(clip, whole, tmp_path):
    least = core.convert(clip, tmp_path / "k16.gif", K_FLOOR, hold=4.0, hysteresis=5.0)
    target = int(0.4 * least.bytes)
    report = core.convert(clip, tmp_path / "w.gif", max_bytes=target)
    assert report.bytes <= target and report.fit.fps == 10 and report.width < 160
    assert "width was lowered" in report.fit.reason
    # Not the narrowest frames with a budget to spare: the widest that fit.
    assert report.width > 40 and report.bytes >= 0.8 * target


def test_a_level_between_two_close_predictions_is_read_off_their_line():
    low, high = Prediction(1000, 100, 10.0, 0.1, 2.0), Prediction(1200, 100, 12.0, 0.3, 1.0)
    level, read = _read_between([(0.0, low), (0.2, high)], 0.1)
    assert level == 0.1 and read.bytes == 1096  # the geometric mean: log bytes is linear
    assert read.flicker == pytest.approx(0.2) and read.mean_delta_e == pytest.approx(1.5)
    far = Prediction(1300, 100, 13.0, 0.3, 1.0)
    assert _read_between([(0.0, low), (0.2, far)], 0.1) is None  # too far apart in size
    assert _read_between([(0.0, low), (0.5, high)], 0.25) is None  # ... or in level
    assert _read_between([(0.9, low), (1.1, high)], 1.05) is None  # across the bend
    assert _read_between([(0.0, low)], 0.1) is None
    # Where the curve bends down (steeper on the left) the read is an upper bound.
    steep = Prediction(500, 100, 5.0, 0.0, 3.0)
    _, bent = _read_between([(-0.2, steep), (0.0, low), (0.2, high)], 0.1)
    assert bent.bytes == 1200


def test_a_settled_level_has_the_same_settings():
    ladder = Ladder(16, 255)
    for x in np.linspace(0, ladder.top, 41):
        assert ladder.at(ladder.settled(x)) == ladder.at(x)


@pytest.mark.parametrize("bend", [1.0, 3.0, 6.0])
def test_the_search_spends_the_budget_where_the_size_flattens(bend):
    # A source of few colours: the size grows fast with the first colours, then
    # hardly at all (the seed GIF's curve). Interpolation alone crept along the
    # flat part and ran out of rounds at 2 colours.
    def size(level):
        return 0.7e6 + 4.1e6 * (1 - math.exp(-bend * min(level, 1.0)))

    class Curve(Search):
        def facts(self, part):
            return 20.0, 500

        def predict(self, part, level, still=False):
            return Prediction(int(size(level)), 0, 0.0, 0.0, 2.0)  # visible error: no still

    ladder = Ladder(2, 255)
    goal = 0.9 * size(1.0)
    plan = Curve(None, ladder, "colours", int(goal / 0.95)).colours(Part(), goal)
    assert size(plan.level) <= goal and size(plan.level) >= 0.9 * goal


def test_colours_as_good_as_exact_take_the_heavy_hold(tmp_path):
    # A GIF of 48 colours made again, a tenth of its pixels shimmering by 7
    # levels each frame (as a source's own dithering does): 255 colours draw it
    # within a fraction of a ΔE2000, so a large budget buys stillness instead.
    rng = np.random.default_rng(0)
    base = np.asarray(Image.fromarray(data.astronaut()).resize((160, 96)))
    image = core.quantize(base, 48).image.astype(np.int16)
    frames = [np.clip(image + 7 * (rng.random(image.shape[:2]) < 0.1)[..., None], 0, 255)
              .astype(np.uint8) for _ in range(40)]
    source = tmp_path / "shimmer.gif"
    Image.fromarray(frames[0]).save(source, save_all=True, duration=50, loop=0,
                                    append_images=[Image.fromarray(f) for f in frames[1:]])
    whole = core.convert(source, tmp_path / "whole.gif", 255)
    fitted = core.convert(source, tmp_path / "fit.gif", max_bytes=3 * whole.bytes)
    assert (fitted.fit.k, fitted.fit.hold) == (255, HEAVY_HOLD[0])
    assert "as good as exact" in fitted.fit.reason and fitted.mean_delta_e < EXACT

    def changed(path):  # share of pixels redrawn from one frame to the next
        back = core.load_media(path).frames
        return np.mean([np.any(a != b, axis=2).mean() for a, b in zip(back, back[1:])])

    assert changed(tmp_path / "fit.gif") < 0.5 * changed(tmp_path / "whole.gif")


def test_an_encode_that_went_over_is_named_in_readable_units():
    # A small file's overshoot read "0.00 MB" when sizes were always printed in MB.
    plan = Plan(Part(), 1.0, Prediction(1800, 0, 0.0, 0.0, 2.0), 20.0)
    search = Search(None, Ladder(2, 255), "colours", 2000)
    search.choose = lambda part, goal: replace(plan, level=0.5, reason="fewer colours")
    again = search.corrected(plan, 2100, Part(), 0.9)
    assert again.reason == ("fewer colours; a first encode of 2.1 KB (2,100 bytes) went over, "
                            "so it was made again")


def test_a_short_part_is_measured_whole_and_keeps_its_size(tmp_path):
    # sprite.gif has 8 frames: the sample holds them all, so the size it gives
    # is the file's, and a target of the file's own size needs no margin (the
    # sampled prediction said 8290 bytes of 8909 and chose fewer colours).
    source = own_clip("sprite.gif")
    whole = core.convert(source, tmp_path / "whole.gif", 255)
    fitted = core.convert(source, tmp_path / "fit.gif", max_bytes=whole.bytes)
    assert fitted.fit.predicted == fitted.bytes <= whole.bytes
    assert (fitted.width, fitted.frames, fitted.fit.encodes) == (whole.width, whole.frames, 1)
