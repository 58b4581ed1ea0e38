"""Recolouring in the page: a colour picker per swatch, and the full-colour picture follows.

The palette edited is the source's own: a still's palette, or an animation's
global palette (one palette for every frame, so one mapping recolours them
all). The edits live in ``st.session_state[KEY]`` as ``{old hex: new hex}``
for the swatches that changed, and change only through widget callbacks,
which Streamlit runs before the script: the page's address
(:mod:`ui.address`) is written from them on the same run. The recolouring
itself is :func:`core.recolor_map`; here it is only cached and shown.
"""

from __future__ import annotations

import io

import numpy as np
import streamlit as st
from PIL import Image

import core
from core.palette import Palette
from ui import preview
from ui.compute import View, original_gif

#: Session-state key of the edits: ``{"#old": "#new"}``.
KEY = "recolor"
#: Colour pickers' keys start with this, then the swatch's original colour.
PICK = "recolor_pick:"
#: Colour pickers per row.
PER_ROW = 8
#: The animation mode whose palette is edited: one palette for every frame.
GLOBAL_MODE = "global"


def current() -> dict[str, str]:
    """The edits, ``{"#old": "#new"}``, for every swatch changed so far (maybe not all shown)."""
    return dict(st.session_state.get(KEY, {}))


def source_palette(view: View) -> Palette:
    """The palette that is edited: the still's, or the animation's global one (shares pooled)."""
    runs = view.runs
    if "still" in runs:
        return runs["still"].palettes[0]
    run = runs.get(GLOBAL_MODE) or next(iter(runs.values()))
    shares = np.mean([p.shares for p in run.palettes], axis=0)
    return Palette(run.palettes[0].colors, shares / shares.sum())


def edited(palette: Palette) -> tuple[list[str], list[str]]:
    """The palette's colours (largest share first) and what each becomes under the edits."""
    old = palette.by_share().hex
    edits = current()
    return old, [edits.get(h, h) for h in old]


@st.cache_resource(max_entries=4, show_spinner="Building the recolouring…")
def mapping(key: str, old: tuple[str, ...], new: tuple[str, ...],
            _media: core.Media) -> core.RecolorMap:
    """The recolouring of the source, built once for the page, the GIF and the MP4.

    For an animation :func:`core.recolor_map` measures which fade flickers
    less on its frames; the map's ``options.fade`` says which it kept.
    """
    frames = _media.frames if _media.is_animated else None
    return core.recolor_map(list(old), list(new), frames=frames)


@st.cache_data(max_entries=4, show_spinner="Recolouring…")
def recoloured(key: str, old: tuple[str, ...], new: tuple[str, ...], _media: core.Media) -> bytes:
    """The recoloured picture as it is shown and downloaded: PNG bytes, or an animated GIF.

    Keyed on the source and the two palettes; the frames are not kept (a
    GIF's frames can be tens of MB), only the file.
    """
    recolouring = mapping(key, old, new, _media)
    if _media.is_animated:
        frames = [recolouring.apply(f) for f in _media.frames]
        return preview.preview_gif(frames, _media.durations, _media.loop)
    alpha = None if _media.alphas is None else _media.alphas[0]
    return _png(recolouring.apply(_media.frames[0]), alpha)


@st.cache_data(max_entries=2, show_spinner="Encoding the MP4…")
def recoloured_mp4(key: str, old: tuple[str, ...], new: tuple[str, ...],
                   _media: core.Media) -> bytes:
    """An H.264 MP4 of the recoloured animation (frames recoloured again: they are not cached)."""
    recolouring = mapping(key, old, new, _media)
    frames = [recolouring.apply(f) for f in _media.frames]
    frames, fps = core.constant_rate(frames, _media.durations)
    return core.to_bytes(core.save_mp4, frames, fps=fps)


def _png(image: np.ndarray, alpha: np.ndarray | None) -> bytes:
    if alpha is None:
        return preview.png_bytes(image)
    buf = io.BytesIO()
    Image.fromarray(np.dstack([image, np.asarray(alpha, dtype=np.uint8)]), "RGBA").save(
        buf, format="PNG"
    )
    return buf.getvalue()


def _picked(old: str, key: str) -> None:
    new = str(st.session_state.get(key, old)).lower()
    edits = current()
    if new == old:
        edits.pop(old, None)
    else:
        edits[old] = new
    st.session_state[KEY] = edits


def reset() -> None:
    """Callback of the Reset button: every swatch back to its colour, and the pickers with it."""
    st.session_state[KEY] = {}
    for key in [k for k in st.session_state if str(k).startswith(PICK)]:
        del st.session_state[key]


