"""Adobe Swatch Exchange (.ase): ours read back; files built from the published layout read."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from core.palette import Palette, from_ase, read_palette, to_ase

PAL = Palette(
    np.array([[255, 0, 0], [0, 128, 255], [16, 16, 16], [1, 2, 3]], dtype=np.uint8),
    np.array([0.2, 0.5, 0.3, 0.0]),
)


def name(text: str) -> bytes:
    """An ASE name: UTF-16 code units with the closing NUL, then UTF-16BE."""
    encoded = (text + "\0").encode("utf-16-be")
    return struct.pack(">H", len(encoded) // 2) + encoded


def block(kind: int, body: bytes) -> bytes:
    return struct.pack(">HI", kind, len(body)) + body


def colour(label: str, model: bytes, values, kind: int = 2) -> bytes:
    return block(0x0001, name(label) + model + struct.pack(f">{len(values)}f", *values)
                 + struct.pack(">H", kind))


def ase(*blocks: bytes, version=(1, 0)) -> bytes:
    return b"ASEF" + struct.pack(">HHI", *version, len(blocks)) + b"".join(blocks)


def test_our_ase_reads_back_largest_share_first():
    data = to_ase(PAL)
    assert data[:4] == b"ASEF" and struct.unpack(">HHI", data[4:12]) == (1, 0, len(PAL) + 2)
    np.testing.assert_array_equal(read_palette(data, ".ASE"), PAL.by_share().colors)


def test_our_colours_are_named_rgb_floats_in_one_group():
    data = to_ase(PAL, name="Brand")
    assert data[12:14] == b"\xc0\x01" and "Brand".encode("utf-16-be") in data
    assert data[-6:] == b"\xc0\x02\x00\x00\x00\x00"  # the group's end, empty
    assert "#0080ff 50.0%".encode("utf-16-be") in data
    r, g, b = struct.unpack(">fff", data[data.index(b"RGB ") + 4:][:12])
    assert (r, g, b) == pytest.approx((0.0, 128 / 255, 1.0))


def test_a_file_built_from_the_published_layout_reads_in_file_order():
    # As Illustrator writes them: a colour outside any group, then a named group
    # holding RGB, Lab (L* as 0-1), Gray (0 black - 1 white) and CMYK swatches of
    # every colour type (global 0, spot 1, normal 2).
    data = ase(
        colour("Red", b"RGB ", (1.0, 0.0, 0.0), kind=0),
        block(0xC001, name("Brand ✓")),
        colour("Teal", b"RGB ", (0.0, 0.5, 0.5), kind=1),
        colour("Lab white", b"LAB ", (1.0, 0.0, 0.0)),
        colour("Mid grey", b"Gray", (0.5,)),
        colour("Cyan ink", b"CMYK", (1.0, 0.0, 0.0, 0.0)),
        block(0xC002, b""),
    )
    np.testing.assert_array_equal(
        from_ase(data),
        [[255, 0, 0], [0, 128, 128], [255, 255, 255], [128, 128, 128], [0, 255, 255]],
    )


@pytest.mark.parametrize(
    "data, message",
    [
        (b"GIMP Palette\n", "does not start with 'ASEF'"),
        (ase(version=(2, 0)), "version 2.0"),
        (ase(colour("a", b"RGB ", (1, 0, 0)))[:-8], "runs past the end"),
        (ase(colour("a", b"RGB ", (1, 0, 0)), colour("b", b"Gray", (0,)))[:44], "before block 2"),
        (ase(colour("a", b"HSB ", (1, 0, 0))), "colour model 'HSB'"),
        (ase(block(0x0042, b"")), "type 0x0042"),
        (ase(colour("a", b"RGB ", (float("nan"), 0, 0))), "not a number"),
        (ase(block(0xC001, name("empty")), block(0xC002, b"")), "holds no colours"),
    ],
)
def test_a_bad_ase_file_is_refused_with_what_is_wrong(data, message):
    with pytest.raises(ValueError, match=message):
        read_palette(data, "ase")


def test_a_huge_announced_block_count_fails_fast():
    data = b"ASEF" + struct.pack(">HHI", 1, 0, 2**32 - 1) + colour("a", b"RGB ", (1, 0, 0))
    with pytest.raises(ValueError, match="ends before block 2"):
        from_ase(data)


def test_more_than_256_colours_are_refused():
    data = ase(*[colour(str(i), b"Gray", (i / 300,)) for i in range(300)])
    with pytest.raises(ValueError, match="at most 256"):
        from_ase(data)
