"""Cached calls into core: loading, quantizing each mode, measuring, encoding.

Every cached function is keyed on a *source key* (a digest of the uploaded
bytes, or the sample's name) plus the settings it depends on, never on pixel
arrays, which Streamlit hashes from a sample only (arrays are passed as
``_media``). Each mode is its own cache entry, so a knob that only one mode
uses recomputes only that mode, and an unrelated widget recomputes nothing.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import core
from core.limits import DEFAULT_LIMITS, export_size, fit_to_limits, load_within_limits
from core.samples import load_sample
from ui import preview
from ui.labels import mode_label
from ui.settings import Settings

#: The mode that shows the naive flicker: every frame from its own random start.
NAIVE_MODE = "independent"
#: The only mode the hysteresis and damping knobs change.
STABLE_MODE = "stable"


@dataclass(frozen=True)
class Source:
    """The media the page works on: a preview fitted to the app's limits, and its file.

    Attributes
    ----------
    key : str
        Cache key: a digest of the upload, or ``"sample:<name>"``.
    name : str
    media : core.Media
        The preview every mode is compared on (downscaled to the limits).
    notices : tuple of str
        What was cut or downscaled, in words.
    data : bytes or None
        The uploaded file, for full-size exports; ``None`` for a sample,
        whose preview is already full size.
    """

    key: str
    name: str
    media: core.Media
    notices: tuple[str, ...]
    data: bytes | None = None

    @property
    def full_size(self) -> tuple[int, int]:
        """(width, height) of a full-size export."""
        return export_size(self.media, DEFAULT_LIMITS)

    @property
    def preview_is_smaller(self) -> bool:
        """True when the page compares on frames smaller than what Export can make."""
        return self.data is not None and self.full_size != self.media.size


@dataclass(frozen=True)
class Export:
    """A full-size file made on request: its bytes and what :func:`core.convert` reported."""

    key: tuple
    data: bytes
    report: core.ConvertReport


@dataclass(frozen=True)
class Run:
    """What the page shows of one quantization (one mode of an animation, or a still).

    Attributes
    ----------
    palettes, centers : list
        Per frame: the ``Palette`` and the cluster centres (in ``space``).
    space : str
    flicker_series : ndarray
        ``core.metrics.flicker_series`` (empty for a still).
    flicker : float
        Mean flicker (NaN for a still).
    mean_delta_e : float
        Mean CIEDE2000 colour error against the original.
    file : bytes
        The download: a GIF (animation) or an indexed PNG (still).
    preview : bytes
        What the page shows: the GIF at most 1460 px wide, or the PNG.
    """

    palettes: list
    centers: list
    space: str
    flicker_series: np.ndarray
    flicker: float
    mean_delta_e: float
    file: bytes
    preview: bytes


@dataclass(frozen=True)
class View:
    """Everything the tabs show: the source, the settings used and the runs they gave.

    ``runs`` maps each mode of ``core.MODES`` to its :class:`Run` for an
    animation, or ``"still"`` to the one run of a still image.
    """

    source: Source
    settings: Settings
    runs: dict


def mode_settings(settings: Settings, mode: str) -> Settings:
    """The settings a mode runs with, and so its cache key.

    The naive mode always starts from random pixels; knobs of the stable mode
    are reset for the others, so moving them recomputes only the stable mode.
    """
    if mode != STABLE_MODE:
        settings = replace(settings, knobs=core.StableKnobs())
    return settings.with_options(init="random") if mode == NAIVE_MODE else settings


def digest(data: bytes) -> str:
    """A short key for uploaded bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


@st.cache_data(max_entries=4, show_spinner="Reading the file…")
def _load_upload(data: bytes) -> tuple[core.Media, tuple[str, ...]]:
    media, notices = load_within_limits(data, DEFAULT_LIMITS)
    return media, tuple(notices)


@st.cache_data(max_entries=4, show_spinner="Building the sample…")
def _load_sample(name: str) -> tuple[core.Media, tuple[str, ...]]:
    media, notices = fit_to_limits(load_sample(name), DEFAULT_LIMITS)
    return media, tuple(notices)


def upload_source(name: str, data: bytes) -> Source:
    """Load uploaded bytes (raises ``core.MediaError`` with a readable message)."""
    media, notices = _load_upload(data)
    return Source(digest(data), name, media, notices, data)


def sample_source(name: str) -> Source:
    """Build a bundled sample."""
    media, notices = _load_sample(name)
    return Source("sample:" + name, name, media, notices)


@st.cache_data(max_entries=4, show_spinner="Preparing the original for playback…")
def original_gif(key: str, _media: core.Media) -> bytes:
    """The original animation as GIF bytes that play in the page."""
    return preview.preview_gif(_media.frames, _media.durations, _media.loop)


@st.cache_data(max_entries=4, show_spinner=False)
def cloud_pixels(key: str, _media: core.Media) -> np.ndarray:
    """A fixed sample of the source's pixels for the 3-D colour cloud."""
    return preview.sample_pixels(_media.frames, preview.CLOUD_POINTS, seed=0)


def _bar(label: str, total: int) -> tuple[DeltaGenerator, Callable[[int, int], None]]:
    bar = st.progress(0.0, text=f"{label}: frame 0 of {total}")

    def report(done: int, total: int) -> None:
        bar.progress(done / total, text=f"{label}: frame {done} of {total}")

    return bar, report


