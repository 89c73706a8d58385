"""Spread per-record work over the machine's cores: in forked workers, in a fork server's workers where other
threads run, or in this process where there is little work or no way to start workers."""

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
# What the fork server imports once, when it first starts (under `mkdocs serve`, see fork_map), so that each
# worker it forks has the modules of both jobs loaded already.
PRELOAD = ["generator.build.site", "generator.build.verify"]
_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # what forked workers inherit
_function: Callable[[Any], Any] | None = None  # what a worker of the fork server was given


def fork_map(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[function(item) for item in items]`, in worker processes on two or more cores.

    Where this process runs no other thread (`mkdocs build`, `register check`), the workers are forked
    from it: the function and the items reach them through fork, so neither needs to be picklable, and only
    the results travel back. Forking a process with other threads running (the server and file watchers of
    `mkdocs serve`) could copy a lock another thread holds, and hang the worker; there the workers come
    from a fork server started without threads, and the function and the items travel to them pickled.

    The work is done here instead when there are fewer than PARALLEL_FROM items, one core, no fork (Windows),
    a function that cannot be pickled, no fork server (a sandbox without Unix sockets), or a worker that
    died. An error the function raises reaches the caller as it would from one process.

    As with any use of multiprocessing, a script that calls this while it runs threads must keep its own
    work under `if __name__ == "__main__":`, since the fork server imports the script it was started from.
    """
    global _job
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < PARALLEL_FROM or workers < 2:
        return [function(item) for item in items]
    import multiprocessing  # imported here: a run with little to do (a check from the record cache) starts faster
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    chunks = pieces(len(items), workers)
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
    except (pickle.PicklingError, AttributeError, TypeError, RecursionError):
        return [function(item) for item in items]
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # before the server's first start only; later calls change nothing
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_receive, initargs=(pickled,)) as pool:
        try:  # the workers start as the first piece is handed out
            returned = pool.map(_run_items, [items[chunk.start:chunk.stop] for chunk in chunks])
        except OSError:  # no fork server here: a sandbox without Unix sockets
            returned = None
        try:
            if returned is not None:
                return [result for results in returned for result in results]
        except BrokenProcessPool:  # a worker died: killed, or the job could not be unpickled there
            pass
    # Only the two failures of the pool itself lead here. A job's own error (a record deleted while it
    # was read) is not caught: it reaches the caller once, as it would from one process.
    return [function(item) for item in items]


def pieces(count: int, workers: int) -> list[range]:
    """The items' indices in pieces of at most PIECE, as many for each worker: 1,000 items in pieces of 200
    gave one of two workers three pieces and the other two, which then waited a third of the time."""
    size = -(-count // (workers * -(-count // (workers * PIECE))))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


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
