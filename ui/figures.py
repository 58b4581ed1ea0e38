"""Plotly figures of quantization results: flicker, palettes, colour clouds, transfer.

Locked colours (given as ``"#rrggbb"`` strings) are marked wherever a palette
is drawn: "(locked)" beside their hex code, a square instead of a diamond in 3-D.

Each builder takes core objects (palettes, centres, flicker series) and returns
a ``plotly.graph_objects.Figure``; nothing here imports Streamlit, so the
figures can be tested on their own. Colours are sent as compact arrays
(indices into a colour scale) rather than one string per point, and point
clouds come already sampled (:func:`ui.preview.sample_pixels`), so the same
input always draws the same picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from core import Palette
from core.colorspace import to_space

#: At most this many frames are drawn along each centre's path.
MAX_PATH_FRAMES = 60

# Axis titles and the order in which a space's coordinates are drawn (x, y, z):
# lightness goes up the vertical axis.
_AXES = {
    "lab": (("a* (green → red)", "b* (blue → yellow)", "L* (lightness)"), (1, 2, 0)),
    "oklab": (("a (green → red)", "b (blue → yellow)", "L (lightness)"), (1, 2, 0)),
    "din99o": (("a99o (green → red)", "b99o (blue → yellow)", "L99o (lightness)"), (1, 2, 0)),
    "hsv": (("S·V·cos(hue)", "S·V·sin(hue)", "V (brightness)"), (0, 1, 2)),
    "rgb": (("Red", "Green", "Blue"), (0, 1, 2)),
}


def _hex(colors: np.ndarray) -> list[str]:
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in np.asarray(colors, dtype=np.uint8).tolist()]


def flicker_chart(series: Mapping[str, np.ndarray]) -> go.Figure:
    """Line chart of the flicker of each consecutive frame pair, one line per mode.

    Parameters
    ----------
    series : mapping of label -> ndarray, shape (n_frames - 1,)
        ``core.metrics.flicker_series`` of each mode; NaN pairs are gaps.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    for label, values in series.items():
        values = np.asarray(values, dtype=float)
        fig.add_trace(
            go.Scatter(
                x=np.arange(2, len(values) + 2),
                y=values,
                mode="lines+markers",
                name=label,
                hovertemplate="frame %{x}: %{y:.2f} ΔE<extra>" + label + "</extra>",
            )
        )
    fig.update_layout(
        xaxis_title="frame (compared with the frame before it)",
        yaxis_title="colour jump where the scene is still (ΔE)",
        yaxis_rangemode="tozero",
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=360,
    )
    return fig


def _label(code: str, locked: Sequence[str]) -> str:
    return f"{code} (locked)" if code in locked else code


def palette_bar(palette: Palette, locked: Sequence[str] = ()) -> go.Figure:
    """Horizontal bars of a palette's colours, largest share on top, labelled by hex code.

    Colours in ``locked`` are labelled "(locked)".
    """
    p = palette.by_share()
    hexes = p.hex
    fig = go.Figure(
        go.Bar(
            x=100 * p.shares,
            y=hexes,
            orientation="h",
            marker={"color": hexes, "line": {"color": "#888", "width": 1}},
            text=[f"{100 * s:.1f}%" for s in p.shares],
            textposition="outside",
            hovertemplate="%{y}: %{x:.1f}% of the picture<extra></extra>",
        )
    )
    fig.update_layout(
        xaxis_title="share of the picture (%)",
        yaxis={
            "autorange": "reversed",
            "type": "category",
            "tickfont": {"family": "monospace"},
            "tickvals": hexes,
            "ticktext": [_label(h, locked) for h in hexes],
        },
        xaxis_range=[0, 100 * float(p.shares.max()) * 1.2 if len(p) else 100],
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=80 + 24 * len(p),
    )
    return fig


