"""Delivery that tells the truth, job side: throttles are waits, progress is kept as it happens, a saved paper
is checked at its target when saved again, missing copies are noticed, and a setup fix takes effect at once."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from paperdrop.server.jobs.deliver import deliver_target
from paperdrop.server.jobs.resolve import resolve_clips
from paperdrop.server.runtime import Runtime
from paperdrop.server.services.outcome import clip_outcome
from paperdrop.server.services.requeue import retry_failed
from paperdrop.server.services.save import save_clips
from paperdrop.server.services.targets import list_targets
from paperdrop.server.store.models import Clip, Delivery, utcnow
from paperdrop.sync.errors import ThrottledError, TransientError
from paperdrop.sync.records import ClipInput, DeliveryOutcome, TargetStatus
from paperdrop.sync.targets import parse_target_spec
from tests.conftest import make_settings

pytestmark = pytest.mark.both_stores  # SQLite and PostgreSQL (tests/conftest.py)


class StepSink:
    """A stand-in for the target side of the Sink protocol: each deliver call runs the next step with the
    requests and the job's DeliveryRun, so a test plays the sink's part of the conversation."""

    def __init__(self, spec, *steps):
        self.spec, self.steps, self.requests = spec, list(steps), []

    def check(self):
        return TargetStatus(str(self.spec), "bibtex", True, "ok")

    def prepare(self, requests):
        return {r.delivery_id: f"key{r.delivery_id}" for r in requests if not r.remote_key}

    def deliver(self, requests, run):
        self.requests.append(list(requests))
        return self.steps.pop(0)(requests, run)


def delivered(requests, run=None, **fields):
    return [DeliveryOutcome(r.delivery_id, "delivered", remote_key=r.remote_key, **fields) for r in requests]


def save(rt, *ids: str, target: str | None = None) -> list[int]:
    return save_clips(rt, [ClipInput(arxiv_id=i) for i in ids], target).clip_ids


def resolved(rt, *ids: str, steps=()) -> tuple[str, StepSink]:
    """Clips for `ids`, resolved, with the default target's sink replaced by a StepSink."""
    clip_ids = save(rt, *ids)
    resolve_clips(rt, clip_ids)
    target = str(rt.settings.resolve_target(None))
    sink = StepSink(parse_target_spec(target), *steps)
    rt._sinks[target] = sink
    return target, sink


def rows(rt) -> list[Delivery]:
    with rt.db.reading() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def outcome(rt, clip_id: int):
    with rt.db.reading() as session:
        clip = session.get(Clip, clip_id)
        delivery = session.scalar(
            select(Delivery).where(Delivery.paper_id == clip.paper_id, Delivery.target == clip.target)
        )
        return clip_outcome(clip, delivery)


def make_due(rt):
    with rt.db.session() as session:
        for delivery in session.scalars(select(Delivery)):
            delivery.next_attempt_at = utcnow()


def test_deliver_waits_a_short_throttle_in_place_and_goes_on_with_the_same_batch(rt):
    waits = []

    def throttled_then_written(requests, run):
        waits.append(run.wait(0.3))  # e.g. a `Backoff: 0.3` on the answer before the write
        return delivered(requests)

    target, sink = resolved(rt, "2403.12943", "2408.03906", steps=[throttled_then_written])
    started = time.monotonic()
    report = deliver_target(rt, target)
    assert waits == [True] and time.monotonic() - started >= 0.3  # waited at least as long as asked
    assert report.waited == 0.3 and report.delivered == 2 and len(sink.requests) == 1
    assert [(d.state, d.attempts) for d in rows(rt)] == [("delivered", 0), ("delivered", 0)]


def test_deliver_schedules_a_long_throttle_at_exactly_the_hint_without_spending_attempts(home, fake_arxiv):
    rt = Runtime(make_settings(home, arxiv_api_url=fake_arxiv.url, max_attempts=2))

    def too_long(requests, run):
        assert run.wait(600) is False  # longer than PAPERDROP_THROTTLE_WAIT: not waited in place
        raise ThrottledError("Zotero asked PaperDrop to wait 600 s.", retry_after=600)

    target, _ = resolved(rt, "2403.12943", steps=[too_long] * 12 + [delivered])
    for _ in range(12):  # far more throttles than the retry budget: none of them is a failure
        before = utcnow()
        deliver_target(rt, target)
        [delivery] = rows(rt)
        assert delivery.state == "pending" and delivery.attempts == 0
        assert before + timedelta(seconds=599) <= delivery.next_attempt_at <= utcnow() + timedelta(seconds=601)
        make_due(rt)
    deliver_target(rt, target)
    assert rows(rt)[0].state == "delivered"
    rt.close()


def test_deliver_keeps_progress_reported_before_a_dropped_connection(rt):
    def half_then_drop(requests, run):
        run.progress(delivered(requests[:2]))  # Zotero answered the first write...
        raise TransientError("connection dropped")  # ...and the second one never arrived

    target, sink = resolved(rt, "2403.12943", "2408.03906", "2412.00569", steps=[half_then_drop, delivered])
    deliver_target(rt, target)
    assert [d.state for d in rows(rt)] == ["delivered", "delivered", "pending"]
    assert [d.attempts for d in rows(rt)] == [0, 0, 1]
    make_due(rt)
    deliver_target(rt, target)
    assert [r.delivery_id for r in sink.requests[1]] == [rows(rt)[2].id]  # only what was unknown is redone
    assert [d.state for d in rows(rt)] == ["delivered"] * 3


