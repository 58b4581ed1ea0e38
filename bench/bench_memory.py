"""Peak memory of the app's processing path on the largest inputs the limits accept.

Run from the project root: ``python -m bench.bench_memory [case name part]`` (it
writes its report to ``bench/results/bench_memory.md`` too). Streamlit Community
Cloud stops an app that goes over about 1 GB, so every case must stay under that.

The page's own path for clips is measured too (``CHILD_CLIP``): a 1280x720 clip
of full-frame motion made by :mod:`bench.make_clip`, probed, its comparison
window decoded at 640 px, the four modes kept as the page keeps them, then a
full-size Stable export of the whole part.

Each case is built here from real picture content (scikit-image's bundled
images, panned or enlarged), encoded to file bytes, and then processed in a
fresh Python process the way one app session does it: ``import streamlit``
(the app's own baseline), :func:`core.limits.load_within_limits` on the
bytes (``load_media`` + ``fit_to_limits``), then for every mode in
``core.MODES``: ``quantize_frames``, ``metrics.flicker``,
``metrics.mean_delta_e`` and ``save_gif`` to bytes, keeping every mode's
results and GIF alive as the page does. The child reports its peak RSS
(``VmHWM`` from ``/proc/self/status``, else ``ru_maxrss``) and the time of each step.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image
from skimage import data as skdata

from bench._common import ROOT, recorded
from core.limits import DEFAULT_LIMITS

#: Streamlit Community Cloud's memory limit, in MB.
BUDGET_MB = 1024
#: Colours per frame, as the app's default.
K = 16

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
try:
    import streamlit  # noqa: F401  (the app imports it; its memory counts)
except ImportError:
    pass
import core
from core.limits import load_within_limits
from core.metrics import flicker, mean_delta_e

def rss():
    # VmHWM, not ru_maxrss: on Linux ru_maxrss keeps the parent's peak across exec.
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

steps = {"imports_s": time.perf_counter() - t0, "imports_peak_mb": rss()}
with open(sys.argv[1], "rb") as fh:
    data = fh.read()
t = time.perf_counter()
media, notices = load_within_limits(data)
steps["load_s"] = time.perf_counter() - t
steps["load_peak_mb"] = rss()
kept = {}
for mode in core.MODES:
    t = time.perf_counter()
    results = core.quantize_frames(media.frames, int(sys.argv[2]), mode=mode, alphas=media.alphas)
    images = [r.image for r in results]
    fl = flicker(media.frames, images)
    de = mean_delta_e(media.frames, images, media.alphas)
    gif = core.to_bytes(core.save_gif, results, durations=media.durations, loop=media.loop,
                        alphas=media.alphas)
    kept[mode] = (results, gif)
    steps[mode + "_s"] = time.perf_counter() - t
    steps[mode + "_gif_mb"] = len(gif) / 1e6
steps["frames"] = len(media.frames)
steps["size"] = list(media.size)
steps["notices"] = notices
steps["peak_mb"] = rss()
print(json.dumps(steps))
"""


#: The page's path for a clip: its facts, the comparison's window (decoded at 640 px), every
#: mode made as the page makes it (core.quantize_gif: written and measured frame by frame,
#: GIF bytes and palettes kept), then a full-size Stable export of the whole part streamed
#: by core.convert.
CHILD_CLIP = r"""
import io, json, sys, time
t0 = time.perf_counter()
try:
    import streamlit  # noqa: F401  (the app imports it; its memory counts)
except ImportError:
    pass
import core

def rss():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0

steps = {"imports_s": time.perf_counter() - t0, "imports_peak_mb": rss()}
with open(sys.argv[1], "rb") as fh:
    data = fh.read()
t = time.perf_counter()
plan = core.plan_part(core.probe(data))
media = core.load_preview(data, plan)
steps["load_s"] = time.perf_counter() - t
steps["load_peak_mb"] = rss()
kept = {}
for mode in core.MODES:
    t = time.perf_counter()
    kept[mode] = core.quantize_gif(media.frames, int(sys.argv[2]), mode=mode,
                                   durations=media.durations)
    steps[mode + "_s"] = time.perf_counter() - t
steps["modes_peak_mb"] = rss()
t = time.perf_counter()
out = io.BytesIO()
report = core.convert(data, out, int(sys.argv[2]), mode="stable", max_side=1280)
steps["export_s"] = time.perf_counter() - t
steps["frames"] = len(media.frames)
steps["size"] = list(media.size)
steps["notices"] = [plan.sentence, *plan.notes, f"export: {report.frames} frames, "
                    f"{report.width}x{report.height}, {out.tell() / 1e6:.1f} MB"]
steps["peak_mb"] = rss()
print(json.dumps(steps))
"""


