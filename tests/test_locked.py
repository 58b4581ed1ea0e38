"""Locked colours: kept exactly in every palette, the rest fitted around them."""

from __future__ import annotations

import numpy as np
import pytest

import core
from core._cluster import assign, minibatch_frozen, ward_merge
from core.colorspace import to_space

LOCKED = ["#ff0000", "#00ff00", "#123456"]
RGB = np.array([[255, 0, 0], [0, 255, 0], [18, 52, 86]], dtype=np.uint8)


@pytest.fixture(scope="module")
def crop(china) -> np.ndarray:
    return np.ascontiguousarray(china[100:260, 150:390])


@pytest.mark.parametrize("space", core.SPACES)
@pytest.mark.parametrize(
    ("algorithm", "metric"),
    [("kmeans", "euclidean"), ("minibatch", "euclidean"), ("agglomerative", "euclidean"),
     ("kmeans", "manhattan")],
)
def test_locked_colours_are_the_first_entries_exactly(crop, space, algorithm, metric):
    res = core.quantize(crop, 8, space=space, algorithm=algorithm, metric=metric, locked=LOCKED)
    assert res.palette.hex[:3] == LOCKED
    assert len(res.palette) == 8
    np.testing.assert_array_equal(res.image, res.palette.colors[res.labels])
    # The free colours still fit the photo: far better than the locked ones alone.
    alone = core.quantize(crop, 3, space=space, locked=LOCKED)
    assert (core.metrics.quality(crop, res.image).mean_delta_e
            < core.metrics.quality(crop, alone.image).mean_delta_e - 5)


def test_an_array_a_hex_list_and_a_string_lock_the_same_colours(crop):
    by_hex = core.quantize(crop, 6, locked=LOCKED)
    by_array = core.quantize(crop, 6, locked=RGB)
    by_text = core.quantize(crop, 6, locked="FF0000, 0f0 #123456")
    np.testing.assert_array_equal(by_hex.image, by_array.image)
    np.testing.assert_array_equal(by_hex.image, by_text.image)


def test_as_many_locked_colours_as_k_is_a_plain_fixed_palette_mapping(crop):
    for space in core.SPACES:
        res = core.quantize(crop, 3, space=space, locked=LOCKED)
        np.testing.assert_array_equal(res.palette.colors, RGB)
        nearest = assign(to_space(crop.reshape(-1, 3), space), to_space(RGB, space))
        np.testing.assert_array_equal(res.labels.reshape(-1), nearest)


def test_a_locked_colour_the_picture_lacks_stays_with_no_share(crop):
    res = core.quantize(crop, 6, locked=["#00ff00"])
    assert res.palette.hex[0] == "#00ff00"
    assert res.palette.shares[0] == 0


def test_a_picture_of_few_colours_keeps_them_beside_the_locked_ones():
    image = np.zeros((20, 20, 3), dtype=np.uint8)
    image[:10] = (200, 100, 50)
    res = core.quantize(image, 4, locked=["#000000", "#ffffff"])
    assert res.palette.hex == ["#000000", "#ffffff", "#c86432"]
    np.testing.assert_array_equal(res.image, image)


@pytest.mark.parametrize("mode", core.MODES)
def test_every_mode_keeps_the_locked_colours_in_every_frame(pan_cut_media, mode):
    frames = pan_cut_media.frames[:12]
    results = core.quantize_frames(frames, 6, mode=mode, locked=LOCKED)
    for res in results:
        assert res.palette.hex[:3] == LOCKED


def test_stable_mode_never_moves_a_locked_entry_even_at_a_cut(pan_cut_media):
    frames = pan_cut_media.frames
    results = core.quantize_frames(frames, 6, mode="stable", locked=LOCKED, damping=0.0,
                                   cut_threshold=0.0)  # a cut at every frame
    first = results[0].centers[:3]
    for res in results:
        np.testing.assert_array_equal(res.centers[:3], first)
        assert res.palette.hex[:3] == LOCKED


def test_dithering_uses_the_locked_palette(crop):
    res = core.quantize(crop, 4, locked=LOCKED)
    for method in ("bayer", "floyd-steinberg"):
        dithered = core.dither_results([crop], [res], method)[0]
        used = {tuple(c) for c in np.unique(dithered.image.reshape(-1, 3), axis=0)}
        assert used <= {tuple(c) for c in res.palette.colors}
        assert dithered.palette.hex[:3] == LOCKED


def test_an_init_array_keeps_the_locked_rows(crop):
    start = to_space(np.array([[0, 0, 0], [255, 255, 255], [128, 128, 128], [90, 60, 30]]), "lab")
    res = core.quantize(crop, 4, init=start, locked=["#ff0000"])
    assert res.palette.hex[0] == "#ff0000"


def test_ward_anchors_absorb_points_without_moving():
    anchors = np.array([[0.0, 0.0], [10.0, 0.0]])
    points = np.array([[1.0, 0.0], [9.0, 0.0], [5.0, 9.0], [5.0, 10.0], [11.0, 1.0]])
    c = np.vstack([anchors, points])
    w = np.array([0.0, 0.0, 5, 5, 1, 1, 2])
    out = ward_merge(c, w, 3, anchors=2)
    np.testing.assert_array_equal(out[:2], anchors)
    np.testing.assert_allclose(out[2], [5.0, 9.5])


def test_minibatch_keeps_frozen_centres():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3)) * 20
    start = X[:5].copy()
    out = minibatch_frozen(X, np.ones(500), start, 2, seed=0, max_iter=20)
    np.testing.assert_array_equal(out[:2], start[:2])
    assert not np.allclose(out[2:], start[2:])


def test_options_keep_locked_colours_hashable_and_normalised():
    a = core.QuantizeOptions(locked=["FF0000", "#ff0000", "0f0"])
    b = core.QuantizeOptions(locked=("#ff0000", "#00ff00"))
    assert a.locked == ("#ff0000", "#00ff00") and a == b and hash(a) == hash(b)


@pytest.mark.parametrize(
    ("locked", "words"),
    [
        (["#ff0000", "#zz0000"], "'#zz0000' is not a colour"),
        ([[300, 0, 0]], "integers 0-255"),
        (np.array([[0.5, 0, 0]]), "integers 0-255"),
        (5, "hex strings or an (n, 3) array"),
    ],
)
def test_bad_locked_values_are_named(crop, locked, words):
    with pytest.raises(ValueError) as err:
        core.quantize(crop, 4, locked=locked)
    assert words in str(err.value)


def test_more_locked_colours_than_k_is_refused(crop):
    with pytest.raises(ValueError, match="3 locked colours do not fit in k=2"):
        core.quantize(crop, 2, locked=LOCKED)
    with pytest.raises(ValueError, match="do not fit"):
        core.quantize_frames([crop, crop], 2, locked=LOCKED)
