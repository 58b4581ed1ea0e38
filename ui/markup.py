"""Showing text the visitor chose (file names) inside Markdown without it becoming markup.

A file named ``![x](https://tracker/…)`` or ``:red[…]`` would otherwise render
as an image, a link or coloured text on the page.
"""

from __future__ import annotations

import re

# Inline Markdown, Streamlit's :directives: and $maths$ start from these; the
# names are shown mid-line, so line-start markup (#, -, 1.) cannot arise.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|<>~:$&])")


def plain(text: str, limit: int = 80) -> str:
    """``text`` escaped for ``st.markdown`` and friends, on one line, at most ``limit`` chars."""
    one_line = " ".join(str(text).split())
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    return _SPECIAL.sub(r"\\\1", one_line)
