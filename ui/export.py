"""The Export tab: the reduced GIF (of a size that fits, if asked), an MP4, the recoloured
picture, and the palette in every format.

A full-size GIF can be made to fit in a size ("Fit in 10 MB"): core chooses
the colours, the hold, and if need be the frame rate and width, and the
download's label and caption say what it chose. The MP4 is made full size
from the clip, with its sound.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath

import numpy as np
import streamlit as st

import core
from core.palette import EXPORTS, Palette, parse_color
from core.units import file_size
from ui import palette as palette_tab
from ui import recolor
from ui.compare import short_label
from ui.compute import Source, View, default_mode, export_key, full_export, mode_settings, mp4_file
from ui.labels import mode_label

#: Where the visitor's full-size exports are kept (newest last), and how many.
EXPORTS_KEY = "full_exports"
MAX_EXPORTS = 2
#: The "Fit in" choices: label -> bytes (None: no limit; OTHER: a size typed in, MB).
OTHER = "Other size…"
FIT_CHOICES = {"No limit": None, "2 MB": 2_000_000, "5 MB": 5_000_000, "10 MB": 10_000_000,
               "25 MB": 25_000_000, OTHER: None}
#: Where sites draw the line, for the help text.
FIT_HELP = ("GitHub, Discord and Slack refuse GIFs over 10 MB; many forums 2-5 MB. The colours, "
            "how much stays still, and only if need be the frame rate and then the width are "
            "chosen so the GIF fits (1 MB = 1,000,000 bytes).")
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
        limit = fit_choice()
        if view.source.preview_is_smaller:
            w, h = view.source.full_size
            st.caption(
                f"The page compares on a {view.source.media.size[0]}x{view.source.media.size[1]} "
                f"preview. Full-size GIFs ({w}x{h}, all {_frames(view)} frames of the part) "
                "are made here on request, one mode at a time, frame by frame."
            )
        columns = st.columns(len(view.runs))
        made = {}
        for column, mode in zip(columns, view.runs):
            with column:
                made[mode] = show_gif(view, mode, base, limit)
        # The full-size downloads go below the row, as wide as the page: their
        # labels say what a size target chose, too long for a quarter of it.
        for mode, export in made.items():
            if export is not None:
                show_made(export, short_label(mode), f"{base}_{mode}_full.gif",
                          f"download_full_{mode}")
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


def fit_choice() -> int | None:
    """The size the full-size GIFs must fit in, in bytes (None: no limit), as chosen."""
    left, right = st.columns([2, 3])
    label = left.selectbox("Fit in", list(FIT_CHOICES), key="fit_in", help=FIT_HELP)
    if label != OTHER:
        return FIT_CHOICES[label]
    megabytes = right.number_input("Size in MB", min_value=0.01, max_value=500.0, value=8.0,
                                   step=0.5, key="fit_in_mb")
    return int(megabytes * 1_000_000)


def show_gif(view: View, mode: str, base: str, limit: int | None = None):
    """One mode's GIF: the preview's own when it is full size, else made full size on request.

    With a size ``limit`` it is always made by :func:`core.convert`, which
    chooses the settings that fit. Returns the full-size export once made
    (for :func:`show_made`), else None.
    """
    run, name = view.runs[mode], short_label(mode)
    if not view.source.preview_is_smaller and limit is None:
        st.download_button(
            f"GIF: {name}", run.file, f"{base}_{mode}.gif", "image/gif",
            on_click="ignore", key=f"download_gif_{mode}", icon=":material/download:",
            help=mode_label(mode),
        )
        st.caption(f"GIF, {_dims(view.source.media.size)}, {file_size(len(run.file))}")
        return None
    if limit is not None and mode == "global":
        st.caption(f"{name}: a size target chooses colours frame by frame, so it does not "
                   "apply to one palette for all frames.")
        return None
    source = with_file(view.source)
    key = export_key(source, view.settings, mode, limit)
    made = st.session_state.get(EXPORTS_KEY, {}).get(key)
    if made is None:
        w, h = source.full_size
        fit = "" if limit is None else f", fit in {file_size(limit)}"
        if st.button(f"Full size: {name}{fit}", key=f"full_{mode}",
                     help=f"Make the full-size {name} GIF ({w}x{h}, "
                     f"{_frames(view)} frames{fit}), frame by frame."):
            made = _made(source, view, mode, limit)
    if made is not None:
        st.caption("Made at full size: the download is below.")
    st.download_button(
        f"Preview GIF ({file_size(len(run.file))})", run.file, f"{base}_{mode}_preview.gif",
        "image/gif", on_click="ignore", key=f"download_gif_{mode}", type="tertiary",
    )
    return made


def _made(source: Source, view: View, mode: str, limit: int | None, fmt: str = "gif"):
    # A full-size export made now and kept in the session (the newest few only:
    # each can be tens of MB, per visitor); None when the file cannot be read.
    try:
        made = full_export(source, view.settings, mode, limit, fmt)
    except core.MediaError as exc:
        st.error(f"The full-size {fmt.upper()} could not be made: {exc}")
        return None
    kept = dict(list(st.session_state.get(EXPORTS_KEY, {}).items())[-(MAX_EXPORTS - 1):])
    kept[made.key] = made
    st.session_state[EXPORTS_KEY] = kept
    return made


def show_made(made, name: str, filename: str, key: str) -> None:
    """The download of a full-size GIF, labelled with what it is and, for a size target, why."""
    report, fit = made.report, made.report.fit
    if fit is None:
        label = f"GIF: {name}, full size"
    elif fit.fits:
        label = f"GIF: {name}, {fit.summary}"
    else:
        label = f"GIF: {name}, smallest reached: {file_size(fit.bytes)}"
        st.error(f"Nothing fits in {file_size(fit.max_bytes)}: {fit.reason}. The smallest file "
                 "reached is offered; choose a shorter part or a larger size.")
    st.download_button(label, made.data, filename, "image/gif", key=key,
                       on_click="ignore", icon=":material/download:", help=mode_label(made.key[2]))
    st.caption(
        f"{file_size(report.bytes)}, {_dims((report.width, report.height))}, "
        f"{report.frames} frames, flicker {report.flicker:.2f}, ΔE {report.mean_delta_e:.1f}"
    )
    if fit is not None:
        st.caption(f"Chosen: {fit.summary} ({fit.reason}).")
    for note in report.notes:
        st.caption(note)


def with_file(source: Source) -> Source:
    """``source`` with a file to convert: the upload, or a sample written as a lossless APNG."""
    if source.data is not None:
        return source
    return replace(source, data=_sample_file(source.key, source.media))


@st.cache_data(max_entries=2, show_spinner=False)
def _sample_file(key: str, _media: core.Media) -> bytes:
    # A bundled sample is made in memory, as an animated PNG (lossless).
    return core.to_bytes(core.save_apng, _media.frames, durations=_media.durations,
                         loop=_media.loop, alphas=_media.alphas)


def _frames(view: View) -> int:
    # Frames of a full-size export: the whole part's, not the preview's.
    plan = view.source.plan
    return plan.frames if plan is not None else len(view.source.media.frames)


def _dims(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def show_mp4(view: View, base: str) -> None:
    """An MP4 of one mode (Stable first): full size with the clip's sound, made when asked for."""
    left, right = st.columns([2, 3])
    modes = list(view.runs)
    mode = left.selectbox(
        "MP4 video of", modes, index=modes.index(default_mode(modes)),
        format_func=short_label, key="mp4_mode",
        help="A GIF keeps the palette exactly; an MP4 is smaller for long clips, plays "
        "everywhere and keeps the clip's sound, but video compression blurs the colours slightly.",
    )
    if view.source.data is None:  # a sample: its preview is full size
        if right.toggle("Make an MP4", key="make_mp4"):
            settings = mode_settings(view.settings, mode)
            data = mp4_file(view.source.key, settings, mode, view.runs[mode].file)
            right.download_button(
                f"MP4: {short_label(mode)}", data, f"{base}_{mode}.mp4", "video/mp4",
                on_click="ignore", key="download_mp4", icon=":material/movie:",
            )
            right.caption(f"MP4, {file_size(len(data))}")
        return
    size = _dims(view.source.full_size)
    made = st.session_state.get(EXPORTS_KEY, {}).get(
        export_key(view.source, view.settings, mode, None, "mp4"))
    if made is None and right.button(
        f"Make the MP4: {short_label(mode)}, {size}", key="full_mp4",
        help="The whole clip at full size, in the chosen mode, with its sound.",
    ):
        with right:
            made = _made(view.source, view, mode, None, "mp4")
    if made is not None:
        right.download_button(
            f"MP4: {short_label(mode)}, {size}", made.data, f"{base}_{mode}.mp4", "video/mp4",
            on_click="ignore", key="download_mp4", icon=":material/movie:",
        )
        right.caption(f"MP4, {file_size(made.report.bytes)}, {made.report.frames} frames"
                      + "".join(f"; {note}" for note in made.report.notes))
