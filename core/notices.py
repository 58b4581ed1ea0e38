"""What was cut or scaled, and why, in the words a person reads.

Every notice about frames or size that the page shows or the command line
prints is written here, so both say the same thing for the same cause, and
each names the limit that really applied:

- ``"short"``: the file held fewer frames than its stated length promises;
- ``"frames"``: the frame limit (300 by default);
- ``"seconds"``: the length limit of a clip (20 s by default);
- ``"decode"``: the decoding budget, in pixels over all frames, that stops a
  huge canvas with many frames from taking minutes.

Sizes are named by their cause too: the longest side an export may have, the
width chosen, or the memory the page may hold.
"""

from __future__ import annotations

from core.units import count

#: Why frames were left out (see the module docstring).
FRAME_REASONS = ("short", "frames", "seconds", "decode")
#: Why frames were made smaller: the export's longest side, the width asked
#: for, the page's memory for one frame and for all frames.
SIZE_REASONS = ("side", "width", "memory")


def frames_note(why: str, kept: int, total: int, limit: float = 0.0, rate: float = 0.0) -> str:
    """One sentence: which frames were used out of how many, and which limit cut them.

    Parameters
    ----------
    why : {"short", "frames", "seconds", "decode"}
    kept : int
        Frames used.
    total : int
        Frames there were (or that the file's length promised).
    limit : float
        The limit that applied: frames, seconds or pixels (unused for "short").
    rate : float
        Frames a second, to name the seconds too (0: frames only).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown reason.
    """
    span = f" ({_seconds(kept / rate)} of {_seconds(total / rate)})" if rate > 0 else ""
    first = f"Only the first {kept} of {total} frames{span} are used"
    if why == "short":
        return (f"The file gave {count(kept, 'frame')} of the {total} its length promises: "
                "it may be damaged or cut short.")
    if why == "frames":
        return f"{first} (the limit is {limit:g} frames)."
    if why == "seconds":
        return f"{first} (a clip is limited to {_seconds(limit)})."
    if why == "decode":
        return (f"{first} (decoding is limited to {limit / 1e6:.0f} million pixels over all "
                "frames).")
    raise ValueError(f"why={why!r} must be one of {FRAME_REASONS}.")


def size_note(why: str, original: tuple[int, int], size: tuple[int, int],
              limit: float = 0.0, frames: int = 0) -> str:
    """One sentence: the frames were made smaller, from what size to what, and why.

    Parameters
    ----------
    why : {"side", "width", "memory"}
    original, size : (int, int)
        (width, height) before and after.
    limit : float
        ``"side"``: the longest side allowed; ``"memory"``: the pixels that
        applied (unused for ``"width"``).
    frames : int
        ``"memory"`` only: 0 when ``limit`` is the pixels of one frame, else
        the number of frames that share ``limit`` pixels.

    Returns
    -------
    str
    """
    was, now = f"{original[0]}x{original[1]}", f"{size[0]}x{size[1]}"
    if why == "side":
        return f"Scaled down from {was} to {now} (the longest side is limited to {limit:g} px)."
    if why == "width":
        return f"Scaled down from {was} to {now}, the width chosen."
    if why == "memory":
        budget = f"over all {frames} frames" if frames else "per frame"
        return (f"Frames were downscaled from {was} to {now} to stay within the app's memory "
                f"limits ({_megapixels(limit)} {budget}).")
    raise ValueError(f"why={why!r} must be one of {SIZE_REASONS}.")


def seconds_span(start: float, end: float) -> str:
    """A stretch of time in words: "seconds 0–14", "seconds 2.5–4.1"."""
    return f"seconds {_number(start)}–{_number(end)}"


def _seconds(value: float) -> str:
    return f"{_number(value)} s"


def _number(value: float) -> str:
    # Whole seconds without a decimal, others to a tenth: "14", "2.5".
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _megapixels(pixels: float) -> str:
    # Two significant digits: "2.1 megapixels", "8 megapixels".
    return f"{pixels / 1e6:.2g} megapixels"
