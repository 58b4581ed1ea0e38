"""Your own colours: the locked colours and every way to change them.

Locked colours stay exactly in the palette while the other ``k - n`` are
fitted around them (``core.quantize(..., locked=...)``). They live in
``st.session_state[KEY]`` as a list of ``"#rrggbb"`` strings, and every
change goes through a widget callback, which Streamlit runs *before* the
script: so the Palette tab can lock a swatch, and an imported palette can
raise ``k``, before the sidebar's knobs are drawn.
"""

from __future__ import annotations

from pathlib import PurePath

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.palette import IMPORTS, PRESETS, hex_code, parse_colors, read_palette
from ui.markup import plain

#: Session-state key of the locked colours.
KEY = "locked"
#: Session-state keys of a message for the next run: a problem, or a note.
_PROBLEM, _NOTE = "locked_problem", "locked_note"
#: Session-state key of the k slider (raised when a palette needs more colours).
_K = "k"


def init_state() -> None:
    """No locked colours unless the address or an earlier run set some."""
    st.session_state.setdefault(KEY, [])


def current() -> tuple[str, ...]:
    """The locked colours, ``"#rrggbb"`` each, in palette order."""
    return tuple(st.session_state.get(KEY, []))


def lock_marker(code: str, colors: tuple[str, ...]) -> str:
    """``code`` with a padlock icon in front (Markdown) when it is one of the locked ``colors``."""
    return f":material/lock: {code}" if code in colors else code


def editor(container: DeltaGenerator, k_max: int) -> tuple[str, ...]:
    """Draw the "Your colours" expander in ``container`` and return the locked colours.

    Parameters
    ----------
    container : DeltaGenerator
        Where to draw (the sidebar).
    k_max : int
        The k slider's largest value: the most colours that can be locked.
    """
    colors = current()
    # A key keeps it one expander (open stays open) while its label counts the colours.
    with container.expander(
        f"Your colours ({len(colors)} locked)" if colors else "Your colours",
        key="locked_expander", icon=":material/lock:",
    ):
        st.caption(
            "Locked colours stay exactly in the palette; the other colours are chosen around "
            "them. Lock as many as k to map the picture onto your own palette."
        )
        for i, code in enumerate(colors):
            left, right = st.columns([3, 2], vertical_alignment="bottom")
            pick = f"locked_pick:{i}:{code}"
            left.color_picker(f":material/lock: {code}", code, key=pick,
                              on_change=_edit, args=(i, pick))
            right.button("Unlock", key=f"unlock:{i}:{code}", on_click=_remove, args=(i,))
        left, right = st.columns([3, 2], vertical_alignment="bottom")
        left.color_picker("Add a colour", "#ff8800", key="lock_new")
        right.button("Lock it", key="lock_add", on_click=_add, args=(k_max,))
        st.text_input(
            "…or paste hex codes", key="lock_paste", placeholder="#0f380f, 9bbc0f, …",
            on_change=_paste, args=(k_max,),
            help="Separated by commas or spaces; they replace the locked colours.",
        )
        st.selectbox("…or a well-known palette", list(PRESETS), key="lock_preset", index=None,
                     placeholder="Choose one to lock its colours", on_change=_preset,
                     args=(k_max,))
        st.file_uploader(
            "…or a palette file exported here",
            type=list(IMPORTS), key="lock_file", on_change=_import, args=(k_max,),
            help="The .gpl, .ase, .txt, .json or .css palette of the Export tab, GIMP's .gpl "
            "or Adobe's .ase.",
        )
        if colors:
            st.button("Unlock all", key="unlock_all", on_click=_set, args=([], k_max))
        problem = st.session_state.pop(_PROBLEM, None)
        if problem:
            st.error(problem)
        note = st.session_state.pop(_NOTE, None)
        if note:
            st.info(note)
    return colors


def _set(codes: list[str], k_max: int, source: str = "") -> None:
    codes = list(dict.fromkeys(codes))
    if len(codes) > k_max:
        st.session_state[_PROBLEM] = (
            f"{source or 'That'} has {len(codes)} colours; at most {k_max} can be locked."
        )
        return
    st.session_state[KEY] = codes
    if len(codes) > st.session_state.get(_K, k_max):
        st.session_state[_K] = len(codes)
        st.session_state[_NOTE] = f"k was raised to {len(codes)} to hold every locked colour."


def _edit(i: int, key: str) -> None:
    codes = list(current())
    codes[i] = st.session_state[key].lower()
    st.session_state[KEY] = list(dict.fromkeys(codes))


def _remove(i: int) -> None:
    codes = list(current())
    del codes[i]
    st.session_state[KEY] = codes


def _add(k_max: int) -> None:
    _set([*current(), st.session_state["lock_new"].lower()], k_max)


def _paste(k_max: int) -> None:
    text = st.session_state.get("lock_paste", "")
    if not text.strip():
        return
    try:
        rows = parse_colors(text)
    except ValueError as exc:
        st.session_state[_PROBLEM] = f"Those colours were not locked: {plain(str(exc))}"
        return
    _set([hex_code(rgb) for rgb in rows], k_max, "That list")


def _preset(k_max: int) -> None:
    name = st.session_state.get("lock_preset")
    if name in PRESETS:
        _set(list(PRESETS[name]), k_max, name)


def _import(k_max: int) -> None:
    upload = st.session_state.get("lock_file")
    if upload is None:
        return
    name = plain(upload.name)
    try:
        rows = read_palette(upload.getvalue(), PurePath(upload.name).suffix)
    except ValueError as exc:
        st.session_state[_PROBLEM] = (
            f"**{name}** could not be read, so the locked colours did not change: "
            f"{plain(str(exc), 160)}"
        )
        return
    _set([hex_code(rgb) for rgb in rows], k_max, f"**{name}**")


def lock_palette_colors(key: str, shown: list[str]) -> None:
    """Callback of a palette's lock buttons: lock what is selected among ``shown``.

    Colours of ``shown`` that are not selected are unlocked; locked colours
    that ``shown`` does not hold stay locked.
    """
    selected = st.session_state.get(key) or []
    kept = [c for c in current() if c not in shown or c in selected]
    st.session_state[KEY] = kept + [c for c in selected if c not in kept]
