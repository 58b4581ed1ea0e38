"""The sidebar knobs and the frozen settings they produce.

Every knob has a key (tests drive them by key) and a one-line help text written
for someone who has never heard of k-means. Their starting values live in
:data:`DEFAULTS` and are put into ``st.session_state`` before the knobs are
drawn (:func:`init_state`), so a shared link (:mod:`ui.address`) can set them
on a session's first run and the knobs rule from then on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import streamlit as st

import core
from core.limits import DEFAULT_LIMITS
from core.samples import SAMPLES
from ui import locked
from ui.labels import ALGORITHM_LABELS, DITHER_LABELS, INIT_LABELS, METRIC_LABELS, SPACE_LABELS

#: Pixels darker / lighter than these CIELAB L* values are "near black / white".
NEAR_BLACK_L = 8.0
NEAR_WHITE_L = 95.0
#: The range of the k slider: up to a GIF's 256 colours, as on the command line.
K_MIN, K_MAX = 2, 256
#: The range of the seed box.
SEED_MAX = 2**31 - 1
#: The stable-mode sliders: (low, high, step).
HYSTERESIS_RANGE = (0.0, 5.0, 0.5)
DAMPING_RANGE = (0.0, 6.0, 0.5)

#: The starting value of every knob the page's address carries, by widget key.
DEFAULTS = {
    "k": 8,
    "space": "lab",
    "metric": "euclidean",
    "algorithm": "kmeans",
    "init": "k-means++",
    "no_black": False,
    "no_white": False,
    "seed": 0,
    "dither": "none",
    "hysteresis": core.HYSTERESIS,
    "damping": core.DAMPING,
    "sample": next(iter(SAMPLES)),
    "locked_rule": "lightness",
    "start": 0.0,
    "end": None,
    "fps": 0,
    "width": 0,
}


@dataclass(frozen=True)
class Settings:
    """What the sidebar is set to: ``k``, the clustering options, dithering, stable knobs.

    The clustering choices are a :class:`core.QuantizeOptions` and the stable
    mode's a :class:`core.StableKnobs`, so they are checked where core checks
    them and never listed twice.
    """

    k: int = 8
    options: core.QuantizeOptions = field(default_factory=core.QuantizeOptions)
    dither: str = "none"
    knobs: core.StableKnobs = field(default_factory=core.StableKnobs)

    def __post_init__(self):
        n = len(self.options.locked)
        if n > self.k:
            raise ValueError(
                f"{n} colours are locked but k is {self.k}: raise k to at least {n}, "
                "or unlock some colours."
            )

    def kwargs(self) -> dict:
        """Keyword arguments for ``core.quantize``: the clustering choices without ``k``."""
        return asdict(self.options)

    def frame_kwargs(self) -> dict:
        """Keyword arguments for ``core.quantize_frames``: :meth:`kwargs` and the stable knobs."""
        return {**self.kwargs(), **asdict(self.knobs)}

    def with_options(self, **changes) -> Settings:
        """These settings with some clustering options changed (``space="hsv"``...)."""
        return replace(self, options=replace(self.options, **changes))


def init_state() -> None:
    """Give every knob its default in ``st.session_state`` unless it has a value already."""
    for key, value in DEFAULTS.items():
        st.session_state.setdefault(key, value)
    locked.init_state()


def sidebar() -> Settings:
    """Draw the knobs in the sidebar and return what they are set to.

    Raises
    ------
    ValueError
        When the knobs do not go together (e.g. Manhattan with
        MiniBatchKMeans, or more locked colours than k).
    """
    init_state()
    sb = st.sidebar
    sb.header("Settings")
    k = sb.slider(
        "Number of colours (k)", K_MIN, K_MAX, key="k",
        help="How many colours the result may use (up to 256, a GIF's limit): fewer colours, "
        "stronger effect. Click the slider and use the arrow keys for single steps.",
    )
    clustering = _clustering_knobs(sb)
    lightness = _lightness_knobs(sb)
    seed = sb.number_input(
        "Seed", 0, SEED_MAX, step=1, key="seed",
        help="Fixes every random choice: the same seed and settings give the same result.",
    )
    dither = sb.radio(
        "Dithering", list(DITHER_LABELS), key="dither", format_func=DITHER_LABELS.get,
        help="Mix palette colours in fine patterns to suggest the missing ones. Ordered "
        "dithering keeps still areas still; error diffusion shimmers in animations.",
    )
    knobs = _stable_knobs(sb)
    colors = locked.editor(sb, K_MAX, int(k))
    sb.caption(_limits_note())
    options = core.QuantizeOptions(**clustering, **lightness, seed=int(seed), locked=colors,
                                   locked_rule=st.session_state.get("locked_rule", "lightness"))
    return Settings(k=int(k), options=options, dither=dither, knobs=knobs)


def _clustering_knobs(sb) -> dict:
    # How colours are told apart and grouped: the space, distance, algorithm and start.
    space = sb.radio(
        "Colour space", list(SPACE_LABELS), key="space", format_func=SPACE_LABELS.get,
        help="Where 'how different are two colours' is measured: Lab and Oklab follow the "
        "eye, DIN99o the colour error (ΔE) the page reports (lower error on photos, but a "
        "small vivid detail may lose its colour), RGB the screen's numbers, HSV the hue wheel.",
    )
    metric = sb.radio(
        "Distance", list(METRIC_LABELS), key="metric", format_func=METRIC_LABELS.get,
        help="How colour differences add up: Euclidean is the straight line (k-means), "
        "Manhattan the sum of the steps (k-medians; KMeans only).",
    )
    algorithm = sb.radio(
        "Algorithm", list(ALGORITHM_LABELS), key="algorithm", format_func=ALGORITHM_LABELS.get,
        help="KMeans is the classic; MiniBatchKMeans is a faster approximation; "
        "Agglomerative merges the most similar colours step by step.",
    )
    init = sb.radio(
        "Initialisation", list(INIT_LABELS), key="init", format_func=INIT_LABELS.get,
        help="Where the colour groups start before being refined: k-means++ spreads them "
        "out, random picks pixels at random.",
    )
    return {"space": space, "metric": metric, "algorithm": algorithm, "init": init}


def _lightness_knobs(sb) -> dict:
    # Which pixels choose the colours: near-black and near-white ones may sit out.
    no_black = sb.checkbox(
        "Ignore near-black pixels", key="no_black",
        help=f"Pixels darker than L* {NEAR_BLACK_L:g} (e.g. black bars) do not choose colours; "
        "they still get the nearest one.",
    )
    no_white = sb.checkbox(
        "Ignore near-white pixels", key="no_white",
        help=f"Pixels lighter than L* {NEAR_WHITE_L:g} (e.g. a white background) do not choose "
        "colours; they still get the nearest one.",
    )
    return {
        "min_lightness": NEAR_BLACK_L if no_black else None,
        "max_lightness": NEAR_WHITE_L if no_white else None,
    }


def _stable_knobs(sb) -> core.StableKnobs:
    with sb.expander("Stable mode (animations)"):
        hysteresis = st.slider(
            "Hysteresis (ΔE)", *HYSTERESIS_RANGE[:2], step=HYSTERESIS_RANGE[2], key="hysteresis",
            help="A pixel keeps last frame's colour unless another palette colour is this much "
            "closer: stops pixels on an edge from toggling.",
        )
        damping = st.slider(
            "Damping (ΔE)", *DAMPING_RANGE[:2], step=DAMPING_RANGE[2], key="damping",
            help="A palette colour holds still until its group of pixels has moved this much: "
            "stops whole areas from changing shade. The defaults work; 0 turns it off.",
        )
    return core.StableKnobs(hysteresis=float(hysteresis), damping=float(damping))


def _limits_note() -> str:
    limits = DEFAULT_LIMITS
    return (
        f"**Limits:** files up to {limits.max_upload_mb} MB, images up to "
        f"{limits.max_decode_pixels / 1e6:.0f} megapixels, animations up to {limits.max_frames} "
        f"frames, clips up to {core.MAX_VIDEO_SECONDS:g} s (choose the part under the upload). "
        f"The comparison plays frames up to {limits.preview_side} px on the longer side; Export "
        f"makes the whole part at full size, up to {limits.max_export_side} px on the longer side."
    )
