"""What a size target may change, in which order, and the report of what it chose.

A file of at most ``max_bytes`` at the best quality that fits (:mod:`core._fit`)
spends its budget in this order:

1. **Colours and hold** (:class:`Ladder`, levels 0 to 1): k from ``k_low`` up
   to ``k_top`` (255 by default). With few colours the stable mode holds
   more (:data:`HEAVY_HOLD` at :data:`K_HEAVY` colours and below, easing to
   its default hold at :data:`K_DEFAULT_HOLD` and above): on the shared clips
   a heavier hold at 8 to 32 colours gives the same or a lower colour error
   for its bytes than the default hold with more colours, and much less
   flicker; from 64 colours on the default hold is as good or better.
2. **Less hold** (levels above 1, at ``k_top``): a budget beyond 255 colours
   is spent drawing more pixels exactly: the hold's two tolerances (``hold``,
   ``hysteresis``) shrink step by step towards :data:`HOLDS`' last pair, so
   more of the pixels that crawl a little are drawn anew. It stops where
   the sample's flicker would pass :data:`FLICKER_CAP`: lighter still,
   still areas start to crawl.
3. **Frame rate**, only when ``k_low`` colours do not fit: the highest of the
   rates a GIF shows exactly (100/n fps: 25, 20, 16.7 ... :func:`gif_rates`)
   down to :data:`FPS_FLOOR`.
4. **Width**, only when the lowest rate does not fit either, down to
   :data:`WIDTH_FLOOR` of the part's width.

``fit_by`` names the stages allowed: ``"colours"`` keeps the frames and their
size (k then goes down to 2), ``"colours+rate"`` adds 3, and
``"colours+rate+width"`` (the default) adds 4. A hold given by the caller is
kept: then only k moves in stages 1 and 2.

The levels make one number of the first two stages, along which the size grows
smoothly: k grows geometrically from level 0 to 1 (a GIF's LZW codes grow
with log k), then the tolerances move linearly between the pairs of
:data:`HOLDS`, one pair a level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core._stable import HOLD, HYSTERESIS, StableKnobs
from core.units import file_size

#: The stages a size target may use, as ``fit_by`` names them.
FIT_BY = ("colours", "colours+rate", "colours+rate+width")
#: Most colours a size target chooses: 256 would leave no free entry for the hold.
K_TOP = 255
#: Fewest colours before the frame rate is lowered (and with ``fit_by="colours"``).
K_FLOOR, K_LEAST = 16, 2
#: The hold's (hold, hysteresis) pairs, from the default to the lightest a large
#: budget uses (ΔE99o): each step draws again pixels the one before held.
HOLDS = ((HOLD, HYSTERESIS), (2.0, 2.75), (1.5, 2.0), (1.0, 1.25))
#: The hold with few colours (ΔE99o), at K_HEAVY colours and fewer; the default
#: hold from K_DEFAULT_HOLD colours on, and in between by log k.
HEAVY_HOLD = (4.0, 5.0)
K_HEAVY, K_DEFAULT_HOLD = 16, 64
#: Colours this close to the source (the sample's mean ΔE2000) are as good as
#: exact: a source of few colours, such as a GIF made again. There the hold
#: spends no budget on drawing them more exactly; it takes the heavy hold and
#: keeps still what the source only shimmers (its own dithering), if that fits
#: and stays this close.
EXACT = 0.5
#: A lighter hold than the default is used only while the sample's flicker (mean
#: ΔE76 between frames over still pixels, :func:`core.metrics.flicker`) stays
#: at most this: about what the default hold leaves on grainy footage (0.13 on
#: realshort.mp4 at 64 colours).
FLICKER_CAP = 0.12
#: Lowest frame rate a size target goes down to (or the source's, if lower).
FPS_FLOOR = 10.0
#: Narrowest a size target makes the frames, as a share of the part's width.
WIDTH_FLOOR = 0.25
#: Fewest pixels of width a size target goes down to.
MIN_WIDTH = 32


@dataclass(frozen=True)
class Ladder:
    """The colours and hold of every level of stages 1 and 2.

    Attributes
    ----------
    k_low, k_top : int
        Colours at levels 0 and 1 (and above).
    holds : tuple of (float, float)
        (hold, hysteresis) from level 1 up, one pair a level; one pair when the
        hold is fixed (the caller chose it, or the mode has none).
    heavy : (float, float) or None
        The hold at :data:`K_HEAVY` colours and fewer, easing to ``holds[0]``
        at :data:`K_DEFAULT_HOLD`; None keeps ``holds[0]`` at every k.
    damping, cut_threshold : float
        The stable mode's other knobs, as given.
    """

    k_low: int
    k_top: int
    holds: tuple[tuple[float, float], ...] = HOLDS
    heavy: tuple[float, float] | None = HEAVY_HOLD
    damping: float = StableKnobs().damping
    cut_threshold: float = StableKnobs().cut_threshold

    @property
    def top(self) -> float:
        """The highest level."""
        return float(len(self.holds))

    def at(self, level: float, still: bool = False) -> tuple[int, StableKnobs]:
        """``(k, knobs)`` at ``level`` (0 to :attr:`top`); ``still`` takes the heavy hold."""
        level = min(max(level, 0.0), self.top)
        k = int(round(self.k_low * (self.k_top / self.k_low) ** min(level, 1.0)))
        if still and self.heavy is not None:
            hold, hysteresis = self.heavy
        elif level <= 1.0:
            hold, hysteresis = self._hold_for(k)
        else:
            i = min(int(level - 1.0), len(self.holds) - 2)
            t = level - 1.0 - i
            (h0, y0), (h1, y1) = self.holds[i], self.holds[i + 1]
            hold, hysteresis = h0 + t * (h1 - h0), y0 + t * (y1 - y0)
        return k, StableKnobs(round(hysteresis, 3), self.damping, self.cut_threshold,
                              round(hold, 3))

    def settled(self, level: float) -> float:
        """The level at which :meth:`at`'s settings for ``level`` sit exactly (k is whole)."""
        if level >= 1.0 or self.k_top <= self.k_low:
            return level
        k, _ = self.at(level)
        return max(0.0, math.log(k / self.k_low) / math.log(self.k_top / self.k_low))

    def _hold_for(self, k: int) -> tuple[float, float]:
        # The hold at k colours on levels 0 to 1: heavy with few colours.
        base = self.holds[0]
        if self.heavy is None or k >= K_DEFAULT_HOLD:
            return base
        t = max(0.0, math.log(k / K_HEAVY) / math.log(K_DEFAULT_HOLD / K_HEAVY))
        return (self.heavy[0] + t * (base[0] - self.heavy[0]),
                self.heavy[1] + t * (base[1] - self.heavy[1]))


