"""Helpers shared by the benchmarks: timing by median, the data folder, peak memory, results."""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
#: Where each benchmark writes its tables, one file per benchmark.
RESULTS = ROOT / "bench" / "results"


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


def write_results(name: str, text: str) -> Path:
    """Write a benchmark's tables to ``bench/results/<name>.md`` under a stamp; return the path.

    The stamp says what was measured and where: the git commit (``-dirty``
    when tracked files differ from it), the date, the command, the Python and
    numpy versions and the machine (cores, CPU model), so figures from
    different runs are not compared unawares.

    Parameters
    ----------
    name : str
        The benchmark, as its module is named (``"bench_peers"``).
    text : str
        Its tables in markdown, as it printed them.
    """
    command = shlex.join(["python", "-m", f"bench.{name}", *sys.argv[1:]])
    stamp = [
        f"# bench/{name}.py results",
        "",
        f"- commit: {_commit()}",
        f"- date: {datetime.datetime.now():%Y-%m-%d %H:%M}",
        f"- command: `{command}`",
        f"- Python {platform.python_version()}, numpy {np.__version__}",
        f"- machine: {os.cpu_count()} cores, {_cpu_model()}",
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text("\n".join(stamp) + "\n" + text.rstrip() + "\n")
    return path


@contextlib.contextmanager
def recorded(name: str) -> Iterator[None]:
    """Print as usual, and write what was printed with :func:`write_results` at the end.

    Nothing is written when the block raises (a failure, or ``sys.exit`` when
    a benchmark is skipped), so the last results stay in place.
    """
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        yield
    write_results(name, tee.getvalue())


class _Tee(io.StringIO):
    # Keeps a copy of what is printed and passes it on, so a long run still shows its progress.
    def __init__(self, out):
        super().__init__()
        self._out = out

    def write(self, text: str) -> int:
        self._out.write(text)
        return super().write(text)

    def flush(self) -> None:
        self._out.flush()


def _commit() -> str:
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)

    try:
        head = git("rev-parse", "--short", "HEAD")
        # Results files written by earlier runs are not a change of the code measured.
        changed = git("diff", "--quiet", "HEAD", "--", ".", ":(exclude)bench/results")
    except OSError:
        return "unknown (no git)"
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    return head.stdout.strip() + ("-dirty" if changed.returncode else "")


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


__all__ = ["DATA", "RESULTS", "ROOT", "median_time", "peak_rss_mb", "recorded", "write_results"]
