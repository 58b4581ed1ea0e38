"""End to end in Chromium: a real clip larger than the preview, exported at full size."""

from __future__ import annotations

from pathlib import Path

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

pytestmark = BROWSER_TEST


def test_a_clip_is_compared_on_a_preview_and_exported_full_size(tmp_path, large_clip):
    clip = large_clip
    with serve(tmp_path / "server.log") as (url, _), chromium() as browser:
        page = open_page(browser, url)
        page.locator(MAIN_UPLOADER).first.set_input_files(str(clip))
        page.get_by_text("the export uses the whole part, seconds 0–3.8, at 640x480") \
            .wait_for(timeout=240_000)
        wait_idle(page, 240_000)
        no_errors(page)

        page.get_by_role("tab", name="Export").click()
        page.get_by_role("button", name="Full size: Stable").click()
        download_button = page.get_by_role("button", name="GIF: Stable, full size")
        download_button.wait_for(timeout=240_000)
        # The button shows before the run that made it has finished drawing the tab.
        wait_idle(page, 240_000)
        with page.expect_download() as download:
            download_button.click()
        saved = Path(download.value.path())
        back = core.load_media(saved)
        assert back.size == (640, 480) and len(back.frames) == 96  # the whole part
        assert download.value.suggested_filename.endswith("_stable_full.gif")
        # The caption under the download names what was made (a rerun can leave a
        # stale copy in the page for a moment, so wait for one rather than count).
        page.get_by_text("640x480, 96 frames, flicker").first.wait_for(timeout=30_000)
