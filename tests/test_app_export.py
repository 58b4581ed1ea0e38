"""The page with a real clip larger than its preview: compare on the preview, export full size."""

from __future__ import annotations

import pytest

import core
from tests.test_app import open_tab, start, texts


@pytest.fixture(scope="module")
def clip_page(large_clip):
    """The page after uploading a 640x480 clip of 96 frames (its preview is smaller)."""
    at = start()
    data = large_clip.read_bytes()
    at.file_uploader(key="upload").set_value(("large.mp4", data, "video/mp4")).run()
    assert not at.exception and not at.error
    return at


@pytest.mark.slow
def test_the_page_says_the_comparison_plays_a_window_of_the_part(clip_page):
    infos = " ".join(i.value for i in clip_page.info)
    assert "The comparison plays seconds 0–" in infos and "at 640x480 (" in infos
    assert "the export uses the whole part, seconds 0–3.8, at 640x480" in infos
    assert len(open_tab(clip_page, "Export").get("download_button")) >= len(core.MODES)


@pytest.mark.slow
def test_export_makes_the_full_size_gif_on_request(clip_page):
    at = open_tab(clip_page, "Export")
    full = at.button(key="full_stable")
    assert full.label == "Full size: Stable" and "(640x480, 9" in full.help
    full.click().run()
    assert not at.exception and not at.error
    labels = [b.proto.label for b in at.get("download_button")]
    assert "GIF: Stable, full size" in labels
    assert "640x480, 96 frames" in texts(at)
    # The other modes still offer their button; nothing was made for them.
    assert at.button(key="full_seeded").label == "Full size: Seeded"