def palette_timeline(palettes: Sequence[Palette]) -> go.Figure:
    """Stacked bars, one per frame, of each palette entry's colour and share.

    Entry ``i`` of every frame is stacked at the same height, so in modes
    where entry ``i`` follows one cluster from frame to frame (seeded,
    global) a band keeps its colour, and where it does not (independent,
    random start) the colours jump.
    """
    n = len(palettes)
    k = max(len(p) for p in palettes)
    shares = np.zeros((k, n))
    colors = np.full((k, n, 3), 255, dtype=np.uint8)
    for t, p in enumerate(palettes):
        shares[: len(p), t] = 100 * p.shares
        colors[: len(p), t] = p.colors
    frames = np.arange(1, n + 1)
    fig = go.Figure()
    for i in range(k):
        hexes = _hex(colors[i])
        fig.add_trace(
            go.Bar(
                x=frames,
                y=shares[i],
                marker={"color": hexes, "line": {"width": 0}},
                customdata=hexes,
                hovertemplate="frame %{x}: %{customdata}, %{y:.1f}%<extra></extra>",
                showlegend=False,
            )
        )
    fig.update_layout(
        barmode="stack",
        bargap=0,
        xaxis_title="frame",
        yaxis_title="share of the frame (%)",
        yaxis_range=[0, 100],
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=320,
    )
    return fig


