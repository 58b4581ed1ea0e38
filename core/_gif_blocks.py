"""The bytes of each GIF block, one pure function per block.

A GIF file is a header and logical screen descriptor, optional extensions, one
graphic control extension + image descriptor + colour table + image data per
frame, and a trailer. Each function here returns one of those blocks, laid out
field by field as the GIF89a specification (CompuServe, 1990) gives them; the
section numbers in the comments are that document's. Multi-byte numbers are
unsigned 16-bit, least significant byte first (Appendix D). The LZW data itself
comes from Pillow's GIF encoder.
"""

from __future__ import annotations

import struct
from enum import IntEnum

import numpy as np
from PIL import Image

#: Longest delay one graphic control extension can hold, in hundredths of a second.
MAX_DELAY_CS = 0xFFFF


class Disposal(IntEnum):
    """What a decoder does with a frame's box before drawing the next (section 23.c.iv)."""

    #: No disposal specified: the decoder need not do anything.
    UNSPECIFIED = 0
    #: Do not dispose: the frame stays on screen under the next.
    LEAVE = 1
    #: Restore to background colour: browsers clear the box to transparent, so
    #: what lies behind the GIF shows there.
    CLEAR = 2
    #: Restore to previous: the box goes back to what it showed before this frame.
    PREVIOUS = 3


def table_bits(entries: int) -> int:
    """Bits per index of a colour table that holds ``entries`` colours.

    A table holds ``2 ** bits`` entries (sections 18.c.vi and 20.c.ix, "Size
    of ... Color Table"), and the LZW minimum code size is at least 2 (Appendix F).
    """
    return max(2, int(np.ceil(np.log2(max(2, entries)))))


def color_table(colors: np.ndarray, bits: int) -> bytes:
    """A colour table of ``2 ** bits`` entries: ``colors`` then black (sections 19 and 21).

    Parameters
    ----------
    colors : ndarray, shape (n, 3), uint8
        ``n <= 2 ** bits``.
    bits : int

    Returns
    -------
    bytes
        Red, green, blue: one byte each per entry.
    """
    table = np.zeros((1 << bits, 3), dtype=np.uint8)
    table[: len(colors)] = colors
    return table.tobytes()


def header(width: int, height: int) -> bytes:
    """Header and logical screen descriptor of a GIF without a global colour table.

    GIF89a specification, sections 17 (Header) and 18 (Logical Screen Descriptor).
    """
    return (
        b"GIF"  # 17.c.i signature
        + b"89a"  # 17.c.ii version: 89a, for the graphic control extension
        + struct.pack(
            "<HHBBB",
            width,  # 18.c.i logical screen width
            height,  # 18.c.ii logical screen height
            # Packed fields: 18.c.iii global colour table flag 0 (each frame has
            # a local table), iv colour resolution, v sort flag and vi table size 0.
            0,
            0,  # 18.c.vii background colour index: meaningless without a global table
            0,  # 18.c.viii pixel aspect ratio: 0, no aspect ratio information
        )
    )


def loop_extension(loops: int) -> bytes:
    """The NETSCAPE2.0 application extension: play the frames ``loops`` times, 0 forever.

    The container is the application extension of section 26; the identifier,
    the sub-block and its meaning are Netscape Navigator 2.0's, which every
    decoder reads.
    """
    return (
        b"\x21"  # 26.c.i extension introducer
        + b"\xff"  # 26.c.ii application extension label
        + b"\x0b"  # 26.c.iii block size: the 11 bytes of identifier and code
        + b"NETSCAPE"  # 26.c.iv application identifier
        + b"2.0"  # 26.c.v application authentication code
        + b"\x03"  # data sub-block size (section 15)
        + b"\x01"  # Netscape's sub-block id 1: the loop count
        + struct.pack("<H", loops)  # loop count, 0 for forever
        + b"\x00"  # block terminator (section 16)
    )


def graphic_control(disposal: Disposal, delay_cs: int, transparent_index: int | None) -> bytes:
    """The graphic control extension before one frame (section 23).

    Parameters
    ----------
    disposal : Disposal
        What becomes of the frame's box before the next frame is drawn.
    delay_cs : int
        How long the frame shows, in hundredths of a second, at most ``MAX_DELAY_CS``.
    transparent_index : int or None
        The index whose pixels leave what is under them; None for none.

    Returns
    -------
    bytes
        Eight bytes.
    """
    # Packed fields: 3 reserved bits (0), 23.c.iv disposal method (3 bits),
    # v user input flag (0: no input expected), vi transparency flag.
    packed = (int(disposal) << 2) | (transparent_index is not None)
    return (
        b"\x21"  # 23.c.i extension introducer
        + b"\xf9"  # 23.c.ii graphic control label
        + b"\x04"  # 23.c.iii block size: the four bytes up to the terminator
        + struct.pack(
            "<BHBB",
            packed,
            delay_cs,  # 23.c.vii delay time
            transparent_index or 0,  # 23.c.viii transparency index, read only with the flag
            0,  # 23.c.ix block terminator
        )
    )


def image_descriptor(
    left: int, top: int, width: int, height: int, colors: np.ndarray, bits: int
) -> bytes:
    """An image descriptor (section 20) and its local colour table (section 21).

    Parameters
    ----------
    left, top, width, height : int
        The frame's box on the logical screen, in pixels.
    colors : ndarray, shape (n, 3), uint8
        The local colour table, padded with black to ``2 ** bits`` entries.
    bits : int
        Bits per index of the table, 1 to 8.

    Returns
    -------
    bytes
    """
    # Packed fields: 20.c.vi local colour table flag (1), vii interlace flag
    # (0: rows in order), viii sort flag (0), 2 reserved bits (0), and ix the
    # table's size as N where it holds 2 ** (N + 1) entries.
    packed = 0x80 | (bits - 1)
    return (
        b"\x2c"  # 20.c.i image separator
        + struct.pack(
            "<HHHHB",
            left,  # 20.c.ii image left position
            top,  # 20.c.iii image top position
            width,  # 20.c.iv image width
            height,  # 20.c.v image height
            packed,
        )
        + color_table(colors, bits)
    )


def image_data(indices: np.ndarray, code_size: int) -> bytes:
    """Table-based image data (section 22): one frame's indices, LZW-coded by Pillow.

    Parameters
    ----------
    indices : ndarray of uint8, shape (height, width)
        Colour table indices, each below ``2 ** code_size``.
    code_size : int
        The LZW minimum code size, 2 to 8 (Appendix F): the table's bits.

    Returns
    -------
    bytes
    """
    # Pillow's "gif" encoder writes the LZW codes as data sub-blocks (section
    # 15), each a length byte and up to 255 bytes, without the terminator.
    sub_blocks = Image.fromarray(indices, mode="P").tobytes("gif", "P", code_size, 0)
    return (
        bytes([code_size])  # 22.c.i LZW minimum code size
        + sub_blocks  # 22.c.ii image data
        + b"\x00"  # block terminator (section 16)
    )


def trailer() -> bytes:
    """The trailer that ends a GIF data stream (section 27)."""
    return b"\x3b"
