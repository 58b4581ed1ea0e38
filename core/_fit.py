"""A file of at most ``max_bytes``: settings chosen from a sample, then one encode.

The stable mode's GIF size moves smoothly with its colours, its hold, the
frame rate and the width (:mod:`core._fit_plan` orders them), so a sample of
the part's frames (:mod:`core._fit_sample`) predicts the size of any setting
at a fraction of an encode. :func:`fit_and_encode` searches the sample for
the best setting whose predicted size is at most :data:`AIM` of the target,
encodes the part once, and encodes it again only when the file overshoots,
with every prediction scaled by what that encode measured. It never searches
by encoding.

Along the levels of colours and hold the search starts from a guess of the
usual slopes and interpolates the logarithm of the predicted size through
the levels predicted so far (inverse quadratic interpolation inside a
bracket, as in Brent's method), which converges in two or three predictions
on smooth, monotone curves such as these. Rate and width follow a power law
through two sampled points.

References
----------
Brent, R. P. (1973). *Algorithms for Minimization without Derivatives*,
ch. 4. Prentice-Hall.
"""

from __future__ import annotations

import collections
import contextlib
import math
import shutil
from dataclasses import dataclass, replace

from core._encode import ConvertReport, CountingFile, Job, encode
from core._fit_plan import (
    EXACT,
    FIT_BY,
    FLICKER_CAP,
    MIN_WIDTH,
    WIDTH_FLOOR,
    FitReport,
    Ladder,
    gif_rates,
)
from core._fit_sample import Prediction, Sample
from core._part import Part
from core._video import private_file
from core.units import file_size

#: The predicted size aimed at, as a share of the target: the sample predicts
#: within a few per cent, mostly low with many colours on footage that moves
#: (down to 0.91 of the file on the shared clips), and an overshoot costs a
#: second encode. A part short enough for the sample to hold it whole
#: (:attr:`core._fit_sample.Sample.whole`) is measured exactly: its aim is the target.
AIM = 0.95
#: A prediction within this share below the aim ends the search.
CLOSE = 0.03
#: Predictions of the sample per search after level 0: as a rule at most ROUNDS,
#: more (up to MAX_ROUNDS) while the best under the goal is below FAR of it.
ROUNDS, MAX_ROUNDS, FAR = 4, 8, 0.9
#: Prior slopes of log(bytes): against log(k) on levels 0 to 1, and a level of
#: the hold above (on the shared clips: 0.31 to 0.52, and 0.06 to 0.13); only
#: the first guess uses them.
SLOPES = (0.4, 0.11)
#: A first guess of a level this high or higher (k within a tenth of the top's
#: log) is taken at level 1.
SNAP = 0.9
#: A level between two predicted ones whose sizes are within this share of each
#: other and whose levels are within NARROW_LEVELS (on one side of level 1) is
#: read off the line between them, not predicted: on so short a stretch of these
#: smooth curves the line is within a per cent or two (0.6 % on the seed GIF,
#: whose size flattens towards 255 colours), and a prediction costs about a
#: fifth of an encode.
NARROW, NARROW_LEVELS = 0.25, 0.25
#: Prior exponent of a GIF's size against its width (1.7 on the shared
#: 1280x688 clip: a little under the pixels' 2, as larger frames compress
#: better), and widths tried at most, the narrowest last.
WIDTH_SLOPE, WIDTH_TRIES = 1.7, 4
#: Two predictions over the goal within this share of each other: the size is
#: flat there, and the next level halves the bracket (:func:`_next_level`).
FLAT = 0.03
#: Full encodes at most: the first, and two corrected after an overshoot.
ENCODES = 3
#: Each encode after an overshoot aims this much lower again.
BACK_OFF = 0.04
#: Samples held at once (each up to core._fit_sample.SAMPLE_PIXELS of frames).
SAMPLES_KEPT = 2


