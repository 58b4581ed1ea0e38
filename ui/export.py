"""The Export tab: the reduced GIF or PNG, the recoloured picture, the palette in every format."""

from __future__ import annotations

from pathlib import PurePath

import numpy as np
import streamlit as st

import core
from core.palette import EXPORTS, Palette, parse_color
from core.units import file_size
from ui import palette as palette_tab
from ui import recolor
from ui.compare import short_label
from ui.compute import View, default_mode, export_key, full_export, mode_settings, mp4_file
from ui.labels import mode_label

#: Where the visitor's full-size exports are kept (newest last), and how many.
EXPORTS_KEY = "full_exports"
MAX_EXPORTS = 2
#: What each palette format is for, in a few words.
FORMAT_NOTES = {
    "hex": "hex codes, one a line",
    "json": "JSON with shares",
    "css": "CSS custom properties",
    "gpl": "GIMP / Inkscape / Krita palette",
    "ase": "Adobe Swatch Exchange (Illustrator, Photoshop, InDesign)",
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
            on_click="ignore", key="download_png", icon=":material/download:",
        )
        st.caption(f"PNG, {file_size(len(data))}")
    else:
        if view.source.preview_is_smaller:
            w, h = view.source.full_size
            st.caption(
                f"The page compares on a {view.source.media.size[0]}x{view.source.media.size[1]} "
                f"preview. Full-size GIFs ({w}x{h}, all {_frames(view)} frames of the part) "
                "are made here on request, one mode at a time, frame by frame."
            )
        columns = st.columns(len(view.runs))
        for column, mode in zip(columns, view.runs):
            with column:
                show_gif(view, mode, base)
        show_mp4(view, base)
    recolor.downloads(view, base)
    what, palette = _palette(view)
    st.markdown("##### The palette")
    st.caption(f"The palette of {what}, largest share first.")
    columns = st.columns(len(EXPORTS))
    for column, (name, (write, extension, mime)) in zip(columns, EXPORTS.items()):
        data = write(palette)
        column.download_button(
            f".{extension}", data, f"{base}_palette.{extension}", mime,
            on_click="ignore", key=f"download_palette_{name}", icon=":material/palette:",
            help=FORMAT_NOTES.get(name, name),
        )
        size = len(data.encode() if isinstance(data, str) else data)
        column.caption(f"{FORMAT_NOTES.get(name, name)}, {file_size(size)}")


def _palette(view: View) -> tuple[str, Palette]:
    # The palette as edited in the Palette tab when a swatch was changed there.
    source = recolor.source_palette(view)
    old, new = recolor.edited(source)
    if old != new:
        p = source.by_share()
        colors = np.array([parse_color(h) for h in new], dtype=np.uint8)
        return "the picture as recoloured in the Palette tab", Palette(colors, p.shares)
    what, palette = palette_tab.selected(view)
    return f"{what} (pick another in the Palette tab)", palette


def show_gif(view: View, mode: str, base: str) -> None:
    """One mode's GIF: the preview's own when it is full size, else made full size on request."""
    run, name = view.runs[mode], short_label(mode)
    if not view.source.preview_is_smaller:
        st.download_button(
            f"GIF: {name}", run.file, f"{base}_{mode}.gif", "image/gif",
            on_click="ignore", key=f"download_gif_{mode}", icon=":material/download:",
            help=mode_label(mode),
        )
        st.caption(f"GIF, {_dims(view.source.media.size)}, {file_size(len(run.file))}")
        return
    key = export_key(view.source, view.settings, mode)
    made = st.session_state.get(EXPORTS_KEY, {}).get(key)
    if made is None:
        w, h = view.source.full_size
        if st.button(f"Full size: {name}", key=f"full_{mode}",
                     help=f"Make the full-size {name} GIF ({w}x{h}, "
                     f"{_frames(view)} frames), frame by frame."):
            try:
                made = full_export(view.source, view.settings, mode)
            except core.MediaError as exc:
                st.error(f"The full-size GIF could not be made: {exc}")
                return
            # Keep only the newest few: each can be tens of MB, per visitor.
            kept = dict(list(st.session_state.get(EXPORTS_KEY, {}).items())[-(MAX_EXPORTS - 1):])
            kept[key] = made
            st.session_state[EXPORTS_KEY] = kept
    if made is not None:
        report = made.report
        st.download_button(
            f"GIF: {name}, full size", made.data, f"{base}_{mode}_full.gif", "image/gif",
            on_click="ignore", key=f"download_full_{mode}", icon=":material/download:",
            help=mode_label(mode),
        )
        st.caption(
            f"{file_size(report.bytes)}, {_dims((report.width, report.height))}, "
            f"{report.frames} frames, flicker {report.flicker:.2f}, ΔE {report.mean_delta_e:.1f}"
        )
        for note in report.notes:
            st.caption(note)
    st.download_button(
        f"Preview GIF ({file_size(len(run.file))})", run.file, f"{base}_{mode}_preview.gif",
        "image/gif", on_click="ignore", key=f"download_gif_{mode}", type="tertiary",
    )


def _frames(view: View) -> int:
    # Frames of a full-size export: the whole part's, not the preview's.
    plan = view.source.plan
    return plan.frames if plan is not None else len(view.source.media.frames)


def _dims(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def show_mp4(view: View, base: str) -> None:
    """An MP4 of one mode, made only when asked for (encoding takes a few seconds)."""
    left, right = st.columns([2, 3])
    modes = list(view.runs)
    mode = left.selectbox(
        "MP4 video of", modes, index=modes.index(default_mode(modes)),
        format_func=short_label, key="mp4_mode",
        help="A GIF keeps the palette exactly; an MP4 is smaller for long clips and plays "
        "everywhere, but video compression blurs the colours slightly.",
    )
    if right.toggle("Make an MP4", key="make_mp4"):
        settings = mode_settings(view.settings, mode)
        data = mp4_file(view.source.key, settings, mode, view.runs[mode].file)
        right.download_button(
            f"MP4: {short_label(mode)}", data, f"{base}_{mode}.mp4", "video/mp4",
            on_click="ignore", key="download_mp4", icon=":material/movie:",
        )
        right.caption(f"MP4, {file_size(len(data))}")

