"""An animation in memory reduced, measured and written as a GIF in one pass, frame by frame.

What the page needs of each mode of its comparison: the GIF the visitor sees
and downloads, every frame's palette and centres, flicker and colour error on
core's lattice of pixels, and which GIF frame shows which input frame. Each
frame goes through the mode, dithering, the writer and the meter, and only its
palette stays: memory holds a frame's result, not the whole animation's (about
60 MB for 43 frames of 640x360 as a list of results).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np

from core._dither import METHODS as DITHER_METHODS
from core._dither import redraw
from core._gif_writer import GifWriter
from core._quantize import QuantizeOptions
from core._sequence import MODES, check_mode_options, global_centers, iter_quantized
from core._stable import StableKnobs
from core._validation import check_choice, check_frames, check_k, check_locked_fits, opaque_mask
from core.metrics import Estimate, LatticeMeter


@dataclass(frozen=True)
class QuantizedGif:
    """One mode of an animation: its GIF, palettes and scores.

    Attributes
    ----------
    gif : bytes
        The GIF (each frame its own exact palette; what did not change is not
        stored again, and a frame identical to the one before is merged into it).
    palettes, centers : tuple
        Per input frame: the ``Palette`` and the centres (in ``space``).
    space : str
    estimate : core.metrics.Estimate
        Flicker (per frame pair and mean) and mean ΔE2000 on the lattice.
    frame_of : tuple of int
        The GIF frame that shows each input frame (merged frames share one).
    """

    gif: bytes
    palettes: tuple
    centers: tuple
    space: str
    estimate: Estimate
    frame_of: tuple[int, ...]


def quantize_gif(
    frames: Sequence[np.ndarray],
    k: int,
    *,
    mode: str = "stable",
    alphas: Sequence[np.ndarray | None] | None = None,
    durations: Sequence[int] | None = None,
    loop: int | None = 0,
    dither: str = "none",
    progress: Callable[[int, int], None] | None = None,
    **options,
) -> QuantizedGif:
    """Quantize ``frames`` in ``mode``, dither, write the GIF and measure it, frame by frame.

    Parameters
    ----------
    frames : sequence of ndarray, shape (H, W, 3), uint8
    k : int
    mode : {"independent", "seeded", "global", "stable"}
    alphas : sequence of ndarray or None, optional
    durations : sequence of int, optional
        Milliseconds per frame (100 each when not given).
    loop : int or None
    dither : {"none", "bayer", "floyd-steinberg"}
    progress : callable(done, total), optional
        Called after each frame is written.
    **options
        As :func:`core.quantize_frames` takes them (``space``, ``seed``,
        ``locked``, ``locked_rule``, ``hysteresis``...).

    Returns
    -------
    QuantizedGif

    Raises
    ------
    ValueError
        For an unknown mode, dither or option, or frames that do not go together.
    """
    check_choice("mode", mode, MODES)
    check_choice("dither", dither, DITHER_METHODS)
    k = check_k(k)
    opts, knobs = _options(options)
    check_locked_fits(opts.locked, k)
    check_mode_options(mode, opts)
    frames, alphas = check_frames(frames, alphas)
    durations = [100] * len(frames) if durations is None else [int(d) for d in durations]
    pairs = list(zip(frames, alphas))
    centers = global_centers(pairs, k, opts) if mode == "global" else None
    h, w = frames[0].shape[:2]
    meter, buf = LatticeMeter((w, h)), io.BytesIO()
    palettes, kept_centers, frame_of, drawn, space = [], [], [], None, opts.space
    transparent = any(a is not None and not opaque_mask(a, (h, w)).all() for a in alphas)
    with GifWriter(buf, (w, h), loop=loop, transparent=transparent) as writer:
        quantized = iter_quantized(pairs, k, mode, opts, knobs, centers)
        for i, ((frame, alpha), res) in enumerate(zip(pairs, quantized)):
            if dither != "none":
                res = drawn = redraw(frame, res, dither, alpha, previous=drawn)
            writer.add(res, durations[i], alpha)
            meter.add(frame, res.image, alpha)
            palettes.append(res.palette)
            kept_centers.append(res.centers)
            frame_of.append(writer.shown - 1)
            space = res.space
            if progress is not None:
                progress(i + 1, len(frames))
    return QuantizedGif(buf.getvalue(), tuple(palettes), tuple(kept_centers), space,
                        meter.result(), tuple(frame_of))


def _options(options: dict) -> tuple[QuantizeOptions, StableKnobs]:
    # The clustering options and the stable mode's knobs, each checked where it is made.
    quantize_names = {f.name for f in fields(QuantizeOptions)}
    knob_names = {f.name for f in fields(StableKnobs)}
    unknown = set(options) - quantize_names - knob_names
    if unknown:
        raise ValueError(f"unknown option(s) {sorted(unknown)}; choose from "
                         f"{sorted(quantize_names | knob_names)}.")
    return (QuantizeOptions(**{n: v for n, v in options.items() if n in quantize_names}),
            StableKnobs(**{n: v for n, v in options.items() if n in knob_names}))
