"""Saving clips: the one intake path of the API, the dashboard and the CLI.

Store first (one transaction, idempotent per paper and target), answer second (one answer per paper, in
order, with its outcome), work third (enqueue after the commit). A paper that could not be used is answered
in its place as `rejected` and stored nowhere; the others are saved all the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paperdrop.server.services.library import clips_with_delivery
from paperdrop.server.services.outcome import Links, Outcome, clip_outcome, rejected
from paperdrop.server.services.targets import Caller, allowed_target
from paperdrop.server.store.clips import StoredClip
from paperdrop.server.store.models import ClipState
from paperdrop.sync.errors import InputError, PaperDropError
from paperdrop.sync.records import ClipInput
from paperdrop.sync.targets import TargetSpec

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime


@dataclass(frozen=True)
class Rejection:
    """A paper of the request that cannot be saved, and why."""

    problem: PaperDropError
    details: list[dict[str, Any]] = field(default_factory=list)  # where in the request, for error answers


@dataclass(frozen=True)
class SavedClip:
    id: int
    status: str
    paper_id: int | None
    duplicate: bool
    outcome: Outcome


@dataclass(frozen=True)
class SaveResult:
    target: TargetSpec | None  # None when the target itself was refused
    answers: list[SavedClip | Outcome]  # in input order; an Outcome (kind "rejected") where nothing was stored

    @property
    def clip_ids(self) -> list[int]:
        """The stored clips, each once, in input order."""
        return list(dict.fromkeys(a.id for a in self.answers if isinstance(a, SavedClip)))

    @property
    def stored_any(self) -> bool:
        return any(isinstance(a, SavedClip) for a in self.answers)


def save_clips(
    rt: Runtime,
    items: list[ClipInput | Rejection],
    target: str | None,
    *,
    caller: Caller = "api",
    links: Links | None = None,
    coalesce: bool = False,
) -> SaveResult:
    """Store the usable papers of `items` for `target` (a name, a spec or None for the default) and enqueue
    their work. `caller` says whose request it is: the API, the extension and the dashboard may write only to
    the user's places, the CLI (the user themself) to any .bib file (services.targets.allowed_target).
    `coalesce`: let the queue gather saves arriving together into one resolve job (web requests)."""
    try:
        spec = allowed_target(rt, target, caller)
    except InputError as exc:
        return SaveResult(None, [rejected(exc) for _ in items])
    inputs = [item for item in items if isinstance(item, ClipInput)]
    stored = rt.intake.store(inputs, spec) if inputs else []
    _enqueue(rt, stored, spec, coalesce)
    outcomes = _outcomes(rt, stored, str(spec), links or Links())
    answers: list[SavedClip | Outcome] = []
    found = iter(zip(stored, outcomes, strict=True))
    for item in items:
        if isinstance(item, Rejection):
            answers.append(rejected(item.problem, str(spec)))
            continue
        clip, outcome = next(found)
        answers.append(SavedClip(clip.id, clip.status, clip.paper_id, clip.duplicate, outcome))
    return SaveResult(spec, answers)


def _enqueue(rt: Runtime, stored: list[StoredClip], spec: TargetSpec, coalesce: bool) -> None:
    """After the commit: a job never sees an uncommitted clip."""
    fresh = sorted({s.id for s in stored if s.status == ClipState.RECEIVED})
    if coalesce:
        rt.queue.defer_resolve(fresh)
    else:
        rt.queue.enqueue_resolve(fresh)
    if any(s.reopened and s.status == ClipState.RESOLVED for s in stored):  # their failed deliveries reopened
        rt.queue.enqueue_deliver(str(spec))


def _outcomes(rt: Runtime, stored: list[StoredClip], target: str, links: Links) -> list[Outcome]:
    """A new clip is `saving`; a clip saved before has whatever outcome it has now."""
    earlier = sorted({s.id for s in stored if s.duplicate or s.reopened})
    current: dict[int, Outcome] = {}
    if earlier:
        with rt.db.reading() as session:
            for clip, delivery in clips_with_delivery(session, earlier):
                current[clip.id] = clip_outcome(clip, delivery, duplicate=True, links=links)
    saving = Outcome("saving", "Looking it up on arXiv…", None, target)
    return [current.get(s.id, saving) for s in stored]
