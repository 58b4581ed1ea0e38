"""Hostile and odd inputs: every one loads and round-trips, or is refused with MediaError.

The GIFs are the project's own (``tests/data``) and, when the shared folder is
beside the project, Pillow's own edge cases (``../shared/data/pillow-gifs``);
the expected frame counts and durations are what Pillow itself reports for each
file, computed here, not a table typed in. Hostile GIFs are made from our own
by patching its header fields; everything else is made in the test.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageSequence

import core
from core.limits import DEFAULT_LIMITS, fit_to_limits, load_within_limits
from tests.conftest import DATA, OWN, data_path

GIF_DIR = DATA / "pillow-gifs"
#: Files SOURCES.md lists as hostile on purpose: Pillow refuses them on open or on seek.
HOSTILE = ("decompression_bomb.gif", "decompression_bomb_extents.gif", "zero_width.gif")
GIF_NAMES = sorted(p.name for p in GIF_DIR.glob("*.gif")) if GIF_DIR.exists() else []
LOADABLE = [n for n in GIF_NAMES if n not in HOSTILE]
#: Every GIF that must load: ours, then Pillow's when the shared folder is there.
LOADABLE_PATHS = sorted(OWN.glob("*.gif")) + [GIF_DIR / n for n in LOADABLE]
SPRITE = OWN / "sprite.gif"


def _descriptors(data: bytes) -> list[int]:
    """Offsets of a GIF's image descriptors (one per frame), found by walking its blocks."""
    i = 13 + (3 * (2 << (data[10] & 7)) if data[10] & 0x80 else 0)
    found = []
    while i < len(data) and data[i] in (0x21, 0x2C):
        if data[i] == 0x2C:
            found.append(i)
            flags = data[i + 9]
            i += 11 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)  # + LZW code size
        else:
            i += 2
        while data[i]:  # data sub-blocks up to the terminator
            i += data[i] + 1
        i += 1
    return found


def _patched(data: bytes, *fields: tuple[int, int]) -> bytes:
    """``data`` with 16-bit little-endian ``(offset, value)`` fields overwritten."""
    out = bytearray(data)
    for at, value in fields:
        out[at : at + 2] = value.to_bytes(2, "little")
    return bytes(out)


def _zero_width() -> bytes:
    # Like Pillow's zero_width.gif: a logical screen 0 pixels wide, cut after 44 bytes.
    return _patched(SPRITE.read_bytes(), (6, 0))[:44]


def _bomb() -> bytes:
    # Screen and first frame claim 65535x65535 (4.3 gigapixels) over 80x60 of data.
    data = SPRITE.read_bytes()
    first = _descriptors(data)[0]
    return _patched(data, (6, 65535), (8, 65535), (first + 5, 65535), (first + 7, 65535))


def _bomb_in_frame_2() -> bytes:
    # Opens as 80x60, but the second frame claims 65535x65535: refused at that frame.
    data = SPRITE.read_bytes()
    second = _descriptors(data)[1]
    return _patched(data, (second + 5, 65535), (second + 7, 65535))


def _pillow_frames(data: bytes) -> tuple[int, list[int]]:
    """n_frames and per-frame durations as Pillow reports them."""
    durations = []
    with Image.open(io.BytesIO(data)) as im:
        for frame in ImageSequence.Iterator(im):
            frame.load()  # WebP sets a frame's duration when it is decoded
            durations.append(int(frame.info.get("duration", 0) or 0))
        return im.n_frames, durations


def _encode(im: Image.Image, fmt: str, **params) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **params)
    return buf.getvalue()


def _runs(frames):
    """Consecutive frames that look alike (transparent pixels shown as black) made one."""
    runs = []
    for image, alpha in frames:
        shown = image.copy()
        if alpha is not None:
            shown[alpha < 128] = 0
        if not runs or not np.array_equal(runs[-1][0], shown):
            runs.append((shown, alpha))
    return runs