def _pickers(palette: Palette, new: list[str]) -> None:
    p = palette.by_share()
    for start in range(0, len(p), PER_ROW):
        columns = st.columns(PER_ROW)
        for column, i in zip(columns, range(start, min(start + PER_ROW, len(p)))):
            old = p.hex[i]
            key = PICK + old
            column.color_picker(
                old, new[i], key=key, on_change=_picked,
                args=(old, key), help=f"The colour {old} covers {100 * p.shares[i]:.1f}% of the "
                "picture. Pick what it becomes; every colour near it follows.",
            )


def show(view: View) -> list[str]:
    """Draw the recolouring section of the Palette tab; return the palette as edited (hex)."""
    palette = source_palette(view)
    old, new = edited(palette)
    animated = view.source.media.is_animated
    st.markdown("##### Recolour: change a swatch and the picture follows")
    st.caption(
        "Pick a new colour for any swatch. Every pixel moves with the swatch it is closest to, "
        "blending smoothly at the borders, with its light and shade kept and no colour pushed "
        "off the screen's range (after Chang et al., *Palette-based Photo Recoloring*, 2015). "
        + ("The animation's global palette is edited, and every frame gets the same mapping."
           if animated else "")
    )
    _pickers(palette, new)
    stale = len(set(current()) - set(old))
    changed = sum(a != b for a, b in zip(old, new))
    if current():
        left, right = st.columns([1, 3], vertical_alignment="center")
        left.button("Reset to the original colours", key="recolor_reset", on_click=reset,
                    icon=":material/undo:")
        if stale:
            right.caption(f"{stale} earlier edit(s) are for colours no longer in this palette; "
                          "Reset clears them.")
    if not changed:
        return new
    try:
        data = recoloured(view.source.key, tuple(old), tuple(new), view.source.media)
    except ValueError as exc:  # core refuses what it cannot recolour; the original stays shown
        st.error(f"The picture could not be recoloured: {exc}")
        return new
    _side_by_side(view, data, [(a, b) for a, b in zip(old, new) if a != b])
    if animated:
        how = ("evenly (smooth dark and light gradients)"
               if mapping(view.source.key, tuple(old), tuple(new),
                          view.source.media).options.fade == "even"
               else "as fast as the screen's colours allow (dark gradients may step a little)")
        st.caption(f"Near black and white the change fades out {how}. Of the two ways to fade "
                   "it, this one flickers less on this animation (measured on 8 pairs of frames).")
    return new


def _side_by_side(view: View, data: bytes, changes: list[tuple[str, str]]) -> None:
    media = view.source.media
    left, right = st.columns(2)
    left.markdown("**Original**")
    if media.is_animated:
        left.image(original_gif(view.source.key, media), width="stretch")
    else:
        left.image(media.frames[0], output_format="PNG", width="stretch")
    right.markdown(f"**Recoloured** ({len(changes)} of the colours changed)")
    # An RGB PNG given as bytes would still be sent as JPEG (shared/STREAMLIT.md);
    # a GIF must stay as it is to play.
    right.image(data, width="stretch", output_format="auto" if media.is_animated else "PNG")
    right.caption(", ".join(f"{a} → {b}" for a, b in changes)
                  + ". Download it as PNG, GIF or MP4 in the Export tab.")


def downloads(view: View, base: str) -> None:
    """The Export tab's recoloured picture: PNG (still), or GIF and MP4 (animation), if edited."""
    old, new = edited(source_palette(view))
    if old == new:
        return
    st.markdown("##### The recoloured picture")
    media = view.source.media
    try:
        data = recoloured(view.source.key, tuple(old), tuple(new), media)
    except ValueError as exc:
        st.error(f"The picture could not be recoloured: {exc}")
        return
    ext, mime = ("gif", "image/gif") if media.is_animated else ("png", "image/png")
    w, h = media.size
    st.download_button(
        f"Recoloured {ext.upper()}", data, f"{base}_recoloured.{ext}", mime,
        on_click="ignore", key="download_recoloured", icon=":material/palette:",
        help="The picture with the Palette tab's colour changes.",
    )
    note = " (256 colours a frame)" if media.is_animated else ""
    st.caption(f"{ext.upper()}{note}, {w}x{h}, as the page shows it.")
    if media.is_animated and st.toggle("Make an MP4 of the recoloured animation",
                                       key="make_recolor_mp4"):
        mp4 = recoloured_mp4(view.source.key, tuple(old), tuple(new), media)
        st.download_button("Recoloured MP4", mp4, f"{base}_recoloured.mp4", "video/mp4",
                           on_click="ignore", key="download_recoloured_mp4",
                           icon=":material/movie:")
