"""The Palette tab's recolouring, contrast table and .ase files, driven headless with AppTest."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import core
from tests.test_app import open_tab
from ui import address, recolor, settings

APP = "../streamlit_app.py"
FLOWER = "Still: a flower (scikit-learn)"


def opened(params: dict | None = None, tab: str | None = "Palette") -> AppTest:
    """The page opened from an address holding ``params``, then with ``tab`` open (only the
    open tab runs; ``None`` keeps the first run, where the address is read)."""
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in (params or {}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    return at if tab is None else open_tab(at, tab)


def pickers(at: AppTest) -> list:
    return [c for c in at.color_picker if str(c.key).startswith(recolor.PICK)]


def image_urls(at: AppTest) -> list[str]:
    return [i.proto.imgs[0].url for i in at.image]


def labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_editing_a_swatch_shows_the_recoloured_still_beside_the_original():
    at = opened({"sample": "flower"})
    swatches = pickers(at)
    assert len(swatches) == 8  # one per colour of k=8, largest share first
    assert [c.value for c in swatches] == [c.key[len(recolor.PICK):] for c in swatches]
    before = image_urls(at)
    old = swatches[4].value
    swatches[4].set_value("#3060D0").run()
    assert not at.exception and not at.error
    after = image_urls(at)
    assert len(after) == len(before) + 2  # the original and the recoloured picture
    assert "**Recoloured** (1 of the colours changed)" in [m.value for m in at.markdown]
    assert at.session_state[recolor.KEY] == {old: "#3060d0"}
    assert at.query_params["recolor"] == f"{old[1:]}-3060d0"
    # Another colour for the same swatch gives another picture.
    pickers(at)[4].set_value("#20a040").run()
    assert image_urls(at)[-1] != after[-1]
    assert "Recoloured PNG" in labels(open_tab(at, "Export"))


def test_reset_returns_to_the_original():
    at = opened({"sample": "flower"})
    first = pickers(at)[0]
    original = first.value
    first.set_value("#ff00ff").run()
    at.button(key="recolor_reset").click().run()
    assert not at.exception
    assert at.session_state[recolor.KEY] == {}
    assert "recolor" not in at.query_params
    assert pickers(at)[0].value == original
    assert "Recoloured PNG" not in labels(open_tab(at, "Export"))


def test_a_link_with_edits_opens_them_and_a_bad_one_is_named():
    old = pickers(opened({"sample": "flower"}))[1].value
    at = opened({"sample": "flower", "recolor": f"{old[1:]}-102030"})
    assert not at.warning
    assert pickers(at)[1].value == "#102030"
    assert "Recoloured PNG" in labels(open_tab(at, "Export"))
    bad = opened({"sample": "flower", "recolor": "<b>-ff0000"}, tab=None)
    assert len(bad.warning) == 1 and "recolor=" in bad.warning[0].value
    assert "<b>" not in bad.warning[0].value
    assert "recolor" not in bad.query_params
    assert "Recoloured PNG" not in labels(open_tab(bad, "Export"))


def test_the_animation_is_recoloured_with_gif_and_mp4_downloads():
    at = opened()
    swatches = pickers(at)
    assert swatches, "the sample animation's global palette has pickers"
    swatches[2].set_value("#c02060").run()
    assert not at.exception and not at.error
    fades = [c.value for c in at.caption if "flickers less on this animation" in c.value]
    assert len(fades) == 1 and ("evenly" in fades[0] or "screen's colours" in fades[0])
    at = open_tab(at, "Export")
    assert "Recoloured GIF" in labels(at)
    at.toggle(key="make_recolor_mp4").set_value(True).run()
    assert not at.exception and not at.error
    assert "Recoloured MP4" in labels(at)


def contrast_tables(at) -> list[str]:
    # Each chart's spec as text: plotly escapes "↓" unless orjson is installed.
    specs = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
             for c in at.get("plotly_chart")]
    return [spec for spec in specs if "background ↓" in spec]


def test_the_contrast_table_names_every_pair_and_follows_the_edits():
    at = opened({"sample": "flower"})
    specs = contrast_tables(at)
    assert len(specs) == 1
    assert specs[0].count(" AA") + specs[0].count(" fails") >= 8 * 7
    pickers(at)[0].set_value("#fafafa").run()
    assert "#fafafa" in contrast_tables(at)[0]


def test_the_palette_exports_offer_ase_and_follow_the_edits():
    at = opened({"sample": "flower"})
    old = pickers(at)[0].value
    pickers(at)[0].set_value("#123456").run()
    at = open_tab(at, "Export")
    assert ".ase" in labels(at)
    captions = " ".join(c.value for c in at.caption)
    assert "as recoloured in the Palette tab" in captions
    assert old.startswith("#")


def test_an_ase_file_locks_its_colours():
    palette = core.quantize(np.full((4, 4, 3), 9, np.uint8), 1, locked=["#123456"]).palette
    at = opened({"sample": "flower", "k": "4"})
    at.file_uploader(key="lock_file").set_value(("brand.ase", core.to_ase(palette),
                                                 "application/octet-stream")).run()
    assert not at.exception and not at.error
    assert at.session_state["locked"] == ["#123456"]


def test_a_broken_ase_file_names_the_problem_and_keeps_the_result():
    at = opened({"sample": "flower", "k": "4"})
    at.file_uploader(key="lock_file").set_value(("bad.ase", b"ASEF\x00\x01\x00\x00\x00\x00\x00\x09",
                                                 "application/octet-stream")).run()
    assert not at.exception
    assert len(at.error) == 1 and "bad.ase" in at.error[0].value
    assert "block 1" in at.error[0].value


def test_transfer_by_recolouring_in_the_transfer_tab():
    at = opened({"sample": "cat"}, tab="Transfer")
    at.selectbox(key="transfer_method").set_value("recolor").run()
    assert not at.exception and not at.error
    assert any("Shapes kept:" in m.value for m in at.markdown)


@pytest.mark.parametrize(
    "text, edits",
    [("2E4A1F-ff8800", {"#2e4a1f": "#ff8800"}),
     ("2e4a1f-ff8800,c0c0c0-c0c0c0,,", {"#2e4a1f": "#ff8800"})],
)
def test_the_address_reads_recolor_pairs(text, edits):
    parsed = address.parse({"recolor": text})
    assert parsed.ignored == [] and parsed.values == {recolor.KEY: edits}
    assert address.parse(address.encode({recolor.KEY: edits})).values == {recolor.KEY: edits}


@pytest.mark.parametrize("text", ["ff8800", "2e4a1f-ff88", "2e4a1f-ff8800-000000",
                                  ",".join(["000000-ffffff"] * (settings.K_MAX + 1))])
def test_the_address_refuses_what_is_not_pairs(text):
    parsed = address.parse({"recolor": text})
    assert parsed.values == {} and parsed.ignored[0].startswith("recolor=")
