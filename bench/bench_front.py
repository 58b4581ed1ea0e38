"""Where the stable mode's hold sits against gifski and ffmpeg as its two tolerances move.

Run from the project root (it writes its tables to ``bench/results/bench_front.md`` too)::

    python -m bench.bench_front
    python -m bench.bench_front --clips realshort test --hysteresis 2 3.5 --hold 2.5
    python -m bench.bench_front --hysteresis 3 3.5 --seeds 0 1 2 3
    python -m bench.bench_front --hold 2.5 6 --hysteresis 3.5 5 --static-threshold 2 4
    python -m bench.bench_front --hold 8 --hysteresis 5 --gifski-k 255 --static-threshold 2 4

The ``"stable"`` mode holds a still pixel while its source stays within
``hold`` of its reference, or while what it shows is at most ``hysteresis``
worse than the best entry now (:meth:`core._hold.PixelHold.choose`). Larger
tolerances hold more: less flicker and smaller files, at more colour error.
This bench runs the checks of ``bench/bench_peers.py`` (the issue's target)
once for every pair of ``--hold`` and ``--hysteresis`` values, against peers
encoded once per clip, so one run shows which checks each setting passes and
whether any setting passes them all. ``--seeds`` repeats each setting with
other random starts of the palettes (``seed=``), which shows the checks that
a random start alone decides. ``--static-threshold`` judges the flicker
checks with static pixels counted below other thresholds than the metric's
2 ΔE76 (each setting is counted at each threshold), and ``--gifski-k`` is our
k compared with gifski (default 64; gifski itself draws up to 256 colours a
frame).

Every figure comes from the GIF files as decoded, exactly as in
``bench_peers`` (whose clips, encoders, scoring and checks this reuses); the
per-setting table gives the ratios ours / peer that the checks read. Needs
``../shared/data``, gifski and ffmpeg as ``bench_peers`` does (skips with a
reason). About 2 minutes a setting on 2 cores, plus the peers once.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

from bench import bench_peers as peers
from bench._common import DATA, recorded
from core import HOLD, HYSTERESIS


def our_rows(name: str, frames, durations, knobs: dict, ks, workdir: Path, masks) -> list:
    """Ours in the stable mode at each k (and the seed's independent reference), scored."""
    jobs = [(f"ours stable k={k}", k, "stable", knobs) for k in ks]
    if name == peers.SEED:
        jobs.append((f"ours independent k={peers.SEED_K}", peers.SEED_K, "independent",
                     {"seed": knobs.get("seed", 0)}))
    rows = []
    for label, k, mode, kw in jobs:
        row = peers.Row(label, k, workdir / f"{name}_{mode}_{k}.gif")
        peers.encode_ours(row, frames, durations, mode, 1, kw)
        peers.score(row, frames, masks)
        row.path.unlink()
        rows.append(row)
    return rows


def ratios(rows: list, gifski_k: int, thresholds: list[float]) -> str:
    """Ours over each peer: flicker (at each threshold) / ΔE2000 / bytes, as checked."""
    out = []
    for ours_k, peer_name in ((gifski_k, f"gifski --quality {peers.GIFSKI_QUALITY}"),
                              (peers.FFMPEG_K, f"ffmpeg palettegen/paletteuse k={peers.FFMPEG_K}")):
        ours, other = peers.find(rows, f"ours stable k={ours_k}"), peers.find(rows, peer_name)
        if ours is None or other is None:
            out.append("—")
            continue
        # "—" where a threshold leaves too few static pixels (NaN) or the peer never flickers.
        flicker = ", ".join(peers._ratio(peers.flicker_of(ours, t), peers.flicker_of(other, t))
                            for t in thresholds)
        out.append(f"{flicker} / {ours.delta_e / other.delta_e:.3f} / "
                   f"{ours.nbytes / other.nbytes:.3f}")
    return " | ".join(out)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [c[0] for c in peers.CLIPS]
    parser.add_argument("--clips", nargs="+", default=names, choices=names, metavar="NAME",
                        help=f"subset of {', '.join(names)}")
    parser.add_argument("--frames", type=int, default=120, help="frames per clip (default 120)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="random starts of our palettes (default 0, the library's)")
    parser.add_argument("--hold", type=float, nargs="+", default=[HOLD],
                        help=f"values of the hold (default {HOLD:g}, the library's)")
    parser.add_argument("--hysteresis", type=float, nargs="+", default=[2.0, 2.5, 3.0, HYSTERESIS],
                        help=f"values of the hysteresis (default 2 2.5 3 {HYSTERESIS:g}; "
                             f"{HYSTERESIS:g} is the library's)")
    parser.add_argument("--static-threshold", type=float, nargs="+",
                        default=[peers.DEFAULT_STATIC], metavar="X",
                        help="static thresholds (ΔE76) to judge the flicker checks at "
                             f"(default {peers.DEFAULT_STATIC:g}, the metric's)")
    parser.add_argument("--gifski-k", type=int, default=peers.GIFSKI_K, metavar="K",
                        help=f"our k compared with gifski (default {peers.GIFSKI_K})")
    args = parser.parse_args(argv)
    if args.frames < 2 or min(args.hold + args.hysteresis) < 0:
        parser.error("--frames >= 2 and tolerances >= 0")
    if not 2 <= args.gifski_k <= 256 or min(args.static_threshold) <= 0:
        parser.error("2 <= --gifski-k <= 256 and thresholds > 0")
    args.static_threshold = sorted(set(args.static_threshold))
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    tools = peers.find_tools()
    for tool, (exe, how) in tools.items():
        if exe is None:
            sys.exit(f"Skipped: {tool} is missing ({how}); the checks need both peers.")
    ks = [peers.FFMPEG_K, args.gifski_k]
    thresholds = args.static_threshold
    settings = list(itertools.product(args.hold, args.hysteresis, args.seeds))
    started = time.perf_counter()
    print("# The hold's tolerances against the peers' checks (decoded files)\n")
    print(f"Checks as in bench_peers (k={args.gifski_k} vs gifski --quality "
          f"{peers.GIFSKI_QUALITY}, k={peers.FFMPEG_K} vs ffmpeg, the seed GIF at "
          f"k={peers.SEED_K}); ratios are ours / peer: flicker at static < "
          f"{', '.join(f'{t:g}' for t in thresholds)} ΔE76 / ΔE2000 / bytes.\n")
    verdicts = {(s, t): [] for s in settings for t in thresholds}
    ratio_lines = {s: [] for s in settings}
    with tempfile.TemporaryDirectory(prefix="bench-front-") as tmp:
        workdir = Path(tmp)
        for name, rel, start in peers.CLIPS:
            if name not in args.clips:
                continue
            if not (DATA / rel).is_file():
                print(f"Skipped {name}: {DATA / rel} is absent.")
                continue
            frames, durations, _ = peers.load_clip(DATA / rel, start, args.frames)
            print(f"... {name}", file=sys.stderr, flush=True)
            out = workdir / name
            out.mkdir()
            masks = peers.static_masks(frames, thresholds)
            theirs = peers.peer_rows(frames, peers.clip_fps(durations), tools, [peers.FFMPEG_K],
                                     out, 1, masks)
            for setting in settings:
                knobs = dict(zip(("hold", "hysteresis", "seed"), setting))
                rows = our_rows(name, frames, durations, knobs, ks, out, masks) + theirs
                for t in thresholds:
                    verdicts[setting, t] += peers.checks_for(name, rows, t, args.gifski_k)
                ratio_lines[setting].append(
                    f"| {name} | {ratios(rows, args.gifski_k, thresholds)} |")

    print("| hold | hysteresis | seed | static < (ΔE76) | checks passed | missed |")
    print("|---|---|---|---|---|---|")
    for (setting, t), checks in verdicts.items():
        passed = sum(bool(c[4]) for c in checks)
        missed = "; ".join(f"{c[0]} {c[1].split(':')[0]} {c[1].split(':')[1].split()[0]} "
                           f"({c[2]} vs {c[3]})" for c in checks if c[4] is False)
        print(f"| {setting[0]:g} | {setting[1]:g} | {setting[2]} | {t:g} "
              f"| {passed} of {len(checks)} | {missed or '—'} |")
    for setting in settings:
        print(f"\n## hold {setting[0]:g}, hysteresis {setting[1]:g}, seed {setting[2]}\n")
        print(f"| clip | k={args.gifski_k} / gifski | k={peers.FFMPEG_K} / ffmpeg |")
        print("|---|---|---|")
        print("\n".join(ratio_lines[setting]))
    print(f"\nTotal time {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    with recorded("bench_front"):
        main()
