"""`/keys/current` problems are reported in plain words with the fix, and deliveries wait on them."""

from __future__ import annotations

import pytest

from paperdrop.sync.errors import ConfigurationError

from .conftest import API_KEY, make_paper, make_requests


@pytest.mark.parametrize(
    ("setup", "sink_args", "words"),
    [
        (None, {"api_key": None}, "No Zotero API key"),
        (None, {"api_key": "WRONGKEY"}, "refused the API key"),
        ({"key": "READONLY", "user_id": 123, "write": False}, {"api_key": "READONLY"}, "read but not write"),
        (None, {"library_id": "999"}, "belongs to user 123"),
        (
            {"key": "NOGROUP", "user_id": 123},
            {"api_key": "NOGROUP", "library_type": "group", "library_id": "55"},
            "no access to group 55",
        ),
        (
            {"key": "GROUPRO", "user_id": 123, "groups": {55: False}},
            {"api_key": "GROUPRO", "library_type": "group", "library_id": "55"},
            "read but not write",
        ),
    ],
)
def test_sink_check_reports_problem_with_fix_and_deliver_waits(fake, make_sink, setup, sink_args, words):
    if setup:
        fake.add_key(setup.pop("key"), **setup)
    fake.add_group(55)
    sink = make_sink(**sink_args)
    status = sink.check()
    assert status.reachable is False and words in status.message and status.fix
    assert API_KEY not in status.message + status.fix
    with pytest.raises(ConfigurationError):
        sink.deliver(make_requests(sink, [make_paper(1)]))
    assert fake.requests("POST") == []


def test_sink_check_reports_reachable_when_key_can_write_group(fake, make_sink):
    fake.add_key("GROUPRW", user_id=123, groups={"all": True})
    fake.add_group(55)
    sink = make_sink(api_key="GROUPRW", library_type="group", library_id="55")
    assert sink.check().reachable is True
    assert sink.deliver(make_requests(sink, [make_paper(1)]))[0].status == "delivered"
    assert len(fake.items(fake.library("group", 55))) == 1


def test_sink_check_is_cached_for_a_minute(fake, make_sink, clock):
    sink = make_sink()
    assert sink.check().reachable and sink.check().reachable
    assert len(fake.requests("GET", "/keys/current")) == 1
    clock.advance(60)
    sink.check()
    assert len(fake.requests("GET", "/keys/current")) == 2


def test_sink_check_reports_unreachable_when_zotero_is_down(fake, make_sink):
    sink = make_sink()
    fake.inject("outage", path="/keys/current")
    status = sink.check()
    assert status.reachable is False and "could not be reached" in status.message
    assert len(fake.requests("GET", "/keys/current")) == 1  # a web request never re-sends


def test_sink_check_never_waits_when_zotero_throttles(fake, make_sink, clock):
    fake.retry_after = 20
    sink = make_sink()
    fake.inject("429", path="/keys/current")
    started = clock.now
    status = sink.check()
    assert status.reachable is True and "slow down" in status.message and clock.now == started
    assert len(fake.requests("GET", "/keys/current")) == 1
    clock.advance(20)
    assert "can write" in sink.check().message  # a throttled answer was not cached
