"""The job queue (huey): SQLite file in the data directory by default, Redis when configured.

Tasks carry ids only; the rows in the store say what to do. A lost message is harmless because the sweep
(`server.sweep`) re-enqueues whatever is due.
"""

from __future__ import annotations

import logging

from huey import RedisHuey, SqliteHuey

log = logging.getLogger(__name__)


def make_huey(settings):
    if settings.redis_url:
        return RedisHuey("paperdrop", url=settings.redis_url, results=False)
    return SqliteHuey("paperdrop", filename=str(settings.home_path / "jobs.db"), results=False)


class JobQueue:
    """Registers PaperDrop's tasks on a huey instance and enqueues them."""

    def __init__(self, rt):
        from . import deliverer, refresher, resolver

        self.huey = make_huey(rt.settings)
        task = self.huey.task
        self._resolve = task(name="resolve_clips")(lambda clip_ids: resolver.resolve_clips(rt, clip_ids))
        self._deliver = task(name="deliver_target")(lambda target: deliverer.deliver_target(rt, target))
        self._refresh = task(name="refresh_papers")(lambda: refresher.refresh_papers(rt))

    def enqueue_resolve(self, clip_ids: list[int]) -> None:
        if clip_ids:
            self._call(self._resolve, list(clip_ids))

    def enqueue_deliver(self, target: str) -> None:
        self._call(self._deliver, target)

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
    def _call(task, *args) -> None:
        # The store already holds the work; if the queue cannot take the message the sweep finds it later.
        try:
            task(*args)
        except Exception:
            log.warning("could not enqueue %s; the next sweep will pick the work up", task.name, exc_info=True)
