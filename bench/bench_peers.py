"""Our GIFs against gifski 1.7.1 and ffmpeg palettegen/paletteuse, measured on the decoded files.

Run from the project root (it writes its tables to ``bench/results/bench_peers.md`` too)::

    python -m bench.bench_peers
    python -m bench.bench_peers --clips carphone seed --frames 60 --k 16 64 \\
        --static-threshold 1 2 4
    python -m bench.bench_peers --space din99o   # our palettes fitted in DIN99o

What it measures. For each clip (the four clips of ``../shared/data/clips``,
120 frames each, the made clip from frame 65 so the window spans its cut, and
all 70 frames of the seed GIF ``harrypotter_original.gif``) it writes GIFs
with:

- ours: ``core.quantize_frames(frames, k, mode="stable")`` + ``core.save_gif``,
  for each ``--k`` (default 16 and 64); on the seed GIF also
  ``mode="independent"`` at k=16, the reference of the seed target; and at
  k=64 the stable mode's palettes alone (``hold=0, hysteresis=0,
  damping=0``: nothing held, each frame's palette fitted to the whole frame,
  every pixel at its nearest entry; not a contender: no check reads it).
  It is not a floor of the colour error: with the hold on, each palette is
  fitted to the pixels the screen no longer shows well and held pixels keep
  colours of earlier palettes, which can show a frame better than its own
  k colours (``bench/bench_front.py`` moves the hold's tolerances);
- gifski ``--quality 70`` (PNG frames in, ``-W``/``-H`` set to the frame size
  so it does not resize, ``--fps`` from the clip timing); gifski picks up to
  256 colours per frame and is compared with our k=64;
- ffmpeg ``palettegen=max_colors=K:stats_mode=full`` +
  ``paletteuse=dither=none`` for each ``--k``, reading the *same* PNG frames.
  Note: palettegen reserves one entry for transparency by default, so its
  frames hold at most K-1 opaque colours (the "colours" column shows it).

Every figure comes from the GIF file as decoded: ``core.load_media(gif)``
(Pillow, frames composited to RGB), never from in-memory results. Columns:
flicker (``core.metrics.flicker`` against the input frames, ΔE76 over static
pixels), mean CIEDE2000 (``core.metrics.mean_delta_e``), file size, encode
time (ours: quantize + save; peers: the subprocess, PNG decoding included;
median of ``--runs``), the most distinct colours in a decoded frame (over up
to 12 frames spread over the clip; a composited gifski frame shows thousands,
as each frame draws its own <= 256-colour palette over the previous ones), and
the frame count in the file.

Frame counts. GIF writers merge identical consecutive frames into one with a
longer delay (Pillow and gifski do). When a file holds fewer frames than were
fed in, its frames are expanded back by their delays (each frame repeated in
proportion to its delay, largest-remainder rounding to the input count), which
is how a viewer shows them; the "frames" column then reads ``file→input``. For
our rows the expanded read-back is also compared with the in-memory frames
("round trip exact" in the notes), which checks the expansion.

Verdict per clip (the target): ours k=64 flicker <= 0.5 x gifski's, ΔE <=
gifski's, bytes <= gifski's; ours k=16 flicker <= 0.5 x ffmpeg k=16's, ΔE <=
ffmpeg's, bytes <= ffmpeg's; on the seed GIF, ours k=16 flicker <= 0.13 and
ΔE <= independent-mode ΔE + 0.1. A ratio summary (ours / peer) follows.

``--static-threshold X [X ...]`` recomputes the flicker with other
static-pixel thresholds (ΔE76), so the target is not met by tuning to the
2 ΔE76 that ``core.metrics.flicker`` uses. ``core.metrics.flicker`` takes no
threshold, so this bench carries a local copy of its rule
(:func:`flicker_at_thresholds`) with the threshold as a parameter; the column
at the default threshold is checked against ``core.metrics.flicker``. The
summary then counts the checks again with the flicker judged at each
threshold (:func:`checks_for`).

Needs ``../shared/data`` beside the project (skips with a reason otherwise),
gifski (env ``GIFSKI``, else ``node_modules/gifski/bin/debian/gifski`` under
the project, its parent or /work/peers; ``npm install gifski@1.7.1``) and
ffmpeg (env ``FFMPEG``, else ``ffmpeg`` on PATH, else imageio-ffmpeg's). A
missing peer is skipped with a reason. Takes several minutes on 2 cores; the
1280x688 clip dominates.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import PIL
from PIL import Image
from skimage.color import rgb2lab

import core
from bench._common import DATA, ROOT, median_time, recorded

#: (short name, path under the data folder, first frame).
CLIPS = (
    ("carphone", "clips/carphone_pristine.mp4", 0),
    ("realshort", "clips/realshort.mp4", 0),
    ("test", "clips/test.webm", 0),
    ("made", "clips/made_zoom_then_still_1280x688.mp4", 65),
    ("seed", "harrypotter_original.gif", 0),
)
SEED = "seed"
GIFSKI_QUALITY = 70
GIFSKI_K = 64  # our k compared with gifski
FFMPEG_K = 16  # our k compared with ffmpeg
SEED_K = 16
SEED_MAX_FLICKER = 0.13
SEED_DELTA_E_MARGIN = 0.1
FLICKER_FACTOR = 0.5
#: The stable mode with nothing held: each frame's fitted palette, every pixel at its nearest entry.
PALETTES_ONLY = {"hold": 0.0, "hysteresis": 0.0, "damping": 0.0}
COLOUR_SAMPLES = 12
GIFSKI_REL = Path("node_modules") / "gifski" / "bin" / "debian" / "gifski"
#: core.metrics' rule, read from the module so the local copy follows it.
DEFAULT_STATIC = float(getattr(core.metrics, "STATIC_DELTA_E", 2.0))
MIN_STATIC_PIXELS = int(getattr(core.metrics, "MIN_STATIC_PIXELS", 100))


@dataclass
class Row:
    """One GIF written by one tool, scored as decoded."""

    name: str
    k: int | None
    path: Path | None = None
    seconds: float = math.nan
    flicker: float = math.nan
    delta_e: float = math.nan
    nbytes: int = 0
    colours: int = 0
    frames: str = ""
    notes: list[str] = field(default_factory=list)
    by_threshold: dict[float, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.path is not None and not math.isnan(self.delta_e)


# --- tools -------------------------------------------------------------------------------


def find_gifski() -> tuple[str | None, str]:
    """The gifski binary and how it was found, or None and why not."""
    env = os.environ.get("GIFSKI")
    if env:
        if Path(env).is_file() and os.access(env, os.X_OK):
            return env, f"GIFSKI={env}"
        return None, f"GIFSKI={env} is not an executable file"
    candidates = [ROOT / GIFSKI_REL, ROOT.parent / GIFSKI_REL, Path("/work/peers") / GIFSKI_REL]
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path), str(path)
    return None, (
        "gifski not found (set GIFSKI, or `npm install gifski@1.7.1` in the project, its "
        "parent or /work/peers); looked at " + ", ".join(str(p) for p in candidates)
    )


def find_ffmpeg() -> tuple[str | None, str]:
    """The ffmpeg binary and how it was found, or None and why not."""
    env = os.environ.get("FFMPEG")
    if env:
        return (env, f"FFMPEG={env}") if shutil.which(env) else (None, f"FFMPEG={env} not found")
    exe = shutil.which("ffmpeg")
    if exe:
        return exe, exe
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe(), "imageio-ffmpeg"
    except (ImportError, RuntimeError) as exc:
        return None, f"no ffmpeg on PATH and imageio-ffmpeg failed: {exc}"


def tool_version(exe: str, flag: str) -> str:
    try:
        out = subprocess.run([exe, flag], capture_output=True, text=True, timeout=30).stdout
    except OSError as exc:
        return f"? ({exc})"
    return (out.splitlines() or ["?"])[0].strip()


def run_tool(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-300:]}")


# --- decoding and scoring ----------------------------------------------------------------


def expand_by_durations(frames: list, durations: list, n: int) -> list:
    """Repeat each decoded frame in proportion to its delay so that there are ``n``.

    Undoes the writers' merging of identical consecutive frames. Each frame
    gets ``delay * n / total`` slots, rounded by largest remainder, at least one.
    """
    d = np.asarray(durations, dtype=np.float64)
    if len(frames) > n or d.size == 0 or not (d > 0).all():
        raise ValueError(f"cannot expand {len(frames)} frames with delays {sorted(set(durations))}")
    ideal = d * n / d.sum()
    counts = np.maximum(1, np.floor(ideal).astype(int))
    while counts.sum() < n:
        counts[int(np.argmax(ideal - counts))] += 1
    while counts.sum() > n:
        excess = np.where(counts > 1, counts - ideal, -np.inf)
        counts[int(np.argmax(excess))] -= 1
    return [f for f, c in zip(frames, counts) for _ in range(int(c))]


def decode(path: Path, n: int) -> tuple[list, str, list[str]]:
    """Frames of a GIF as Pillow composites them, ``n`` of them; the count column; notes."""
    media = core.load_media(path)
    frames, notes = media.frames, []
    if media.alphas is not None:
        clear = sum(int((a < 128).sum()) for a in media.alphas if a is not None)
        if clear:
            notes.append(f"{clear} transparent px after compositing (scored as decoded RGB)")
    count = str(len(frames))
    if len(frames) != n:
        frames = expand_by_durations(frames, media.durations, n)
        count = f"{len(media.frames)}→{n}"
    return frames, count, notes


def max_colours(frames: list) -> int:
    """Most distinct colours in one frame, over up to COLOUR_SAMPLES frames spread out."""
    picks = np.unique(np.linspace(0, len(frames) - 1, min(COLOUR_SAMPLES, len(frames))).astype(int))
    best = 0
    for i in picks:
        p = frames[i].reshape(-1, 3).astype(np.int32)
        best = max(best, np.unique((p[:, 0] << 16) | (p[:, 1] << 8) | p[:, 2]).size)
    return best


def _lab_pixels(image: np.ndarray) -> np.ndarray:
    # As core.metrics: float32 CIELAB per pixel, each distinct colour converted once.
    p = image.reshape(-1, 3).astype(np.int32)
    codes, inverse = np.unique((p[:, 0] << 16) | (p[:, 1] << 8) | p[:, 2], return_inverse=True)
    rgb = np.column_stack([(codes >> 16) & 255, (codes >> 8) & 255, codes & 255])
    lab = rgb2lab(rgb[None].astype(np.float64) / 255.0)[0].astype(np.float32)
    return lab[inverse.reshape(image.shape[:2])]


def static_masks(originals: list, thresholds: list[float]) -> list:
    """Per consecutive pair, {threshold: pixels whose original moved < threshold ΔE76}."""
    masks, prev = [], None
    for o in originals:
        lab = _lab_pixels(o)
        if prev is not None:
            moved = np.linalg.norm(lab - prev, axis=2)
            masks.append({t: moved < t for t in thresholds})
        prev = lab
    return masks


def flicker_at_thresholds(masks: list, quantized: list) -> dict[float, float]:
    """``core.metrics.flicker`` with the static threshold as a parameter (local copy).

    For each consecutive pair, the mean ΔE76 between the two quantized frames
    over the pixels that are static at that threshold; pairs with fewer than
    MIN_STATIC_PIXELS such pixels are skipped; the mean over kept pairs.
    """
    values: dict[float, list[float]] = {t: [] for t in (masks[0] if masks else {})}
    prev = None
    for i, q in enumerate(quantized):
        lab = _lab_pixels(q)
        if i > 0:
            change = np.linalg.norm(lab - prev, axis=2)
            for t, mask in masks[i - 1].items():
                if np.count_nonzero(mask) >= MIN_STATIC_PIXELS:
                    values[t].append(float(change[mask].mean()))
        prev = lab
    return {t: float(np.mean(v)) if v else math.nan for t, v in values.items()}


def score(row: Row, originals: list, masks: list | None, expected: list | None = None) -> None:
    """Fill a row's figures from its GIF file as decoded."""
    row.nbytes = row.path.stat().st_size
    try:
        frames, row.frames, notes = decode(row.path, len(originals))
    except (core.MediaError, ValueError) as exc:
        row.notes.append(f"not scored: {exc}")
        row.delta_e = math.nan
        return
    row.notes += notes
    if frames[0].shape != originals[0].shape:
        row.notes.append(f"decoded size {frames[0].shape[1]}x{frames[0].shape[0]}: not scored")
        row.delta_e = math.nan
        return
    if expected is not None:
        bad = sum(not np.array_equal(a, b) for a, b in zip(frames, expected))
        row.notes.append("round trip exact" if not bad else f"{bad} frames differ from in-memory")
    row.flicker = core.metrics.flicker(originals, frames)
    row.delta_e = core.metrics.mean_delta_e(originals, frames)
    row.colours = max_colours(frames)
    if masks is not None:
        row.by_threshold = flicker_at_thresholds(masks, frames)
        local = row.by_threshold.get(DEFAULT_STATIC)
        if local is not None and not math.isclose(local, row.flicker, rel_tol=1e-4, abs_tol=1e-6):
            row.notes.append(f"local flicker at {DEFAULT_STATIC:g} = {local:.4f} ≠ core's")


