"""Spread per-record work over the machine's cores by forking, where that is safe and worth it."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a second process costs more than it saves.
PARALLEL_FROM = 200
# The workers send their results back in pieces of this many items. The main process holds each piece
# whole while it reads it: as halves of the register, at 20,000 records these were messages of some
# 30 MB that left the heap some 60 MB larger for the rest of the build. Pieces also keep both cores busy
# to the end where one worker is slowed.
PIECE = 200
_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # what forked workers inherit


def fork_map(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[function(item) for item in items]`, in forked workers on two or more cores.

    The function and the items reach the workers through fork, so neither needs to be
    picklable; only the results travel back. Fork is skipped where it is unsafe or missing:
    with other threads running (mkdocs serve) or on platforms without it.
    """
    global _job
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < PARALLEL_FROM or workers < 2 or threading.active_count() > 1:
        return [function(item) for item in items]
    import multiprocessing  # imported here: a run with little to do (a check from the record cache) starts faster
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    size = min(-(-len(items) // workers), PIECE)
    chunks = [range(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _job = (function, items)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return [result for results in pool.map(_run_chunk, chunks) for result in results]
    finally:
        _job = None


def _run_chunk(indices: range) -> list[Any]:
    assert _job is not None
    function, items = _job
    return [function(items[index]) for index in indices]
