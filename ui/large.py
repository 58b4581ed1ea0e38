"""The Large view tab: one result beside the original, big, with a zoom to see the pixels."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.units import file_size
from ui import preview
from ui.compare import short_label
from ui.compute import View, mode_settings
from ui.settings import Settings

#: Zoom choices: screen pixels per image pixel (1 is the whole picture, fitted).
ZOOMS = (1, 2, 4)


# A few frames only: a 1080p frame is 6 MB, and the page's memory budget is tight.
@st.cache_data(max_entries=4, show_spinner=False)
def result_frame(key: str, settings: Settings, mode: str, index: int, _file: bytes) -> np.ndarray:
    """Frame ``index`` of one mode's result, decoded from its file (not kept per frame).

    Keyed on the source, the mode's settings and the frame: the file's bytes
    follow from those, so they stay out of the key.
    """
    return preview.decode_frame(_file, index)


def show(view: View) -> None:
    """Draw the Large view tab."""
    runs, media = view.runs, view.source.media
    st.markdown(
        "One result beside the original, as large as the page allows. Zoom in to see the "
        "pixels themselves: each becomes a 2x2 or 4x4 block, enlarged without smoothing."
    )
    mode, zoom = _result_and_zoom(runs)
    index = 0
    if media.is_animated:
        index = st.slider(
            "Frame", 1, len(media.frames), 1, key=f"large_frame:{view.source.key}",
        ) - 1
    across, down = _where_to_look(zoom)
    run = runs[mode]
    settings = view.settings if mode == "still" else mode_settings(view.settings, mode)
    result = result_frame(view.source.key, settings, mode, index, run.file)
    original, box = preview.zoom_crop(media.frames[index], zoom, across, down)
    reduced, _ = preview.zoom_crop(result, zoom, across, down)
    width = None if zoom == 1 else reduced.shape[1]
    left, right = st.columns(2)
    left.markdown("**Original**")
    left.image(original, output_format="PNG", width=width or "stretch")
    name = f"{view.settings.k} colours" if mode == "still" else short_label(mode)
    right.markdown(f"**{name}**")
    right.image(reduced, output_format="PNG", width=width or "stretch")
    h, w = media.frames[index].shape[:2]
    where = (
        f"pixels {box[0] + 1}–{box[0] + box[2]} across and {box[1] + 1}–{box[1] + box[3]} down "
        f"of {w}x{h}, each drawn {zoom}x{zoom}" if zoom > 1 else f"the whole picture ({w}x{h})"
    )
    frame = f"frame {index + 1} of {len(media.frames)}, " if media.is_animated else ""
    kind = "GIF" if media.is_animated else "PNG"
    st.caption(f"Showing {frame}{where}. The {kind} file of this result is "
               f"{file_size(len(run.file))}.")


def _result_and_zoom(runs: dict) -> tuple[str, int]:
    # Which result to show (a still has only one) and how many screen pixels per pixel.
    top = st.columns([3, 2])
    if "still" in runs:
        mode = "still"
    else:
        mode = top[0].segmented_control(
            "Result", list(runs), key="large_mode", format_func=short_label, required=True,
            default="stable" if "stable" in runs else next(iter(runs)),
        )
    zoom = top[1].segmented_control(
        "Zoom", ZOOMS, key="large_zoom", required=True, default=1,
        format_func=lambda z: "Whole picture" if z == 1 else f"{z}x",
        help="2x and 4x show a part of the picture, each pixel as a block of 2x2 or 4x4.",
    )
    return mode, zoom


def _where_to_look(zoom: int) -> tuple[float, float]:
    # Zoomed in, the part shown: its centre as fractions across and down (the middle unzoomed).
    if zoom <= 1:
        return 0.5, 0.5
    left, right = st.columns(2)
    across = left.slider("Look across (left → right)", 0, 100, 50, key="large_across",
                         format="%d%%") / 100
    down = right.slider("Look down (top → bottom)", 0, 100, 50, key="large_down",
                        format="%d%%") / 100
    return across, down
