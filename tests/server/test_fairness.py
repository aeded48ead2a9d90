"""No livelock, no starvation: jobs work in slices they can finish inside their lease, keep their leases alive
while they make progress, leave room for other work, and take over at once from a process that died."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from paperdrop.server.jobs import resolve
from paperdrop.server.jobs.deliver import deliver_job
from paperdrop.server.jobs.resolve import ID_SLICE, TITLE_SLICE, resolve_clips
from paperdrop.server.jobs.sweep import sweep
from paperdrop.server.services.save import save_clips
from paperdrop.server.store import leases
from paperdrop.server.store.models import Clip, Delivery, utcnow
from paperdrop.sync.records import ClipInput, DeliveryOutcome, TargetStatus
from paperdrop.sync.targets import parse_target_spec
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]


PAPERS = ["2403.12943", "1706.03762", "2106.09685"]


def resolve_jobs(rt) -> list[tuple]:
    """The arguments of the resolve jobs waiting in the queue, oldest first."""
    return [task.args for task in rt.queue.huey.pending() if task.name == "resolve_clips"]


def titles(n: int) -> list[ClipInput]:
    return [ClipInput(title=f"A Study of Nothing in Particular Number {i}") for i in range(n)]


def statuses(rt, ids: list[int]) -> dict[str, int]:
    with rt.db.reading() as session:
        found: dict[str, int] = {}
        for status in session.scalars(select(Clip.status).where(Clip.id.in_(ids))):
            found[status] = found.get(status, 0) + 1
        return found


def test_a_big_title_import_is_resolved_in_slices_and_other_saves_go_first(rt):
    big = save_clips(rt, titles(200), None).clip_ids
    before = rt.queue.pending()
    report = resolve_clips(rt, big)  # one queued job: one slice, the rest back in the queue
    assert report.needs_review + report.resolved + report.failed == TITLE_SLICE
    assert rt.queue.pending() == before + 1
    assert statuses(rt, big)["received"] == 200 - TITLE_SLICE
    [other] = save_clips(rt, [ClipInput(arxiv_id="2403.12943")], None).clip_ids
    assert resolve_clips(rt, [other]).resolved == 1  # another user's paper does not wait for the 200


def test_one_resolve_job_at_a_time_leaves_the_other_threads_to_deliveries(rt, monkeypatch, tmp_path, fake_arxiv):
    from paperdrop.server.runtime import Runtime

    first, second, third = save_clips(rt, [ClipInput(arxiv_id=a) for a in PAPERS], None).clip_ids
    elsewhere = Runtime(make_settings(tmp_path / "other", arxiv_api_url=fake_arxiv.url))  # another store
    [theirs] = save_clips(elsewhere, [ClipInput(arxiv_id=PAPERS[0])], None).clip_ids
    slicing, go_on = threading.Event(), threading.Event()
    real_slice = resolve._resolve_slice

    def slow_slice(rt_, clip_ids, report):
        slicing.set()
        assert go_on.wait(30)
        return real_slice(rt_, clip_ids, report)

    monkeypatch.setattr(resolve, "_resolve_slice", slow_slice)
    running = threading.Thread(target=resolve_clips, args=(rt, [first]))
    running.start()
    assert slicing.wait(30)  # another job thread of this process is resolving
    before = resolve_jobs(rt)
    started = time.monotonic()
    reports = [resolve_clips(rt, [second]), resolve_clips(rt, [third]), resolve_clips(rt, [second])]
    their_jobs = resolve_jobs(elsewhere)
    reports.append(resolve_clips(elsewhere, [theirs]))
    assert time.monotonic() - started < 5  # handed over, did not block
    assert [r.resolved for r in reports] == [0, 0, 0, 0]
    # ... and did not come back as jobs that only look and go again
    assert resolve_jobs(rt) == before and rt.queue.huey.scheduled() == []
    go_on.set()
    running.join(30)
    assert statuses(rt, [first]) == {"resolved": 1} and statuses(rt, [second, third]) == {"received": 2}
    # What was handed over is one job, each clip once, in arrival order.
    assert resolve_jobs(rt) == [*before, ([second, third],)]
    assert resolve_jobs(elsewhere) == [*their_jobs, ([theirs],)]  # on its own store's queue
    job = resolve_jobs(rt)[-1]
    monkeypatch.setattr(resolve, "_resolve_slice", real_slice)
    assert resolve_clips(rt, *job).resolved == 2


def test_a_long_backlog_is_resolved_a_slice_at_a_time_in_its_order(rt):
    ids = save_clips(rt, [ClipInput(arxiv_id=f"2401.{n:05d}") for n in range(1, 1201)], None).clip_ids
    backlog = list(reversed(ids))  # more than SCAN ids, handed over newest first
    report = resolve_clips(rt, backlog)
    assert report.resolved + report.failed + report.retried == ID_SLICE
    assert statuses(rt, backlog[:ID_SLICE]).get("received", 0) == 0  # the first ID_SLICE of the order given
    assert statuses(rt, backlog[ID_SLICE:]) == {"received": 1200 - ID_SLICE}
    assert resolve_jobs(rt)[-1] == (backlog[ID_SLICE:],)  # the rest, in the same order


def test_a_lease_of_a_killed_process_is_taken_over_at_once(rt, home):
    [clip_id] = save_clips(rt, [ClipInput(arxiv_id="2403.12943")], None).clip_ids
    code = f"""
