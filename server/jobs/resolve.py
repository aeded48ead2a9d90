"""The resolve job: turn due clips into papers through arXiv (ids in batches, titles by matching)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from paperdrop.server.store import leases as work
from paperdrop.server.store.models import (
    CLIP_FAILED,
    CLIP_NEEDS_REVIEW,
    CLIP_OPEN,
    CLIP_RECEIVED,
    CLIP_RESOLVED,
    CLIP_RESOLVING,
    Clip,
)
from paperdrop.server.store.papers import ensure_delivery, fresh_papers, to_record, upsert_paper
from paperdrop.sync.errors import ConfigurationError, InputError, PermanentError, TransientError
from paperdrop.sync.records import PaperRecord, TitleQuery, TitleResolution
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

BATCH = 500  # clips per resolve job; arXiv requests are batched further inside sync.arxiv


@dataclass
class ResolveReport:
    resolved: int = 0
    needs_review: int = 0
    failed: int = 0
    retried: int = 0
    targets: set[str] = field(default_factory=set)  # targets with new pending deliveries


def resolve_clips(rt, clip_ids: list[int] | None = None) -> ResolveReport:
    """Claim due clips (the given ones and any other due ones, to batch requests) and resolve them."""
    owner = work.new_owner()
    with rt.db.session() as session:
        # Any due clip, not only `clip_ids`: one job resolving many clips batches its arXiv requests; the
        # jobs for the others then find nothing left to claim.
        ids = work.claim(
            session,
            Clip,
            Clip.status.in_(CLIP_OPEN),
            owner=owner,
            lease_seconds=rt.settings.lease_seconds,
            limit=BATCH,
            values={"status": CLIP_RESOLVING},
        )
    # Loading happens outside the write transaction: SQLite has one writer, and the web threads need it.
    with rt.db.reading() as session:
        clips = work.owned(session, Clip, ids, owner, lock=False)
        by_id = [(c.id, c.arxiv_id) for c in clips if c.arxiv_id]
        by_title = [(c.id, TitleQuery(c.title or "", c.abstract, list(c.authors))) for c in clips if not c.arxiv_id]
        cached = {
            a: to_record(p)
            for a, p in fresh_papers(session, [a for _, a in by_id], rt.settings.paper_cache_hours).items()
        }
    report = ResolveReport()
    if not ids:
        return report
    outcomes: dict[int, object] = {}
    _fetch_ids(rt, by_id, cached, outcomes)
    _match_titles(rt, by_title, outcomes)
    work.finish_owned(
        rt.db, Clip, ids, owner, lambda session, clip: _apply(session, rt, clip, outcomes.get(clip.id), report)
    )
    if report.targets:
        rt.queue.enqueue_deliver_many(sorted(report.targets))
    return report


def _fetch_ids(rt, by_id: list[tuple[int, str]], cached: dict[str, PaperRecord], outcomes: dict) -> None:
    missing = sorted({a for _, a in by_id if a not in cached})
    found: dict[str, PaperRecord] = dict(cached)
    error: Exception | None = None
    if missing:
        try:
            found.update(rt.arxiv.fetch(missing))
        except (TransientError, PermanentError, InputError, ConfigurationError) as exc:
            error = exc
    for clip_id, arxiv_id in by_id:
        if arxiv_id in found:
            outcomes[clip_id] = found[arxiv_id]
        elif error is not None:
            outcomes[clip_id] = error
        else:
            outcomes[clip_id] = PermanentError(
                f"arXiv has no paper {arxiv_id}.", fix="Check the id; withdrawn or mistyped ids cannot be saved."
            )


def _match_titles(rt, by_title: list[tuple[int, TitleQuery]], outcomes: dict) -> None:
    if not by_title:
        return
    try:
        results = rt.arxiv.resolve_titles([q for _, q in by_title])
    except (TransientError, PermanentError, InputError, ConfigurationError) as exc:
        results = [exc] * len(by_title)
    for (clip_id, _), result in zip(by_title, results, strict=True):
        outcomes[clip_id] = result


def _apply(session: Session, rt, clip: Clip, outcome, report: ResolveReport) -> None:
    if isinstance(outcome, PaperRecord):
        _settle(session, clip, outcome, report)
    elif isinstance(outcome, TitleResolution) and outcome.status == "matched" and outcome.paper:
        _settle(session, clip, outcome.paper, report)
    elif isinstance(outcome, TitleResolution):
        clip.status = CLIP_NEEDS_REVIEW
        clip.candidates = [c.to_dict() for c in outcome.candidates]
        clip.last_error = (
            "No arXiv paper matches this title closely enough."
            if not outcome.candidates
            else "Several arXiv papers could be this one; choose the right one."
        )
        work.release(clip)
        report.needs_review += 1
    elif isinstance(outcome, (TransientError, ConfigurationError)) or outcome is None:
        message = str(outcome) if outcome is not None else "The resolve job ended before this clip."
        if work.schedule_retry(clip, rt.policy, message, getattr(outcome, "retry_after", None)):
            clip.status = CLIP_RESOLVING
            report.retried += 1
        else:
            clip.status = CLIP_FAILED
            report.failed += 1
    else:
        clip.status, clip.last_error = CLIP_FAILED, str(outcome)
        work.release(clip)
        report.failed += 1


def _settle(session: Session, clip: Clip, record: PaperRecord, report: ResolveReport) -> None:
    paper, _ = upsert_paper(session, record)
    clip.paper_id, clip.status, clip.last_error = paper.id, CLIP_RESOLVED, None
    clip.candidates = []
    work.release(clip)
    _, created = ensure_delivery(session, paper, clip.target)
    report.resolved += 1
    if created:
        report.targets.add(clip.target)


def settle_review(clip: Clip, arxiv_id: str) -> None:
    """A person chose the paper for a clip (one that needed review, or any they want corrected): the resolve
    job fetches it like any clip with an id. The caller commits and then enqueues the clip."""
    clip.arxiv_id = arxiv_id
    clip.status = CLIP_RECEIVED
    clip.paper_id = None
    clip.attempts, clip.next_attempt_at, clip.last_error = 0, None, None
    work.release(clip)
