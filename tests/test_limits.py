"""The app's limits: in one place; inputs over them are cut or downscaled with a notice."""

from __future__ import annotations

import io
from dataclasses import fields, replace

import numpy as np
import pytest
from PIL import Image

import core
from core.limits import DEFAULT_LIMITS, Limits, export_size, fit_to_limits, load_within_limits


def _gif(frames: list[np.ndarray], duration: int = 40) -> bytes:
    ims = [Image.fromarray(f) for f in frames]
    buf = io.BytesIO()
    ims[0].save(buf, format="GIF", save_all=True, append_images=ims[1:], duration=duration)
    return buf.getvalue()


def _png(pixels: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def _frames(n: int, h: int, w: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    base = rng.integers(0, 4, (h, w, 3), dtype=np.uint8) * 60
    return [np.roll(base, i, axis=1) for i in range(n)]


def _animation() -> bytes:
    return _gif(_frames(10, 60, 80))


#: For each field of Limits: an upload, a tight value, and what that value must do
#: (a MediaError naming the limit, or a notice) where the defaults do nothing.
ENFORCED = {
    "max_upload_mb": (lambda: b"\0" * 1_000_001, 1, "error", "the limit is 1 MB"),
    "max_decode_pixels": (lambda: _png(np.zeros((101, 100, 3), np.uint8)), 10_000, "error",
                          "the limit is"),
    "max_decode_work": (_animation, 3 * 80 * 60, "notice", "decoding is limited"),
    "max_frame_pixels": (_animation, 1200, "notice", "downscaled from 80x60"),
    "max_frames": (_animation, 4, "notice", "first 4 of 10 frames"),
    "max_total_pixels": (_animation, 10 * 1200, "notice", "megapixels over all 10 frames"),
    "max_export_side": (_animation, 40, "export", (40, 30)),
}


#: Limits of the page's comparison window, enforced by core.plan_part (tests/test_plan.py).
PLANNED = {"preview_side", "preview_pixels"}


@pytest.mark.parametrize("name", [f.name for f in fields(Limits) if f.name not in PLANNED])
def test_every_limit_is_enforced(name):
    # A limit that is declared but never checked protects nothing: each field
    # must change what load_within_limits does. A new field needs a case here.
    assert name in ENFORCED, f"no test that Limits.{name} is enforced"
    make, value, effect, message = ENFORCED[name]
    data = make()
    tight = replace(DEFAULT_LIMITS, **{name: value})
    if effect == "error":
        with pytest.raises(core.MediaError, match=message):
            load_within_limits(data, tight)
        return
    if effect == "export":
        # Full-size exports keep the file's size up to the cap, then scale down.
        media, _ = load_within_limits(data)
        assert export_size(media, DEFAULT_LIMITS) == (80, 60)
        assert export_size(media, tight) == message
        return
    default_media, default_notices = load_within_limits(data)
    assert default_notices == [] and len(default_media.frames) == 10
    _, notices = load_within_limits(data, tight)
    assert any(message in n for n in notices), notices


def test_default_limits_are_consistent():
    lim = DEFAULT_LIMITS
    assert lim.max_frame_pixels >= 1920 * 1080  # a 1080p frame is kept whole
    assert lim.max_frame_pixels <= lim.max_total_pixels <= lim.max_decode_work
    assert lim.max_frame_pixels <= lim.max_decode_pixels
    # The seed GIF (70 frames of 500x218) fits at full size.
    assert lim.max_total_pixels >= 70 * 500 * 218


def test_media_within_limits_is_unchanged():
    media = core.load_media(_gif(_frames(3, 20, 30)))
    fitted, notices = fit_to_limits(media)
    assert fitted is media and notices == []


def test_too_many_frames_are_cut_with_the_limit_named():
    media = core.load_media(_gif(_frames(12, 6, 8)))
    limits = replace(DEFAULT_LIMITS, max_frames=5)
    fitted, notices = fit_to_limits(media, limits)
    assert len(fitted.frames) == len(fitted.durations) == 5
    assert notices == ["Only the first 5 of 12 frames are used (the limit is 5 frames)."]


def test_large_frame_is_downscaled_with_the_limit_named():
    pixels = np.zeros((300, 400, 3), dtype=np.uint8)
    media = core.load_media(_png(pixels))
    limits = replace(DEFAULT_LIMITS, max_frame_pixels=30_000)
    fitted, notices = fit_to_limits(media, limits)
    w, h = fitted.size
    assert w * h <= 30_000 and abs(w / h - 4 / 3) < 0.02
    assert notices == [
        f"Frames were downscaled from 400x300 to {w}x{h} to stay within the app's memory "
        "limits (0.03 megapixels per frame)."
    ]


def test_total_pixels_share_the_budget_between_frames():
    media = core.load_media(_gif(_frames(10, 60, 80)))
    limits = replace(DEFAULT_LIMITS, max_total_pixels=10 * 1200)
    fitted, notices = fit_to_limits(media, limits)
    w, h = fitted.size
    assert len(fitted.frames) == 10 and w * h <= 1200
    assert any("megapixels over all" in n for n in notices)
    assert fitted.original_size == (80, 60)


def test_alpha_is_downscaled_with_the_frames():
    rgba = np.zeros((100, 100, 4), dtype=np.uint8)
    rgba[:50, :, 3] = 255
    media = core.load_media(_png(rgba))
    fitted, _ = fit_to_limits(media, replace(DEFAULT_LIMITS, max_frame_pixels=2500))
    assert fitted.alphas[0].shape == fitted.frames[0].shape[:2]
    assert fitted.alphas[0][:20].min() == 255 and fitted.alphas[0][-20:].max() == 0


def test_load_within_limits_downscales_while_decoding():
    pixels = np.random.default_rng(1).integers(0, 256, (400, 600, 3), dtype=np.uint8)
    limits = replace(DEFAULT_LIMITS, max_frame_pixels=24_000)
    media, notices = load_within_limits(_png(pixels), limits)
    w, h = media.size
    assert w * h <= 24_000 and media.original_size == (600, 400)
    assert len(notices) == 1 and "600x400" in notices[0]


def test_load_within_limits_cuts_frames_while_decoding():
    limits = replace(DEFAULT_LIMITS, max_frames=4)
    media, notices = load_within_limits(_gif(_frames(9, 5, 5)), limits)
    assert len(media.frames) == 4 and media.total_frames == 9
    assert notices == ["Only the first 4 of 9 frames are used (the limit is 4 frames)."]


def test_jpeg_is_decoded_small_when_it_is_large():
    pixels = np.random.default_rng(2).integers(0, 256, (1200, 1600, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="JPEG")
    limits = replace(DEFAULT_LIMITS, max_frame_pixels=50_000)
    media, notices = load_within_limits(buf.getvalue(), limits)
    assert media.size[0] * media.size[1] <= 50_000 and media.original_size == (1600, 1200)
    assert "1600x1200" in notices[0]


def test_upload_over_the_byte_limit_is_refused_with_the_limit_named():
    limits = replace(DEFAULT_LIMITS, max_upload_mb=1)
    with pytest.raises(core.MediaError, match="the limit is 1 MB"):
        load_within_limits(b"\0" * 1_000_001, limits)


def test_canvas_over_the_decode_cap_is_refused_with_the_limit_named():
    limits = replace(DEFAULT_LIMITS, max_decode_pixels=10_000)
    with pytest.raises(core.MediaError, match="the limit is"):
        load_within_limits(_png(np.zeros((101, 100, 3), dtype=np.uint8)), limits)


def test_fitting_twice_gives_the_same_media():
    media = core.load_media(_gif(_frames(6, 40, 40)))
    limits = replace(DEFAULT_LIMITS, max_frames=3, max_total_pixels=3 * 400)
    once, notices = fit_to_limits(media, limits)
    twice, notices2 = fit_to_limits(once, limits)
    assert once.size == twice.size and len(twice.frames) == 3
    assert notices2 == notices
