"""Spread per-record work over the machine's cores, by forking where that is safe and worth it."""

from __future__ import annotations

import os
import pickle
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
# What the workers import before any job, under `mkdocs serve` (see fork_map): the modules of both jobs.
PRELOAD = ["generator.build.site", "generator.build.verify"]
_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # what forked workers inherit
_function: Callable[[Any], Any] | None = None  # what a worker of the fork server was given


def fork_map(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[function(item) for item in items]`, in worker processes on two or more cores.

    Where this process runs no other thread (`mkdocs build`, `register check`), the workers are forked
    from it: the function and the items reach them through fork, so neither needs to be picklable, and only
    the results travel back. Forking a process with other threads running (the server and file watchers of
    `mkdocs serve`) could copy a lock another thread holds, and hang the worker; there the workers come
    from a fork server started without threads, and the function and items travel to them pickled. A
    function that cannot be pickled then runs here, as it does on platforms without fork.
    """
    global _job
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < PARALLEL_FROM or workers < 2:
        return [function(item) for item in items]
    import multiprocessing  # imported here: a run with little to do (a check from the record cache) starts faster
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    size = min(-(-len(items) // workers), PIECE)
    chunks = [range(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    if threading.active_count() == 1 and "fork" in methods:
        _job = (function, items)
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                return [result for results in pool.map(_run_chunk, chunks) for result in results]
        finally:
            _job = None
    if "forkserver" not in methods:
        return [function(item) for item in items]
    try:
        pickled = pickle.dumps(function)
    except (pickle.PicklingError, AttributeError, TypeError):
        return [function(item) for item in items]
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # before the server's first start only; later calls change nothing
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_receive, initargs=(pickled,)) as pool:
            return [result for results in pool.map(_run_items, [items[chunk.start:chunk.stop] for chunk in chunks])
                    for result in results]
    except (OSError, BrokenProcessPool):  # no fork server here (a sandbox without sockets), or a worker was killed
        return [function(item) for item in items]


def _run_chunk(indices: range) -> list[Any]:
    assert _job is not None
    function, items = _job
    return [function(items[index]) for index in indices]


def _receive(pickled: bytes) -> None:
    global _function
    _function = pickle.loads(pickled)


def _run_items(items: Sequence[Any]) -> list[Any]:
    assert _function is not None
    return [_function(item) for item in items]
