"""core.convert on a real 1280x688 clip against ffmpeg, and against holding the clip in memory.

Run from the project root: ``python -m bench.bench_convert [k]`` (default k=64;
it writes its table to ``bench/results/bench_convert.md`` too). Each contender
runs in a fresh process, so its peak memory (``VmHWM``, imports included) is
its own. The three run in turn, five rounds, and each ratio is the median of
the rounds' ratios: a round's contenders run back to back, so a slow spell of
a shared machine weighs on all of them alike. Times are medians.

- ``core.convert`` (stable mode, no dithering), streaming MP4 -> GIF at full size;
- the naive way: ``core.load_media`` (every frame in memory), ``quantize_frames``,
  ``save_gif``;
- ffmpeg ``palettegen`` (``max_colors=k:stats_mode=full``) + ``paletteuse``
  (``dither=none``), reading the MP4 itself: the tool to beat.

Targets (issue "Real clips at full size"): all 250 frames at 1280x688; time no
more than ffmpeg's; peak RSS at most 400 MB.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import DATA, ROOT, recorded

CLIP = DATA / "clips" / "made_zoom_then_still_1280x688.mp4"
RUNS = 5

CONVERT = r"""
import json, sys, time
import core
t = time.perf_counter()
r = core.convert(sys.argv[1], sys.argv[2], int(sys.argv[3]), mode="stable")
s = time.perf_counter() - t
hwm = [l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
print(json.dumps({"seconds": s, "rss": int(hwm) / 1024, "frames": r.frames,
                  "size": [r.width, r.height], "flicker": r.flicker, "de": r.mean_delta_e}))
"""

NAIVE = r"""
import json, sys, time
import core
t = time.perf_counter()
m = core.load_media(sys.argv[1])
res = core.quantize_frames(m.frames, int(sys.argv[3]), mode="stable")
core.save_gif(res, sys.argv[2], durations=m.durations, loop=m.loop)
s = time.perf_counter() - t
hwm = [l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
print(json.dumps({"seconds": s, "rss": int(hwm) / 1024, "frames": len(res),
                  "size": list(m.size)}))
"""


def ffmpeg_exe() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def python_run(code: str, out: Path, k: int) -> dict:
    done = subprocess.run([sys.executable, "-c", code, str(CLIP), str(out), str(k)], cwd=ROOT,
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def ffmpeg_run(out: Path, k: int) -> dict:
    graph = (f"split[a][b];[a]palettegen=max_colors={k}:stats_mode=full[p];"
             "[b][p]paletteuse=dither=none")
    cmd = ["/usr/bin/time", "-f", "%M", ffmpeg_exe(), "-v", "error", "-y", "-i", str(CLIP),
           "-filter_complex", graph, str(out)]
    start = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss": int(done.stderr.strip().splitlines()[-1]) / 1024}


def rounds(contenders: dict) -> dict:
    """Each contender once a round, RUNS rounds: its median row, and its median ratio to ffmpeg."""
    runs = {name: [] for name in contenders}
    for _ in range(RUNS):
        for name, fn in contenders.items():
            runs[name].append(fn())
    rows = {}
    for name, rs in runs.items():
        row = dict(rs[-1])
        row["seconds"] = statistics.median(r["seconds"] for r in rs)
        row["rss"] = max(r["rss"] for r in rs)
        row["ratio"] = statistics.median(
            r["seconds"] / p["seconds"] for r, p in zip(rs, runs["ffmpeg"])
        )
        rows[name] = row
    return rows


def main() -> None:
    k = int(sys.argv[1]) if len(sys.argv) > 1 else 64
    if not CLIP.exists():
        sys.exit(f"skipped: {CLIP} is absent (the shared data folder is not beside the project)")
    if not Path("/usr/bin/time").exists():
        sys.exit("skipped: /usr/bin/time is needed to measure ffmpeg's peak memory "
                 "(apt-get install -y time)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = rounds({
            "ours": lambda: python_run(CONVERT, tmp / "ours.gif", k),
            "naive": lambda: python_run(NAIVE, tmp / "naive.gif", k),
            "ffmpeg": lambda: ffmpeg_run(tmp / "ffmpeg.gif", k),
        })
        ours, naive, peer = rows["ours"], rows["naive"], rows["ffmpeg"]
        sizes = {n: (tmp / f"{n}.gif").stat().st_size / 2**20 for n in ("ours", "naive", "ffmpeg")}
    print(f"### {CLIP.name}, k={k}, stable mode, no dithering (medians of {RUNS} rounds)\n")
    print("| contender | frames | size | time (s) | time / ffmpeg | peak RSS (MB) | GIF MiB |")
    print("|---|---|---|---|---|---|---|")
    for name, row, frames in (("core.convert (streamed)", ours, ours["frames"]),
                              ("load_media + quantize_frames + save_gif", naive, naive["frames"]),
                              ("ffmpeg palettegen + paletteuse", peer, "250")):
        size = "x".join(map(str, row.get("size", [1280, 688])))
        key = {"core.convert (streamed)": "ours", "ffmpeg palettegen + paletteuse": "ffmpeg"}
        gif = sizes[key.get(name, "naive")]
        print(f"| {name} | {frames} | {size} | {row['seconds']:.1f} | "
              f"{row['ratio']:.2f} | {row['rss']:.0f} | {gif:.1f} |")
    print(f"\ncore.convert: flicker {ours['flicker']:.3f}, mean ΔE2000 {ours['de']:.2f} "
          f"(lattice estimates). Targets: 250 frames at 1280x688, time / ffmpeg <= 1, "
          f"peak RSS <= 400 MB.")


if __name__ == "__main__":
    with recorded("bench_convert"):
        main()
