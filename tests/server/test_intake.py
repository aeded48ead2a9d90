"""Group commit of clip intake and the fair write lock behind it."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest

from paperdrop.server.jobs.deliver import deliver_target
from paperdrop.server.jobs.resolve import resolve_clips
from paperdrop.server.store.clips import store_clips, store_group
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


def test_a_group_gets_the_answers_of_its_requests_stored_one_after_the_other(rt, tmp_path):
    spec = rt.settings.resolve_target(None)
    other = rt.settings.resolve_target(f"bibtex:{tmp_path / 'other.bib'}")
    with rt.db.session() as session:
        delivered, failed = (
            s.id for s in store_clips(session, [ClipInput(arxiv_id=a) for a in ("2403.12943", "2401.99999")], spec)
        )
    resolve_clips(rt, [delivered, failed])  # one delivered after deliver_target, one failed (arXiv has no such id)
    deliver_target(rt, str(spec))
    new, title = ClipInput(arxiv_id="2401.00002"), ClipInput(title="A Paper  Known by\nTitle Only")
    group = [
        ([new, ClipInput(arxiv_id="2403.12943"), new], spec),  # a new paper twice, one delivered before
        ([ClipInput(arxiv_id="2401.99999"), title], spec),  # the failed one: saving it asks again
        ([ClipInput(arxiv_id="2401.99999"), ClipInput(arxiv_id="2401.00002")], spec),  # both again, at once
        ([new, ClipInput(title="a paper known by title only")], other),  # the same papers, another target
        ([ClipInput(arxiv_id="2403.12943v2")], spec),
    ]

    def answers(store) -> list[list[tuple]]:
        """Answers with ids named by their first appearance (PostgreSQL spends sequence numbers on rollback)."""
        with rt.db.session() as session:
            nested = session.begin_nested()
            results = store(session)
            names: dict[int, str] = {delivered: "delivered", failed: "failed"}
            named = [
                [(names.setdefault(c.id, f"new{len(names)}"), c.status, c.paper_id, c.duplicate, c.reopened) for c in r]
                for r in results
            ]
            nested.rollback()
        return named

    one_by_one = answers(lambda session: [store_clips(session, inputs, target) for inputs, target in group])
    together = answers(lambda session: store_group(session, group))
    assert together == one_by_one
    assert [[a[3] for a in r] for r in together] == [
        [False, True, True],
        [True, False],
        [True, True],
        [False, False],
        [True],
    ]
    assert together[1][0][1:] == ("received", None, True, True) and together[2][0][4] is False  # reopened once


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
