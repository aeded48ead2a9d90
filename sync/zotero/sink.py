"""`ZoteroSink`: delivers papers into a collection of the configured Zotero library, exactly once.

One `deliver` call: sync the library index (reporting items PaperDrop made that were deleted or trashed), make
sure the collection exists, then write parents (new items, restores from the trash, collection additions,
in-place updates) and then children (notes, the PDF stored or linked) in batches of at most 50 objects. Each
outcome goes to `run.progress` the moment it is settled; throttles are waited through `run.wait` or leave as
`ThrottledError`; other whole-call failures raise `TransientError`, or, once some paper of the call is
delivered, give the rest `retry` outcomes.

"One copy present": a paper is found in the index by arXiv id or DOI whoever made it; an item PaperDrop made
that is in the trash is restored; one that was deleted is created again under a key derived from the old one
(`rewrite_key`), which `prepare` hands to the server to persist and which a retry derives again, so a
repeat is a per-object 412 instead of a second copy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import httpx2
from filelock import FileLock
from filelock import Timeout as LockTimeout

from paperdrop.sync.errors import ConfigurationError, PaperDropError, PermanentError, ThrottledError, TransientError
from paperdrop.sync.records import DeliveryOutcome, DeliveryRequest, TargetStatus
from paperdrop.sync.targets import QUIET_RUN, DeliveryRun, TargetSpec
from paperdrop.sync.zotero.access import CHECK_TTL, access_problem
from paperdrop.sync.zotero.children import ChildWriter, PdfSource
from paperdrop.sync.zotero.client import BackoffStore, ZoteroClient
from paperdrop.sync.zotero.collections import CollectionResolver
from paperdrop.sync.zotero.config import ZoteroConfig, ZoteroOptions
from paperdrop.sync.zotero.index import LibraryIndex
from paperdrop.sync.zotero.items import paper_fields, parent_item
from paperdrop.sync.zotero.jobs import Job, Progress, merge_twins, outcomes
from paperdrop.sync.zotero.keys import derived_key, is_key, new_key
from paperdrop.sync.zotero.state import IndexedItem, ZoteroState
from paperdrop.sync.zotero.writes import ObjectResult, batches, read_results

LOCK_WAIT = 5.0  # seconds another worker's hold on the library lock is reported as


def rewrite_key(key: str) -> str:
    """The key of the copy made again after the item under `key` was deleted: a pure function of the old key,
    so every attempt (and the server, through `prepare`) names the same one."""
    return derived_key(key, "rewritten")


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
        options: ZoteroOptions | None = None,
        pdfs: PdfSource | None = None,
        shared_backoff: Callable[[str], BackoffStore] | None = None,
    ):
        """`shared_backoff(name)`: the back-off of library `name` shared with the deployment's other workers
        (Redis, sync/shared.py); without it the back-off is this machine's (the state file)."""
        self.config = config
        self._shared_backoff = shared_backoff
        self.spec = spec
        self.options = options or ZoteroOptions()
        self._pdfs = pdfs
        self._state_dir = Path(state_dir)
        self._timeout = timeout
        self._clock = clock
        self._lock_timeout = lock_timeout
        self._transport = transport
        self._parts: tuple[ZoteroClient, ZoteroState, LibraryIndex, CollectionResolver, ChildWriter] | None = None
        self._checked: tuple[float, TargetStatus, ConfigurationError | None] | None = None
        self._collections: tuple[float, list[str]] | None = None
        self._missing: set[str] = set()  # gone items PaperDrop made, seen by a sync, not yet reported
        self._progress = Progress(QUIET_RUN)  # the running call's

    # -- public API --------------------------------------------------------------------------------
    def check(self) -> TargetStatus:
        """Is the key valid, allowed to write, and for this library? Cached for CHECK_TTL seconds. Runs in web
        requests: never waits (a throttled check says so and is not cached)."""
        now = self._clock()
        if self._checked is None or now - self._checked[0] >= CHECK_TTL:
            status, problem, cacheable = self._run_check()
            if not cacheable:
                return status
            self._checked = (now, status, problem)
        status = self._checked[1]
        pdfs = self._parts[4].storage_problem() if self._parts and status.reachable else None
        return replace(status, message=f"{status.message} {pdfs}") if pdfs else status

    def collection_paths(self) -> list[str]:
        """The library's collections as target paths (for pickers), read at most every CHECK_TTL seconds; none
        when the target cannot be reached (its check says why)."""
        now = self._clock()
        if self._collections is not None and now - self._collections[0] < CHECK_TTL:
            return self._collections[1]
        if not self.check().reachable:
            return []
        try:
            paths = self._open()[3].paths()
        except PaperDropError:
            return []
        self._collections = (now, paths)
        return paths

    def prepare(self, requests: list[DeliveryRequest]) -> dict[int, str]:
        """Keys the server persists before `deliver`: a new random key for a request without one, and the
        rewrite key for a delivered copy that is gone from the library (it is created again under that key)."""
        keys = {r.delivery_id: new_key() for r in requests if not r.remote_key}
        delivered = [r for r in requests if r.remote_key and (r.recheck or r.remote_version is not None)]
        if not delivered:
            return keys
        try:
            self.config.validate()
            with self._locked():
                self._missing.update(self._open()[2].sync())
        except PaperDropError:  # deliver derives the same keys itself: persisting them is only a record
            return keys
        index = self._open()[2]
        for request in delivered:
            if index.find(request.paper, prefer_key=request.remote_key) is None:
                keys[request.delivery_id] = self._fresh_key(request.remote_key or "")
        return keys

    def deliver(self, requests: list[DeliveryRequest], run: DeliveryRun = QUIET_RUN) -> list[DeliveryOutcome]:
        if not requests:
            return []
        self.check()
        if self._checked and self._checked[2]:
            raise self._checked[2]
        client, state, _, _, _ = self._open()
        with self._locked():
            client.backoff_until = max(client.backoff_until, state.backoff_until())
            client.wait = run.wait
            try:
                return self._deliver(requests, run)
            except ConfigurationError as exc:
                self._checked = (self._clock(), self._status(exc), exc)
                raise
            finally:
                client.wait = QUIET_RUN.wait
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
    def _deliver(self, requests: list[DeliveryRequest], run: DeliveryRun) -> list[DeliveryOutcome]:
        _, _, index, collections, children = self._open()
        jobs = merge_twins(requests)
        progress = self._progress = Progress(run)
        try:
            self._missing.update(index.sync())
            self._report_missing(run, requests)
            collection = collections.ensure(self.spec.location)
            for job in jobs:
                self._plan(job, collection, progress)
            self._write_parents([j for j in jobs if j.parent and not j.outcome], progress)
            children.write([j for j in jobs if j.needs_children and not j.outcome], progress)
            children.refresh_notes([j for j in jobs if j.refresh_notes and not j.outcome], progress)
        except PermanentError as exc:  # e.g. a collection name Zotero refuses: no paper can go in
            for job in jobs:
                if job.outcome is None:
                    progress.settle(job, "failed", str(exc))
        except ThrottledError:
            raise  # a wait, never a failed attempt; what was settled is already reported
        except TransientError as exc:
            if not any(j.outcome and j.outcome.status == "delivered" for j in jobs):
                raise
            for job in jobs:
                if job.outcome is None:
                    progress.settle(job, "retry", str(exc), exc.retry_after)
        return outcomes(jobs, requests, progress)

    def _report_missing(self, run: DeliveryRun, requests: list[DeliveryRequest]) -> None:
        """Tell the job which copies PaperDrop made are gone, except those this call puts back anyway."""
        asked = {r.remote_key for r in requests}
        gone = sorted(self._missing - asked)
        self._missing.clear()
        if gone:
            run.missing(gone)

    def _plan(self, job: Job, collection: str, progress: Progress) -> None:
        _, state, index, _, _ = self._open()
        request = job.request
        found = index.find(request.paper, prefer_key=request.remote_key)
        if found is None:
            self._plan_create(job, collection, progress)
            return
        job.key, job.version = found.key, found.version
        this_delivery = found.key in (request.remote_key, rewrite_key(request.remote_key or ""))
        job.mine = this_delivery or bool(state.ours([found.key]))
        job.already_present = not this_delivery or (request.recheck and not found.trashed)
        job.rewritten = found.trashed or (this_delivery and found.key != request.remote_key)
        patch = self._patch(request, found, collection)
        if patch:  # a partial update carrying the item's version: Zotero applies it as a versioned PATCH
            job.parent = {"key": found.key, "version": found.version, **patch}
        job.needs_children = job.mine and not state.children_done([found.key])
        job.refresh_notes = request.update and job.mine and not job.needs_children
        if not job.parent and not job.needs_children and not job.refresh_notes:
            progress.settle(job, "delivered")

    def _plan_create(self, job: Job, collection: str, progress: Progress) -> None:
        request = job.request
        if request.remote_key is None or not is_key(request.remote_key):
            progress.settle(
                job,
                "failed",
                "No valid Zotero item key on the delivery: call prepare() and persist its keys before deliver().",
            )
            return
        gone = request.recheck or request.remote_version is not None
        job.key = self._fresh_key(request.remote_key) if gone else request.remote_key
        job.rewritten = gone
        job.creating = job.mine = job.needs_children = True
        job.parent = parent_item(request, job.key, collection, self.options, datetime.fromtimestamp(self._clock(), UTC))

    def _fresh_key(self, key: str) -> str:
        """The first key in the rewrite chain of `key` that is not a deleted copy."""
        state = self._open()[1]
        fresh = rewrite_key(key)
        while state.gone([fresh]):
            fresh = rewrite_key(fresh)
        return fresh

    def _patch(self, request: DeliveryRequest, found: IndexedItem, collection: str) -> dict[str, Any]:
        patch: dict[str, Any] = {}
        if found.trashed:
            patch["deleted"] = 0  # out of the trash: the copy is there again
        if request.update:
            patch.update(paper_fields(request.paper, request.versions, full=True))
        if collection not in found.collections:
            patch["collections"] = [*found.collections, collection]
        return patch

    def _write_parents(self, jobs: list[Job], progress: Progress) -> None:
        client, state, index, _, _ = self._open()
        for chunk in batches(jobs):
            results = read_results(client.write_items([j.parent for j in chunk if j.parent]), len(chunk))
            index.record([r.obj for r in results if r.obj])
            state.mark_ours(j.key for j, r in zip(chunk, results, strict=True) if j.creating and (r.ok or r.exists))
            stale = [j for j, r in zip(chunk, results, strict=True) if r.exists and not j.creating]
            for job, result in zip(chunk, results, strict=True):
                if job not in stale:
                    self._parent_result(job, result, progress)
            if stale:
                self._recheck_patches(stale, progress)

    def _parent_result(self, job: Job, result: ObjectResult, progress: Progress) -> None:
        if result.ok and result.obj:
            job.version = int(result.obj["version"])
        elif not (result.ok or (result.exists and job.creating)):  # a lost answer's create is already there
            self.refused(job, result, "item")
        if job.outcome is None and not job.needs_children and not job.refresh_notes:
            progress.settle(job, "delivered")

    def _recheck_patches(self, jobs: list[Job], progress: Progress) -> None:
        """A versioned patch answered 412: the item moved on, perhaps by this very patch whose answer was lost
        (a re-send after a dropped connection). Read it: applied means done, else it changed meanwhile."""
        client, _, index, _, _ = self._open()
        current = {obj["key"]: obj for obj in client.items_by_key([j.key for j in jobs])}
        index.record(list(current.values()))
        for job in jobs:
            obj = current.get(job.key)
            if obj is not None and job.parent and _applied(job.parent, obj.get("data", obj)):
                job.version = int(obj["version"])
                self._parent_result(job, ObjectResult(True), progress)
            else:
                progress.settle(
                    job, "retry", "The item changed in Zotero meanwhile; it is re-read before the next try."
                )

    def refused(self, job: Job, result: ObjectResult, what: str) -> None:
        message = f"Zotero refused the {what} (code {result.code}): {result.message}"
        if result.code == 409:  # a collection or parent is missing: re-verify collections next time
            self._open()[3].invalidate()
        self._progress.settle(job, "failed" if result.permanent else "retry", message)

    # -- plumbing ----------------------------------------------------------------------------------
    def _open(self) -> tuple[ZoteroClient, ZoteroState, LibraryIndex, CollectionResolver, ChildWriter]:
        if self._parts is None:
            self.config.validate()
            shared = self._shared_backoff(self._library_name()) if self._shared_backoff else None
            client = ZoteroClient(
                self.config, timeout=self._timeout, transport=self._transport, clock=self._clock, shared_backoff=shared
            )
            state = ZoteroState(self._state_dir / f"{self._library_name()}.sqlite3")
            library = f"{self.config.library_type}:{self.config.library_id}"
            children = ChildWriter(client, state, self.options, self._pdfs, self._clock, self.refused)
            self._parts = (
                client,
                state,
                LibraryIndex(client, state),
                CollectionResolver(client, state, library),
                children,
            )
        return self._parts

    def _library_name(self) -> str:
        return f"zotero-{self.config.library_type}-{self.config.library_id}"

    def _locked(self) -> FileLock:
        # One writer per library across processes: the index, collections and Zotero's ~4 concurrent
        # requests limit (docs/reference.md) all prefer it.
        return _TranslatingLock(self._state_dir / f"{self._library_name()}.lock", timeout=self._lock_timeout)

    def _run_check(self) -> tuple[TargetStatus, ConfigurationError | None, bool]:
        try:
            client = self._open()[0]
            info = client.key_info()
            problem = access_problem(self.config, info)
        except ConfigurationError as exc:
            problem = exc
        except TransientError as exc:
            reachable = isinstance(exc, ThrottledError)
            message = (
                f"Zotero asks PaperDrop to slow down ({exc.message}); deliveries go on after the wait."
                if reachable
                else f"Zotero could not be reached: {exc.message}"
            )
            fix = (
                None
                if reachable
                else f"Check the network and {self.config.setting('zotero_api_url')}; deliveries wait."
            )
            return TargetStatus(str(self.spec), "zotero", reachable, message, fix=fix), None, False
        if problem is None:
            user_files = ((info.get("access") or {}).get("user") or {}).get("files")
            self._open()[4].files_allowed = self.config.library_type != "user" or user_files is not False
        return self._status(problem), problem, True

    def _status(self, problem: ConfigurationError | None) -> TargetStatus:
        if problem:
            return TargetStatus(str(self.spec), "zotero", False, problem.message, fix=problem.fix)
        message = f"{self.config.label}: the API key can write; collection {self.spec.location}."
        return TargetStatus(str(self.spec), "zotero", True, message)


class _TranslatingLock(FileLock):
    def __enter__(self) -> Self:
        try:
            return super().__enter__()
        except LockTimeout as exc:  # another worker holds the library: a wait, not a failure
            raise ThrottledError(
                "Another PaperDrop worker is writing to this Zotero library.", retry_after=LOCK_WAIT
            ) from exc


def _applied(patch: dict[str, Any], data: dict[str, Any]) -> bool:
    for name, value in patch.items():
        if name in ("key", "version"):
            continue
        if name == "collections":
            if not set(value) <= set(data.get("collections") or []):
                return False
        elif name == "deleted":
            if bool(data.get("deleted")) != bool(value):
                return False
        elif (data.get(name) or "") != (value or ""):
            return False
    return True
