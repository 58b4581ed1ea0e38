"""Flickerless: reduce an image or animation to k colours and see what each choice does.

Run with ``streamlit run streamlit_app.py``. This file only lays out the page;
the knobs, the input and each tab live in :mod:`ui`, and every computation in
:mod:`core`.
"""

from __future__ import annotations

import streamlit as st

import core
from ui import address, cloud, compare, export, large, palette, transfer
from ui.compute import View, run_all
from ui.markup import plain
from ui.process import limit_malloc
from ui.settings import sidebar
from ui.source import pick_source

limit_malloc()  # before the first export: see ui/process.py
st.set_page_config(
    page_title="Flickerless: fewer colours, no flicker",
    page_icon="🎞️",
    layout="wide",
)

address.read_once()  # a shared link's settings, on the session's first run only
try:
    settings = sidebar()
except ValueError as exc:  # knobs that do not go together, e.g. Manhattan with MiniBatchKMeans
    settings, problem = None, exc
st.title("Flickerless")
st.markdown(
    "Reduce a picture or an animated GIF to a handful of colours, and see side by side "
    "what each choice does. The colours are chosen by **k-means**: it sorts all the "
    "pixels into *k* groups of similar colours and paints each group in its average "
    "colour. In an animation, doing that separately for every frame makes colours "
    "**flicker**; this page shows how to avoid it. Set *k* and the rest in the sidebar."
)
address.show_notice()

source = pick_source()
upload = st.session_state.get("upload")
address.share(st.sidebar, address.write(), upload.name if upload is not None else None)
view = None
if settings is None:
    st.error(f"These settings do not work together: {problem} Change one in the sidebar.")
elif source is not None:
    try:
        view = View(source, settings, run_all(source, settings))
    except ValueError as exc:  # core.MediaError too: it subclasses ValueError
        st.error(f"These settings do not work together: {exc} Change one in the sidebar.")
    else:
        st.session_state["last_good"] = view
if view is None:
    view = st.session_state.get("last_good")
    if view is not None:
        st.info(
            f"Showing the last result that worked ({plain(view.source.name)}, "
            f"k={view.settings.k})."
        )

if view is not None:
    tabs = st.tabs(["Compare", "Large view", "Palette", "3D colours", "Transfer", "Export"])
    for tab, part in zip(tabs, (compare, large, palette, cloud, transfer, export)):
        with tab:
            try:
                part.show(view)
            except (core.MediaError, ValueError) as exc:
                st.error(f"This part could not be drawn: {exc}")