def _round_trip(media: core.Media, k: int = 8, mode: str = "seeded") -> core.Media:
    """Quantize ``media`` and save it as a GIF; check the GIF shows the quantized frames."""
    results = core.quantize_frames(media.frames, k, mode=mode, alphas=media.alphas)
    assert len(results) == len(media.frames)
    for res in results:
        assert len(res.palette) <= k
    gif = core.to_bytes(
        core.save_gif, results, durations=media.durations, loop=media.loop, alphas=media.alphas
    )
    back = core.load_media(gif)
    assert back.size == media.size
    # A writer may merge a frame identical to the one before (adding durations),
    # so compare the runs of distinct frames and the total time.
    assert sum(back.durations) == sum(media.durations)
    alphas = media.alphas or [None] * len(results)
    want = _runs([(r.image, a) for r, a in zip(results, alphas)])
    got = _runs(list(zip(back.frames, back.alphas or [None] * len(back.frames))))
    assert len(got) == len(want)
    for (want_image, alpha), (got_image, got_alpha) in zip(want, got):
        visible = np.ones(want_image.shape[:2], bool) if alpha is None else alpha >= 128
        assert np.array_equal(got_image[visible], want_image[visible])
        if got_alpha is not None:
            assert np.array_equal(got_alpha >= 128, visible)
    return back


# --- Pillow's GIF edge cases ------------------------------------------------------------------


@pytest.mark.parametrize("path", LOADABLE_PATHS, ids=lambda p: p.name)
def test_pillow_gif_loads_like_pillow_and_round_trips(path):
    data = path.read_bytes()
    n_frames, durations = _pillow_frames(data)
    media = core.load_media(data)
    assert len(media.frames) == media.total_frames == n_frames
    assert media.durations == durations
    shapes = {f.shape for f in media.frames}
    assert len(shapes) == 1 and shapes.pop()[2] == 3
    if media.alphas is not None:
        assert len(media.alphas) == n_frames
        assert all(a.shape == media.frames[0].shape[:2] for a in media.alphas)
    _round_trip(media)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_pillow_gif_is_refused_with_a_message(name):
    data = data_path("pillow-gifs", name).read_bytes()
    with pytest.raises(core.MediaError) as info:
        core.load_media(data)
    message = str(info.value)
    assert message and "Traceback" not in message
    # Written for a person: a sentence, not a decoder's exception repr.
    assert message[0].isupper() and message.endswith(".")


@pytest.mark.parametrize("make", [_zero_width, _bomb, _bomb_in_frame_2])
def test_hostile_gif_made_from_ours_is_refused_with_a_message(make):
    with pytest.raises(core.MediaError) as info:
        core.load_media(make())
    message = str(info.value)
    assert message and "Traceback" not in message
    assert message[0].isupper() and message.endswith(".")


def test_canvas_that_grows_mid_animation_pads_every_frame():
    # Like Pillow's test_extents.gif: the second frame lies partly outside the
    # logical screen (80x60, the frame moved to 40,30), so the canvas grows to 120x90.
    data = SPRITE.read_bytes()
    second = _descriptors(data)[1]
    media = core.load_media(_patched(data, (second + 1, 40), (second + 3, 30)))
    assert media.size == (120, 90)
    # Frame 1 only covered 80x60: the rest is transparent, not garbage.
    assert media.alphas is not None
    assert not media.alphas[0][60:, :].any() and not media.alphas[0][:, 80:].any()


# --- Broken and disguised files ---------------------------------------------------------------


