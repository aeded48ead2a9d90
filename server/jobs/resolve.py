"""The resolve job: turn the clips it was given into papers through arXiv (ids in batches, titles by matching)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from paperdrop.server.store import leases, lifecycle
from paperdrop.server.store.models import CLIP_OPEN, Clip, ClipState
from paperdrop.server.store.papers import fresh_papers, to_record, upsert_paper
from paperdrop.sync.arxiv.evidence import title_query
from paperdrop.sync.errors import ConfigurationError, InputError, PermanentError, TransientError
from paperdrop.sync.records import PaperRecord, TitleQuery, TitleResolution

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime

log = logging.getLogger(__name__)

BATCH = 500  # clips per resolve job; arXiv requests are batched further inside sync.arxiv
_ARXIV_ERRORS = (TransientError, PermanentError, InputError, ConfigurationError)
Outcome = PaperRecord | TitleResolution | Exception | None


@dataclass
class ResolveReport:
    resolved: int = 0
    needs_review: int = 0
    failed: int = 0
    retried: int = 0
    targets: set[str] = field(default_factory=set)  # targets with new pending deliveries


def resolve_clips(rt: Runtime, clip_ids: list[int]) -> ResolveReport:
    """Claim the given clips that are due and resolve them together (their arXiv requests are batched). Clips
    not given are left alone: their own job, or the sweep, brings them."""
    report = ResolveReport()
    for start in range(0, len(clip_ids), BATCH):
        _resolve_batch(rt, clip_ids[start : start + BATCH], report)
    if report.targets:
        rt.queue.enqueue_deliver_many(sorted(report.targets))
    return report


def _resolve_batch(rt: Runtime, clip_ids: list[int], report: ResolveReport) -> None:
    owner = leases.new_owner()
    with rt.db.session() as session:
        ids = leases.claim(
            session,
            Clip,
            Clip.status.in_(CLIP_OPEN) & Clip.id.in_(clip_ids),
            owner=owner,
            lease_seconds=rt.settings.lease_seconds,
            limit=BATCH,
            values={"status": ClipState.RESOLVING},
        )
    if not ids:
        return
    # Loading happens outside the write transaction: SQLite has one writer, and the web threads need it.
    with rt.db.reading() as session:
        clips = leases.owned(session, Clip, ids, owner, lock=False)
        by_id = [(c.id, c.arxiv_id) for c in clips if c.arxiv_id]
        by_title = [(c.id, title_query(c.title or "", c.abstract, c.authors, c.extra)) for c in clips if not c.arxiv_id]
        cached = {
            a: to_record(p)
            for a, p in fresh_papers(session, [a for _, a in by_id], rt.settings.paper_cache_hours).items()
        }
    outcomes: dict[int, Outcome] = {}
    _fetch_ids(rt, by_id, cached, outcomes)
    _match_titles(rt, by_title, outcomes)
    leases.finish_owned(
        rt.db, Clip, ids, owner, lambda session, clip: _apply(session, rt, clip, outcomes.get(clip.id), report)
    )


def _fetch_ids(
    rt: Runtime, by_id: list[tuple[int, str]], cached: dict[str, PaperRecord], outcomes: dict[int, Outcome]
) -> None:
    missing = sorted({a for _, a in by_id if a not in cached})
    found: dict[str, PaperRecord] = dict(cached)
    error: Exception | None = None
    if missing:
        try:
            found.update(rt.arxiv.fetch(missing))
        except _ARXIV_ERRORS as exc:
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


def _match_titles(rt: Runtime, by_title: list[tuple[int, TitleQuery]], outcomes: dict[int, Outcome]) -> None:
    if not by_title:
        return
    results: list[Outcome]
    try:
        results = list(rt.arxiv.resolve_titles([q for _, q in by_title]))
    except _ARXIV_ERRORS as exc:
        results = [exc] * len(by_title)
    for (clip_id, _), result in zip(by_title, results, strict=True):
        outcomes[clip_id] = result


def _apply(session: Session, rt: Runtime, clip: Clip, outcome: Outcome, report: ResolveReport) -> None:
    if isinstance(outcome, TitleResolution) and outcome.status == "matched" and outcome.paper:
        outcome = outcome.paper
    if isinstance(outcome, PaperRecord):
        paper, _ = upsert_paper(session, outcome)
        if lifecycle.clip_resolved(session, clip, paper) is not None:
            report.targets.add(clip.target)
        report.resolved += 1
    elif isinstance(outcome, TitleResolution):
        lifecycle.clip_needs_review(clip, outcome.candidates)
        report.needs_review += 1
    elif isinstance(outcome, (TransientError, ConfigurationError)) or outcome is None:
        problem = outcome if outcome is not None else "The resolve job ended before this clip."
        if lifecycle.clip_retry_later(clip, rt.policy, problem, getattr(outcome, "retry_after", None)):
            report.retried += 1
        else:
            report.failed += 1
    else:
        lifecycle.clip_failed(clip, outcome if isinstance(outcome, PermanentError | InputError) else str(outcome))
        report.failed += 1
