"""The 3D tab: the pixels as a cloud of colours, with the cluster centres and their paths."""

from __future__ import annotations

import streamlit as st

from ui import figures
from ui.compute import NAIVE_MODE, View, cloud_pixels, default_mode
from ui.labels import SPACE_LABELS, mode_label


def show(view: View) -> None:
    """Draw the 3D tab."""
    pixels = cloud_pixels(view.source.key, view.source.media)
    locked = view.settings.options.locked
    space = SPACE_LABELS[view.settings.options.space]
    st.markdown(
        f"Every dot is a pixel of the picture ({len(pixels):,} of them, picked at random), "
        f"placed by its colour in **{space}** space and drawn in its own colour. "
        "k-means splits this cloud into k groups; each big diamond is a group's centre, "
        "which becomes one colour of the palette"
        + (" (squares are your locked colours)" if locked else "")
        + ". Drag to turn the cloud."
    )
    if not view.animated:
        run = view.run("still")
        st.plotly_chart(
            figures.color_cloud(pixels, run.space, run.centers, [p.colors for p in run.palettes],
                                locked=locked),
            key="cloud_still",
        )
        return
    st.caption(
        "The thin lines follow each centre from frame to frame. Where the centres drift "
        "smoothly the colours stay steady; where they jump around, the animation flickers."
    )
    modes = view.modes
    # The default result first, and the naive one beside it to show what it avoids.
    default = list(dict.fromkeys([default_mode(modes), NAIVE_MODE]))
    chosen = st.multiselect(
        "Show", modes, default=[m for m in default if m in modes], key="cloud_modes",
        format_func=lambda m: mode_label(m),
    )
    runs = view.runs_for(chosen)
    columns = st.columns(2)
    for i, mode in enumerate(chosen):
        run = runs[mode]
        with columns[i % 2]:
            st.markdown(f"**{mode_label(mode)}**")
            figure = figures.color_cloud(
                pixels, run.space, run.centers, [p.colors for p in run.palettes], locked=locked
            )
            st.plotly_chart(figure, key=f"cloud_{mode}")
