"""``python -m core``: converts files, names outputs, and says what failed with its exit code."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import core
from core import _cli
from tests.conftest import ROOT, own_clip


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_one_input_to_one_file(tmp_path):
    target = tmp_path / "pan_cut.gif"
    done = run(str(own_clip("pan_cut.mp4")), str(target), "-k", "8",
               "--mode", "seeded", "--space", "rgb")
    assert done.returncode == _cli.OK, done.stderr
    back = core.load_media(target)
    assert len(back.frames) == 48 and back.size == (192, 144)
    assert all(len(np.unique(f.reshape(-1, 3), axis=0)) <= 8 for f in back.frames[:5])
    assert "48 frames, 192x144" in done.stdout and "flicker" in done.stdout


def test_several_inputs_into_a_folder_and_the_worst_exit_code(tmp_path):
    bad = tmp_path / "notes.gif"
    bad.write_text("not a gif")
    out = tmp_path / "out"
    done = run(str(own_clip("pan_cut.webm")), str(bad), str(out), "-k", "4")
    assert done.returncode == _cli.UNREADABLE
    assert (out / "pan_cut.gif").exists() and not (out / "notes.gif").exists()
    assert "notes.gif" in done.stderr and "Traceback" not in done.stderr


def test_unwritable_output_and_bad_arguments(tmp_path):
    source = str(own_clip("sprite.gif"))
    missing = tmp_path / "no" / "such" / "folder.gif"
    assert run(source, str(missing), "-k", "4").returncode == _cli.UNWRITABLE
    assert run(source, str(tmp_path / "a.gif"), "-k", "999").returncode == _cli.USAGE
    assert run(source).returncode == _cli.USAGE


def test_help_explains_exit_codes():
    done = run("--help")
    assert done.returncode == 0
    assert "exit codes" in done.stdout and "IN [IN ...] OUT" in done.stdout
    assert done.stdout.startswith("usage: python -m core ")


def test_help_names_the_command_as_invoked(capsys, monkeypatch):
    # The installed script runs main() with no prog: its usage and examples say its own name.
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/flickerless", "--help"])
    with pytest.raises(SystemExit) as exited:
        _cli.main()
    out = capsys.readouterr().out
    assert exited.value.code == 0
    assert out.startswith("usage: flickerless ") and "\n  flickerless clip.mp4 " in out
    assert "python -m core" not in out


def test_hold_is_a_knob_of_the_command_line(tmp_path):
    # A real clip with codec noise: the default hold keeps still areas still; --hold 0
    # lets them crawl, and the summary line says so (measured: 0.04 against 0.32).
    source = str(own_clip("pan_cut.webm"))

    def flicker(*knobs: str) -> float:
        done = run(source, str(tmp_path / "out.gif"), "-k", "16", *knobs)
        assert done.returncode == _cli.OK, done.stderr
        return float(done.stdout.split("flicker ")[1].split(",")[0])

    assert flicker() < 0.5 * flicker("--hold", "0")
