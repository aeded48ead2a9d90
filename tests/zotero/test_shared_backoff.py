"""A `Backoff` Zotero sent to one worker pauses every worker of the deployment for that library: with Redis
(a real redis-server) the back-off is shared by workers that share no state directory."""

from __future__ import annotations

import pytest

from paperdrop.sync.errors import ThrottledError
from paperdrop.sync.shared import SharedBackoff, connect
from tests.support.redis import RedisServer

from .conftest import make_paper, make_requests


@pytest.fixture
def shared(tmp_path):
    with RedisServer(tmp_path / "redis") as server:
        client = connect(server.url)
        yield lambda name: SharedBackoff(client, name)


def test_a_backoff_seen_by_one_worker_pauses_a_worker_on_another_machine(fake, make_sink, job, tmp_path, shared):
    fake.backoff = 30
    job.max_wait = 10
    first = make_sink(state_dir=tmp_path / "machine1", shared_backoff=shared)
    requests = make_requests(first, [make_paper(i) for i in range(60)])
    fake.inject("backoff", method="POST", path="/items")
    with pytest.raises(ThrottledError):
        first.deliver(requests, job.run())

    other = make_sink(state_dir=tmp_path / "machine2", shared_backoff=shared)  # nothing shared on disk
    sent = len(fake.requests("POST"))
    with pytest.raises(ThrottledError) as caught:
        other.deliver(make_requests(other, [make_paper(i) for i in range(100, 105)]), job.run())
    assert len(fake.requests("POST")) == sent  # nothing written inside the wait
    assert 20 < caught.value.retry_after <= 30


def test_without_redis_the_backoff_is_the_machines_own(fake, make_sink, job, tmp_path):
    fake.backoff = 30
    job.max_wait = 10
    first = make_sink(state_dir=tmp_path / "machine1")
    requests = make_requests(first, [make_paper(i) for i in range(60)])
    fake.inject("backoff", method="POST", path="/items")
    with pytest.raises(ThrottledError):
        first.deliver(requests, job.run())

    other = make_sink(state_dir=tmp_path / "machine2")
    outcomes = other.deliver(make_requests(other, [make_paper(i) for i in range(100, 105)]), job.run())
    assert {o.status for o in outcomes} == {"delivered"}


def test_the_shared_backoff_only_grows(shared):
    backoff = shared("zotero-user-1")
    backoff.extend(30)
    backoff.extend(5)
    assert 25 < backoff.remaining() <= 30
    assert shared("zotero-user-2").remaining() == 0