@dataclass(frozen=True)
class Plan:
    """Settings to encode: the part (its rate and width) and a level of colours and hold.

    Attributes
    ----------
    part : Part
    level : float
        On the :class:`Ladder`.
    predicted : Prediction
        The sample's prediction for these settings.
    rate : float
        Frames a second of the part.
    reason : str
        Why these settings, in words.
    capped : bool
        The hold was kept heavier than the budget allows, for flicker.
    still : bool
        The heavy hold, for colours as good as exact
        (:data:`core._fit_plan.EXACT`); at most level 1.
    """

    part: Part
    level: float
    predicted: Prediction
    rate: float
    reason: str = ""
    capped: bool = False
    still: bool = False


def fit_and_encode(job: Job, max_bytes: int, ladder: Ladder, part: Part, fit_by: str, out,
                   progress=None) -> ConvertReport:
    """Encode ``part`` of the source into ``out`` at the best setting of at most ``max_bytes``.

    Parameters
    ----------
    job : Job
    max_bytes : int
    ladder : Ladder
        The colours and hold the search may choose.
    part : Part
        The part asked for; its rate and width are upper bounds.
    fit_by : str
        One of :data:`core._fit_plan.FIT_BY`.
    out : binary file object
        Receives the file: the best that fits, or the smallest made.
    progress : callable(done, total), optional

    Returns
    -------
    ConvertReport
        With ``fit`` set; ``fit.fits`` is False when nothing within the limits
        fits (the file written is then the smallest reached).
    """
    search = Search(job, ladder, fit_by, max_bytes)
    aim = 1.0 if search.sample(part)[0].whole else AIM  # a part sampled whole is measured
    plan = search.choose(part, aim * max_bytes)
    with contextlib.ExitStack() as files:
        made = []
        for attempt in range(ENCODES):
            path = files.enter_context(private_file())
            k, knobs = ladder.at(plan.level, plan.still)
            search.let_go()
            with open(path, "wb") as fh:
                report = encode(job, k, knobs, plan.part, CountingFile(fh), progress)
            made.append((report, path, plan))
            if report.bytes <= max_bytes or attempt == ENCODES - 1:
                break
            plan = search.corrected(plan, report.bytes, part, aim - BACK_OFF * attempt)
            if plan is None:  # the smallest setting within the limits was encoded
                break
        report, path, plan = min(made, key=lambda m: (m[0].bytes > max_bytes, m[0].bytes))
        with open(path, "rb") as fh:
            shutil.copyfileobj(fh, out)
    return replace(report, fit=search.report(report, plan, len(made)))


