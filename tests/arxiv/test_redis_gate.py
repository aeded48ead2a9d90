"""RedisGate: one arXiv pace for processes that share nothing on disk, only a Redis (a real redis-server)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest

from paperdrop.sync.arxiv import ArxivService
from paperdrop.sync.arxiv.gate import RedisGate
from paperdrop.sync.errors import TransientError
from paperdrop.sync.shared import connect
from tests.fakes.arxiv import FakeArxiv
from tests.support.redis import RedisServer
from tests.support.wait import wait_for

DELAY = 0.2
REQUESTS_PER_WORKER = 3


@pytest.fixture
def redis_server(tmp_path):
    with RedisServer(tmp_path / "redis") as server:
        yield server


def _gate(url: str, **kwargs) -> RedisGate:
    options = {"lease": 2.0, "renew": 0.1, **kwargs}
    return RedisGate(options.pop("delay", DELAY), connect(url), **options)


def _worker(api_url: str, redis_url: str, state_dir: str) -> None:
    # Each worker has its own state directory (no file is shared); short_retries=0: a 429 from the fake
    # (a request sooner than DELAY after the previous one) fails the worker instead of being retried.
    gate = RedisGate(DELAY, connect(redis_url), lease=2.0, renew=0.1)
    service = ArxivService(api_url=api_url, delay=DELAY, state_dir=state_dir, timeout=5.0, short_retries=0, gate=gate)
    for _ in range(REQUESTS_PER_WORKER):
        assert "2403.12943" in service.fetch(["2403.12943"])
    service.close()


def test_processes_sharing_only_redis_send_one_request_at_a_time_at_the_pace(corpus, tmp_path, redis_server):
    context = multiprocessing.get_context("spawn")
    with FakeArxiv(corpus=corpus, min_interval=DELAY, latency=0.05) as fake:
        workers = [
            context.Process(target=_worker, args=(fake.url, redis_server.url, str(tmp_path / f"machine{n}")))
            for n in range(3)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)

    assert [w.exitcode for w in workers] == [0, 0, 0]
    assert [r.status for r in fake.requests] == [200] * (3 * REQUESTS_PER_WORKER)
    shortest, overlap = fake.pace()
    assert shortest is not None and shortest >= DELAY
    assert not overlap


def test_waiters_are_served_in_the_order_they_came(redis_server):
    gate = _gate(redis_server.url, delay=0.0)
    waiters = connect(redis_server.url)
    order: list[int] = []
    release = threading.Event()

    def holder() -> None:
        with gate.slot():
            release.wait(10)

    def waiter(n: int) -> None:
        with _gate(redis_server.url, delay=0.0).slot():
            order.append(n)

    first = threading.Thread(target=holder)
    first.start()
    wait_for(lambda: waiters.exists("paperdrop:gate:arxiv:lock"), "the lock taken", timeout=10, interval=0.01)
    threads = []
    for n in range(4):
        threads.append(threading.Thread(target=waiter, args=(n,)))
        threads[-1].start()
        wait_for(
            lambda n=n: waiters.zcard("paperdrop:gate:arxiv:waiters") == n + 1,
            "the waiter queued",
            timeout=10,
            interval=0.01,
        )  # queued before the next comes
    release.set()
    for thread in [first, *threads]:
        thread.join(10)
    assert order == [0, 1, 2, 3]


def _hold_and_die(redis_url: str, held: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    gate = RedisGate(0.0, connect(redis_url), lease=1.0, renew=0.1)
    with gate.slot():
        held.set()
        time.sleep(60)  # killed here, holding the gate


def test_a_holder_that_crashed_blocks_the_gate_for_one_lease_at_most(redis_server):
    context = multiprocessing.get_context("spawn")
    held = context.Event()
    process = context.Process(target=_hold_and_die, args=(redis_server.url, held))
    process.start()
    assert held.wait(30)
    os.kill(process.pid, signal.SIGKILL)
    process.join(10)

    client = connect(redis_server.url)
    assert client.exists("paperdrop:gate:arxiv:lock")  # the dead holder's lock is still there...
    with _gate(redis_server.url, delay=0.0, lock_timeout=10.0).slot():  # ...until its lease runs out
        assert client.get("paperdrop:gate:arxiv:lock") is not None


def test_a_restarted_redis_never_lets_a_second_request_start_while_one_runs(redis_server):
    gate = _gate(redis_server.url, delay=0.0)
    events: list[str] = []
    release = threading.Event()
    held = threading.Event()
    errors: list[Exception] = []

    def holder() -> None:
        with gate.slot():
            held.set()
            release.wait(20)
            events.append("first ended")

    def second() -> None:
        other = _gate(redis_server.url, delay=0.0)
        while True:
            try:
                with other.slot():
                    events.append("second started")
                    return
            except TransientError as exc:  # Redis down: a job would be retried later
                errors.append(exc)
                time.sleep(0.05)

    first = threading.Thread(target=holder)
    first.start()
    assert held.wait(10)
    redis_server.restart(down_for=0.3)  # every key is lost, the running request's lock with them
    waiting = threading.Thread(target=second)
    waiting.start()
    time.sleep(2.0)  # longer than the quiet period after a restart and many lease renewals
    assert events == []  # the first request still runs: nobody else started
    release.set()
    first.join(10)
    waiting.join(20)
    assert events == ["first ended", "second started"]


def test_redis_down_is_a_transient_error_that_says_what_to_check(redis_server):
    gate = _gate(redis_server.url)
    redis_server.stop()
    with pytest.raises(TransientError) as caught:
        with gate.slot():
            pass
    assert "Redis" in caught.value.message and caught.value.retry_after
