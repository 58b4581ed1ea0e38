"""Choosing the part of an animation or clip: its seconds, frame rate and width.

As in every GIF maker, before anything else: a range slider over the source's
seconds with a thumbnail of the first and last frame of the part, the frames
per second (keep, or 25 / 20 / 15 / 10) and the output width. The choice is
a :class:`core.Part`; :func:`core.plan_part` fits it into the limits and picks
the window the comparison plays. The values live in ``st.session_state``
(``start``, ``end``, ``fps``, ``width``), so the page's address carries them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

import core
from core.limits import DEFAULT_LIMITS

#: The frame rates offered (0 keeps the source's).
FPS_CHOICES = (0, 25, 20, 15, 10)
#: The output widths offered, in pixels (0 keeps the source's, up to the export cap).
WIDTH_CHOICES = (0, 1280, 960, 640, 480, 320)
#: Session-state keys of the part (the slider's own key follows the source).
START, END, FPS, WIDTH = "start", "end", "fps", "width"
#: Session-state key of the source the part was last chosen for.
_FOR = "part_source"
#: Width of the first- and last-frame thumbnails.
THUMB_WIDTH = 160

FPS_HELP = (
    "Fewer frames a second make a smaller file. A GIF stores each frame's delay in whole "
    "hundredths of a second, so 25, 20 and 10 fps play exactly (4, 5 and 10 hundredths) "
    "and 15 fps alternates 6 and 7; browsers slow any frame shorter than 2 hundredths "
    "(20 ms) to 10, so a GIF never plays faster than 50 fps."
)


def choose(facts: core.SourceFacts, source: str,
           thumbnail: Callable[[float], np.ndarray]) -> core.Part:
    """Draw the part's slider, thumbnails, frame rate and width; return the part chosen.

    Parameters
    ----------
    facts : core.SourceFacts
        Of an animation or a clip.
    source : str
        The file's key: the slider starts afresh for each new file (the first
        one from the page's address).
    thumbnail : callable(seconds) -> ndarray
        The frame on screen at a time, about :data:`THUMB_WIDTH` wide.
    """
    length = round(max(facts.seconds, 0.1), 2)
    whole = core.plan_part(facts, core.Part(), DEFAULT_LIMITS)
    rate, full = whole.rate, whole.size
    key = f"part:{source}"
    if key not in st.session_state:
        st.session_state[key] = _default_range(facts, source, length)
    first, middle, last = st.columns([1, 3, 1], vertical_alignment="center")
    start, end = middle.slider(
        "Part (seconds)", 0.0, length, step=0.1 if length > 2 else 0.05, key=key,
        format="%.1f s",
        help="Which seconds to use. The comparison plays the start of the part (the sentence "
        "above the results says which seconds); Export makes the whole part.",
    )
    first.image(thumbnail(start), caption=f"First frame, {start:.1f} s", width="stretch")
    last.image(thumbnail(max(start, end - 1.0 / rate)), caption=f"Last frame, {end:.1f} s",
               width="stretch")
    left, right = middle.columns(2)
    # Labels stay the same for every file (the browser keeps a select box's first labels);
    # the file's own numbers are in the caption under them.
    fps = left.selectbox(
        "Frames per second", FPS_CHOICES, key=FPS, help=FPS_HELP,
        format_func=lambda v: f"{v} fps" if v else "Keep the source's rate",
    )
    width = right.selectbox(
        "Width", WIDTH_CHOICES, key=WIDTH,
        help="The export's width in pixels (the height follows; never wider than the source). "
        f"The comparison uses at most {DEFAULT_LIMITS.preview_side} px on the longer side.",
        format_func=lambda v: f"{v} px" if v else "Full size",
    )
    kind = "clip" if facts.kind == "clip" else "animation"
    middle.caption(f"The {kind}: {facts.seconds:.1f} s at {rate:.3g} fps, "
                   f"{facts.size[0]}x{facts.size[1]}; full size here is {full[0]}x{full[1]}.")
    st.session_state[START] = float(start)
    st.session_state[END] = None if end >= length else float(end)
    return core.Part(float(start), max(float(end), float(start) + 0.01), fps or None,
                     width if width and width < full[0] else None)


def forget() -> None:
    """A still has no part: the address no longer carries one."""
    st.session_state[START], st.session_state[END] = 0.0, None


def _default_range(facts: core.SourceFacts, source: str, length: float) -> tuple[float, float]:
    # The first time a file is shown: the address's part for the session's first file, else
    # the whole source, at most the seconds a clip may have.
    first_file = st.session_state.get(_FOR) is None
    st.session_state[_FOR] = source
    start = float(st.session_state.get(START) or 0.0) if first_file else 0.0
    end = st.session_state.get(END) if first_file else None
    start = min(max(0.0, start), length)
    end = length if end is None else min(max(float(end), start), length)
    if facts.kind == "clip":
        end = min(end, start + core.MAX_VIDEO_SECONDS)
    return round(start, 2), round(end, 2)