@st.cache_data(max_entries=24, show_spinner=False)
def run_mode(key: str, settings: Settings, mode: str, _media: core.Media) -> Run:
    """Quantize every frame in ``mode``, measure it and encode the GIF.

    Draws a progress bar (frames done of total) while it works; a cached
    result comes back at once and its bar is already gone.
    """
    label = mode_label(mode)
    frames, alphas = _media.frames, _media.alphas
    bar, report = _bar(label, len(frames))
    results = core.quantize_frames(
        frames, settings.k, mode=mode, alphas=alphas, progress=report, **settings.frame_kwargs()
    )
    if settings.dither != "none":
        bar.progress(1.0, text=f"{label}: dithering…")
        results = core.dither_results(frames, results, settings.dither, alphas)
    bar.progress(1.0, text=f"{label}: measuring flicker and colour error…")
    quantized = [r.image for r in results]
    series = core.metrics.flicker_series(frames, quantized)
    gif = core.to_bytes(
        core.save_gif, results, durations=_media.durations, loop=_media.loop, alphas=alphas
    )
    w = results[0].labels.shape[1]
    shown = gif if w <= preview.MAX_GIF_WIDTH else preview.result_gif(
        results, _media.durations, _media.loop, alphas
    )
    bar.empty()  # also when the cache replays this function's elements
    return Run(
        palettes=[r.palette for r in results],
        centers=[r.centers for r in results],
        space=results[0].space,
        flicker_series=series,
        flicker=core.metrics.mean_flicker(series),
        mean_delta_e=core.metrics.mean_delta_e(frames, quantized, alphas),
        file=gif,
        preview=shown,
    )


def export_key(source: Source, settings: Settings, mode: str, max_bytes: int | None = None,
               fmt: str = "gif") -> tuple:
    """What a full-size export depends on: the file, the mode, its settings, the size and format."""
    return (source.key, mode_settings(settings, mode), mode, max_bytes, fmt)


def fit_kwargs(settings: Settings) -> dict:
    """The options of a size-targeted export: the stable knobs only where moved off their defaults.

    A size target chooses the hold itself unless it is given (as on the
    command line, where the knobs are passed only when typed).
    """
    defaults = asdict(core.StableKnobs())
    return {name: value for name, value in settings.frame_kwargs().items()
            if name not in defaults or value != defaults[name]}


def full_export(source: Source, settings: Settings, mode: str, max_bytes: int | None = None,
                fmt: str = "gif") -> Export:
    """Stream the uploaded file at full size through one mode into GIF (or MP4) bytes.

    With ``max_bytes`` the GIF fits in that many bytes, ``k`` and the hold
    chosen by :func:`core.convert` (the sidebar's k does not bound it); when
    nothing fits, the smallest file reached is returned with its report
    (``report.fit.fits`` is False). An MP4 keeps the clip's sound. Not cached
    across sessions: the file can be tens of MB, so the page keeps the latest
    ones in the visitor's session instead. Draws a progress bar. Raises
    ``core.MediaError`` when the file cannot be read.
    """
    settings_used = mode_settings(settings, mode)
    bar, report = _bar(f"{mode_label(mode)}, full size", len(source.media.frames))
    buf = io.BytesIO()
    fitted = max_bytes is not None
    kwargs = fit_kwargs(settings_used) if fitted else settings_used.frame_kwargs()
    try:
        result = core.convert(
            source.data, buf, None if fitted else settings.k, mode=mode, dither=settings.dither,
            format=fmt, max_side=DEFAULT_LIMITS.max_export_side, max_bytes=max_bytes,
            max_frames=len(source.media.frames), progress=report, **kwargs,
        )
    except core.SizeLimitError as exc:
        result = exc.report
    bar.empty()
    return Export(export_key(source, settings, mode, max_bytes, fmt), buf.getvalue(), result)


@st.cache_data(max_entries=2, show_spinner="Encoding the MP4…")
def mp4_file(key: str, settings: Settings, mode: str, _gif: bytes) -> bytes:
    """An H.264 MP4 of one mode's result, decoded from its exact GIF."""
    result = core.load_media(_gif)
    frames, fps = core.constant_rate(result.frames, result.durations)
    return core.to_bytes(core.save_mp4, frames, fps=fps)


@st.cache_data(max_entries=24, show_spinner="Reducing the colours…")
def run_still(key: str, settings: Settings, _media: core.Media) -> Run:
    """Quantize a still image, measure it and encode the PNG."""
    image = _media.frames[0]
    alpha = None if _media.alphas is None else _media.alphas[0]
    result = core.quantize(image, settings.k, alpha=alpha, **settings.kwargs())
    if settings.dither != "none":
        result = core.dither_results([image], [result], settings.dither, [alpha])[0]
    png = core.to_bytes(core.save_png, result, alpha=alpha)
    quality = core.metrics.quality(image, result.image, alpha)
    return Run(
        palettes=[result.palette],
        centers=[result.centers],
        space=result.space,
        flicker_series=np.array([]),
        flicker=float("nan"),
        mean_delta_e=quality.mean_delta_e,
        file=png,
        preview=png,
    )


def modes_for(settings: Settings) -> list[str]:
    """The animation modes these settings can run: not "seeded" with Ward (nothing to seed)."""
    if settings.options.algorithm == "agglomerative":
        return [m for m in core.MODES if m != "seeded"]
    return list(core.MODES)


def run_all(source: Source, settings: Settings) -> dict[str, Run]:
    """Every mode of an animation (:func:`modes_for`), or ``{"still": run}`` for a still."""
    if not source.media.is_animated:
        return {"still": run_still(source.key, settings, source.media)}
    return {
        mode: run_mode(source.key, mode_settings(settings, mode), mode, source.media)
        for mode in modes_for(settings)
    }