class Search:
    """The choice of settings for one target: samples of parts, kept while it lasts.

    Parameters
    ----------
    job : Job
    ladder : Ladder
    fit_by : str
    max_bytes : int
    """

    def __init__(self, job: Job, ladder: Ladder, fit_by: str, max_bytes: int):
        if fit_by not in FIT_BY:
            raise ValueError(f"fit_by={fit_by!r} is not supported; choose one of {FIT_BY}.")
        self.job, self.ladder, self.fit_by, self.max_bytes = job, ladder, fit_by, max_bytes
        #: Predictions are multiplied by this (1 until an encode measured better).
        self.scale = 1.0
        # The samples of the parts last used (their frames are the memory a
        # search holds), and every prediction made, which outlives them.
        self._samples: collections.OrderedDict[Part, Sample] = collections.OrderedDict()
        self._facts: dict[Part, tuple[float, int]] = {}
        self._made: dict[tuple, Prediction] = {}

    def sample(self, part: Part) -> tuple[Sample, float, int]:
        """The part's sample, its frame rate and its width (decoded when not at hand)."""
        if part not in self._samples:
            with self.job.open(part) as stream:
                self._samples[part] = Sample(stream, self.job)
                self._facts[part] = stream.rate, stream.size[0]
            while len(self._samples) > SAMPLES_KEPT:
                self._samples.popitem(last=False)
        self._samples.move_to_end(part)
        return (self._samples[part], *self._facts[part])

    def facts(self, part: Part) -> tuple[float, int]:
        """The frame rate and width of ``part``."""
        if part not in self._facts:
            self.sample(part)
        return self._facts[part]

    def predict(self, part: Part, level: float, still: bool = False) -> Prediction:
        """The (scaled) prediction of ``level`` on ``part`` (``still``: see :class:`Plan`)."""
        k, knobs = self.ladder.at(level, still)
        if (part, k, knobs) not in self._made:
            self._made[part, k, knobs] = self.sample(part)[0].predict(k, knobs)
        found = self._made[part, k, knobs]
        return replace(found, bytes=int(math.ceil(found.bytes * self.scale)))

    def let_go(self) -> None:
        """Drop the samples' frames (before an encode); predictions made are kept."""
        self._samples.clear()

    def choose(self, part: Part, goal: float) -> Plan:
        """The settings for ``goal`` bytes: colours and hold, then the rate, then the width."""
        found = self.colours(part, goal)
        if found is not None:
            return replace(found, reason=self._colour_reason(found))
        least = self.least(part)
        why = (f"{self.ladder.k_low} colours at {_fps(least.rate)} fps would take "
               f"{file_size(least.predicted.bytes)}")
        if "rate" in self.fit_by:
            plan, least, why = self._by_rate(part, goal, least, why)
            if plan is not None:
                return plan
        if "width" in self.fit_by:
            plan, least, why = self._by_width(least, goal, why)
            if plan is not None:
                return plan
        return replace(least, reason=f"nothing within the limits fits in "
                       f"{file_size(self.max_bytes)}: {why}")

    def least(self, part: Part) -> Plan:
        """Level 0 of ``part``: its fewest colours."""
        return Plan(part, 0.0, self.predict(part, 0.0), self.facts(part)[0])

    def colours(self, part: Part, goal: float) -> Plan | None:
        """The highest level of ``part`` predicted at most ``goal`` (None: level 0 is over).

        Level 0 first; then a level guessed from :data:`SLOPES` (level 1 when
        the guess is above it: the colours' top, where the curve bends), and
        from then on levels interpolated through what the sample predicted
        (inverse quadratic interpolation, as in Brent's method, kept inside
        the bracket), until a prediction lands within :data:`CLOSE` under the
        goal, or the bracket is so narrow that its ends give the next level's
        size (:func:`_read_between`). After :data:`ROUNDS` predictions it stops
        once the best level under the goal is within :data:`FAR` of it, and
        after :data:`MAX_ROUNDS` in any case. The best level under the goal is
        kept; with the heavy hold when its colours are as good as exact (Plan.still).
        """
        top, rate = self.ladder.top, self.facts(part)[0]
        points = [(0.0, self.predict(part, 0.0))]
        if points[0][1].bytes > goal:
            return None
        if points[0][1].bytes >= (1 - CLOSE) * goal or top <= 0.0:
            return Plan(part, 0.0, points[0][1], rate)
        x = min(top, _guess(self.ladder, points[0][1].bytes, goal))
        # Near the colours' top the guess is taken to the top itself, where the
        # curve bends: predicting it is needed anyway to go past it or back.
        if top >= 1.0 and x >= SNAP:
            x = 1.0
        for done in range(1, MAX_ROUNDS + 1):
            points.append((x, self.predict(part, x)))
            under = max((q for q in points if q[1].bytes <= goal), key=lambda q: q[0])
            close = under[1].bytes >= (1 - CLOSE) * goal
            if under[0] >= top or close or (done >= ROUNDS and under[1].bytes >= FAR * goal):
                break
            x = _next_level(points, goal, top)
            if x is None:
                break
            read = _read_between(points, self.ladder.settled(x))
            if read is not None and read[1].bytes <= goal:
                under = read
                break
        plan = Plan(part, under[0], under[1], rate)
        if plan.predicted.mean_delta_e < EXACT and self.ladder.heavy is not None:
            # Colours as good as exact: the heavy hold (Plan.still), if it fits and stays so.
            level = min(plan.level, 1.0)
            found = self.predict(part, level, still=True)
            if found.bytes <= goal and found.mean_delta_e < EXACT:
                return replace(plan, level=level, predicted=found, still=True)
        return self._still_enough(plan) if plan.level > 1.0 else plan

    def _still_enough(self, plan: Plan) -> Plan:
        # The plan, or the lightest hold between level 1 and its level whose
        # sample flicker is at most FLICKER_CAP: one level interpolated on the
        # flicker and predicted (a second one would halve the step at a fifth of
        # an encode, and the flicker moves little between holds so close).
        if not plan.predicted.flicker > FLICKER_CAP:  # NaN: nothing stays still
            return plan
        low, high = (1.0, self.predict(plan.part, 1.0)), (plan.level, plan.predicted)
        if not low[1].flicker < FLICKER_CAP:
            return replace(plan, level=low[0], predicted=low[1], capped=True)
        share = (FLICKER_CAP - low[1].flicker) / (high[1].flicker - low[1].flicker)
        x = low[0] + min(max(share, 0.1), 0.9) * (high[0] - low[0])
        found = (x, self.predict(plan.part, x))
        low = found if found[1].flicker <= FLICKER_CAP else low
        return replace(plan, level=low[0], predicted=low[1], capped=True)

    def _by_rate(self, part: Part, goal: float, least: Plan, why: str):
        # Stage 3: the highest exact GIF rate at which the colours fit, guessed from
        # a power law of size against rate through the part's rate and the lowest.
        rates = gif_rates(least.rate)
        if not rates:
            return None, least, why
        floor = self.least(replace(part, fps=rates[-1]))
        why = f"{why}, and at {_fps(rates[-1])} fps {file_size(floor.predicted.bytes)}"
        if floor.predicted.bytes > goal:
            return None, floor, why
        slope = _slope(least.predicted.bytes, floor.predicted.bytes, least.rate, floor.rate)
        for fps in rates:
            if fps != rates[-1] and least.predicted.bytes * (fps / least.rate) ** slope > goal:
                continue
            plan = self.colours(replace(part, fps=fps), goal)
            if plan is not None:
                return replace(plan, reason=f"{why}: the frame rate was lowered to "
                               f"{_fps(plan.rate)} fps"), floor, why
        return None, floor, why

    def _by_width(self, least: Plan, goal: float, why: str):
        # Stage 4: the widest frames at which the colours fit, from a power law of
        # size against width: first with the prior slope, then with the slope
        # through the last tried, each aiming a little lower (each try decodes a
        # sample); the narrowest last.
        width = self.facts(least.part)[1]
        narrow = max(MIN_WIDTH, int(math.ceil(width * WIDTH_FLOOR)))
        if narrow >= width:
            return None, least, why
        slope, aim, w = WIDTH_SLOPE, (1 - CLOSE / 2) * goal, width
        for attempt in range(WIDTH_TRIES):
            w = min(w - 1, int(width * (aim / least.predicted.bytes) ** (1 / slope)))
            w = narrow if attempt == WIDTH_TRIES - 1 else max(narrow, w)
            aim *= 1 - CLOSE
            plan = self.colours(replace(least.part, width=w), goal)
            if plan is not None:
                return replace(plan, reason=f"{why}: the width was lowered to {w} px"), \
                    least, why
            tried = self.least(replace(least.part, width=w))
            slope = _slope(least.predicted.bytes, tried.predicted.bytes, width, w)
            if w == narrow:
                break
        return None, tried, f"{why}, and {w} px wide {file_size(tried.predicted.bytes)}"

    def corrected(self, plan: Plan, actual: int, part: Part, aim: float) -> Plan | None:
        """New settings after an encode of ``plan`` gave ``actual`` bytes, over the target.

        Every prediction is scaled by what the encode measured against what was
        predicted, and the choice made again for ``aim`` of the target. None
        when the settings would not change (the smallest were encoded).
        """
        self.scale *= actual / plan.predicted.bytes
        again = self.choose(part, aim * self.max_bytes)
        if again.part == plan.part and again.level >= plan.level:
            return None
        return replace(again, reason=f"{again.reason}; a first encode of "
                       f"{file_size(actual)} ({actual:,} bytes) went over, so it was made again")

    def _colour_reason(self, plan: Plan) -> str:
        k, knobs = self.ladder.at(plan.level, plan.still)
        fits = f"{k} colours fit in {file_size(self.max_bytes)}"
        lighter = f"a lighter hold ({knobs.hold:g}/{knobs.hysteresis:g} ΔE99o) draws more pixels"
        if plan.still:
            return (f"{fits} and are as good as exact (mean ΔE2000 "
                    f"{plan.predicted.mean_delta_e:.2f}), so the heavy hold "
                    f"({knobs.hold:g}/{knobs.hysteresis:g} ΔE99o) keeps still areas still")
        if plan.capped and plan.level > 1.0:
            return (f"{fits}, and {lighter}; no lighter, or still areas would flicker "
                    f"(over {FLICKER_CAP:g} ΔE76)")
        if plan.capped:
            return f"{fits}; a lighter hold would make still areas flicker"
        if plan.level > 1.0:
            return f"{fits}, and {lighter} exactly"
        if plan.level >= self.ladder.top:
            return f"the most colours asked for ({k}) fit in {file_size(self.max_bytes)}"
        return f"{k} colours are the most that fit in {file_size(self.max_bytes)}"

    def report(self, report: ConvertReport, plan: Plan, encodes: int) -> FitReport:
        """The :class:`FitReport` of the file kept."""
        k, knobs = self.ladder.at(plan.level, plan.still)
        return FitReport(self.max_bytes, k, knobs.hold, knobs.hysteresis, plan.rate,
                         report.width, report.height, report.bytes, plan.predicted.bytes,
                         encodes, plan.reason, report.bytes <= self.max_bytes,
                         plan.part.fps, plan.part.width, report.frames)


