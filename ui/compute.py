"""Calls into core for what the page shows: each mode's result, measured and encoded.

A :class:`View` is the source and the settings; its results are made only when
a tab asks for them (:meth:`View.run`, :attr:`View.runs`), one overall
progress bar across the modes that are missing, and kept in the visitor's
session (:mod:`ui.store`) keyed on the source (the upload's digest and the
part compared) and the settings each mode depends on: moving an unrelated
widget recomputes nothing, a knob that one mode uses recomputes that mode.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, replace

import numpy as np
import streamlit as st

import core
from core.limits import DEFAULT_LIMITS, export_size
from ui import preview, store
from ui.labels import mode_label
from ui.progress import REDRAW_S, Progress
from ui.settings import Settings

#: The mode that shows the naive flicker: every frame from its own random start.
NAIVE_MODE = "independent"
#: The only mode the hysteresis and damping knobs change.
STABLE_MODE = "stable"
#: The result every tab starts on for an animation: the one that does not flicker.
DEFAULT_MODE = STABLE_MODE
#: Results kept per session: two settings' worth of the four modes.
KEPT_RUNS = 8
#: Modes made at once for one visitor (the machine has two cores).
WORKERS = 2


@dataclass(frozen=True)
class Source:
    """The media the page works on: the preview compared, and where it came from.

    Attributes
    ----------
    key : str
        What the results depend on: a digest of the upload (or the sample's
        name) and, for an animation, the part compared.
    name : str
    media : core.Media
        The preview every mode is compared on.
    notices : tuple of str
        What was cut or downscaled, in words.
    data : bytes or None
        The uploaded file, for full-size exports; ``None`` for a sample.
    plan : core.PartPlan or None
        The part exported and the window compared (animations and clips).
    """

    key: str
    name: str
    media: core.Media
    notices: tuple[str, ...]
    data: bytes | None = None
    plan: core.PartPlan | None = None

    @property
    def full_size(self) -> tuple[int, int]:
        """(width, height) of a full-size export."""
        return self.plan.size if self.plan is not None else export_size(self.media,
                                                                         DEFAULT_LIMITS)

    @property
    def preview_is_smaller(self) -> bool:
        """True when the comparison plays less than Export makes (a window, or smaller frames)."""
        if self.data is None:
            return False
        if self.plan is not None:
            return not self.plan.preview_is_part
        return self.full_size != self.media.size


class ExportFile:
    """A full-size export kept on disk, read only when the visitor downloads it.

    Called with no arguments it returns the file's bytes, which is what
    ``st.download_button(data=...)`` calls on a click; so a 30 MB GIF is not
    held in memory by every session that made one (nor copied three times on
    its way out). The file goes when this object does (the session ends or a
    newer export replaces it).
    """

    def __init__(self, suffix: str = ".gif"):
        fd, self.path = tempfile.mkstemp(prefix="export-", suffix=suffix, dir=_export_folder())
        os.close(fd)
        weakref.finalize(self, _remove, self.path)

    def __call__(self) -> bytes:
        with open(self.path, "rb") as fh:
            return fh.read()


@functools.cache
def _export_folder() -> str:
    # One folder a process, readable by this user only (core.convert writes files 0644).
    return tempfile.mkdtemp(prefix="flickerless-exports-")


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.remove(path)


@dataclass(frozen=True)
class Export:
    """A full-size file made on request: its bytes (read on demand) and core's report."""

    key: tuple
    data: ExportFile
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
        Flicker of each frame pair (empty for a still), on core's pixel lattice.
    flicker : float
        Mean flicker (NaN for a still).
    mean_delta_e : float
        Mean CIEDE2000 colour error against the original.
    file : bytes
        The download: a GIF (animation) or an indexed PNG (still).
    preview : bytes
        What the page shows: the GIF at most 1460 px wide, or the PNG.
    frame_of : tuple of int
        The GIF frame that shows each frame of the preview (a frame identical to
        the one before is stored once); ``(0,)`` for a still.
    """

    palettes: list
    centers: list
    space: str
    flicker_series: np.ndarray
    flicker: float
    mean_delta_e: float
    file: bytes
    preview: bytes
    frame_of: tuple[int, ...] = (0,)


def mode_settings(settings: Settings, mode: str) -> Settings:
    """The settings a mode runs with, and so its key.

    The naive mode always starts from random pixels; knobs of the stable mode
    are reset for the others, so moving them recomputes only the stable mode.
    """
    if mode != STABLE_MODE:
        settings = replace(settings, knobs=core.StableKnobs())
    return settings.with_options(init="random") if mode == NAIVE_MODE else settings


def short(mode: str) -> str:
    """A mode's name without the explanation in brackets: "Stable"."""
    return mode_label(mode).split(" (")[0]


