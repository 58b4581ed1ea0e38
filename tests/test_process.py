"""The server's process-wide memory setting (ui/process.py)."""

from __future__ import annotations

import platform
import sys

import pytest

from ui.process import give_back, limit_malloc


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="malloc arenas are glibc's",
)
def test_glibc_takes_the_malloc_settings():
    assert limit_malloc() is True


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="malloc_trim is glibc's",
)
def test_freed_memory_goes_back_to_the_system_where_glibc_runs():
    gone = [bytearray(1 << 16) for _ in range(256)]
    del gone
    assert give_back() is True
