"""The page's Export: "Fit in" a size, and the full-size MP4 with the clip's sound.

The bytes behind a download button cannot be read in AppTest; the page keeps
what it made in the session (``ui.export.EXPORTS_KEY``), which is read here.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from skimage import data

import core
from core._audio import has_audio
from tests.conftest import ROOT, data_path
from tests.test_app import open_tab, start, texts
from ui.export import EXPORTS_KEY, OTHER


def _clip(path, n: int = 30) -> bytes:
    # A photo panned two pixels a frame with noise, 192x128 at 15 fps: an upload.
    rng = np.random.default_rng(1)
    base = np.asarray(Image.fromarray(data.coffee()).resize((192 + 2 * n, 128)))
    frames = [np.clip(base[:, 2 * i : 2 * i + 192].astype(int) + rng.integers(-3, 4, (128, 192, 3)),
                      0, 255).astype(np.uint8) for i in range(n)]
    core.save_mp4(frames, path, fps=15)
    return path.read_bytes()


def _made(at) -> dict:
    return dict(at.session_state[EXPORTS_KEY]) if EXPORTS_KEY in at.session_state else {}


def _fit_in(at, megabytes: float):
    open_tab(at, "Export")
    at.selectbox(key="fit_in").set_value(OTHER).run()
    at.number_input(key="fit_in_mb").set_value(megabytes).run()
    assert not at.exception and not at.error
    return at


@pytest.mark.slow
def test_fit_in_makes_a_gif_within_the_size_and_names_what_was_chosen():
    at = _fit_in(start(), 0.12)
    # One palette for all frames has no colours to choose frame by frame.
    assert "does not apply to one palette" in texts(at)
    assert "full_global" not in [b.key for b in at.button]
    full = at.button(key="full_stable")
    assert full.label == "Full size: Stable, fit in 120 KB"
    full.click().run()
    assert not at.exception and not at.error
    (made,) = _made(at).values()
    fit = made.report.fit
    assert len(made.data()) == made.report.bytes <= 120_000 and fit.fits
    labels = [b.proto.label for b in at.get("download_button")]
    assert f"GIF: Stable, {fit.summary}" in labels
    assert f"Chosen: {fit.summary}" in texts(at)


@pytest.mark.slow
def test_a_size_nothing_fits_in_is_said_and_the_smallest_file_offered():
    at = _fit_in(start(), 0.02)
    at.button(key="full_stable").click().run()
    assert not at.exception
    assert any("Nothing fits in" in e.value for e in at.error)
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(label.startswith("GIF: Stable, smallest reached:") for label in labels)


@pytest.mark.slow
def test_the_page_and_the_command_line_give_the_same_file(tmp_path):
    clip = tmp_path / "pan.mp4"
    data_bytes = _clip(clip)
    at = start()
    at.file_uploader(key="upload").set_value(("pan.mp4", data_bytes, "video/mp4")).run()
    _fit_in(at, 0.3)
    at.button(key="full_stable").click().run()
    (made,) = _made(at).values()
    out = tmp_path / "cli.gif"
    done = subprocess.run([sys.executable, "-m", "core", str(clip), str(out), "--max-size",
                           "0.3MB", "--max-side", "1280"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == made.data()
    assert f"chosen: {made.report.fit.summary}" in done.stdout


@pytest.mark.slow
def test_the_full_size_mp4_keeps_the_clips_sound(tmp_path):
    clip = data_path("clips", "realshort.mp4")
    at = start()
    at.file_uploader(key="upload").set_value(("realshort.mp4", clip.read_bytes(),
                                               "video/mp4")).run()
    open_tab(at, "Export")
    assert at.selectbox(key="mp4_mode").value == "stable"
    button = at.button(key="full_mp4")
    assert button.label == "Make the MP4: Stable, 320x240"
    button.click().run()
    assert not at.exception and not at.error
    (made,) = [m for m in _made(at).values() if m.key[-1] == "mp4"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert "MP4: Stable, 320x240" in labels
    assert "sound is kept" in texts(at)
    saved = tmp_path / "out.mp4"
    saved.write_bytes(made.data())
    assert has_audio(str(saved))
    back = core.load_media(saved)
    assert back.size == (320, 240)
