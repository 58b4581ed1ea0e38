"""The app as visitors use it, in Chromium: how long until they see every mode, and the memory.

Run from the project root: ``python -m bench.bench_app [--skip-memory] [--skip-timing]``
(it writes its tables to ``bench/results/bench_app.md`` too). It starts the
real app (``streamlit run``), drives it in Debian's Chromium with Playwright
and samples the memory of the Streamlit process and its children (ffmpeg)
every 0.2 s, as PSS (what the container is charged; see :class:`Sampler`) and
as the sum of RSS. The 1280x720 clips of full-frame motion are made here
(:mod:`bench.make_clip`) in a temporary folder; the 1280x688 one is the shared
clip. Each case runs in a fresh server.

Timing (issue "Real clips, quickly"): from the upload to all four modes shown
in Compare (the player has drawn every column) at most 20 s; after moving k,
all four shown again within 8 s; on the bundled sample, a knob change within
2 s; the progress bar never silent for more than 3 s between the upload and
the result.

Memory: a full-size Stable export of a 1280x720, 300-frame full-motion clip
keeps the process tree at most 690 MB (Community Cloud's smallest allowance)
with one visitor, at most 1 GB with three exporting at once; ten uploads one
after another in one tab do not raise the peak.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from bench._common import DATA, recorded
from bench.make_clip import make_clip
from tests.app_server import BROWSER_ARGS, CHROMIUM, IDLE, MAIN_UPLOADER, serve

SHARED = DATA / "clips" / "made_zoom_then_still_1280x688.mp4"
SHOWN_S, K_S, KNOB_S, SILENT_S = 20.0, 8.0, 2.0, 3.0
ONE_MB, THREE_MB = 690, 1024

#: The player's state, found through the shadow roots of the page's components.
PLAYER_STATE = """() => {
  for (const host of document.querySelectorAll('*')) {
    const p = host.shadowRoot && host.shadowRoot.querySelector('.player');
    if (p) return {token: p.dataset.token || '', ready: p.dataset.ready || ''};
  }
  return {token: '', ready: ''};
}"""
#: Records, every 50 ms, whether what the page says it is doing changed: the progress bar's
#: text, or the player's own status ("Loading the results…", then the frame it shows).
WATCH_PROGRESS = """() => {
  window.__marks = [];
  let last = null;
  const status = () => {
    const bar = document.querySelector("[data-testid='stProgress']");
    let text = bar ? bar.innerText : '';
    for (const host of document.querySelectorAll('*')) {
      const p = host.shadowRoot && host.shadowRoot.querySelector('.player .where');
      if (p) {
        text += '|' + (p.textContent.startsWith('frame') ? 'playing' : p.textContent);
        break;
      }
    }
    return text;
  };
  window.__watch = setInterval(() => {
    const text = status();
    if (text !== last) { last = text; window.__marks.push(performance.now()); }
  }, 50);
}"""


class Sampler:
    """Peak memory (MB) of a process and all its children, sampled in a thread.

    Two sums over the tree: RSS (what ``ps`` shows) and PSS (each shared page
    divided among the processes that share it). They differ when a child is
    forked: between ``fork`` and ``exec`` of ffmpeg the child reports the whole
    server's RSS though it shares those pages, so the RSS sum counts the server
    twice for a moment; the PSS sum, like the container's memory that Community
    Cloud limits, does not.
    """

    def __init__(self, pid: int, every: float = 0.2):
        self.proc, self.every = psutil.Process(pid), every
        self.peak = self.peak_rss = 0.0
        self.recent = 0.0  # peak PSS since the last take_recent()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            rss = pss = 0
            for proc in [self.proc, *self._children()]:
                try:
                    info = proc.memory_full_info()
                    rss, pss = rss + info.rss, pss + info.pss
                except psutil.Error:
                    pass
            self.peak_rss = max(self.peak_rss, rss / 2**20)
            self.peak = max(self.peak, pss / 2**20)
            self.recent = max(self.recent, pss / 2**20)
            self._stop.wait(self.every)

    def take_recent(self) -> float:
        """The peak PSS (MB) since the last call, and start a new stretch."""
        recent, self.recent = self.recent, 0.0
        return recent

    def _children(self) -> list:
        try:
            return self.proc.children(recursive=True)
        except psutil.Error:
            return []

    def cpu(self) -> float:
        """CPU seconds the server and its children (ffmpeg) have used so far."""
        total = 0.0
        for proc in [self.proc, *self.proc.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.Error:
                pass
        return total

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


async def player_token(page) -> str:
    return (await page.evaluate(PLAYER_STATE))["token"]


async def until_shown(page, old_token: str, timeout_s: float = 600.0) -> float:
    """Wait until the player shows results other than ``old_token``'s, drawn; return when."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = await page.evaluate(PLAYER_STATE)
        if state["token"] and state["token"] != old_token and state["ready"] == "1":
            return time.monotonic()
        await page.wait_for_timeout(100)
    raise TimeoutError("the player did not show new results")


