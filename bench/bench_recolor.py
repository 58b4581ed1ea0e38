"""Palette-based recolouring (core.recolor): speed, and the issue's targets, in one table.

Run from the project root: ``python bench/bench_recolor.py``. Prints markdown
and writes it to ``bench/results/bench_recolor.md`` with the commit, date and
machine:

1. Speed on a 1920x1080 still (scikit-learn's china.jpg, resized): building
   the 33³ table for one edit, applying it, and the naive way, the exact
   mapping evaluated for every pixel (timed on a 1/16 sample of the pixels
   and scaled up: the full run takes minutes).
2. Targets on china.jpg and flower.jpg at k=6, one swatch at a time turned
   120° in hue at the same L* (``bench/recolor_targets.py``): follow, far,
   SSIM of L*, and the smooth-ramp figures.
3. Flicker added on animations: the seed GIF (``../shared/data``, skipped
   when absent) and the app's pan-over-a-temple sample, each swatch of the
   k=6 global palette edited in turn.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.datasets import load_sample_image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import core  # noqa: E402
from bench import recolor_targets as targets  # noqa: E402
from bench._common import DATA, ROOT  # noqa: E402
from core.colorspace import to_space, to_srgb8  # noqa: E402
from core.samples import SAMPLES, load_sample  # noqa: E402

K = 6
RUNS = 9
#: The naive evaluation is timed on every this-many-th pixel.
NAIVE_STRIDE = 16


def _hd_still() -> np.ndarray:
    china = Image.fromarray(load_sample_image("china.jpg"))
    return np.asarray(china.resize((1920, 1080), Image.Resampling.LANCZOS))


def _times(fn, runs: int) -> tuple[float, float, object]:
    # Median and best of runs (seconds), and the last result: the median is what
    # a visitor meets on this shared machine, the best what the code costs.
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), result


def speed_table() -> list[str]:
    image = _hd_still()
    palette = core.quantize(image, K).palette.colors
    new = palette.copy()
    new[0] = targets.turned(palette[0])
    build, build_best, mapping = _times(lambda: core.recolor_map(palette, new), RUNS)
    # A slow pan over the still: 20 frames for the animation's choice of fade.
    pan = [np.ascontiguousarray(np.roll(image, 4 * t, axis=1)) for t in range(20)]
    choose, choose_best, _ = _times(lambda: core.recolor_map(palette, new, frames=pan), 3)
    apply, apply_best, _ = _times(lambda: mapping.apply(image), RUNS)
    sample = image.reshape(-1, 3)[::NAIVE_STRIDE]
    start = time.perf_counter()
    mapping.colors(sample)
    naive = (time.perf_counter() - start) * NAIVE_STRIDE
    return [
        f"## Speed: one edit, 1920x1080 still, {RUNS} runs\n",
        "| step | median (ms) | best (ms) | target | naive / median |",
        "|---|---:|---:|---:|---:|",
        f"| build the 33³ table and the exact 32³ dark corner | {1000 * build:.0f} "
        f"| {1000 * build_best:.0f} | ≤ 200 | {naive / build:.0f}x |",
        f"| apply it to every pixel | {1000 * apply:.0f} | {1000 * apply_best:.0f} | ≤ 100 "
        f"| {naive / apply:.0f}x |",
        f"| an animation (20 frames): build both fades, measure them on 8 pairs (3 runs) "
        f"| {1000 * choose:.0f} | {1000 * choose_best:.0f} | | |",
        f"| naive: the exact mapping for every pixel (timed on 1/{NAIVE_STRIDE}) "
        f"| {1000 * naive:.0f} | | | 1x |",
    ]


def _ramp_figures(mapping, palette, index: int) -> tuple[int, int, int]:
    rows = targets.ramps(palette, index)
    inside = max(targets.region_ramp_growth(mapping.apply, r, palette, index) for r in rows)
    table = max(
        targets.largest_step(mapping.apply(r))
        - targets.largest_step(to_srgb8(mapping.colors(r[0]))[None]) for r in rows
    )
    across = max(targets.ramp_growth(mapping.apply, r) for r in rows)
    return inside, table, across


def target_table() -> list[str]:
    lines = [
        f"\n## Targets: one swatch at a time, k={K}\n",
        "follow: distance of the edited region's mean from the new colour, over the edit's "
        "length (target ≤ 0.3); far: largest mean ΔE2000 moved by a region ≥ 40 ΔE76 away "
        "(≤ 1); SSIM of L* (≥ 0.95); ramps: largest step growth in levels, over grey, the "
        "edited colour's shading and its pairs with every other swatch: inside the edited "
        "region / the table over the exact mapping / anywhere (target ≤ +2). A still takes "
        "the even fade (core/_fade.py); the last column is the same edit with the gamut's fade, "
        "for comparison.\n",
        "| picture | swatch → new | ΔE76 | share | follow | far | SSIM L* "
        "| ramp inside | table vs exact | ramp anywhere | anywhere, gamut fade |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("china.jpg", "flower.jpg"):
        image = load_sample_image(name)
        palette = core.quantize(image, K).palette.colors
        labels = targets.regions(image, palette)
        for i in range(K):
            new = palette.copy()
            new[i] = targets.turned(palette[i])
            mapping = core.recolor_map(palette, new)
            s = targets.score(image, mapping.apply(image), palette, new, i, labels)
            inside, table, across = _ramp_figures(mapping, palette, i)
            gamut = core.recolor_map(palette, new, core.RecolorOptions(fade="gamut"))
            lines.append(
                f"| {name} | {core.palette.hex_code(s.old)} → {core.palette.hex_code(s.new)} "
                f"| {s.distance:.0f} | {s.share:.2f} | {s.follow:.3f} | {s.far:.2f} "
                f"| {s.ssim:.3f} | +{inside} | +{table} | +{across} "
                f"| +{_ramp_figures(gamut, palette, i)[2]} |"
            )
    return lines


def _animations() -> list[tuple[str, list[np.ndarray]]]:
    out = []
    seed = DATA / "harrypotter_original.gif"
    if seed.exists():
        out.append(("seed GIF (harrypotter_original.gif)", core.load_media(seed).frames))
    else:
        print(f"skipped the seed GIF: {seed} is absent", file=sys.stderr)
    out.append(("sample: pan over a temple", load_sample(next(iter(SAMPLES))).frames))
    return out


def flicker_table() -> list[str]:
    lines = [
        f"\n## Flicker added on animations, k={K} global palette\n",
        "Flicker is core.metrics.flicker (ΔE76); added = recoloured minus the input's own "
        "(target ≤ +0.05). gap: ΔE76 to the nearest other swatch. core.recolor measures both "
        "fades on 8 pairs of the frames and takes the even one unless the gamut's adds 0.01 "
        "less (core/_fade.py); both are shown over every frame.\n",
        "| animation | swatch → new | ΔE76 | gap | input | even fade | gamut fade | taken "
        "| added |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, frames in _animations():
        palette = core.quantize_frames(frames, K, mode="global")[0].palette.colors
        centers = to_space(palette, "lab")
        base = core.metrics.flicker(frames, frames)
        for i in range(K):
            turned = targets.turned(palette[i])
            if turned is None:
                continue
            new = palette.copy()
            new[i] = turned
            fades = {fade: core.metrics.flicker(frames, core.recolor(frames, palette, new,
                                                                     fade=fade)) - base
                     for fade in ("even", "gamut")}
            taken = core.recolor_map(palette, new, frames=frames).options.fade
            gap = np.delete(np.linalg.norm(centers - centers[i], axis=1), i).min()
            edit = np.linalg.norm(to_space(turned[None], "lab")[0] - centers[i])
            lines.append(
                f"| {name} | {core.palette.hex_code(palette[i])} → {core.palette.hex_code(turned)} "
                f"| {edit:.0f} | {gap:.1f} | {base:.3f} | {fades['even']:+.3f} "
                f"| {fades['gamut']:+.3f} | {taken} | {fades[taken]:+.3f} |"
            )
    return lines


def stamp() -> str:
    """Commit, date and machine of this run (kept small: bench/_common may take it over)."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True).stdout.strip() or "unknown"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in lines
                if line.startswith("model name")), platform.processor() or "cpu")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    machine = f"{cpu}, {os.cpu_count()} CPUs (load {load}), Python {platform.python_version()}"
    return f"_Commit {commit}, {when}, {machine}._\n"


if __name__ == "__main__":
    text = "\n".join(["# bench_recolor\n", stamp(), *speed_table(), *target_table(),
                      *flicker_table()]) + "\n"
    print(text)
    out = ROOT / "bench" / "results" / "bench_recolor.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
