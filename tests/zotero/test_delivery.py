"""Exactly-once delivery: collections once, batches of 50, keys with version 0, library index, updates."""

from __future__ import annotations

import math

from paperdrop.sync.zotero.keys import KEY_ALPHABET

from .conftest import make_paper, make_requests


def test_sink_prepare_gives_keys_only_to_requests_without_one(make_sink):
    sink = make_sink()
    requests = make_requests(sink, [make_paper(1), make_paper(2)])
    requests[0].remote_key = "ABCDEFGH"
    requests[1].remote_key = None
    keys = sink.prepare(requests)
    assert list(keys) == [2]
    assert len(keys[2]) == 8 and set(keys[2]) <= set(KEY_ALPHABET)


def test_sink_deliver_creates_collections_once_when_batches_and_sinks_repeat(fake, make_sink, tmp_path):
    papers = [make_paper(i) for i in range(6)]
    first = make_sink()
    first.deliver(make_requests(first, papers[:2]))
    first.deliver(make_requests(first, papers[2:4], first_id=3))
    other_process = make_sink(state_dir=tmp_path / "other")  # no shared state: found in the library
    other_process.deliver(make_requests(other_process, papers[4:], first_id=5))
    assert len(fake.library().collections) == 2
    assert len(fake.requests("POST", "/collections")) == 1
    assert len(fake.items_in_collection("Reading/Robotics")) == 6


def test_sink_deliver_creates_collection_once_when_its_answer_was_lost(fake, make_sink):
    sink = make_sink("Inbox")
    fake.inject("drop", method="POST", path="/collections")
    requests = make_requests(sink, [make_paper(1)])
    outcome = _deliver_until_settled(sink, requests)
    assert outcome[0].status == "delivered"
    assert len(fake.library().collections) == 1  # found by name on the retry, not created again


def test_sink_deliver_writes_at_most_50_objects_per_request(fake, make_sink):
    sink = make_sink()
    outcomes = sink.deliver(make_requests(sink, [make_paper(i) for i in range(120)]))
    assert {o.status for o in outcomes} == {"delivered"}
    writes = [r for r in fake.requests("POST", "/items") if r.path.endswith("/items")]
    assert max(w.objects for w in writes) == 50
    assert len(writes) == math.ceil(120 / 50) + math.ceil(240 / 50)  # parents, then note + PDF of each
    assert len(fake.items_in_collection("Reading/Robotics")) == 120
    assert len(fake.library().files) == 120


def test_sink_deliver_reports_delivered_when_write_committed_but_answer_lost(fake, make_sink):
    sink = make_sink()
    requests = make_requests(sink, [make_paper(i) for i in range(3)])
    fake.inject("drop", method="POST", path="/items")
    outcomes = _deliver_until_settled(sink, requests)
    assert [o.remote_key for o in outcomes] == [r.remote_key for r in requests]
    assert len(fake.items()) == 3 and len(fake.items(children=True)) == 9


def test_sink_deliver_treats_per_object_412_as_already_there(fake, make_sink, tmp_path):
    requests = make_requests(make_sink(), [make_paper(1)])
    make_sink(state_dir=tmp_path / "a").deliver(requests)
    # A sink whose index misses the item (its sync was lost) writes again: 412 per object, not a copy.
    second = make_sink(state_dir=tmp_path / "b")
    fake.inject("drop", method="GET", path="/items/top")
    outcomes = _deliver_until_settled(second, requests)
    assert outcomes[0].status == "delivered" and outcomes[0].remote_key == requests[0].remote_key
    assert len(fake.items(children=True)) == 3


def test_sink_deliver_links_papers_already_in_the_library(fake, make_sink):
    by_connector = fake.add_item(
        {
            "itemType": "preprint",
            "title": "Paper 1",
            "url": "https://arxiv.org/abs/2403.10001v1",
            "archiveID": "arXiv:2403.10001",
            "collections": [],
        }
    )
    by_hand = fake.add_item(
        {"itemType": "journalArticle", "title": "Paper 2", "DOI": "10.1000/XYZ", "publicationTitle": "J"}
    )
    from_extra = fake.add_item({"itemType": "webpage", "title": "Paper 3", "extra": "arXiv: 2403.10003v2"})
    sink = make_sink()
    papers = [make_paper(1), make_paper(2, doi="10.1000/xyz"), make_paper(3), make_paper(4)]
    outcomes = sink.deliver(make_requests(sink, papers))
    assert [(o.remote_key, o.already_present) for o in outcomes[:3]] == [
        (by_connector, True),
        (by_hand, True),
        (from_extra, True),
    ]
    assert outcomes[3].already_present is False
    assert len(fake.items()) == 4
    assert {i["key"] for i in fake.items_in_collection("Reading/Robotics")} >= {by_connector, by_hand, from_extra}
    assert fake.children(by_hand) == []


