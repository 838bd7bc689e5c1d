"""Verifier.verify_many: input order, identical results across worker counts, bounded window."""

from __future__ import annotations

import copy
import itertools
import os
from datetime import UTC, datetime
from typing import Any

import pytest

import microcred
from microcred import Ed25519Key

from conftest import REPO, load_json

NOW = datetime(2026, 11, 22, tzinfo=UTC)
KEY = Ed25519Key.from_seed(b"b" * 32)


def _badges(n: int) -> list[dict[str, Any]]:
    template = load_json(REPO / "examples" / "badges" / "python-foundations.json")
    template.pop("proof")
    template["issuer"]["id"] = KEY.did
    out = []
    for i in range(n):
        badge = copy.deepcopy(template)
        badge["name"] = f"Badge {i}"
        signed = microcred.issue(badge, KEY, created="2026-01-15T09:00:00Z")
        if i % 3 == 1:
            signed["name"] = "tampered"
        out.append(signed)
    return out


def _summary(reports: Any) -> list[tuple[bool, str | None]]:
    return [(r.verified, r.check("proof").code) for r in reports]


def test_one_and_two_workers_agree_in_order() -> None:
    badges = _badges(9)
    with microcred.Verifier(offline=True, now=NOW) as verifier:
        one = _summary(verifier.verify_many(badges))
        two = _summary(verifier.verify_many(badges, workers=2, window=3))
    assert one == two
    assert [ok for ok, _ in one] == [i % 3 != 1 for i in range(9)]


def test_streaming_pulls_inputs_lazily() -> None:
    pulled = 0

    def endless() -> Any:
        nonlocal pulled
        for badge in itertools.cycle(_badges(2)):
            pulled += 1
            yield badge

    with microcred.Verifier(offline=True, now=NOW) as verifier:
        first = list(itertools.islice(verifier.verify_many(endless()), 5))
    assert len(first) == 5
    assert pulled == 5


def test_progress_callback_sees_every_report_in_order() -> None:
    seen: list[int] = []
    with microcred.Verifier(offline=True, now=NOW) as verifier:
        list(verifier.verify_many(_badges(4), on_report=lambda i, r: seen.append(i)))
    assert seen == [0, 1, 2, 3]


def test_unpicklable_plug_ins_are_refused_for_worker_processes() -> None:
    verifier = microcred.Verifier(offline=True, resolver=lambda method: 1 / 0)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValueError, match="workers=1"):
        list(verifier.verify_many(_badges(1), workers=2))


class _StopsTheProcess:
    """Loading it ends the process that loads it: a worker dying mid-batch, on purpose."""

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        import os

        return os._exit, (3,)


def test_a_worker_that_dies_is_a_clear_error() -> None:
    badges = _badges(2)
    with microcred.Verifier(offline=True, now=NOW) as verifier:
        # the first chunk goes to the worker process, which dies loading it
        reports = verifier.verify_many([_StopsTheProcess(), *badges], workers=2)
        with pytest.raises(RuntimeError, match=r"worker process stopped abruptly.*workers=1"):
            list(reports)


