"""Reading palettes back: every text format the page exports, hex codes, presets."""

from __future__ import annotations

import json

import numpy as np
import pytest

from core.palette import (
    EXPORTS,
    IMPORTS,
    PRESETS,
    Palette,
    parse_color,
    parse_colors,
    read_palette,
)

PAL = Palette(
    np.array([[255, 0, 0], [0, 128, 255], [16, 16, 16], [1, 2, 3]], dtype=np.uint8),
    np.array([0.2, 0.5, 0.3, 0.0]),
)


@pytest.mark.parametrize("name", [n for n, (_, ext, _) in EXPORTS.items() if ext in IMPORTS])
def test_every_text_export_reads_back(name):
    write, extension, _ = EXPORTS[name]
    data = write(PAL)
    colours = read_palette(data.encode() if isinstance(data, str) else data, extension)
    np.testing.assert_array_equal(colours, PAL.by_share().colors)


def test_every_text_format_can_be_imported():
    assert set(IMPORTS) == {ext for _, ext, _ in EXPORTS.values()} - {"png"}


@pytest.mark.parametrize(
    ("text", "rgb"),
    [("#ff8800", (255, 136, 0)), ("FF8800", (255, 136, 0)), ("#f80", (255, 136, 0)),
     (" 0a0B0c ", (10, 11, 12))],
)
def test_hex_colours_in_every_usual_spelling(text, rgb):
    assert parse_color(text) == rgb


def test_a_list_of_hex_codes():
    np.testing.assert_array_equal(parse_colors("#000, ffffff;\n123456"),
                                  [[0, 0, 0], [255, 255, 255], [18, 52, 86]])


@pytest.mark.parametrize(
    ("data", "extension", "words"),
    [
        ("#ff0000\n\n#12345g\n", "txt", "line 3 ('#12345g')"),
        ("GIMP Palette\nName: x\n#\n255 0 0 red\n12 300 0 bad\n", "gpl", "line 5 ('12 300 0 bad')"),
        ("GIMP Palette\n1 2\n", "gpl", "line 2 ('1 2')"),
        ("Name: x\n", "gpl", "line 1 is not 'GIMP Palette'"),
        (":root {\n  --a: #ff0000;\n  --b: red;\n}\n", "css", "line 3 ('--b: red;')"),
        ('{"colors": [{"hex": "#ff0000"}, {"hex": "nope"}]}', "json", "colour 2 ('nope')"),
        ('{"colors": [\n', "json", "line 2 is not valid JSON"),
        ("", "txt", "holds no colours"),
        (b"\xff\xfe\x00", "txt", "not text"),
        ("#fff", "aco", "a .aco file cannot be read"),
    ],
)
def test_a_bad_palette_file_names_the_line(data, extension, words):
    with pytest.raises(ValueError) as err:
        read_palette(data, extension)
    assert words in str(err.value)


def test_a_long_bad_line_is_shortened_in_the_message():
    with pytest.raises(ValueError) as err:
        read_palette("#" + "z" * 500, "txt")
    assert len(str(err.value)) < 120


def test_json_may_be_a_plain_list_of_hex_codes():
    np.testing.assert_array_equal(read_palette(json.dumps(["#ff0000", "00f"]), ".JSON"),
                                  [[255, 0, 0], [0, 0, 255]])


def test_presets_are_valid_distinct_colours():
    for name, codes in PRESETS.items():
        assert len(set(codes)) == len(codes) >= 2, name
        for code in codes:
            parse_color(code)
    assert PRESETS["Game Boy (DMG greens)"] == ("#0f380f", "#306230", "#8bac0f", "#9bbc0f")
