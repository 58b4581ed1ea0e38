"""The low-rate end: ours against gifski --quality 50 along the size curve, and where the error is.

Run from the project root (it writes its tables to ``bench/results/bench_fit_curve.md``)::

    python -m bench.bench_fit_curve
    python -m bench.bench_fit_curve --clip carphone --scales 1 1.5 2

At gifski q50's size on test.webm the stable mode's colour error misses
gifski's + 5 % (``bench_fit_peers``). This measures how many bytes ours
needs to get there: ``core.convert(max_bytes=s x gifski's bytes,
fit_by="colours")`` for each scale ``s``, every file scored as decoded (as in
``bench_fit_peers``), next to gifski at quality 50, 70 and 90. It also splits
each file's mean ΔE2000 into its first frame and the rest, and counts the
pixels the last frame still shows from the first: on a clip whose
background stays still, those pixels keep the first frame's colours for the
whole clip, so the first frame's palette sets most of the error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

import core
from bench import bench_peers as peers
from bench._common import DATA, recorded
from bench.bench_fit_peers import encode_gifski, lossless_source, ours_at

THRESHOLDS = [1.0, 2.0, 3.0]


def split_error(originals: list, decoded: list) -> tuple[float, float, float]:
    """(mean ΔE2000 of the first frame, of the others, share of pixels unchanged first to last)."""
    first = core.metrics.mean_delta_e(originals[:1], decoded[:1])
    rest = core.metrics.mean_delta_e(originals[1:], decoded[1:])
    same = float(np.mean(np.all(decoded[0] == decoded[-1], axis=2)))
    return first, rest, same


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [c[0] for c in peers.CLIPS]
    parser.add_argument("--clip", default="test", choices=names)
    parser.add_argument("--scales", nargs="+", type=float, default=[1.0, 1.25, 1.5, 1.75, 2.0])
    args = parser.parse_args(argv)
    found = peers.find_tools()
    tools = {name: exe for name, (exe, _) in found.items()}
    if not all(tools.values()):
        sys.exit(f"Skipped: {found}")
    name, rel, start = next(c for c in peers.CLIPS if c[0] == args.clip)
    frames, durations, _ = peers.load_clip(DATA / rel, start, 120)
    fps, (h, w), n = peers.clip_fps(durations), frames[0].shape[:2], len(frames)
    masks = peers.static_masks(frames, THRESHOLDS)
    print(f"# {name}: {n} frames {w}x{h}, ours along the size curve against gifski\n")
    print("| file | KB | mean ΔE2000 | flicker @1 / @2 / @3 | k, hold | ΔE first frame "
          "| ΔE other frames | pixels unchanged first to last |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-fit-curve-") as tmp:
        tmp = Path(tmp)
        pngs = []
        for i, f in enumerate(frames):
            pngs.append(tmp / f"f{i:05d}.png")
            Image.fromarray(f).save(pngs[-1], compress_level=1)
        source = lossless_source(frames, fps, tmp / "source.mkv", tools["ffmpeg"])
        rows, base = [], None
        for quality in (50, 70, 90):
            row = peers.Row(f"gifski q{quality}", None, tmp / f"g{quality}.gif")
            encode_gifski(row, tools["gifski"], pngs, fps, (w, h), quality)
            rows.append((row, "—"))
            base = base or row
        for scale in args.scales:
            row = peers.Row(f"ours at {scale:g} x gifski q50's bytes", None, tmp / f"o{scale}.gif")
            fit = ours_at(row, source, int(scale * base.path.stat().st_size), n).fit
            rows.append((row, f"{fit.k}, {fit.hold:g}/{fit.hysteresis:g}"))
        for row, choice in rows:
            peers.score(row, frames, masks)
            decoded, _, _ = peers.decode(row.path, n)
            first, rest, same = split_error(frames, decoded)
            fl = " / ".join(f"{row.by_threshold[t]:.3f}" for t in THRESHOLDS)
            print(f"| {row.name} | {row.nbytes / 1000:.0f} | {row.delta_e:.3f} | {fl} | {choice} "
                  f"| {first:.3f} | {rest:.3f} | {100 * same:.0f} % |")


if __name__ == "__main__":
    with recorded("bench_fit_curve"):
        main()
