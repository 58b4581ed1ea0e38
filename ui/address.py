"""The page's address: every sidebar knob, the sample and the locked colours as a link.

``?k=5&space=hsv&metric=manhattan`` opens the page with those settings, and
moving a knob rewrites the address, so copying it shares the view. The names
are the knobs' own keys; ``sample`` is a short name (:data:`SAMPLE_SLUGS`),
``palette`` the locked colours as hex codes without ``#``, comma-separated,
and ``recolor`` the Palette tab's swatch edits as ``old-new`` pairs of such
codes (``recolor=2e4a1f-ff8800,c0c0c0-102040``).

``start``, ``end``, ``fps`` and ``width`` are the part of the clip
(:mod:`ui.part`): they apply to the sample animation or the first upload of
the session. The address is read once per session, on its first run (:func:`read_once`):
its values become the knobs' starting values in ``st.session_state``, and
from then on the knobs rule and the address follows (:func:`write`). Every
value is checked against the same choices as the knobs (and ``core``); what
does not fit is left at its default and named in a short notice, escaped, so
nothing from the address reaches the page as markup. Uploads are not part of
a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

import core
from core.palette import hex_code, parse_color
from ui import locked, part, recolor, settings
from ui.markup import plain

#: Short, URL-safe names of the samples: slug -> name in :data:`core.samples.SAMPLES`.
SAMPLE_SLUGS = {
    "temple": "Animation: slow pan over a temple (scikit-learn's china.jpg)",
    "flower": "Still: a flower (scikit-learn)",
    "cat": "Still: Chelsea the cat (scikit-image)",
    "coffee": "Still: a cup of coffee (scikit-image)",
}
#: The address's name of the locked colours.
PALETTE = "palette"
#: The address's name (and session-state key) of the recolouring edits.
RECOLOR = recolor.KEY
#: At most this many ignored parts are named in the notice.
MAX_NAMED = 6
#: Session-state key set once the address has been read.
_READ = "address_read"

_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Parsed:
    """What an address asks for.

    Attributes
    ----------
    values : dict
        Session-state key -> value, for every part that was valid.
    ignored : list of str
        One short, already escaped description per part that was not used.
    """

    values: dict
    ignored: list


def _choice(choices) -> Callable[[str], object]:
    def check(text: str):
        if text not in choices:
            raise ValueError(f"one of {', '.join(choices)}")
        return text

    return check


def _whole(low: int, high: int) -> Callable[[str], int]:
    def check(text: str) -> int:
        # Digits only and few of them: int() of 5,000 digits raises, of 10^6 takes seconds.
        if not re.fullmatch(r"\d{1,10}", text) or not low <= int(text) <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return int(text)

    return check


def _step(low: float, high: float, step: float) -> Callable[[str], float]:
    def check(text: str) -> float:
        if not re.fullmatch(r"\d{1,2}(\.\d{1,3})?", text):
            raise ValueError(f"a number from {low:g} to {high:g} in steps of {step:g}")
        value = float(text)
        if not low <= value <= high or abs(value / step - round(value / step)) > 1e-9:
            raise ValueError(f"a number from {low:g} to {high:g} in steps of {step:g}")
        return value

    return check


def _seconds(text: str) -> float:
    if not re.fullmatch(r"\d{1,5}(\.\d{1,3})?", text) or float(text) > 86_400:
        raise ValueError("a number of seconds such as 2.5")
    return float(text)


def _listed(choices) -> Callable[[str], int]:
    # A whole number from a short list (frame rates, widths).
    def check(text: str) -> int:
        if text not in [str(c) for c in choices]:
            raise ValueError(f"one of {', '.join(str(c) for c in choices)}")
        return int(text)

    return check


def _flag(text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValueError("1 or 0")


def _sample(text: str) -> str:
    if text not in SAMPLE_SLUGS:
        raise ValueError(f"one of {', '.join(SAMPLE_SLUGS)}")
    return SAMPLE_SLUGS[text]


def _palette(text: str) -> list[str]:
    codes = [item for item in text.split(",") if item]
    if not codes or len(codes) > settings.K_MAX:
        raise ValueError(f"1 to {settings.K_MAX} hex colours such as ff8800,0f380f")
    out = []
    for code in codes:
        # "#" starts an address's fragment, so the address holds codes without it.
        if not re.fullmatch(r"[0-9a-fA-F]{6}", code):
            raise ValueError(f"hex colours such as ff8800 ({plain(repr(code), 20)} is not one)")
        out.append(hex_code(parse_color(code)))
    return list(dict.fromkeys(out))


def _recolor(text: str) -> dict[str, str]:
    pairs = [item for item in text.split(",") if item]
    if not pairs or len(pairs) > settings.K_MAX:
        raise ValueError(f"1 to {settings.K_MAX} pairs of hex colours such as 2e4a1f-ff8800")
    edits = {}
    for pair in pairs:
        if not re.fullmatch(r"[0-9a-fA-F]{6}-[0-9a-fA-F]{6}", pair):
            raise ValueError(
                f"pairs of hex colours such as 2e4a1f-ff8800 ({plain(repr(pair), 20)} is not one)"
            )
        old, new = (hex_code(parse_color(code)) for code in pair.split("-"))
        if old != new:
            edits[old] = new
    return edits


#: Every name the address may hold -> the check that turns its text into a value.
PARSERS: dict[str, Callable[[str], object]] = {
    "k": _whole(settings.K_MIN, settings.K_MAX),
    "space": _choice(core.SPACES),
    "metric": _choice(core.METRICS),
    "algorithm": _choice(core.ALGORITHMS),
    "init": _choice(core.INITS),
    "seed": _whole(0, settings.SEED_MAX),
    "dither": _choice(core.DITHER_METHODS),
    "no_black": _flag,
    "no_white": _flag,
    "hysteresis": _step(*settings.HYSTERESIS_RANGE),
    "damping": _step(*settings.DAMPING_RANGE),
    "sample": _sample,
    PALETTE: _palette,
    RECOLOR: _recolor,
    "locked_rule": _choice(core.LOCKED_RULES),
    "start": _seconds,
    "end": _seconds,
    "fps": _listed([c for c in part.FPS_CHOICES if c]),
    "width": _listed([c for c in part.WIDTH_CHOICES if c]),
}


def _shown(name: str, text: str) -> str:
    return f"{plain(name, 24)}={plain(text, 24)}" if text else plain(name, 24)


def parse(params: Mapping[str, str]) -> Parsed:
    """Check every part of an address; keep what is valid, name what is not.

    Parameters
    ----------
    params : mapping of str -> str
        The address's parameters (``st.query_params.to_dict()``).

    Returns
    -------
    Parsed
        ``values`` holds session-state keys (``palette`` becomes
        :data:`ui.locked.KEY`); ``ignored`` the escaped reasons.
    """
    values, ignored = {}, []
    for name, text in params.items():
        text = str(text)
        if name not in PARSERS:
            ignored.append(f"{_shown(name, text)} (not a setting of this page)")
            continue
        try:
            values[name] = PARSERS[name](text)
        except ValueError as why:
            ignored.append(f"{_shown(name, text)} (should be {why})")
    _check_together(values, ignored)
    if PALETTE in values:
        values[locked.KEY] = values.pop(PALETTE)
    return Parsed(values, ignored)


def _check_together(values: dict, ignored: list) -> None:
    # Values that are each valid but clash: the later one named gives way.
    metric = values.get("metric", settings.DEFAULTS["metric"])
    algorithm = values.get("algorithm", settings.DEFAULTS["algorithm"])
    if metric == "manhattan" and algorithm != "kmeans":
        values.pop("metric", None)
        ignored.append(f"metric={metric} (Manhattan works with algorithm=kmeans only)")
    if "end" in values and values["end"] <= values.get("start", 0.0):
        ignored.append(f"end={values.pop('end'):g} (should be after start)")
    colors = values.get(PALETTE, [])
    if len(colors) > values.get("k", settings.DEFAULTS["k"]):
        if "k" in values:
            values.pop(PALETTE)
            ignored.append(f"palette ({len(colors)} colours do not fit in k={values['k']})")
        else:
            values["k"] = len(colors)  # no k given: make room for the palette


def notice(ignored: list[str]) -> str:
    """The message naming what an address asked for that was not used (escaped parts)."""
    named = ignored[:MAX_NAMED]
    more = len(ignored) - len(named)
    tail = f"; and {more} more" if more else ""
    return (
        "Part of the link could not be used, so those settings start at their defaults: "
        + "; ".join(named) + tail + "."
    )


def read_once() -> None:
    """On a session's first run, set the knobs' starting values from the address.

    Must run before the knobs are drawn. What was ignored is kept for
    :func:`show_notice`.
    """
    if st.session_state.get(_READ):
        return
    st.session_state[_READ] = True
    parsed = parse(st.query_params.to_dict())
    for key, value in parsed.values.items():
        st.session_state[key] = value
    if parsed.ignored:
        st.session_state["address_notice"] = notice(parsed.ignored)


def show_notice() -> None:
    """Show, once, what the address asked for that was not used."""
    message = st.session_state.pop("address_notice", None)
    if message:
        st.warning(message, icon=":material/link_off:")


def encode(state: Mapping) -> dict[str, str]:
    """The address of the knobs in ``state``: every value that is not its default.

    Parameters
    ----------
    state : mapping
        Session state (or any mapping of widget key -> value).

    Returns
    -------
    dict of str -> str
    """
    params = {}
    for key, default in settings.DEFAULTS.items():
        value = state.get(key, default)
        if value == default or value is None:
            continue
        if key == "sample":
            slug = next((s for s, name in SAMPLE_SLUGS.items() if name == value), None)
            if slug is not None:
                params[key] = slug
        elif isinstance(value, bool):
            params[key] = "1" if value else "0"
        elif isinstance(value, float):
            params[key] = f"{value:g}"
        else:
            params[key] = str(value)
    colors = state.get(locked.KEY, [])
    if colors:
        params[PALETTE] = ",".join(code.lstrip("#") for code in colors)
    edits = state.get(RECOLOR, {})
    if edits:
        params[RECOLOR] = ",".join(f"{old.lstrip('#')}-{new.lstrip('#')}"
                                   for old, new in edits.items())
    return params


def write() -> dict[str, str]:
    """Put the current knobs into the address (only when it changed); return it."""
    params = encode(st.session_state)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    return params


def share(container, params: Mapping[str, str], upload: str | None = None) -> None:
    """Offer the link to this view in ``container``, saying what it does not hold.

    ``upload`` is the name of the file in use, if any: the link cannot carry it.
    """
    base = st.context.url
    if not base:
        return
    query = urlencode(params, safe=",")
    container.markdown("**Share these settings**")
    container.code(f"{base}?{query}" if query else base, language=None, wrap_lines=True)
    held = ("The link holds every setting above, the chosen sample, your locked colours and "
            "your swatch edits; ")
    if upload:
        container.caption(
            held + f"your file **{plain(upload)}** is not part of it (uploads never are): "
            "whoever opens the link sees the sample instead."
        )
    else:
        container.caption(
            held + "the page's address holds the same. An uploaded file is not part of it: "
            "whoever opens the link sees the sample instead."
        )
