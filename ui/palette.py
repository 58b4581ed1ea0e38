"""The Palette tab: the colours and their shares, how they move, recolouring, contrast."""

from __future__ import annotations

import streamlit as st

from core.palette import Palette, to_swatch_png
from ui import contrast, figures, locked, recolor
from ui.compute import View, default_mode, digest
from ui.labels import mode_label


def frame_key(view: View) -> str:
    """The frame slider's key: one per source, so a shorter animation never holds a stale value."""
    return f"palette_frame:{view.source.key}"


def selected(view: View) -> tuple[str, Palette]:
    """The palette picked in this tab: a description and the palette itself.

    The Export tab exports the same one, so it reads the widgets' state too.
    """
    if not view.animated:
        return "the image", view.run("still").palettes[0]
    mode = st.session_state.get("palette_mode", default_mode(view.modes))
    mode = mode if mode in view.modes else default_mode(view.modes)
    palettes = view.run(mode).palettes
    frame = min(int(st.session_state.get(frame_key(view), 1)), len(palettes))
    return f"{mode_label(mode)}, frame {frame}", palettes[frame - 1]


def show(view: View) -> None:
    """Draw the Palette tab."""
    if view.animated:
        st.segmented_control(
            "Which result",
            view.modes,
            default=default_mode(view.modes),
            key="palette_mode",
            format_func=lambda m: mode_label(m),
            required=True,
        )
        st.slider(
            "Frame", 1, len(view.source.media.frames), 1, key=frame_key(view),
            help="Whose palette is shown above the timeline (and exported).",
        )
    what, palette = selected(view)
    st.markdown(
        f"The **{len(palette)} colours** of {what}, largest share first. Each bar is as long "
        "as the part of the picture painted in that colour."
    )
    st.image(to_swatch_png(palette, width=900, height=48), width="stretch", output_format="PNG")
    lock_buttons(palette)
    st.plotly_chart(figures.palette_bar(palette, locked.current()), key="palette_bar")
    contrast.show(recolor.show(view))
    if view.animated:
        mode = st.session_state["palette_mode"]
        st.markdown("##### Palette timeline")
        st.caption(
            "One column per frame: the colours of that frame's palette, stacked by share. "
            "Steady bands mean steady colours; a band that changes colour from one column "
            "to the next is flicker."
        )
        st.plotly_chart(figures.palette_timeline(view.run(mode).palettes),
                        key="palette_timeline")


def lock_buttons(palette: Palette) -> None:
    """One toggle per colour of ``palette``: a selected colour is locked (padlock icon).

    The widget's key follows the colours and the locked set, so it is drawn
    afresh (never with a stale selection) whenever either changes.
    """
    shown = palette.by_share().hex
    colors = locked.current()
    key = "lock_pills:" + digest(",".join([*shown, "|", *colors]).encode())
    st.pills(
        "Lock colours: they stay exactly while the others are chosen again",
        shown,
        selection_mode="multi",
        default=[c for c in shown if c in colors],
        key=key,
        format_func=lambda c: locked.lock_marker(c, colors),
        on_change=locked.lock_palette_colors,
        args=(key, shown),
        help="Pick colours to keep. The page then reduces the picture again, fitting only "
        "the other colours. All locked colours are listed under *Your colours* in the sidebar.",
    )
