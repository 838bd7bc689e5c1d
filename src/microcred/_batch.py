"""Batch verification: stream many inputs through verifiers, in order, with bounded memory.

With one worker the calling thread does the work. With more, each worker *process* builds its
own :class:`Verifier` from the same options (so caches are shared per worker) — verification
is CPU-bound Python, which threads would serialise. At most ``window`` inputs are in flight, so
an endless iterator is verified in constant memory, and reports come back in input order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def _check_in_worker(data: Any) -> VerificationReport:
    assert _worker is not None
    return _worker.check(data)


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
    in_flight: deque[Future[VerificationReport]] = deque()
    limit = window or 4 * workers
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, context, initializer=_start_worker, initargs=(options,)
    ) as pool:
        done = 0
        for data in inputs:
            in_flight.append(pool.submit(_check_in_worker, data))
            if len(in_flight) >= limit:
                report = in_flight.popleft().result()
                if on_report is not None:
                    on_report(done, report)
                done += 1
                yield report
        while in_flight:
            report = in_flight.popleft().result()
            if on_report is not None:
                on_report(done, report)
            done += 1
            yield report