# --- encoders ----------------------------------------------------------------------------


def encode_ours(row: Row, frames, durations, mode: str, runs: int, knobs: dict) -> list:
    def work():
        results = core.quantize_frames(frames, row.k, mode=mode, **knobs)
        core.save_gif(results, row.path, durations=durations, loop=0)
        return results

    row.seconds, results = median_time(work, runs)
    return [r.image for r in results]


def encode_gifski(row: Row, exe, pngs, fps: float, size, runs: int) -> None:
    w, h = size
    cmd = [exe, "--quiet", "--no-sort", "--quality", str(GIFSKI_QUALITY), "--fps", f"{fps:.6g}",
           "-W", str(w), "-H", str(h), "--repeat", "0", "-o", str(row.path), *map(str, pngs)]
    row.seconds, _ = median_time(lambda: run_tool(cmd), runs)


def encode_ffmpeg(row: Row, exe, pattern: str, fps: float, runs: int) -> None:
    graph = (f"split[a][b];[a]palettegen=max_colors={row.k}:stats_mode=full[p];"
             "[b][p]paletteuse=dither=none")
    cmd = [exe, "-hide_banner", "-loglevel", "error", "-y", "-framerate", f"{fps:.6g}",
           "-start_number", "0", "-i", pattern, "-filter_complex", graph, "-loop", "0",
           str(row.path)]
    row.seconds, _ = median_time(lambda: run_tool(cmd), runs)


