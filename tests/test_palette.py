"""Palette exports in the formats designers use."""

from __future__ import annotations

import io
import json
import mimetypes

import numpy as np
import pytest
from PIL import Image

from core.palette import (
    EXPORTS,
    Palette,
    read_palette,
    to_css,
    to_gpl,
    to_hex_list,
    to_json,
    to_swatch_png,
)

PAL = Palette(
    np.array([[255, 0, 0], [0, 128, 255], [16, 16, 16]], dtype=np.uint8), np.array([0.2, 0.5, 0.3])
)


def test_hex_list_is_sorted_by_share():
    assert to_hex_list(PAL).split() == ["#0080ff", "#101010", "#ff0000"]


def test_json_round_trips():
    data = json.loads(to_json(PAL))["colors"]
    assert [c["hex"] for c in data] == ["#0080ff", "#101010", "#ff0000"]
    assert data[0]["rgb"] == [0, 128, 255] and data[0]["share"] == 0.5


def test_css_custom_properties():
    css = to_css(PAL)
    assert css.startswith(":root {") and "--color-1: #0080ff;" in css
    assert "--brand-3: #ff0000;" in to_css(PAL, prefix="brand")
    with pytest.raises(ValueError, match="prefix"):
        to_css(PAL, prefix="x: red; } body { display: none")


def test_gpl_is_a_gimp_palette():
    lines = to_gpl(PAL, name="evil\nName: x").splitlines()
    assert lines[0] == "GIMP Palette" and lines[1] == "Name: evilName: x"
    rows = [line.split("\t")[0].split() for line in lines[4:]]
    assert rows == [["0", "128", "255"], ["16", "16", "16"], ["255", "0", "0"]]


def test_swatch_png_widths_follow_shares():
    im = np.asarray(Image.open(io.BytesIO(to_swatch_png(PAL, width=100, height=10))))
    assert im.shape == (10, 100, 3)
    row = im[0]
    assert (row == [0, 128, 255]).all(axis=1).sum() == 50
    assert (row == [255, 0, 0]).all(axis=1).sum() == 20


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_holds_every_colour_in_its_declared_type(name):
    # The app offers each EXPORTS entry as a download named by its extension and
    # MIME type: each must produce that kind of file, holding every colour.
    export, extension, mime = EXPORTS[name]
    out = export(PAL)
    guessed = mimetypes.guess_type(f"palette.{extension}")[0]
    assert guessed in (mime, None), (extension, mime)  # .gpl is unknown to mimetypes
    if mime.startswith("image/"):
        im = Image.open(io.BytesIO(out))
        assert im.format.lower() == extension
        colours = {tuple(c) for c in np.asarray(im.convert("RGB"))[0].tolist()}
        assert colours == {tuple(c) for c in PAL.colors.tolist()}
    elif mime == "application/octet-stream":  # .ase: binary, every colour read back
        assert isinstance(out, bytes)
        assert {tuple(c) for c in read_palette(out, extension).tolist()} == {
            tuple(c) for c in PAL.colors.tolist()
        }
    else:
        assert isinstance(out, str)
        if mime == "application/json":
            json.loads(out)
        assert all(h in out for h in PAL.hex)