def test_sink_deliver_creates_nothing_when_same_papers_come_again(fake, make_sink):
    sink = make_sink()
    papers = [make_paper(i) for i in range(5)]
    sink.deliver(make_requests(sink, papers))
    writes = len(fake.requests("POST"))
    again = sink.deliver(make_requests(sink, papers, first_id=10))  # new deliveries, new keys
    assert {o.status for o in again} == {"delivered"} and all(o.already_present for o in again)
    assert len(fake.requests("POST")) == writes and len(fake.items(children=True)) == 15


def test_sink_deliver_adds_collection_to_item_delivered_to_another_target(fake, make_sink):
    sink = make_sink("Reading/Robotics")
    [request] = make_requests(sink, [make_paper(1)])
    sink.deliver([request])
    other = make_sink("Later")
    [outcome] = other.deliver(make_requests(other, [make_paper(1)], first_id=2))
    [item] = fake.items()
    assert outcome.remote_key == item["key"] and outcome.already_present
    assert len(item["collections"]) == 2


def test_sink_deliver_updates_item_in_place_when_update(fake, make_sink):
    sink = make_sink()
    [request] = make_requests(sink, [make_paper(1)])
    [first] = sink.deliver([request])
    request.paper = make_paper(
        1,
        version=3,
        doi="10.1145/1234",
        journal_ref="CoRL 2024",
        comment="Accepted at CoRL 2024",
        updated=make_paper(1).updated.replace(month=6),
    )
    request.update, request.remote_version = True, first.remote_version
    [second] = sink.deliver([request])
    [item] = fake.items()
    assert second.remote_key == first.remote_key == item["key"] and second.remote_version > first.remote_version
    assert (item["DOI"], item["date"]) == ("10.1145/1234", "2024-06-02")
    assert "Journal reference: CoRL 2024" in item["extra"]
    assert len(fake.items(children=True)) == 3
    [note] = [c for c in fake.children(item["key"]) if c["itemType"] == "note"]
    assert note["note"] == "Comment: Accepted at CoRL 2024"  # rewritten in place, not added again


def test_sink_deliver_creates_again_when_item_was_deleted_from_library(fake, make_sink):
    sink = make_sink()
    [request] = make_requests(sink, [make_paper(1)])
    sink.deliver([request])
    fake.delete_item(request.remote_key)
    [outcome] = sink.deliver(make_requests(sink, [make_paper(1)], first_id=2))
    assert outcome.already_present is False and len(fake.items()) == 1 and len(fake.items(children=True)) == 3


def test_sink_deliver_fails_only_the_paper_zotero_refuses(fake, make_sink):
    sink = make_sink()
    papers = [make_paper(1), make_paper(2, title="x" * 70_000), make_paper(3)]
    outcomes = sink.deliver(make_requests(sink, papers))
    assert [o.status for o in outcomes] == ["delivered", "failed", "delivered"]
    assert "413" in outcomes[1].error
    assert len(fake.items()) == 2


def test_sink_deliver_fails_papers_with_fields_invalid_for_the_type(fake, make_sink, monkeypatch):
    from tests.fakes import zotero as fake_module

    # An API schema without `archiveID` for preprints: Zotero answers 400 per object.
    monkeypatch.setitem(fake_module.ITEM_FIELDS, "preprint", fake_module.ITEM_FIELDS["preprint"] - {"archiveID"})
    sink = make_sink()
    outcomes = sink.deliver(make_requests(sink, [make_paper(1), make_paper(2)]))
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert "'archiveID' is not a valid field" in outcomes[0].error


def _deliver_until_settled(sink, requests, attempts=10):
    from paperdrop.sync.errors import TransientError

    for _ in range(attempts):
        try:
            outcomes = sink.deliver(requests)
        except TransientError:
            continue
        if all(o.status == "delivered" for o in outcomes):
            return outcomes
    raise AssertionError("not delivered")