def modes_for(settings: Settings) -> list[str]:
    """The animation modes these settings can run: not "seeded" with Ward (nothing to seed)."""
    if settings.options.algorithm == "agglomerative":
        return [m for m in core.MODES if m != "seeded"]
    return list(core.MODES)


def default_mode(modes) -> str:
    """The result a tab starts on: Stable when there is one, else the first."""
    modes = list(modes)
    return DEFAULT_MODE if DEFAULT_MODE in modes else modes[0]


@dataclass(frozen=True)
class View:
    """The source and the settings; each result is made when a tab first asks for it.

    ``progress`` is where the bar goes while results are made (none: no bar);
    the page takes it away when it has drawn everything.
    """

    source: Source
    settings: Settings
    progress: Progress | None = None

    @property
    def animated(self) -> bool:
        """True for an animation or a clip."""
        return self.source.media.is_animated

    @property
    def modes(self) -> list[str]:
        """The results there are: the modes of an animation, or ``["still"]``."""
        return modes_for(self.settings) if self.animated else ["still"]

    def run(self, mode: str) -> Run:
        """One result (``"still"`` for a still), made now if it is not kept."""
        return self.runs_for([mode])[mode]

    @property
    def runs(self) -> dict[str, Run]:
        """Every result, in :attr:`modes` order."""
        return self.runs_for(self.modes)

    def runs_for(self, modes) -> dict[str, Run]:
        """The results of ``modes``, making the missing ones under one progress bar."""
        if not self.animated:
            return {"still": run_still(self.source.key, self.settings, self.source.media)}
        keys = {m: run_key(self.source, self.settings, m) for m in modes}
        store.forget_other("run", lambda key: key[0] == self.source.key)
        missing = [m for m in modes if store.peek("run", keys[m]) is None]
        made = self._make(missing) if missing else {}
        runs = {m: store.remembered("run", keys[m], lambda m=m: made[m], KEPT_RUNS)
                for m in modes}
        if missing and self.progress is not None:
            self.progress.show(1.0, "Drawing the results…")  # the page takes the bar away
        return runs

    def _make(self, modes: list[str]) -> dict[str, Run]:
        # The missing modes on worker threads (numpy lets two run at once on two cores), while
        # this thread, the only one that may draw, keeps the one bar up to date.
        counts = {m: (0, len(self.source.media.frames)) for m in modes}

        def work(mode: str) -> Run:
            def report(done: int, total: int) -> None:
                counts[mode] = (done, total)

            return compute_run(self.source.media, mode_settings(self.settings, mode), mode,
                               report)


        pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="mode")
        try:
            futures = {mode: pool.submit(work, mode) for mode in modes}
            pending = set(futures.values())
            while pending:
                _, pending = wait(pending, timeout=REDRAW_S)
                if self.progress is not None:
                    self.progress.modes([(short(m), i, len(modes), *counts[m])
                                         for i, m in enumerate(modes, 1)])
            return {mode: future.result() for mode, future in futures.items()}
        finally:
            # A knob moved meanwhile stops this run: modes not started are dropped, not made.
            pool.shutdown(wait=True, cancel_futures=True)


def run_key(source: Source, settings: Settings, mode: str) -> tuple:
    """What one mode's result depends on: the source compared, the mode and its settings."""
    return (source.key, mode_settings(settings, mode), mode)


def compute_run(media: core.Media, settings: Settings, mode: str, report=None) -> Run:
    """Quantize every frame in ``mode``, write the GIF and measure it, frame by frame.

    Parameters
    ----------
    media : core.Media
        The preview.
    settings : Settings
        The mode's own (:func:`mode_settings`).
    mode : str
    report : callable(done, total), optional
        Called after each frame (from the thread that makes the run).
    """
    made = core.quantize_gif(
        media.frames, settings.k, mode=mode, alphas=media.alphas, durations=media.durations,
        loop=media.loop, dither=settings.dither, progress=report, **settings.frame_kwargs(),
    )
    # The comparison's frames are at most 640 px wide (core.plan_part): its GIF plays as it is.
    return Run(
        palettes=list(made.palettes),
        centers=list(made.centers),
        space=made.space,
        flicker_series=made.estimate.series,
        flicker=made.estimate.flicker,
        mean_delta_e=made.estimate.mean_delta_e,
        file=made.gif,
        preview=made.gif,
        frame_of=made.frame_of,
    )


