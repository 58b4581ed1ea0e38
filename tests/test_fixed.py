"""A palette with every colour locked, far from the picture: mapped by lightness order."""

from __future__ import annotations

import io

import numpy as np
import pytest
from skimage import data

import core
from core._fixed import lightness_order

GAME_BOY = core.palette.PRESETS["Game Boy (DMG greens)"]


@pytest.fixture(scope="module")
def grey() -> list[np.ndarray]:
    """Three frames of a grey photo (scikit-image's camera), panning a little."""
    camera = np.repeat(data.camera()[::2, ::2, None], 3, axis=2)
    return [np.ascontiguousarray(np.roll(camera, 2 * i, axis=1)) for i in range(3)]


def _largest_share(result: core.QuantizeResult) -> float:
    return float(result.palette.shares.max())


@pytest.mark.parametrize("mode", core.MODES)
def test_game_boy_at_k4_gives_a_picture_in_every_mode(grey, mode):
    results = core.quantize_frames(grey, 4, mode=mode, locked=GAME_BOY, locked_rule="lightness")
    for res in results:
        assert set(res.palette.hex) <= set(GAME_BOY)
        # More than one colour over most of the picture: no colour paints half of it,
        # and three colours each paint a tenth or more.
        assert _largest_share(res) < 0.5
        assert np.count_nonzero(res.palette.shares > 0.1) >= 3
        shown = {tuple(c) for c in res.image.reshape(-1, 3)[::97]}
        assert shown <= {tuple(core.palette.parse_color(c)) for c in GAME_BOY}


def test_the_nearest_rule_stays_the_default_and_paints_one_block(grey):
    res = core.quantize(grey[0], 4, locked=GAME_BOY)
    assert res.matched is None and _largest_share(res) > 0.6


def test_darkest_goes_to_darkest_and_fewer_colours_spread_over_the_range():
    locked = np.array([[155, 188, 15], [15, 56, 15], [139, 172, 15], [48, 98, 48]], np.uint8)
    own = np.array([[200, 200, 200], [10, 10, 10], [100, 100, 100], [60, 60, 60]], np.uint8)
    assert lightness_order(own, locked).tolist() == [0, 1, 2, 3]
    two = np.array([[250, 250, 250], [5, 5, 5]], np.uint8)
    assert lightness_order(two, locked).tolist() == [0, 1]  # lightest and darkest


def test_dithering_chooses_among_the_pictures_colours(grey):
    res = core.quantize(grey[0], 4, locked=GAME_BOY, locked_rule="lightness")
    dithered = core.dither_results(grey[:1], [res], "bayer")[0]
    assert dithered.matched is not None and _largest_share(dithered) < 0.5
    assert set(dithered.palette.hex) == set(res.palette.hex)


def test_convert_writes_the_picture_in_the_locked_colours(grey):
    buf = io.BytesIO()
    frames = [np.ascontiguousarray(f) for f in grey]
    gif = core.to_bytes(core.save_gif, [core.quantize(f, 64) for f in frames],
                        durations=[100] * 3, loop=0)
    core.convert(gif, buf, 4, locked=GAME_BOY, locked_rule="lightness", mode="seeded")
    back = core.load_media(buf.getvalue())
    colours, counts = np.unique(back.frames[1].reshape(-1, 3), axis=0, return_counts=True)
    assert {core.palette.hex_code(c) for c in colours} <= set(GAME_BOY)
    assert counts.max() / counts.sum() < 0.5


def test_an_unknown_rule_is_refused_with_its_name():
    with pytest.raises(ValueError, match="locked_rule"):
        core.QuantizeOptions(locked_rule="brightest")
