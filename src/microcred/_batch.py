"""Batch verification: stream many inputs through verifiers, in order, with bounded memory.

With one worker the calling thread does the work. With N, N - 1 worker *processes* (each with
its own :class:`Verifier` built from the same options, so caches are shared per worker) and the
calling thread do it together — verification is CPU-bound Python, which threads would
serialise. The processes are fed by the calling thread itself (:mod:`microcred._pool`), and
inputs travel in chunks: sending them one by one costs more in pickling than verifying them.
At most ``window`` inputs are in flight, so an endless iterator is verified in constant
memory, and reports come back in input order. The verifier keeps its worker processes for its
next batch (:class:`KeptWorkers`).
"""

from __future__ import annotations

import os
import pickle
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from ._pool import Handle, Pool
    from ._verify import Verifier
    from .report import VerificationReport

__all__ = ["KeptWorkers", "pooled_work", "shared_work", "verify_many", "worker_died"]

_T = TypeVar("_T")
_R = TypeVar("_R")

_worker: Verifier | None = None


def _start_worker(options: Mapping[str, Any]) -> None:
    global _worker
    from ._verify import Verifier

    _worker = Verifier(**options)


def _check_in_worker(chunk: list[Any]) -> list[VerificationReport]:
    assert _worker is not None
    return [_worker.check(data) for data in chunk]


_CHUNK = 64  # inputs per task: large enough to amortise the IPC, small enough to stream
_QUEUED = 3  # chunks per process: one running, two waiting (it must never run dry)
# Chunks the calling thread may finish while it waits for the oldest. A new worker process
# takes about 150 ms to import and warm its caches before it returns its first chunk: with
# room for only a few, this thread sat idle for most of that, on every batch.
_AHEAD = 32


class KeptWorkers:
    """The worker processes a verifier keeps from one batch to the next.

    A new worker takes 150-250 ms to start (a fresh interpreter imports microcred and warms
    its caches): a service verifying batch after batch would pay that on every call, and a
    short batch would be slower with two workers than with one. After a batch that ran to its
    end the processes wait, idle, for the next; :meth:`close` (the verifier's ``close``, its
    garbage collection, or the interpreter's exit) ends them. One batch at a time uses them:
    a batch that starts while another runs gets processes of its own.
    """

    def __init__(self, options: Mapping[str, Any]) -> None:
        self._options = options
        self._lock = threading.Lock()
        self._kept: tuple[Pool, int, int] | None = None  # the pool, its processes, our pid

    def take(self, processes: int) -> Pool:
        """The kept pool if it has ``processes`` workers, all running; else a new one (the old
        one ends)."""
        from ._pool import start_pool  # here: one worker (the usual case) needs no pool

        with self._lock:
            kept, self._kept = self._kept, None
        if kept is not None:
            pool, size, pid = kept
            if size == processes and pid == os.getpid() and pool.alive():
                return pool
            _end(kept)
        return start_pool(processes, _start_worker, (self._options,))

    def give_back(self, pool: Pool, processes: int) -> None:
        """Keep ``pool``, idle, for the next batch (one pool is kept; another is closed)."""
        with self._lock:
            if self._kept is None:
                self._kept = (pool, processes, os.getpid())
                return
        pool.close()

    def close(self) -> None:
        with self._lock:
            kept, self._kept = self._kept, None
        if kept is not None:
            _end(kept)


def _end(kept: tuple[Pool, int, int]) -> None:
    pool, _, pid = kept
    if pid == os.getpid():  # in a forked child the processes are the parent's: leave them
        pool.close()


