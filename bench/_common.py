"""Helpers shared by the benchmarks: timing by median, the data folder, peak memory."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def median_time(fn, runs: int) -> tuple[float, object]:
    """Median wall time of ``runs`` calls (seconds) and the last result.

    Medians, because on shared 2-core machines single calls sometimes stall.
    """
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_rss_mb(code: str) -> float:
    """Peak resident memory (MB) of a fresh Python process running ``code``.

    The process starts in the project root, so ``import core`` works; its
    imports count too, as they would in the app. The peak is the kernel's
    ``VmHWM`` of that process: ``ru_maxrss`` would carry over the parent's
    peak across ``exec``.
    """
    probe = code + (
        "\nprint([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[-1]) / 1024.0


__all__ = ["DATA", "ROOT", "median_time", "peak_rss_mb"]
