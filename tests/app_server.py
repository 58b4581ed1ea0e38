"""The real app in a real browser: start ``streamlit run`` on a free port, open Chromium on it.

Shared by the browser tests (``tests/test_e2e.py``) and the app benchmark
(``bench/bench_app.py``). Debian's Chromium is driven through Playwright's own
API; Playwright's browser download does not work on these machines.
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

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
#: The marks of a test that drives the page in Chromium (skipped where it is absent).
BROWSER_TEST = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is absent"),
]
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: The page when no script run is going on.
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
#: The page's own uploader (the sidebar holds another one, for palette files).
MAIN_UPLOADER = '[data-testid="stMain"] [data-testid="stFileUploader"] input[type="file"]'


def free_port() -> int:
    """A TCP port on the loopback address that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(log: Path, timeout: float = 60.0):
    """Run the app headless on a free local port; yield ``(url, process)``.

    The server's output goes to ``log``. Raises ``RuntimeError`` with the log
    when it does not answer its health check within ``timeout`` seconds.
    """
    port = free_port()
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
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def wait_idle(page, timeout_ms: int = 180_000) -> None:
    """Wait until the page's current script run has finished."""
    page.wait_for_timeout(500)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


def no_errors(page) -> None:
    """Assert the page shows no exception and no error message."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def open_page(browser, url: str, width: int = 1500, height: int = 1500):
    """A new page of ``browser`` on the app, after its first run has finished."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    wait_idle(page)
    return page


@contextmanager
def chromium():
    """Debian's Chromium, headless, with the flags this sandbox needs; closed on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()
