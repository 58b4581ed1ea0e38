"""End to end: the real app in a real browser (Debian's Chromium), with a real GIF uploaded.

Starts ``streamlit run`` headless on a free local port, uploads the seed GIF
through the file uploader, waits for the comparison, checks the flicker numbers
and the downloads, and saves ``docs/screenshot.png`` (shown in the README).
Also opens hostile and shared addresses, and draws a transfer's 3D views.
"""

from __future__ import annotations

import re
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import core
from tests.app_server import (
    BROWSER_TEST,
    MAIN_UPLOADER,
    ROOT,
    chromium,
    no_errors,
    open_page,
    wait_idle,
)
from tests.conftest import data_path, own_clip

SCREENSHOT = ROOT / "docs" / "screenshot.png"

pytestmark = BROWSER_TEST


@contextmanager
def app_page(url: str, width: int = 1500, height: int = 1500):
    """A Chromium page on the app, after its first run has finished."""
    with chromium() as browser:
        yield open_page(browser, url, width, height)


def k_slider(page):
    return page.get_by_role("slider", name="Number of colours (k)")


def test_upload_a_gif_and_compare(server):
    gif = data_path("harrypotter_original.gif")

    with app_page(server, 1500, 1500) as page:
        page.locator(MAIN_UPLOADER).first \
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
        # The 500 px GIF is drawn larger than itself: hard pixel edges, not the browser's blur.
        page.locator(".player[data-ready='1']").wait_for()
        rendering = page.evaluate("""() => {
          for (const host of document.querySelectorAll('*')) {
            const root = host.shadowRoot && host.shadowRoot.querySelector('.player');
            if (root) return [...root.querySelectorAll('canvas')].map(
              (c) => [c.clientWidth >= c.width, c.style.imageRendering]);
          }
          return [];
        }""")
        assert rendering and all(r == "pixelated" for larger, r in rendering if larger)
        page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for()
        page.wait_for_timeout(1000)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

        # The download of a quantized GIF.
        page.get_by_role("tab", name="Export").click()
        button = page.get_by_role("button", name="GIF: Seeded")
        button.wait_for()
        wait_idle(page)
        with page.expect_download() as download:
            button.click()
        path = download.value.path()
        assert Path(path).read_bytes()[:6] == b"GIF89a"
        assert download.value.suggested_filename.endswith("_seeded.gif")


def test_a_second_upload_while_the_first_is_processing_does_not_wedge_the_page(
    server, large_clip
):
    second = own_clip("pan_cut.mp4")  # 48 frames, 192x144

    with app_page(server, 1400, 1200) as page:
        uploader = page.locator(MAIN_UPLOADER).first
        # No other test uploads this clip, so it is really processed (not a cache hit).
        uploader.set_input_files(str(large_clip))
        # The 96-frame clip is still being quantized: a progress bar is up.
        page.locator("[data-testid='stProgress']").first.wait_for(timeout=60_000)
        uploader.set_input_files(str(second))
        page.get_by_text("48 frames, 192x144 pixels").wait_for(timeout=180_000)
        wait_idle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        assert page.locator("[data-testid='stAlertContentError']").count() == 0
        values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
        assert len(values) == 2 * len(core.MODES)


def test_a_hostile_address_opens_with_defaults_and_a_notice(server):
    script = "<script>window.hacked=1</script>"
    query = urllib.parse.urlencode({
        "k": "99999", "space": script, "seed": "9" * 300, "metric": "\"'><img src=x>",
        "palette": "ff0000,<b>", "sample": "cat",
    })
    with app_page(f"{server}/?{query}", 1400, 1200) as page:
        page.get_by_text("Part of the link could not be used").wait_for(timeout=60_000)
        wait_idle(page)
        no_errors(page)
        notice = page.locator("[data-testid='stAlertContentWarning']").inner_text()
        for name in ("k=99999", "space=", "seed=", "metric=", "palette="):
            assert name in notice
        assert "<script>" in notice  # shown as text, not run as markup
        assert page.evaluate("window.hacked") is None
        assert page.locator("[data-testid='stMain'] img[src='x']").count() == 0
        assert k_slider(page).input_value() == "8"
        assert page.get_by_role("radio", name="Lab (matches human vision)").is_checked()
        # The address keeps only what was used.
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query) == {"sample": ["cat"]}


def test_a_shared_link_opens_the_same_settings_in_a_fresh_page(server):
    # Each step waits for what it changes: under load the "not running" state can be
    # seen before a rerun starts, and an action then would interrupt that rerun.
    with app_page(f"{server}/?sample=cat", 1400, 1200) as page:
        page.get_by_text("8 colours", exact=True).first.wait_for(timeout=60_000)
        # The first run reads the address: let it finish before the first change.
        wait_idle(page)
        k_slider(page).focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.wait_for_url(re.compile(r"(?=.*k=11)(?=.*sample=cat)"), timeout=60_000)
        page.get_by_text("11 colours", exact=True).first.wait_for(timeout=60_000)
        page.get_by_role("radio", name="Oklab (newer perceptual space)").check(force=True)
        page.wait_for_url(re.compile(r"space=oklab"), timeout=60_000)
        wait_idle(page)
        page.get_by_role("tab", name="Palette").click()
        page.get_by_role("button", name=re.compile(r"^#[0-9a-f]{6}$")).first.click()
        page.wait_for_url(re.compile(r"palette="), timeout=60_000)
        wait_idle(page)
        shared = page.url
        no_errors(page)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(shared).query)
    assert query["k"] == ["11"] and query["space"] == ["oklab"] and query["sample"] == ["cat"]
    locked = query["palette"][0]
    with app_page(shared, 1400, 1200) as fresh:
        fresh.get_by_text("11 colours", exact=True).first.wait_for(timeout=60_000)
        no_errors(fresh)
        assert k_slider(fresh).input_value() == "11"
        assert fresh.get_by_role("radio", name="Oklab (newer perceptual space)").is_checked()
        assert fresh.get_by_text("Your colours (1 locked)").count() == 1
        fresh.get_by_role("tab", name="Palette").click()
        fresh.get_by_role("button", name=f"#{locked}", exact=True).wait_for()
        assert fresh.url == shared


def test_a_transfer_draws_its_3d_views(server):
    with app_page(f"{server}/?sample=cat", 1400, 2400) as page:
        page.get_by_text("8 colours", exact=True).first.wait_for(timeout=60_000)
        page.get_by_role("tab", name="Transfer").click()
        panel = page.get_by_role("tabpanel", name="Transfer")
        panel.get_by_text("Where the colours go").wait_for(timeout=180_000)
        wait_idle(page)
        no_errors(page)
        scenes = panel.locator("[data-testid='stPlotlyChart'] .gl-container canvas")
        scenes.nth(1).wait_for(timeout=60_000)
        assert scenes.count() >= 2
        for i in range(2):
            box = scenes.nth(i).bounding_box()
            assert box["width"] > 200 and box["height"] > 200
        legend = panel.inner_text()
        assert "where each colour goes" in legend and "by use" in legend
