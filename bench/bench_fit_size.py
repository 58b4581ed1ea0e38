"""How close ``core.convert(max_bytes=...)`` lands to its target, and what the target costs in time.

Run from the project root (it writes its table to ``bench/results/bench_fit_size.md``)::

    python -m bench.bench_fit_size
    python -m bench.bench_fit_size --clips made --targets 10

For every shared clip (whole, within ``core.convert``'s default caps), the seed
GIF and the made busy clip (:mod:`bench.busy_clip`, 1280x720, full-frame
motion; 300 of its 350 frames, the default cap), and for targets of 2, 5, 10
and 25 MB (decimal: 1 MB = 1,000,000 bytes):

- the file written, as a share of the target (it must be at most 100 %, and
  where the file without a target is larger than the target, the mean must
  be at least 85 %: a 10 MB target that gives 4 MB wastes the budget);
- what was chosen (``ConvertReport.fit.summary``) and how many full encodes;
- the time of the whole call against one encode of the settings it chose
  (``fit.settings`` passed to ``core.convert`` without a target, run right
  after; its file must be the same bytes). The target on the 1280x688 clip:
  at most 1.5x.

"Without a target" is 255 colours at the stable mode's default hold, the top
of the size target's colour levels. The machine is shared: times are single
runs, back to back, so the ratio is the figure to read.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import core
from bench._common import DATA, recorded
from bench.busy_clip import busy_clip

CLIPS = {
    "carphone": DATA / "clips" / "carphone_pristine.mp4",
    "realshort": DATA / "clips" / "realshort.mp4",
    "test": DATA / "clips" / "test.webm",
    "made": DATA / "clips" / "made_zoom_then_still_1280x688.mp4",
    "seed": DATA / "harrypotter_original.gif",
    "busy": None,  # made by bench.busy_clip
}
TARGETS_MB = (2, 5, 10, 25)
SHARE_FLOOR = 0.85
TIME_BOUND = 1.5


def one_clip(name: str, path: Path, targets, tmp: Path) -> list[dict]:
    """The rows of one clip: each target's file, choice and times."""
    started = time.perf_counter()
    whole = core.convert(path, tmp / "whole.gif", 255).bytes
    print(f"... {name}: {whole / 1e6:.2f} MB without a target "
          f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    rows = []
    for mb in targets:
        target = int(mb * 1_000_000)
        started = time.perf_counter()
        try:
            report = core.convert(path, tmp / "fit.gif", max_bytes=target)
        except core.SizeLimitError as exc:
            report = exc.report
        fit_s = time.perf_counter() - started
        started = time.perf_counter()
        again = core.convert(path, tmp / "one.gif", **report.fit.settings)
        one_s = time.perf_counter() - started
        same = (tmp / "fit.gif").read_bytes() == (tmp / "one.gif").read_bytes()
        rows.append(dict(clip=name, target=target, whole=whole, bytes=report.bytes,
                         fits=report.fit.fits, summary=report.fit.summary,
                         encodes=report.fit.encodes, fit_s=fit_s, one_s=one_s,
                         same=same and again.bytes == report.bytes))
        print(f"... {name} {mb} MB: {report.fit.summary}, {fit_s:.0f} s / {one_s:.0f} s",
              file=sys.stderr, flush=True)
    return rows


def print_table(rows: list[dict]) -> None:
    print("| clip | target | without a target | file | share of target | chosen | encodes "
          "| time (s) | one encode (s) | ratio | same bytes |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        share = r["bytes"] / r["target"]
        print(f"| {r['clip']} | {r['target'] / 1e6:g} MB | {r['whole'] / 1e6:.2f} MB "
              f"| {r['bytes'] / 1e6:.3f} MB | {100 * share:.1f} %{'' if r['fits'] else ' (over)'} "
              f"| {r['summary']} | {r['encodes']} | {r['fit_s']:.1f} | {r['one_s']:.1f} "
              f"| {r['fit_s'] / r['one_s']:.2f} | {'yes' if r['same'] else '**no**'} |")
    over = [r for r in rows if r["bytes"] > r["target"]]
    binding = [r["bytes"] / r["target"] for r in rows if r["whole"] > r["target"]]
    print(f"\n- files over their target: {len(over)} of {len(rows)}"
          + (" (" + ", ".join(f"{r['clip']} {r['target'] / 1e6:g} MB" for r in over) + ")"
             if over else ""))
    if binding:
        print(f"- where the file without a target is larger than the target ({len(binding)} "
              f"rows): mean share {100 * statistics.mean(binding):.1f} % (target >= "
              f"{100 * SHARE_FLOOR:.0f} %), lowest {100 * min(binding):.1f} %")
    made = [r["fit_s"] / r["one_s"] for r in rows if r["clip"] == "made"]
    if made:
        print(f"- time against one encode on the 1280x688 clip: "
              f"{', '.join(f'{x:.2f}' for x in made)} (target <= {TIME_BOUND:g})")
    ratios = [r["fit_s"] / r["one_s"] for r in rows]
    print(f"- time against one encode, all rows: median {statistics.median(ratios):.2f}, "
          f"max {max(ratios):.2f}")
    print(f"- second encodes: {sum(r['encodes'] > 1 for r in rows)} of {len(rows)}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", nargs="+", default=list(CLIPS), choices=list(CLIPS))
    parser.add_argument("--targets", nargs="+", type=float, default=list(TARGETS_MB),
                        metavar="MB")
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        sys.exit(f"Skipped: {DATA} is absent.")
    print("# Size targets: the file as a share of the target, and the time it takes\n")
    print("Targets in decimal MB (1 MB = 1,000,000 bytes); default caps of core.convert "
          "(300 frames, 30 fps, 20 s); stable mode; fit_by colours+rate+width.\n")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-fit-size-") as tmp:
        for name in args.clips:
            path = CLIPS[name] or busy_clip()
            if path.is_file():
                rows += one_clip(name, path, args.targets, Path(tmp))
    print_table(rows)


if __name__ == "__main__":
    with recorded("bench_fit_size"):
        main()