@pytest.mark.parametrize("path", LOADABLE_PATHS, ids=lambda p: p.name)
def test_gif_cut_at_half_is_refused(path):
    data = path.read_bytes()
    with pytest.raises(core.MediaError):
        core.load_media(data[: len(data) // 2])


def test_truncated_gif_names_the_problem():
    data = SPRITE.read_bytes()
    # Cut between frames (before frame 4's control block): Pillow alone would
    # quietly report 4 frames of 8.
    end = _descriptors(data)[4] - 8
    assert data[end : end + 2] == b"!\xf9"  # a Graphic Control Extension starts there
    with pytest.raises(core.MediaError, match="truncated"):
        core.load_media(data[:end])


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated_still_is_refused(fmt):
    rng = np.random.default_rng(1)
    data = _encode(Image.fromarray(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)), fmt)
    with pytest.raises(core.MediaError):
        core.load_media(data[: len(data) // 2])


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("image.png", b"not really")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(np.random.default_rng(0).bytes(4096), id="random-bytes"),
        pytest.param(b"This is a text file renamed to .png\n" * 20, id="text-as-png"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"just text after a PNG signature", id="png-signature"),
        pytest.param(_zip_bytes(), id="zip"),
        pytest.param(b"GIF89a", id="gif-header-only"),
        pytest.param(b"%PDF-1.4\n%...", id="pdf"),
    ],
)
def test_not_an_image_is_refused(data, tmp_path):
    with pytest.raises(core.MediaError):
        core.load_media(data)
    # The same through a path with an image extension (the uploader checks only that).
    path = tmp_path / "upload.png"
    path.write_bytes(data)
    with pytest.raises(core.MediaError):
        core.load_media(path)


def test_eps_and_other_plugins_are_not_opened():
    # EPS calls Ghostscript; load_media only lets the listed formats through.
    with pytest.raises(core.MediaError):
        core.load_media(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n")


# --- Extremes --------------------------------------------------------------------------------


def test_one_pixel_image():
    media = core.load_media(_encode(Image.new("RGB", (1, 1), (10, 200, 30)), "PNG"))
    assert media.size == (1, 1)
    res = core.quantize(media.frames[0], 16)
    assert res.palette.colors.tolist() == [[10, 200, 30]]
    _round_trip(media)


def test_one_colour_image_with_k_64():
    media = core.load_media(_encode(Image.new("RGB", (40, 30), (120, 50, 200)), "PNG"))
    res = core.quantize(media.frames[0], 64)
    assert len(res.palette) == 1 and res.palette.shares.tolist() == [1.0]
    assert np.array_equal(res.image, media.frames[0])
    assert core.metrics.mean_delta_e(media.frames, [res.image]) == 0.0
    _round_trip(media, k=64)


def test_20000_by_20_strip_goes_through_the_whole_path():
    rng = np.random.default_rng(2)
    ramp = np.linspace(0, 255, 20000, dtype=np.float64)
    strip = np.stack([np.tile(ramp, (20, 1))] * 3, axis=2)
    strip += rng.normal(0, 8, strip.shape)
    data = _encode(Image.fromarray(np.clip(strip, 0, 255).astype(np.uint8)), "PNG")
    media, notices = load_within_limits(data)
    assert media.size == (20000, 20) and notices == []
    results = core.quantize_frames(media.frames, 8, mode="global", alphas=media.alphas)
    assert results[0].image.shape == (20, 20000, 3)
    assert core.metrics.mean_delta_e(media.frames, [r.image for r in results]) < 10


def test_gif_with_2000_tiny_frames_is_cut_with_a_notice():
    rng = np.random.default_rng(3)
    frames = [
        Image.fromarray(rng.integers(0, 4, (4, 4, 3), dtype=np.uint8) * 80) for _ in range(2000)
    ]
    data = _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=20, loop=0)
    media = core.load_media(data)
    assert len(media.frames) == media.total_frames == 2000
    fitted, notices = fit_to_limits(media)
    assert len(fitted.frames) == DEFAULT_LIMITS.max_frames
    assert any(f"{DEFAULT_LIMITS.max_frames} frames" in n for n in notices)
    # The app's way in cuts while decoding, with the same notice.
    loaded, notices2 = load_within_limits(data)
    assert len(loaded.frames) == DEFAULT_LIMITS.max_frames and loaded.total_frames == 2000
    assert notices2 == notices
    results = core.quantize_frames(loaded.frames, 4, mode="seeded", alphas=loaded.alphas)
    assert len(results) == DEFAULT_LIMITS.max_frames


def test_gif_whose_frames_differ_in_size():
    frames = [Image.new("RGB", (20 + 10 * i, 20 + 5 * i), (60 * i, 90, 0)) for i in range(4)]
    data = _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    sizes = []
    with Image.open(io.BytesIO(data)) as im:
        for f in ImageSequence.Iterator(im):
            sizes.append(f.size)
    media = core.load_media(data)
    assert media.size == (max(w for w, _ in sizes), max(h for _, h in sizes))
    assert len({f.shape for f in media.frames}) == 1
    _round_trip(media)


def test_frames_of_zero_ms():
    frames = [Image.new("RGB", (8, 8), (40 * i, 0, 0)) for i in range(4)]
    data = _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=0)
    media = core.load_media(data)
    assert media.durations == [0, 0, 0, 0]
    _round_trip(media)


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_fully_transparent_frames(fmt):
    frames = [Image.new("RGBA", (12, 10), (30 * i, 0, 0, 0)) for i in range(3)]
    data = _encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
    media = core.load_media(data)
    assert media.alphas is not None and not any(a.any() for a in media.alphas)
    for mode in core.MODES:
        results = core.quantize_frames(media.frames, 8, mode=mode, alphas=media.alphas)
        assert all(np.isclose(r.palette.shares.sum(), 1.0) for r in results)
    gif = core.to_bytes(
        core.save_gif, results, durations=media.durations, loop=0, alphas=media.alphas
    )
    back = core.load_media(gif)
    assert back.alphas is not None and not any(a.any() for a in back.alphas)


