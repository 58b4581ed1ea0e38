"""Choosing the part in the page's terms: what a source holds, the plan within the limits,
the comparison's window, and notices that name the limit that applied."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image
from skimage import data

import core
from core.limits import DEFAULT_LIMITS, load_within_limits
from core.notices import frames_note, size_note
from tests.conftest import data_path


def _frames(n: int, size=(96, 64)) -> list[np.ndarray]:
    # A picture that slides one pixel a frame: every frame differs from the last.
    base = np.asarray(Image.fromarray(data.astronaut()).resize((size[0] + n, size[1])))
    return [np.ascontiguousarray(base[:, i : i + size[0]]) for i in range(n)]


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> str:
    """A 4 s H.264 clip at 20 fps, 800x450 (larger than the comparison's 640 px)."""
    path = tmp_path_factory.mktemp("plan") / "clip.mp4"
    core.save_mp4(_frames(80, (800, 450)), path, fps=20)
    return str(path)


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory) -> bytes:
    """A 4 s clip with its index first (as phones write it) and its last 40% cut off."""
    folder = tmp_path_factory.mktemp("short")
    # Grain in every frame, so every frame takes its share of the file.
    rng = np.random.default_rng(0)
    grainy = [np.clip(f + rng.integers(-40, 40, f.shape), 0, 255).astype(np.uint8)
              for f in _frames(80, (320, 180))]
    core.save_mp4(grainy, folder / "grainy.mp4", fps=20)
    whole = folder / "whole.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i",
                    str(folder / "grainy.mp4"), "-c", "copy", "-movflags", "+faststart",
                    str(whole)], check=True)
    blob = whole.read_bytes()
    return blob[: len(blob) * 6 // 10]


def test_probe_reads_length_rate_and_size_without_decoding(clip):
    facts = core.probe(clip)
    assert (facts.kind, facts.size, facts.frames) == ("clip", (800, 450), 80)
    assert facts.seconds == pytest.approx(4.0) and facts.fps == pytest.approx(20.0)
    gif = io.BytesIO()
    images = [Image.fromarray(f) for f in _frames(6)]
    images[0].save(gif, format="GIF", save_all=True, append_images=images[1:], duration=50)
    facts = core.probe(gif.getvalue())
    assert (facts.kind, facts.frames, facts.seconds) == ("animation", 6, pytest.approx(0.3))


def test_a_thumbnail_of_the_first_and_last_frame(clip):
    first, last = core.frame_at(clip, 0, 160), core.frame_at(clip, 3.95, 160)
    assert first.shape == last.shape == (90, 160, 3)
    assert not np.array_equal(first, last)
    past = core.frame_at(clip, 60, 160)  # past the end: the last second's frame
    assert past.shape == (90, 160, 3)


def test_the_plan_compares_a_window_at_640_px_and_exports_the_whole_part(clip):
    facts = core.probe(clip)
    plan = core.plan_part(facts, core.Part())
    assert plan.size == (800, 450) and plan.frames == 80
    assert plan.preview_size == (640, 360)
    assert plan.preview_frames == DEFAULT_LIMITS.preview_pixels // (640 * 360) < 80
    assert plan.sentence == (
        f"The comparison plays seconds 0–{plan.preview_frames / 20:.1f} at 640x360 "
        f"({plan.preview_frames} of the part's 80 frames); the export uses the whole part, "
        "seconds 0–4, at 800x450."
    )
    media = core.load_preview(clip, plan)
    assert media.size == (640, 360) and len(media.frames) == plan.preview_frames
    assert media.original_size == (800, 450)


def test_the_chosen_part_rate_and_width_reach_the_plan_and_the_preview(clip):
    plan = core.plan_part(core.probe(clip), core.Part(1.0, 3.0, 10, 480))
    assert (plan.frames, plan.size, plan.preview_size) == (20, (480, 270), (480, 270))
    assert plan.preview_is_part and "the whole part, seconds 1–3 (20 frames)" in plan.sentence
    media = core.load_preview(clip, plan)
    assert len(media.frames) == 20 and media.durations == [100] * 20 and media.size == (480, 270)
    first = np.asarray(Image.fromarray(_frames(80, (800, 450))[20]).resize((480, 270)))
    assert np.abs(media.frames[0].astype(int) - first).mean() < 8  # second 1 is frame 20


@pytest.mark.parametrize(("facts", "part", "note"), [
    (core.SourceFacts("clip", (1920, 1080), 34.0, 1020, 30.0), core.Part(fps=10),
     "Only the first 200 of 340 frames (20 s of 34 s) are used (a clip is limited to 20 s)."),
    (core.SourceFacts("clip", (1280, 720), 14.0, 420, 30.0), core.Part(),
     "Only the first 300 of 420 frames (10 s of 14 s) are used (the limit is 300 frames)."),
    (core.SourceFacts("animation", (7000, 7000), 30.0, 300, 10.0), core.Part(),
     "Only the first 12 of 300 frames are used (decoding is limited to 600 million pixels "
     "over all frames)."),
])
def test_a_part_over_the_limits_is_cut_and_the_notice_names_the_limit(facts, part, note):
    plan = core.plan_part(facts, part)
    assert plan.notes == (note,)


def test_a_part_inside_the_limits_has_no_notice():
    plan = core.plan_part(core.SourceFacts("clip", (1280, 720), 14.0, 280, 20.0), core.Part())
    assert plan.notes == () and plan.frames == 280


def test_a_clip_that_ends_early_is_reported_as_short_not_as_a_pixel_budget(short_clip):
    media, notices = load_within_limits(short_clip)
    assert media.cut == "short" and len(media.frames) < 70
    assert notices[0].startswith(f"The file gave {len(media.frames)} frames of the 80")
    assert "damaged or cut short" in notices[0] and "million pixels" not in " ".join(notices)
    # The command line's report says it in the same words.
    report = core.convert(short_clip, io.BytesIO(), 8)
    assert frames_note("short", report.frames, 80) in report.notes


def test_one_frame_short_of_the_stated_length_is_rounding_not_a_cut():
    info = core._video.VideoInfo((8, 8), (8, 8), 25.0, 133, 133, 5.32)
    assert core._video.frames_cut(info, 132) == (132, None)
    assert core._video.frames_cut(info, 120) == (133, "short")


def test_a_clip_that_states_no_length_promises_nothing():
    # expected_frames is then the caps' bound (300), not a length the file gave.
    info = core._video.VideoInfo((8, 8), (8, 8), 30.0, 300, 0, 0.0)
    assert core._video.frames_cut(info, 93) == (93, None)
    assert core._video.frames_cut(info, 300) == (300, None)


def test_a_webm_without_a_duration_is_not_called_cut_or_short():
    clip = data_path("clips", "test.webm")  # its header states no duration
    media = core.load_media(clip)
    assert len(media.frames) == 93 and media.cut is None
    assert core.convert(clip, io.BytesIO(), 8).notes == ()


def test_every_notice_reads_as_a_sentence():
    assert frames_note("frames", 300, 305, 300) == (
        "Only the first 300 of 305 frames are used (the limit is 300 frames).")
    assert size_note("side", (1920, 1080), (1280, 720), 1280) == (
        "Scaled down from 1920x1080 to 1280x720 (the longest side is limited to 1280 px).")
    with pytest.raises(ValueError, match="why"):
        frames_note("boredom", 1, 2)


def test_quantize_gif_writes_what_save_gif_writes_and_maps_repeated_frames():
    frames = _frames(6)
    frames[4] = frames[3].copy()
    frames[5] = frames[3].copy()  # the scene stops: the GIF stores frame 3 once
    made = core.quantize_gif(frames, 8, mode="global", durations=[40] * 6)
    results = core.quantize_frames(frames, 8, mode="global")
    assert made.gif == core.to_bytes(core.save_gif, results, durations=[40] * 6, loop=0)
    assert made.frame_of == (0, 1, 2, 3, 3, 3)
    back = core.load_media(made.gif)
    assert len(back.frames) == 4 and back.durations[-1] == 120
    whole = core.metrics.estimate(frames, [r.image for r in results])
    assert made.estimate.flicker == pytest.approx(whole.flicker)
    assert made.estimate.mean_delta_e == pytest.approx(whole.mean_delta_e)
    assert [len(p) for p in made.palettes] == [len(r.palette) for r in results]


def test_the_command_lines_report_names_a_length_cut_in_the_pages_words(clip):
    report = core.convert(clip, io.BytesIO(), 8, max_seconds=2.0)
    assert report.frames == 40
    note = "Only the first 40 of 80 frames (2 s of 4 s) are used (a clip is limited to 2 s)."
    assert report.notes == (note,)
    report = core.convert(clip, io.BytesIO(), 8, max_frames=30)
    assert report.notes == ("Only the first 30 of 80 frames (1.5 s of 4 s) are used (the limit "
                            "is 30 frames).",)


@pytest.mark.parametrize(("name", "value"),
                         [("preview_side", 320), ("preview_pixels", 640 * 360 * 4)])
def test_each_preview_limit_changes_the_comparisons_window(clip, name, value):
    facts = core.probe(clip)
    default = core.plan_part(facts, core.Part())
    tight = core.plan_part(facts, core.Part(), replace(DEFAULT_LIMITS, **{name: value}))
    changed = (tight.preview_size, tight.preview_frames) != (default.preview_size,
                                                               default.preview_frames)
    assert changed and tight.size == default.size and tight.frames == default.frames