def _shared(items: list[int], *, window: int | None, remote_delay: float) -> Any:
    """shared_work with a thread pool standing in for the processes; who did what is recorded."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from microcred._batch import shared_work

    caller = threading.get_ident()
    done_here: list[int] = []
    pulled = 0

    def work(item: int) -> int:
        if threading.get_ident() == caller:
            done_here.append(item)
        return item * item

    def remote(chunk: list[int]) -> list[int]:
        time.sleep(remote_delay)
        return [work(item) for item in chunk]

    def source() -> Any:
        nonlocal pulled
        for item in items:
            pulled += 1
            yield item

    with ThreadPoolExecutor(1) as pool:
        out, in_flight = [], []
        for result in shared_work(
            work, lambda c: pool.submit(remote, c), source(), processes=1, window=window, chunk=4
        ):
            out.append(result)
            in_flight.append(pulled - len(out) + 1)
    return out, done_here, max(in_flight)


def test_shared_work_keeps_order_while_the_calling_thread_helps() -> None:
    items = list(range(200))
    out, done_here, _ = _shared(items, window=None, remote_delay=0.01)
    assert out == [i * i for i in items]
    # the "process" is slow, so the calling thread verified chunks itself instead of waiting
    assert 0 < len(done_here) < len(items)


@pytest.mark.parametrize("window", [1, 3, 10])
def test_shared_work_holds_at_most_window_items(window: int) -> None:
    out, _, most = _shared(list(range(50)), window=window, remote_delay=0.001)
    assert out == [i * i for i in range(50)]
    assert most <= window


def _worker_pids() -> set[int]:
    import multiprocessing

    return {p.pid for p in multiprocessing.active_children() if p.pid is not None}


def test_worker_processes_are_kept_for_the_next_batch_until_close() -> None:
    badges = _badges(4)
    before = _worker_pids()
    with microcred.Verifier(offline=True, now=NOW) as verifier:
        first = _summary(verifier.verify_many(badges, workers=2, window=2))
        kept = _worker_pids() - before
        assert len(kept) == 1  # the batch is over; its one worker process waits for the next
        assert _summary(verifier.verify_many(badges, workers=2, window=2)) == first
        assert _worker_pids() - before == kept  # the same process did the second batch
        assert _summary(verifier.verify_many(badges, workers=3, window=2)) == first
        resized = _worker_pids() - before
        assert len(resized) == 2
        assert not resized & kept  # another size: the old process ended, two new ones began
    assert _worker_pids() - before == set()  # close() ended them


def test_kept_workers_end_with_the_verifier() -> None:
    import gc

    before = _worker_pids()
    verifier = microcred.Verifier(offline=True, now=NOW)
    list(verifier.verify_many(_badges(2), workers=2, window=1))
    assert len(_worker_pids() - before) == 1
    del verifier
    gc.collect()
    assert _worker_pids() - before == set()


def test_a_batch_stopped_early_ends_its_workers_and_the_next_starts_afresh() -> None:
    badges = _badges(6)
    before = _worker_pids()
    with microcred.Verifier(offline=True, now=NOW) as verifier:
        reports = verifier.verify_many(badges, workers=2, window=2)
        next(reports)
        reports.close()  # chunks may still be in the pipes: that process cannot be reused
        assert _worker_pids() - before == set()
        assert _summary(verifier.verify_many(badges, workers=2)) == _summary(
            verifier.verify_many(badges)
        )


def test_after_a_worker_died_the_next_batch_gets_a_new_one() -> None:
    badges = _badges(2)
    with microcred.Verifier(offline=True, now=NOW) as verifier:
        with pytest.raises(RuntimeError, match="worker process stopped abruptly"):
            list(verifier.verify_many([_StopsTheProcess(), *badges], workers=2, window=1))
        assert [r.verified for r in verifier.verify_many(badges, workers=2, window=1)] == [
            True,
            False,  # _badges tampers with every third from the second
        ]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX")
def test_a_forked_child_starts_its_own_workers_and_leaves_its_parents_alone() -> None:
    """After os.fork the child holds a copy of its parent's kept pool: it must not use it (the
    pipes are shared with the parent) nor end it (that would kill the parent's worker)."""
    badges = _badges(2)
    expected = [True, False]
    before = _worker_pids()
    with microcred.Verifier(offline=True, now=NOW) as verifier:
        assert [r.verified for r in verifier.verify_many(badges, workers=2, window=1)] == expected
        (kept,) = _worker_pids() - before
        child = os.fork()
        if child == 0:  # pragma: no cover - the child reports through its exit status only
            try:
                reports = list(verifier.verify_many(badges, workers=2, window=1))
                verifier.close()
                os._exit(0 if [r.verified for r in reports] == expected else 1)
            except BaseException:
                os._exit(2)
        _, status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert _worker_pids() - before == {kept}  # still there, and still this one's
        assert [r.verified for r in verifier.verify_many(badges, workers=2, window=1)] == expected
        assert _worker_pids() - before == {kept}
    assert _worker_pids() - before == set()


def test_two_batches_at_once_each_get_processes_and_one_pool_is_kept() -> None:
    badges = _badges(6)
    before = _worker_pids()
    with microcred.Verifier(offline=True, now=NOW) as verifier:
        expected = _summary(verifier.verify_many(badges))
        first = verifier.verify_many(badges, workers=2, window=2)
        head = next(first)  # the first batch holds the kept pool (none yet: a new one)
        second = _summary(verifier.verify_many(badges, workers=2, window=2))  # another pool
        assert [_summary([head])[0], *_summary(first)] == expected
        assert second == expected
        assert len(_worker_pids() - before) == 1  # one pool kept, the other closed
    assert _worker_pids() - before == set()


def test_a_kept_worker_killed_while_idle_is_replaced_for_the_next_batch() -> None:
    import signal
    import time

    badges = _badges(2)
    before = _worker_pids()
    with microcred.Verifier(offline=True, now=NOW) as verifier:
        list(verifier.verify_many(badges, workers=2, window=1))
        (kept,) = _worker_pids() - before
        os.kill(kept, signal.SIGKILL)  # e.g. the out-of-memory killer, between two batches
        deadline = time.monotonic() + 30
        while kept in _worker_pids() and time.monotonic() < deadline:  # until it is reaped
            time.sleep(0.01)
        reports = list(verifier.verify_many(badges, workers=2, window=1))
        assert [r.verified for r in reports] == [True, False]
        (replacement,) = _worker_pids() - before
        assert replacement != kept


class _Unreceivable:
    """Pickles here, cannot be unpickled in a worker."""

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return int, ("not a number",)


def test_inputs_that_cannot_travel_to_a_worker_get_the_same_reports() -> None:
    import json

    text = json.dumps(_badges(1)[0]).encode()
    odd: list[Any] = [memoryview(text), bytearray(text), {"x": lambda: 1}, _Unreceivable()]
    inputs = [text, *odd] * 40  # every chunk of 64 holds some
    with microcred.Verifier(now=NOW, offline=True) as verifier:
        one = [r.to_dict() for r in verifier.verify_many(inputs)]
        two = [r.to_dict() for r in verifier.verify_many(inputs, workers=2)]
    assert two == one
    assert [r["verified"] for r in one[:5]] == [True, True, True, False, False]
