"""ArxivGate: one request at a time and the pace kept across processes sharing a state directory."""

from __future__ import annotations

import multiprocessing

from paperdrop.sync.arxiv import ArxivGate, ArxivService
from tests.fakes.arxiv import FakeArxiv

REQUESTS_PER_WORKER = 3


def _worker(url: str, state_dir: str) -> None:
    # short_retries=0: a 429 from the fake (a request too early) fails this worker instead of being retried.
    service = ArxivService(api_url=url, delay=0.3, state_dir=state_dir, timeout=5.0, short_retries=0)
    for _ in range(REQUESTS_PER_WORKER):
        assert "2403.12943" in service.fetch(["2403.12943"])
    service.close()


def test_gate_paces_and_serializes_requests_when_two_processes_share_it(corpus, tmp_path):
    context = multiprocessing.get_context("spawn")
    with FakeArxiv(corpus=corpus, min_interval=0.2, latency=0.05) as fake:
        workers = [context.Process(target=_worker, args=(fake.url, str(tmp_path))) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)

    assert [w.exitcode for w in workers] == [0, 0]
    assert [r.status for r in fake.requests] == [200] * (2 * REQUESTS_PER_WORKER)
    assert fake.max_concurrent == 1


class _Clock:
    def __init__(self, now: float):
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_gate_waits_the_rest_of_the_delay_after_the_previous_request(tmp_path):
    clock = _Clock(1000.0)
    first = ArxivGate(3.0, tmp_path, clock=clock, sleep=clock.sleep)
    other_process = ArxivGate(3.0, tmp_path, clock=clock, sleep=clock.sleep)

    with first.slot():
        clock.now += 0.5  # the request takes half a second
    clock.now += 1.0
    with other_process.slot():
        pass

    assert clock.slept == [2.0]
    assert (tmp_path / "arxiv.last").read_text() == repr(1003.5)


def test_gate_does_not_wait_when_the_delay_has_passed(tmp_path):
    clock = _Clock(1000.0)
    gate = ArxivGate(3.0, tmp_path, clock=clock, sleep=clock.sleep)

    with gate.slot():
        pass
    clock.now += 10
    with gate.slot():
        pass

    assert clock.slept == []
