"""The writer's screen (core._gif_screen): pixel codes, boxes, what is shown as frames are drawn."""

from __future__ import annotations

import numpy as np

from core._gif_screen import INVISIBLE, Box, Screen, bounding_box, color_codes, pixel_codes


def test_pixel_codes_pack_rgb_and_mark_hidden_pixels():
    image = np.array([[[1, 2, 3], [255, 255, 255]]], dtype=np.uint8)
    assert pixel_codes(image).tolist() == [[0x010203, 0xFFFFFF]]
    codes = pixel_codes(image, np.array([[True, False]]))
    assert codes.dtype == np.uint32 and codes.tolist() == [[0x010203, int(INVISIBLE)]]
    assert color_codes(image[0]).tolist() == [0x010203, 0xFFFFFF]


def test_bounding_box():
    mask = np.zeros((5, 6), dtype=bool)
    assert bounding_box(mask) is None
    mask[1, 4] = mask[3, 2] = True
    box = bounding_box(mask)
    assert box == Box(1, 4, 2, 5) and (box.height, box.width) == (3, 3)
    assert mask[box.slices].sum() == 2


def test_a_blank_screen_shows_nothing_and_the_first_frame_covers_it():
    screen = Screen(4, 3)
    assert screen.blank and (screen.codes == INVISIBLE).all()
    codes = np.arange(12, dtype=np.uint32).reshape(3, 4)
    codes[0, 0] = INVISIBLE
    changes = screen.changes(codes)
    np.testing.assert_array_equal(changes, codes != INVISIBLE)
    assert screen.box_to_draw(changes) == Box(0, 3, 0, 4)


def test_drawing_and_clearing_update_what_is_shown():
    screen = Screen(4, 3)
    codes = np.full((3, 4), 7, dtype=np.uint32)
    screen.draw(Box(0, 3, 0, 4), codes, np.ones((3, 4), dtype=bool))
    assert not screen.blank
    after = codes.copy()
    after[1, 2] = 9
    changes = screen.changes(after)
    assert changes.sum() == 1 and screen.box_to_draw(changes) == Box(1, 2, 2, 3)
    # Nothing changed: a frame still holds one pixel.
    assert screen.box_to_draw(np.zeros((3, 4), dtype=bool)) == Box(0, 1, 0, 1)
    box = Box(1, 3, 1, 3)
    drawn = np.array([[True, False], [False, True]])
    screen.draw(box, np.full((2, 2), 5, dtype=np.uint32), drawn)
    assert screen.codes[1:3, 1:3].tolist() == [[5, 7], [7, 5]]
    screen.clear(box)
    assert (screen.codes[box.slices] == INVISIBLE).all()
    assert (screen.codes[0] == 7).all() and (screen.codes[:, 0] == 7).all()
