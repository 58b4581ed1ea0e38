"""Sizes and counts in the words a person reads and types, alike on the page and the command line.

Sizes are in decimal units, 1 KB = 1,000 bytes and 1 MB = 1,000,000 bytes, in
what is printed (:func:`file_size`) and in what is typed (:func:`parse_size`):
GitHub, Discord and Slack state their limits as "10 MB", and a file of at most
10,000,000 bytes fits that limit whichever way a site counts it. The binary
units are read when asked for by name ("10 MiB" = 10,485,760 bytes).
"""

from __future__ import annotations

import math
import re

#: Bytes in each unit that :func:`parse_size` reads (case does not matter).
UNITS = {
    "": 1, "b": 1, "byte": 1, "bytes": 1,
    "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
    "kib": 2**10, "mib": 2**20, "gib": 2**30,
}
_SIZE = re.compile(r"\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*", re.IGNORECASE)


def file_size(n_bytes: int) -> str:
    """A size in the words a person reads: "820 bytes", "45 KB", "1.2 MB".

    Decimal units (1 KB = 1,000 bytes), as the limits of the sites a GIF goes
    to are stated; one decimal below 10 of a unit, none above. Rounded down,
    so a file that fits "10 MB" never reads as more.

    Parameters
    ----------
    n_bytes : int

    Returns
    -------
    str
    """
    if n_bytes < 1000:
        return count(int(n_bytes), "byte")
    size, units = n_bytes / 1000, ["KB", "MB", "GB"]
    while size >= 1000 and len(units) > 1:
        size /= 1000
        units.pop(0)
    if size < 10:
        return f"{math.floor(size * 10) / 10:.1f} {units[0]}"
    return f"{math.floor(size)} {units[0]}"


def parse_size(text: str) -> int:
    """Bytes in a size as typed: "10MB", "2.5 MB", "500KB", "800000", "8 MiB".

    Parameters
    ----------
    text : str
        A number and an optional unit: bytes, KB, MB, GB (decimal: 1 MB is
        1,000,000 bytes), or KiB, MiB, GiB (binary). No unit means bytes.

    Returns
    -------
    int
        Whole bytes, rounded down (a limit is never rounded up).

    Raises
    ------
    ValueError
        For anything else, or a size below one byte.
    """
    match = _SIZE.fullmatch(str(text))
    unit = match and UNITS.get(match.group(2).lower())
    if not unit:
        raise ValueError(f"{text!r} is not a size: write a number and a unit, e.g. 10MB, "
                         "2.5 MB or 500KB (1 MB = 1,000,000 bytes; MiB for 2^20).")
    value = math.floor(float(match.group(1)) * unit)
    if value < 1:
        raise ValueError(f"{text!r} is less than one byte.")
    return value


def count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: "1 frame", "40 frames"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
