"""Choosing what to work on: a bundled sample or the visitor's upload, and its part.

A still is fitted to the limits as a whole. An animation or clip is probed
first (length, rate, size), its part chosen (:mod:`ui.part`), and only the
window the comparison plays is decoded, at the comparison's size: a 14 s
1280x720 clip costs the page 43 frames of 640x360, not 280 thumbnails. What
was decoded is kept in the visitor's session (:mod:`ui.store`).
"""

from __future__ import annotations

import dataclasses

import streamlit as st

import core
from core.limits import DEFAULT_LIMITS, fit_to_limits, load_within_limits
from core.media import ACCEPTED_EXTENSIONS
from core.notices import frames_note
from core.samples import SAMPLES, load_sample
from ui import part as part_ui
from ui import store
from ui.compute import Source, digest
from ui.markup import plain
from ui.progress import Progress

#: What to do when a limit cut the part, after the notice that says which limit.
CHOOSE = ("Move the part's start or end, or choose fewer frames a second, to choose what is "
          "kept.")


def pick_source(progress: Progress) -> Source | None:
    """Draw the sample picker, the uploader and the part; return the chosen media.

    Returns ``None`` (after an ``st.error`` saying what to do) when the upload
    cannot be used; notices about cut frames or downscaling are shown as info.
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
        "…or upload your own image, GIF or video (MP4, WebM, MOV)",
        type=list(ACCEPTED_EXTENSIONS),
        key="upload",
        max_upload_size=DEFAULT_LIMITS.max_upload_mb,
        help="While a file is uploaded it replaces the sample; remove it (×) to go back.",
    )
    if upload is None:
        source = sample_source(sample)
    else:
        right.caption(f"Using **{plain(upload.name)}**; remove it (×) to go back to the samples.")
        # One copy of the file a session, hashed once: getvalue() copies it on every call.
        data = store.remembered("upload", upload.file_id, upload.getvalue, keep=1)
        key = store.remembered("digest", upload.file_id, lambda: digest(data), keep=1)
        try:
            source = upload_source(upload.name, data, progress, key=key)
        except core.MediaError as exc:
            progress.done()
            st.error(
                f"**{plain(upload.name)}** could not be used. {exc} "
                "Remove it (×) to go back to the samples, or upload another file."
            )
            return None
    for notice in source.notices:
        st.info(notice, icon=":material/straighten:")
    return source


@st.cache_data(max_entries=4, show_spinner="Building the sample…")
def _load_sample(name: str) -> tuple[core.Media, tuple[str, ...]]:
    media, notices = fit_to_limits(load_sample(name), DEFAULT_LIMITS)
    return media, tuple(notices)


def sample_source(name: str, with_part: bool = True) -> Source:
    """A bundled sample; for the animation, its part is chosen (``with_part``) and cut."""
    media, notices = _load_sample(name)
    key = "sample:" + name
    if not media.is_animated or not with_part:
        part_ui.forget()
        return Source(key, name, media, notices)
    facts = core.media_facts(media)
    plan = _plan(facts, part_ui.choose(
        facts, key, lambda t: core.frame_at(media, t, part_ui.THUMB_WIDTH)))
    shown = store.remembered("preview", (key, plan.preview, plan.preview_frames),
                             lambda: core.media_part(media, plan), keep=1)
    notes = tuple(f"{note} {CHOOSE}" for note in plan.notes)
    return Source(f"{key}|{part_key(plan)}", name, shown, notices + notes, None, plan)


def upload_source(name: str, data: bytes, progress: Progress | None = None,
                  with_part: bool = True, key: str | None = None) -> Source:
    """An upload: a still fitted to the limits, or the chosen part of an animation or clip.

    ``key`` is the digest of ``data`` when the caller knows it already. Raises
    ``core.MediaError`` with a readable message when it cannot be used.
    """
    key = key or digest(data)
    fresh = progress is not None and store.peek("facts", key) is None
    if fresh:
        progress.show(0.0, f"Reading {plain(name, 40)}: its length, rate and size…")
    facts = store.remembered("facts", key, lambda: core.probe(
        data, max_pixels=DEFAULT_LIMITS.max_decode_pixels,
        max_decode_work=DEFAULT_LIMITS.max_decode_work), keep=3)
    if not facts.is_animated or not with_part:
        if with_part:
            part_ui.forget()
        media, notices = store.remembered("whole", key, lambda: load_within_limits(data), keep=2)
        return Source(key, name, media, tuple(notices), data)
    if fresh:
        progress.show(0.0, "Reading the first and last frames of the part…")
    part = part_ui.choose(facts, key, lambda t: store.remembered(
        "thumb", (key, round(t, 2)), lambda: core.frame_at(data, t, part_ui.THUMB_WIDTH), keep=4))
    plan = _plan(facts, part)
    report = progress.frames("Reading the part") if progress else None
    media = store.remembered("preview", (key, plan.preview, plan.preview_frames),
                             lambda: core.load_preview(data, plan, report), keep=1)
    notices = tuple(f"{note} {CHOOSE}" for note in plan.notes)
    if media.cut == "short":
        notices += (frames_note("short", len(media.frames), media.total_frames),)
    return Source(f"{key}|{part_key(plan)}", name, media, notices, data, plan)


def _plan(facts: core.SourceFacts, part: core.Part) -> core.PartPlan:
    # The part's plan; when the slider starts where the limits cut the whole source (its
    # first 20 s or 300 frames), the notice of that cut is the part's, so it is never silent.
    plan = core.plan_part(facts, part)
    whole = core.plan_part(facts)
    if whole.notes and not plan.notes and (plan.part.start, plan.part.end) == (
            whole.part.start, whole.part.end):
        plan = dataclasses.replace(plan, notes=whole.notes)
    return plan


def part_key(plan: core.PartPlan) -> str:
    """The part compared, for keys: "2-6s@15fps/640w"."""
    p = plan.part
    return f"{p.start:g}-{p.end:g}s@{p.fps or 'src'}fps/{p.width or 'full'}w"

