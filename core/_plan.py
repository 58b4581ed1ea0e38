"""Which part of a clip the page exports and which window of it the comparison plays.

Pure arithmetic over :class:`~core._probe.SourceFacts`: the part asked for is
kept inside the source and the limits (a GIF holds at most 300 frames, a
clip's part at most 20 s), and every cut is said in :mod:`core.notices`' words.
The comparison then spends its pixel budget on a *window* of the part at a
size that shows flicker and banding (640 px on the longer side, or the
export's size when smaller), not on shrinking every frame of a long part to a
thumbnail; :attr:`PartPlan.sentence` says what that window is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from core._media_base import Media, capped_side
from core._part import Part, retimed, side_for_width
from core._probe import SourceFacts
from core._stream import open_stream
from core._video import MAX_FPS, MAX_SECONDS
from core.errors import MediaError
from core.limits import DEFAULT_LIMITS, Limits
from core.notices import frames_note, seconds_span


@dataclass(frozen=True)
class PartPlan:
    """The part to export and the window of it to compare on.

    Attributes
    ----------
    part : Part
        The export's part: seconds inside the source and the limits, the
        frame rate and width asked for.
    frames : int
        Frames the export will have (about, for an animation with uneven delays).
    size : (int, int)
        (width, height) of the export.
    preview : Part
        The window the comparison plays: the part's first ``preview_frames``
        frames at ``preview_size``.
    preview_frames : int
    preview_size : (int, int)
    rate : float
        Frames a second of the part.
    notes : tuple of str
        What the limits cut, one sentence each.
    sentence : str
        One plain sentence: what the comparison plays, and what the export uses.
    """

    part: Part
    frames: int
    size: tuple[int, int]
    preview: Part
    preview_frames: int
    preview_size: tuple[int, int]
    rate: float
    notes: tuple[str, ...]
    sentence: str

    @property
    def preview_is_part(self) -> bool:
        """True when the comparison plays the whole part at the export's size."""
        return self.preview_frames >= self.frames and self.preview_size == self.size


