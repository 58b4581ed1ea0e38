"""End to end in Chromium: "Fit in 10 MB" on the shared 1280x688 clip, and a screenshot of it.

The screenshot is saved as ``docs/fit-size.png`` (the Export tab after the
download appeared), for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import core
from tests.app_server import (
    BROWSER_TEST,
    MAIN_UPLOADER,
    chromium,
    no_errors,
    open_page,
    serve,
    wait_idle,
)
from tests.conftest import ROOT, data_path

pytestmark = [*BROWSER_TEST, pytest.mark.slow]
SHOT = ROOT / "docs" / "fit-size.png"


def test_fit_in_10_mb_gives_a_download_that_fits_and_says_what_was_chosen(tmp_path):
    clip = data_path("clips", "made_zoom_then_still_1280x688.mp4")
    with serve(tmp_path / "server.log") as (url, _), chromium() as browser:
        page = open_page(browser, url, width=1400, height=1100)
        page.locator(MAIN_UPLOADER).first.set_input_files(str(clip))
        page.get_by_text("the export uses the whole part").wait_for(timeout=600_000)
        wait_idle(page, 600_000)
        no_errors(page)

        page.get_by_role("tab", name="Export").click()
        page.get_by_role("combobox", name="Fit in").click()
        page.get_by_role("option", name="10 MB").click()
        wait_idle(page)
        page.get_by_role("button", name="Full size: Stable, fit in 10 MB").click()
        download_button = page.get_by_role("button", name="GIF: Stable, k=")
        download_button.wait_for(timeout=900_000)
        wait_idle(page)
        no_errors(page)
        label = download_button.inner_text()
        with page.expect_download() as download:
            download_button.click()
        saved = Path(download.value.path())
        size = saved.stat().st_size
        assert size <= 10_000_000
        assert core.units.file_size(size) in label and "1280x688" in label
        back = core.load_media(saved)
        assert back.size == (1280, 688)
        caption = page.get_by_text("Chosen: k=").first
        caption.wait_for(timeout=30_000)
        assert "fit in 10 MB" in caption.inner_text()
        caption.scroll_into_view_if_needed()
        page.mouse.move(5, 5)  # no tooltip over the buttons
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOT), full_page=False)
