"""The Export tab: the reduced GIF or PNG, and the palette in every format core writes."""

from __future__ import annotations

from pathlib import PurePath

import streamlit as st

from core.palette import EXPORTS
from ui import palette as palette_tab
from ui.compare import short_label
from ui.compute import View, mode_settings, mp4_file
from ui.labels import file_size, mode_label

#: What each palette format is for, in a few words.
FORMAT_NOTES = {
    "hex": "hex codes, one a line",
    "json": "JSON with shares",
    "css": "CSS custom properties",
    "gpl": "GIMP / Inkscape / Krita palette",
    "png": "swatch strip image",
}


def stem(view: View) -> str:
    """A file-name stem from the source's name and k."""
    sample = view.source.key.startswith("sample:")
    name = "sample" if sample else PurePath(view.source.name).stem
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:40] or "image"
    return f"{safe}_k{view.settings.k}"


def show(view: View) -> None:
    """Draw the Export tab."""
    base = stem(view)
    st.markdown("##### The result")
    if "still" in view.runs:
        data = view.runs["still"].file
        st.download_button(
            "Download the PNG", data, f"{base}.png", "image/png",
            key="download_png", icon=":material/download:",
        )
        st.caption(f"PNG, {file_size(len(data))}")
    else:
        columns = st.columns(len(view.runs))
        for column, (mode, run) in zip(columns, view.runs.items()):
            column.download_button(
                f"GIF: {short_label(mode)}", run.file, f"{base}_{mode}.gif", "image/gif",
                key=f"download_gif_{mode}", icon=":material/download:",
                help=mode_label(mode),
            )
            column.caption(f"GIF, {file_size(len(run.file))}")
        show_mp4(view, base)
    what, palette = palette_tab.selected(view)
    st.markdown("##### The palette")
    st.caption(f"The palette of {what} (pick another in the Palette tab), largest share first.")
    columns = st.columns(len(EXPORTS))
    for column, (name, (write, extension, mime)) in zip(columns, EXPORTS.items()):
        data = write(palette)
        column.download_button(
            f".{extension}", data, f"{base}_palette.{extension}", mime,
            key=f"download_palette_{name}", icon=":material/palette:",
            help=FORMAT_NOTES.get(name, name),
        )
        size = len(data.encode() if isinstance(data, str) else data)
        column.caption(f"{FORMAT_NOTES.get(name, name)}, {file_size(size)}")


def show_mp4(view: View, base: str) -> None:
    """An MP4 of one mode, made only when asked for (encoding takes a few seconds)."""
    left, right = st.columns([2, 3])
    mode = left.selectbox(
        "MP4 video of", list(view.runs), format_func=short_label, key="mp4_mode",
        help="A GIF keeps the palette exactly; an MP4 is smaller for long clips and plays "
        "everywhere, but video compression blurs the colours slightly.",
    )
    if right.toggle("Make an MP4", key="make_mp4"):
        settings = mode_settings(view.settings, mode)
        data = mp4_file(view.source.key, settings, mode, view.runs[mode].file)
        right.download_button(
            f"MP4: {short_label(mode)}", data, f"{base}_{mode}.mp4", "video/mp4",
            key="download_mp4", icon=":material/movie:",
        )
        right.caption(f"MP4, {file_size(len(data))}")