async def new_page(browser, url: str):
    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    await page.goto(url)
    await page.wait_for_selector(IDLE, timeout=120_000)
    await until_shown(page, "")
    return page


async def upload(page, clip: Path, sampler: Sampler) -> tuple[float, float, float]:
    """Upload ``clip``: seconds until every mode is shown, the longest silence of the
    progress (bar or player), and the server's CPU seconds meanwhile."""
    old = await player_token(page)
    cpu = sampler.cpu()
    await page.evaluate(WATCH_PROGRESS)
    start_ms = await page.evaluate("performance.now()")
    start = time.monotonic()
    await page.locator(MAIN_UPLOADER).first.set_input_files(str(clip))
    end = await until_shown(page, old)
    end_ms = await page.evaluate("performance.now()")
    marks = [start_ms, *await page.evaluate("clearInterval(window.__watch) || window.__marks"),
             end_ms]
    silent = max(b - a for a, b in zip(marks, marks[1:])) / 1000.0
    return end - start, silent, sampler.cpu() - cpu


async def move_k(page, sampler: Sampler) -> tuple[float, float]:
    """Move k one step: seconds until every mode is shown again, and server CPU seconds."""
    old, cpu = await player_token(page), sampler.cpu()
    start = time.monotonic()
    await page.get_by_role("slider", name="Number of colours (k)").focus()
    await page.keyboard.press("ArrowRight")
    return await until_shown(page, old) - start, sampler.cpu() - cpu


async def choose_space(page, label: str, sampler: Sampler) -> tuple[float, float]:
    old, cpu = await player_token(page), sampler.cpu()
    start = time.monotonic()
    await page.get_by_role("radio", name=label).check(force=True)
    return await until_shown(page, old) - start, sampler.cpu() - cpu


async def export_stable(page) -> float:
    """Make and download the full-size Stable GIF; seconds it took."""
    await page.get_by_role("tab", name="Export").click()
    start = time.monotonic()
    await page.get_by_role("button", name="Full size: Stable").click()
    button = page.get_by_role("button", name="GIF: Stable, full size")
    await button.wait_for(timeout=900_000)
    async with page.expect_download(timeout=120_000) as info:
        await button.click()
    await (await info.value).path()
    return time.monotonic() - start


async def in_browser(job, *args):
    """Run ``job(browser, url, *args)`` against a fresh server; (its result, peak RSS MB)."""
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp) / "server.log") as (url, proc):
        with Sampler(proc.pid) as sampler:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                  args=BROWSER_ARGS)
                try:
                    result = await job(browser, url, sampler, *args)
                finally:
                    await browser.close()
        return result, (sampler.peak, sampler.peak_rss)


async def timing(browser, url, sampler: Sampler, clips: list[Path]) -> dict:
    page = await new_page(browser, url)
    knobs = []
    for space in ("Oklab (newer perceptual space)", "Lab (matches human vision)",
                  "Oklab (newer perceptual space)"):
        knobs += [await move_k(page, sampler), await choose_space(page, space, sampler)]
    knobs.append(await move_k(page, sampler))
    rows = []
    for clip in clips:
        shown, silent, cpu = await upload(page, clip, sampler)
        rows.append((clip.name, (shown, cpu), silent, await move_k(page, sampler)))
    return {"knobs": knobs, "rows": rows}


async def exports(browser, url, sampler: Sampler, clips: list[Path]) -> list[float]:
    async def one(clip):
        page = await new_page(browser, url)
        await upload(page, clip, sampler)
        return await export_stable(page)

    return list(await asyncio.gather(*(one(c) for c in clips)))


