"""The Palette tab's contrast figure: every pair of swatches as text on background.

Each pair writes a sample "Aa" in the column's colour on the row's colour,
and under it their WCAG 2 contrast ratio and level (:mod:`core.contrast`) in
black or white, whichever reads on that row: a person choosing brand colours
sees at a glance which pairs are readable, and can read the number even where
the pair itself is not. The figure is built here
(no Streamlit in :func:`contrast_figure`) and drawn by :func:`show`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core.contrast import contrast_table, level
from core.palette import parse_color

#: Above this many colours the table is folded away (64 x 64 cells is a wall).
FOLD_ABOVE = 12


def contrast_figure(hexes: Sequence[str]) -> go.Figure:
    """A table of every pair of colours: text in the column's colour on the row's colour.

    Parameters
    ----------
    hexes : sequence of ``"#rrggbb"``
        The palette, in the order to draw it.

    Returns
    -------
    plotly.graph_objects.Figure
        One header column naming the background colours, then one column per
        text colour. Each background colour takes two rows: a sample "Aa" in
        each text colour, then the pair's ratio and level (``"4.5 AA"``) in
        black or white; the diagonal is blank.
    """
    hexes = list(hexes)
    n = len(hexes)
    ratios = contrast_table(np.array([parse_color(h) for h in hexes]))
    plain = [_readable_on(h) for h in hexes]
    header = [cell for h in hexes for cell in (f"<b>{h}</b>", "")]
    columns, fonts = [header], [["#222222"] * (2 * n)]
    for j, text in enumerate(hexes):
        cells, colours = [], []
        for i in range(n):
            same = i == j
            cells += ["" if same else "<b>Aa</b>",
                      "" if same else f"{ratios[i, j]:.1f} {level(ratios[i, j])}"]
            colours += [text, plain[i]]
        columns.append(cells)
        fonts.append(colours)
    fills = [["#ffffff"] * (2 * n)] + [[h for h in hexes for _ in range(2)]] * n
    table = go.Table(
        header={"values": ["background ↓ / text →", *hexes], "fill_color": ["#ffffff", *hexes],
                "font": {"color": ["#222222", *plain], "size": 12},
                "line_color": "#888888", "align": "center"},
        cells={"values": columns, "fill_color": fills,
               "font": {"color": fonts, "size": 13, "family": "sans-serif"},
               "line_color": fills, "align": "center", "height": 24},
        columnwidth=[1.4] + [1.0] * n,
    )
    fig = go.Figure(table)
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0}, height=60 + 54 * n)
    return fig


def _readable_on(background: str) -> str:
    # Black or white text, whichever contrasts more with the colour.
    rgb = np.array([parse_color(background), (0, 0, 0), (255, 255, 255)])
    ratios = contrast_table(rgb)[0, 1:]
    return "#000000" if ratios[0] >= ratios[1] else "#ffffff"


def show(hexes: Sequence[str]) -> None:
    """Draw the contrast section of the Palette tab for the colours ``hexes``."""
    st.markdown("##### Which colours read well on each other")
    st.caption(
        "Each pair writes *Aa* in the column's colour on the row's colour, and under it their "
        "WCAG 2 contrast ratio: **AA** (4.5 or more) is enough for body text, **AA large** (3 or "
        "more) for large text only, **AAA** (7 or more) for the strictest level. The colours "
        "are the palette as edited above."
    )
    figure = contrast_figure(hexes)
    # The toolbar would sit on the last column's header; a table has nothing to zoom.
    config = {"displayModeBar": False}
    if len(hexes) > FOLD_ABOVE:
        with st.expander(f"Contrast of all {len(hexes)} x {len(hexes)} pairs"):
            st.plotly_chart(figure, key="contrast_table", config=config)
    else:
        st.plotly_chart(figure, key="contrast_table", config=config)
