"""The Transfer tab: repaint the current picture with the colours of another one."""

from __future__ import annotations

from pathlib import PurePath

import streamlit as st

import core
from core.limits import DEFAULT_LIMITS
from core.media import IMAGE_EXTENSIONS
from core.samples import SAMPLES
from ui import figures, preview
from ui.compute import Source, View, original_gif
from ui.labels import SPACE_LABELS
from ui.markup import plain
from ui.source import sample_source, upload_source

#: Pixels drawn per cloud in the 3-D views (three clouds: keep the page responsive).
TRANSFER_POINTS = 2500

METHOD_NOTES = {
    "frequency": "most common colour goes to most common colour",
    "lightness": "dark goes to dark, light to light",
    "matching": "each colour goes to the closest one, as evenly as possible",
    "matching-shift": "like matching, but keeps the shading inside each colour",
    "recolor": "like matching, then recolours smoothly: all the detail and shading stay",
    "reinhard": "shifts the overall colour mood (no palette mapping)",
}


@st.cache_data(max_entries=8, show_spinner="Transferring the colours…")
def _transfer(source_key: str, target_key: str, k: int, method: str, seed: int,
              _source: core.Media, _target: core.Media):
    """The transfer, its shown bytes, and pixel samples of source, target and result.

    The source and result samples are drawn at the same positions (same
    seed, same frame sizes), so the two clouds show the same pixels.
    """
    frames = _source.frames if _source.is_animated else _source.frames[0]
    result = core.transfer_palette(frames, _target.frames[0], k, method=method, seed=seed)
    if len(result.frames) > 1:
        data = preview.preview_gif(result.frames, _source.durations, _source.loop)
    else:
        data = preview.png_bytes(result.frames[0])
    samples = tuple(
        preview.sample_pixels(f, TRANSFER_POINTS, seed=0)
        for f in (_source.frames, _target.frames[:1], result.frames)
    )
    return result, data, samples


#: The picker's value that means "the image uploaded beside it".
UPLOADED = "upload"


def _use_upload() -> None:
    # A new image uploaded beside the picker becomes the one used, and the picker says so.
    if st.session_state.get("transfer_upload") is not None:
        st.session_state["transfer_sample"] = UPLOADED


def _target(column) -> Source | None:
    stills = [name for name in SAMPLES if name.startswith("Still")]
    upload = st.session_state.get("transfer_upload")
    choices = stills + ([UPLOADED] if upload is not None else [])
    if st.session_state.get("transfer_sample") not in choices:
        st.session_state["transfer_sample"] = UPLOADED if upload is not None else stills[
            min(1, len(stills) - 1)]
    sample = column.selectbox(
        "Take the colours of…", choices, key="transfer_sample",
        format_func=lambda c: f"Your image: {upload.name}" if c == UPLOADED else c,
        help="Choosing an image repaints the current picture with its colours at once.",
    )
    column.file_uploader(
        "…or of your own image", type=list(IMAGE_EXTENSIONS), key="transfer_upload",
        max_upload_size=DEFAULT_LIMITS.max_upload_mb, on_change=_use_upload,
        label_visibility="collapsed",
    )
    if sample != UPLOADED or upload is None:
        return sample_source(sample)
    try:
        return upload_source(upload.name, upload.getvalue(), with_part=False)
    except core.MediaError as exc:
        column.error(f"**{plain(upload.name)}** could not be used as the target. {exc}")
        return None


