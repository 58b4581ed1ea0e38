"""In Chromium, a 1280x720 clip of full-frame motion: the comparison plays a window of the part
at 640x360 in step in every column, the part's rate reaches it, and a transfer takes one step.

The clip is made here from :mod:`bench.make_clip`'s scene: 1.5 s of camera motion, then 1.5 s
held still, so the stable mode's GIF stores the still frames once and the player must map
frames to GIF frames to stay in step. The screenshot of Compare is ``docs/compare-720p.png``.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

import core
from bench.make_clip import frame, montage
from tests.app_server import (
    BROWSER_TEST,
    MAIN_UPLOADER,
    ROOT,
    chromium,
    no_errors,
    open_page,
    serve,
    wait_idle,
)

SCREENSHOT = ROOT / "docs" / "compare-720p.png"

pytestmark = BROWSER_TEST

#: Every panel of the player: its title, the frame it shows and its pixels (as PNG, base64).
PANELS = """() => {
  for (const host of document.querySelectorAll('*')) {
    const root = host.shadowRoot && host.shadowRoot.querySelector('.player');
    if (!root) continue;
    return [...root.querySelectorAll('canvas')].map((c) => ({
      title: c.dataset.title, frame: c.dataset.frame, width: c.width, height: c.height,
      png: c.toDataURL('image/png').split(',')[1]}));
  }
  return [];
}"""
#: The frame each canvas shows, read in one go (between two ticks of the player's clock).
FRAMES = """() => {
  for (const host of document.querySelectorAll('*')) {
    const root = host.shadowRoot && host.shadowRoot.querySelector('.player');
    if (root) return [...root.querySelectorAll('canvas')].map((c) => c.dataset.frame);
  }
  return [];
}"""
#: Each result's GIF as the player fetched it (base64), by panel title.
GIFS = """async () => {
  const out = {};
  for (const host of document.querySelectorAll('*')) {
    const root = host.shadowRoot && host.shadowRoot.querySelector('.player');
    if (!root) continue;
    for (const img of root.__urls || []) {
      const r = await fetch(img.url);
      const b = new Uint8Array(await r.arrayBuffer());
      let s = ''; for (const x of b) s += String.fromCharCode(x);
      out[img.title] = {gif: btoa(s), frames: img.frames};
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """3 s at 20 fps, 1280x720: the camera moves for 1.5 s, then holds still."""
    scene = montage()
    frames = [frame(scene, min(i, 30) / 120) for i in range(60)]
    path = tmp_path_factory.mktemp("clips") / "phone_3s_1280x720.mp4"
    core.save_mp4(frames, path, fps=20)
    return path


@pytest.fixture(scope="module")
def page(clip, tmp_path_factory):
    """The app in Chromium at 1400x900 with the clip uploaded and every mode shown."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with serve(log) as (url, _), chromium() as browser:
        page = open_page(browser, url, 1400, 900)
        page.locator(MAIN_UPLOADER).first.set_input_files(str(clip))
        page.get_by_text("Using phone_3s_1280x720.mp4").wait_for(timeout=120_000)
        wait_ready(page)
        yield page


def wait_ready(page) -> None:
    wait_idle(page, 300_000)
    page.locator(".player[data-ready='1']").wait_for(timeout=300_000)
    no_errors(page)


def _pause_at(page, frame: int) -> None:
    slider = page.get_by_role("slider", name="Frame shown in every column")
    slider.fill(str(frame))  # an input event: the player pauses there


def test_the_comparison_plays_640x360_and_says_so(page):
    sentence = page.locator("[data-testid='stAlertContentInfo']").filter(
        has_text="The comparison plays").inner_text()
    assert "at 640x360" in sentence and "at 1280x720" in sentence
    panels = page.evaluate(PANELS)
    assert len(panels) == 5 and {(p["width"], p["height"]) for p in panels} == {(640, 360)}


def test_every_column_shows_the_same_frame_while_playing_and_paused(page):
    for _ in range(12):  # while it plays, sampled at once
        frames = page.evaluate(FRAMES)
        assert len(frames) == 5 and len(set(frames)) == 1, frames
        page.wait_for_timeout(130)
    gifs = page.evaluate(GIFS)
    assert len(gifs) == 4
    # The still frames are stored once in some GIF: its frames are fewer than the clip's.
    assert any(len(set(g["frames"])) < len(g["frames"]) for g in gifs.values())
    for n in (17, 40):
        _pause_at(page, n)
        panels = page.evaluate(PANELS)
        assert {p["frame"] for p in panels} == {str(n)}
        # Each result's canvas is exactly the GIF frame that shows frame n, as Pillow decodes it.
        for panel in panels[1:]:
            gif = gifs[panel["title"]]
            with Image.open(io.BytesIO(base64.b64decode(gif["gif"]))) as im:
                im.seek(gif["frames"][n - 1])
                expected = np.asarray(im.convert("RGB"))
            shown = Image.open(io.BytesIO(base64.b64decode(panel["png"]))).convert("RGB")
            np.testing.assert_array_equal(np.asarray(shown), expected, err_msg=panel["title"])
    _pause_at(page, 17)
    # The screenshot: the sentence, the controls and all five columns on frame 17.
    page.set_viewport_size({"width": 1400, "height": 1560})
    page.get_by_role("tablist").evaluate("(e) => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    page.set_viewport_size({"width": 1400, "height": 900})


def test_a_lower_frame_rate_reaches_the_comparison(page):
    page.get_by_role("tab", name="Compare").click()
    page.get_by_role("combobox", name="Frames per second").click()
    page.get_by_role("option", name="10 fps").click()
    page.get_by_text("(all the part's 30 frames)").wait_for(timeout=300_000)
    wait_ready(page)
    assert page.evaluate(FRAMES) and len(page.evaluate(PANELS)) == 5
    _pause_at(page, 30)
    assert set(page.evaluate(FRAMES)) == {"30"}


def test_choosing_the_other_image_shows_the_transfer_without_scrolling(page):
    page.get_by_role("tab", name="Transfer").click()
    tabs = page.get_by_role("tablist")
    tabs.scroll_into_view_if_needed()
    tabs.evaluate("(e) => e.scrollIntoView({block: 'start'})")
    panel = page.get_by_role("tabpanel", name="Transfer")
    panel.get_by_role("combobox", name="Take the colours of…").click()
    page.get_by_role("option", name="Still: a cup of coffee (scikit-image)").click()
    result = panel.get_by_text("Result:", exact=False)
    result.wait_for(timeout=300_000)
    wait_idle(page)
    no_errors(page)
    image = panel.locator("[data-testid='stImage'] img").nth(2)
    box = image.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 900, box
    download = panel.get_by_role("button", name="Download the result")
    assert download.bounding_box()["y"] + 30 <= 900
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.endswith("_in_colours_of_a_cup_of_coffee.gif")