def digest(data: bytes) -> str:
    """A short key for uploaded bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


@st.cache_data(max_entries=8, show_spinner="Reducing the colours…")
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


def original_frames(source: Source) -> tuple[bytes, int]:
    """The original's frames as one JPEG sprite sheet for the player, and its columns."""
    return store.remembered("sprite", source.key,
                            lambda: preview.sprite_jpeg(source.media.frames), keep=1)


@st.cache_data(max_entries=2, show_spinner="Preparing the original for playback…")
def original_gif(key: str, _media: core.Media) -> bytes:
    """The original animation as GIF bytes that play in the page."""
    return preview.preview_gif(_media.frames, _media.durations, _media.loop)


@st.cache_data(max_entries=4, show_spinner=False)
def cloud_pixels(key: str, _media: core.Media) -> np.ndarray:
    """A fixed sample of the source's pixels for the 3-D colour cloud."""
    return preview.sample_pixels(_media.frames, preview.CLOUD_POINTS, seed=0)


def export_key(source: Source, settings: Settings, mode: str, max_bytes: int | None = None,
               fmt: str = "gif") -> tuple:
    """What a full-size export depends on: the file and part, the mode, its settings, the
    size target and the format."""
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
    """Stream the uploaded file's part at full size through one mode into a GIF (or MP4).

    Written to a private file on disk (:class:`ExportFile`), not kept in
    memory: a 1280x720 part of full motion makes a GIF of about 30 MB. With
    ``max_bytes`` the GIF fits in that many bytes, ``k`` and the hold chosen
    by :func:`core.convert`; when nothing fits, the smallest file reached is
    kept with its report (``report.fit.fits`` is False). An MP4 keeps the
    clip's sound. Draws a progress bar. Raises ``core.MediaError`` when the
    file cannot be read.
    """
    bar = Progress(st.empty())
    out = ExportFile("." + fmt)
    with _export_turn(bar):
        try:
            result = _convert(source, settings, mode, out.path, bar, max_bytes, fmt)
        except core.SizeLimitError as exc:
            result = exc.report
    bar.done()
    return Export(export_key(source, settings, mode, max_bytes, fmt), out, result)


#: Full-size exports made at once in this process; more visitors wait their turn. Each holds
#: about 100 MB while it streams a 1280x720 clip, and two keep both cores busy.
EXPORTS_AT_ONCE = 2
_EXPORTS = threading.BoundedSemaphore(EXPORTS_AT_ONCE)


@contextlib.contextmanager
def _export_turn(bar: Progress):
    # Wait for a free export slot, saying so, then hold it until the export is written.
    while not _EXPORTS.acquire(timeout=0.5):
        bar.show(0.0, "Waiting for other visitors' full-size exports to finish: yours is next…")
    try:
        yield
    finally:
        _EXPORTS.release()


def _convert(source: Source, settings: Settings, mode: str, path: str, bar: Progress,
             max_bytes: int | None, fmt: str) -> core.ConvertReport:
    # The whole part of the upload, at full size, through one mode, into the file at ``path``.
    plan = source.plan
    part = plan.part if plan is not None else core.Part()
    frames = plan.frames if plan is not None else len(source.media.frames)
    used = mode_settings(settings, mode)
    fitted = max_bytes is not None
    return core.convert(
        source.data, path, None if fitted else settings.k, mode=mode, dither=settings.dither,
        format=fmt, max_side=DEFAULT_LIMITS.max_export_side, max_bytes=max_bytes,
        max_frames=DEFAULT_LIMITS.max_frames,
        start=part.start, end=part.end, fps=part.fps, width=part.width,
        progress=bar.frames(f"{mode_label(mode).split(' (')[0]}, full size ({frames} frames)"),
        **(fit_kwargs(used) if fitted else used.frame_kwargs()),
    )


@st.cache_data(max_entries=2, show_spinner="Encoding the MP4…")
def mp4_file(key: str, settings: Settings, mode: str, _gif: bytes) -> bytes:
    """An H.264 MP4 of one mode's result, decoded from its exact GIF."""
    result = core.load_media(_gif)
    frames, fps = core.constant_rate(result.frames, result.durations)
    return core.to_bytes(core.save_mp4, frames, fps=fps)
