"""Choosing the part of a source: its seconds, frame rate and width, in core.convert and the CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

import core
from core import _cli
from core._part import Part, retimed
from tests.conftest import ROOT


def _frames(n: int, size=(96, 64)) -> list[np.ndarray]:
    # A picture that slides one pixel a frame: every frame differs from the last.
    base = np.asarray(Image.fromarray(data.astronaut()).resize((size[0] + n, size[1])))
    return [np.ascontiguousarray(base[:, i : i + size[0]]) for i in range(n)]


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> str:
    """A 3 s H.264 clip at 10 fps, 96x64."""
    path = tmp_path_factory.mktemp("part") / "clip.mp4"
    core.save_mp4(_frames(30), path, fps=10)
    return str(path)


@pytest.fixture(scope="module")
def gif(tmp_path_factory) -> str:
    """A 20-frame GIF, 100 ms a frame (2 s)."""
    path = tmp_path_factory.mktemp("part") / "anim.gif"
    frames = [Image.fromarray(f) for f in _frames(20)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return str(path)


@pytest.mark.parametrize("kwargs", [
    {"start": -1}, {"start": 2, "end": 2}, {"end": float("nan")}, {"fps": 0}, {"fps": 60},
    {"width": 0}, {"width": 12.5}, {"width": True},
])
def test_a_part_out_of_range_is_refused_with_its_name(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        Part(**kwargs)


def test_retimed_keeps_the_frames_on_screen_within_the_part_and_the_total_time():
    frames = [(np.full((1, 1, 3), i, np.uint8), None, 100) for i in range(10)]  # 1 s
    def ids(part):
        return [(int(rgb[0, 0, 0]), ms) for rgb, _, ms in retimed(iter(frames), part)]
    assert ids(Part(0.25, 0.55)) == [(2, 50), (3, 100), (4, 100), (5, 50)]
    # 5 fps: every other frame, each shown twice as long.
    assert ids(Part(fps=5)) == [(0, 200), (2, 200), (4, 200), (6, 200), (8, 200)]
    assert sum(ms for _, ms in ids(Part(0.1, 0.9, fps=3))) == 800


def test_convert_keeps_the_chosen_seconds_rate_and_width_of_a_clip(clip, tmp_path):
    whole = core.convert(clip, tmp_path / "whole.gif", 16)
    part = core.convert(clip, tmp_path / "part.gif", 16, start=1, end=2.5, fps=5, width=48)
    assert (whole.frames, whole.width, whole.height) == (30, 96, 64)
    assert (part.frames, part.width, part.height) == (8, 48, 32)
    back = core.load_media(tmp_path / "part.gif")
    # 1.5 s at 5 fps: whole frames of 200 ms each, the last one rounded up.
    assert back.size == (48, 32) and back.durations == [200] * 8


def test_convert_keeps_the_chosen_part_of_a_gif(gif, tmp_path):
    report = core.convert(gif, tmp_path / "part.gif", 16, start=0.5, end=1.5, fps=5, width=40)
    back = core.load_media(tmp_path / "part.gif")
    assert (report.frames, report.width) == (5, 40)
    assert back.durations == [200] * 5


def test_a_start_past_the_end_says_how_long_the_source_is(clip, gif, tmp_path):
    with pytest.raises(core.MediaError, match="3.0 s long"):
        core.convert(clip, tmp_path / "a.gif", 8, start=5)
    with pytest.raises(core.MediaError, match="no frames from 4 s"):
        core.convert(gif, tmp_path / "b.gif", 8, start=4)


def test_outputs_are_written_with_the_usual_file_mode(gif, tmp_path):
    old = os.umask(0o022)
    try:
        core.convert(gif, tmp_path / "out.gif", 8)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.gif").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.gif"]


@pytest.mark.parametrize("name", ["out.png", "out.webp", "out.jpg"])
def test_an_output_named_for_another_format_is_refused(gif, tmp_path, name):
    with pytest.raises(ValueError, match="GIF or MP4"):
        core.convert(gif, tmp_path / name, 8)
    assert not any(tmp_path.iterdir())


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_the_command_line_takes_the_part_and_names_sizes_in_words(clip, tmp_path):
    done = run(clip, str(tmp_path / "p.gif"), "-k", "8", "--start", "1", "--end", "2",
               "--fps", "5", "--width", "48")
    assert done.returncode == _cli.OK, done.stderr
    assert "5 frames, 48x32" in done.stdout and " KB," in done.stdout
    single = run(clip, str(tmp_path / "one.gif"), "-k", "8", "--end", "0.1")
    assert "1 frame," in single.stdout


@pytest.mark.parametrize(("args", "words"), [
    (["--max-side", "0"], "pixels >= 1"), (["--width", "-5"], "pixels >= 1"),
    (["--fps", "100"], "fps"), (["--start", "3", "--end", "1"], "end"),
])
def test_the_command_line_refuses_bad_sizes_and_parts(clip, tmp_path, args, words):
    done = run(clip, str(tmp_path / "x.gif"), *args)
    assert done.returncode == _cli.USAGE and words in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "x.gif").exists()


def test_the_command_line_never_overwrites_its_input(gif, tmp_path):
    before = Path(gif).read_bytes()
    done = run(gif, gif)
    assert done.returncode == _cli.USAGE and "overwrite its input" in done.stderr
    assert Path(gif).read_bytes() == before