def _cloud_colors(pixels: np.ndarray) -> tuple[np.ndarray, list]:
    # Colour each point by an index into a scale of its distinct colours rounded to
    # 16 levels a channel: a few hundred scale entries instead of a string per point.
    rounded = (pixels.astype(np.uint16) // 16 * 17).astype(np.uint8)
    distinct, index = np.unique(rounded, axis=0, return_inverse=True)
    if len(distinct) == 1:
        distinct = np.vstack([distinct, distinct])
    stops = np.linspace(0.0, 1.0, len(distinct))
    scale = [[float(s), h] for s, h in zip(stops, _hex(distinct))]
    return index.reshape(-1).astype(np.uint16), scale


def color_cloud(
    pixels: np.ndarray,
    space: str,
    centers: Sequence[np.ndarray],
    colors: Sequence[np.ndarray],
    max_path_frames: int = MAX_PATH_FRAMES,
    locked: Sequence[str] = (),
) -> go.Figure:
    """3-D scatter of pixels at their own colour, with the cluster centres drawn large.

    Parameters
    ----------
    pixels : ndarray, shape (n, 3), uint8
        sRGB pixels to draw (:func:`sample_pixels`).
    space : {"rgb", "hsv", "lab", "oklab", "din99o"}
        The space the centres live in; pixels are converted to it.
    centers : sequence of ndarray, shape (k, 3)
        Centres in ``space``, one array per frame (one for a still).
    colors : sequence of ndarray, shape (k, 3), uint8
        The palette colour of each centre, per frame.
    max_path_frames : int
        With several frames, each centre's path through them is drawn as a
        line over at most this many evenly spaced frames.
    locked : sequence of str
        Hex codes of locked colours: their centres are drawn as squares.

    Returns
    -------
    plotly.graph_objects.Figure
        The centres of the first frame are the large diamonds.
    """
    titles, order = _AXES[space]
    order = list(order)
    fig = go.Figure(_pixel_trace(pixels, space, "pixels"))
    if len(centers) > 1:
        fig.add_trace(_centre_paths(centers, colors, order, max_path_frames))
    first = np.asarray(centers[0])[:, order]
    hexes = np.array(_hex(colors[0]))
    is_locked = np.isin(hexes, list(locked))
    suffix = " (frame 1)" if len(centers) > 1 else ""
    fig.add_trace(_centres(first[~is_locked], hexes[~is_locked], "cluster centres" + suffix))
    if is_locked.any():
        fig.add_trace(_centres(first[is_locked], hexes[is_locked], "locked colours (squares)",
                               "square"))
    _scene(fig, titles)
    return fig


def _centre_paths(centers: Sequence[np.ndarray], colors: Sequence[np.ndarray], order: list[int],
                  max_path_frames: int) -> go.Scatter3d:
    # Each centre's path through evenly spaced frames, one line per centre (None breaks it),
    # each point at the colour the centre had then.
    steps = np.unique(np.linspace(0, len(centers) - 1, max_path_frames).round().astype(int))
    k = min(len(centers[t]) for t in steps)
    path = np.stack([np.asarray(centers[t])[:k][:, order] for t in steps])  # (T, k, 3)
    path_colors = np.stack([np.asarray(colors[t])[:k] for t in steps])
    xs, ys, zs, cs = [], [], [], []
    for j in range(k):
        xs += [*path[:, j, 0], None]
        ys += [*path[:, j, 1], None]
        zs += [*path[:, j, 2], None]
        cs += [*_hex(path_colors[:, j]), "#000000"]
    return go.Scatter3d(
        x=xs,
        y=ys,
        z=zs,
        mode="lines+markers",
        name="centre paths over the frames",
        line={"color": "rgba(60, 60, 60, 0.45)", "width": 1.5},
        marker={"size": 3, "color": cs},
        hoverinfo="skip",
    )


def _pixel_trace(pixels: np.ndarray, space: str, name: str, size: float = 3,
                 opacity: float = 0.35) -> go.Scatter3d:
    # Pixels at their own colour, axes in the order of _AXES (lightness up).
    xyz = to_space(pixels, space)[:, list(_AXES[space][1])]
    index, scale = _cloud_colors(pixels)
    return go.Scatter3d(
        x=xyz[:, 0],
        y=xyz[:, 1],
        z=xyz[:, 2],
        mode="markers",
        name=name,
        marker={
            "size": size,
            "color": index,
            "colorscale": scale,
            "cmin": 0,
            "cmax": len(scale) - 1,
            "opacity": opacity,
        },
        hoverinfo="skip",
    )


def _centres(xyz: np.ndarray, hexes, name: str, symbol: str = "diamond",
             size: int = 12, note: Sequence[str] | None = None) -> go.Scatter3d:
    hexes = list(hexes)
    return go.Scatter3d(
        x=xyz[:, 0],
        y=xyz[:, 1],
        z=xyz[:, 2],
        mode="markers",
        name=name,
        marker={"size": size, "color": hexes, "symbol": symbol,
                "line": {"color": "#000", "width": 2}},
        text=hexes if note is None else [f"{h} {n}" for h, n in zip(hexes, note)],
        hovertemplate="%{text}<extra></extra>",
    )


#: Where the 3-D views look from: farther out than Plotly's default (1.25, 1.25, 1.25),
#: so the axis titles at the cube's near corners stay inside the figure.
CAMERA_EYE = {"x": 1.65, "y": 1.65, "z": 1.1}


def _scene(fig: go.Figure, titles, height: int = 520) -> None:
    fig.update_layout(
        scene={"xaxis_title": titles[0], "yaxis_title": titles[1], "zaxis_title": titles[2],
               "camera": {"eye": CAMERA_EYE}},
        legend={"orientation": "h", "y": 0},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=height,
    )


def transfer_clouds(
    source_pixels: np.ndarray,
    target_pixels: np.ndarray,
    space: str,
    source: Palette,
    target: Palette,
    mapping: np.ndarray | None,
) -> go.Figure:
    """Both pictures' colours in one 3-D scene, and where each source colour goes.

    Parameters
    ----------
    source_pixels, target_pixels : ndarray, shape (n, 3), uint8
        Sampled pixels of the current picture and of the picture whose
        colours are taken (:func:`ui.preview.sample_pixels`).
    space : {"rgb", "hsv", "lab", "oklab", "din99o"}
        The space to draw in.
    source, target : Palette
        The two k-colour palettes (``core.TransferResult``).
    mapping : ndarray of int, shape (len(source),), or None
        Index into ``target`` of each source colour; ``None`` (Reinhard)
        draws no arrows.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: both clouds, the source centres (diamonds), the target
        centres (squares) and, with a mapping, one dark line per source
        colour from its centre to its target colour. (Plotly's cones would
        make arrow heads, but their size follows the axis ranges and swamped
        the clouds.)
    """
    titles, order = _AXES[space]
    order = list(order)
    s_xyz = to_space(source.colors, space)[:, order]
    t_xyz = to_space(target.colors, space)[:, order]
    fig = go.Figure([
        # Faint clouds, so the centres and the lines between them stand out.
        _pixel_trace(source_pixels, space, "this picture's pixels", 2, 0.15),
        _pixel_trace(target_pixels, space, "the other picture's pixels", 2, 0.15),
    ])
    if mapping is not None:
        mapping = np.asarray(mapping, dtype=int)
        # One segment per source colour, (start, end, gap) in every coordinate.
        ends = [[*s_xyz[i], *t_xyz[j]] for i, j in enumerate(mapping)]
        xyz = [[v for e in ends for v in (e[a], e[a + 3], None)] for a in range(3)]
        fig.add_trace(go.Scatter3d(
            x=xyz[0], y=xyz[1], z=xyz[2], mode="lines", name="where each colour goes",
            line={"color": "#222", "width": 5}, hoverinfo="skip",
        ))
    share = [f"({100 * v:.0f}%)" for v in source.shares]
    fig.add_trace(_centres(s_xyz, source.hex, "this picture's colours", size=8, note=share))
    share = [f"({100 * v:.0f}%)" for v in target.shares]
    fig.add_trace(_centres(t_xyz, target.hex, "the other picture's colours", "square", 8, share))
    _scene(fig, titles, 560)
    return fig


def transfer_mapping(
    source: Palette, target: Palette, mapping: np.ndarray | None = None
) -> go.Figure:
    """Two rows of swatches, source above target, with a line from each source colour
    to the target colour it becomes.

    Parameters
    ----------
    source, target : Palette
    mapping : ndarray of int, shape (len(source),), optional
        Index into ``target`` for each entry of ``source`` (palette order);
        ``None`` draws the swatches without lines.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    s_x, t_x, width = _row_positions(source, target)
    fig = go.Figure()
    if mapping is not None:
        xs, ys = [], []
        for i, j in enumerate(np.asarray(mapping, dtype=int)):
            xs += [s_x[i], t_x[j], None]
            ys += [1.0, 0.0, None]
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", line={"color": "#999", "width": 1.5}, hoverinfo="skip"
            )
        )
    fig.add_trace(_swatch_row(s_x, source, 1.0, "source"))
    fig.add_trace(_swatch_row(t_x, target, 0.0, "target"))
    fig.update_layout(
        showlegend=False,
        xaxis={"visible": False, "range": [-0.7, width + 0.7]},
        yaxis={
            "range": [-0.4, 1.4],
            "tickvals": [0, 1],
            "ticktext": ["target", "source"],
            "showgrid": False,
            "zeroline": False,
        },
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        height=220,
    )
    return fig


def _row_positions(source: Palette, target: Palette) -> tuple[np.ndarray, np.ndarray, int]:
    # The x of each entry (in palette order) of both rows: each row is drawn largest share
    # first, and both are spread over the same width, whatever their lengths.
    width = max(len(source), len(target)) - 1 or 1

    def row(pal: Palette) -> np.ndarray:
        rank = np.empty(len(pal), dtype=float)
        rank[np.argsort(-pal.shares, kind="stable")] = np.arange(len(pal))
        return rank * width / max(len(pal) - 1, 1)

    return row(source), row(target), width


def _swatch_row(x: np.ndarray, pal: Palette, y: float, name: str) -> go.Scatter:
    hexes = pal.hex
    return go.Scatter(
        x=x,
        y=np.full(len(pal), y),
        mode="markers",
        marker={
            "symbol": "square",
            "size": 26,
            "color": hexes,
            "line": {"color": "#555", "width": 1},
        },
        customdata=np.column_stack([hexes, [f"{100 * s:.1f}%" for s in pal.shares]]),
        hovertemplate=name + " %{customdata[0]} (%{customdata[1]})<extra></extra>",
    )


def transfer_result(result_pixels: np.ndarray, space: str, target: Palette) -> go.Figure:
    """3-D cloud of a transfer's result, with each target colour sized by how much it is used.

    Parameters
    ----------
    result_pixels : ndarray, shape (n, 3), uint8
        Sampled pixels of the result.
    space : {"rgb", "hsv", "lab", "oklab", "din99o"}
    target : Palette
        The palette the result was painted with.

    Returns
    -------
    plotly.graph_objects.Figure
        The pixels, and one square per target colour whose area follows
        the share of sampled result pixels painted exactly in it (a small
        square: unused). With a palette method every pixel sits on a square.
    """
    titles, order = _AXES[space]
    codes = np.array([(int(r) << 16) | (int(g) << 8) | int(b) for r, g, b in target.colors])
    px = result_pixels.astype(np.int64)
    painted = (px[:, 0] << 16) | (px[:, 1] << 8) | px[:, 2]
    share = (painted[:, None] == codes[None, :]).mean(axis=0) if len(px) else np.zeros(len(codes))
    fig = go.Figure(_pixel_trace(result_pixels, space, "the result's pixels"))
    xyz = to_space(target.colors, space)[:, list(order)]
    trace = _centres(xyz, target.hex, "the other picture's colours, by use", "square",
                     note=[f"paints {100 * v:.0f}% of the result" for v in share])
    trace.marker.size = list(4 + 60 * np.sqrt(share))
    fig.add_trace(trace)
    _scene(fig, titles, 560)
    return fig