# --- one clip ----------------------------------------------------------------------------


def load_clip(path: Path, start: int, count: int):
    media = core.load_media(path, max_frames=start + count)
    frames = media.frames[start : start + count]
    durations = media.durations[start : start + count]
    return frames, durations, media


def clip_fps(durations) -> float:
    """Frames a second of a clip with these delays (ms), for the peers' --fps / -framerate."""
    mean = float(np.mean(durations))
    return 1000.0 / mean if mean > 0 else 10.0


def bench_clip(name, rel, start, args, tools, workdir: Path) -> tuple[str, list[Row]]:
    path = DATA / rel
    frames, durations, media = load_clip(path, start, args.frames)
    n, (h, w) = len(frames), frames[0].shape[:2]
    fps = clip_fps(durations)
    title = (f"{path.name}: frames {start}–{start + n - 1} (clip: {media.total_frames}), "
             f"{w}x{h}, {sorted(set(durations))} ms/frame (fps {fps:.4g})")
    del media
    print(f"... {title}", file=sys.stderr, flush=True)
    thresholds = sorted(set(args.static_threshold) | {DEFAULT_STATIC})
    masks = static_masks(frames, thresholds) if args.static_threshold else None

    out = workdir / name
    out.mkdir()
    rows: list[Row] = []
    jobs = [(f"ours stable k={k}", k, "stable", {}) for k in args.k]
    if name == SEED:
        jobs.append((f"ours independent k={SEED_K}", SEED_K, "independent", {}))
    if GIFSKI_K in args.k:
        jobs.append((f"ours palettes only k={GIFSKI_K}", GIFSKI_K, "stable", PALETTES_ONLY))
    for label, k, mode, knobs in jobs:
        row = Row(label, k, out / f"ours_{mode}_k{k}{'_palettes' if knobs else ''}.gif")
        options = {**knobs, "space": args.space}
        images = encode_ours(row, frames, durations, mode, args.runs, options)
        score(row, frames, masks, expected=images)
        rows.append(row)
        del images

    rows += peer_rows(frames, fps, tools, args.k, out, args.runs, masks)
    return title, rows


