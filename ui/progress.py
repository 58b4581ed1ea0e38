"""One progress bar for everything the page computes, in one place, in words.

Reading the part, then each mode frame by frame: the bar says which step it is
on and how far ("Stable: mode 4 of 4, frame 120 of 200"), and moves at least
once a frame, so the page never sits still without saying why.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from streamlit.delta_generator import DeltaGenerator

Report = Callable[[int, int], None]

#: Seconds between two redraws of the bar while counting frames (each costs a message).
REDRAW_S = 0.15


class Progress:
    """A bar drawn in ``slot`` (an ``st.empty()``) while work is going on, and gone after.

    Parameters
    ----------
    slot : DeltaGenerator
        Where the bar goes: an empty placeholder above what is being computed.
    """

    def __init__(self, slot: DeltaGenerator):
        self.slot = slot
        self._bar = None
        self._drawn = 0.0

    def show(self, fraction: float, text: str) -> None:
        """Draw the bar at ``fraction`` (0 to 1) with ``text``."""
        fraction = min(1.0, max(0.0, fraction))
        self._drawn = time.monotonic()
        if self._bar is None:
            self._bar = self.slot.progress(fraction, text=text)
        else:
            self._bar.progress(fraction, text=text)

    def _due(self, done: int, total: int) -> bool:
        # Every frame would be a message each; the first, the last and a few a second do.
        return done <= 1 or done >= total or time.monotonic() - self._drawn >= REDRAW_S

    def frames(self, label: str) -> Report:
        """A ``progress(done, total)`` callback that reads "label: frame 12 of 43"."""
        def report(done: int, total: int) -> None:
            if self._due(done, total):
                self.show(done / max(1, total), f"{label}: frame {done} of {total}")

        return report

    def modes(self, states: list[tuple[str, int, int, int, int]]) -> None:
        """One bar over modes made side by side: ``(label, index, count, done, total)`` each.

        Reads "Seeded: mode 2 of 4, frame 12 of 43 · Global palette: mode 3 of 4, frame 5
        of 43", naming the modes under way (or the next one when none has started).
        """
        if not states:
            return
        fraction = sum(done / max(1, total) for *_, done, total in states) / len(states)
        busy = [s for s in states if 0 < s[3] < s[4]] or [
            next((s for s in states if s[3] == 0), states[-1])]
        words = []
        for label, index, count, done, total in busy:
            step = f"{label}: mode {index} of {count}, " if count > 1 else f"{label}: "
            words.append(f"{step}frame {done} of {total}")
        self.show(fraction, " · ".join(words))

    def done(self) -> None:
        """Take the bar away."""
        self.slot.empty()
        self._bar = None