import os
from paperdrop.server.runtime import Runtime
from paperdrop.server.store import leases
from paperdrop.server.store.models import Clip
from tests.conftest import make_settings
rt = Runtime(make_settings({str(home)!r}), migrate=False)
with rt.db.session() as session:
    leases.claim(session, Clip, Clip.id == {clip_id}, owner=leases.new_owner(), lease_seconds=3600, limit=1)
os._exit(0)  # dies holding the lease, as a killed `import --wait` does
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    with rt.db.reading() as session:
        clip = session.get(Clip, clip_id)
        assert clip.lease_owner and clip.lease_expires > utcnow() + timedelta(minutes=50)  # held for an hour
    started = time.monotonic()
    assert resolve_clips(rt, [clip_id]).resolved == 1  # not after the hour: the owner is gone
    assert time.monotonic() - started < 60


def test_sweep_frees_leases_of_dead_processes_on_this_machine(rt):
    [clip_id] = save_clips(rt, [ClipInput(arxiv_id="2403.12943")], None).clip_ids
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    owner = f"{leases.HOST}:{dead.stdout.strip()}:deadbeef"
    with rt.db.session() as session:
        leases.claim(session, Clip, Clip.id == clip_id, owner=owner, lease_seconds=3600, limit=1)
    assert sweep(rt).clips == 1  # due again at once, and enqueued
    with rt.db.reading() as session:
        assert session.get(Clip, clip_id).lease_owner is None


class SlowSink:
    """A stand-in sink whose write takes longer than the lease."""

    def __init__(self, spec, seconds):
        self.spec, self.seconds = spec, seconds

    def check(self):
        return TargetStatus(str(self.spec), "bibtex", True, "ok")

    def prepare(self, requests):
        return {}

    def deliver(self, requests, run):
        time.sleep(self.seconds)
        return [DeliveryOutcome(r.delivery_id, "delivered", remote_key="k") for r in requests]


def test_a_job_longer_than_its_lease_keeps_its_rows_while_it_works(home, fake_arxiv):
    from paperdrop.server.runtime import Runtime

    rt = Runtime(make_settings(home, arxiv_api_url=fake_arxiv.url, lease_seconds=0.6))
    [clip_id] = save_clips(rt, [ClipInput(arxiv_id="2403.12943")], None).clip_ids
    resolve_clips(rt, [clip_id])
    target = str(rt.settings.resolve_target(None))
    rt._sinks[target] = SlowSink(parse_target_spec(target), seconds=2.0)
    stolen = []

    def another_worker() -> None:
        time.sleep(1.2)  # well past the lease, while the first job still writes
        with rt.db.session() as session:
            stolen.extend(leases.claim(session, Delivery, Delivery.id > 0, owner="other", lease_seconds=5, limit=5))

    thief = threading.Thread(target=another_worker)
    thief.start()
    report = deliver_job(rt, target)
    thief.join()
    assert stolen == [] and report.delivered == 1  # the heartbeat kept the lease: no second writer
    rt.close()