def gif_rates(rate: float) -> list[float]:
    """The frame rates a GIF shows exactly (100/n fps), below ``rate``, down to :data:`FPS_FLOOR`.

    GIF delays are whole hundredths of a second: 25, 20, 16.7, 14.3, 12.5,
    11.1 and 10 fps are exact, 24 or 15 are not.
    """
    rates = [100.0 / n for n in range(2, 11)]
    return [r for r in rates if r < rate - 1e-6 and r >= min(FPS_FLOOR, rate) - 1e-6]


@dataclass(frozen=True)
class FitReport:
    """What a size target chose, why, and what came of it.

    Attributes
    ----------
    max_bytes : int
        The target.
    k : int
        Colours per frame.
    hold, hysteresis : float
        The stable mode's hold tolerances (ΔE99o).
    fps : float
        Frames a second of the file (its mean).
    width, height : int
    bytes : int
        Size of the file.
    predicted : int
        The size the sample predicted for these settings.
    encodes : int
        Times the part was encoded in full: 1, or 2 (rarely 3) when an encode
        overshot the target.
    reason : str
        Why these settings, in words.
    fits : bool
        ``bytes <= max_bytes``. False only when nothing within the limits fits:
        :func:`core.convert` then raises :class:`core.SizeLimitError`.
    fps_asked, width_asked : float or None, int or None
        The frame rate and width the file was made with, as :func:`core.convert`
        takes them (None: the source's, as the part asked).
    frames : int
        Frames in the file.
    """

    max_bytes: int
    k: int
    hold: float
    hysteresis: float
    fps: float
    width: int
    height: int
    bytes: int
    predicted: int
    encodes: int
    reason: str
    fits: bool
    fps_asked: float | None = None
    width_asked: int | None = None
    frames: int = 0

    @property
    def settings(self) -> dict:
        """The options of :func:`core.convert` that make this file again without a target."""
        return {"k": self.k, "hold": self.hold, "hysteresis": self.hysteresis,
                "fps": self.fps_asked, "width": self.width_asked}

    @property
    def summary(self) -> str:
        """The settings and the size in a few words: "k=96, 20 fps, 1280x720: 9.7 MB"."""
        rate = "1 frame" if self.frames == 1 else f"{_rate(self.fps)} fps"
        return f"k={self.k}, {rate}, {self.width}x{self.height}: {file_size(self.bytes)}"


def _rate(fps: float) -> str:
    # 16.666 fps reads "16.7", 20.0 reads "20".
    return f"{fps:.0f}" if math.isclose(fps, round(fps), abs_tol=0.05) else f"{fps:.1f}"
