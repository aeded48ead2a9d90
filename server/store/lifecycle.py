"""Every state change of clips and deliveries, in one place (docs/design.md "States").

Clip:     received → resolving → resolved | needs_review | dismissed | failed   (failed → received: retry)
Delivery: pending → delivered | waiting_for_setup | failed                      (→ pending: retry, a setup
          fix); delivered → checked again when the paper is saved again (recheck), written again if the copy
          is gone; a copy noticed gone is marked missing and shown, never written back unasked

Jobs, services and views call these functions on rows they hold in a write session; nothing else assigns
`status` or `state`. Each function also releases the row's lease where the change ends a job's work on it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paperdrop.server.store.db import race_safe
from paperdrop.server.store.leases import release
from paperdrop.server.store.models import (
    Clip,
    ClipState,
    Delivery,
    DeliveryState,
    LeaseMixin,
    Paper,
    utcnow,
)
from paperdrop.sync.errors import PaperDropError, ThrottledError
from paperdrop.sync.records import Candidate, DeliveryOutcome

if TYPE_CHECKING:
    from paperdrop.server.jobs.policy import RetryPolicy

SETUP_RECHECK_SECONDS = 120.0  # a wrong setup is looked at again this often, without spending attempts

Problem = PaperDropError | str


def _record_problem(row: LeaseMixin, problem: Problem) -> None:
    if isinstance(problem, PaperDropError):
        row.last_error, row.last_fix = problem.message, problem.fix
    else:
        row.last_error, row.last_fix = problem, None


def _clear_problem(row: LeaseMixin) -> None:
    row.last_error = row.last_fix = None


def _retry_later(row: LeaseMixin, policy: RetryPolicy, problem: Problem, retry_after: float | None) -> bool:
    """Count an attempt and set the next one; False when the budget is spent (the caller fails the row)."""
    row.attempts += 1
    _record_problem(row, problem)
    release(row)
    if policy.exhausted(row.attempts):
        row.next_attempt_at = None
        return False
    row.next_attempt_at = utcnow() + timedelta(seconds=policy.delay(row.attempts, retry_after))
    return True


def _reopen(row: LeaseMixin) -> None:
    row.attempts, row.next_attempt_at = 0, None
    _clear_problem(row)
    release(row)


# -- clips ---------------------------------------------------------------------------------------------


def clip_resolved(session: Session, clip: Clip, paper: Paper) -> Delivery | None:
    """The clip is `paper`; its delivery to the clip's target is created when missing (returned then)."""
    clip.paper_id, clip.status, clip.candidates = paper.id, ClipState.RESOLVED, []
    _clear_problem(clip)
    release(clip)
    return ensure_delivery(session, paper, clip.target)


def clip_needs_review(clip: Clip, candidates: list[Candidate]) -> None:
    clip.status = ClipState.NEEDS_REVIEW
    clip.candidates = [c.to_dict() for c in candidates]
    clip.last_error = (
        "No arXiv paper matches this title closely enough."
        if not candidates
        else "Several arXiv papers could be this one; choose the right one."
    )
    clip.last_fix = "Choose the paper on the review page, or dismiss the clip."
    release(clip)


def clip_retry_later(clip: Clip, policy: RetryPolicy, problem: Problem, retry_after: float | None = None) -> bool:
    """arXiv failed for now: try again later; failed once the budget is spent. True while retrying."""
    if _retry_later(clip, policy, problem, retry_after):
        clip.status = ClipState.RESOLVING
        return True
    clip.status = ClipState.FAILED
    return False


def clip_failed(clip: Clip, problem: Problem) -> None:
    clip.status = ClipState.FAILED
    _record_problem(clip, problem)
    clip.next_attempt_at = None
    release(clip)


def clip_dismissed(clip: Clip, reason: str = "Dismissed on the review page.") -> None:
    """A person decided this clip is not to be saved (in review, or by removing its target): never worked on."""
    clip.status = ClipState.DISMISSED
    clip.last_error, clip.last_fix = reason, None
    clip.next_attempt_at = None
    release(clip)


def clip_chosen(clip: Clip, arxiv_id: str) -> None:
    """A person chose the paper for a clip (one that needed review, or any they want corrected): the resolve
    job fetches it like any clip with an id."""
    clip.arxiv_id = arxiv_id
    clip.status = ClipState.RECEIVED
    clip.paper_id = None
    _reopen(clip)


def clip_reopened(clip: Clip) -> None:
    """Try a failed clip again from the start."""
    clip.status = ClipState.RECEIVED
    _reopen(clip)


# -- deliveries ----------------------------------------------------------------------------------------


def ensure_delivery(session: Session, paper: Paper, target: str) -> Delivery | None:
    """Create the pending delivery of `paper` to `target` unless there is one; return it when created."""
    found = session.scalar(select(Delivery.id).where(Delivery.paper_id == paper.id, Delivery.target == target))
    if found is not None:
        return None
    delivery = Delivery(paper_id=paper.id, target=target, state=DeliveryState.PENDING, attempts=0)
    try:
        with race_safe(session):  # another worker may create it at the same time (PostgreSQL)
            session.add(delivery)
            session.flush()
    except IntegrityError:
        if session.scalar(select(Delivery.id).where(Delivery.paper_id == paper.id, Delivery.target == target)):
            return None
        raise
    return delivery


