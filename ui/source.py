"""Choosing what to work on: a bundled sample, or the visitor's own upload."""

from __future__ import annotations

import streamlit as st

import core
from core.limits import DEFAULT_LIMITS
from core.media import ACCEPTED_EXTENSIONS
from core.samples import SAMPLES
from ui.compute import Source, sample_source, upload_source
from ui.markup import plain


def pick_source() -> Source | None:
    """Draw the sample picker and the uploader; return the chosen media.

    Returns ``None`` (after an ``st.error`` saying what to do) when the upload
    cannot be used; notices about downscaling or cut frames are shown as info.
    """
    left, right = st.columns(2)
    # Its starting value is in st.session_state (ui.settings.init_state; a link may set it).
    sample = left.selectbox(
        "Start with a sample…",
        list(SAMPLES),
        key="sample",
        help="Pictures that come with the app's libraries; the animation is made from one.",
    )
    upload = right.file_uploader(
        "…or upload your own image, GIF or video",
        type=list(ACCEPTED_EXTENSIONS),
        key="upload",
        max_upload_size=DEFAULT_LIMITS.max_upload_mb,
        help="While a file is uploaded it replaces the sample; remove it (×) to go back.",
    )
    if upload is None:
        source = sample_source(sample)
    else:
        right.caption(f"Using **{plain(upload.name)}**; remove it (×) to go back to the samples.")
        try:
            source = upload_source(upload.name, upload.getvalue())
        except core.MediaError as exc:
            st.error(
                f"**{plain(upload.name)}** could not be used. {exc} "
                "Remove it (×) to go back to the samples, or upload another file."
            )
            return None
    for notice in source.notices:
        st.info(notice, icon=":material/straighten:")
    return source
