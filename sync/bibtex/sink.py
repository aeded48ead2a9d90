"""The BibTeX sink: delivers papers into a `bibtex:<path>` target, exactly once, atomically, fast.

Every delivery reads the file as it is now (index.sync: only what an outside edit touched is scanned again),
reports entries PaperDrop wrote that have left it (`run.missing`), then plans and writes the batch in one atomic
replacement. Contention is a wait, never a spent attempt (docs/design.md "A throttle is a wait"): a lock held
by another PaperDrop writer or a file an editor keeps saving is retried at once for a short while, then the
sink asks the job to pause (`run.wait`) and goes on with the same batch, or raises ThrottledError.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from filelock import Timeout

from paperdrop.sync.bibtex.atomic import FileChanged, lock_for, read_snapshot, remove_stale_temps, write_atomic
from paperdrop.sync.bibtex.identifiers import arxiv_key
from paperdrop.sync.bibtex.index import BibIndex, FileState, index_path
from paperdrop.sync.bibtex.plan import Plan, plan_delivery
from paperdrop.sync.bibtex.render import BibtexOptions
from paperdrop.sync.bibtex.setup import (
    content_problem,
    existing_content_problem,
    path_problem,
    probe_directory,
    setup_error,
)
from paperdrop.sync.errors import ThrottledError
from paperdrop.sync.records import DeliveryOutcome, DeliveryRequest, TargetStatus
from paperdrop.sync.targets import QUIET_RUN, DeliveryRun, TargetSpec


class _KeptChanging(Exception):
    """Every write of one effort found the file changed again before its rename."""


class BibtexSink:
    """Appends entries to one .bib file. Citekeys are chosen under the file lock when writing, so
    `prepare` returns nothing. Instances hold no open resources between calls (the index keeps one
    SQLite connection per thread, indexdb.py).

    `effort`: seconds of immediate retries against a busy lock or a changing file before asking the job to
    pause for `pause` seconds; after `patience` seconds of such pauses in one call, ThrottledError."""

    def __init__(
        self,
        spec: TargetSpec,
        *,
        state_dir: Path,
        options: BibtexOptions | None = None,
        effort: float = 2.0,
        pause: float = 1.0,
        patience: float = 60.0,
    ):
        self.spec = spec
        # Write through symlinks: replacing a link by a regular file would break the user's setup.
        self.path = Path(os.path.realpath(Path(spec.location).expanduser()))
        self.state_dir = Path(state_dir)
        self.options = options or BibtexOptions()
        self.effort, self.pause, self.patience = effort, pause, patience

    def check(self) -> TargetStatus:
        problem = path_problem(self.path) or probe_directory(self.path) or existing_content_problem(self.path)
        if problem is not None:
            return TargetStatus(str(self.spec), "bibtex", False, problem.message, problem.fix)
        if self.path.exists():
            message = f"{self.path} is writable ({self.path.stat().st_size} bytes)."
        else:
            message = f"{self.path} will be created on the first delivery."
        return TargetStatus(str(self.spec), "bibtex", True, message)

    def prepare(self, requests: list[DeliveryRequest]) -> dict[int, str]:
        return {}

    def deliver(self, requests: list[DeliveryRequest], run: DeliveryRun = QUIET_RUN) -> list[DeliveryOutcome]:
        """Write every request in one atomic replacement of the file. Raises ConfigurationError when the
        file cannot or must not be written (nothing changes, deliveries wait for the fix) and ThrottledError
        when the lock stays busy or the file keeps changing for longer than the job can wait."""
        if not requests:
            return []
        problem = path_problem(self.path)
        if problem is not None:
            raise problem
        lock = lock_for(self.path, self.effort)
        self._create_lock_file(lock.lock_file)
        waited = 0.0
        while True:
            try:
                # Short polls: a write takes milliseconds, filelock's default 50 ms poll would dominate.
                with lock.acquire(poll_interval=0.002):
                    remove_stale_temps(self.path)
                    with BibIndex(index_path(self.state_dir, self.path)) as index:
                        return self._deliver_locked(requests, index, run)
            except Timeout:
                reason = "is locked by another PaperDrop writer"
            except _KeptChanging:
                reason = "keeps changing (an editor is saving it)"
            except OSError as exc:
                raise setup_error(exc, self.path) from exc
            waited = self._pause(run, waited, reason)

    def _pause(self, run: DeliveryRun, waited: float, reason: str) -> float:
        """Ask the job to wait before the next effort; ThrottledError when it cannot or we waited enough."""
        if waited + self.pause > self.patience or not run.wait(self.pause):
            raise ThrottledError(f"{self.path} {reason}; PaperDrop will try again shortly.", retry_after=self.pause)
        return waited + self.pause

    def _deliver_locked(
        self, requests: list[DeliveryRequest], index: BibIndex, run: DeliveryRun
    ) -> list[DeliveryOutcome]:
        deadline = time.monotonic() + self.effort
        while True:
            snapshot = read_snapshot(self.path)
            index.sync(snapshot)
            self._report_missing(index, requests, run)
            problem = content_problem(self.path, snapshot.data, index.has_entries()) if snapshot.exists else None
            if problem is not None:
                raise problem
            plan = plan_delivery(requests, index, snapshot.data, self.options, ascii_only=not _is_utf8(snapshot.data))
            if not plan.changed:
                return plan.outcomes
            index.mark_owned(plan.owned)
            try:
                written = write_atomic(self.path, plan.pieces, snapshot)
            except FileChanged:
                if time.monotonic() >= deadline:
                    raise _KeptChanging from None
                continue  # an editor saved meanwhile: plan again against what is there now, at once
            index.record_write(plan.replaced, plan.appended, _state(written, plan, snapshot.digests))
            return plan.outcomes

    def _report_missing(self, index: BibIndex, requests: list[DeliveryRequest], run: DeliveryRun) -> None:
        """Owned entries that left the file, except those this batch writes again (their outcome says so)."""
        gone = index.unreported_gone()
        if not gone:
            return
        batch = {r.remote_key.lower() for r in requests if r.remote_key}
        batch |= {key.lower() for r in requests if (key := index.gone_key_of(arxiv_key(r.paper.arxiv_id)))}
        missing = [key for key in gone if key.lower() not in batch]
        if missing:
            run.missing(missing)
            index.mark_reported(missing)

    def _create_lock_file(self, lock_file: str) -> None:
        """Create the lock file ourselves first: filelock retries some creation errors until its timeout,
        which would make an unwritable place look like a busy lock."""
        try:
            os.close(os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644))
        except OSError as exc:
            raise setup_error(exc, self.path) from exc


def _state(written: os.stat_result, plan: Plan, old_digests: bytes) -> FileState:
    return FileState(written.st_size, written.st_mtime_ns, written.st_ino, plan.digests(old_digests))


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
