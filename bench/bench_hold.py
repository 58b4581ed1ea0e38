"""What the stable mode's hold and the GIF writer's differencing each earn, and what they cost.

Run ``python -m bench.bench_hold`` from the project root (``--clips``, ``--k``,
``--no-speed`` to narrow it). It prints markdown tables (and writes them to
``bench/results/bench_hold.md``):

1. One idea off at a time, on real clips: the stable mode as it is (hold on,
   differenced GIF), without the hold (``hold=0``), with whole frames
   (``GifWriter(difference=False)``), and with both off (the former writer).
   Flicker at static thresholds 1, 2 and 4 ΔE76, mean CIEDE2000 and file size,
   all from the GIF read back by Pillow (``bench_peers``' scoring).
2. Dithering (Bayer, Floyd-Steinberg) with and without the hold: a held pixel
   keeps its dithered colour, so still areas stop crawling.
3. Time per frame and peak memory of the stable mode and the writer on the
   1280x688 clip, streamed as :func:`core.convert` would run it (frames
   decoded one at a time by imageio-ffmpeg, quantized by
   ``iter_quantized``, written by ``GifWriter``), in a fresh process; and
   ffmpeg palettegen + paletteuse on the same file for scale (skipped with a
   reason when ffmpeg is missing).

Needs ``../shared/data`` beside the project (skips with a reason otherwise).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import core
from bench._common import DATA, ROOT, peak_rss_mb, recorded
from bench.bench_peers import (
    CLIPS,
    decode,
    find_ffmpeg,
    flicker_at_thresholds,
    load_clip,
    static_masks,
)

THRESHOLDS = (1.0, 2.0, 4.0)
BIG = "clips/made_zoom_then_still_1280x688.mp4"
BIG_K = 64
VARIANTS = (
    ("stable: hold + differenced GIF (default)", {}, True),
    ("no hold (hold=0), differenced GIF", {"hold": 0.0}, True),
    ("hold, whole frames (difference=False: held colours must fit one table)", {}, False),
    ("no hold, whole frames (the former writer)", {"hold": 0.0}, False),
)

# Streams the big clip through the stable mode and the writer; prints JSON timings.
STREAM = """
import io, json, time, numpy as np, imageio_ffmpeg, core
from core._quantize import QuantizeOptions
from core._sequence import iter_quantized
gen = imageio_ffmpeg.read_frames({path!r})
w, h = next(gen)["size"]
times = {{"decode": 0.0, "quantize": 0.0, "write": 0.0}}
def frames():
    while True:
        t = time.perf_counter()
        try:
            raw = next(gen)
        except StopIteration:
            return
        times["decode"] += time.perf_counter() - t
        yield np.frombuffer(raw, np.uint8).reshape(h, w, 3), None
buf, n = io.BytesIO(), 0
with core.GifWriter(buf, (w, h), difference={difference}) as gif:
    knobs = core.StableKnobs(hold={hold})
    results = iter_quantized(frames(), {k}, "stable", QuantizeOptions(), knobs)
    while True:
        t = time.perf_counter()
        try:
            res = next(results)
        except StopIteration:
            break
        t1 = time.perf_counter()
        gif.add(res, 40)
        times["write"] += time.perf_counter() - t1
        times["quantize"] += t1 - t
        n += 1
