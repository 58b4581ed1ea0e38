"""Mutation fuzzing of the loader and the quantizer: only MediaError may ever escape.

Real files (the project's own sprite GIF, a few of Pillow's GIF edge cases when
the shared folder is there, and small PNG, JPEG, WebP and animated PNG files
made here) are mutated by hypothesis with byte flips, overwrites, truncations,
splices, insertions and header corruptions, then fed to
:func:`core.load_media`; whatever loads is quantized and saved. Runs are
derandomized (the same examples every time) and bounded to well under a
minute.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import core
from tests.conftest import DATA, OWN

#: Small GIFs from ../shared/data/pillow-gifs covering disposal, transparency,
#: local palettes, no palette and interlacing.
GIF_SEEDS = (
    "dispose_bgnd.gif",
    "transparent_dispose.gif",
    "star.gif",
    "no_palette_with_transparency.gif",
    "text_mono.gif",
    "missing_background.gif",
)
#: The app's decoding caps, scaled down so each example stays fast.
MAX_PIXELS = 1_000_000
MAX_FRAMES = 40


def _made_seeds() -> list[bytes]:
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (24, 32, 3), dtype=np.uint8)
    rgba = Image.fromarray(np.dstack([pixels, np.full((24, 32), 200, np.uint8)]))
    frames = [Image.fromarray(np.roll(pixels, 3 * i, axis=1)) for i in range(3)]
    out = []
    for im, fmt, params in (
        (Image.fromarray(pixels), "PNG", {}),
        (rgba, "PNG", {}),
        (Image.fromarray(pixels), "JPEG", {"quality": 80}),
        (frames[0], "WEBP", {"save_all": True, "append_images": frames[1:], "duration": 50}),
        (frames[0], "PNG", {"save_all": True, "append_images": frames[1:], "duration": 50}),
        (Image.fromarray(pixels), "BMP", {}),
        (Image.fromarray(pixels), "TIFF", {}),
    ):
        buf = io.BytesIO()
        im.save(buf, format=fmt, **params)
        out.append(buf.getvalue())
    return out


SEEDS = _made_seeds() + [(OWN / "sprite.gif").read_bytes()] + [
    (DATA / "pillow-gifs" / name).read_bytes()
    for name in GIF_SEEDS
    if (DATA / "pillow-gifs" / name).exists()
]


@st.composite
def mutated(draw) -> bytes:
    """A seed file with one to four mutations applied."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "set", "truncate", "splice", "insert", "header"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[pos] = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80, 0x01]))
        elif op == "truncate":
            data = data[:pos]
        elif op == "splice":
            other = draw(st.sampled_from(SEEDS))
            start = draw(st.integers(0, len(other) - 1))
            data[pos:pos] = other[start : start + draw(st.integers(1, 256))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "header":
            # Sizes, flags and palette bits all live in the first few dozen bytes.
            at = draw(st.integers(0, min(40, max(0, len(data) - 1))))
            data[at : at + 4] = draw(st.binary(min_size=4, max_size=4))
    return bytes(data)


def _process(data: bytes) -> None:
    """The app's path on ``data``; returns quietly when load_media refuses it."""
    try:
        media = core.load_media(data, max_pixels=MAX_PIXELS, max_frames=MAX_FRAMES)
    except core.MediaError as exc:
        assert str(exc)
        return
    assert len(media.frames) == len(media.durations) >= 1
    results = core.quantize_frames(media.frames, 4, mode="seeded", alphas=media.alphas)
    core.to_bytes(core.save_gif, results, durations=media.durations, alphas=media.alphas)
    core.quantize(media.frames[0], 3, alpha=None if media.alphas is None else media.alphas[0])


@pytest.mark.slow
@settings(
    max_examples=1500,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated())
def test_mutated_files_only_raise_media_error(data):
    _process(data)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_raise_media_error(data):
    _process(data)


@pytest.mark.parametrize("seed", range(len(SEEDS)))
def test_seeds_themselves_load(seed):
    _process(SEEDS[seed])
    core.load_media(SEEDS[seed], max_pixels=MAX_PIXELS)
