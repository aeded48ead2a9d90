"""`ZoteroSink`: delivers papers into a collection of the configured Zotero library, exactly once.

One `deliver` call: sync the library index, make sure the collection exists, then write parents (new
preprints, collection additions, in-place updates) and then children (note, PDF link) in batches of at most
50 objects. Whole-call transient failures raise `TransientError`; once some paper of the call is delivered,
the rest get `retry` outcomes instead so the progress is not lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Self

import httpx2
from filelock import FileLock
from filelock import Timeout as LockTimeout

from paperdrop.sync.errors import ConfigurationError, PermanentError, TransientError
from paperdrop.sync.records import DeliveryOutcome, DeliveryRequest, DeliveryStatus, TargetStatus
from paperdrop.sync.targets import QUIET_RUN, DeliveryRun, TargetSpec
from paperdrop.sync.zotero.access import CHECK_TTL, access_problem
from paperdrop.sync.zotero.client import ZoteroClient
from paperdrop.sync.zotero.collections import CollectionResolver
from paperdrop.sync.zotero.config import ZoteroConfig
from paperdrop.sync.zotero.index import LibraryIndex
from paperdrop.sync.zotero.items import child_items, note_html, note_key, paper_fields, parent_item
from paperdrop.sync.zotero.keys import is_key, new_key
from paperdrop.sync.zotero.state import ZoteroState
from paperdrop.sync.zotero.writes import ObjectResult, batches, read_results

JOBS_PER_CHILD_WRITE = 25  # two children per paper: 50 objects per write


@dataclass
class _Job:
    """One request on its way: the parent object to write (if any) and whether children are owed."""

    request: DeliveryRequest
    key: str = ""  # set by planning: the item's key (ours for a new item, the library's for one found there)
    version: int | None = None
    already_present: bool = False
    creating: bool = False
    parent: dict[str, Any] | None = None
    needs_children: bool = False
    refresh_note: bool = False  # an update of an item we made: its note carries the comment and journal ref
    outcome: DeliveryOutcome | None = None
    twins: list[DeliveryRequest] = field(default_factory=list)

    def finish(self, status: DeliveryStatus, error: str | None = None) -> DeliveryOutcome:
        self.outcome = DeliveryOutcome(
            self.request.delivery_id,
            status,
            remote_key=self.key or None,
            remote_version=self.version,
            already_present=self.already_present,
            error=error,
        )
        return self.outcome


class ZoteroSink:
    def __init__(
        self,
        config: ZoteroConfig,
        spec: TargetSpec,
        *,
        state_dir: Path,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
        lock_timeout: float = 60.0,
        transport: httpx2.BaseTransport | None = None,
    ):
        self.config = config
        self.spec = spec
        self._state_dir = Path(state_dir)
        self._timeout = timeout
        self._clock = clock
        self._lock_timeout = lock_timeout
        self._transport = transport
        self._parts: tuple[ZoteroClient, ZoteroState, LibraryIndex, CollectionResolver] | None = None
        self._checked: tuple[float, TargetStatus, ConfigurationError | None] | None = None

    # -- public API --------------------------------------------------------------------------------
    def check(self) -> TargetStatus:
        """Is the key valid, allowed to write, and for this library? Cached for CHECK_TTL seconds."""
        now = self._clock()
        if self._checked is None or now - self._checked[0] >= CHECK_TTL:
            self._checked = (now, *self._run_check())
        return self._checked[1]

    def prepare(self, requests: list[DeliveryRequest]) -> dict[int, str]:
        """New item keys for requests that have none; the server persists them before `deliver`."""
        return {r.delivery_id: new_key() for r in requests if not r.remote_key}

    def deliver(self, requests: list[DeliveryRequest], run: DeliveryRun = QUIET_RUN) -> list[DeliveryOutcome]:
        if not requests:
            return []
        self.check()
        if self._checked and self._checked[2]:
            raise self._checked[2]
        client, state, _, _ = self._open()
        with self._locked():
            client.backoff_until = max(client.backoff_until, state.backoff_until())
            try:
                return self._deliver(requests)
            except ConfigurationError as exc:
                self._checked = (self._clock(), self._status(exc), exc)
                raise
            finally:
                state.set_backoff_until(client.backoff_until)

    def close(self) -> None:
        if self._parts:
            self._parts[0].close()
            self._parts = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def requests_sent(self) -> int:
        return self._parts[0].requests_sent if self._parts else 0

    # -- the delivery ------------------------------------------------------------------------------
    def _deliver(self, requests: list[DeliveryRequest]) -> list[DeliveryOutcome]:
        client, _, index, collections = self._open()
        client.raise_if_backing_off()
        jobs = _merge_twins(requests)
        try:
            index.sync()
            collection = collections.ensure(self.spec.location)
            for job in jobs:
                self._plan(job, collection)
            self._write_parents([j for j in jobs if j.parent and not j.outcome])
            self._write_children([j for j in jobs if j.needs_children and not j.outcome])
            self._refresh_notes([j for j in jobs if j.refresh_note and not j.outcome])
        except PermanentError as exc:  # e.g. a collection name Zotero refuses: no paper can go in
            for job in jobs:
                if job.outcome is None:
                    job.finish("failed", str(exc))
        except TransientError as exc:
            if not any(j.outcome and j.outcome.status == "delivered" for j in jobs):
                raise
            for job in jobs:
                if job.outcome is None:
                    job.outcome = DeliveryOutcome(
                        job.request.delivery_id,
                        "retry",
                        remote_key=job.key,
                        error=str(exc),
                        retry_after=exc.retry_after,
                    )
        return _outcomes(jobs, requests)

    def _plan(self, job: _Job, collection: str) -> None:
        _, state, index, _ = self._open()
        request = job.request
        found = index.find(request.paper, prefer_key=request.remote_key)
        if found is None:
            if request.remote_key is None or not is_key(request.remote_key):
                job.finish(
                    "failed",
                    "No valid Zotero item key on the delivery: call prepare() and persist its keys before deliver().",
                )
                return
            job.key, job.creating, job.needs_children = request.remote_key, True, True
            job.parent = parent_item(request.paper, job.key, collection)
            return
        job.key, job.version = found.key, found.version
        job.already_present = found.key != request.remote_key
        patch: dict[str, Any] = paper_fields(request.paper) if request.update else {}
        if collection not in found.collections:
            patch["collections"] = [*found.collections, collection]
        if patch:  # a partial update carrying the item's version: Zotero applies it as a versioned PATCH
            job.parent = {"key": found.key, "version": found.version, **patch}
        job.needs_children = not job.already_present and not state.children_done([found.key])
        job.refresh_note = request.update and not job.already_present and not job.needs_children
        if not job.parent and not job.needs_children and not job.refresh_note:
            job.finish("delivered")

    def _write_parents(self, jobs: list[_Job]) -> None:
        client, _, index, _ = self._open()
        for chunk in batches(jobs):
            results = read_results(client.write_items([j.parent for j in chunk if j.parent]), len(chunk))
            index.record([r.obj for r in results if r.obj])
            for job, result in zip(chunk, results, strict=True):
                self._parent_result(job, result)

    def _parent_result(self, job: _Job, result: ObjectResult) -> None:
        if result.ok:
            job.version = int(result.obj["version"]) if result.obj else job.version
        elif result.exists and job.creating:
            pass  # written by an earlier attempt whose answer was lost: already there, not an error
        elif result.exists:
            job.finish("retry", "The item changed in Zotero meanwhile; it is re-read before the next try.")
        else:
            self._object_failed(job, result, "item")
        if job.outcome is None and not job.needs_children and not job.refresh_note:
            job.finish("delivered")

    def _write_children(self, jobs: list[_Job]) -> None:
        client, state, _, _ = self._open()
        for chunk in batches(jobs, JOBS_PER_CHILD_WRITE):
            objects = [(job, obj) for job in chunk for obj in child_items(job.request, job.key)]
            results = read_results(client.write_items([obj for _, obj in objects]), len(objects))
            for (job, _), result in zip(objects, results, strict=True):
                if job.outcome is None and not (result.ok or result.exists):
                    self._object_failed(job, result, "note or PDF link")
            done = [job for job in chunk if job.outcome is None]
            state.mark_children_done(job.key for job in done)
            for job in done:
                job.finish("delivered")

    def _refresh_notes(self, jobs: list[_Job]) -> None:
        """Rewrite the notes of updated items with their current versions (read first: a keyed write needs
        one), 50 per request. A note someone deleted is left deleted."""
        client, _, _, _ = self._open()
        for chunk in batches(jobs):
            versions = {obj["key"]: obj["version"] for obj in client.items_by_key([note_key(j.key) for j in chunk])}
            writes = [
                (
                    job,
                    {"key": note_key(job.key), "version": versions[note_key(job.key)], "note": note_html(job.request)},
                )
                for job in chunk
                if note_key(job.key) in versions
            ]
            results = read_results(client.write_items([obj for _, obj in writes]), len(writes)) if writes else []
            for (job, _), result in zip(writes, results, strict=True):
                if not (result.ok or result.exists):
                    self._object_failed(job, result, "note")
            for job in chunk:
                if job.outcome is None:
                    job.finish("delivered")

    def _object_failed(self, job: _Job, result: ObjectResult, what: str) -> None:
        message = f"Zotero refused the {what} (code {result.code}): {result.message}"
        if result.code == 409:  # a collection or parent is missing: re-verify collections next time
            self._open()[3].invalidate()
        job.finish("failed" if result.permanent else "retry", message)

    # -- plumbing ----------------------------------------------------------------------------------
    def _open(self) -> tuple[ZoteroClient, ZoteroState, LibraryIndex, CollectionResolver]:
        if self._parts is None:
            self.config.validate()
            client = ZoteroClient(self.config, timeout=self._timeout, transport=self._transport, clock=self._clock)
            state = ZoteroState(self._state_dir / f"{self._library_name()}.sqlite3")
            library = f"{self.config.library_type}:{self.config.library_id}"
            self._parts = (client, state, LibraryIndex(client, state), CollectionResolver(client, state, library))
        return self._parts

    def _library_name(self) -> str:
        return f"zotero-{self.config.library_type}-{self.config.library_id}"

    def _locked(self) -> FileLock:
        # One writer per library across processes: the index, collections and Zotero's ~4 concurrent
        # requests limit (docs/reference.md) all prefer it.
        return _TranslatingLock(self._state_dir / f"{self._library_name()}.lock", timeout=self._lock_timeout)

    def _run_check(self) -> tuple[TargetStatus, ConfigurationError | None]:
        try:
            client = self._open()[0]
            problem = access_problem(self.config, client.key_info())
        except ConfigurationError as exc:
            problem = exc
        except TransientError as exc:
            return TargetStatus(
                str(self.spec),
                "zotero",
                False,
                f"Zotero could not be reached: {exc.message}",
                fix="Check the network and PAPERDROP_ZOTERO_API_URL; deliveries wait.",
            ), None
        return self._status(problem), problem

    def _status(self, problem: ConfigurationError | None) -> TargetStatus:
        if problem:
            return TargetStatus(str(self.spec), "zotero", False, problem.message, fix=problem.fix)
        return TargetStatus(
            str(self.spec),
            "zotero",
            True,
            f"{self.config.label}: the API key can write; collection {self.spec.location}.",
        )


class _TranslatingLock(FileLock):
    def __enter__(self) -> Self:
        try:
            return super().__enter__()
        except LockTimeout as exc:
            raise TransientError(
                "Another PaperDrop worker is writing to this Zotero library.", retry_after=5.0
            ) from exc


def _merge_twins(requests: list[DeliveryRequest]) -> list[_Job]:
    """One job per paper: a second request for the same paper in the same call follows the first."""
    jobs: dict[str, _Job] = {}
    for request in requests:
        if request.paper.arxiv_id in jobs:
            jobs[request.paper.arxiv_id].twins.append(request)
        else:
            jobs[request.paper.arxiv_id] = _Job(request)
    return list(jobs.values())


def _outcomes(jobs: list[_Job], requests: list[DeliveryRequest]) -> list[DeliveryOutcome]:
    by_id: dict[int, DeliveryOutcome] = {}
    for job in jobs:
        outcome = job.outcome or job.finish("retry", "Not written in this call.")
        by_id[job.request.delivery_id] = outcome
        for twin in job.twins:
            by_id[twin.delivery_id] = replace(
                outcome, delivery_id=twin.delivery_id, already_present=outcome.status == "delivered"
            )
    return [by_id[r.delivery_id] for r in requests]
