"""Palettes: k colours with the share of the picture each covers, and their exports.

The export formats are the ones designers paste or import: a hex list, JSON,
CSS custom properties, a GIMP/Inkscape/Krita ``.gpl`` palette, an Adobe Swatch
Exchange ``.ase`` file, and a PNG strip of swatches whose widths follow the
shares. Every format but the PNG reads back
(:func:`read_palette`), so a palette exported here can be locked in a later
run (``core.quantize(..., locked=...)``); :data:`PRESETS` holds a few
well-known fixed palettes, and :func:`parse_colors` reads hex codes.
"""

from __future__ import annotations

import io
import json
import re
import struct
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Palette:
    """The colours of a quantized picture.

    Attributes
    ----------
    colors : ndarray, shape (k, 3), uint8
        sRGB colours. Entry ``i`` is the colour of label ``i``.
    shares : ndarray, shape (k,), float64
        Fraction of the (opaque) pixels that carry each colour; sums to 1.
    """

    colors: np.ndarray
    shares: np.ndarray

    def __len__(self) -> int:
        return int(self.colors.shape[0])

    @property
    def hex(self) -> list[str]:
        """``"#rrggbb"`` of every colour, in palette order."""
        return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in self.colors.tolist()]

    def by_share(self) -> Palette:
        """The same palette, largest share first (ties keep their order)."""
        order = np.argsort(-self.shares, kind="stable")
        return Palette(self.colors[order], self.shares[order])


def to_hex_list(palette: Palette) -> str:
    """One ``#rrggbb`` per line, largest share first."""
    return "\n".join(palette.by_share().hex) + "\n"


def to_json(palette: Palette) -> str:
    """JSON list of ``{"hex", "rgb", "share"}`` objects, largest share first."""
    p = palette.by_share()
    items = [
        {"hex": h, "rgb": rgb, "share": round(float(s), 6)}
        for h, rgb, s in zip(p.hex, p.colors.tolist(), p.shares)
    ]
    return json.dumps({"colors": items}, indent=2) + "\n"


