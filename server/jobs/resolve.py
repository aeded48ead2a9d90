"""The resolve job: turn the clips it was given into papers through arXiv (ids in batches, titles by matching)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from paperdrop.server.store import leases, lifecycle
from paperdrop.server.store.models import CLIP_OPEN, Clip, ClipState
from paperdrop.server.store.papers import fresh_papers, set_publication, to_record, upsert_paper
from paperdrop.sync.arxiv.evidence import title_query
from paperdrop.sync.errors import (
    ConfigurationError,
    InputError,
    PaperDropError,
    PermanentError,
    ThrottledError,
    TransientError,
)
from paperdrop.sync.records import PaperRecord, TitleQuery, TitleResolution

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime

log = logging.getLogger(__name__)

ID_SLICE = 100  # clips with an id per slice: one arXiv id_list request
TITLE_SLICE = 30  # clips known by title per slice: two batched phrase searches and two fallbacks
BATCH = ID_SLICE + TITLE_SLICE  # the most clips one resolve job claims; the sweep sends batches of this size
SCAN = 500  # clip ids looked up per query when choosing a slice
_ONE_AT_A_TIME = threading.Lock()
# Clips of resolve jobs that found another one running in this process, per runtime (its store and queue), in
# arrival order: the running job queues them (in front of its own rest) when its slice is done. Only ids, and
# the store says what is open, so what a crash loses here the sweep finds again.
_HANDED_OVER: dict[Runtime, dict[int, None]] = {}
_HANDED_OVER_LOCK = threading.Lock()
_ARXIV_ERRORS = (TransientError, PermanentError, InputError, ConfigurationError)
Outcome = PaperRecord | TitleResolution | Exception | None


@dataclass
class ResolveReport:
    resolved: int = 0
    needs_review: int = 0
    failed: int = 0
    retried: int = 0
    targets: set[str] = field(default_factory=set)  # targets with new pending deliveries


def resolve_clips(rt: Runtime, clip_ids: list[int], *, whole: bool = False) -> ResolveReport:
    """Resolve the given clips that are due (clips not given are left to their own job, or the sweep).

    As a queued job it works one slice — at most ID_SLICE clips with an id and TITLE_SLICE clips with a
    title only, whose arXiv requests are batched — and queues the rest, behind whatever else waits, so a big
    import can neither outlive its lease nor hold back other saves; and one resolve job runs at a time in a
    process (arXiv takes one request at a time anyway), leaving the other job threads to deliveries. A job
    that finds another one running hands its clips over and ends at once: the running job queues everything
    handed over as one job, in front of its own rest. (Coming back later instead made a busy queue of jobs
    that only looked and went again, a few per second for every save waiting.)
    `whole` (`import --wait`, working in the foreground) resolves every slice in this call."""
    report = ResolveReport()
    # Whoever holds the lock takes what was handed over after releasing it, so no id is left behind: an id
    # handed over while a job runs is taken by that job, one handed over while none runs by the job itself.
    if whole:
        with _ONE_AT_A_TIME:
            while clip_ids:
                clip_ids = _resolve_slice(rt, clip_ids, report)
        _queue_handed_over(rt, [])
    else:
        with _HANDED_OVER_LOCK:
            _HANDED_OVER.setdefault(rt, {}).update(dict.fromkeys(clip_ids))
        if _ONE_AT_A_TIME.acquire(blocking=False):
            try:
                with _HANDED_OVER_LOCK:
                    mine = list(_HANDED_OVER.pop(rt, {}))
                rest = _resolve_slice(rt, mine, report)
            finally:
                _ONE_AT_A_TIME.release()
            _queue_handed_over(rt, rest)
    if report.targets:
        rt.queue.enqueue_deliver_many(sorted(report.targets))
    return report


def _queue_handed_over(rt: Runtime, rest: list[int]) -> None:
    """After releasing the lock: queue what was handed over meanwhile as one job per runtime, `rt`'s in front
    of `rest`, the ids the job itself left for later."""
    with _HANDED_OVER_LOCK:
        taken = dict(_HANDED_OVER)
        _HANDED_OVER.clear()
    for other, ids in taken.items():
        if other is not rt:
            other.queue.enqueue_resolve(list(ids))
    rt.queue.enqueue_resolve(list(dict.fromkeys([*taken.get(rt, {}), *rest])))


def _resolve_slice(rt: Runtime, clip_ids: list[int], report: ResolveReport) -> list[int]:
    """Resolve one slice of `clip_ids`, taken in their order; returns the ids left for later (still open, or
    not looked at yet), in that order. Looks them up SCAN at a time: a long backlog handed over is no query
    with tens of thousands of parameters."""
    clip_ids = list(dict.fromkeys(clip_ids))
    picked: dict[bool, list[int]] = {True: [], False: []}  # has an arXiv id -> chosen clips
    room = {True: ID_SLICE, False: TITLE_SLICE}
    left: list[int] = []
    scanned = 0
    with rt.db.reading() as session:
        while scanned < len(clip_ids) and any(len(picked[k]) < room[k] for k in room):
            chunk = clip_ids[scanned : scanned + SCAN]
            scanned += len(chunk)
            rows = session.execute(
                select(Clip.id, Clip.arxiv_id).where(Clip.id.in_(chunk), Clip.status.in_(CLIP_OPEN))
            ).all()
            has_id = {row.id: bool(row.arxiv_id) for row in rows}
            for clip_id in chunk:
                if clip_id in has_id:
                    kind = has_id[clip_id]
                    (picked[kind] if len(picked[kind]) < room[kind] else left).append(clip_id)
    chosen = picked[True] + picked[False]
    if chosen:
        _resolve_batch(rt, sorted(chosen), report)
    return left + clip_ids[scanned:]


def _resolve_batch(rt: Runtime, clip_ids: list[int], report: ResolveReport) -> None:
    owner = leases.new_owner()
    with rt.db.session() as session:
        leases.reap(session, Clip)  # rows of a killed process on this machine are taken over at once
        ids = leases.claim(
            session,
            Clip,
            Clip.status.in_(CLIP_OPEN) & Clip.id.in_(clip_ids),
            owner=owner,
            lease_seconds=rt.settings.lease_seconds,
            limit=len(clip_ids),
            values={"status": ClipState.RESOLVING},
        )
    if not ids:
        return
    with leases.heartbeat(rt.db, Clip, ids, owner, rt.settings.lease_seconds):
        _resolve_owned(rt, ids, owner, report)


def _resolve_owned(rt: Runtime, ids: list[int], owner: str, report: ResolveReport) -> None:
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
    find_publications(rt, [o.paper if isinstance(o, TitleResolution) else o for o in outcomes.values()])
    leases.finish_owned(
        rt.db, Clip, ids, owner, lambda session, clip: _apply(session, rt, clip, outcomes.get(clip.id), report)
    )


def find_publications(rt: Runtime, records: list[Outcome | PaperRecord | None]) -> None:
    """Set `publication` on records whose publisher DOI Crossref describes (cached, so a paper asks once).
    Crossref down or not knowing the DOI never blocks a save: the paper stays a preprint, upgraded by a later
    refresh; after one failure the rest of the batch is not asked."""
    for record in records:
        if isinstance(record, PaperRecord) and record.doi and record.publication is None:
            try:
                record.publication = rt.crossref.publication(record.doi)
            except PaperDropError as exc:
                log.info("Crossref cannot answer now (%s): papers are saved as preprints", exc)
                return


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
        if outcome.publication is not None:
            set_publication(paper, outcome.publication)
        if lifecycle.clip_resolved(session, clip, paper) is not None:
            report.targets.add(clip.target)
        report.resolved += 1
    elif isinstance(outcome, TitleResolution):
        lifecycle.clip_needs_review(clip, outcome.candidates)
        report.needs_review += 1
    elif isinstance(outcome, ThrottledError):
        lifecycle.clip_throttled(clip, outcome)
        report.retried += 1
    elif isinstance(outcome, (TransientError, ConfigurationError)) or outcome is None:
        problem = outcome if outcome is not None else "The resolve job ended before this clip."
        if lifecycle.clip_retry_later(clip, rt.policy, problem, getattr(outcome, "retry_after", None)):
            report.retried += 1
        else:
            report.failed += 1
    else:
        lifecycle.clip_failed(clip, outcome if isinstance(outcome, PermanentError | InputError) else str(outcome))
        report.failed += 1
