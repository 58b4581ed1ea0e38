"""The command line's size target, locked colours and sound: ``--max-size``, ``--locked``."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from skimage import data

import core
from core import _cli
from core._audio import has_audio
from tests.conftest import ROOT, data_path

RED = (255, 0, 0)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> str:
    """A 2 s clip at 15 fps, 128x96: a photo panning under a red square that stays put."""
    rng = np.random.default_rng(2)
    base = np.asarray(Image.fromarray(data.astronaut()).resize((128 + 30, 96)))
    frames = []
    for i in range(30):
        frame = base[:, i : i + 128].astype(int) + rng.integers(-3, 4, (96, 128, 3))
        frame[10:40, 10:40] = RED
        frames.append(np.clip(frame, 0, 255).astype(np.uint8))
    path = tmp_path_factory.mktemp("cli") / "clip.mp4"
    core.save_mp4(frames, path, fps=15)
    return str(path)


def test_max_size_writes_at_most_that_and_says_what_it_chose(clip, tmp_path):
    out = tmp_path / "fit.gif"
    done = run(clip, str(out), "--max-size", "120KB")
    assert done.returncode == _cli.OK, done.stderr
    assert out.stat().st_size <= 120_000
    line = next(s for s in done.stdout.splitlines() if "chosen:" in s)
    assert "chosen: k=" in line and "15 fps, 128x96:" in line and "fit in 120 KB" in line
    # A smaller size: the frame rate, then the width, go down.
    small = run(clip, str(out), "--max-size", "50KB")
    assert small.returncode == _cli.OK and out.stat().st_size <= 50_000
    assert "10 fps" in small.stdout and "width was lowered" in small.stdout


def test_a_size_nothing_fits_exits_5_and_leaves_the_smallest_file(clip, tmp_path):
    out = tmp_path / "tiny.gif"
    done = run(clip, str(out), "--max-size", "300 bytes")
    assert done.returncode == _cli.TOO_BIG
    assert "cannot be made to fit in 300 bytes" in done.stderr and "Traceback" not in done.stderr
    assert out.exists() and out.stat().st_size > 300
    assert "5 nothing within the limits fits" in run("--help").stdout


@pytest.mark.parametrize("size", ["10XB", "-1MB", "0"])
def test_a_size_that_is_not_one_is_a_usage_error(clip, tmp_path, size):
    done = run(clip, str(tmp_path / "x.gif"), "--max-size", size)
    assert done.returncode == _cli.USAGE and "--max-size" in done.stderr
    assert not (tmp_path / "x.gif").exists()


def _red_in_every_frame(path) -> bool:
    frames = core.load_media(path).frames
    return all(np.all(f == RED, axis=2).sum() >= 400 for f in frames)


def test_locked_colours_from_hex_codes_or_a_palette_file(clip, tmp_path):
    plain = tmp_path / "plain.gif"
    assert run(clip, str(plain), "-k", "8").returncode == _cli.OK
    hexed = tmp_path / "hex.gif"
    assert run(clip, str(hexed), "-k", "8", "--locked", "#ff0000,#fff").returncode == _cli.OK
    gpl = tmp_path / "brand.gpl"
    gpl.write_text("GIMP Palette\nName: brand\n255 0 0 red\n255 255 255 white\n")
    filed = tmp_path / "gpl.gif"
    assert run(clip, str(filed), "-k", "8", "--locked", str(gpl)).returncode == _cli.OK
    # The codec blurs the red square off #ff0000; locked, every frame shows it exactly.
    assert _red_in_every_frame(hexed) and _red_in_every_frame(filed)
    assert filed.read_bytes() == hexed.read_bytes()
    assert not _red_in_every_frame(plain)


@pytest.mark.parametrize(("value", "words"), [
    ("#ff00zz", "not a colour"), ("missing.gpl", "not a colour"),
])
def test_locked_colours_that_are_not_colours_are_a_usage_error(clip, tmp_path, value, words):
    done = run(clip, str(tmp_path / "x.gif"), "--locked", value)
    assert done.returncode == _cli.USAGE and words in done.stderr


def test_a_bad_palette_file_names_its_line(clip, tmp_path):
    gpl = tmp_path / "bad.gpl"
    gpl.write_text("GIMP Palette\n255 0 red\n")
    done = run(clip, str(tmp_path / "x.gif"), "--locked", str(gpl))
    assert done.returncode == _cli.USAGE and "line 2" in done.stderr


def test_an_mp4_keeps_the_sound_of_the_part_unless_asked_not_to(tmp_path):
    source = str(data_path("clips", "realshort.mp4"))
    with_sound, without = tmp_path / "a.mp4", tmp_path / "b.mp4"
    done = run(source, str(with_sound), "-k", "16", "--start", "0.3")
    assert done.returncode == _cli.OK and "sound is kept" in done.stdout
    assert run(source, str(without), "-k", "16", "--no-audio").returncode == _cli.OK
    assert has_audio(str(with_sound)) and not has_audio(str(without))