def to_css(palette: Palette, prefix: str = "color") -> str:
    """CSS custom properties ``--color-1: #rrggbb;`` in a ``:root`` rule, largest first.

    Raises
    ------
    ValueError
        If ``prefix`` is not a CSS identifier of letters, digits, ``-`` and ``_``
        (anything else could end the rule and inject CSS).
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", prefix):
        raise ValueError(f"prefix={prefix!r} must be letters, digits, '-' and '_'.")
    p = palette.by_share()
    lines = [
        f"  --{prefix}-{i}: {h}; /* {100 * s:.1f}% */"
        for i, (h, s) in enumerate(zip(p.hex, p.shares), start=1)
    ]
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def to_gpl(palette: Palette, name: str = "Flickerless") -> str:
    """A GIMP palette (``.gpl``; also read by Inkscape and Krita), largest first.

    The format: a ``GIMP Palette`` header, ``Name:``, ``Columns:``, ``#``
    comment, then one ``R G B<TAB>name`` line per colour.
    """
    p = palette.by_share()
    safe = "".join(ch for ch in name if ch.isprintable() and ch not in "\r\n") or "Flickerless"
    lines = ["GIMP Palette", f"Name: {safe}", f"Columns: {min(len(p), 16)}", "#"]
    for (r, g, b), h, s in zip(p.colors.tolist(), p.hex, p.shares):
        lines.append(f"{r:3d} {g:3d} {b:3d}\t{h} {100 * s:.1f}%")
    return "\n".join(lines) + "\n"


#: Adobe Swatch Exchange: signature, version 1.0, and the block types.
_ASE_SIGNATURE, _ASE_VERSION = b"ASEF", (1, 0)
_ASE_COLOR, _ASE_GROUP_START, _ASE_GROUP_END = 0x0001, 0xC001, 0xC002
#: An ASE colour's type (0 global, 1 spot, 2 normal): ours are normal process colours.
_ASE_NORMAL = 2


def _ase_name(text: str) -> bytes:
    # A name is its length in UTF-16 code units (with the closing NUL), then UTF-16BE.
    encoded = (text + "\0").encode("utf-16-be")
    return struct.pack(">H", len(encoded) // 2) + encoded


def _ase_block(kind: int, body: bytes) -> bytes:
    return struct.pack(">HI", kind, len(body)) + body


def to_ase(palette: Palette, name: str = "Flickerless") -> bytes:
    """An Adobe Swatch Exchange file (``.ase``; Illustrator, Photoshop, InDesign, Affinity).

    One group named ``name`` holding an ``RGB`` colour (three float32 from
    0 to 1) per palette colour, largest share first, each named by its hex
    code and share. Big-endian throughout: ``ASEF``, version 1.0, the number
    of blocks, then blocks of ``type (u16), length (u32), body``.

    References
    ----------
    The format as published by Adobe-file readers, e.g. selapa.net's
    "Color palette file formats" (Adobe ASE section).
    """
    p = palette.by_share()
    safe = "".join(ch for ch in name if ch.isprintable()) or "Flickerless"
    blocks = [_ase_block(_ASE_GROUP_START, _ase_name(safe))]
    for rgb, h, share in zip(p.colors.tolist(), p.hex, p.shares):
        body = _ase_name(f"{h} {100 * share:.1f}%") + b"RGB "
        body += struct.pack(">fffH", *(c / 255.0 for c in rgb), _ASE_NORMAL)
        blocks.append(_ase_block(_ASE_COLOR, body))
    blocks.append(_ase_block(_ASE_GROUP_END, b""))
    header = _ASE_SIGNATURE + struct.pack(">HHI", *_ASE_VERSION, len(blocks))
    return header + b"".join(blocks)


def to_swatch_png(palette: Palette, width: int = 640, height: int = 80) -> bytes:
    """A PNG strip of swatches, each as wide as its share (at least 1 px), largest first."""
    p = palette.by_share()
    if len(p) == 0 or width < len(p):
        raise ValueError(f"width={width} is too small for {len(p)} colours.")
    widths = np.maximum(1, np.floor(p.shares * width).astype(int))
    widths[0] += width - widths.sum()
    if widths[0] < 1:
        widths = np.full(len(p), width // len(p))
        widths[0] += width - widths.sum()
    strip = np.repeat(p.colors, widths, axis=0)[None].repeat(height, axis=0)
    buf = io.BytesIO()
    Image.fromarray(strip, "RGB").save(buf, format="PNG")
    return buf.getvalue()


#: Most colours a palette file or a list of locked colours may hold (a GIF's limit).
MAX_COLORS = 256

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")

#: Well-known fixed palettes: name -> hex codes.
PRESETS: dict[str, tuple[str, ...]] = {
    "1-bit black and white": ("#000000", "#ffffff"),
    "Game Boy (DMG greens)": ("#0f380f", "#306230", "#8bac0f", "#9bbc0f"),
    "CGA (mode 4, palette 1, bright)": ("#000000", "#55ffff", "#ff55ff", "#ffffff"),
    # The 16 colours of the CGA text modes, also EGA's and Windows' default 16.
    "CGA / EGA 16 colours": (
        "#000000", "#0000aa", "#00aa00", "#00aaaa", "#aa0000", "#aa00aa", "#aa5500", "#aaaaaa",
        "#555555", "#5555ff", "#55ff55", "#55ffff", "#ff5555", "#ff55ff", "#ffff55", "#ffffff",
    ),
    # Philip "Pepto" Timmermann's measured VIC-II colours (2001).
    "Commodore 64 (Pepto)": (
        "#000000", "#ffffff", "#68372b", "#70a4b2", "#6f3d86", "#588d43", "#352879", "#b8c76f",
        "#6f4f25", "#433900", "#9a6759", "#444444", "#6c6c6c", "#9ad284", "#6c5eb5", "#959595",
    ),
    "PICO-8": (
        "#000000", "#1d2b53", "#7e2553", "#008751", "#ab5236", "#5f574f", "#c2c3c7", "#fff1e8",
        "#ff004d", "#ffa300", "#ffec27", "#00e436", "#29adff", "#83769c", "#ff77a8", "#ffccaa",
    ),
}


def parse_color(value: str) -> tuple[int, int, int]:
    """The ``(r, g, b)`` of one hex colour: ``"#ff8800"``, ``"ff8800"``, ``"#f80"`` or ``"f80"``.

    Raises
    ------
    ValueError
        Naming the value, when it is not a hex colour.
    """
    match = _HEX.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(
            f"{value!r} is not a colour; write it as a hex code such as #ff8800 or ff8800."
        )
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_code(rgb) -> str:
    """``"#rrggbb"`` (lower case) of one sRGB colour of three 0-255 integers."""
    r, g, b = (int(c) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def parse_colors(text: str) -> np.ndarray:
    """Hex colours separated by commas, spaces or new lines, as an (n, 3) uint8 array.

    Raises
    ------
    ValueError
        Naming the first value that is not a hex colour, or when there are
        none or more than :data:`MAX_COLORS`.
    """
    items = [item for item in re.split(r"[\s,;]+", text) if item]
    return _colors([parse_color(item) for item in items], "the list")


def _colors(rows: list, where: str) -> np.ndarray:
    if not rows:
        raise ValueError(f"{where} holds no colours.")
    if len(rows) > MAX_COLORS:
        raise ValueError(f"{where} holds {len(rows)} colours; at most {MAX_COLORS} can be used.")
    return np.array(rows, dtype=np.uint8).reshape(-1, 3)


def _line_error(number: int, line: str, what: str) -> ValueError:
    shown = line.strip()
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return ValueError(f"line {number} ({shown!r}) is not {what}.")


def from_hex_list(text: str) -> np.ndarray:
    """Read :func:`to_hex_list`: one hex colour a line (blank lines are skipped)."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(parse_color(line))
        except ValueError:
            raise _line_error(number, line, "a hex colour such as #ff8800") from None
    return _colors(rows, "the file")


