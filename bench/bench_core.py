"""Speed, quality and memory of the core engine against the naive way and other tools.

Run from the project root: ``python -m bench.bench_core`` (it writes its tables
to ``bench/results/bench_core.md`` too). Everything is measured in this one run
and reported as ratios, so machine speed cancels out.

1. A still: scikit-learn's ``china.jpg`` upscaled to 1920x1080, k=16, Lab.
   Flickerless vs scikit-learn ``KMeans(n_init=1)`` on all pixels (RGB),
   ``MiniBatchKMeans`` on all pixels (Lab), Pillow's FASTOCTREE and MEDIANCUT.
2. The seed GIF (``../shared/data/harrypotter_original.gif``, 70 frames), k=16:
   load + quantize (seeded) + save vs the tutorials' way (per-frame
   ``KMeans`` on all pixels), Pillow per frame and ffmpeg palettegen/paletteuse;
   flicker of independent (random init) vs seeded vs global at k=4, 8, 16;
   peak memory of our pipeline in a fresh process.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence
from skimage.color import lab2rgb, rgb2lab
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.datasets import load_sample_image

import core
from bench._common import DATA, median_time, peak_rss_mb, recorded
from core.metrics import flicker, mean_delta_e, quality

K = 16


def _kmeans_all_pixels_rgb(image: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    pixels = image.reshape(-1, 3).astype(np.float64)
    model = KMeans(k, n_init=1, random_state=seed).fit(pixels)
    centers = np.clip(np.rint(model.cluster_centers_), 0, 255).astype(np.uint8)
    return centers[model.labels_].reshape(image.shape)


def _minibatch_all_pixels_lab(image: np.ndarray, k: int) -> np.ndarray:
    lab = rgb2lab(image).reshape(-1, 3)
    model = MiniBatchKMeans(k, n_init=1, random_state=0).fit(lab)
    rgb = np.clip(np.rint(lab2rgb(model.cluster_centers_[None])[0] * 255), 0, 255)
    return rgb.astype(np.uint8)[model.labels_].reshape(image.shape)


def _pillow(image: np.ndarray, k: int, method) -> np.ndarray:
    return np.asarray(Image.fromarray(image).quantize(k, method=method).convert("RGB"))


def bench_still() -> None:
    china = load_sample_image("china.jpg")
    big = np.asarray(Image.fromarray(china).resize((1920, 1080), Image.Resampling.BICUBIC))
    ours_fn = lambda: core.quantize(big, K, space="lab").image  # noqa: E731
    ours_fn()  # warm imports and caches
    rows = []
    t_ours, q_ours = median_time(ours_fn, 9)
    t_oct, q_oct = median_time(lambda: _pillow(big, K, Image.Quantize.FASTOCTREE), 9)
    t_med, q_med = median_time(lambda: _pillow(big, K, Image.Quantize.MEDIANCUT), 3)
    t_km, q_km = median_time(lambda: _kmeans_all_pixels_rgb(big, K), 3)
    t_mb, q_mb = median_time(lambda: _minibatch_all_pixels_lab(big, K), 1)
    for name, t, img in [
        ("Flickerless quantize (Lab, histogram k-means)", t_ours, q_ours),
        ("scikit-learn KMeans(n_init=1), all pixels, RGB", t_km, q_km),
        ("scikit-learn MiniBatchKMeans, all pixels, Lab", t_mb, q_mb),
        ("Pillow quantize FASTOCTREE", t_oct, q_oct),
        ("Pillow quantize MEDIANCUT", t_med, q_med),
    ]:
        rows.append((name, t, quality(big, img).mean_delta_e))
    print("## Still: china.jpg at 1920x1080, k=16\n")
    print("| method | median time | time / ours | mean ΔE2000 |")
    print("|---|---|---|---|")
    for name, t, de in rows:
        print(f"| {name} | {t * 1000:.1f} ms | {t / t_ours:.2f}x | {de:.2f} |")
    de_ours, de_mb = rows[0][2], rows[2][2]
    print(f"\n- speed-up over KMeans on all pixels: **{t_km / t_ours:.0f}x** (target >= 20x)")
    print(f"- time relative to Pillow FASTOCTREE: **{t_ours / t_oct:.2f}x** (target <= 3x)")
    print(f"- ΔE2000 ours {de_ours:.2f} vs MiniBatchKMeans {de_mb:.2f}: "
          f"{'OK' if de_ours <= de_mb + 0.1 else 'WORSE'} (target <= MiniBatch + 0.1)\n")


def _naive_gif(path: Path, k: int) -> bytes:
    im = Image.open(path)
    frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(im)]
    out = [Image.fromarray(_kmeans_all_pixels_rgb(f, k)) for f in frames]
    buf = io.BytesIO()
    out[0].save(buf, format="GIF", save_all=True, append_images=out[1:], duration=50, loop=0)
    return buf.getvalue()


def _ours_gif(path: Path, k: int) -> bytes:
    media = core.load_media(path)
    results = core.quantize_frames(media.frames, k, mode="seeded", alphas=media.alphas)
    return core.to_bytes(core.save_gif, results, durations=media.durations, loop=media.loop,
                         alphas=media.alphas)


def _pillow_gif(path: Path, k: int) -> bytes:
    im = Image.open(path)
    out = [f.convert("RGB").quantize(k, method=Image.Quantize.MEDIANCUT)
           for f in ImageSequence.Iterator(im)]
    buf = io.BytesIO()
    out[0].save(buf, format="GIF", save_all=True, append_images=out[1:], duration=50, loop=0)
    return buf.getvalue()


def _ffmpeg_gif(path: Path, k: int, stats_mode: str) -> bytes | None:
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    new = ":new=1" if stats_mode == "single" else ""
    graph = (f"split[a][b];[a]palettegen=max_colors={k}:stats_mode={stats_mode}[p];"
             f"[b][p]paletteuse=dither=none{new}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.gif"
        subprocess.run([exe, "-v", "error", "-i", str(path), "-lavfi", graph, "-y", str(out)],
                       check=True)
        return out.read_bytes()


def bench_gif() -> None:
    path = DATA / "harrypotter_original.gif"
    if not path.exists():
        print(f"(skipped the GIF benchmark: {path} is absent)")
        return
    media = core.load_media(path)
    frames = media.frames
    _ours_gif(path, K)
    t_ours, ours = median_time(lambda: _ours_gif(path, K), 9)
    t_naive, naive = median_time(lambda: _naive_gif(path, K), 3)
    t_pil, pil = median_time(lambda: _pillow_gif(path, K), 3)
    t_ffs, ffs = median_time(lambda: _ffmpeg_gif(path, K, "single"), 3)
    t_ffg, ffg = median_time(lambda: _ffmpeg_gif(path, K, "full"), 3)
    print("## GIF: harrypotter_original.gif (70 frames, 500x218), k=16: load + quantize + save\n")
    print("| pipeline | median time | time / ours | flicker (ΔE76) | mean ΔE2000 |")
    print("|---|---|---|---|---|")
    for name, t, data in [
        ("Flickerless, seeded", t_ours, ours),
        ("per-frame scikit-learn KMeans on all pixels (tutorial)", t_naive, naive),
        ("Pillow MEDIANCUT per frame", t_pil, pil),
        ("ffmpeg palettegen stats_mode=single (new palette per frame)", t_ffs, ffs),
        ("ffmpeg palettegen stats_mode=full (one palette)", t_ffg, ffg),
    ]:
        if data is None:
            continue
        out = core.load_media(data).frames
        if len(out) != len(frames):
            print(f"| {name} | {t:.2f} s | {t / t_ours:.1f}x | ({len(out)} frames) | |")
            continue
        print(f"| {name} | {t:.2f} s | {t / t_ours:.1f}x | {flicker(frames, out):.3f} "
              f"| {mean_delta_e(frames, out):.2f} |")
    print(f"\n- speed-up over the tutorials' way: **{t_naive / t_ours:.1f}x** (target >= 15x)\n")

    print("### Flicker by mode (ΔE76 over static pixels; mean ΔE2000)\n")
    print("| k | independent, random init | seeded | global | seeded / independent |")
    print("|---|---|---|---|---|")
    for k in (4, 8, 16):
        cells = {}
        for mode, init in (("independent", "random"), ("seeded", "k-means++"),
                           ("global", "k-means++")):
            res = core.quantize_frames(frames, k, mode=mode, init=init)
            q = [r.image for r in res]
            cells[mode] = (flicker(frames, q), mean_delta_e(frames, q))
        ratio = cells["seeded"][0] / cells["independent"][0]
        print(f"| {k} | " + " | ".join(f"{f:.3f}; {d:.2f}" for f, d in cells.values())
              + f" | {ratio:.3f} (target <= 0.25) |")

    mb = peak_rss_mb(
        "import core\n"
        f"m = core.load_media({str(path)!r})\n"
        "r = core.quantize_frames(m.frames, 16, mode='seeded')\n"
        "core.to_bytes(core.save_gif, r, durations=m.durations, loop=m.loop)\n"
    )
    base = peak_rss_mb("import core")
    print(f"\n- peak memory, load + quantize + save in a fresh process: **{mb:.0f} MB** "
          f"(of which {base:.0f} MB is Python and the imports; target < 500 MB)")


if __name__ == "__main__":
    with recorded("bench_core"):
        bench_still()
        bench_gif()