def show(view: View) -> None:
    """Draw the Transfer tab: choosing the other image runs the transfer, result in view."""
    st.markdown(
        "Repaint the current picture with the colours of another one: both are reduced to "
        "k colours, then each colour of the current picture is replaced by one of the other's."
    )
    current, other, result_column = st.columns(3)
    target = _target(other)
    left, right = st.columns(2)
    k = left.slider("Colours (k)", 2, 32, min(view.settings.k, 32), key="transfer_k",
                    help="How many colours are taken from each picture.")
    method = right.selectbox(
        "Method", list(core.transfer.METHODS), key="transfer_method",
        index=list(core.transfer.METHODS).index("matching"),
        format_func=lambda m: f"{m}: {METHOD_NOTES[m]}" if m in METHOD_NOTES else m,
        help="How source colours are paired with target colours.",
    )
    _current(view, current)
    if target is None:
        return
    other.image(target.media.frames[0], output_format="PNG", width="stretch")
    try:
        result, data, samples = _transfer(view.source.key, target.key, k, method,
                                          view.settings.options.seed, view.source.media,
                                          target.media)
    except ValueError as exc:
        st.error(f"The transfer did not work: {exc}")
        return
    _result(view, target, result, data, result_column)
    _clouds(view, result, samples)


def _current(view: View, column) -> None:
    media = view.source.media
    column.markdown(f"**Current picture:** {plain(view.source.name, 40)}")
    if media.is_animated:
        column.image(original_gif(view.source.key, media), width="stretch")
    else:
        column.image(media.frames[0], output_format="PNG", width="stretch")


def _result(view: View, target: Source, result, data: bytes, column) -> None:
    animated = len(result.frames) > 1
    kind, mime = ("gif", "image/gif") if animated else ("png", "image/png")
    name = f"{_stem(view.source.name)}_in_colours_of_{_stem(target.name)}.{kind}"
    column.markdown(f"**Result:** in the colours of {plain(target.name, 40)}")
    # PNG bytes of a still are sent as they are (Streamlit would re-encode them as JPEG).
    column.image(data, width="stretch", output_format="auto" if animated else "PNG")
    column.download_button("Download the result", data, name, mime,
                           on_click="ignore", key="download_transfer",
                           icon=":material/download:", help=name)
    st.markdown(
        f"**Shapes kept:** {100 * result.structure:.0f}% (how much the light and dark "
        "pattern of the result matches the current picture; 100% is identical).  \n"
        f"**Colours used:** on average ΔE {result.fidelity:.1f} from the nearest colour of the "
        "other picture (0 means it uses only those colours)."
    )
    st.markdown("##### Which colour went where")
    st.plotly_chart(
        figures.transfer_mapping(result.source_palette, result.target_palette, result.mapping),
        key="transfer_mapping",
    )
    if result.mapping is None:
        st.caption("This method shifts colours as a whole, so there is no one-to-one mapping.")


def _stem(name: str) -> str:
    # A file-name-safe stem of a picture's name: "Still: a flower (scikit-learn)" -> "a_flower".
    base = name.split(": ", 1)[-1].split(" (")[0] if ": " in name else PurePath(name).stem
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in base)[:30] or "image"


def _clouds(view: View, result, samples) -> None:
    source_px, target_px, result_px = samples
    space = view.settings.options.space
    st.markdown("##### In 3D")
    st.markdown(
        f"The colours of both pictures as clouds in **{SPACE_LABELS[space]}** space (the "
        f"sidebar's), {len(source_px):,} pixels each. Diamonds are this picture's k colours, "
        "squares the other picture's; each line runs from a colour of this picture to the "
        "colour it becomes. With *frequency*, lines cross the whole space (a dark colour "
        "can become a bright one); with *matching*, they stay short where they can. "
        "Click a name in the legend to hide it; drag to turn."
    )
    left, right = st.columns(2)
    left.markdown("**Where the colours go**")
    left.plotly_chart(
        figures.transfer_clouds(source_px, target_px, space, result.source_palette,
                                result.target_palette, result.mapping),
        key="transfer_clouds",
    )
    right.markdown("**The result's colours**")
    right.plotly_chart(
        figures.transfer_result(result_px, space, result.target_palette),
        key="transfer_result_cloud",
    )
    right.caption(
        "The same pixels after the transfer. Each square is a colour of the other picture, "
        "as large as the part of the result painted in it: with a palette method every "
        "pixel sits on a square."
    )
