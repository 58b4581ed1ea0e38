"""Video clips: reading MP4/WebM/MOV with caps, writing MP4, refusing what is not a video."""

from __future__ import annotations

import io
import os
import tempfile

import imageio.v2 as iio
import numpy as np
import pytest
from skimage import data

import core
from core._video import VIDEO_EXTENSIONS, constant_rate, load_video, looks_like_video, save_mp4


def _clip(n=20, fps=50, suffix=".mp4", size=(96, 128), **kw) -> bytes:
    h, w = size
    image = data.astronaut()[: h * 4 : 4, : w * 4 : 4]
    frames = [np.roll(image, 2 * i, axis=1) for i in range(n)]
    fd, path = tempfile.mkstemp(suffix=suffix)
    os.close(fd)
    try:
        iio.mimwrite(path, frames, fps=fps, macro_block_size=1, **kw)
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.remove(path)


@pytest.fixture(scope="module")
def mp4() -> bytes:
    return _clip()


def test_magic_bytes(mp4):
    assert looks_like_video(mp4)
    assert looks_like_video(b"\x1a\x45\xdf\xa3" + bytes(20))
    assert not looks_like_video(b"GIF89a" + bytes(20))


#: A codec ffmpeg writes into each container the app says it reads.
CODECS = {"mp4": "libx264", "mov": "libx264", "webm": "libvpx-vp9"}


@pytest.mark.parametrize("extension", VIDEO_EXTENSIONS)
def test_every_listed_extension_is_accepted_and_read(extension):
    # The uploader offers what ACCEPTED_EXTENSIONS lists; each video extension
    # there must be a container that load_media really reads.
    assert extension in core.ACCEPTED_EXTENSIONS
    clip = _clip(n=4, fps=10, suffix=f".{extension}", codec=CODECS[extension])
    assert looks_like_video(clip)
    media = core.load_media(clip)
    assert media.format == "VIDEO" and len(media.frames) == 4 and media.size == (128, 96)


def test_load_caps_frame_rate_and_length(mp4):
    media = load_video(mp4, max_fps=25)
    assert media.format == "VIDEO" and media.alphas is None and media.loop == 0
    assert len(media.frames) == 10 and media.durations == [40] * 10
    assert media.size == (128, 96) and media.frames[0].dtype == np.uint8
    short = load_video(mp4, max_fps=50, max_frames=4)
    assert len(short.frames) == 4 and short.total_frames == 20
    assert len(load_video(mp4, max_fps=50, max_seconds=0.2).frames) == 10


def test_frames_hold_the_picture(mp4):
    media = load_video(mp4, max_fps=50)
    first = data.astronaut()[:384:4, :512:4].astype(float)
    assert np.abs(media.frames[0].astype(float) - first).mean() < 6  # H.264 is lossy


def test_refuses_large_and_broken_clips(mp4):
    with pytest.raises(core.MediaError, match="megapixels"):
        load_video(mp4, max_pixels=1000)
    for bad in (mp4[:300], b"\x00\x00\x00\x18ftypmp42" + bytes(100), b""):
        with pytest.raises(core.MediaError):
            load_video(bad)


def test_no_temporary_file_is_left(mp4, monkeypatch, tmp_path):
    # Record the files the reader makes, in a folder of this test's own: the
    # shared temporary folder also holds other processes' files (other test
    # runs read videos too), which made the old before/after listing flaky.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    made = []
    real_mkstemp = tempfile.mkstemp

    def recording_mkstemp(*args, **kwargs):
        fd, path = real_mkstemp(*args, **kwargs)
        made.append(path)
        return fd, path

    monkeypatch.setattr(tempfile, "mkstemp", recording_mkstemp)
    load_video(mp4)
    with pytest.raises(core.MediaError):
        load_video(mp4[:300])
    assert len(made) >= 2  # one per read: the check below has something to check
    assert not [p for p in made if os.path.exists(p)]
    assert not list(tmp_path.iterdir())


def test_webm_loads():
    clip = _clip(n=6, fps=10, suffix=".webm", codec="libvpx-vp9")
    assert looks_like_video(clip)
    assert len(load_video(clip).frames) == 6


def test_save_mp4_round_trip(mp4, tmp_path):
    media = load_video(mp4, max_fps=25)
    # An odd size, which yuv420p cannot hold: it is padded to even.
    frames = [f[:95, :127] for f in media.frames]
    results = core.quantize_frames(frames, 8, mode="stable")
    buf = io.BytesIO()
    save_mp4([r.image for r in results], buf, fps=25)
    back = load_video(buf.getvalue())
    assert len(back.frames) == len(results) and back.durations[0] == 40
    assert back.size == (128, 96)
    assert np.abs(back.frames[3][:95, :127].astype(float) - results[3].image).mean() < 6
    save_mp4([r.image for r in results], tmp_path / "out.mp4", fps=25)
    assert looks_like_video((tmp_path / "out.mp4").read_bytes())
    with pytest.raises(ValueError, match="fps"):
        save_mp4([r.image for r in results], buf, fps=0)


def test_constant_rate_repeats_long_frames():
    frames = [np.full((2, 2, 3), v, dtype=np.uint8) for v in (0, 1, 2)]
    out, fps = constant_rate(frames, [50, 150, 50])
    assert fps == 20.0
    assert [int(f[0, 0, 0]) for f in out] == [0, 1, 1, 1, 2]
    _, fps = constant_rate(frames, [0, 0, 40])
    assert fps == 10.0  # 0 ms shows as 100 ms in browsers


def test_load_media_reads_a_video_and_the_limits_downscale_it_while_decoding(mp4):
    from core.limits import Limits, load_within_limits

    media = core.load_media(mp4)
    assert media.format == "VIDEO" and len(media.frames) == 12  # 50 fps capped at 30
    limits = Limits(max_frame_pixels=3000, max_total_pixels=1_000_000)
    small, notices = load_within_limits(mp4, limits)
    h, w = small.frames[0].shape[:2]
    assert h * w <= 3000 and abs(w / h - 128 / 96) < 0.1
    assert small.original_size == (128, 96)
    assert any("downscaled from 128x96" in n for n in notices)
