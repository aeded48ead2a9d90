"""A worker killed between claim and finish loses nothing: the lease runs out and another worker finishes."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from paperdrop.server.runtime import Runtime
from paperdrop.server.store.clips import store_clips
from paperdrop.server.store.models import Clip, Delivery
from paperdrop.sync.records import ClipInput
from tests.conftest import make_settings
from tests.fakes.arxiv import FakeArxiv, load_corpus
from tests.support.server import base_env, paperdrop_command
from tests.support.wait import wait_for

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)


def _start_worker(home: Path, fake: FakeArxiv) -> subprocess.Popen:
    env = base_env(home, {"PAPERDROP_ARXIV_API_URL": fake.url, "PAPERDROP_LEASE_SECONDS": "2"})
    return subprocess.Popen(paperdrop_command("worker"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_worker_killed_mid_job_loses_nothing(home):
    with FakeArxiv(corpus=load_corpus(), stall_seconds=30) as fake:
        rt = Runtime(make_settings(home, arxiv_api_url=fake.url))
        with rt.db.session() as session:
            [stored] = store_clips(session, [ClipInput(arxiv_id="2403.12943")], rt.settings.resolve_target(None))
            clip_id = stored.id
        fake.inject("stall")  # the first request hangs: the worker is inside the job when it dies
        first = _start_worker(home, fake)
        try:
            wait_for(lambda: len(fake.requests) >= 1, "a first arXiv request")
            with rt.db.session() as session:
                clip = session.get(Clip, clip_id)
                assert clip.status == "resolving" and clip.lease_owner is not None  # claimed, not finished
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            first.kill()
        second = _start_worker(home, fake)
        try:

            def delivered() -> bool:
                with rt.db.session() as session:
                    return session.query(Delivery).filter_by(state="delivered").count() == 1

            wait_for(delivered, "the paper delivered")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=15)
        bib = (home / "papers.bib").read_text()
        assert bib.count("eprint = {2403.12943}") == 1
        with rt.db.session() as session:
            assert session.get(Clip, clip_id).status == "resolved"
        rt.close()
