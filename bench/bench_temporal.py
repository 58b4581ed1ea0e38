"""Benchmark of the animation modes and dithering on the seed GIF: flicker, error, time.

Run ``python -m bench.bench_temporal`` from the project root. It prints
markdown tables (and writes them to ``bench/results/bench_temporal.md``):
mode x k (flicker in ΔE76 as :func:`core.metrics.flicker` defines it, mean
ΔE2000, median time of three runs), the ideas of the stable mode switched off
one at a time (issues 6 and 10), and the flicker of each dithering method with
and without the hold.
Needs ``../shared/data/harrypotter_original.gif``.
"""

from __future__ import annotations

import statistics
import sys
import time

import core
from bench._common import DATA, recorded
from core import metrics
from core._dither import METHODS, dither_results

CLIP = DATA / "harrypotter_original.gif"
KS = (4, 8, 16)
RUNS = 3
MODES = (
    ("independent (random init)", dict(mode="independent", init="random")),
    ("seeded", dict(mode="seeded")),
    ("global", dict(mode="global")),
    ("stable (new)", dict(mode="stable")),
)
ABLATIONS = (
    ("stable, default (hold 2.5, hysteresis 3.5, damping 2, cut 0.25)", {}),
    ("no hold", dict(hold=0.0)),
    ("no hysteresis", dict(hysteresis=0.0)),
    ("no damping", dict(damping=0.0)),
    ("no hysteresis, no damping", dict(hysteresis=0.0, damping=0.0)),
    ("no cut detection", dict(cut_threshold=1.0)),
    ("hold 4", dict(hold=4.0)),
    ("hysteresis 2", dict(hysteresis=2.0)),
)


def timed(frames, k, options):
    times, results = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        results = core.quantize_frames(frames, k, **options)
        times.append(time.perf_counter() - start)
    return results, statistics.median(times)


def scores(frames, results):
    images = [r.image for r in results]
    return metrics.flicker(frames, images), metrics.mean_delta_e(frames, images)


def main() -> None:
    if not CLIP.exists():
        sys.exit(f"{CLIP} is absent: the shared data folder is not beside the project.")
    frames = core.load_media(CLIP).frames
    print(
        f"# Animation modes on {CLIP.name} ({len(frames)} frames, {frames[0].shape[1]}x"
        f"{frames[0].shape[0]}); time = median of {RUNS} runs\n"
    )
    print("| mode | k | flicker (ΔE76) | mean ΔE2000 | time (s) |")
    print("|---|---|---|---|---|")
    reference = {}
    for name, options in MODES:
        for k in KS:
            results, seconds = timed(frames, k, options)
            flicker, delta_e = scores(frames, results)
            if options["mode"] == "independent":
                reference[k] = delta_e
            print(f"| {name} | {k} | {flicker:.3f} | {delta_e:.3f} | {seconds:.2f} |")
    print(
        "\nTarget for the stable mode: flicker <= 0.2 and mean ΔE2000 <= independent + 0.1: "
        + ", ".join(f"k={k}: <= {reference[k] + 0.1:.3f}" for k in KS)
        + "\n"
    )

    print("## Stable mode, one idea off at a time (k = 4 / 8 / 16: flicker, ΔE2000)\n")
    print("| variant | " + " | ".join(f"k={k}" for k in KS) + " |")
    print("|---|" + "---|" * len(KS))
    for name, knobs in ABLATIONS:
        cells = []
        for k in KS:
            results = core.quantize_frames(frames, k, mode="stable", **knobs)
            flicker, delta_e = scores(frames, results)
            cells.append(f"{flicker:.3f} / {delta_e:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")

    print("\n## Dithering, k = 16 (flicker, mean ΔE2000, time of dithering 70 frames)\n")
    print("| palette mode | dithering | flicker (ΔE76) | mean ΔE2000 | time (s) |")
    print("|---|---|---|---|---|")
    for name, options in (MODES[3], ("stable, no hold", dict(mode="stable", hold=0.0)), MODES[2]):
        results = core.quantize_frames(frames, 16, **options)
        for method in METHODS:
            start = time.perf_counter()
            dithered = dither_results(frames, results, method)
            seconds = time.perf_counter() - start
            flicker, delta_e = scores(frames, dithered)
            print(f"| {name} | {method} | {flicker:.3f} | {delta_e:.3f} | {seconds:.2f} |")


if __name__ == "__main__":
    with recorded("bench_temporal"):
        main()
