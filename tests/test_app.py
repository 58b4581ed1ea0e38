"""The page's logic, driven headless with Streamlit's AppTest on the bundled samples."""

from __future__ import annotations

import io
import json
import struct
import tomllib
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import core
from core.limits import DEFAULT_LIMITS
from core.palette import EXPORTS
from core.samples import SAMPLES
from ui.labels import MODE_LABELS

APP = "../streamlit_app.py"
ROOT = Path(__file__).resolve().parents[1]
STILL = "Still: Chelsea the cat (scikit-image)"


def widget(at: AppTest, key: str):
    """The widget with ``key``, whatever its kind."""
    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "key", None) == key and hasattr(child, "set_value"):
                return child
            found = walk(child)
            if found is not None:
                return found
        return None

    found = walk(at._tree)
    assert found is not None, f"no widget with key {key!r}"
    return found


def start(**widgets) -> AppTest:
    """The page after its first run, then with ``widgets`` (key -> value) set."""
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    for key, value in widgets.items():
        widget(at, key).set_value(value)
    if widgets:
        at.run()
    return at


def open_tab(at: AppTest, name: str) -> AppTest:
    """The page with tab ``name`` open (only the open tab runs)."""
    at.session_state["tab"] = name
    return at.run()


def player(at: AppTest) -> dict:
    """What the Compare tab's player was given: its panels (title, url...) and durations."""
    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "key", None) == "compare_player":
                return json.loads(child.proto.json)
            found = walk(child)
            if found is not None:
                return found
        return None

    found = walk(at._tree)
    assert found is not None, "no player on the page"
    return found


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="upload").set_value((name, data, "image/gif")).run()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` pixels and holds none (a bomb's header)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def gif_bytes(frames: list[np.ndarray]) -> bytes:
    images = [Image.fromarray(f).quantize(16) for f in frames]
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=40,
                   loop=0)
    return buf.getvalue()


def test_first_load_compares_every_mode_of_the_sample_animation():
    at = start()
    assert not at.error
    assert "flickers" in texts(at) and "x less" in texts(at)
    # The original and every mode in one player, Stable beside the original.
    titles = [p["title"] for p in player(at)["panels"]]
    assert titles[0].startswith("Original (40 frames, 320x214)")
    assert titles[1:] == [MODE_LABELS[m] for m in ("stable", "independent", "seeded", "global")]
    assert len(player(at)["durations"]) == 40
    # Flicker and colour error for each mode, the flicker chart.
    assert [m.label for m in at.metric].count("Flicker") == len(core.MODES)
    spec = at.get("plotly_chart")[0].proto.spec
    assert all(MODE_LABELS[m] in spec for m in core.MODES)


def test_independent_flickers_more_than_seeded_on_the_sample():
    at = start()
    order = ("stable", "independent", "seeded", "global")  # as the columns are drawn
    values = {mode: float(at.metric[2 * i].value) for i, mode in enumerate(order)}
    assert values["independent"] > 3 * values["seeded"]


def test_changing_k_changes_the_palette_length():
    at = open_tab(start(sample=STILL, k=5), "Palette")
    assert "The **5 colours** of the image" in texts(at)
    bar = at.get("plotly_chart")[0].proto.spec
    assert bar.count('"#') >= 5
    at.slider(key="k").set_value(11).run()
    assert not at.exception
    assert "The **11 colours** of the image" in texts(at)


def test_still_quick_compare_of_spaces_and_distances():
    at = start(sample=STILL)
    assert texts(at).count("Colour error: mean ΔE") == len(core.SPACES)
    widget(at, "still_compare").set_value("distances").run()
    assert not at.exception and not at.error
    assert texts(at).count("Colour error: mean ΔE") == 2
    assert "Manhattan" in texts(at)


def quantized_modes(monkeypatch) -> list[str]:
    """The modes ``core.quantize_gif`` (each mode of the comparison) is called with from now on."""
    calls = []
    real = core.quantize_gif

    def spy(*args, **kwargs):
        calls.append(kwargs["mode"])
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "quantize_gif", spy)
    return calls


@pytest.mark.slow
def test_a_knob_recomputes_only_what_depends_on_it(monkeypatch):
    at = open_tab(start(k=3, seed=11), "Compare")
    calls = quantized_modes(monkeypatch)
    open_tab(at, "3D colours")
    widget(at, "cloud_modes").set_value(["seeded"]).run()
    assert calls == []  # an unrelated widget recomputes nothing
    at.radio(key="init").set_value("random").run()
    assert not at.exception
    # Independent always starts at random, so the initialisation knob leaves it alone.
    assert "independent" not in calls
    assert "seeded" in calls


def test_stable_mode_knobs_recompute_only_the_stable_mode(monkeypatch):
    at = start(k=3, seed=11)
    calls = quantized_modes(monkeypatch)
    at.slider(key="damping").set_value(4.0).run()
    assert not at.exception
    assert calls == ["stable"]


def test_dithering_redraws_the_still_with_the_same_palette():
    at = start(sample=STILL, k=6)
    plain = [line for line in texts(at).splitlines() if "Colour error: mean ΔE" in line]
    at.radio(key="dither").set_value("bayer").run()
    assert not at.exception and not at.error
    dithered = [line for line in texts(at).splitlines() if "Colour error: mean ΔE" in line]
    assert dithered and dithered != plain
    assert "The **6 colours** of the image" in texts(open_tab(at, "Palette"))


def test_an_mp4_is_made_when_asked_for():
    at = open_tab(start(), "Export")
    assert at.selectbox(key="mp4_mode").value == "stable"  # the default result everywhere
    labels = [b.proto.label for b in at.get("download_button")]
    assert not any(label.startswith("MP4:") for label in labels)
    at.toggle(key="make_mp4").set_value(True).run()
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("MP4:") for label in labels)


def test_a_text_file_named_gif_gives_a_friendly_error_and_keeps_the_page():
    at = upload(start(), "notes.gif", b"this is not a picture\n" * 20)
    assert not at.exception
    assert len(at.error) == 1
    assert "notes.gif" in at.error[0].value and "not an image" in at.error[0].value
    # The last good result (the sample animation) is still on the page.
    assert [m.label for m in at.metric].count("Flicker") == len(core.MODES)


def test_a_truncated_gif_gives_a_friendly_error():
    frames = [np.full((32, 32, 3), 40 * i, dtype=np.uint8) for i in range(4)]
    data = gif_bytes(frames)
    at = upload(start(), "cut.gif", data[: len(data) // 2])
    assert not at.exception
    assert len(at.error) == 1 and "cut.gif" in at.error[0].value


def test_an_image_over_the_pixel_limit_is_refused_with_the_limit_named():
    side = int(np.sqrt(DEFAULT_LIMITS.max_decode_pixels)) + 100
    at = upload(start(), "huge.png", png_header_only(side, side))
    assert not at.exception
    assert len(at.error) == 1
    assert f"{DEFAULT_LIMITS.max_decode_pixels / 1e6:.0f} megapixels" in at.error[0].value


@pytest.mark.slow
def test_a_gif_with_too_many_frames_is_cut_with_a_notice():
    n = DEFAULT_LIMITS.max_frames + 5
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (24, 24, 3), dtype=np.uint8)
    frames = [np.roll(base, i % 3, axis=1) for i in range(n)]
    at = upload(start(k=2), "long.gif", gif_bytes(frames))
    assert not at.exception and not at.error
    notices = " ".join(i.value for i in at.info)
    assert f"first {DEFAULT_LIMITS.max_frames} of {n} frames" in notices


def test_settings_that_do_not_go_together_show_an_error_and_keep_the_last_result():
    at = start(sample=STILL)
    at.radio(key="metric").set_value("manhattan")
    at.radio(key="algorithm").set_value("minibatch").run()
    assert not at.exception
    assert len(at.error) == 1 and "manhattan" in at.error[0].value.lower()
    assert any("last result that worked" in i.value for i in at.info)
    assert len(at.image) >= 2


def test_export_offers_each_mode_and_every_palette_format():
    at = open_tab(start(), "Export")
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(labels) == len(core.MODES) + len(EXPORTS)
    assert sum(label.startswith("GIF:") for label in labels) == len(core.MODES)
    for _, extension, _ in EXPORTS.values():
        assert f".{extension}" in labels


def test_transfer_tab_recolours_the_sample():
    at = open_tab(start(sample=STILL), "Transfer")
    assert not at.exception and not at.error
    page = texts(at)
    assert "Shapes kept:" in page and "Colours used:" in page
    assert any(b.proto.label == "Download the result" for b in at.get("download_button"))


def test_limits_are_in_one_place():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == DEFAULT_LIMITS.max_upload_mb
    at = start(sample=STILL)
    sidebar = " ".join(m.value for m in at.sidebar.caption)
    assert f"{DEFAULT_LIMITS.max_upload_mb} MB" in sidebar
    assert f"{DEFAULT_LIMITS.max_frames} frames" in sidebar


@pytest.mark.slow
def test_every_sample_loads_without_error():
    at = start(k=4)
    for name in SAMPLES:
        at.selectbox(key="sample").set_value(name).run()
        assert not at.exception and not at.error, name


def opened(params: dict) -> AppTest:
    """The page's first run, opened from an address holding ``params``."""
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def test_a_link_opens_with_its_settings_and_the_address_follows_the_knobs():
    at = opened({"k": "5", "space": "hsv", "metric": "manhattan", "seed": "42",
                 "dither": "bayer", "sample": "cat", "palette": "ff0000,0f380f"})
    assert not at.exception and not at.error and not at.warning
    assert at.slider(key="k").value == 5
    assert at.radio(key="space").value == "hsv"
    assert at.radio(key="metric").value == "manhattan"
    assert at.number_input(key="seed").value == 42
    assert at.radio(key="dither").value == "bayer"
    assert at.selectbox(key="sample").value == STILL
    assert "The **5 colours** of the image" in texts(open_tab(at, "Palette"))
    # The knobs rule from now on, and the address follows them.
    at.slider(key="k").set_value(7).run()
    at.radio(key="space").set_value("oklab").run()
    assert not at.exception
    assert at.query_params == {"k": "7", "space": "oklab", "metric": "manhattan", "seed": "42",
                               "dither": "bayer", "sample": "cat", "palette": "ff0000,0f380f"}
    assert "The **7 colours** of the image" in texts(at)


def test_a_hostile_link_opens_with_defaults_and_a_short_notice():
    at = opened({"k": "99999", "space": "<script>alert(1)</script>", "seed": "9" * 400,
                 "metric": "\"'", "evil": "![x](http://t/x.png)", "sample": "cat"})
    assert not at.exception and not at.error
    assert len(at.warning) == 1
    notice = at.warning[0].value
    for name in ("k=99999", "space=", "seed=", "metric=", "evil="):
        assert name in notice
    assert "<script>" not in notice and "![x](" not in notice
    assert at.slider(key="k").value == 8 and at.radio(key="space").value == "lab"
    assert at.query_params == {"sample": "cat"}  # what was ignored leaves the address
    at.slider(key="k").set_value(6).run()
    assert not at.warning  # the notice is shown once


def test_locked_colours_from_a_link_are_in_the_palette_and_marked():
    at = open_tab(opened({"sample": "cat", "k": "4", "palette": "ff0000,00ff00"}), "Palette")
    assert not at.exception and not at.error
    assert at.session_state["locked"] == ["#ff0000", "#00ff00"]
    bar = at.get("plotly_chart")[0].proto.spec
    assert "#ff0000 (locked)" in bar and "#00ff00 (locked)" in bar
    assert [c.value for c in at.sidebar.color_picker][:2] == ["#ff0000", "#00ff00"]


def test_locking_a_swatch_keeps_it_while_the_rest_is_refitted():
    at = open_tab(start(sample=STILL, k=5), "Palette")
    pills = at.pills[0]
    colour = pills.options[2]
    pills.set_value([colour]).run()
    assert not at.exception and not at.error
    assert at.session_state["locked"] == [colour]
    assert at.query_params["palette"] == colour.lstrip("#")
    assert f"{colour} (locked)" in at.get("plotly_chart")[0].proto.spec
    at.slider(key="k").set_value(3).run()
    assert f"{colour} (locked)" in at.get("plotly_chart")[0].proto.spec


def test_a_preset_is_locked_and_k_is_set_to_its_colours():
    at = open_tab(start(sample=STILL, k=3), "Palette")
    at.selectbox(key="lock_preset").set_value("PICO-8").run()
    assert not at.exception and not at.error
    assert len(at.session_state["locked"]) == 16
    assert at.slider(key="k").value == 16
    assert "The **16 colours** of the image" in texts(at)
    assert any("k was set to 16" in i.value for i in at.info)
    # Unlocking them all leaves the picker empty again: it no longer names a palette in use.
    at.button(key="unlock_all").click().run()
    assert at.session_state["locked"] == [] and at.selectbox(key="lock_preset").value is None


def test_an_exported_palette_file_locks_its_colours():
    gpl = core.to_gpl(core.quantize(np.full((4, 4, 3), 9, np.uint8), 1, locked=["#123456"])
                      .palette)
    at = start(sample=STILL, k=4)
    at.file_uploader(key="lock_file").set_value(("mine.gpl", gpl.encode(), "text/plain")).run()
    assert not at.exception and not at.error
    assert at.session_state["locked"] == ["#123456"]


def test_a_bad_palette_file_names_the_line_and_keeps_the_result():
    at = start(sample=STILL, k=4)
    before = [m.value for m in at.metric]
    bad = b"#ff0000\n#00ff00\nnot a colour\n"
    at.file_uploader(key="lock_file").set_value(("bad.txt", bad, "text/plain")).run()
    assert not at.exception
    assert len(at.error) == 1 and "line 3" in at.error[0].value
    assert "bad.txt" in at.error[0].value
    assert at.session_state["locked"] == []
    assert [m.value for m in at.metric] == before


def test_a_bad_pasted_colour_is_named():
    at = start(sample=STILL, k=4)
    at.text_input(key="lock_paste").set_value("#ff0000, #nothex").run()
    assert not at.exception
    assert len(at.error) == 1 and "nothex" in at.error[0].value
    assert at.session_state["locked"] == []


def test_more_locked_colours_than_k_keeps_the_last_result():
    at = opened({"sample": "cat", "k": "4", "palette": "ff0000,00ff00,0000ff"})
    at.slider(key="k").set_value(2).run()
    assert not at.exception
    assert len(at.error) == 1 and "3 colours are locked but k is 2" in at.error[0].value
    assert any("last result that worked" in i.value for i in at.info)


def test_compare_and_export_name_every_file_size():
    at = start(k=4)
    page = texts(at)
    assert page.count("GIF file:") == len(core.MODES)
    open_tab(at, "Export")
    sizes = [c.value for c in at.caption if c.value.endswith(" KB") or c.value.endswith(" MB")]
    assert len(sizes) >= len(core.MODES)


def test_the_large_view_zooms_into_the_chosen_frame():
    at = open_tab(start(k=4), "Large view")
    assert "Showing frame 1 of 40, the whole picture (320x214)" in texts(at)
    assert widget(at, "large_mode").value == "stable"  # the default result everywhere
    widget(at, "large_zoom").set_value(4).run()
    next(s for s in at.slider if s.label == "Frame").set_value(10).run()
    assert not at.exception and not at.error
    assert "Showing frame 10 of 40, pixels" in texts(at) and "each drawn 4x4" in texts(at)


def test_the_transfer_draws_both_clouds_and_the_result_in_3d():
    at = open_tab(start(sample=STILL), "Transfer")
    assert not at.exception and not at.error
    charts = {c.proto.id: c.proto.spec for c in at.get("plotly_chart")}
    specs = [spec for spec in charts.values() if "where each colour goes" in spec]
    assert len(specs) == 1 and '"scatter3d"' in specs[0]
    assert any("the other picture" in spec and "by use" in spec for spec in charts.values())
