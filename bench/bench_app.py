"""The app as visitors use it: time to see every mode, a full-size export, and the server's memory.

Run from the project root: ``python -m bench.bench_app`` (it writes its tables
to ``bench/results/bench_app.md`` too). It starts the real
app (``streamlit run``), drives it in Debian's Chromium with Playwright, and
samples the resident memory of the Streamlit process and its children (ffmpeg)
every 0.2 s. Two cases, each in a fresh server:

- one visitor uploads the 1280x688, 250-frame clip, waits for all four modes
  in Compare, then makes the full-size Stable GIF in Export and downloads it;
- three visitors do the same at the same time with three different clips.

Targets (issue "Real clips at full size"): all modes within 60 s of the
upload; the process tree at most 690 MB for one visitor (Community Cloud's
smallest allowance) and 1 GB for three.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

import core
from bench._common import DATA, recorded
from tests.app_server import BROWSER_ARGS, CHROMIUM, IDLE, MAIN_UPLOADER, serve

CLIPS = DATA / "clips"
BIG = "made_zoom_then_still_1280x688.mp4"
THREE = (BIG, "test.webm", "carphone_pristine.mp4")
SHOW_TARGET_S, ONE_MB, THREE_MB = 60.0, 690, 1024
MODES = len(core.MODES)


class Sampler:
    """Peak RSS (MB) of a process and all its children, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.2):
        self.proc, self.every, self.peak = psutil.Process(pid), every, 0.0
        # Peak per phase ("modes", then "export"): which step to make smaller.
        self.phase, self.phases = "modes", {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in procs if p.is_running())
            except psutil.Error:
                rss = 0
            self.peak = max(self.peak, rss / 2**20)
            self.phases[self.phase] = max(self.phases.get(self.phase, 0.0), rss / 2**20)
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


async def visit(browser, url: str, clip: Path, sampler: Sampler) -> dict:
    """One visitor: upload, wait for every mode, make and download the full-size Stable GIF."""
    page = await browser.new_page(viewport={"width": 1500, "height": 1400})
    await page.goto(url)
    await page.wait_for_selector(IDLE, timeout=120_000)
    start = time.monotonic()
    await page.locator(MAIN_UPLOADER).first.set_input_files(str(clip))
    # The page names the upload as soon as it has it; then every mode's numbers appear.
    await page.get_by_text(f"Using {clip.name}").wait_for(timeout=120_000)
    metric = page.locator("[data-testid='stMetricValue']")
    await page.wait_for_selector(IDLE, timeout=600_000)
    while await metric.count() < 2 * MODES:
        await page.wait_for_timeout(200)
        await page.wait_for_selector(IDLE, timeout=600_000)
    shown = time.monotonic() - start
    errors = await page.locator("[data-testid='stAlertContentError']").count()
    errors += await page.locator("[data-testid='stException']").count()
    metrics = await metric.count()
    await page.get_by_role("tab", name="Export").click()
    sampler.phase = "export"
    full = page.get_by_role("button", name="Full size: Stable")
    export_s, size_mb = float("nan"), float("nan")
    started = time.monotonic()
    if await full.count():
        await full.click()
        await page.wait_for_timeout(1000)
    button = page.get_by_role("button", name="GIF: Stable")
    await button.first.wait_for(timeout=600_000)
    export_s = time.monotonic() - started
    async with page.expect_download(timeout=120_000) as info:
        await button.first.click()
    download = await info.value
    size_mb = Path(await download.path()).stat().st_size / 1e6
    errors += await page.locator("[data-testid='stAlertContentError']").count()
    await page.close()
    return {"clip": clip.name, "shown_s": shown, "modes": metrics // 2, "export_s": export_s,
            "gif_mb": size_mb, "errors": errors}


async def session(clips: tuple[str, ...]) -> tuple[list[dict], float, dict]:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp) / "server.log") as (url, proc):
        with Sampler(proc.pid) as sampler:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                  args=BROWSER_ARGS)
                try:
                    rows = await asyncio.gather(
                        *(visit(browser, url, CLIPS / c, sampler) for c in clips)
                    )
                finally:
                    await browser.close()
        return list(rows), sampler.peak, sampler.phases


def main() -> None:
    if not Path(CHROMIUM).exists() or not (CLIPS / BIG).exists():
        sys.exit(f"skipped: needs {CHROMIUM} and {CLIPS / BIG}")
    print("| visitors | clip | modes shown (s) | modes | full Stable GIF (s) | GIF MB | errors |")
    print("|---|---|---|---|---|---|---|")
    peaks = {}
    for clips, budget in (((BIG,), ONE_MB), (THREE, THREE_MB)):
        rows, peak, phases = asyncio.run(session(clips))
        peaks[len(clips)] = (peak, budget, phases)
        for r in rows:
            print(f"| {len(clips)} | {r['clip']} | {r['shown_s']:.1f} | {r['modes']} | "
                  f"{r['export_s']:.1f} | {r['gif_mb']:.1f} | {r['errors']} |")
    print()
    print("| visitors | peak RSS of the Streamlit process tree | budget | ratio | "
          "peak until Export / during export |")
    print("|---|---|---|---|---|")
    for n, (peak, budget, phases) in peaks.items():
        split = " / ".join(f"{phases.get(p, float('nan')):.0f}" for p in ("modes", "export"))
        print(f"| {n} | {peak:.0f} MB | {budget} MB | {peak / budget:.2f} | {split} MB |")
    print(f"\nTarget: every mode shown within {SHOW_TARGET_S:.0f} s of the upload.")


if __name__ == "__main__":
    with recorded("bench_app"):
        main()
