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


def editor(container: DeltaGenerator, k_max: int, k: int = 0) -> tuple[str, ...]:
    """Draw the "Your colours" expander in ``container`` and return the locked colours.

    Parameters
    ----------
    container : DeltaGenerator
        Where to draw (the sidebar).
    k_max : int
        The k slider's largest value: the most colours that can be locked.
    k : int
        The colours of the palette: with all ``k`` locked, the rule that maps
        the picture onto them is offered and named.
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
                     args=(k_max,),
                     help="Locks the palette's colours and sets k to their number, so the "
                     "picture is drawn in that palette alone.")
        st.file_uploader(
            "…or a palette file exported here",
            type=list(IMPORTS), key="lock_file", on_change=_import, args=(k_max,),
            help="The .gpl, .ase, .txt, .json or .css palette of the Export tab, GIMP's .gpl "
            "or Adobe's .ase.",
        )
        if colors:
            _rule(len(colors), k)
            st.button("Unlock all", key="unlock_all", on_click=_unlock_all, args=(k_max,))
        problem = st.session_state.pop(_PROBLEM, None)
        if problem:
            st.error(problem)
        note = st.session_state.pop(_NOTE, None)
        if note:
            st.info(note)
    return colors


#: What each rule does, in words.
RULE_LABELS = {
    "lightness": "By lightness: darkest to darkest (keeps the picture)",
    "nearest": "Nearest colour (keeps the colours; a far palette gives flat areas)",
}


def _rule(n: int, k: int) -> None:
    # With every colour locked, how the picture meets them, said in words.
    st.radio(
        "With every colour locked, map the picture", list(RULE_LABELS), key="locked_rule",
        format_func=RULE_LABELS.get,
        help="Nearest colour paints each pixel in the locked colour closest to it: right when "
        "the palette is close to the picture, but a palette far from it (four greens on a "
        "grey photo) paints everything in one colour. By lightness, the picture is first "
        "reduced to its own k colours, and the darkest becomes the darkest locked colour, "
        "the next the next, and so on, as retro-palette tools do.",
    )
    rule = st.session_state.get("locked_rule", "lightness")
    if n == k:
        how = ("by lightness order: the picture's darkest of its own {k} colours becomes the "
               "darkest locked colour, and so on" if rule == "lightness"
               else "pixel by pixel, each to the nearest locked colour").format(k=k)
        st.caption(f"All {k} colours are locked, so the picture is mapped onto them {how}.")
    else:
        st.caption(f"{n} of {k} colours are locked; the other {k - n} are fitted to the picture "
                   "around them (the rule above applies when all k are locked).")


def _unlock_all(k_max: int) -> None:
    _set([], k_max)
    st.session_state["lock_preset"] = None  # the picker no longer names a palette in use


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
        codes = list(dict.fromkeys(PRESETS[name]))
        _set(codes, k_max, name)
        st.session_state[_K] = len(codes)
        st.session_state[_NOTE] = (f"k was set to {len(codes)}: every colour of {name} is "
                                   "locked, and the picture is drawn in them alone.")


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
