"""The Compare tab: the original beside each way of reducing its colours, with numbers in words."""

from __future__ import annotations

import math

import streamlit as st

import core
from core.units import file_size
from ui import figures
from ui.compute import NAIVE_MODE, Run, View, default_mode, original_frames, run_still
from ui.labels import METRIC_LABELS, SPACE_LABELS, mode_label
from ui.player import Panel, player

DELTA_E_HELP = (
    "ΔE measures how different two colours look: about 1 is just visible, 2-3 is "
    "noticeable side by side, above 5 the colours are clearly different."
)
FLICKER_HELP = (
    "How much colour jumps from one frame to the next in the parts of the scene that "
    "did not change, in ΔE. 0 means still things keep their colour exactly."
)


def short_label(mode: str) -> str:
    """A mode's name for sentences: its label without the explanation in brackets."""
    return mode_label(mode).split(" (")[0]


def ratio(value: float) -> str:
    """A ratio in words' precision: "4.7", "12", "991", "12,400" (never "991.0")."""
    return f"{value:.1f}" if value < 9.95 else f"{value:,.0f}"


def flicker_sentence(mode: str, run: Run, base: Run) -> str:
    """One sentence comparing ``run``'s flicker with the naive mode's, e.g. "4.7x less"."""
    name, naive = short_label(mode), short_label(NAIVE_MODE).lower()
    if math.isnan(run.flicker) or math.isnan(base.flicker):
        return f"**{name}**: no part of the scene stays still long enough to measure flicker."
    if run.flicker < 0.005:
        how = "does **not flicker at all**"
    elif base.flicker / run.flicker >= 1.05:
        how = f"flickers **{ratio(base.flicker / run.flicker)}x less** than {naive}"
    elif run.flicker / base.flicker >= 1.05:
        how = f"flickers **{ratio(run.flicker / base.flicker)}x more** than {naive}"
    else:
        how = f"flickers about as much as {naive}"
    return (
        f"**{name}** {how} (flicker {run.flicker:.2f} vs {base.flicker:.2f}), with a colour "
        f"error of ΔE {run.mean_delta_e:.1f} (vs {base.mean_delta_e:.1f})."
    )


def show(view: View) -> None:
    """Draw the Compare tab for an animation or a still."""
    if view.animated:
        _animation(view)
    else:
        _still(view)


def _animation(view: View) -> None:
    runs = view.runs
    st.markdown(
        f"Each column reduces the same animation to **{view.settings.k} colours** in a "
        f"different way. **{short_label(NAIVE_MODE)}** chooses colours for every frame on its "
        "own, each time starting from random pixels: that is the usual quick way, and it "
        "makes the colours of things that do not move jump from frame to frame (flicker). "
        "The other columns carry colours over between frames. All columns play on one clock: "
        "pause and move the slider to compare one frame. "
        f"*(The sidebar's initialisation applies to the other columns; "
        f"{short_label(NAIVE_MODE).lower()} always starts at random, to show that flicker.)*"
    )
    if "seeded" not in runs:
        st.caption(
            "Seeded is left out: Agglomerative clustering merges colours step by step and "
            "has no starting colours to carry over. Choose KMeans or MiniBatchKMeans to see it."
        )
    if view.source.plan is not None:
        st.info(view.source.plan.sentence, icon=":material/aspect_ratio:")
    base = runs.get(NAIVE_MODE)
    if base is not None:
        for mode, run in runs.items():
            if mode != NAIVE_MODE:
                st.markdown("- " + flicker_sentence(mode, run, base))
    _in_step(view, runs)
    st.markdown("##### Flicker frame by frame")
    st.caption("Lower is steadier. " + FLICKER_HELP)
    series = {mode_label(m): r.flicker_series for m, r in runs.items()}
    st.plotly_chart(figures.flicker_chart(series), key="flicker_chart")


def ordered(runs: dict) -> list[str]:
    """The modes with the default result (Stable) first, beside the original."""
    first = default_mode(runs)
    return [first] + [m for m in runs if m != first]


def _in_step(view: View, runs: dict) -> None:
    # The original and every result on one clock, then each result's numbers.
    media = view.source.media
    sheet, columns = original_frames(view.source)
    (w, h), n = media.size, len(media.frames)
    panels = [Panel(f"Original ({n} frames, {w}x{h})", sheet, "sheet", columns)]
    modes = ordered(runs)
    panels += [Panel(mode_label(m), runs[m].preview, caption=_numbers(runs[m]),
                     frame_of=runs[m].frame_of) for m in modes]
    player(panels, media.durations, media.size, key="compare_player",
           identity=f"{view.source.key}|{view.settings}")
    st.caption(f"{n} frames, {w}x{h} pixels")
    for column, mode in zip(st.columns(len(modes)), modes):
        run = runs[mode]
        with column:
            st.markdown(f"**{short_label(mode)}**")
            st.metric("Flicker", f"{run.flicker:.2f}", help=FLICKER_HELP)
            st.metric("Error", f"{run.mean_delta_e:.2f}", help="Colour error against the "
                      "original, mean ΔE. " + DELTA_E_HELP)
            st.caption(f"GIF file: **{file_size(len(run.file))}**")


def _numbers(run: Run) -> str:
    return (f"flicker {run.flicker:.2f} · error ΔE {run.mean_delta_e:.1f} · "
            f"GIF {file_size(len(run.file))}")


def _still(view: View) -> None:
    source, settings, run = view.source, view.settings, view.run("still")
    left, right = st.columns(2)
    left.markdown("**Original**")
    left.image(source.media.frames[0], output_format="PNG", width="stretch")
    right.markdown(f"**{settings.k} colours**")
    right.image(run.preview, width="stretch")
    right.metric("Colour error (mean ΔE)", f"{run.mean_delta_e:.2f}", help=DELTA_E_HELP)
    right.caption(f"PNG file: **{file_size(len(run.file))}**")
    st.markdown("##### Quick compare")
    what = st.segmented_control(
        "Compare, with the same k",
        ["spaces", "distances"],
        default="spaces",
        key="still_compare",
        format_func={"spaces": "Colour spaces", "distances": "Distances"}.get,
        required=True,
    )
    if what == "spaces":
        variants = {SPACE_LABELS[s]: settings.with_options(space=s) for s in core.SPACES}
        note = None
    else:
        # Manhattan distance is k-medians, which only the KMeans algorithm runs.
        variants = {
            METRIC_LABELS[m]: settings.with_options(metric=m, algorithm="kmeans")
            for m in core.METRICS
        }
        note = "Both use the KMeans algorithm here: Manhattan distance needs it."
    columns = st.columns(len(variants))
    for column, (label, variant) in zip(columns, variants.items()):
        with column:
            result = run_still(source.key, variant, source.media)
            current = " (your setting)" if variant == settings else ""
            st.markdown(f"**{label}**{current}")
            st.image(result.preview, width="stretch")
            st.caption(f"Colour error: mean ΔE {result.mean_delta_e:.2f} · PNG file: "
                       f"{file_size(len(result.file))}")
    if note:
        st.caption(note)
    st.caption("Lower ΔE means closer to the original. " + DELTA_E_HELP)
