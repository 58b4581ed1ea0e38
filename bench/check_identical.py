"""Check that two revisions of the library write the same files, byte for byte.

A refactoring must not change what the library writes. This script writes a
set of outputs (every mode, the hold on and off, locked colours, dithering,
transparency, GIF and MP4) from the real clips in ``../shared/data`` and the
project's own ``tests/data``, once with the working tree and once with another
revision checked out in a temporary git worktree, and compares the files'
SHA-256 digests.

Usage::

    python bench/check_identical.py --against HEAD~3      # compare with a revision
    python bench/check_identical.py --write OUT           # only write the outputs

It writes ``bench/results/check_identical.md`` and exits 1 when any output
differs.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CLIPS = ["carphone_pristine.mp4", "realshort.mp4", "test.webm",
         "made_zoom_then_still_1280x688.mp4"]
SEED = "harrypotter_original.gif"
TRANSPARENT = ["transparent_dispose.gif", "dispose_bgnd_transparency.gif",
               "different_transparency.gif"]


def cases() -> list[tuple[str, str, dict]]:
    """(output name, source path, keyword arguments of ``core.convert``) for every case."""
    out = []
    for clip in CLIPS:
        path = str(SHARED / "clips" / clip)
        stem = clip.split(".")[0]
        out += [(f"{stem}-k64.gif", path, {"k": 64}), (f"{stem}-k16.gif", path, {"k": 16})]
    seed = str(SHARED / SEED)
    out += [
        ("seed-k64.gif", seed, {"k": 64}),
        ("seed-k16.gif", seed, {"k": 16}),
        ("seed-seeded.gif", seed, {"k": 16, "mode": "seeded"}),
        ("seed-independent.gif", seed, {"k": 16, "mode": "independent", "init": "random"}),
        ("seed-global.gif", seed, {"k": 16, "mode": "global"}),
        ("seed-nohold.gif", seed, {"k": 16, "hold": 0.0}),
        ("seed-k256.gif", seed, {"k": 256}),
        ("seed-locked.gif", seed, {"k": 12, "locked": ((0, 0, 0), (255, 255, 255))}),
        ("seed-din99o.gif", seed, {"k": 32, "space": "din99o"}),
        ("seed-manhattan.gif", seed, {"k": 16, "metric": "manhattan"}),
        ("seed-bayer.gif", seed, {"k": 16, "dither": "bayer"}),
        ("seed-fs.gif", seed, {"k": 16, "dither": "floyd-steinberg"}),
        ("seed-small.gif", seed, {"k": 16, "max_side": 160}),
        ("carphone-k16.mp4", str(SHARED / "clips" / CLIPS[0]), {"k": 16}),
    ]
    for name in TRANSPARENT:
        out.append((f"{name[:-4]}-k8.gif", str(SHARED / "pillow-gifs" / name), {"k": 8}))
    for clip in sorted((ROOT / "tests" / "data").glob("*")):
        if clip.suffix in (".mp4", ".gif", ".webm"):
            out.append((f"own-{clip.name.replace('.', '-')}-k32.gif", str(clip), {"k": 32}))
    return out


def write_all(folder: Path) -> dict[str, str]:
    """Write every case into ``folder`` with the ``core`` on the path; name -> SHA-256."""
    import core

    folder.mkdir(parents=True, exist_ok=True)
    digests = {}
    for name, source, kwargs in cases():
        if not Path(source).exists():
            continue
        target = folder / name
        core.convert(source, target, **kwargs)
        digests[name] = hashlib.sha256(target.read_bytes()).hexdigest()
    # The writer's whole-frame path (difference=False) is not reached by convert.
    media = core.load_media(str(SHARED / SEED)) if (SHARED / SEED).exists() else None
    if media is not None:
        frames = media.frames[:12]
        results = core.quantize_frames(frames, 16, mode="stable")
        target = folder / "seed-whole-frames.gif"
        with core.GifWriter(target, (frames[0].shape[1], frames[0].shape[0]),
                            difference=False) as gif:
            for res in results:
                gif.add(res, 50)
        digests[target.name] = hashlib.sha256(target.read_bytes()).hexdigest()
    return digests


def run_in(tree: Path, folder: Path) -> dict[str, str]:
    """Run :func:`write_all` in another process with ``tree``'s ``core``."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--write", str(folder)],
        cwd=tree, env=env, capture_output=True, text=True,
    )
    if done.returncode:
        raise SystemExit(f"writing the outputs with {tree} failed:\n{done.stderr}")
    out = done.stdout
    return dict(line.split("  ", 1)[::-1] for line in out.splitlines() if "  " in line)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--against", help="git revision to compare the working tree with")
    p.add_argument("--write", type=Path, help="only write the outputs into this folder")
    args = p.parse_args()
    if args.write:
        for name, digest in write_all(args.write).items():
            print(f"{digest}  {name}")
        return 0
    if not args.against:
        p.error("give --against REV or --write OUT")
    if not SHARED.exists():
        print(f"{SHARED} is missing: only tests/data is compared")
    with tempfile.TemporaryDirectory() as tmp:
        other = Path(tmp) / "other"
        subprocess.run(["git", "worktree", "add", "--detach", str(other), args.against],
                       cwd=ROOT, check=True, capture_output=True)
        try:
            started = time.perf_counter()
            before = run_in(other, Path(tmp) / "before")
            after = run_in(ROOT, Path(tmp) / "after")
            seconds = time.perf_counter() - started
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT,
                           check=False, capture_output=True)
    rev = subprocess.run(["git", "rev-parse", "--short", args.against], cwd=ROOT,
                         capture_output=True, text=True).stdout.strip()
    head = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()
    lines = [f"# Byte-for-byte check: {head} against {rev}", "",
             f"{os.uname().nodename}, {os.cpu_count()} cores, {seconds:.0f} s.", "",
             "| output | same bytes |", "|---|---|"]
    differ = 0
    for name in sorted(set(before) | set(after)):
        same = before.get(name) == after.get(name)
        differ += not same
        lines.append(f"| {name} | {'yes' if same else '**no**'} |")
    lines += ["", f"{len(before) - differ} of {len(before)} outputs identical."]
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "check_identical.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if differ or not before else 0


if __name__ == "__main__":
    sys.exit(main())
