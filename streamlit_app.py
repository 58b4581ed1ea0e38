"""Flickerless: reduce an image or animation to k colours and see what each choice does.

Run with ``streamlit run streamlit_app.py``. This file only lays out the page;
the knobs, the input and each tab live in :mod:`ui`, and every computation in
:mod:`core`. Only the open tab runs (``st.tabs(key=..., on_change="rerun")``),
and it makes only the results it shows.
"""

from __future__ import annotations

import streamlit as st

import core
from ui import address, cloud, compare, export, large, palette, transfer
from ui.compute import View
from ui.markup import plain
from ui.process import give_back, limit_malloc
from ui.progress import Progress
from ui.settings import sidebar
from ui.source import pick_source

TABS = {"Compare": compare, "Large view": large, "Palette": palette, "3D colours": cloud,
        "Transfer": transfer, "Export": export}

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
    "Reduce a picture, an animated GIF or a short video (MP4, WebM, MOV) to a handful of "
    "colours, and see side by side what each choice does. The colours are chosen by "
    "**k-means**: it sorts all the pixels into *k* groups of similar colours and paints each "
    "group in its average colour. In an animation, doing that separately for every frame "
    "makes colours **flicker**; this page shows how to avoid it. Choose the part of a clip "
    "below, and *k* and the rest in the sidebar."
)
address.show_notice()

source_area = st.container()
progress = Progress(st.empty())  # one bar for reading the part and making every result
with source_area:
    source = pick_source(progress)
upload = st.session_state.get("upload")
address.share(st.sidebar, address.write(), upload.name if upload is not None else None)

view = None
if settings is None:
    st.error(f"These settings do not work together: {problem} Change one in the sidebar.")
elif source is not None:
    view = View(source, settings, progress)
if view is None and st.session_state.get("last_good") is not None:
    view = View(*st.session_state["last_good"], progress)
    st.info(f"Showing the last result that worked ({plain(view.source.name)}, "
            f"k={view.settings.k}).")



def show_tab(part, view: View) -> None:
    """Draw one tab; when it fails, say why and show the last result that worked."""
    try:
        part.show(view)
    except (core.MediaError, ValueError) as exc:
        progress.done()
        st.error(f"This could not be made with these settings: {exc} Change one in the sidebar.")
        last = st.session_state.get("last_good")
        if last is not None and (last[0].key, last[1]) != (view.source.key, view.settings):
            st.info(f"Showing the last result that worked ({plain(last[0].name)}, "
                    f"k={last[1].k}).")
            part.show(View(*last, progress))
    else:
        st.session_state["last_good"] = (view.source, view.settings)


if view is not None:
    tabs = st.tabs(list(TABS), key="tab", on_change="rerun")
    for tab, part in zip(tabs, TABS.values()):
        if tab.open:
            with tab:
                show_tab(part, view)
progress.done()
give_back()  # what this run freed goes back to the system: see ui/process.py