def peer_rows(frames, fps: float, tools, ks, out: Path, runs: int, masks) -> list[Row]:
    """gifski, and ffmpeg at each of ``ks``, on the frames as PNG files; each scored as decoded."""
    h, w = frames[0].shape[:2]
    pngs = []
    if tools["gifski"][0] or tools["ffmpeg"][0]:
        png_dir = out / "png"
        png_dir.mkdir()
        for i, f in enumerate(frames):
            pngs.append(png_dir / f"f{i:05d}.png")
            Image.fromarray(f).save(pngs[-1], compress_level=1)
    peer_jobs = []
    if tools["gifski"][0]:
        peer_jobs.append((f"gifski --quality {GIFSKI_QUALITY}", None, "gifski"))
    if tools["ffmpeg"][0]:
        peer_jobs += [(f"ffmpeg palettegen/paletteuse k={k}", k, "ffmpeg") for k in ks]
    rows = []
    for label, k, tool in peer_jobs:
        row = Row(label, k, out / f"{tool}{'' if k is None else f'_k{k}'}.gif")
        try:
            if tool == "gifski":
                encode_gifski(row, tools["gifski"][0], pngs, fps, (w, h), runs)
            else:
                encode_ffmpeg(row, tools["ffmpeg"][0], str(pngs[0].parent / "f%05d.png"), fps,
                              runs)
        except (OSError, RuntimeError) as exc:
            row.path, row.notes = None, [f"failed: {exc}"]
            rows.append(row)
            continue
        score(row, frames, masks)
        rows.append(row)
    for p in pngs:
        p.unlink()
    return rows