def delivery_delivered(delivery: Delivery, outcome: DeliveryOutcome) -> None:
    """The copy is at the target: written now, found there, or written again after it had been removed. The
    flags say what the last delivery or check found, for the outcome of the latest save (an in-place update
    after a refresh is not a save and leaves them)."""
    updating = delivery.state == DeliveryState.DELIVERED and delivery.needs_update and not delivery.recheck
    delivery.state = DeliveryState.DELIVERED
    delivery.remote_key = outcome.remote_key or delivery.remote_key
    delivery.remote_version = outcome.remote_version
    if not updating:
        delivery.already_present, delivery.written_again = outcome.already_present, outcome.rewritten
    delivery.missing_at = None
    delivery.remark = outcome.remark or delivery.remark
    delivery.needs_update = delivery.recheck = False
    delivery.next_attempt_at = None
    delivery.delivered_at = delivery.delivered_at or utcnow()
    _clear_problem(delivery)
    release(delivery)


def delivery_waits_for_setup(delivery: Delivery, problem: Problem) -> None:
    """The target's setup is wrong (key, library, path): not an attempt; looked at again after a while, and at
    once when the user fixes it (`setup_fixed`)."""
    if delivery.state != DeliveryState.DELIVERED:  # an update that cannot be written leaves the copy delivered
        delivery.state = DeliveryState.WAITING_FOR_SETUP
    _record_problem(delivery, problem)
    delivery.next_attempt_at = utcnow() + timedelta(seconds=SETUP_RECHECK_SECONDS)
    release(delivery)


def delivery_retry_later(
    delivery: Delivery, policy: RetryPolicy, problem: Problem, retry_after: float | None = None
) -> bool:
    """The target failed for now: try again later; failed once the budget is spent. True while retrying."""
    if delivery.state == DeliveryState.WAITING_FOR_SETUP:
        delivery.state = DeliveryState.PENDING
    if _retry_later(delivery, policy, problem, retry_after):
        return True
    delivery_failed(delivery, problem)
    return False


def delivery_failed(delivery: Delivery, problem: Problem) -> None:
    # An update that cannot be written leaves the delivered copy as it was: still delivered.
    if delivery.state != DeliveryState.DELIVERED:
        delivery.state = DeliveryState.FAILED
    delivery.needs_update = False
    _record_problem(delivery, problem)
    delivery.next_attempt_at = None
    release(delivery)


def delivery_reopened(delivery: Delivery) -> None:
    """Try a failed delivery (or one waiting for a setup fix) again, now."""
    if delivery.state != DeliveryState.DELIVERED:
        delivery.state = DeliveryState.PENDING
    _reopen(delivery)


def delivery_needs_update(delivery: Delivery) -> bool:
    """The paper changed (new version, publisher DOI): rewrite a delivered copy in place. True if it was one."""
    if delivery.state != DeliveryState.DELIVERED:
        return False
    delivery.needs_update = True
    delivery.next_attempt_at = None
    return True


def delivery_throttled(delivery: Delivery, problem: ThrottledError) -> None:
    """The target asked PaperDrop to wait longer than a job waits in place: the next attempt is at exactly the
    time asked, and no attempt is spent, however often it happens."""
    if delivery.state == DeliveryState.WAITING_FOR_SETUP:
        delivery.state = DeliveryState.PENDING
    _record_problem(delivery, problem)
    delivery.next_attempt_at = utcnow() + timedelta(seconds=problem.retry_after)
    release(delivery)


def delivery_recheck(delivery: Delivery) -> bool:
    """Saving a delivered paper again means "make sure it is there": the copy is checked at the target and
    written again if it is gone. True when the delivery was delivered (and is now due for the check)."""
    if delivery.state != DeliveryState.DELIVERED:
        return False
    delivery.recheck = True
    delivery.next_attempt_at = None
    return True


def delivery_missing(delivery: Delivery) -> None:
    """PaperDrop noticed its copy gone from the target (removed by the user or a tool): recorded and shown,
    never written back without being asked (save again, retry, re-import)."""
    if delivery.state == DeliveryState.DELIVERED and delivery.missing_at is None:
        delivery.missing_at = utcnow()


def clip_throttled(clip: Clip, problem: ThrottledError) -> None:
    """arXiv asked PaperDrop to wait: the next attempt is at the time asked, no attempt spent."""
    clip.status = ClipState.RESOLVING
    _record_problem(clip, problem)
    clip.next_attempt_at = utcnow() + timedelta(seconds=problem.retry_after)
    release(clip)


def setup_fixed(delivery: Delivery) -> bool:
    """The target's setup was fixed (a check passed, the config changed, the user retried): a delivery that
    waited for it is due now. True when it was waiting."""
    if delivery.state != DeliveryState.WAITING_FOR_SETUP:
        return False
    delivery_reopened(delivery)
    return True
