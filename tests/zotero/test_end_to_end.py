"""120 papers into zotero:Reading/Robotics through 15% faults of every kind and a crash, exactly once."""

from __future__ import annotations

from paperdrop.sync.errors import TransientError
from paperdrop.sync.records import DeliveryRequest

from .conftest import make_paper, make_requests

BATCH = 40  # what a server job would hand the sink at once


def _settle(build_sink, requests: list[DeliveryRequest], clock, *, crash_at: int | None = None, fake=None):
    """Drive deliveries like the server's jobs: wait (on the manual clock) as told, crash once if asked."""
    pending = {r.delivery_id: r for r in requests}
    done = {}
    sink = build_sink()
    for call in range(1, 400):
        if not pending:
            return done
        if call == crash_at:  # the worker dies right after a write committed; a new one takes over
            fake.inject("drop", method="POST", path="/items")
            try:
                sink.deliver(list(pending.values())[:BATCH])
            except TransientError:
                pass
            sink.close()
            sink = build_sink()
            continue
        try:
            outcomes = sink.deliver(list(pending.values())[:BATCH])
        except TransientError as exc:
            clock.advance(exc.retry_after)
            continue
        for outcome in outcomes:
            assert outcome.status != "failed", outcome.error
            if outcome.status == "delivered":
                done[outcome.delivery_id] = outcome
                del pending[outcome.delivery_id]
            else:
                clock.advance(outcome.retry_after)
    raise AssertionError(f"{len(pending)} deliveries never settled")


def _assert_exactly(fake, papers, path="Reading/Robotics"):
    items = fake.items_in_collection(path)
    assert sorted(i["archiveID"] for i in items) == sorted(f"arXiv:{p.arxiv_id}" for p in papers)
    assert len(fake.items()) == len(papers)
    for item in items:
        assert item["itemType"] == "preprint" and item["DOI"].startswith("10.48550/arXiv.")
        assert sorted(c["itemType"] for c in fake.children(item["key"])) == ["attachment", "note"]
    assert len(fake.library().collections) == 2


def test_sink_delivers_120_papers_exactly_once_through_faults_and_a_crash(fake, make_sink, clock):
    fake.stall_seconds = 0.3
    papers = [make_paper(i) for i in range(120)]
    requests = make_requests(make_sink(), papers)  # keys persisted by the server before any deliver
    fake.set_fault_rate(0.15, seed=4)
    done = _settle(lambda: make_sink(timeout=0.15), requests, clock, crash_at=3, fake=fake)
    assert {o.remote_key for o in done.values()} == {r.remote_key for r in requests}
    fake.set_fault_rate(0)
    _assert_exactly(fake, papers)
    assert len(fake.library().files) == 120  # every PDF stored once, none twice
    injected = {r.fault for r in fake.log if r.fault}
    assert injected == {"429", "503", "outage", "backoff", "drop", "stall"}

    writes = len(fake.requests("POST"))
    again = make_sink()
    outcomes = again.deliver(make_requests(again, papers, first_id=1000))
    assert all(o.status == "delivered" and o.already_present for o in outcomes)
    assert len(fake.requests("POST")) == writes
    _assert_exactly(fake, papers)


def test_sink_adds_papers_already_in_library_to_the_collection(fake, make_sink, clock):
    papers = [make_paper(i) for i in range(120)]
    existing = {
        fake.add_item(
            {
                "itemType": "preprint",
                "title": p.title,
                "archiveID": f"arXiv:{p.arxiv_id}",
                "url": f"https://arxiv.org/abs/{p.arxiv_id}v1",
            }
        ): p
        for p in papers[:10]
    }
    sink = make_sink()
    done = _settle(lambda: sink, make_requests(sink, papers), clock)
    present = {o.remote_key for o in done.values() if o.already_present}
    assert present == set(existing)
    _assert_collection_holds_all(fake, papers)
    assert len(fake.items()) == 120


def _assert_collection_holds_all(fake, papers):
    items = fake.items_in_collection("Reading/Robotics")
    assert sorted(i["archiveID"] for i in items) == sorted(f"arXiv:{p.arxiv_id}" for p in papers)