# --- report ------------------------------------------------------------------------------


def fmt(x: float, digits: int = 3) -> str:
    return "—" if x is None or math.isnan(x) else f"{x:.{digits}f}"


def print_clip(title: str, rows: list[Row]) -> None:
    print(f"\n## {title}\n")
    print("| output | flicker (ΔE76) | mean ΔE2000 | KiB | encode s | colours/frame (max) "
          "| frames | notes |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        kib = fmt(r.nbytes / 1024, 1) if r.path else "—"
        print(f"| {r.name} | {fmt(r.flicker)} | {fmt(r.delta_e)} | {kib} | {fmt(r.seconds, 2)} "
              f"| {r.colours or '—'} | {r.frames or '—'} | {'; '.join(r.notes)} |")
    sys.stdout.flush()


def find(rows: list[Row], prefix: str) -> Row | None:
    return next((r for r in rows if r.name == prefix and r.ok), None)


def checks_for(clip: str, rows: list[Row], threshold: float | None = None,
               gifski_k: int = GIFSKI_K) -> list[tuple]:
    """(clip, check, ours, bound, passed or None when not measurable).

    ``threshold`` judges the flicker checks with static pixels counted below
    that many ΔE76 (the rows' ``by_threshold``); ``None`` or the metric's own
    2 uses ``core.metrics.flicker`` and adds the seed GIF's checks, whose
    bounds are stated at the metric's threshold. ``gifski_k`` is our k
    compared with gifski.
    """
    out = []
    default = threshold is None or threshold == DEFAULT_STATIC
    where = "" if default else f" (static < {threshold:g})"
    pairs = ((f"ours stable k={gifski_k}", f"gifski --quality {GIFSKI_QUALITY}", "gifski"),
             (f"ours stable k={FFMPEG_K}", f"ffmpeg palettegen/paletteuse k={FFMPEG_K}",
              f"ffmpeg k={FFMPEG_K}"))
    for ours_name, peer_name, peer in pairs:
        ours, other = find(rows, ours_name), find(rows, peer_name)
        label = f"{ours_name.removeprefix('ours stable ')} vs {peer}"
        if ours is None or other is None:
            out.append((clip, f"{label}: not measured", "—", "—", None))
            continue
        mine, theirs = flicker_of(ours, threshold), flicker_of(other, threshold)
        bound = FLICKER_FACTOR * theirs
        out.append((clip, f"{label}: flicker{where} <= {FLICKER_FACTOR:g} x peer", fmt(mine, 4),
                    fmt(bound, 4), _le(mine, bound)))
        out.append((clip, f"{label}: ΔE2000 <= peer", fmt(ours.delta_e, 4), fmt(other.delta_e, 4),
                    _le(ours.delta_e, other.delta_e)))
        out.append((clip, f"{label}: bytes <= peer", str(ours.nbytes), str(other.nbytes),
                    ours.nbytes <= other.nbytes))
    if clip == SEED and default:
        ours = find(rows, f"ours stable k={SEED_K}")
        ind = find(rows, f"ours independent k={SEED_K}")
        if ours is None or ind is None:
            out.append((clip, f"seed k={SEED_K}: not measured", "—", "—", None))
        else:
            out.append((clip, f"seed k={SEED_K}: flicker <= {SEED_MAX_FLICKER}",
                        fmt(ours.flicker, 4), fmt(SEED_MAX_FLICKER, 4),
                        _le(ours.flicker, SEED_MAX_FLICKER)))
            bound = ind.delta_e + SEED_DELTA_E_MARGIN
            out.append((clip, f"seed k={SEED_K}: ΔE2000 <= independent + {SEED_DELTA_E_MARGIN}",
                        fmt(ours.delta_e, 4), fmt(bound, 4), _le(ours.delta_e, bound)))
    return out


def flicker_of(row: Row, threshold: float | None) -> float:
    """The row's flicker with static pixels below ``threshold`` ΔE76 (``None``: the metric's)."""
    if threshold is None or threshold == DEFAULT_STATIC:
        return row.flicker
    return row.by_threshold.get(threshold, math.nan)


def _le(a: float, b: float) -> bool | None:
    return None if math.isnan(a) or math.isnan(b) else bool(a <= b)


def print_summary(results: list[tuple[str, str, list[Row]]], thresholds: list[float]) -> None:
    print("\n## Ratios, ours / peer (below 1 favours ours)\n")
    print("| clip | ours vs peer | flicker | ΔE2000 | size | encode time |")
    print("|---|---|---|---|---|---|")
    for clip, _, rows in results:
        peers = [r for r in rows if r.ok and not r.name.startswith("ours")]
        for peer in peers:
            k = GIFSKI_K if peer.k is None else peer.k
            ours = find(rows, f"ours stable k={k}")
            if ours is None:
                continue
            print(f"| {clip} | k={k} vs {peer.name} | {_ratio(ours.flicker, peer.flicker)} "
                  f"| {_ratio(ours.delta_e, peer.delta_e)} | {_ratio(ours.nbytes, peer.nbytes)} "
                  f"| {_ratio(ours.seconds, peer.seconds)} |")

    print("\n## Verdict against the target\n")
    print("| clip | check | ours | bound | pass |")
    print("|---|---|---|---|---|")
    checks = [c for clip, _, rows in results for c in checks_for(clip, rows)]
    for clip, check, ours, bound, passed in checks:
        mark = "n/a" if passed is None else ("yes" if passed else "**no**")
        print(f"| {clip} | {check} | {ours} | {bound} | {mark} |")
    measured = [c for c in checks if c[4] is not None]
    print(f"\n{sum(c[4] for c in measured)} of {len(measured)} measured checks pass"
          + (f"; {len(checks) - len(measured)} not measurable" if len(measured) < len(checks)
             else "") + ".")

    if thresholds:
        print(f"\n## Flicker at other static thresholds (ΔE76; core.metrics uses "
              f"{DEFAULT_STATIC:g}; local copy of its rule)\n")
        print("| clip | output | " + " | ".join(f"static < {t:g}" for t in thresholds) + " |")
        print("|---|---|" + "---|" * len(thresholds))
        for clip, _, rows in results:
            for r in rows:
                if r.by_threshold:
                    cells = " | ".join(fmt(r.by_threshold.get(t, math.nan)) for t in thresholds)
                    print(f"| {clip} | {r.name} | {cells} |")
        print("\nOurs / peer flicker at each threshold (target: <= 0.5):\n")
        print("| clip | ours vs peer | " + " | ".join(f"< {t:g}" for t in thresholds) + " |")
        print("|---|---|" + "---|" * len(thresholds))
        for clip, _, rows in results:
            for peer in (r for r in rows if r.ok and not r.name.startswith("ours")):
                k = GIFSKI_K if peer.k is None else peer.k
                ours = find(rows, f"ours stable k={k}")
                if ours is None or not ours.by_threshold or not peer.by_threshold:
                    continue
                cells = " | ".join(_ratio(ours.by_threshold[t], peer.by_threshold[t])
                                   for t in thresholds)
                print(f"| {clip} | k={k} vs {peer.name} | {cells} |")
        print("\nThe checks at each threshold (flicker judged there; ΔE2000 and bytes as above; "
              "the seed GIF's own checks only at the metric's):\n")
        for t in thresholds:
            judged = [c for clip, _, rows in results for c in checks_for(clip, rows, t)
                      if c[4] is not None]
            flick = [c for c in judged if "flicker" in c[1] and "seed k=" not in c[1]]
            print(f"- static < {t:g} ΔE76: {sum(c[4] for c in judged)} of {len(judged)} checks "
                  f"pass; flicker against a peer {sum(c[4] for c in flick)} of {len(flick)}")


def _ratio(a: float, b: float) -> str:
    if math.isnan(a) or math.isnan(b) or b == 0:
        return "—"
    return f"{a / b:.2f}"


# --- main --------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [c[0] for c in CLIPS]
    parser.add_argument("--clips", nargs="+", default=names, metavar="NAME",
                        help=f"subset of {', '.join(names)} (a part of the file name works too)")
    parser.add_argument("--frames", type=int, default=120,
                        help="frames per clip (default 120; the seed GIF has 70)")
    parser.add_argument("--k", type=int, nargs="+", default=[FFMPEG_K, GIFSKI_K],
                        help="our k and ffmpeg's max_colors (default 16 64)")
    parser.add_argument("--static-threshold", type=float, nargs="+", default=[], metavar="X",
                        help="also report flicker with static pixels < X ΔE76 (e.g. 1 2 4)")
    parser.add_argument("--runs", type=int, default=1, help="timing runs, median (default 1)")
    parser.add_argument("--space", choices=core.SPACES, default="lab",
                        help="the space our palettes are fitted in (default lab, the library's)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="copy the GIFs written to DIR")
    args = parser.parse_args(argv)
    if args.frames < 2 or args.runs < 1 or any(k < 2 or k > 256 for k in args.k):
        parser.error("--frames >= 2, --runs >= 1 and 2 <= k <= 256")
    chosen = []
    for wanted in args.clips:
        hits = [c for c in CLIPS if wanted == c[0] or wanted in Path(c[1]).name]
        if not hits:
            parser.error(f"unknown clip {wanted!r}; choose from {', '.join(names)}")
        chosen += [c for c in hits if c not in chosen]
    args.chosen = chosen
    args.k = sorted(set(args.k))
    return args


def find_tools() -> dict:
    """{tool: (binary or None, how found or why not)}; exits with the reason without the data."""
    if not DATA.is_dir():
        sys.exit(f"Skipped: {DATA} is absent (the shared data folder is not beside the project).")
    return {"gifski": find_gifski(), "ffmpeg": find_ffmpeg()}


def main(argv=None) -> None:
    args = parse_args(argv)
    tools = find_tools()
    started = time.perf_counter()
    print("# Our GIFs vs gifski and ffmpeg, scored on the decoded files\n")
    print(f"- Pillow {PIL.__version__}, {os.cpu_count()} CPUs; encode time = median of "
          f"{args.runs} run(s); k = {', '.join(map(str, args.k))}; our space = {args.space}")
    for tool, flag in (("gifski", "--version"), ("ffmpeg", "-version")):
        exe, how = tools[tool]
        print(f"- {tool}: " + (f"{tool_version(exe, flag)} ({how})" if exe else f"skipped: {how}"))
    print(f"- flicker: core.metrics.flicker (static pixels < {DEFAULT_STATIC:g} ΔE76, pairs "
          f"with >= {MIN_STATIC_PIXELS} of them); frames merged by a writer are expanded by delay")
    sys.stdout.flush()

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as tmp:
        for name, rel, start in args.chosen:
            if not (DATA / rel).is_file():
                print(f"\n## {rel}\n\nSkipped: {DATA / rel} is absent.")
                continue
            title, rows = bench_clip(name, rel, start, args, tools, Path(tmp))
            print_clip(title, rows)
            results.append((name, title, rows))
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                for r in rows:
                    if r.path is not None:
                        shutil.copy(r.path, args.keep / f"{name}_{r.path.name}")
            for r in rows:
                if r.path is not None:
                    r.path.unlink(missing_ok=True)
    thresholds = sorted(set(args.static_threshold) | {DEFAULT_STATIC}) if args.static_threshold \
        else []
    print_summary(results, thresholds)
    print(f"\nTotal time {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    with recorded("bench_peers"):
        main()
