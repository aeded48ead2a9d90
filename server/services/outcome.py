"""What a person should be told about a clip: its outcome, computed here once from the clip and its delivery.

The API returns it with every clip; the extension, the CLI summary and the dashboard only display it
(docs/design.md "Outcome"). Kinds:

  saving          the work is under way (arXiv lookup, then the write)
  retrying        a try failed for now (outage, timeout); the next one is scheduled, nothing to do
  saved           written to the target by PaperDrop (`message` says where; "written again" after a removal)
  already_there   the target already had the paper (added by hand, an earlier save, another tool)
  needs_review    PaperDrop is not sure which paper this is: a person chooses (links.review)
  needs_setup     the target cannot be written until the user fixes something (fix, links.setup)
  failed          it will not work as it is (unknown id, refused by the target, budget spent); retry offered
                  (links.failed for a clip that never became a paper, links.paper for a failed delivery)
  dismissed       a person decided not to save it
  rejected        the request's paper could not be used at all (no id, URL or title; a bad target)
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

from paperdrop.server.store.models import Clip, ClipState, Delivery, DeliveryState, utcnow
from paperdrop.sync.errors import PaperDropError
from paperdrop.sync.targets import KINDS

OutcomeKind = Literal[
    "saving", "retrying", "saved", "already_there", "needs_review", "needs_setup", "failed", "dismissed", "rejected"
]
OUTCOME_KINDS: tuple[OutcomeKind, ...] = OutcomeKind.__args__  # type: ignore[attr-defined]
# Kinds after which nothing more happens without a person: `import --wait` stops waiting for them.
SETTLED_KINDS = frozenset(OUTCOME_KINDS) - {"saving", "retrying"}
DONE_KINDS = frozenset({"saved", "already_there"})


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    message: str
    fix: str | None = None
    target: str | None = None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def settled(self) -> bool:
        return self.kind in SETTLED_KINDS

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Links:
    """Dashboard addresses for an outcome's links: absolute when `base` is the server's URL, else paths."""

    base: str = ""

    def _url(self, path: str) -> str:
        return self.base.rstrip("/") + path

    def review(self, clip_id: int) -> str:
        return self._url(f"/review#clip-{clip_id}")

    def setup(self, target: str) -> str:
        return self._url(f"/targets#{target_anchor(target)}")

    def paper(self, paper_id: int) -> str:
        return self._url(f"/papers/{paper_id}")

    def failed(self, clip_id: int) -> str:
        return self._url(f"/failed#clip-{clip_id}")


def target_anchor(target: str) -> str:
    """The id of a target's card on the dashboard's targets page."""
    return "target-" + hashlib.sha1(target.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def target_label(target: str) -> str:
    """`papers.bib`, `Zotero: Reading/Robotics`: a target as a sentence names it."""
    kind, _, location = target.partition(":")
    return KINDS[kind].label(location) if kind in KINDS else target


def clip_outcome(
    clip: Clip, delivery: Delivery | None, *, duplicate: bool = False, links: Links | None = None
) -> Outcome:
    """The outcome of `clip` with `delivery` (its paper's delivery to the clip's target, if any).
    `duplicate`: this answer is to a save of a paper that was saved for this target before."""
    links = links or Links()
    target, label = clip.target, target_label(clip.target)
    if clip.status == ClipState.NEEDS_REVIEW:
        return Outcome(
            "needs_review",
            clip.last_error or "PaperDrop is not sure which arXiv paper this is.",
            clip.last_fix or "Choose the paper on the review page.",
            target,
            {"review": links.review(clip.id)},
        )
    if clip.status == ClipState.DISMISSED:
        reason = (clip.last_error or "Dismissed on the review page.").rstrip(".")
        return Outcome("dismissed", f"{reason}: it will not be saved.", None, target)
    if clip.status == ClipState.FAILED:
        fix = clip.last_fix or "Check the id or title, then save it again."
        message = clip.last_error or "Could not find this paper."
        return Outcome("failed", message, fix, target, {"failed": links.failed(clip.id)})
    if clip.status != ClipState.RESOLVED or clip.paper_id is None:
        if clip.attempts or clip.last_error:
            return _retrying(clip.last_error or "arXiv did not answer.", clip.next_attempt_at, target)
        return Outcome("saving", "Looking it up on arXiv…", None, target)
    return _delivery_outcome(clip, delivery, duplicate, links, label)


def _delivery_outcome(clip: Clip, delivery: Delivery | None, duplicate: bool, links: Links, label: str) -> Outcome:
    target = clip.target
    paper_links = {"paper": links.paper(clip.paper_id)} if clip.paper_id is not None else {}
    if delivery is None:
        return Outcome("saving", f"Saving to {label}…", None, target, paper_links)
    if delivery.state == DeliveryState.DELIVERED:
        return _delivered(delivery, duplicate, target, label, paper_links)
    if delivery.state == DeliveryState.WAITING_FOR_SETUP:
        message = delivery.last_error or f"{label} cannot be written yet."
        fix = delivery.last_fix or "Fix the target's setup; PaperDrop then saves it on its own."
        return Outcome("needs_setup", message, fix, target, {"setup": links.setup(target), **paper_links})
    if delivery.state == DeliveryState.FAILED:
        fix = delivery.last_fix or "Fix what the message says, then retry."
        message = delivery.last_error or f"Could not save it to {label}."
        return Outcome("failed", message, fix, target, paper_links)
    if delivery.attempts or delivery.last_error:
        return _retrying(delivery.last_error or f"{label} did not answer.", delivery.next_attempt_at, target)
    return Outcome("saving", f"Saving to {label}…", None, target, paper_links)


def _delivered(delivery: Delivery, duplicate: bool, target: str, label: str, links: dict[str, str]) -> Outcome:
    if delivery.recheck:
        return Outcome("saving", f"Checking that it is still in {label}…", None, target, links)
    if delivery.missing_at is not None:
        message = f"No longer in {label}: it was removed after PaperDrop saved it."
        fix = "Save it again (or retry it) to write it back."
        return Outcome("failed", message, fix, target, links)
    remark = f". {delivery.remark}" if delivery.remark else ""
    if delivery.written_again:
        return Outcome("saved", f"Written again to {label} (it had been removed){remark}", None, target, links)
    if delivery.already_present or duplicate:
        return Outcome("already_there", f"Already in {label}{remark}", None, target, links)
    return Outcome("saved", f"Saved to {label}{remark}", None, target, links)


def _retrying(problem: str, next_attempt_at: datetime | None, target: str) -> Outcome:
    when = f" PaperDrop tries again {_in(next_attempt_at)}." if next_attempt_at else " PaperDrop tries again soon."
    return Outcome("retrying", f"Not saved yet: {problem.rstrip('.')}.{when}", None, target)


def _in(moment: datetime) -> str:
    seconds = (moment - utcnow()).total_seconds()
    if seconds < 60:
        return "in a moment"
    if seconds < 3600:
        return f"in {round(seconds / 60)} min"
    hours = round(seconds / 3600)
    return f"in {hours} hour{'s' if hours != 1 else ''}"


def rejected(problem: PaperDropError | str, target: str | None = None) -> Outcome:
    """The outcome of a paper that was not stored because it could not be used."""
    if isinstance(problem, PaperDropError):
        return Outcome("rejected", problem.message, problem.fix, target)
    return Outcome("rejected", problem, None, target)
