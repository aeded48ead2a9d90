"""Group commit for clip intake: web threads hand their clips to one writer thread, which stores whatever
has arrived in one transaction and answers each request after the commit.

SQLite takes one writer at a time. With every web thread writing for itself, the threads queue for the
write lock and the GIL in turn, and a burst of saves turns into a convoy; one writer committing a group
costs one BEGIN, one INSERT and one COMMIT for the whole group instead (store_group; plus a SELECT when
papers of it were saved before). The busier the intake, the larger the groups, so a stall is caught up on
fast. Each request's clips commit together, and a request is answered only after its clips are durable
("store first, answer second").
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from sqlalchemy.exc import InterfaceError, OperationalError

from paperdrop.server.store.clips import StoredClip, store_clips, store_group
from paperdrop.server.store.db import Database, StoreUnavailable
from paperdrop.sync.records import ClipInput
from paperdrop.sync.targets import TargetSpec

log = logging.getLogger(__name__)

MAX_GROUP = 64  # requests per transaction
ANSWER_TIMEOUT = 45.0  # longer than SQLite's busy timeout (30 s): a locked store answers first


Request = tuple[list[ClipInput], TargetSpec, "Future[list[StoredClip]]"]


class IntakeWriter:
    def __init__(self, db: Database):
        self.db = db
        self._requests: queue.SimpleQueue[Request] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def store(self, inputs: list[ClipInput], target: TargetSpec) -> list[StoredClip]:
        """Store `inputs` for `target` (see server.store.clips.store_clips); returns after the COMMIT that
        made them durable, never before. Raises StoreUnavailable when the store cannot take them (disk full,
        locked, restarting): nothing of this request was stored, and no id of it was answered."""
        self._ensure_thread()
        answer: Future[list[StoredClip]] = Future()
        self._requests.put((inputs, target, answer))
        try:
            return answer.result(timeout=ANSWER_TIMEOUT)
        except FutureTimeout as exc:
            raise StoreUnavailable("The store did not answer in time.") from exc

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="paperdrop-intake", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            group = [self._requests.get()]
            while len(group) < MAX_GROUP:
                try:
                    group.append(self._requests.get_nowait())
                except queue.Empty:
                    break
            self._commit(group)

    def _commit(self, group: list[Request]) -> None:
        try:
            with self.db.session() as session:
                results = store_group(session, [(inputs, target) for inputs, target, _ in group])
        except Exception as exc:  # one request's problem must not fail the others: store them one by one
            if _unavailable(exc):  # the store itself refuses (disk full, locked): every request fails, fast
                for _, _, answer in group:
                    answer.set_exception(StoreUnavailable.from_error(exc))
                return
            log.warning("group of %d saves failed; storing them one by one", len(group), exc_info=True)
            for item in group:
                self._commit_one(*item)
            return
        # Only now, after the COMMIT: an answer never names a clip that is not stored.
        for (_, _, answer), result in zip(group, results, strict=True):
            answer.set_result(result)

    def _commit_one(self, inputs: list[ClipInput], target: TargetSpec, answer: Future[list[StoredClip]]) -> None:
        try:
            with self.db.session() as session:
                result = store_clips(session, inputs, target)
        except Exception as exc:
            answer.set_exception(StoreUnavailable.from_error(exc) if _unavailable(exc) else exc)
            return
        answer.set_result(result)


def _unavailable(exc: BaseException) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError))
