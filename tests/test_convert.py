"""core.convert: streamed conversion at full size, equal to the in-memory path, bounded memory."""

from __future__ import annotations

import io
import subprocess
import tracemalloc

import imageio_ffmpeg
import numpy as np
import pytest

import core
from tests.conftest import own_clip


def test_streamed_modes_equal_the_in_memory_result_frame_for_frame(pan_cut_media):
    # Streaming must not change the algorithm: the same frames in, the same GIF out.
    for mode in ("stable", "global"):
        buf = io.BytesIO()
        report = core.convert(own_clip("pan_cut.mp4"), buf, 16, mode=mode)
        back = core.load_media(buf.getvalue())
        expected = core.quantize_frames(pan_cut_media.frames, 16, mode=mode)
        assert report.frames == len(back.frames) == 48
        assert report.bytes == len(buf.getvalue())
        for got, res in zip(back.frames, expected):
            np.testing.assert_array_equal(got, res.image)
        assert back.durations == pan_cut_media.durations and back.loop == pan_cut_media.loop


def test_report_measures_what_was_written(pan_cut_media):
    buf = io.BytesIO()
    report = core.convert(own_clip("pan_cut.mp4"), buf, 16)
    back = core.load_media(buf.getvalue())
    # The report's lattice estimate agrees with the full-frame measure of the file.
    full = core.metrics.flicker(pan_cut_media.frames, back.frames)
    assert report.flicker == pytest.approx(full, rel=0.25)
    error = core.metrics.mean_delta_e(pan_cut_media.frames, back.frames)
    assert report.mean_delta_e == pytest.approx(error, rel=0.05)
    assert (report.width, report.height) == (192, 144) and report.notes == ()


def test_a_clip_keeps_its_size_and_every_frame(tmp_path):
    target = tmp_path / "carphone.gif"
    report = core.convert(own_clip("carphone.mp4"), target, 64)
    back = core.load_media(target)
    source = core.load_media(own_clip("carphone.mp4"))
    assert back.size == source.size == (report.width, report.height)
    assert len(back.frames) == len(source.frames) == report.frames
    assert report.bytes == target.stat().st_size
    assert report.flicker < 0.5 and report.mean_delta_e < 3.0


def test_seeded_flickers_less_than_independent_random_starts_on_a_real_clip():
    # Measured on the clip's 31 frames: seeded 1.07, independent 3.5.
    clip = own_clip("carphone.mp4")
    seeded = core.convert(clip, io.BytesIO(), 16, mode="seeded", max_frames=40)
    naive = core.convert(clip, io.BytesIO(), 16, mode="independent", init="random",
                         max_frames=40)
    assert seeded.flicker < 0.5 * naive.flicker


def _peak_bytes(clip, frames: int) -> tuple[int, int]:
    tracemalloc.start()
    try:
        report = core.convert(clip, io.BytesIO(), 16, max_frames=frames)
        return report.frames, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_memory_is_bounded_by_a_few_frames_not_the_clip(large_clip):
    clip = large_clip
    short_frames, short_peak = _peak_bytes(clip, 20)
    long_frames, long_peak = _peak_bytes(clip, 300)
    assert (short_frames, long_frames) == (20, 96)
    # Nearly five times the frames, (nearly) the same peak: nothing piles up.
    assert long_peak < 1.3 * short_peak, f"{short_peak / 1e6:.0f} -> {long_peak / 1e6:.0f} MB"
    # Per-pixel state and float temporaries of the stable step, not the clip (96 frames).
    assert long_peak < 80 * 640 * 480 * 3, "more than 80 frames' worth in memory"


def test_mp4_output_keeps_size_and_length(tmp_path):
    # A GIF in (8 frames of 60-300 ms, with transparency), an MP4 out.
    target = tmp_path / "out.mp4"
    report = core.convert(own_clip("sprite.gif"), target, 8, max_frames=20)
    back = core.load_media(target)
    assert back.format == "VIDEO" and back.size == (80, 60)
    assert report.frames == 8 and target.stat().st_size == report.bytes


def test_max_side_downscales_and_says_so():
    report = core.convert(own_clip("pan_cut.webm"), io.BytesIO(), 8, max_side=80,
                          max_frames=5)
    assert (report.width, report.height) == (80, 60) and report.source_size == (160, 120)
    assert ("Scaled down from 160x120 to 80x60 (the longest side is limited to 80 px)."
            in report.notes)


def test_unreadable_source_leaves_no_file_behind(tmp_path):
    target = tmp_path / "out.gif"
    with pytest.raises(core.MediaError, match="not an image or video"):
        core.convert(b"definitely not a picture" * 10, target, 8)
    assert list(tmp_path.iterdir()) == []


def test_a_clip_cut_short_keeps_its_frames_and_says_so(tmp_path):
    # An upload that broke off: the index first (as phones write it), then 60% of the data.
    whole = tmp_path / "whole.mp4"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i",
         str(own_clip("carphone.mp4")), "-c", "copy", "-movflags", "+faststart", str(whole)],
        check=True,
    )
    data = whole.read_bytes()
    report = core.convert(data[: len(data) * 6 // 10], io.BytesIO(), 8)
    # 18 of the 31 frames decode from what is left.
    assert 10 < report.frames < 31
    assert any("cut short" in note for note in report.notes)


@pytest.mark.slow
def test_a_720p_clip_with_an_audio_track_converts_at_full_size(tmp_path):
    # Phone videos carry sound; the decoder must take the picture and ignore the rest.
    clip = tmp_path / "phone.mp4"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
         "testsrc2=size=1280x720:rate=30:duration=1", "-f", "lavfi", "-i",
         "sine=frequency=440:duration=1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(clip)],
        check=True,
    )
    report = core.convert(clip, tmp_path / "phone.gif", 32)
    assert (report.width, report.height) == (1280, 720)
    assert report.frames == 30 and report.notes == ()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mode": "fast"}, "mode='fast'"),
        ({"dither": "atkinson"}, "dither='atkinson'"),
        ({"colour": "red"}, "unknown option"),
        ({"mode": "seeded", "algorithm": "agglomerative"}, "cannot start from centres"),
        ({"format": "webp"}, "format='webp'"),
    ],
)
def test_bad_options_are_refused_before_any_work(kwargs, match, tmp_path):
    with pytest.raises(ValueError, match=match):
        core.convert(b"never read", tmp_path / "x.gif", 8, **kwargs)
    assert list(tmp_path.iterdir()) == []
