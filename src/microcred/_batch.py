"""Batch verification: stream many inputs through verifiers, in order, with bounded memory.

With one worker the calling thread does the work. With more, each worker *process* builds its
own :class:`Verifier` from the same options (so caches are shared per worker) — verification
is CPU-bound Python, which threads would serialise. Inputs travel in chunks: sending them one
by one costs more in pickling and queueing than verifying them. At most ``window`` inputs are
in flight, so an endless iterator is verified in constant memory, and reports come back in
input order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ._verify import Verifier
    from .report import VerificationReport

__all__ = ["verify_many"]

_worker: Verifier | None = None


def _start_worker(options: Mapping[str, Any]) -> None:
    global _worker
    from ._verify import Verifier

    _worker = Verifier(**options)


def _check_in_worker(chunk: list[Any]) -> list[VerificationReport]:
    assert _worker is not None
    return [_worker.check(data) for data in chunk]


_CHUNK = 64  # inputs per task: large enough to amortise the IPC, small enough to stream


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
        for i, data in enumerate(inputs):
            report = verifier.check(data)
            if on_report is not None:
                on_report(i, report)
            yield report
        return
    # imported here: one worker (the usual case) needs no processes
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    options = verifier.options
    try:
        pickle.dumps(options)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise ValueError(
            "this verifier's options (a custom resolver, loader, clock or status checker) cannot "
            f"be sent to worker processes ({exc}); use workers=1 or picklable plug-ins"
        ) from None
    in_flight: deque[Future[list[VerificationReport]]] = deque()
    tasks = 2 * workers  # one running and one queued per worker
    size = max(1, min(_CHUNK, (window or _CHUNK * tasks) // tasks))
    context = multiprocessing.get_context("spawn")
    done = 0

    def finished(future: Future[list[VerificationReport]]) -> Iterator[VerificationReport]:
        nonlocal done
        for report in future.result():
            if on_report is not None:
                on_report(done, report)
            done += 1
            yield report

    source = iter(inputs)
    with ProcessPoolExecutor(
        workers, context, initializer=_start_worker, initargs=(options,)
    ) as pool:
        while chunk := list(islice(source, size)):
            in_flight.append(pool.submit(_check_in_worker, chunk))
            if len(in_flight) >= tasks:
                yield from finished(in_flight.popleft())
        while in_flight:
            yield from finished(in_flight.popleft())
