""" "Exactly once" means one copy present: rechecks, the trash, deleted items, and missing copies reported."""

from __future__ import annotations

from paperdrop.sync.zotero.sink import rewrite_key

from .conftest import make_paper, make_requests


def _delivered(sink, papers, job):
    requests = make_requests(sink, papers)
    for request, outcome in zip(requests, sink.deliver(requests, job.run()), strict=True):
        request.remote_version = outcome.remote_version  # what the server keeps after a delivery
        request.recheck = True
    return requests


def test_sink_recheck_of_a_present_item_writes_nothing(fake, make_sink, job):
    sink = make_sink()
    [request] = _delivered(sink, [make_paper(1)], job)
    writes = len(fake.requests("POST"))
    assert sink.prepare([request]) == {}
    [outcome] = sink.deliver([request], job.run())
    assert outcome.status == "delivered" and outcome.already_present and not outcome.rewritten
    assert len(fake.requests("POST")) == writes


def test_sink_recheck_restores_an_item_from_the_trash(fake, make_sink, job):
    sink = make_sink()
    [request] = _delivered(sink, [make_paper(1)], job)
    fake.trash_item(request.remote_key)
    assert sink.prepare([request]) == {}  # the same key: the item is still there
    [outcome] = sink.deliver([request], job.run())
    assert outcome.status == "delivered" and outcome.rewritten and outcome.remote_key == request.remote_key
    [item] = fake.items()
    assert not item.get("deleted") and len(fake.items(children=True)) == 3


def test_sink_recheck_recreates_a_deleted_item_under_a_key_prepare_hands_out(fake, make_sink, job):
    sink = make_sink()
    [request] = _delivered(sink, [make_paper(1)], job)
    old = request.remote_key
    fake.delete_item(old)
    keys = sink.prepare([request])
    assert keys == {request.delivery_id: rewrite_key(old)}
    fake.inject("drop", method="POST", path="/items")  # the re-creation commits, its answer is lost
    [outcome] = sink.deliver([request], job.run())  # the server did not persist the key: derived again
    assert outcome.status == "delivered" and outcome.rewritten and outcome.remote_key == rewrite_key(old)
    request.remote_key = outcome.remote_key
    [again] = sink.deliver([request], job.run())
    assert again.already_present and len(fake.items()) == 1 and len(fake.items(children=True)) == 3
    assert len(fake.library().files) == 1


def test_sink_reports_deleted_and_trashed_copies_it_made_as_missing(fake, make_sink, job):
    sink = make_sink()
    requests = _delivered(sink, [make_paper(1), make_paper(2), make_paper(3)], job)
    someone_elses = fake.add_item({"itemType": "preprint", "title": "Not ours"})
    fake.delete_item(requests[0].remote_key)
    fake.trash_item(requests[1].remote_key)
    fake.delete_item(someone_elses)
    sink.deliver(make_requests(sink, [make_paper(9)], first_id=9), job.run())
    assert sorted(job.missing) == sorted([requests[0].remote_key, requests[1].remote_key])
    assert len(fake.items()) == 3  # reported, not rewritten unasked
