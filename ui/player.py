"""The Compare tab's player: the original and every result playing on one clock.

Browsers play each animated GIF on its own timer, from whenever it loaded, so
four results shown as four images drift out of step and cannot be compared by
eye. The player (``player.js``, a Streamlit component) decodes each result's
GIF itself and draws frame *n* of every column at once, with one play/pause
button and one frame slider. Its files go through Streamlit's media store, as
``st.image``'s do, so a rerun resends only their addresses.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

_HERE = Path(__file__).parent
_COMPONENT = st.components.v2.component(
    "flickerless_player",
    html="<div class='player'></div>",
    css=(_HERE / "player.css").read_text(),
    js=(_HERE / "player.js").read_text(),
)


@dataclass(frozen=True)
class Panel:
    """One column of the player.

    Attributes
    ----------
    title : str
    data : bytes
        A GIF (``kind="gif"``) or a JPEG sheet of frames (``kind="sheet"``).
    kind : {"gif", "sheet"}
    columns : int
        Frames per row of a sheet.
    caption : str
        A line under the picture.
    frame_of : tuple of int
        The GIF frame that shows each frame (a GIF stores a repeated frame once);
        empty when GIF frame ``n`` is frame ``n``.
    """

    title: str
    data: bytes
    kind: str = "gif"
    columns: int = 1
    caption: str = ""
    frame_of: tuple[int, ...] = ()


def player(panels: list[Panel], durations: list[int], size: tuple[int, int], key: str,
           identity: str = "") -> None:
    """Draw the player.

    Parameters
    ----------
    panels : list of Panel
        Every panel has the same frames, each ``size`` pixels.
    durations : list of int
        Milliseconds of each frame (under 20 ms plays at 100 ms, as in browsers).
    size : (int, int)
        (width, height) of the frames.
    key : str
        The component's key.
    identity : str
        What the panels show (source and settings): with the files' addresses it
        makes the ``data-token`` the page's tests and benchmarks wait for, so a
        new upload with the very same pictures still counts as new.
    """
    specs = []
    for i, panel in enumerate(panels):
        mime = "image/gif" if panel.kind == "gif" else "image/jpeg"
        url = media_url(panel.data, mime, f"flickerless-player-{key}-{i}")
        specs.append({"title": panel.title, "url": url, "kind": panel.kind,
                      "columns": panel.columns, "caption": panel.caption,
                      "frames": list(panel.frame_of)})
    token = hashlib.sha256("|".join([identity, *(s["url"] for s in specs)]).encode()
                           ).hexdigest()[:12]
    data = {"panels": specs, "durations": [int(d) for d in durations], "size": list(size),
            "token": token}
    _COMPONENT(data=data, key=key)


def media_url(data: bytes, mime: str, coordinates: str) -> str:
    """An address the browser can fetch ``data`` from: Streamlit's media store, as
    ``st.image`` uses, kept while this session shows it (a data URI without a server)."""
    from streamlit import runtime

    if not runtime.exists():
        return f"data:{mime};base64,{base64.b64encode(data).decode()}"
    return runtime.get_instance().media_file_mgr.add(data, mime, coordinates)
