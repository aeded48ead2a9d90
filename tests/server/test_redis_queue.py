"""Scaled out: the same task code on a Redis queue, with `paperdrop serve --no-worker` and two separate
`paperdrop worker` processes sharing one store."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from tests.support.redis import RedisServer
from tests.support.server import ServerProcess, base_env, paperdrop_command
from tests.support.wait import wait_for


@pytest.fixture
def redis_url(tmp_path: Path):
    with RedisServer(tmp_path / "redis") as server:
        yield server.url


def test_redis_queue_carries_jobs_between_separate_processes(tmp_path, redis_url, fake_arxiv):
    import redis
    import requests

    home = tmp_path / "home"
    env = {
        "PAPERDROP_ARXIV_API_URL": fake_arxiv.url,
        "PAPERDROP_REDIS_URL": redis_url,
        "PAPERDROP_SWEEP_INTERVAL": "60",
    }  # a slow sweep: the jobs must travel through Redis
    with ServerProcess(home, env=env, args=("--no-worker",)) as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        answer = requests.post(
            f"{server.url}/api/v1/clips",
            headers=headers,
            json={"papers": [{"arxiv_id": "2403.12943"}, {"arxiv_id": "2408.03906"}]},
        )
        assert answer.status_code == 202
        ids = [c["id"] for c in answer.json()["clips"]]
        wait_for(lambda: redis.Redis.from_url(redis_url).keys("*"), "a job message in Redis")
        workers = [
            subprocess.Popen(
                paperdrop_command("worker"),
                env=base_env(home, env),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(2)
        ]
        try:

            def delivered() -> bool:
                clips = requests.get(
                    f"{server.url}/api/v1/clips", params={"ids": ",".join(map(str, ids))}, headers=headers
                ).json()["clips"]
                return all(c["deliveries"] and c["deliveries"][0]["state"] == "delivered" for c in clips)

            wait_for(delivered, "both papers delivered")
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=20)
    bib = (home / "papers.bib").read_text()
    assert bib.count("eprint = {2403.12943}") == 1 and bib.count("eprint = {2408.03906}") == 1
