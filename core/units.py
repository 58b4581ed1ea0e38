"""Sizes and counts in the words a person reads, the same on the page and the command line."""

from __future__ import annotations


def file_size(n_bytes: int) -> str:
    """A size in the words a person reads: "820 bytes", "45 KB", "1.2 MB".

    Counted in binary units (1 KB = 1,024 bytes), as file managers on
    Windows do; one decimal below 10 of a unit, none above.

    Parameters
    ----------
    n_bytes : int

    Returns
    -------
    str
    """
    if n_bytes < 1024:
        return count(int(n_bytes), "byte")
    size, units = n_bytes / 1024, ["KB", "MB", "GB"]
    while size >= 1024 and len(units) > 1:
        size /= 1024
        units.pop(0)
    return f"{size:.1f} {units[0]}" if size < 10 else f"{size:.0f} {units[0]}"


def count(n: int, noun: str) -> str:
    """``n`` and the noun, plural unless ``n`` is 1: "1 frame", "40 frames"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
