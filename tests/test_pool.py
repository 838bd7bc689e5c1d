"""The worker pool of batch verification: big messages, errors, early stops, dead workers."""

from __future__ import annotations

import itertools
import multiprocessing
import signal
from collections.abc import Iterator
from typing import Any

import pytest

import microcred
from microcred._pool import WorkerDied, start_pool

from conftest import REPO, load_json


@pytest.fixture(autouse=True)
def _deadline() -> Iterator[None]:
    """A pool that deadlocks fails the test in a minute instead of hanging the run."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError("the pool did not answer within 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _nothing() -> None:
    pass


def _sizes(chunk: list[bytes]) -> list[int]:
    return [len(item) for item in chunk]


def _echo(chunk: list[bytes]) -> list[bytes]:
    return chunk


def _fails(chunk: Any) -> Any:
    raise ValueError(f"refused {chunk!r}")


def _unpicklable(chunk: Any) -> Any:
    return lambda: chunk


def test_messages_larger_than_a_pipe_go_and_come_back_whole_and_in_order() -> None:
    pool = start_pool(2, _nothing, ())
    try:
        # each 3 MiB: more than a pipe holds, so it goes out in many non-blocking writes
        chunks = [[bytes([i]) * (3 << 20)] for i in range(6)]
        handles = [pool.submit(_echo, chunk) for chunk in chunks]
        sizes = [pool.submit(_sizes, [b"x" * n for n in range(i)]) for i in range(5)]
        assert [h.result() for h in handles] == chunks
        assert [h.result() for h in sizes] == [list(range(i)) for i in range(5)]
    finally:
        pool.close()
    assert multiprocessing.active_children() == []


def test_an_exception_in_a_worker_is_raised_by_result() -> None:
    pool = start_pool(1, _nothing, ())
    try:
        with pytest.raises(ValueError, match="refused 'x'"):
            pool.submit(_fails, "x").result()
        with pytest.raises(RuntimeError, match="in a worker process"):
            pool.submit(_unpicklable, "y").result()
        assert pool.submit(_sizes, [b"ab"]).result() == [2]  # the worker goes on
    finally:
        pool.close()


def test_a_killed_worker_is_worker_died() -> None:
    pool = start_pool(1, _nothing, ())
    try:
        handle = pool.submit(_sizes, [b"a"])
        assert handle.result() == [1]
        pool._workers[0].process.kill()  # type: ignore[attr-defined]
        with pytest.raises(WorkerDied):
            pool.submit(_sizes, [b"b"]).result()
    finally:
        pool.close(wait=False)
    assert multiprocessing.active_children() == []


def test_a_batch_stopped_early_ends_its_workers() -> None:
    badge = load_json(REPO / "examples" / "badges" / "python-foundations.json")
    with microcred.Verifier(offline=True) as verifier:
        reports = verifier.verify_many(itertools.repeat(badge), workers=2)
        first = list(itertools.islice(reports, 200))
        reports.close()  # type: ignore[attr-defined]
    assert len(first) == 200
    assert multiprocessing.active_children() == []
