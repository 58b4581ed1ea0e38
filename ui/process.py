"""Process-wide malloc settings for a small server (Community Cloud allows 690 MB).

Two glibc habits cost the page memory it does not use, measured with
``bench/bench_app.py`` on the 1280x688 clip:

- glibc gives each thread that allocates while another does its own malloc
  arena, up to 8 a core, and an arena keeps freed memory for reuse. The page
  runs each visitor's script on a thread of its own, and an export adds three
  more (decode, quantize, write).
- A freed block larger than the mmap threshold goes back to the system, but
  glibc raises that threshold to the largest such block freed (up to 32 MB):
  after the first frames of a clip, the frame-sized arrays (3.5 to 10 MB at
  1280x688) come from the arenas, which keep them.

Two arenas and a fixed 8 MB threshold (the 10.6 MB colour planes of the
export's hold go back to the system when freed) lower one visitor's peak by
about 60 MB and three visitors' by about 70 MB, at the same speed
(``bench/results/bench_app.md``). A 1 MB threshold lowers one visitor's peak a
little more but raises three visitors' and makes the export 60% slower (a
page fault for every frame-sized array).

``MALLOC_ARENA_MAX`` and ``MALLOC_MMAP_THRESHOLD_`` would say the same, but only
in the environment the server starts with, which the app does not control;
``mallopt`` says it from inside, for what is allocated from then on.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

#: ``mallopt`` parameters, from glibc's ``malloc.h``.
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
#: At most this many arenas (threads share them).
ARENAS = 2
#: Blocks of at least this many bytes are mapped on their own and returned when freed.
MMAP_THRESHOLD = 8 << 20


@cache
def _libc():
    # The C library, or None where there is none to find (finding it runs ldconfig once).
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


@cache
def limit_malloc(arenas: int = ARENAS, mmap_threshold: int = MMAP_THRESHOLD) -> bool:
    """Cap glibc's malloc arenas and fix its mmap threshold; False where that is not possible.

    Done once a process (the page calls it on every run): finding the C
    library runs ``ldconfig``, about 2 ms.

    Parameters
    ----------
    arenas : int
        At most this many arenas.
    mmap_threshold : int
        Bytes from which a block is mapped on its own (no longer raised by
        glibc as large blocks are freed).

    Returns
    -------
    bool
        True when glibc took both settings; False on another C library
        (macOS, musl), which keeps its own behaviour.
    """
    mallopt = getattr(_libc(), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_ARENA_MAX, int(arenas))) and bool(
        mallopt(_M_MMAP_THRESHOLD, int(mmap_threshold))
    )


def give_back() -> bool:
    """Hand the memory freed inside malloc's arenas back to the system (glibc's ``malloc_trim``).

    A visitor's earlier upload leaves its freed frames scattered through the
    arenas, which glibc keeps for reuse; the next upload's frames do not fit
    the holes exactly, so without this each upload leaves the process a
    little larger than the one before. Called at the end of every run of the
    page (a few milliseconds). False where glibc is not the C library.
    """
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is None:
        return False
    trim(0)
    return True
