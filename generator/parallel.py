"""Spread per-record work over the machine's cores: in forked workers, in a fork server's workers where other
threads run, or in this process where there is little work or no way to start workers."""

from __future__ import annotations

import itertools
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a second process costs more than it saves.
PARALLEL_FROM = 200
# The work is handed out in pieces of at most this many items, and each piece's results come back as one
# message, which the main process holds whole while it reads it: as halves of the register, at 20,000
# records these were messages of some 30 MB that left the heap some 60 MB larger for the rest of the build.
# Pieces also keep every worker busy to the end where one of them is slowed.
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
    a function that cannot be pickled for the fork server, workers that cannot start (a sandbox without
    Unix sockets or shared memory), or a worker that died (killed, or unable to unpickle the job).

    An error the function raises reaches the caller once, as it would from one process, after the pieces
    not yet started are cancelled; an error that cannot itself be pickled looks like a dead worker.

    As with any use of multiprocessing, a script that calls this while it runs threads must keep its own
    work under `if __name__ == "__main__":`, since the fork server imports the script it was started from.
    """
    global _job
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < PARALLEL_FROM or workers < 2:
        return [function(item) for item in items]
    import multiprocessing  # imported here: a run with little to do (a check from the record cache) starts faster

    methods = multiprocessing.get_all_start_methods()
    handed_out = pieces(len(items), workers)
    results: list[Any] | None = None
    if threading.active_count() == 1 and "fork" in methods:
        _job = (function, items)
        try:
            results = _in_workers(multiprocessing.get_context("fork"), workers, _run_chunk, handed_out)
        finally:
            _job = None
    elif "forkserver" in methods:
        try:
            pickled = pickle.dumps(function)
        except (pickle.PicklingError, AttributeError, TypeError, RecursionError):
            pickled = None
        if pickled is not None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)  # before the server's first start only; later calls change nothing
            results = _in_workers(context, workers, _run_items, [items[piece.start:piece.stop] for piece in handed_out],
                                  initializer=_receive, initargs=(pickled,))
    return results if results is not None else [function(item) for item in items]


def _in_workers(context: Any, workers: int, run: Callable[[Any], list[Any]], work: Sequence[Any], *,
                initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = ()) -> list[Any] | None:
    """The results of `run` on each piece of `work`, in order, from `workers` processes of `context`; None
    where they cannot start or one dies. A job's own error propagates, the pieces not yet started cancelled."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = None
    try:
        try:  # the workers start as the pieces are handed out
            pool = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)
            returned = pool.map(run, work)
        except (OSError, BrokenProcessPool):
            return None
        try:
            return [result for results in returned for result in results]
        except BrokenProcessPool:
            return None
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def pieces(count: int, workers: int) -> list[range]:
    """The indices of `count` items in a multiple of `workers` pieces of at most PIECE, their sizes at most
    one apart, so that the workers, who take the next piece as they finish one, finish together: 1,000 items
    in pieces of 200 left one of two workers idle for a third of the time."""
    workers = max(workers, 1)
    number = workers * max(-(-count // (workers * PIECE)), 1)
    bounds = [count * index // number for index in range(number + 1)]
    return [range(start, stop) for start, stop in itertools.pairwise(bounds) if stop > start]


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
