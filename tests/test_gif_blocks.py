"""The GIF block builders (core._gif_blocks) against the GIF89a layout, and read back by Pillow."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from PIL import Image

from core._gif_blocks import (
    Disposal,
    color_table,
    graphic_control,
    header,
    image_data,
    image_descriptor,
    loop_extension,
    table_bits,
    trailer,
)

RGB = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], dtype=np.uint8)


def test_header_is_signature_version_and_a_screen_without_global_table():
    # 17: "GIF" "89a"; 18: width, height (LSB first), packed 0, background 0, aspect 0.
    assert header(300, 2) == b"GIF89a" + b"\x2c\x01" + b"\x02\x00" + b"\x00\x00\x00"


@pytest.mark.parametrize("loops, count", [(0, b"\x00\x00"), (3, b"\x03\x00"), (258, b"\x02\x01")])
def test_loop_extension_is_netscape_application_block(loops, count):
    block = loop_extension(loops)
    assert block == b"\x21\xff\x0b" + b"NETSCAPE2.0" + b"\x03\x01" + count + b"\x00"


@pytest.mark.parametrize(
    "disposal, delay, index, packed",
    [
        (Disposal.LEAVE, 7, None, 0b000_001_0_0),
        (Disposal.LEAVE, 7, 5, 0b000_001_0_1),
        (Disposal.CLEAR, 300, 3, 0b000_010_0_1),
        (Disposal.UNSPECIFIED, 0, 0, 0b000_000_0_1),
    ],
)
def test_graphic_control_extension_fields(disposal, delay, index, packed):
    block = graphic_control(disposal, delay, index)
    # 23.c: introducer, label, block size 4, packed fields, delay (LSB first),
    # transparency index, block terminator.
    assert len(block) == 8
    assert block[:3] == b"\x21\xf9\x04"
    assert block[3] == packed
    assert struct.unpack("<H", block[4:6])[0] == delay
    assert block[6] == (index or 0)
    assert block[7] == 0


def test_image_descriptor_carries_box_flags_and_padded_table():
    block = image_descriptor(1, 2, 300, 4, RGB, 2)
    left, top, width, height, packed = struct.unpack("<HHHHB", block[1:10])
    assert block[0] == 0x2C
    assert (left, top, width, height) == (1, 2, 300, 4)
    # Local colour table flag, not interlaced, not sorted, 2 ** (1 + 1) entries.
    assert packed == 0b1_0_0_00_001
    assert block[10:] == RGB.tobytes() + b"\x00\x00\x00"


@pytest.mark.parametrize("entries, bits", [(1, 2), (2, 2), (4, 2), (5, 3), (16, 4), (17, 5),
                                           (255, 8), (256, 8)])
def test_table_bits(entries, bits):
    assert table_bits(entries) == bits


def test_color_table_pads_with_black():
    assert color_table(RGB[:1], 2) == bytes([255, 0, 0] + [0] * 9)


def test_image_data_is_code_size_sub_blocks_and_terminator():
    indices = np.random.default_rng(0).integers(0, 16, (60, 80)).astype(np.uint8)
    block = image_data(indices, 4)
    assert block[0] == 4
    # Data sub-blocks (section 15) up to the zero-length terminator, which ends the block.
    at = 1
    sizes = []
    while block[at]:
        sizes.append(block[at])
        at += 1 + block[at]
    assert at == len(block) - 1 and len(sizes) > 1 and max(sizes) <= 255


def test_trailer():
    assert trailer() == b";"


def test_pillow_reads_a_file_built_from_the_blocks():
    first = np.array([[0, 1, 2, 0], [1, 2, 0, 1], [2, 0, 1, 2]], dtype=np.uint8)
    # The second frame redraws (1, 1) red and leaves (2, 1) as it was (index 3 is transparent).
    second = np.array([[0, 3]], dtype=np.uint8)
    data = (
        header(4, 3)
        + loop_extension(0)
        + graphic_control(Disposal.LEAVE, 20, 3)
        + image_descriptor(0, 0, 4, 3, RGB, 2)
        + image_data(first, 2)
        + graphic_control(Disposal.CLEAR, 30, 3)
        + image_descriptor(1, 1, 2, 1, RGB, 2)
        + image_data(second, 2)
        + trailer()
    )
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (4, 3) and im.n_frames == 2 and im.info["loop"] == 0
        assert im.info["duration"] == 200 and im.info["transparency"] == 3
        expected = RGB[first]
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), expected)
        im.seek(1)
        assert im.info["duration"] == 300 and im.disposal_method == Disposal.CLEAR
        expected[1, 1] = RGB[0]
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), expected)