async def uploads(browser, url, sampler: Sampler, clips: list[Path]) -> list[float]:
    """Upload ``clips`` one after another in one tab; the peak PSS (MB) during each."""
    page = await new_page(browser, url)
    sampler.take_recent()
    peaks = []
    for clip in clips:
        await upload(page, clip, sampler)
        peaks.append(sampler.take_recent())
    return peaks


def report_timing(result: dict, load: tuple[float, float]) -> None:
    print(f"Load average of the machine (1 min) before / after: {load[0]:.1f} / {load[1]:.1f} "
          f"on {os.cpu_count()} cores (other work shares them).\n")
    print("| case | seconds (wall) | server CPU seconds | target (wall) |")
    print("|---|---|---|---|")
    knobs = result["knobs"]
    walls, cpus = [w for w, _ in knobs], [c for _, c in knobs]
    print(f"| sample: a knob change (k and the colour space in turn), median of {len(knobs)} | "
          f"{statistics.median(walls):.1f} (each: {', '.join(f'{v:.1f}' for v in walls)}) | "
          f"{statistics.median(cpus):.1f} | ≤ {KNOB_S:g} |")
    for name, (shown, cpu), silent, (k, k_cpu) in result["rows"]:
        print(f"| {name}: upload → four modes shown | {shown:.1f} | {cpu:.1f} | ≤ {SHOWN_S:g} |")
        print(f"| {name}: longest silence of the progress | {silent:.1f} | | ≤ {SILENT_S:g} |")
        print(f"| {name}: k moved → four modes shown again | {k:.1f} | {k_cpu:.1f} | "
              f"≤ {K_S:g} |")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--skip-memory", action="store_true")
    args.add_argument("--skip-timing", action="store_true")
    opts = args.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"skipped: needs {CHROMIUM}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        phone = make_clip(folder / "made_phone_14s_1280x720.mp4", seconds=14.0, fps=20.0)
        if not opts.skip_timing:
            clips = [phone] + ([SHARED] if SHARED.exists() else [])
            before = os.getloadavg()[0]
            result, (pss, rss) = asyncio.run(in_browser(timing, clips))
            report_timing(result, (before, os.getloadavg()[0]))
            print(f"\nPeak memory of the process tree during the timing run: {pss:.0f} MB PSS "
                  f"({rss:.0f} MB RSS)\n")
        if not opts.skip_memory:
            memory(folder)


def memory(folder: Path) -> None:
    full = make_clip(folder / "made_phone_15s_300f_1280x720.mp4", seconds=15.0, fps=20.0)
    other = make_clip(folder / "made_other_10s_300f_1280x720.mp4", seconds=10.0, fps=30.0)
    print("| case | peak PSS of the Streamlit process tree | peak RSS sum | budget | "
          "export (s) |")
    print("|---|---|---|---|---|")
    seconds, (pss, rss) = asyncio.run(in_browser(exports, [full]))
    print(f"| 1 visitor: full-size Stable GIF of {full.name} | {pss:.0f} MB | {rss:.0f} MB | "
          f"{ONE_MB} MB | {seconds[0]:.0f} |")
    three = [full, other, SHARED if SHARED.exists() else full]
    seconds, (pss, rss) = asyncio.run(in_browser(exports, three))
    print(f"| 3 visitors exporting at once ({', '.join(c.name for c in three)}) | {pss:.0f} MB | "
          f"{rss:.0f} MB | {THREE_MB} MB | {', '.join(f'{s:.0f}' for s in seconds)} |")
    # Ten uploads one after another in one tab: each a new file (bytes after the last box
    # change the digest, so nothing is reused). The peak during each, first three against last.
    clips = []
    for i in range(10):
        path = folder / f"upload_{i}.mp4"
        path.write_bytes(full.read_bytes() + f"upload {i}".encode())
        clips.append(path)
    each, (pss, rss) = asyncio.run(in_browser(uploads, clips))
    print(f"| 10 uploads one after another in one tab | {pss:.0f} MB | {rss:.0f} MB | | |")
    print(f"\nPeak PSS during each of the ten uploads (MB): {', '.join(f'{p:.0f}' for p in each)}"
          f"; the first three at most {max(each[:3]):.0f}, the last three at most "
          f"{max(each[-3:]):.0f}.")


if __name__ == "__main__":
    with recorded("bench_app"):
        main()
