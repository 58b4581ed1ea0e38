"""DIN99o and Oklab against CIELAB as the space k-means clusters in: colour error, flicker, time.

Run from the project root: ``python -m bench.bench_spaces`` (it writes its
tables to ``bench/results/bench_spaces.md`` too). Every input is
quantized three times, with ``space="lab"`` (the library's default),
``"oklab"`` and ``"din99o"``, everything else equal, and each is compared
with CIELAB in this one run:

- animations: the seed GIF (``../shared/data/harrypotter_original.gif``) and
  the shared clips (``../shared/data/clips``, read within the app's limits,
  as the page reads them), in ``"seeded"`` and ``"stable"`` mode at k = 8
  and 16: mean CIEDE2000 ΔE, flicker (ΔE76, :func:`core.metrics.flicker`)
  and time (median of ``RUNS``);
- stills: the shared film stills and scikit-learn's two images at k = 8 and
  16: mean ΔE2000 and time;
- the conversion itself: sRGB to each space for one million colours.

CIEDE2000 is defined on CIELAB, and DIN99o is built to follow it, which may
favour clustering there; the stills table therefore also gives the mean
Euclidean distance in Oklab (x100, "ΔE_OK"), which favours Oklab, so a space
that wins both wins fairly.
"""

from __future__ import annotations

import sys
import time
from functools import partial

import numpy as np
from PIL import Image

import core
from bench._common import DATA, median_time, recorded
from core._histogram import pack_rgb, unpack_rgb
from core.limits import DEFAULT_LIMITS, load_within_limits

SPACES = ("lab", "oklab", "din99o")
#: Each of these is compared with CIELAB.
CONTENDERS = ("oklab", "din99o")
KS = (8, 16)
MODES = ("seeded", "stable")
RUNS = 3


def animations() -> list[tuple[str, core.Media]]:
    """The seed GIF and every shared clip, read as the page reads them."""
    paths = [DATA / "harrypotter_original.gif", *sorted((DATA / "clips").glob("*"))]
    out = []
    for path in paths:
        if path.exists():
            media, _ = load_within_limits(path.read_bytes(), DEFAULT_LIMITS)
            out.append((path.name, media))
    return out


def stills() -> list[tuple[str, np.ndarray]]:
    """The shared film stills and scikit-learn's china.jpg and flower.jpg."""
    from sklearn.datasets import load_sample_image

    out = [(name, load_sample_image(name)) for name in ("china.jpg", "flower.jpg")]
    for path in sorted((DATA / "only-god-forgives").glob("*.jpg")):
        out.append((path.name, np.asarray(Image.open(path).convert("RGB"))))
    return out


def delta_e_ok(original: np.ndarray, quantized: np.ndarray) -> float:
    """Mean Euclidean distance in Oklab x100 over pixels (each distinct pair once)."""
    pair = (pack_rgb(original, np.int64) << 24) | pack_rgb(quantized, np.int64)
    uniq, counts = np.unique(pair, return_counts=True)
    a = core.colorspace.to_space(unpack_rgb(uniq >> 24), "oklab")
    b = core.colorspace.to_space(unpack_rgb(uniq), "oklab")
    return float(np.sum(np.linalg.norm(a - b, axis=1) * counts) / counts.sum())


