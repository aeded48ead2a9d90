"""Throttles are waits: Retry-After and Backoff pause the library's work for exactly the time asked, through
`DeliveryRun.wait`, then the same request goes on; too long a wait, or none allowed, is a `ThrottledError`.
Outages without a hint get quick re-sends; what still fails is a `TransientError`."""

from __future__ import annotations

import pytest

from paperdrop.sync.errors import ThrottledError, TransientError

from .conftest import make_paper, make_requests


@pytest.mark.parametrize("kind", ["429", "503"])
def test_sink_deliver_waits_exactly_the_retry_after_then_resends(fake, make_sink, job, kind):
    fake.retry_after = 7
    sink = make_sink()
    requests = make_requests(sink, [make_paper(1)])
    fake.inject(kind, method="POST", path="/items")
    [outcome] = sink.deliver(requests, job.run())
    assert outcome.status == "delivered" and job.waits == [7]
    writes = [r for r in fake.requests("POST", "/items") if r.path.endswith("/items")]
    assert [w.status for w in writes] == [int(kind), 200, 200]  # the same parent write, sent again
    assert len(fake.items(children=True)) == 3


def test_sink_deliver_waits_after_backoff_on_a_successful_answer(fake, make_sink, job):
    fake.backoff = 3
    sink = make_sink()
    requests = make_requests(sink, [make_paper(i) for i in range(60)])
    fake.inject("backoff", method="POST", path="/items")
    outcomes = sink.deliver(requests, job.run())
    assert {o.status for o in outcomes} == {"delivered"} and job.waits == [3]
    assert len(fake.items()) == 60 and len(fake.items(children=True)) == 180


def test_sink_deliver_raises_throttled_when_the_wait_is_too_long_and_keeps_the_wait(fake, make_sink, job, clock):
    fake.backoff = 30
    job.max_wait = 10
    sink = make_sink()
    requests = make_requests(sink, [make_paper(i) for i in range(60)])
    fake.inject("backoff", method="POST", path="/items")
    with pytest.raises(ThrottledError) as caught:  # parents of the first 50 written, then the wait begins
        sink.deliver(requests, job.run())
    assert caught.value.retry_after == pytest.approx(30, abs=0.01) and job.waits == []
    assert len(fake.items()) == 50
    restarted = make_sink()  # same state dir: the wait survives a restart, nothing is written inside it
    sent = len(fake.requests("POST"))
    with pytest.raises(ThrottledError):
        restarted.deliver(requests, job.run())
    assert len(fake.requests("POST")) == sent
    clock.advance(30)
    assert {o.status for o in restarted.deliver(requests, job.run())} == {"delivered"}
    assert len(fake.items()) == 60 and len(fake.items(children=True)) == 180


def test_sink_deliver_reports_each_paper_the_moment_its_write_answers(fake, make_sink, job):
    sink = make_sink()
    requests = make_requests(sink, [make_paper(i) for i in range(30)])
    original = fake._pick_fault
    writes = {"n": 0}

    def children_fail(method, path):
        if method == "POST" and path.endswith("/items"):
            writes["n"] += 1
            if writes["n"] > 2:  # the parent write, the first 50 children; then the rest never get through
                return "outage"
        return None if method == "POST" and path.endswith("/items") else original(method, path)

    fake._pick_fault = children_fail
    outcomes = sink.deliver(requests, job.run())
    delivered = [o.delivery_id for o in job.progress if o.status == "delivered"]
    assert len(delivered) == 25 and len(set(delivered)) == 25  # each told once, as soon as it was done
    assert [o.status for o in outcomes].count("retry") == 5
    fake._pick_fault = original
    assert {o.status for o in sink.deliver(requests, job.run())} == {"delivered"}
    assert len(fake.items(children=True)) == 90 and len(fake.library().files) == 30


@pytest.mark.parametrize("kind", ["drop", "stall"])
def test_sink_deliver_resends_at_once_when_the_answer_never_comes(fake, make_sink, job, kind):
    fake.stall_seconds = 0.4
    sink = make_sink(timeout=0.15)
    requests = make_requests(sink, [make_paper(1)])
    fake.inject(kind, method="POST", path="/items")
    [outcome] = sink.deliver(requests, job.run())
    assert outcome.status == "delivered" and job.waits == []
    assert len(fake.items()) == 1 and len(fake.items(children=True)) == 3  # the re-sent create was a 412


def test_sink_deliver_raises_transient_when_zotero_is_unreachable(make_sink, fake, job):
    sink = make_sink()
    requests = make_requests(sink, [make_paper(1)])
    fake.__exit__()
    with pytest.raises(TransientError) as caught:
        sink.deliver(requests, job.run())
    assert not isinstance(caught.value, ThrottledError)
