"""Prefetch: make the next item on a second thread while the caller works on this one.

The stable mode prepares a frame (its cells and their colours) while the
previous frame goes through the step that depends on what came before; numpy
releases the GIL, so on two cores the two overlap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def prefetched(make: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
    """``make(item)`` for every item, in order, each taken and made ahead on a second thread.

    At most one item is taken ahead of the results given. If ``items`` breaks
    off with an error, the result made before it is given first, then the
    error raised.

    Parameters
    ----------
    make : callable(item)
    items : iterable
        Consumed one item ahead of the results given, on the second thread.

    Yields
    ------
    make(item)
    """
    source = iter(items)
    end = object()

    def take_and_make():
        item = next(source, end)
        return end if item is end else make(item)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="prefetch") as pool:
        ahead = pool.submit(take_and_make)
        while True:
            made = ahead.result()
            if made is end:
                return
            ahead = pool.submit(take_and_make)
            yield made