def table_head(title: str, timed: str, columns: list[str]) -> None:
    """Print a section's title, what its time measures, and its table's header."""
    print(f"{title}\n")
    print(f"Time: median of {RUNS} runs of `{timed}`.\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))


def bench_animations() -> dict:
    table_head("## Animations: seeded and stable mode, CIELAB vs Oklab vs DIN99o",
               "core.quantize_frames", ["input", "frames, size", "mode", "k", "space",
                                        "mean ΔE2000", "flicker (ΔE76)", "time (s)"])
    rows = {}
    for name, media in animations():
        frames = media.frames
        shape = f"{len(frames)}, {frames[0].shape[1]}x{frames[0].shape[0]}"
        for mode in MODES:
            for k in KS:
                for space in SPACES:
                    run = partial(core.quantize_frames, frames, k, mode=mode, space=space)
                    seconds, results = median_time(run, RUNS)
                    images = [r.image for r in results]
                    de = core.metrics.mean_delta_e(frames, images)
                    fl = core.metrics.flicker(frames, images)
                    rows[name, mode, k, space] = (de, fl, seconds)
                    print(f"| {name} | {shape} | {mode} | {k} | {space} | {de:.3f} | {fl:.3f} "
                          f"| {seconds:.2f} |")
    return rows


def bench_stills() -> dict:
    table_head("\n## Stills: CIELAB vs Oklab vs DIN99o", "core.quantize",
               ["image", "k", "space", "mean ΔE2000", "mean ΔE_OK (x100)", "time (ms)"])
    rows = {}
    for name, image in stills():
        for k in KS:
            for space in SPACES:
                seconds, res = median_time(partial(core.quantize, image, k, space=space), RUNS)
                de = core.metrics.quality(image, res.image).mean_delta_e
                ok = delta_e_ok(image, res.image)
                rows[name, k, space] = (de, ok, seconds)
                print(f"| {name} | {k} | {space} | {de:.3f} | {ok:.3f} | {1000 * seconds:.1f} |")
    return rows


def bench_conversion() -> None:
    print("\n## Conversion of one million sRGB colours\n")
    print("| space | to_space (ms) | from_space (ms) |")
    print("|---|---|---|")
    rgb = np.random.default_rng(0).integers(0, 256, (1_000_000, 3))
    for space in core.SPACES:
        forward, coords = median_time(partial(core.colorspace.to_space, rgb, space), RUNS)
        backward, _ = median_time(partial(core.colorspace.from_space, coords, space), RUNS)
        print(f"| {space} | {1000 * forward:.0f} | {1000 * backward:.0f} |")


def _mean_ratio(rows: dict, space: str, index: int) -> float:
    # Geometric mean over inputs of space / lab for one measure.
    ratios = [rows[key[:-1] + (space,)][index] / value[index]
              for key, value in rows.items() if key[-1] == "lab" and value[index] > 0]
    return float(np.exp(np.mean(np.log(ratios)))) if ratios else float("nan")


def summary(anim: dict, still: dict) -> None:
    print("\n## Summary (space / CIELAB, geometric mean over inputs; below 1 favours the space)\n")
    print("| measure | " + " | ".join(f"{s}: animations | {s}: stills" for s in CONTENDERS) + " |")
    print("|---|" + "---|---|" * len(CONTENDERS))
    for label, a, s in (("mean ΔE2000", 0, 0), ("flicker", 1, None),
                        ("mean ΔE_OK", None, 1), ("time", 2, 2)):
        cells = []
        for space in CONTENDERS:
            cells.append("-" if a is None else f"{_mean_ratio(anim, space, a):.3f}")
            cells.append("-" if s is None else f"{_mean_ratio(still, space, s):.3f}")
        print(f"| {label} | " + " | ".join(cells) + " |")
    total = sum(key[-1] == "lab" for key in anim)
    for space in CONTENDERS:
        wins = sum(anim[key[:-1] + (space,)][0] < value[0]
                   for key, value in anim.items() if key[-1] == "lab")
        print(f"\n{space} has the lower mean ΔE2000 in {wins} of {total} animation runs.")


def main() -> None:
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: the shared data folder is not beside the project.")
    start = time.perf_counter()
    print("# DIN99o and Oklab vs CIELAB\n")
    anim = bench_animations()
    still = bench_stills()
    bench_conversion()
    summary(anim, still)
    print(f"\n(The whole benchmark took {time.perf_counter() - start:.0f} s.)")


if __name__ == "__main__":
    with recorded("bench_spaces"):
        main()