def from_gpl(text: str) -> np.ndarray:
    """Read a GIMP palette (:func:`to_gpl`; also Inkscape's and Krita's).

    The first line must be ``GIMP Palette``; ``Name:``, ``Columns:``, ``#``
    comments and blank lines are skipped; every other line starts with three
    integers 0-255 (R G B), optionally followed by a name.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "GIMP Palette":
        raise ValueError("line 1 is not 'GIMP Palette': this is not a GIMP .gpl palette.")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or re.match(r"(Name|Columns):", stripped):
            continue
        parts = stripped.split()
        try:
            rgb = [int(p) for p in parts[:3]]
        except ValueError:
            rgb = []
        if len(rgb) != 3 or not all(0 <= c <= 255 for c in rgb):
            raise _line_error(number, line, "three numbers from 0 to 255 (R G B)")
        rows.append(rgb)
    return _colors(rows, "the file")


def from_json(text: str) -> np.ndarray:
    """Read :func:`to_json` (``{"colors": [{"hex": ...}, ...]}``) or a plain list of hex codes."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {exc.lineno} is not valid JSON ({exc.msg}).") from None
    items = data.get("colors") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError('the JSON holds no list of colours (expected {"colors": [...]}).')
    rows = []
    for number, item in enumerate(items, start=1):
        value = item.get("hex") if isinstance(item, dict) else item
        try:
            rows.append(parse_color(value))
        except ValueError:
            shown = str(value)[:40]
            raise ValueError(f"colour {number} ({shown!r}) is not a hex colour.") from None
    return _colors(rows, "the file")


def from_css(text: str) -> np.ndarray:
    """Read :func:`to_css`: every ``--name: #rrggbb;`` custom property is one colour.

    Lines without a custom property (``:root {``, ``}``, comments) are skipped.
    """
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"\s*--[A-Za-z0-9_-]+\s*:\s*([^;]*);?", line)
        if match is None:
            continue
        try:
            rows.append(parse_color(match.group(1)))
        except ValueError:
            raise _line_error(number, line, "a custom property holding a hex colour") from None
    return _colors(rows, "the file")


#: Values of each ASE colour model, by its four-character name (case and padding aside).
_ASE_MODELS = {"RGB": 3, "LAB": 3, "CMYK": 4, "GRAY": 1}


