"""The worker: huey's consumer (job threads) plus the sweeper and the periodic refresh, in one process."""

from __future__ import annotations

import logging
import threading
import time

from paperdrop.server.jobs.sweep import sweep

log = logging.getLogger(__name__)

SHUTDOWN_SECONDS = 5.0  # a job still running then is abandoned: its lease runs out and a sweep requeues it
REFRESH_CHECK_SECONDS = 3600.0  # look for stale papers hourly; each is re-fetched after `refresh_days`


class Worker:
    def __init__(self, rt, *, threads: int | None = None):
        self.rt = rt
        self.threads = threads or rt.settings.workers
        self._stop = threading.Event()
        self._consumer = None
        self._sweeper: threading.Thread | None = None

    def start(self) -> None:
        # periodic=False: huey's scheduler runs minute-granular periodic tasks; our sweeper thread is finer.
        consumer = self._consumer = self.rt.queue.huey.create_consumer(
            workers=self.threads,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            max_delay=1.0,
            check_worker_health=True,
            shutdown_timeout=SHUTDOWN_SECONDS,
        )
        # huey installs signal handlers in start(); ours (serve/worker) own the signals, and a handler that
        # only sets huey's flag would keep Ctrl-C from stopping the web server.
        consumer._set_signal_handlers = lambda: None
        consumer.start()
        self._sweeper = threading.Thread(target=self._sweep_loop, name="paperdrop-sweeper", daemon=True)
        self._sweeper.start()
        log.info("worker started with %d job threads", self.threads)

    def _sweep_loop(self) -> None:
        last_refresh = 0.0
        while not self._stop.is_set():
            try:
                self.rt.reload_if_changed()  # an edited paperdrop.toml takes effect without a restart
                sweep(self.rt)
                if time.monotonic() - last_refresh > REFRESH_CHECK_SECONDS:
                    self.rt.queue.enqueue_refresh()
                    last_refresh = time.monotonic()
            except Exception:  # keep sweeping: the store may be briefly locked or unreachable
                log.exception("sweep failed; trying again in %.0f s", self.rt.settings.sweep_interval)
            self._stop.wait(self.rt.settings.sweep_interval)

    def stop(self) -> None:
        self._stop.set()
        if self._consumer is not None:
            self._consumer.stop(graceful=True)
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)

    def run_forever(self) -> None:
        """`paperdrop worker`: run until interrupted."""
        self.start()
        try:
            while not self._stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
