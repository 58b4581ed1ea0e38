"""The page with a part of a clip chosen: the preview and the export follow it, the address
carries it, a short file is named as such; transfer in one step; a fixed palette far from the
picture. Clips are made here from scikit-image's pictures."""

from __future__ import annotations

import io
import json
import subprocess

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image
from skimage import data

import core
from core.samples import SAMPLES
from tests.test_app import STILL, open_tab, opened, player, start, texts, widget

ANIMATION = next(iter(SAMPLES))
GAME_BOY = "Game Boy (DMG greens)"


def _frames(n: int, size: tuple[int, int], grain: int = 0) -> list[np.ndarray]:
    # A picture sliding two pixels a frame (grain: noise, so every frame costs bytes).
    base = np.asarray(Image.fromarray(data.astronaut()).resize((size[0] + 2 * n, size[1])))
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        frame = base[:, 2 * i : 2 * i + size[0]].astype(int)
        if grain:
            frame = frame + rng.integers(-grain, grain, frame.shape)
        out.append(np.clip(frame, 0, 255).astype(np.uint8))
    return out


def clip_bytes(n: int, size: tuple[int, int], fps: float, tmp_path, grain: int = 0) -> bytes:
    path = tmp_path / f"clip_{n}_{size[0]}.mp4"
    core.save_mp4(_frames(n, size, grain), path, fps=fps)
    return path.read_bytes()


def upload_clip(at, name: str, blob: bytes):
    return at.file_uploader(key="upload").set_value((name, blob, "video/mp4")).run()


def kept_runs(at) -> dict:
    """The results the page keeps in this session, by mode."""
    return {key[2]: run for key, run in at.session_state["session_store"]["run"].items()}


def test_the_part_and_rate_of_the_sample_reach_the_comparison_and_its_gif():
    at = start()
    at.slider(key=f"part:sample:{ANIMATION}").set_value((1.0, 2.0))
    at.selectbox(key="fps").set_value(10).run()
    assert not at.exception and not at.error
    sentence = " ".join(i.value for i in at.info)
    assert "The comparison plays the whole part, seconds 1–2 (10 frames)" in sentence
    durations = player(at)["durations"]
    assert len(durations) == 10 and sum(durations) == 1000
    # What Export offers for the sample is that GIF: the part at 10 fps.
    gif = core.load_media(kept_runs(at)["stable"].file)
    assert len(gif.frames) == 10 and sum(gif.durations) == 1000
    assert at.query_params["start"] == "1" and at.query_params["end"] == "2"
    assert at.query_params["fps"] == "10"


def test_a_link_opens_with_its_part_and_rate():
    at = opened({"start": "0.8", "end": "2.4", "fps": "10"})
    assert not at.exception and not at.error and not at.warning
    assert at.slider(key=f"part:sample:{ANIMATION}").value == (0.8, 2.4)
    assert at.selectbox(key="fps").value == 10
    assert "seconds 0.8–2.4" in " ".join(i.value for i in at.info)
    at.selectbox(key="fps").set_value(20).run()
    assert at.query_params["fps"] == "20" and at.query_params["start"] == "0.8"


@pytest.mark.slow
def test_a_clips_part_rate_and_width_reach_the_preview_and_the_full_size_export(tmp_path):
    blob = clip_bytes(80, (800, 450), 20, tmp_path)  # 4 s
    at = upload_clip(start(), "walk.mp4", blob)
    assert not at.exception and not at.error
    at.slider(key=next(k for k in at.session_state if str(k).startswith("part:") and
                       "sample" not in str(k))).set_value((1.0, 3.0))
    at.selectbox(key="fps").set_value(10).run()
    info = " ".join(i.value for i in at.info)
    # 20 frames of 800x450 fit the preview's budget at 640x360: the whole part, smaller.
    assert ("The comparison plays seconds 1–3 at 640x360 (all the part's 20 frames); the "
            "export uses the whole part, seconds 1–3, at 800x450.") in info
    assert player(at)["durations"] == [100] * 20 and player(at)["size"] == [640, 360]
    at = open_tab(at, "Export")
    full = at.button(key="full_stable")
    assert "800x450, 20 frames" in full.help
    full.click().run()
    assert not at.exception and not at.error
    assert "800x450, 20 frames" in texts(at)
    # A narrower width: the preview is the export, its GIF offered as it is.
    at.selectbox(key="width").set_value(480).run()
    assert any(b.proto.label == "GIF: Stable" for b in at.get("download_button"))
    at = open_tab(at, "Compare")
    assert "the whole part, seconds 1–3 (20 frames), at 480x270" in " ".join(
        i.value for i in at.info)