def _png_16bit_rgb(values: np.ndarray) -> bytes:
    # Pillow cannot write 16-bit RGB PNGs, so write the chunks by hand.
    h, w, _ = values.shape
    raw = b"".join(b"\0" + values[y].astype(">u2").tobytes() for y in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_16_bit_grey_png_is_scaled_not_clipped():
    values = np.arange(0, 65536, 16, dtype=np.uint16).reshape(64, 64)
    media = core.load_media(_encode(Image.fromarray(values), "PNG"))
    grey = media.frames[0][..., 0]
    assert np.array_equal(grey, np.rint(values / 257.0).astype(np.uint8))
    _round_trip(media)


def test_16_bit_rgb_png():
    v = np.arange(0, 65536, 16, dtype=np.uint16).reshape(64, 64)
    values = np.stack([v, 65535 - v, v // 2], axis=2)
    media = core.load_media(_png_16bit_rgb(values))
    assert media.frames[0].dtype == np.uint8
    assert np.abs(media.frames[0].astype(int) - values // 257).max() <= 1
    _round_trip(media)


def test_cmyk_jpeg():
    data = _encode(Image.new("CMYK", (30, 20), (0, 255, 255, 0)), "JPEG", quality=95)
    media = core.load_media(data)
    r, g, b = media.frames[0].reshape(-1, 3).mean(axis=0)
    assert r > 200 and g < 60 and b < 60  # cyan 0, magenta and yellow full: red
    _round_trip(media)


def test_exif_rotation_is_applied():
    pixels = np.zeros((20, 40, 3), dtype=np.uint8)
    pixels[:, :20] = (255, 0, 0)  # left half red, right half blue
    pixels[:, 20:] = (0, 0, 255)
    im = Image.fromarray(pixels)
    exif = im.getexif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    media = core.load_media(_encode(im, "JPEG", exif=exif, quality=95))
    assert media.size == (20, 40)
    top, bottom = media.frames[0][2, 10], media.frames[0][-3, 10]
    assert top[0] > 200 and bottom[2] > 200  # the red half is now on top
    _round_trip(media)


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_animated_webp_and_png(fmt):
    frames = [Image.new("RGB", (16, 12), (50 * i, 100, 200 - 40 * i)) for i in range(4)]
    durations = [40, 80, 120, 160]
    data = _encode(frames[0], fmt, save_all=True, append_images=frames[1:], duration=durations)
    n_frames, pillow_durations = _pillow_frames(data)
    media = core.load_media(data)
    assert len(media.frames) == n_frames == 4
    assert media.durations == pillow_durations == durations
    _round_trip(media)


def test_huge_canvas_with_many_frames_is_cut_while_decoding():
    # Small changes on a big canvas: a small file that costs a full-canvas decode per frame.
    side, n = 2000, 20
    first = Image.new("P", (side, side), 0)
    first.putpalette([0, 0, 0, 255, 0, 0])
    rest = []
    for i in range(1, n):
        im = first.copy()
        im.paste(1, (8 * i, 0, 8 * i + 8, 8))
        rest.append(im)
    data = _encode(first, "GIF", save_all=True, append_images=rest, duration=50)
    limits = replace(DEFAULT_LIMITS, max_decode_work=5 * side * side)
    media, notices = load_within_limits(data, limits)
    assert len(media.frames) == 5 and media.total_frames == n
    assert any("decoding is limited" in m for m in notices)
    assert media.original_size == (side, side)
    assert media.size[0] * media.size[1] <= limits.max_total_pixels // 5


def test_path_in_upload_name_is_never_opened(tmp_path):
    # Bytes are bytes: a "file name" inside an upload is never treated as a path.
    secret = tmp_path / "secret.png"
    secret.write_bytes(_encode(Image.new("RGB", (2, 2), (1, 2, 3)), "PNG"))
    # The file is a good image, so a loader that opened the named path would succeed.
    assert core.load_media(secret).frames[0][0, 0].tolist() == [1, 2, 3]
    with pytest.raises(core.MediaError, match="not an image"):
        core.load_media(str(secret).encode())
