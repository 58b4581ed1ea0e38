"""Palette transfer: structure kept and palette fidelity of every method on real image pairs.

Run from the project root: ``python -m bench.bench_transfer``. Prints two
markdown tables (and writes them to ``bench/results/bench_transfer.md``):

1. pair x method: structure (SSIM of L* between source and result, 1 best),
   fidelity (mean ΔE2000 from each result pixel to its nearest target palette
   colour, 0 best) and wall time, k=16, over scikit-learn's and
   scikit-image's bundled images and stills from ``../shared/data``; then the
   mean of each method over the pairs.
2. china ↔ flower at k=6 and k=16: structure of every method, and for each
   the coverage (the largest ΔE2000 from a target palette colour to its
   nearest result pixel: the target for ``"recolor"`` is ≤ 10).
3. The GIF: the first 20 frames of ``harrypotter_original.gif`` recoloured
   with ``coffee``: the flicker (``core.metrics.flicker``, ΔE76) of each
   method, beside the source's own residual change, its global-palette
   quantization and a transfer done frame by frame (the thing to avoid).

Pairs that need the shared data folder are skipped with a message when it is absent.
"""

from __future__ import annotations

import sys

import numpy as np
from skimage import data
from sklearn.datasets import load_sample_image

import core
from bench._common import DATA, median_time, recorded
from core.metrics import flicker
from core.transfer import METHODS, transfer_palette

K = 16
GIF_FRAMES = 20


def _shared_still(*parts: str) -> np.ndarray | None:
    path = DATA.joinpath(*parts)
    return core.load_media(path).frames[0] if path.exists() else None


def _pairs() -> list[tuple[str, np.ndarray, np.ndarray]]:
    bundled = {
        "china": load_sample_image("china.jpg"),
        "flower": load_sample_image("flower.jpg"),
        "astronaut": data.astronaut(),
        "coffee": data.coffee(),
        "chelsea": data.chelsea(),
        "rocket": data.rocket(),
    }
    shared = {
        "ogf-boxing": _shared_still("only-god-forgives", "640", "boxing.jpeg"),
        "ogf-karaoke": _shared_still("only-god-forgives", "640", "karaoke.jpeg"),
        "ogf-bed": _shared_still("only-god-forgives", "640", "bed.jpeg"),
        "harry-frame0": _shared_still("harrypotter_original.gif"),
    }
    images = {**bundled, **shared}
    wanted = [
        ("china", "flower"),
        ("astronaut", "coffee"),
        ("chelsea", "rocket"),
        ("coffee", "china"),
        ("rocket", "astronaut"),
        ("ogf-boxing", "ogf-karaoke"),
        ("chelsea", "ogf-bed"),
        ("harry-frame0", "flower"),
    ]
    pairs = []
    for s, t in wanted:
        if images[s] is None or images[t] is None:
            print(f"skipped {s} -> {t}: {DATA} is absent", file=sys.stderr)
            continue
        pairs.append((f"{s} → {t}", images[s], images[t]))
    return pairs


def still_table() -> None:
    print(f"## Palette transfer, k={K}\n")
    print("| pair | method | structure (L* SSIM) ↑ | fidelity (ΔE2000) ↓ | time (s) |")
    print("|---|---|---:|---:|---:|")
    scores: dict[str, list[tuple[float, float]]] = {m: [] for m in METHODS}
    for name, source, target in _pairs():
        for method in METHODS:
            seconds, res = median_time(
                lambda s=source, t=target, m=method: transfer_palette(s, t, K, method=m), 1
            )
            scores[method].append((res.structure, res.fidelity))
            print(
                f"| {name} | {method} | {res.structure:.3f} | {res.fidelity:.2f} "
                f"| {seconds:.2f} |"
            )
    print("\n| method | mean structure ↑ | mean fidelity ↓ |")
    print("|---|---:|---:|")
    for method, rows in scores.items():
        structure, fidelity = np.mean(rows, axis=0)
        print(f"| {method} | {structure:.3f} | {fidelity:.2f} |")


def recolor_table() -> None:
    images = {"china": load_sample_image("china.jpg"), "flower": load_sample_image("flower.jpg")}
    print("\n## china ↔ flower: structure (L* SSIM) and coverage (max ΔE2000)\n")
    print("| k | pair | " + " | ".join(METHODS) + " |")
    print("|---|---|" + "---:|" * len(METHODS))
    for k in (6, 16):
        for s, t in (("china", "flower"), ("flower", "china")):
            cells = []
            for method in METHODS:
                res = transfer_palette(images[s], images[t], k, method=method)
                cover = core.metrics.palette_coverage(res.image, res.target_palette.colors).max()
                cells.append(f"{res.structure:.3f} / {cover:.1f}")
            print(f"| {k} | {s} → {t} | " + " | ".join(cells) + " |")


def gif_table() -> None:
    path = DATA / "harrypotter_original.gif"
    if not path.exists():
        print(f"\nskipped the GIF flicker: {path} is absent", file=sys.stderr)
        return
    frames = core.load_media(path, max_frames=GIF_FRAMES).frames
    target = data.coffee()
    print(f"\n## GIF transfer flicker: harrypotter, {GIF_FRAMES} frames → coffee, k={K}\n")
    print("| what | flicker (ΔE76) ↓ | structure | fidelity |")
    print("|---|---:|---:|---:|")
    own = flicker(frames, frames)
    print(f"| source itself (change below the static threshold) | {own:.3f} | | |")
    quant = core.quantize_frames(frames, K, mode="global")
    print(f"| global-palette quantization of the source | "
          f"{flicker(frames, [q.image for q in quant]):.3f} | | |")
    for method in METHODS:
        res = transfer_palette(frames, target, K, method=method)
        print(f"| transfer, {method} (one mapping) | {flicker(frames, res.frames):.3f} | "
              f"{res.structure:.3f} | {res.fidelity:.2f} |")
    alone = [transfer_palette(f, target, K, method="matching").image for f in frames]
    print(f"| transfer, matching, each frame on its own | {flicker(frames, alone):.3f} | | |")


if __name__ == "__main__":
    with recorded("bench_transfer"):
        still_table()
        recolor_table()
        gif_table()