def _guess(ladder: Ladder, least: int, goal: float) -> float:
    # The level whose size the prior slopes put at the middle of the band aimed at.
    room = math.log((1 - CLOSE / 2) * goal / least)
    per_level = SLOPES[0] * math.log(ladder.k_top / ladder.k_low)
    if per_level <= 0 or room >= per_level:
        return 1.0 + max(0.0, room - max(per_level, 0.0)) / SLOPES[1]
    return room / per_level


def _next_level(points, goal: float, top: float) -> float | None:
    # The next level to predict, inside the bracket of the best level under the
    # goal and the lowest over it. Level 1 splits the levels in two smooth
    # pieces (colours, then hold), so a bracket or a slope across it predicts
    # level 1 first; within a piece, log(bytes) is interpolated through the
    # bracket's points to the middle of the band aimed at (inverse quadratic,
    # else the secant), kept off the bracket's ends so that it always shrinks.
    # Where the size flattens (a source of few colours: the last two
    # predictions over the goal and within FLAT of each other) interpolation
    # creeps along the flat part, so the bracket is halved, as Brent's method does.
    target = math.log((1 - CLOSE / 2) * goal)
    lo = max((q for q in points if q[1].bytes <= goal), key=lambda q: q[0])
    over = [q for q in points if q[1].bytes > goal]
    hi = min(over, key=lambda q: q[0]) if over else None
    tried = {q[0] for q in points}
    if hi is None:  # all under so far: go on along the slope of the two highest, to the top
        a, b = sorted(points, key=lambda q: q[0])[-2:]
        if b[0] >= top:
            return None
        if a[0] < 1.0 <= b[0]:  # just past the bend: the hold's slope is the prior's
            x = b[0] + (target - math.log(b[1].bytes)) / SLOPES[1]
        else:
            x = _secant(a, b, target)
        x = min(top, max(x, b[0] + 0.05))
        return 1.0 if b[0] < 1.0 <= x and 1.0 not in tried else x
    if lo[0] < 1.0 < hi[0] and 1.0 not in tried:
        return 1.0
    if hi[0] - lo[0] < 1e-3:
        return None
    last = sorted(q[1].bytes for q in points[-2:])
    if last[0] > goal and last[1] <= (1 + FLAT) * last[0]:
        return (lo[0] + hi[0]) / 2
    inside = [q for q in points if lo[0] <= q[0] <= hi[0]]
    x = _inverse_quadratic(inside[-3:], target) if len(inside) >= 3 else None
    if x is None or not lo[0] < x < hi[0]:
        x = _secant(lo, hi, target)
    margin = 0.01 * (hi[0] - lo[0])
    return min(max(x, lo[0] + margin), hi[0] - margin)