def verify_many(
    verifier: Verifier,
    inputs: Iterable[Any],
    *,
    workers: int = 1,
    window: int | None = None,
    on_report: Callable[[int, VerificationReport], None] | None = None,
) -> Iterator[VerificationReport]:
    """Yield one report per input, in input order (see :meth:`Verifier.verify_many`)."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if workers == 1:
        reports: Iterator[VerificationReport] = map(verifier.check, inputs)
    else:
        reports = _parallel(verifier, inputs, workers, window)
    for index, report in enumerate(reports):
        if on_report is not None:
            on_report(index, report)
        yield report


def _parallel(
    verifier: Verifier, inputs: Iterable[Any], workers: int, window: int | None
) -> Iterator[VerificationReport]:
    """``workers - 1`` processes and the calling thread share the work, chunk by chunk.

    See :func:`shared_work`.
    """
    import pickle

    from ._pool import WorkerDied  # here: one worker (the usual case) needs no pool

    try:
        pickle.dumps(verifier.options)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise ValueError(
            "this verifier's options (a custom resolver, loader, clock or status checker) cannot "
            f"be sent to worker processes ({exc}); use workers=1 or picklable plug-ins"
        ) from None
    processes = workers - 1
    kept = verifier._kept_workers
    pool = kept.take(processes)
    try:
        yield from pooled_work(
            pool,
            verifier.check,
            _check_in_worker,
            map(_sendable, inputs),
            processes=processes,
            window=window,
            keep=lambda idle: kept.give_back(idle, processes),
        )
    except WorkerDied:
        raise RuntimeError(worker_died("workers=1")) from None


def _sendable(data: Any) -> Any:
    """Bytes by another name as bytes: a memoryview does not pickle, to go to a worker."""
    return bytes(data) if isinstance(data, bytearray | memoryview) else data


def worker_died(remedy: str) -> str:
    """What to say when a worker process is gone (the pool cannot tell why)."""
    return (
        "a worker process stopped abruptly (killed, out of memory, or started from a script "
        "without an 'if __name__ == \"__main__\":' guard: worker processes import the main "
        f"module again); the results before it were delivered; {remedy} verifies in this process"
    )


def pooled_work(
    pool: Pool,
    work: Callable[[_T], _R],
    task: Callable[[list[_T]], list[_R]],
    items: Iterable[_T],
    *,
    processes: int,
    window: int | None = None,
    chunk: int = _CHUNK,
    keep: Callable[[Pool], None] | None = None,
) -> Generator[_R, None, None]:
    """:func:`shared_work` with ``pool``'s processes running ``task`` on chunks of items.

    What the pool has not sent yet goes between the checks done here, so no process waits for
    its next chunk. At the end the pool, idle, goes to ``keep`` (for the next batch), or is
    closed; if the caller stops early or an error comes, it is closed at once (its pipes may
    still hold chunks).
    """

    def here(item: _T) -> _R:
        pool.flush()
        return work(item)

    def submit(batch: list[_T]) -> Handle[list[_R]] | list[_R]:
        try:
            return _OrHere(pool.submit(task, batch), batch, here)
        except (pickle.PicklingError, TypeError, AttributeError):  # an item that cannot travel:
            return [here(item) for item in batch]  # this chunk is done here, as with one worker

    finished = False
    try:
        yield from shared_work(here, submit, items, processes=processes, window=window, chunk=chunk)
        finished = True
    finally:
        if finished and keep is not None:
            keep(pool)
        else:
            pool.close(wait=finished)


def shared_work(
    work: Callable[[_T], _R],
    submit: Callable[[list[_T]], Handle[list[_R]] | list[_R]],
    items: Iterable[_T],
    *,
    processes: int,
    window: int | None = None,
    chunk: int = _CHUNK,
) -> Iterator[_R]:
    """``work(item)`` for every item, in order, shared between processes and this thread.

    ``submit(chunk)`` hands a list of items to the processes and returns the future of their
    results; each process has a few chunks queued. Meanwhile this thread runs
    ``work`` on the next chunk itself rather than wait: receiving the processes' results takes
    a fraction of a core, and the rest would sit idle. At most ``window`` items are in flight.
    """
    queued = _QUEUED * processes
    capacity = queued + _AHEAD  # and chunks done here meanwhile, held until their turn
    if window is not None:
        capacity = max(1, min(capacity, window))
    size = max(1, min(chunk, (window or chunk * capacity) // capacity))
    pending: deque[Handle[list[_R]] | list[_R]] = deque()
    source = iter(items)
    while True:
        while pending and _ready(pending[0]):
            yield from _results(pending.popleft())
        batch = list(islice(source, size)) if len(pending) < capacity else []
        if batch:
            if sum(not _ready(p) for p in pending) < queued:
                pending.append(submit(batch))
            else:
                pending.append([work(item) for item in batch])
        elif pending:  # full, or the input is exhausted: wait for the oldest chunk
            yield from _results(pending.popleft())
        else:
            return


class _OrHere(Generic[_T, _R]):
    """A chunk's results from the worker, or, when the worker could not unpickle the chunk,
    from ``here``: every input gets its report, as with one worker."""

    def __init__(self, handle: Handle[list[_R]], batch: list[_T], here: Callable[[_T], _R]) -> None:
        self._handle, self._batch, self._here = handle, batch, here

    def done(self) -> bool:
        return self._handle.done()

    def result(self) -> list[_R]:
        from ._pool import NotReceived

        try:
            return self._handle.result()
        except NotReceived:
            return [self._here(item) for item in self._batch]


def _ready(chunk: Handle[list[_R]] | list[_R]) -> bool:
    return isinstance(chunk, list) or chunk.done()


def _results(chunk: Handle[list[_R]] | list[_R]) -> list[_R]:
    return chunk if isinstance(chunk, list) else chunk.result()
