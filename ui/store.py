"""What one visitor's session keeps: the latest few results of each kind, nothing more.

The page's work for an upload (its facts, the decoded preview, each mode's
result) belongs to the visitor who uploaded it, so it lives in that visitor's
``st.session_state`` rather than in ``st.cache_data``, which every session
shares and which would keep earlier uploads until its entries run out: ten
uploads in one tab then hold one upload's worth, not ten. Each kind keeps its
``keep`` most recent values; the session's memory goes when the tab closes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")

#: Session-state key of the store: kind -> OrderedDict(key -> value), oldest first.
_STORE = "session_store"


def remembered(kind: str, key: Hashable, make: Callable[[], T], keep: int) -> T:
    """``make()`` once per ``key`` in this session; keep the ``keep`` latest of ``kind``.

    Parameters
    ----------
    kind : str
        A name for what is kept ("preview", "run"...).
    key : hashable
        What the value depends on.
    make : callable
        Computes the value when it is not kept; what it raises passes through
        (nothing is kept then).
    keep : int
        How many values of this kind to keep, the most recently used first.

    Returns
    -------
    The value.
    """
    box = _box(kind)
    if key in box:
        box.move_to_end(key)
        return box[key]
    value = make()
    box[key] = value
    while len(box) > keep:
        box.popitem(last=False)
    return value


def peek(kind: str, key: Hashable):
    """The value kept for ``key``, or None (without computing anything)."""
    return _box(kind).get(key)


def forget_other(kind: str, keep_if: Callable[[Hashable], bool]) -> None:
    """Drop every value of ``kind`` whose key fails ``keep_if`` (e.g. another upload's)."""
    box = _box(kind)
    for key in [k for k in box if not keep_if(k)]:
        del box[key]


def _box(kind: str) -> OrderedDict:
    store = st.session_state.setdefault(_STORE, {})
    return store.setdefault(kind, OrderedDict())