def _read_between(points, x: float) -> tuple[float, Prediction] | None:
    # (x, its prediction read off the line between the predicted levels on
    # either side: log bytes, flicker and colour error linear in the level,
    # the size made an upper bound where the curve bends down),
    # or None when they are not within NARROW (and NARROW_LEVELS) of each other
    # or straddle level 1.
    below = [q for q in points if q[0] <= x]
    above = [q for q in points if q[0] > x]
    if not below or not above:
        return None
    (x0, p0), (x1, p1) = max(below, key=lambda q: q[0]), min(above, key=lambda q: q[0])
    if p1.bytes > (1 + NARROW) * p0.bytes or x1 - x0 > NARROW_LEVELS or x0 < 1.0 < x1:
        return None
    t = (x - x0) / (x1 - x0)
    size = math.exp((1 - t) * math.log(p0.bytes) + t * math.log(p1.bytes))
    left = [q for q in points if q[0] < x0]
    if left:
        # Where the curve bends down (a steeper chord on the left) the line runs
        # below it: the left chord's slope bounds it from above instead.
        xl, pl = max(left, key=lambda q: q[0])
        slope = math.log(p0.bytes / pl.bytes) / (x0 - xl)
        size = max(size, min(p1.bytes, p0.bytes * math.exp(slope * (x - x0))))
    return x, Prediction(
        int(math.ceil(size)), p0.first, (1 - t) * p0.per_frame + t * p1.per_frame,
        (1 - t) * p0.flicker + t * p1.flicker,
        (1 - t) * p0.mean_delta_e + t * p1.mean_delta_e)


def _secant(a, b, target: float) -> float:
    # x where the line through (x, log bytes) of two points meets target.
    ya, yb = math.log(a[1].bytes), math.log(b[1].bytes)
    if yb == ya:
        return (a[0] + b[0]) / 2 if target <= yb else b[0] + 1.0
    return a[0] + (target - ya) * (b[0] - a[0]) / (yb - ya)


def _inverse_quadratic(points, target: float) -> float | None:
    # x where the quadratic through (log bytes, x) of three points meets target.
    ys = [math.log(p.bytes) for _, p in points]
    if len(set(ys)) < 3:
        return None
    x = 0.0
    for i, (xi, _) in enumerate(points):
        term = xi
        for j in range(3):
            if j != i:
                term *= (target - ys[j]) / (ys[i] - ys[j])
        x += term
    return x


def _slope(big: float, small: float, at_big: float, at_small: float) -> float:
    # The exponent of a power law through two (setting, bytes) points.
    if big <= small or at_big <= at_small:
        return 1.0
    return max(0.1, math.log(big / small) / math.log(at_big / at_small))


def _fps(rate: float) -> str:
    return f"{rate:.0f}" if abs(rate - round(rate)) < 0.05 else f"{rate:.1f}"
