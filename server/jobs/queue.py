"""The job queue (huey): SQLite file in the data directory by default, Redis when configured.

Tasks carry ids only; the rows in the store say what to do. A lost message is harmless because the sweep
(`server.sweep`) re-enqueues whatever is due.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from huey import RedisHuey, SqliteHuey

log = logging.getLogger(__name__)


def make_huey(settings):
    if settings.redis_url:
        return RedisHuey("paperdrop", url=settings.redis_url, results=False)
    return SqliteHuey("paperdrop", filename=str(settings.home_path / "jobs.db"), results=False)


class JobQueue:
    """Registers PaperDrop's tasks on a huey instance and enqueues them."""

    def __init__(self, rt, *, coalesce_seconds: float = 0.05):
        from paperdrop.server.jobs import deliver as deliverer
        from paperdrop.server.jobs import refresh as refresher
        from paperdrop.server.jobs import resolve as resolver

        self.huey = make_huey(rt.settings)
        self.coalesce_seconds = coalesce_seconds
        self._deferred: set[int] = set()
        self._deferred_lock = threading.Lock()
        self._wake = threading.Event()
        self._flusher: threading.Thread | None = None
        task = self.huey.task
        self._resolve = task(name="resolve_clips")(lambda clip_ids: resolver.resolve_clips(rt, clip_ids))
        self._deliver = task(name="deliver_target")(lambda target: deliverer.deliver_job(rt, target))
        self._refresh = task(name="refresh_papers")(lambda: refresher.refresh_papers(rt))

    def enqueue_resolve(self, clip_ids: list[int], *, delay: float | None = None) -> None:
        if clip_ids:
            self._call(self._resolve, list(clip_ids), delay=delay)

    def defer_resolve(self, clip_ids: list[int]) -> None:
        """Enqueue soon, from a background thread: web requests skip the queue's own write, and a burst of
        saves becomes one resolve task (which batches its arXiv requests anyway). Work deferred and lost in
        a crash is still in the store, and the sweep finds it."""
        if not clip_ids:
            return
        with self._deferred_lock:
            self._deferred.update(clip_ids)
            if self._flusher is None:
                self._flusher = threading.Thread(target=self._flush_loop, name="paperdrop-enqueue", daemon=True)
                self._flusher.start()
        self._wake.set()

    def flush(self) -> None:
        """Enqueue what `defer_resolve` collected, now."""
        with self._deferred_lock:
            ids, self._deferred = sorted(self._deferred), set()
        self.enqueue_resolve(ids)

    def _flush_loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            time.sleep(self.coalesce_seconds)  # gather the rest of the burst
            self.flush()

    def enqueue_deliver(self, target: str, *, delay: float | None = None) -> None:
        self._call(self._deliver, target, delay=delay)

    def enqueue_deliver_many(self, targets: list[str]) -> None:
        for target in targets:
            self.enqueue_deliver(target)

    def enqueue_refresh(self) -> None:
        self._call(self._refresh)

    def pending(self) -> int:
        try:
            return int(self.huey.pending_count())
        except Exception:  # the queue's own storage is unreadable: report, do not fail the caller
            log.warning("could not read the job queue's length", exc_info=True)
            return -1

    @staticmethod
    def _call(task: Any, *args: Any, delay: float | None = None) -> None:
        # The store already holds the work; if the queue cannot take the message the sweep finds it later.
        try:
            if delay:
                task.schedule(args, delay=delay)
            else:
                task(*args)
        except Exception:
            log.warning("could not enqueue %s; the next sweep will pick the work up", task.name, exc_info=True)