def plan_part(facts: SourceFacts, part: Part | None = None, limits: Limits = DEFAULT_LIMITS
              ) -> PartPlan:
    """Fit ``part`` of a source into the limits and choose the comparison's window.

    Parameters
    ----------
    facts : SourceFacts
        From :func:`core.probe`; an animation or a clip.
    part : Part, optional
        What was asked for: seconds, frame rate, width (the whole source by default).
    limits : Limits
        ``max_frames``, ``max_decode_work``, ``max_export_side``,
        ``preview_side`` and ``preview_pixels`` apply (and a clip's 20 s).

    Returns
    -------
    PartPlan

    Raises
    ------
    ValueError
        For a still (it has no part).
    """
    if not facts.is_animated:
        raise ValueError("A still image has no part to choose.")
    part = Part() if part is None else part
    rate = _rate(facts, part)
    start, end, cut = _seconds(facts, part, rate, limits)
    frames = max(1, int(round((end - start) * rate)))
    size = capped_side(facts.size, side_for_width(facts.size, part.width,
                                                  limits.max_export_side))
    preview_size = capped_side(size, limits.preview_side)
    fit = max(1, limits.preview_pixels // (preview_size[0] * preview_size[1]))
    shown = min(frames, fit)
    preview_end = end if shown == frames else start + shown / rate
    plan = PartPlan(
        part=Part(start, end, part.fps, part.width), frames=frames, size=size,
        preview=Part(start, preview_end, part.fps, preview_size[0]), preview_frames=shown,
        preview_size=preview_size, rate=rate, notes=(cut,) if cut else (), sentence="",
    )
    return _with_sentence(plan)


def _rate(facts: SourceFacts, part: Part) -> float:
    # Frames a second of the part: the source's, at most the rate asked for (and a clip's cap).
    rate = facts.fps if facts.fps > 0 else 10.0
    if facts.kind == "clip":
        rate = min(rate, MAX_FPS)
    return rate if part.fps is None else min(rate, part.fps)


def _seconds(facts: SourceFacts, part: Part, rate: float,
             limits: Limits) -> tuple[float, float, str | None]:
    # The part's (start, end) inside the source and the limits, and the notice of a cut.
    length = facts.seconds if facts.seconds > 0 else limits.max_frames / rate
    start = min(part.start, max(0.0, length - 1.0 / rate))
    end = length if part.end is None else max(start + 1.0 / rate, min(part.end, length))
    whole = max(1, int(round((end - start) * rate)))
    cut = None
    if facts.kind == "clip" and end - start > MAX_SECONDS + 1e-9:
        end, cut = start + MAX_SECONDS, "seconds"
    cap = limits.max_frames
    if facts.kind == "animation":
        cap = min(cap, max(1, limits.max_decode_work // (facts.size[0] * facts.size[1])))
    if (end - start) * rate > cap + 0.5:
        end = start + cap / rate
        cut = "decode" if cap < limits.max_frames else "frames"
    if cut is None:
        return start, end, None
    kept = int(round((end - start) * rate))
    limit = {"seconds": MAX_SECONDS, "frames": limits.max_frames,
             "decode": limits.max_decode_work}[cut]
    return start, end, frames_note(cut, kept, whole, limit, rate if cut != "decode" else 0.0)


def _with_sentence(plan: PartPlan) -> PartPlan:
    # The one plain sentence of what the comparison plays.
    part, (w, h), (pw, ph) = plan.part, plan.size, plan.preview_size
    span = seconds_span(part.start, part.end)
    if plan.preview_is_part:
        text = (f"The comparison plays the whole part, {span} ({plan.frames} frames), at "
                f"{w}x{h}, as the export will.")
    else:
        window = seconds_span(part.start, plan.preview.end)
        of = "all" if plan.preview_frames >= plan.frames else f"{plan.preview_frames} of"
        text = (f"The comparison plays {window} at {pw}x{ph} ({of} the part's {plan.frames} "
                f"frames); the export uses the whole part, {span}, at {w}x{h}.")
    return replace(plan, sentence=text)



def load_preview(source, plan: PartPlan, progress: Callable[[int, int], None] | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> Media:
    """Decode the comparison's window of a part: ``plan.preview`` at ``plan.preview_size``.

    Parameters
    ----------
    source : str, os.PathLike, bytes or binary file object
    plan : PartPlan
    progress : callable(done, total), optional
        Called after each frame is decoded.
    limits : Limits
        ``max_decode_pixels`` and ``max_decode_work`` apply.

    Returns
    -------
    Media
        At most ``plan.preview_frames`` frames; ``original_size`` the file's.
        A file that gives fewer frames than it promises keeps those, with
        ``cut="short"`` and ``total_frames`` the frames promised.

    Raises
    ------
    MediaError
        If the source cannot be read, or holds no frame in the window.
    """
    report = progress or (lambda done, total: None)
    frames, alphas, durations = [], [], []
    with open_stream(source, part=plan.preview, max_frames=plan.preview_frames,
                     max_pixels=limits.max_decode_pixels,
                     max_decode_work=limits.max_decode_work) as stream:
        total = min(stream.frames, plan.preview_frames)
        try:
            for rgb, alpha, duration in stream.decode():
                frames.append(rgb)
                alphas.append(alpha)
                durations.append(duration)
                report(len(frames), total)
                if len(frames) >= total:
                    break
        except MediaError:
            if not frames:  # a file that breaks off part-way keeps what it gave
                raise
    if not frames:
        raise MediaError("The part holds no frames that could be decoded.")
    # One frame fewer than the stated length promises is rounding, not a short file.
    short = stream.known_length and len(frames) < total - 1
    original = stream.original_size
    return Media(frames, None if all(a is None for a in alphas) else alphas, durations,
                 stream.loop, "VIDEO" if stream.is_video else "GIF",
                 total if short else len(frames), None if original == stream.size else original,
                 "short" if short else None)


def media_part(media: Media, plan: PartPlan) -> Media:
    """The comparison's window of media already in memory (a bundled sample).

    The same frames :func:`load_preview` would decode from a file.

    Parameters
    ----------
    media : Media
    plan : PartPlan
        From :func:`plan_part` on :func:`media_facts` of ``media``.

    Returns
    -------
    Media
    """
    alphas = media.alphas or [None] * len(media.frames)
    kept = list(retimed(zip(media.frames, alphas, media.durations), plan.preview))
    kept = kept[: plan.preview_frames] or [(media.frames[0], alphas[0], media.durations[0])]
    size = plan.preview_size
    frames = [f if f.shape[1::-1] == size else
              np.asarray(Image.fromarray(f).resize(size, Image.Resampling.LANCZOS))
              for f, _, _ in kept]
    new_alphas = None if media.alphas is None else [
        a if a.shape[::-1] == size else
        np.asarray(Image.fromarray(a).resize(size, Image.Resampling.NEAREST)) for _, a, _ in kept]
    return Media(frames, new_alphas, [d for _, _, d in kept], media.loop, media.format,
                 len(frames), None if media.size == size else media.size)
