"""One request on its way through a Zotero delivery: what to write for it and how it ended.

A `Job` is planned against the library index (new item, restore from the trash, collection addition,
in-place update, children owed), then carried through the writes; `Progress` reports each outcome through
`DeliveryRun.progress` the moment it is settled, for the request and the twins that follow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from paperdrop.sync.records import DeliveryOutcome, DeliveryRequest, DeliveryStatus
from paperdrop.sync.targets import DeliveryRun


@dataclass
class Job:
    request: DeliveryRequest
    key: str = ""  # the item's key: ours for a new item, the library's for one found there
    version: int | None = None
    already_present: bool = False
    rewritten: bool = False  # the copy was gone: restored from the trash or created again
    creating: bool = False
    mine: bool = False  # PaperDrop made this item: it owes it notes and a PDF
    parent: dict[str, Any] | None = None  # the parent object to write, if any
    needs_children: bool = False
    refresh_notes: bool = False  # an in-place update of an item we made: its notes are rewritten too
    remark: str | None = None
    outcome: DeliveryOutcome | None = None
    twins: list[DeliveryRequest] = field(default_factory=list)


class Progress:
    """Settles jobs and tells the running job at once."""

    def __init__(self, run: DeliveryRun):
        self._run = run

    def settle(
        self, job: Job, status: DeliveryStatus, error: str | None = None, retry_after: float | None = None
    ) -> DeliveryOutcome:
        job.outcome = DeliveryOutcome(
            job.request.delivery_id,
            status,
            remote_key=job.key or None,
            remote_version=job.version,
            already_present=job.already_present and status == "delivered",
            rewritten=job.rewritten and status == "delivered",
            error=error,
            retry_after=retry_after,
            remark=job.remark if status == "delivered" else None,
        )
        self._run.progress(with_twins(job))
        return job.outcome


def with_twins(job: Job) -> list[DeliveryOutcome]:
    """The job's outcome and the same for every twin (a second request for the paper is already there)."""
    assert job.outcome is not None
    outcome = job.outcome
    return [outcome] + [
        replace(outcome, delivery_id=t.delivery_id, already_present=outcome.status == "delivered", rewritten=False)
        for t in job.twins
    ]


def merge_twins(requests: list[DeliveryRequest]) -> list[Job]:
    """One job per paper: a second request for the same paper in the same call follows the first."""
    jobs: dict[str, Job] = {}
    for request in requests:
        if request.paper.arxiv_id in jobs:
            jobs[request.paper.arxiv_id].twins.append(request)
        else:
            jobs[request.paper.arxiv_id] = Job(request)
    return list(jobs.values())


def outcomes(jobs: list[Job], requests: list[DeliveryRequest], progress: Progress) -> list[DeliveryOutcome]:
    by_id: dict[int, DeliveryOutcome] = {}
    for job in jobs:
        if job.outcome is None:
            progress.settle(job, "retry", "Not written in this call.")
        by_id.update((o.delivery_id, o) for o in with_twins(job))
    return [by_id[r.delivery_id] for r in requests]
