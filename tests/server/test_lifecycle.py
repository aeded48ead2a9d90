"""State transitions of clips and deliveries: claim, succeed, retry with backoff, fail, wait, sweep."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from paperdrop.server.jobs.deliver import deliver_target
from paperdrop.server.jobs.policy import RetryPolicy
from paperdrop.server.jobs.refresh import refresh_papers
from paperdrop.server.jobs.resolve import resolve_clips
from paperdrop.server.jobs.sweep import sweep
from paperdrop.server.services.requeue import retry_failed
from paperdrop.server.services.review import choose_paper
from paperdrop.server.store import leases
from paperdrop.server.store.clips import store_clips
from paperdrop.server.store.models import Clip, Delivery, Paper, utcnow
from paperdrop.sync.errors import PermanentError, TransientError
from paperdrop.sync.records import ClipInput, DeliveryOutcome, TargetStatus
from paperdrop.sync.targets import parse_target_spec
from tests.conftest import make_settings

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)


def store(rt, *clips: ClipInput, target: str | None = None) -> list[int]:
    with rt.db.session() as session:
        return [s.id for s in store_clips(session, list(clips), rt.settings.resolve_target(target))]


def clip_row(rt, clip_id: int) -> Clip:
    with rt.db.session() as session:
        return session.get(Clip, clip_id)


def deliveries(rt) -> list[Delivery]:
    with rt.db.session() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_clip_with_id_goes_received_to_resolved_and_delivery_to_delivered(rt):
    [clip_id] = store(rt, ClipInput(arxiv_id="2403.12943", source_url="https://huggingface.co/papers"))
    assert clip_row(rt, clip_id).status == "received"
    report = resolve_clips(rt, [clip_id])
    clip = clip_row(rt, clip_id)
    assert report.resolved == 1 and clip.status == "resolved" and clip.lease_owner is None
    [delivery] = deliveries(rt)
    assert delivery.state == "pending" and delivery.target == clip.target
    deliver_target(rt, delivery.target)
    [delivery] = deliveries(rt)
    assert delivery.state == "delivered" and delivery.remote_key == "finn2024vid2robot"
    assert "eprint = {2403.12943}" in Path(delivery.target.removeprefix("bibtex:")).read_text()


def test_unknown_id_fails_at_once_with_the_reason(rt):
    [clip_id] = store(rt, ClipInput(arxiv_id="2401.99999"))
    resolve_clips(rt, [clip_id])
    clip = clip_row(rt, clip_id)
    assert clip.status == "failed" and "2401.99999" in clip.last_error and clip.attempts == 0


def test_transient_arxiv_failure_backs_off_then_fails_after_budget(home, fake_arxiv):
    from paperdrop.server.runtime import Runtime

    rt = Runtime(make_settings(home, arxiv_api_url=fake_arxiv.url, max_attempts=2, retry_base=60, retry_max=3600))
    fake_arxiv.inject(*["503"] * 40)
    [clip_id] = store(rt, ClipInput(arxiv_id="2403.12943"))
    resolve_clips(rt, [clip_id])
    clip = clip_row(rt, clip_id)
    assert clip.status == "resolving" and clip.attempts == 1 and "503" in clip.last_error
    assert clip.next_attempt_at > utcnow() + timedelta(seconds=40)  # about a minute, with jitter
    assert resolve_clips(rt, [clip_id]).resolved == 0  # not due yet: nothing claimed
    with rt.db.session() as session:
        session.get(Clip, clip_id).next_attempt_at = utcnow()
    resolve_clips(rt, [clip_id])
    clip = clip_row(rt, clip_id)
    assert clip.status == "failed" and clip.attempts == 2
    rt.close()


def test_unmatched_title_needs_review_and_settles_by_hand(rt):
    [clip_id] = store(rt, ClipInput(title="A Theory of Teacup Gravity in Seven Dimensions"))
    resolve_clips(rt, [clip_id])
    clip = clip_row(rt, clip_id)
    assert clip.status == "needs_review" and clip.paper_id is None
    choose_paper(rt, clip_id, "2408.03906", only_in_review=True)
    resolve_clips(rt, [clip_id])
    clip = clip_row(rt, clip_id)
    assert clip.status == "resolved" and clip.arxiv_id == "2408.03906"


def test_sweep_recovers_work_of_a_crashed_worker(rt):
    [clip_id] = store(rt, ClipInput(arxiv_id="2403.12943"))
    with rt.db.session() as session:  # a worker claims the clip, then dies before finishing
        claimed = leases.claim(session, Clip, Clip.id == clip_id, owner="dead-worker", lease_seconds=0.2, limit=10)
    assert claimed == [clip_id]
    assert resolve_clips(rt, [clip_id]).resolved == 0  # still leased: nobody else may take it
    with rt.db.session() as session:
        session.get(Clip, clip_id).lease_expires = utcnow() - timedelta(seconds=1)
    before = rt.queue.pending()
    report = sweep(rt)
    assert report.clips == 1 and rt.queue.pending() == before + 1
    assert resolve_clips(rt, [clip_id]).resolved == 1


def test_sweep_enqueues_targets_with_due_deliveries(rt):
    [clip_id] = store(rt, ClipInput(arxiv_id="2403.12943"))
    resolve_clips(rt, [clip_id])
    report = sweep(rt)
    assert report.targets == [clip_row(rt, clip_id).target]


class ScriptedSink:
    """A sink that answers from a script: a stand-in for the target side of the Sink protocol."""

    def __init__(self, spec, script):
        self.spec, self.script, self.calls = spec, list(script), 0

    def check(self):
        return TargetStatus(str(self.spec), "bibtex", True, "ok")

    def prepare(self, requests):
        return {r.delivery_id: f"key{r.delivery_id}" for r in requests if not r.remote_key}

    def deliver(self, requests, run=None):
        self.calls += 1
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return [
            DeliveryOutcome(r.delivery_id, step, remote_key=r.remote_key, error=f"scripted {step}") for r in requests
        ]


def _resolved_delivery(rt, sink_script):
    [clip_id] = store(rt, ClipInput(arxiv_id="2403.12943"))
    resolve_clips(rt, [clip_id])
    target = clip_row(rt, clip_id).target
    sink = ScriptedSink(parse_target_spec(target), sink_script)
    rt._sinks[target] = sink
    return target, sink


def _make_due(rt):
    with rt.db.session() as session:
        for delivery in session.scalars(select(Delivery)):
            delivery.next_attempt_at = utcnow()


def test_delivery_retries_transient_errors_then_delivers(rt):
    target, sink = _resolved_delivery(rt, [TransientError("503 from sink", retry_after=120), "delivered"])
    deliver_target(rt, target)
    [delivery] = deliveries(rt)
    assert delivery.state == "pending" and delivery.attempts == 1 and delivery.remote_key == f"key{delivery.id}"
    assert delivery.next_attempt_at >= utcnow() + timedelta(seconds=100)  # Retry-After honoured
    _make_due(rt)
    deliver_target(rt, target)
    [delivery] = deliveries(rt)
    assert delivery.state == "delivered" and sink.calls == 2


def test_delivery_fails_at_once_on_permanent_error(rt):
    target, _ = _resolved_delivery(rt, [PermanentError("field refused")])
    deliver_target(rt, target)
    [delivery] = deliveries(rt)
    assert delivery.state == "failed" and delivery.last_error == "field refused"


def test_delivery_fails_after_retry_budget_and_retry_requeues_it(home, fake_arxiv):
    from paperdrop.server.runtime import Runtime

    rt = Runtime(make_settings(home, arxiv_api_url=fake_arxiv.url, max_attempts=2))
    target, sink = _resolved_delivery(rt, ["retry", "retry", "delivered"])
    deliver_target(rt, target)
    _make_due(rt)
    deliver_target(rt, target)
    [delivery] = deliveries(rt)
    assert delivery.state == "failed" and delivery.attempts == 2 and delivery.last_error == "scripted retry"
    with rt.db.session() as session:
        _, targets = retry_failed(session)
    assert targets == [target]
    deliver_target(rt, target)
    assert deliveries(rt)[0].state == "delivered"
    rt.close()


def test_delivery_waits_without_spending_attempts_when_target_is_misconfigured(rt, tmp_path):
    target = f"bibtex:{tmp_path / 'no-such-dir' / 'papers.bib'}"
    [clip_id] = store(rt, ClipInput(arxiv_id="2403.12943"), target=target)
    resolve_clips(rt, [clip_id])
    deliver_target(rt, target)
    [delivery] = deliveries(rt)
    assert delivery.state == "waiting_for_setup" and delivery.attempts == 0
    assert "no-such-dir" in delivery.last_error and delivery.next_attempt_at > utcnow()
    assert delivery.last_fix  # the fix is kept apart from the message


def test_refresh_updates_changed_papers_in_place(rt, fake_arxiv):
    [clip_id] = store(rt, ClipInput(arxiv_id="2408.03906"))
    resolve_clips(rt, [clip_id])
    target = clip_row(rt, clip_id).target
    deliver_target(rt, target)
    entry = fake_arxiv.index.by_id["2408.03906"]
    entry["versions"].append({"version": len(entry["versions"]) + 1, "date": "2025-01-02T03:04:05Z"})
    entry["doi"] = "10.1000/published.2025"
    with rt.db.session() as session:  # a week later
        session.scalar(select(Paper)).fetched_at = utcnow() - timedelta(days=8)
    report = refresh_papers(rt)
    assert report.changed == ["2408.03906"] and report.targets == {target}
    [delivery] = deliveries(rt)
    assert delivery.needs_update and delivery.state == "delivered"
    deliver_target(rt, target)
    [delivery] = deliveries(rt)
    assert not delivery.needs_update
    text = Path(target.removeprefix("bibtex:")).read_text()
    assert text.count("eprint = {2408.03906}") == 1 and "10.1000/published.2025" in text


@pytest.mark.parametrize("attempts,expected", [(1, 60), (2, 120), (3, 240), (12, 6 * 3600)])
def test_retry_policy_doubles_from_a_minute_up_to_hours(attempts, expected):
    delay = RetryPolicy().delay(attempts)
    assert expected * 0.8 <= delay <= min(expected * 1.2, 6 * 3600)


def test_store_is_the_one_asked_for(rt, store_url):
    assert rt.db.backend == ("postgresql" if store_url else "sqlite")
