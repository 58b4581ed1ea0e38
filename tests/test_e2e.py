"""End to end: the real app in a real browser (Debian's Chromium), with a real GIF uploaded.

Starts ``streamlit run`` headless on a free local port, uploads the seed GIF
through the file uploader, waits for the comparison, checks the flicker numbers
and the downloads, and saves ``docs/screenshot.png`` (shown in the README).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

import core
from tests.conftest import data_path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = ROOT / "docs" / "screenshot.png"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is absent"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """URL of the app served by ``streamlit run`` for this module's tests."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextmanager
def app_page(url: str, width: int = 1500, height: int = 1500):
    """A Chromium page on the app, after its first run has finished."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            wait_idle(page)
            yield page
        finally:
            browser.close()


def wait_idle(page, timeout_ms: int = 180_000) -> None:
    page.wait_for_timeout(500)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def test_upload_a_gif_and_compare(server):
    gif = data_path("harrypotter_original.gif")

    with app_page(server, 1500, 1500) as page:
        page.locator('[data-testid="stFileUploader"] input[type="file"]').first \
            .set_input_files(str(gif))
        page.get_by_text("500x218 pixels").wait_for(timeout=180_000)
        wait_idle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stAlertContentError']").count() == 0

        # The flicker numbers, in words and per mode.
        body = page.locator("[data-testid='stMain']").inner_text()
        assert "70 frames" in body
        assert "flickers" in body and "x less than independent" in body
        values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
        assert len(values) == 2 * len(core.MODES)  # flicker and colour error per mode
        assert all(float(v) >= 0 for v in values)
        page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
        page.wait_for_timeout(1000)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

        # The download of a quantized GIF.
        page.get_by_role("tab", name="Export").click()
        button = page.get_by_role("button", name="GIF: Seeded")
        button.wait_for()
        with page.expect_download() as download:
            button.click()
        path = download.value.path()
        assert Path(path).read_bytes()[:6] == b"GIF89a"
        assert download.value.suggested_filename.endswith("_seeded.gif")


def test_a_second_upload_while_the_first_is_processing_does_not_wedge_the_page(server):
    first = data_path("harrypotter_original.gif")
    second = data_path("pillow-gifs", "iss634.gif")  # 42 frames, 245x245

    with app_page(server, 1400, 1200) as page:
        uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
        # Bytes after the GIF trailer are ignored by decoders but change the
        # cache key, so this upload is really processed (not a cache hit).
        fresh = first.read_bytes() + b"not cached yet"
        uploader.set_input_files(
            {"name": "first.gif", "mimeType": "image/gif", "buffer": fresh}
        )
        # The 70-frame GIF is still being quantized: a progress bar is up.
        page.locator("[data-testid='stProgress']").first.wait_for(timeout=60_000)
        uploader.set_input_files(str(second))
        page.get_by_text("42 frames, 245x245 pixels").wait_for(timeout=180_000)
        wait_idle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stAlertContentError']").count() == 0
        values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
        assert len(values) == 2 * len(core.MODES)