def from_ase(data: bytes) -> np.ndarray:
    """Read an Adobe Swatch Exchange file (:func:`to_ase`, or Adobe's and others' ``.ase``).

    Colours in groups and outside them are read in file order; ``RGB``,
    ``LAB`` (L* stored as 0-1, a* b* as they are), ``Gray`` (0 black to 1
    white) and ``CMYK`` (naive ``(1 - c)(1 - k)``, no ICC profile) become
    sRGB, rounded and clipped to 0-255.

    Raises
    ------
    ValueError
        Naming the block, for a file that is not ASE version 1, ends early,
        or holds a colour model or block type the format does not have.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise ValueError("an .ase file is binary: read it as bytes.")
    if len(data) < 12 or data[:4] != _ASE_SIGNATURE:
        raise ValueError("the file does not start with 'ASEF': it is not an Adobe Swatch "
                         "Exchange (.ase) file.")
    major, minor, count = struct.unpack_from(">HHI", data, 4)
    if major != _ASE_VERSION[0]:
        raise ValueError(f"ASE version {major}.{minor} cannot be read (only version 1).")
    rows, offset = [], 12
    for number in range(1, count + 1):
        if offset + 6 > len(data):
            raise ValueError(f"the file ends before block {number} of the {count} it announces.")
        kind, length = struct.unpack_from(">HI", data, offset)
        body = bytes(data[offset + 6 : offset + 6 + length])
        if len(body) < length:
            raise ValueError(f"block {number} runs past the end of the file.")
        if kind == _ASE_COLOR:
            rows.append(_ase_color(body, number))
        elif kind not in (_ASE_GROUP_START, _ASE_GROUP_END):
            raise ValueError(f"block {number} has type 0x{kind:04x}, which ASE does not have.")
        if len(rows) > MAX_COLORS:
            break  # _colors names the limit
        offset += 6 + length
    return _colors(rows, "the file")


def _ase_color(body: bytes, number: int) -> list[int]:
    if len(body) < 2:
        raise ValueError(f"colour block {number} is too short to hold a name.")
    start = 2 + 2 * struct.unpack_from(">H", body)[0]
    model = body[start : start + 4].decode("ascii", "replace").strip().upper()
    if model not in _ASE_MODELS:
        raise ValueError(f"colour block {number} has the colour model {model[:4]!r}; "
                         "ASE has RGB, LAB, CMYK and Gray.")
    n = _ASE_MODELS[model]
    if len(body) < start + 4 + 4 * n:
        raise ValueError(f"colour block {number} is too short for its {model} values.")
    v = np.array(struct.unpack_from(f">{n}f", body, start + 4), dtype=np.float64)
    if not np.all(np.isfinite(v)):
        raise ValueError(f"colour block {number} holds a value that is not a number.")
    if model == "RGB":
        rgb = v
    elif model == "GRAY":
        rgb = np.repeat(v, 3)
    elif model == "CMYK":
        rgb = (1.0 - v[:3]) * (1.0 - v[3])
    else:
        from skimage.color import lab2rgb  # only here: core.colorspace would import in a circle

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it warns when it clips; clipping is wanted
            rgb = lab2rgb(np.array([[[100.0 * v[0], v[1], v[2]]]]))[0, 0]
    return np.clip(np.rint(255.0 * rgb), 0, 255).astype(int).tolist()


#: Every palette format that reads back: file extension -> reader.
IMPORTS = {
    "txt": from_hex_list, "gpl": from_gpl, "json": from_json, "css": from_css, "ase": from_ase,
}


def read_palette(data: str | bytes, extension: str) -> np.ndarray:
    """The colours of a palette file in one of the formats this module writes.

    Parameters
    ----------
    data : str or bytes
        The file's text (bytes are decoded as UTF-8); an ``.ase`` file's bytes.
    extension : {"txt", "gpl", "json", "css", "ase"}
        The format, as its file extension (a leading dot is allowed).

    Returns
    -------
    ndarray, shape (n, 3), uint8
        The colours in file order (1 <= n <= :data:`MAX_COLORS`).

    Raises
    ------
    ValueError
        For an unknown format, text that is not UTF-8, or a line (or JSON
        item, or ASE block) that is not a colour; the message names it.
    """
    extension = extension.lower().lstrip(".")
    if extension not in IMPORTS:
        raise ValueError(
            f"a .{extension} file cannot be read as a palette; use one of "
            f"{', '.join('.' + e for e in IMPORTS)}."
        )
    if extension == "ase":
        return from_ase(data)
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValueError(f"the file is not text (byte {exc.start} is not UTF-8).") from None
    return IMPORTS[extension](data)


#: Every export format: name -> (function, file extension, MIME type).
EXPORTS = {
    "hex": (to_hex_list, "txt", "text/plain"),
    "json": (to_json, "json", "application/json"),
    "css": (to_css, "css", "text/css"),
    "gpl": (to_gpl, "gpl", "text/plain"),
    "ase": (to_ase, "ase", "application/octet-stream"),
    "png": (to_swatch_png, "png", "image/png"),
}