@pytest.mark.slow
def test_a_clip_that_ends_early_is_named_short_not_a_pixel_budget(tmp_path):
    grainy = tmp_path / "grainy.mp4"
    grainy.write_bytes(clip_bytes(80, (320, 180), 20, tmp_path, grain=40))
    whole = tmp_path / "whole.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(grainy), "-c",
                    "copy", "-movflags", "+faststart", str(whole)], check=True)
    blob = whole.read_bytes()
    at = upload_clip(start(), "cut.mp4", blob[: len(blob) * 6 // 10])
    assert not at.exception and not at.error
    notices = " ".join(i.value for i in at.info)
    kept = len(player(at)["durations"])
    assert kept < 70
    assert f"The file gave {kept} frames of the 80 its length promises" in notices
    assert "damaged or cut short" in notices and "million pixels" not in notices


def test_choosing_the_other_image_runs_the_transfer_and_names_both():
    at = open_tab(start(sample=STILL), "Transfer")
    assert not at.exception and not at.error
    at.selectbox(key="transfer_sample").set_value("Still: a cup of coffee (scikit-image)").run()
    assert not at.exception and not at.error
    button = at.get("download_button")[0].proto
    assert button.label == "Download the result"
    assert "Chelsea_the_cat_in_colours_of_a_cup_of_coffee.png" in button.help
    # An image uploaded beside the picker is used at once, and the picker says so.
    png = io.BytesIO()
    Image.fromarray(data.rocket()).save(png, format="PNG")
    at.file_uploader(key="transfer_upload").set_value(("my rocket.png", png.getvalue(),
                                                       "image/png")).run()
    assert not at.exception and not at.error
    picker = at.selectbox(key="transfer_sample")
    assert picker.value == "upload" and "Your image: my rocket.png" in picker.options
    assert "in_colours_of_my_rocket.png" in at.get("download_button")[0].proto.help


def _palette_shares(at) -> np.ndarray:
    # The palette chart labels each bar with its share: "31.2%".
    bar = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    return np.array([float(t.rstrip("%")) for t in bar["text"]]) / 100


@pytest.mark.slow
def test_game_boy_at_k4_paints_a_grey_picture_in_more_than_one_colour_in_every_mode():
    camera = np.repeat(data.camera()[::2, ::2, None], 3, axis=2)
    frames = [Image.fromarray(np.roll(camera, 3 * i, axis=1)) for i in range(4)]
    gif = io.BytesIO()
    frames[0].save(gif, format="GIF", save_all=True, append_images=frames[1:], duration=100,
                   loop=0)
    at = start()
    at.file_uploader(key="upload").set_value(("grey.gif", gif.getvalue(), "image/gif")).run()
    at.selectbox(key="lock_preset").set_value(GAME_BOY).run()
    assert not at.exception and not at.error
    assert at.slider(key="k").value == 4
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "All 4 colours are locked, so the picture is mapped onto them by lightness" in sidebar
    at = open_tab(at, "Palette")
    for mode in core.MODES:
        widget(at, "palette_mode").set_value(mode).run()
        shares = _palette_shares(at)
        assert shares.max() < 0.5 and np.count_nonzero(shares > 0.1) >= 3, mode


@pytest.mark.slow
def test_a_clip_longer_than_the_limit_is_not_cut_silently(tmp_path):
    blob = clip_bytes(250, (160, 90), 10, tmp_path)  # 25 s; a clip's part is at most 20 s
    at = upload_clip(start(), "long.mp4", blob)
    assert not at.exception and not at.error
    notices = " ".join(i.value for i in at.info)
    assert ("Only the first 200 of 250 frames (20 s of 25 s) are used (a clip is limited to "
            "20 s). Move the part's start or end") in notices
    slider = next(s for s in at.slider if s.label == "Part (seconds)")
    assert slider.value == (0.0, 20.0) and slider.max == 25.0
    slider.set_value((5.0, 25.0)).run()  # the choice offered: the last 20 s
    assert not at.exception
    assert "The comparison plays the whole part, seconds 5–25 (200 frames)" in " ".join(
        i.value for i in at.info)


def test_k_goes_up_to_256_as_on_the_command_line():
    at = opened({"k": "256"})
    assert not at.exception and not at.error and not at.warning
    assert at.slider(key="k").value == 256 and at.slider(key="k").max == 256
    assert "to **256 colours**" in texts(at)
