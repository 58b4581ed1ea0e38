"""WCAG 2 contrast between colours: which swatch pairs are readable as text on each other.

The contrast ratio of two colours is ``(L1 + 0.05) / (L2 + 0.05)`` of their
relative luminances, lighter over darker: 1 for equal colours, 21 for black on
white. WCAG 2 asks for 4.5 for body text (level AA), 3 for large text (18 pt,
or 14 pt bold) and 7 for level AAA.

References
----------
W3C (2008, 2023). Web Content Accessibility Guidelines (WCAG) 2.x,
"contrast ratio" and "relative luminance" (success criteria 1.4.3 and 1.4.6).
"""

from __future__ import annotations

import numpy as np

#: The WCAG 2 thresholds, strictest first: ratio -> level.
LEVELS = ((7.0, "AAA"), (4.5, "AA"), (3.0, "AA large"))
#: The level of a ratio below every threshold.
FAIL = "fails"


def relative_luminance(rgb) -> np.ndarray:
    """WCAG relative luminance (0 black, 1 white) of sRGB colours (0-255), shape (...,).

    The sRGB channels are linearised with WCAG's own formula (its threshold
    0.03928 rather than IEC's 0.04045, which differ below 1/1000 of a level)
    and weighted 0.2126, 0.7152, 0.0722.
    """
    unit = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(unit <= 0.03928, unit / 12.92, ((unit + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(first, second) -> float:
    """The WCAG 2 contrast ratio of two sRGB colours (three 0-255 numbers each), 1 to 21."""
    a, b = relative_luminance(first), relative_luminance(second)
    return float((max(a, b) + 0.05) / (min(a, b) + 0.05))


def contrast_table(colors) -> np.ndarray:
    """Contrast ratio of every pair of colours, shape (k, k), symmetric, 1 on the diagonal.

    Parameters
    ----------
    colors : array-like, shape (k, 3)
        sRGB colours, 0-255.
    """
    lum = relative_luminance(np.asarray(colors).reshape(-1, 3))
    high, low = np.maximum.outer(lum, lum), np.minimum.outer(lum, lum)
    return (high + 0.05) / (low + 0.05)


def level(ratio: float) -> str:
    """The WCAG 2 level a contrast ratio reaches: "AAA", "AA", "AA large" or "fails"."""
    return next((name for threshold, name in LEVELS if ratio >= threshold), FAIL)
