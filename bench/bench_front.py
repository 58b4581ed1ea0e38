"""Where the stable mode's hold sits against gifski and ffmpeg as its two tolerances move.

Run from the project root::

    python bench/bench_front.py
    python bench/bench_front.py --clips realshort test --hysteresis 2 3.5 --hold 2.5
    python bench/bench_front.py --hysteresis 3 3.5 --seeds 0 1 2 3

The ``"stable"`` mode holds a still pixel while its source stays within
``hold`` of its reference, or while what it shows is at most ``hysteresis``
worse than the best entry now (:func:`core._temporal.hold_pixels`). Larger
tolerances hold more: less flicker and smaller files, at more colour error.
This bench runs the checks of ``bench/bench_peers.py`` (the issue's target)
once for every pair of ``--hold`` and ``--hysteresis`` values, against peers
encoded once per clip, so one run shows which checks each setting passes and
whether any setting passes them all. ``--seeds`` repeats each setting with
other random starts of the palettes (``seed=``), which shows the checks that
a random start alone decides.

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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import bench_peers as peers  # noqa: E402
from bench._common import DATA  # noqa: E402
from core._sequence import HOLD, HYSTERESIS  # noqa: E402


def our_rows(name: str, frames, durations, knobs: dict, ks, workdir: Path) -> list:
    """Ours in the stable mode at each k (and the seed's independent reference), scored."""
    jobs = [(f"ours stable k={k}", k, "stable", knobs) for k in ks]
    if name == peers.SEED:
        jobs.append((f"ours independent k={peers.SEED_K}", peers.SEED_K, "independent",
                     {"seed": knobs.get("seed", 0)}))
    rows = []
    for label, k, mode, kw in jobs:
        row = peers.Row(label, k, workdir / f"{name}_{mode}_{k}.gif")
        peers.encode_ours(row, frames, durations, mode, 1, kw)
        peers.score(row, frames, None)
        row.path.unlink()
        rows.append(row)
    return rows


def ratios(rows: list) -> str:
    """flicker / ΔE2000 / bytes of ours over each peer, as the checks compare them."""
    out = []
    for ours_k, peer_name in ((peers.GIFSKI_K, f"gifski --quality {peers.GIFSKI_QUALITY}"),
                              (peers.FFMPEG_K, f"ffmpeg palettegen/paletteuse k={peers.FFMPEG_K}")):
        ours, other = peers.find(rows, f"ours stable k={ours_k}"), peers.find(rows, peer_name)
        if ours is None or other is None:
            out.append("—")
            continue
        out.append(f"{ours.flicker / other.flicker:.2f} / {ours.delta_e / other.delta_e:.3f} / "
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
    args = parser.parse_args(argv)
    if args.frames < 2 or min(args.hold + args.hysteresis) < 0:
        parser.error("--frames >= 2 and tolerances >= 0")
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    tools = peers.find_tools()
    if tools is None:
        return
    for tool, (exe, how) in tools.items():
        if exe is None:
            print(f"Skipped: {tool} is missing ({how}); the checks need both peers.")
            return
    ks = [peers.FFMPEG_K, peers.GIFSKI_K]
    settings = list(itertools.product(args.hold, args.hysteresis, args.seeds))
    started = time.perf_counter()
    print("# The hold's tolerances against the peers' checks (decoded files)\n")
    print(f"Checks as in bench_peers (k={peers.GIFSKI_K} vs gifski --quality "
          f"{peers.GIFSKI_QUALITY}, k={peers.FFMPEG_K} vs ffmpeg, the seed GIF at "
          f"k={peers.SEED_K}); ratios are ours / peer: flicker / ΔE2000 / bytes.\n")
    verdicts = {s: [] for s in settings}
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
            theirs = peers.peer_rows(frames, peers.clip_fps(durations), tools, ks, out, 1, None)
            for setting in settings:
                knobs = dict(zip(("hold", "hysteresis", "seed"), setting))
                rows = our_rows(name, frames, durations, knobs, ks, out) + theirs
                verdicts[setting] += peers.checks_for(name, rows)
                ratio_lines[setting].append(f"| {name} | {ratios(rows)} |")

    print("| hold | hysteresis | seed | checks passed | missed |")
    print("|---|---|---|---|---|")
    for setting in settings:
        checks = verdicts[setting]
        passed = sum(bool(c[4]) for c in checks)
        missed = "; ".join(f"{c[0]} {c[1].split(':')[0]} {c[1].split(':')[1].split()[0]} "
                           f"({c[2]} vs {c[3]})" for c in checks if c[4] is False)
        print(f"| {setting[0]:g} | {setting[1]:g} | {setting[2]} | {passed} of {len(checks)} "
              f"| {missed or '—'} |")
    for setting in settings:
        print(f"\n## hold {setting[0]:g}, hysteresis {setting[1]:g}, seed {setting[2]}\n")
        print(f"| clip | k={peers.GIFSKI_K} / gifski | k={peers.FFMPEG_K} / ffmpeg |")
        print("|---|---|---|")
        print("\n".join(ratio_lines[setting]))
    print(f"\nTotal time {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
