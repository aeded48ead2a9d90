"""Rate limits, outages, timeouts and Backoff become TransientError or retry outcomes, never sleeps."""

from __future__ import annotations

import pytest

from paperdrop.sync.errors import TransientError

from .conftest import make_paper, make_requests


@pytest.mark.parametrize("kind", ["429", "503"])
def test_sink_deliver_raises_transient_with_retry_after_when_throttled(fake, make_sink, clock, kind):
    fake.retry_after = 7
    sink = make_sink()
    requests = make_requests(sink, [make_paper(1)])
    fake.inject(kind, method="POST", path="/items")
    started = clock.now
    with pytest.raises(TransientError) as caught:
        sink.deliver(requests)
    assert caught.value.retry_after == 7 and clock.now == started
    assert len(fake.requests("POST", "/items")) == 1  # pyzotero did not retry behind our back
    with pytest.raises(TransientError):  # still inside the wait: no request at all
        sink.deliver(requests)
    assert len(fake.requests("POST", "/items")) == 1
    clock.advance(7)
    assert sink.deliver(requests)[0].status == "delivered"


def test_sink_deliver_honours_backoff_across_sinks_without_sleeping(fake, make_sink, clock, tmp_path):
    fake.backoff = 30
    sink = make_sink()
    requests = make_requests(sink, [make_paper(i) for i in range(60)])
    fake.inject("backoff", method="POST", path="/items")
    with pytest.raises(TransientError) as first:  # parents of the first 50 written, then the wait begins
        sink.deliver(requests)
    assert first.value.retry_after == pytest.approx(30, abs=0.01)
    assert len(fake.items()) == 50 and len(fake.requests("POST", "/items")) == 1
    restarted = make_sink()  # same state dir: the wait survives a restart
    with pytest.raises(TransientError) as caught:
        restarted.deliver(requests)
    assert caught.value.retry_after == pytest.approx(30, abs=0.01)
    clock.advance(30)
    assert {o.status for o in restarted.deliver(requests)} == {"delivered"}
    assert len(fake.items()) == 60 and len(fake.items(children=True)) == 180


def test_sink_deliver_marks_rest_retry_when_children_write_fails_after_progress(fake, make_sink, clock):
    sink = make_sink()
    requests = make_requests(sink, [make_paper(i) for i in range(30)])
    # parents (1 write), children batch 1 (25 papers) ok, children batch 2 gets 503
    calls = {"n": 0}
    original = fake._pick_fault

    def third_item_write(method, path):
        if method == "POST" and path.endswith("/items"):
            calls["n"] += 1
            if calls["n"] == 3:
                return "503"
        return original(method, path)

    fake._pick_fault = third_item_write
    outcomes = sink.deliver(requests)
    assert [o.status for o in outcomes].count("delivered") == 25
    assert {o.status for o in outcomes[25:]} == {"retry"} and outcomes[25].retry_after == 1
    clock.advance(1)
    assert {o.status for o in sink.deliver(requests)} == {"delivered"}
    assert len(fake.items(children=True)) == 90


@pytest.mark.parametrize("kind", ["drop", "stall"])
def test_sink_deliver_raises_transient_when_answer_never_comes(fake, make_sink, kind):
    fake.stall_seconds = 0.4
    sink = make_sink(timeout=0.15)
    requests = make_requests(sink, [make_paper(1)])
    fake.inject(kind, method="POST", path="/items")
    with pytest.raises(TransientError):
        sink.deliver(requests)
    [outcome] = sink.deliver(requests)
    assert outcome.status == "delivered" and len(fake.items(children=True)) == 3


def test_sink_deliver_raises_transient_when_zotero_is_unreachable(make_sink, fake):
    sink = make_sink()
    requests = make_requests(sink, [make_paper(1)])
    fake.__exit__()
    with pytest.raises(TransientError):
        sink.deliver(requests)
