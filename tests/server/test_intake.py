"""Group commit of clip intake and the fair write lock behind it."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest

from paperdrop.server.store.db import FairLock
from paperdrop.server.store.models import Clip
from paperdrop.sync.records import ClipInput

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)


def test_intake_stores_concurrent_saves_once_each(rt):
    spec = rt.settings.resolve_target(None)
    results: dict[int, list] = {}

    def save(n: int) -> None:
        results[n] = rt.intake.store([ClipInput(arxiv_id=f"2401.{n:05d}"), ClipInput(arxiv_id="2403.12943")], spec)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with rt.db.reading() as session:
        assert session.query(Clip).count() == 41  # 40 distinct papers plus the one every save shared
    shared = {r[1].id for r in results.values()}
    assert len(shared) == 1 and sum(not r[1].duplicate for r in results.values()) == 1


def test_intake_failure_of_one_save_does_not_fail_the_others(rt):
    spec = rt.settings.resolve_target(None)
    good, bad = Future(), Future()
    bad_input = [ClipInput(arxiv_id="2401.00001", extra={"not json": object()})]  # cannot be serialized
    rt.intake._commit([([ClipInput(arxiv_id="2403.12943")], spec, good), (bad_input, spec, bad)])  # one group
    assert good.result(timeout=1)[0].status == "received"
    assert "not JSON serializable" in str(bad.exception(timeout=1))
    with rt.db.reading() as session:
        assert [c.arxiv_id for c in session.query(Clip)] == ["2403.12943"]


def test_fair_lock_grants_in_arrival_order_and_is_reentrant():
    lock = FairLock()
    order: list[int] = []
    started = []
    with lock:
        with lock:  # re-entrant for the holder
            pass
        for n in range(5):
            ready = threading.Event()
            thread = threading.Thread(target=lambda n=n, ready=ready: (ready.set(), _take(lock, order, n)))
            thread.start()
            ready.wait()
            _wait_until_queued(lock, n + 1)
            started.append(thread)
    for thread in started:
        thread.join()
    assert order == [0, 1, 2, 3, 4]


def _take(lock: FairLock, order: list[int], n: int) -> None:
    with lock:
        order.append(n)


def _wait_until_queued(lock: FairLock, count: int) -> None:
    for _ in range(1000):
        if len(lock._waiters) >= count:
            return
        threading.Event().wait(0.001)
    raise AssertionError("waiter did not queue")
