"""A `Backoff` Zotero sent to one worker pauses every worker of the deployment for that library: with Redis
(a real redis-server) the back-off is shared by workers that share no state directory."""

from __future__ import annotations

import pytest

from paperdrop.sync.errors import ThrottledError, TransientError
from paperdrop.sync.shared import SharedBackoff, connect
from tests.support.redis import RedisServer

from .conftest import make_paper, make_requests


@pytest.fixture
def redis_server(tmp_path):
    with RedisServer(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def shared(redis_server):
    client = connect(redis_server.url)
    return lambda name: SharedBackoff(client, name)


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


def test_redis_down_is_a_transient_error_and_nothing_is_written(fake, make_sink, job, tmp_path, shared, redis_server):
    sink = make_sink(state_dir=tmp_path / "machine1", shared_backoff=shared)
    requests = make_requests(sink, [make_paper(i) for i in range(3)])
    redis_server.stop()
    with pytest.raises(TransientError) as caught:
        sink.deliver(requests, job.run())
    assert "Redis" in caught.value.message and not isinstance(caught.value, ThrottledError)
    assert fake.requests("POST") == []
    redis_server.start()  # back: the same requests go through
    assert {o.status for o in sink.deliver(requests, job.run())} == {"delivered"}