def _panned(image: np.ndarray, width: int, height: int, frames: int) -> list[Image.Image]:
    """``frames`` windows of ``width`` x ``height`` sliding across an enlarged ``image``."""
    h, w = image.shape[:2]
    zoom = max(1.0, (height + 1) / h, (width + frames * 2) / w)
    big = Image.fromarray(image).resize((int(w * zoom) + 1, int(h * zoom) + 1), Image.BICUBIC)
    step = max(1, (big.width - width) // max(1, frames))
    return [big.crop((i * step, 0, i * step + width, height)) for i in range(frames)]


def _gif_bytes(frames: list[Image.Image], duration: int = 40) -> bytes:
    # Each frame gets its own adaptive palette, as GIFs from the web have.
    paletted = [f.quantize(256, method=Image.Quantize.MEDIANCUT) for f in frames]
    buf = io.BytesIO()
    paletted[0].save(
        buf, format="GIF", save_all=True, append_images=paletted[1:], duration=duration, loop=0
    )
    return buf.getvalue()


def _still_bytes(image: np.ndarray, pixels: int, fmt: str) -> bytes:
    h, w = image.shape[:2]
    scale = np.sqrt(pixels / (h * w))
    big = Image.fromarray(image).resize((int(w * scale), int(h * scale)), Image.BICUBIC)
    buf = io.BytesIO()
    big.save(buf, format=fmt, **({"quality": 92} if fmt == "JPEG" else {"compress_level": 1}))
    return buf.getvalue()


def _bomb_canvas_gif(pixels: int, frames: int) -> bytes:
    """A GIF with a canvas of ``pixels`` and ``frames - 1`` later 8x8 frames.

    A tiny file whose decoding touches the whole canvas every frame. Written
    block by block: Pillow would need every full frame in memory to save it.
    """
    side = int(np.sqrt(pixels))
    palette = [0, 0, 0, 255, 0, 0]
    first = Image.new("P", (side, side), 0)
    first.putpalette(palette)
    buf = io.BytesIO()
    first.save(buf, format="GIF", loop=0, duration=40)
    head = buf.getvalue()[:-1]  # without the trailer
    patch = Image.new("P", (8, 8), 1)
    patch.putpalette(palette)
    buf = io.BytesIO()
    patch.save(buf, format="GIF")
    small = buf.getvalue()
    start = small.index(b"\x2c", 13 + 6)  # image descriptor after header and 2-colour table
    block = bytearray(small[start:-1])
    gce = b"\x21\xf9\x04\x04\x04\x00\x00\x00"  # disposal 1, 40 ms
    parts = [head]
    for i in range(1, frames):
        x = i * 8 % (side - 8)
        block[1:5] = x.to_bytes(2, "little") + (0).to_bytes(2, "little")
        parts.append(gce + bytes(block))
    return b"".join(parts) + b";"


def cases() -> dict[str, bytes]:
    """The inputs, each the largest of its kind that the limits let through."""
    lim = DEFAULT_LIMITS
    upload = lim.max_upload_mb * 1_000_000
    coffee, astronaut = skdata.coffee(), skdata.astronaut()
    out = {}
    # Many frames: max_frames at the largest size a GIF under the upload limit reaches.
    out["gif 300 frames 640x360 (panned coffee)"] = _gif_bytes(
        _panned(coffee, 640, 360, lim.max_frames)
    )
    # Few big frames: the per-frame limit, where float temporaries are largest.
    n_big = max(2, lim.max_total_pixels // lim.max_frame_pixels)
    out[f"gif {n_big} frames 1920x1080 (panned astronaut)"] = _gif_bytes(
        _panned(astronaut, 1920, 1080, n_big)
    )
    # Largest stills the decoder accepts (downscaled on the way in).
    out["jpeg at max_decode_pixels"] = _still_bytes(astronaut, lim.max_decode_pixels, "JPEG")
    out["png at max_decode_pixels"] = _still_bytes(astronaut, lim.max_decode_pixels, "PNG")
    # A canvas at the decode cap with many frames: bounded by max_decode_work.
    out["gif canvas at max_decode_pixels, 300 frames"] = _bomb_canvas_gif(
        lim.max_decode_pixels, lim.max_frames
    )
    for name, blob in out.items():
        if len(blob) > upload:
            print(f"note: {name} is {len(blob) / 1e6:.0f} MB, over the upload limit")
    return out


def clip_cases(folder: str) -> dict[str, bytes]:
    """The 1280x720 clips of full-frame motion the page is measured on (made here)."""
    from bench.make_clip import make_clip

    return {
        "page: clip 14 s 280 frames 1280x720 (made, full motion)":
            make_clip(os.path.join(folder, "a.mp4"), seconds=14.0, fps=20.0).read_bytes(),
        "page: clip 15 s 300 frames 1280x720 (made, full motion)":
            make_clip(os.path.join(folder, "b.mp4"), seconds=15.0, fps=20.0).read_bytes(),
    }


def run_case(blob: bytes, child: str = CHILD) -> dict:
    """Process ``blob`` in a fresh interpreter; return its step times and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "input")
        with open(path, "wb") as fh:
            fh.write(blob)
        proc = subprocess.run(
            [sys.executable, "-c", child, path, str(K)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"]
        return {"error": lines[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    lim = DEFAULT_LIMITS
    print(f"Limits: {lim}", flush=True)
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        todo = [(n, b, CHILD) for n, b in cases().items()]
        todo += [(n, b, CHILD_CLIP) for n, b in clip_cases(tmp).items()]
    for name, blob, child in todo:
        if len(sys.argv) > 1 and sys.argv[1] not in name:
            continue
        r = run_case(blob, child)
        if "error" in r:
            print(f"\n{name} ({len(blob) / 1e6:.1f} MB): FAILED: {r['error']}")
            worst = float("inf")
            continue
        worst = max(worst, r["peak_mb"])
        modes = ", ".join(f"{k[:-2]} {v:.1f}" for k, v in r.items() if k.endswith("_s"))
        after = (f"after the four modes {r['modes_peak_mb']:.0f}, with the full-size export"
                 if "modes_peak_mb" in r else "whole path")
        print(
            f"\n{name} ({len(blob) / 1e6:.1f} MB)\n"
            f"  kept: {r['frames']} frames of {r['size'][0]}x{r['size'][1]}; "
            f"notices: {r['notices']}\n"
            f"  time (s): {modes}\n"
            f"  peak RSS (MB): after imports {r['imports_peak_mb']:.0f}, after load "
            f"{r['load_peak_mb']:.0f}, {after} {r['peak_mb']:.0f}",
            flush=True,
        )
    verdict = "under" if worst < BUDGET_MB else "OVER"
    print(f"\nWorst peak RSS: {worst:.0f} MB, {verdict} the {BUDGET_MB} MB budget.")
    return 0 if worst < BUDGET_MB else 1


if __name__ == "__main__":
    with recorded("bench_memory"):
        code = main()
    sys.exit(code)
