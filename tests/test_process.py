"""The server's process-wide memory setting (ui/process.py)."""

from __future__ import annotations

import platform
import sys

import pytest

from ui.process import limit_malloc


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="malloc arenas are glibc's",
)
def test_glibc_takes_the_malloc_settings():
    assert limit_malloc() is True