times["quantize"] -= times["decode"]
print(json.dumps({{"frames": n, "bytes": len(buf.getvalue()), **times}}))
"""


def gif_of(results, durations, difference: bool) -> bytes:
    buf = io.BytesIO()
    h, w = results[0].labels.shape
    with core.GifWriter(buf, (w, h), difference=difference) as gif:
        for res, duration in zip(results, durations):
            gif.add(res, duration)
    return buf.getvalue()


def scored(data: bytes, frames, masks) -> str:
    with tempfile.NamedTemporaryFile(suffix=".gif") as fh:
        fh.write(data)
        fh.flush()
        back, _, _ = decode(Path(fh.name), len(frames))
    flicker = flicker_at_thresholds(masks, back)
    delta_e = core.metrics.mean_delta_e(frames, back)
    cells = " / ".join(f"{flicker[t]:.3f}" for t in THRESHOLDS)
    return f"{cells} | {delta_e:.3f} | {len(data) / 1024:.0f}"


def ablation(clips, ks) -> None:
    print("## One idea off at a time (scored from the GIF read back)\n")
    print("| clip | k | variant | flicker at static < 1 / 2 / 4 ΔE76 | mean ΔE2000 | KiB |")
    print("|---|---|---|---|---|---|")
    for name, rel, start in clips:
        frames, durations, _ = load_clip(DATA / rel, start, 120)
        masks = static_masks(frames, list(THRESHOLDS))
        for k in ks:
            cache = {}
            for label, knobs, difference in VARIANTS:
                key = tuple(sorted(knobs.items()))
                if key not in cache:
                    cache[key] = core.quantize_frames(frames, k, mode="stable", **knobs)
                data = gif_of(cache[key], durations, difference)
                print(f"| {name} | {k} | {label} | {scored(data, frames, masks)} |", flush=True)


def dithering(clips, k: int) -> None:
    print(f"\n## Dithering with and without the hold, k={k}\n")
    print("| clip | dithering | hold | flicker at static < 1 / 2 / 4 ΔE76 | mean ΔE2000 | KiB |")
    print("|---|---|---|---|---|---|")
    for name, rel, start in clips:
        frames, durations, _ = load_clip(DATA / rel, start, 120)
        masks = static_masks(frames, list(THRESHOLDS))
        for hold in (core.HOLD, 0.0):
            results = core.quantize_frames(frames, k, mode="stable", hold=hold)
            for method in ("bayer", "floyd-steinberg"):
                dithered = core.dither_results(frames, results, method)
                data = gif_of(dithered, durations, True)
                print(f"| {name} | {method} | {hold:g} | {scored(data, frames, masks)} |",
                      flush=True)


def speed() -> None:
    path = DATA / BIG
    print(f"\n## Time and memory on {path.name} (all frames, k={BIG_K}, streamed)\n")
    print("Decoding runs in imageio-ffmpeg's own process; its column is the wait for the pipe.\n")
    print("| run | decode | quantize | write | ms per frame in all | GIF KiB | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    runs = (("stable, hold + differenced GIF (default)", core.HOLD, True),
            ("stable without the hold, differenced GIF", 0.0, True),
            ("stable without the hold, whole frames", 0.0, False))
    n = 0
    for label, hold, difference in runs:
        code = STREAM.format(path=str(path), k=BIG_K, hold=hold, difference=difference)
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
        stats = json.loads(out.strip().splitlines()[-1])
        n = stats["frames"]
        parts = [1000 * stats[p] / n for p in ("decode", "quantize", "write")]
        cells = " | ".join(f"{p:.0f}" for p in parts)
        print(f"| {label} | {cells} | {sum(parts):.0f} | {stats['bytes'] / 1024:.0f} "
              f"| {peak_rss_mb(code):.0f} |", flush=True)
    print(f"\n{n} frames; peak RSS of the whole streamed run in a fresh process, imports "
          "included (about 200 MB of it).")
    exe, how = find_ffmpeg()
    if exe is None:
        print(f"\nffmpeg skipped: {how}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        graph = (f"split[a][b];[a]palettegen=max_colors={BIG_K}:stats_mode=full[p];"
                 "[b][p]paletteuse=dither=none")
        start = time.perf_counter()
        subprocess.run([exe, "-hide_banner", "-loglevel", "error", "-y", "-i", str(path),
                        "-filter_complex", graph, str(Path(tmp) / "f.gif")], check=True)
        seconds = time.perf_counter() - start
    print(f"\nffmpeg palettegen + paletteuse (k={BIG_K}, dither none) on the same file, "
          f"decoding included: {1000 * seconds / n:.0f} ms per frame ({seconds:.1f} s).")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [c[0] for c in CLIPS]
    parser.add_argument("--clips", nargs="+", default=["carphone", "test", "seed"],
                        help=f"clips for the ablation, from {', '.join(names)}")
    parser.add_argument("--k", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--no-speed", action="store_true", help="skip the 1280x688 timing")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        sys.exit(f"Skipped: {DATA} is absent (the shared data folder is not beside the project).")
    clips = [c for c in CLIPS if c[0] in args.clips and (DATA / c[1]).is_file()]
    print("# The hold and the differenced GIF, one at a time\n")
    ablation(clips, args.k)
    dithering(clips, 16)
    if not args.no_speed:
        if (DATA / BIG).is_file():
            speed()
        else:
            print(f"\nTiming skipped: {DATA / BIG} is absent.")


if __name__ == "__main__":
    with recorded("bench_hold"):
        main()