def test_saving_a_delivered_paper_again_checks_the_target_and_says_written_again(rt):
    target, sink = resolved(rt, "2403.12943", steps=[delivered, lambda rq, run: delivered(rq, rewritten=True)])
    deliver_target(rt, target)
    [clip_id] = save(rt, "2403.12943")  # the user deleted the entry, and saves the paper again
    assert outcome(rt, clip_id).message == "Checking that it is still in papers.bib…"
    deliver_target(rt, target)
    assert sink.requests[1][0].recheck is True
    assert outcome(rt, clip_id).kind == "saved"
    assert outcome(rt, clip_id).message == "Written again to papers.bib (it had been removed)"


def test_saving_again_when_the_copy_is_there_is_already_there(rt):
    target, _ = resolved(rt, "2403.12943", steps=[delivered, lambda rq, run: delivered(rq, already_present=True)])
    deliver_target(rt, target)
    [clip_id] = save(rt, "2403.12943")
    deliver_target(rt, target)
    assert (outcome(rt, clip_id).kind, outcome(rt, clip_id).message) == ("already_there", "Already in papers.bib")


def test_a_copy_noticed_missing_is_shown_and_written_back_only_when_asked(rt):
    def notice_missing(requests, run):
        run.missing(["key1"])  # reading the file, the sink finds the first paper's entry gone
        return delivered(requests)

    target, sink = resolved(rt, "2403.12943", steps=[delivered])
    deliver_target(rt, target)
    [clip_id] = save(rt, "2408.03906")
    resolve_clips(rt, [clip_id])
    sink.steps += [notice_missing, lambda rq, run: delivered(rq, rewritten=True)]
    deliver_target(rt, target)
    first = rows(rt)[0]
    assert first.missing_at is not None and first.state == "delivered"
    missing = outcome(rt, 1)
    assert missing.kind == "failed" and "No longer in papers.bib" in missing.message and missing.fix
    deliver_target(rt, target)
    assert len(sink.requests) == 2  # nothing is written back unasked
    with rt.db.session() as session:
        _, targets = retry_failed(session)
    assert targets == [target]
    deliver_target(rt, target)
    assert sink.requests[2][0].recheck and outcome(rt, 1).message.startswith("Written again")


def test_a_fixed_setup_wakes_its_waiting_deliveries_at_once(rt, home):
    folder = home / "later"
    target = f"bibtex:{folder / 'refs.bib'}"
    [clip_id] = save(rt, "2403.12943", target=target)
    resolve_clips(rt, [clip_id])
    deliver_target(rt, target)
    [delivery] = rows(rt)
    assert delivery.state == "waiting_for_setup" and delivery.next_attempt_at > utcnow() + timedelta(seconds=60)
    folder.mkdir()  # the user follows the fix; `paperdrop targets` (or the targets page) then says OK
    listing = list_targets(rt)
    assert next(t for t in listing["targets"] if t["spec"] == target)["reachable"]
    [delivery] = rows(rt)
    assert delivery.state == "pending" and delivery.next_attempt_at is None  # due now, not in 2 minutes
    deliver_target(rt, target)
    assert rows(rt)[0].state == "delivered" and "eprint = {2403.12943}" in (folder / "refs.bib").read_text()


def test_an_edited_config_file_is_picked_up_without_a_restart(home, fake_arxiv, tmp_path):
    environ = {"PAPERDROP_HOME": str(home), "PAPERDROP_ARXIV_API_URL": fake_arxiv.url, "PAPERDROP_ARXIV_DELAY": "0"}
    rt = Runtime(environ=environ)
    assert rt.settings.zotero_library_id is None
    config = Path(home) / "paperdrop.toml"
    config.write_text('zotero_library_id = "475425"\n[targets]\nthesis = "bibtex:/tmp/thesis.bib"\n')
    assert rt.reload_if_changed(force=True)
    assert rt.settings.zotero_library_id == "475425" and rt.settings.targets == {"thesis": "bibtex:/tmp/thesis.bib"}
    config.write_text("zotero_library_id = [unclosed\n")
    assert not rt.reload_if_changed(force=True)  # a broken file keeps the settings that work, and says why
    assert rt.settings.zotero_library_id == "475425" and "Cannot read config file" in str(rt.config_problem)
    rt.close()


def test_arxiv_throttles_are_waits_and_never_fail_a_clip(home, fake_arxiv):
    rt = Runtime(make_settings(home, arxiv_api_url=fake_arxiv.url, max_attempts=2))
    fake_arxiv.inject(("429", 0.01), ("429", 0.02))  # short hints: waited in place, then answered
    [clip_id] = save(rt, "2403.12943")
    assert resolve_clips(rt, [clip_id]).resolved == 1
    fake_arxiv.inject(*[("429", 900)] * 5)  # a long hint, again and again
    [other] = save(rt, "2408.03906")
    for _ in range(5):
        resolve_clips(rt, [other])
        with rt.db.session() as session:
            clip = session.get(Clip, other)
            assert clip.status == "resolving" and clip.attempts == 0
            assert clip.next_attempt_at > utcnow() + timedelta(seconds=890)
            clip.next_attempt_at = utcnow()
    assert resolve_clips(rt, [other]).resolved == 1
    rt.close()
