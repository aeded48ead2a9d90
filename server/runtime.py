"""Everything a process of PaperDrop shares: settings, the store, the job queue, arXiv and the sinks.

Built once per process (web app, worker, CLI) from the loaded settings; jobs and services receive it
explicitly as `rt: Runtime`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from paperdrop.server import __version__
from paperdrop.server.config import Settings, config_file_path, load_settings
from paperdrop.server.jobs.activity import Activity
from paperdrop.server.jobs.policy import RetryPolicy
from paperdrop.server.store.db import Database
from paperdrop.sync.errors import ConfigurationError
from paperdrop.sync.targets import Sink, SinkContext, TargetSpec, make_sink

if TYPE_CHECKING:
    from redis import Redis

    from paperdrop.server.jobs.queue import JobQueue
    from paperdrop.server.store.intake import IntakeWriter
    from paperdrop.sync.arxiv import ArxivService
    from paperdrop.sync.arxiv.gate import Gate
    from paperdrop.sync.arxiv.pdfs import PdfStore
    from paperdrop.sync.bibtex import BibtexOptions
    from paperdrop.sync.crossref import CrossrefClient
    from paperdrop.sync.shared import SharedBackoff

log = logging.getLogger(__name__)

USER_AGENT = "PaperDrop/{version} (+https://github.com/paperdrop/paperdrop; one request per {delay:g} s)"


ZOTERO_SETTINGS = ("zotero_api_key", "zotero_library_id", "zotero_library_type", "zotero_api_url", "zotero_pdf")
CONFIG_CHECK_SECONDS = 2.0  # how often a running process looks whether paperdrop.toml changed


class Runtime:
    def __init__(
        self, settings: Settings | None = None, *, migrate: bool = True, environ: Mapping[str, str] | None = None
    ):
        self.settings: Settings = settings or load_settings(environ=environ)
        # Settings loaded here from the environment and the config file are reloaded when the file changes;
        # settings handed in (tests, tools) are kept as they are.
        self._environ = environ if settings is None else None
        self._watch = settings is None
        self._config_seen = self._config_stamp()
        self._config_checked = time.monotonic()
        self.config_problem: ConfigurationError | None = None  # a changed config file that cannot be used
        self._on_reload: list[Callable[[Settings], None]] = []
        self.activity = Activity()  # the pause this process is in, for progress bars
        self.home.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.settings.database_url)
        if migrate:
            self.db.migrate()
        s = self.settings
        self.policy = RetryPolicy(s.retry_base, s.retry_max, s.max_attempts)
        self._sinks: dict[str, Sink] = {}
        self._lock = threading.Lock()

    @property
    def home(self) -> Path:
        return self.settings.home_path

    def state_dir(self, name: str = "") -> Path:
        path = self.home / "state" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @cached_property
    def queue(self) -> JobQueue:
        from paperdrop.server.jobs.queue import JobQueue

        return JobQueue(self)

    @cached_property
    def intake(self) -> IntakeWriter:
        from paperdrop.server.store.intake import IntakeWriter

        return IntakeWriter(self.db)

    @cached_property
    def redis(self) -> Redis | None:
        """The deployment's Redis (PAPERDROP_REDIS_URL), shared by every machine: the arXiv gate and the Zotero
        back-offs live there (sync/shared.py). None on a single machine."""
        if not self.settings.redis_url:
            return None
        from paperdrop.sync.shared import connect

        return connect(self.settings.redis_url)

    @cached_property
    def arxiv_gate(self) -> Gate:
        """One arXiv pace: for this machine's processes (a file lock in the data directory), or for every machine
        of the deployment (Redis)."""
        from paperdrop.sync.arxiv.gate import ArxivGate, RedisGate

        s = self.settings
        if self.redis is not None:
            return RedisGate(s.arxiv_delay, self.redis, lease=max(10.0, 3 * s.arxiv_delay))
        return ArxivGate(s.arxiv_delay, self.state_dir("arxiv"))

    @cached_property
    def arxiv(self) -> ArxivService:
        from paperdrop.sync.arxiv import ArxivService

        s = self.settings
        return ArxivService(
            gate=self.arxiv_gate,
            api_url=s.arxiv_api_url,
            delay=s.arxiv_delay,
            state_dir=self.state_dir("arxiv"),
            timeout=s.arxiv_timeout,
            backoff_base=s.arxiv_retry_base,
            throttle_wait=s.throttle_wait,
            user_agent=USER_AGENT.format(version=__version__, delay=s.arxiv_delay),
            sleep=self.activity.sleeper("waiting for arXiv"),
        )

    def sink(self, spec: TargetSpec) -> Sink:
        """The sink for a target, one instance per process (they keep indexes and caches)."""
        key = str(spec)
        with self._lock:
            if key not in self._sinks:
                self._sinks[key] = make_sink(spec, self.sink_context)
            return self._sinks[key]

    @cached_property
    def crossref(self) -> CrossrefClient:
        from paperdrop.sync.crossref import CrossrefClient

        s = self.settings
        return CrossrefClient(
            api_url=s.crossref_api_url,
            contact_email=s.contact_email,
            state_dir=self.state_dir("crossref"),
            user_agent=f"PaperDrop/{__version__} (+https://github.com/paperdrop/paperdrop)",
            timeout=10.0,  # a save never waits long for Crossref: without it the paper is saved as a preprint
            short_retries=1,
        )

    @cached_property
    def pdfs(self) -> PdfStore:
        """arXiv PDFs through the same gate as the API (arXiv's terms cover both), cached in the data directory."""
        from paperdrop.sync.arxiv.pdfs import PdfStore

        s = self.settings
        return PdfStore(
            base_url=s.arxiv_pdf_url,
            gate=self.arxiv_gate,
            cache_dir=self.home / "pdfs",
            user_agent=USER_AGENT.format(version=__version__, delay=s.arxiv_delay),
            timeout=max(s.arxiv_timeout, 60.0),
        )

    @cached_property
    def sink_context(self) -> SinkContext:
        from paperdrop.sync.zotero import ZoteroConfig, ZoteroOptions

        s = self.settings
        zotero = ZoteroConfig(
            library_id=s.zotero_library_id,
            library_type=s.zotero_library_type,
            api_key=s.zotero_api_key,
            api_url=s.zotero_api_url,
            where={name: s.where(name) for name in ZOTERO_SETTINGS},
        )
        options = ZoteroOptions(
            pdf=s.zotero_pdf,  # type: ignore[arg-type]  # checked when the settings were loaded
            tags=s.zotero_tags,  # type: ignore[arg-type]
            context_note=s.zotero_context_note,
        )
        return SinkContext(
            state_dir=self.state_dir(),
            zotero=zotero,
            zotero_timeout=s.zotero_timeout,
            bibtex=self.bibtex_options,
            zotero_options=options,
            pdfs=self.pdfs if s.zotero_pdf == "stored" else None,
            shared_backoff=self._shared_backoff if self.redis is not None else None,
        )

    def _shared_backoff(self, name: str) -> SharedBackoff:
        from paperdrop.sync.shared import SharedBackoff

        assert self.redis is not None
        return SharedBackoff(self.redis, name)

    @cached_property
    def bibtex_options(self) -> BibtexOptions:
        from paperdrop.sync.bibtex import BibtexOptions

        s = self.settings
        return BibtexOptions(
            key_pattern=s.bibtex_key_pattern,
            include_abstract=s.bibtex_abstract,
            include_keywords=s.bibtex_keywords,
            note=s.bibtex_note,  # type: ignore[arg-type]  # checked by BibtexOptions
        )

    def on_reload(self, callback: Callable[[Settings], None]) -> None:
        self._on_reload.append(callback)

    def reload_if_changed(self, *, force: bool = False) -> bool:
        """Pick up an edited paperdrop.toml without a restart (looked at every CONFIG_CHECK_SECONDS at most):
        the new settings replace the old ones, sinks are rebuilt, and deliveries that waited for a setup fix are
        tried again at once. A file that cannot be used keeps the old settings and is reported in
        `config_problem`. True when new settings were taken."""
        if not self._watch or (not force and time.monotonic() - self._config_checked < CONFIG_CHECK_SECONDS):
            return False
        self._config_checked = time.monotonic()
        stamp = self._config_stamp()
        if stamp == self._config_seen:
            return False
        self._config_seen = stamp
        try:
            settings = load_settings(environ=self._environ)
        except ConfigurationError as exc:
            log.error("paperdrop.toml changed but cannot be used (the old settings stay): %s", exc)
            self.config_problem = exc
            return False
        self.config_problem = None
        self._replace_settings(settings)
        log.info("settings reloaded from %s", settings.source or "the environment")
        return True

    def _replace_settings(self, settings: Settings) -> None:
        with self._lock:
            self.settings = settings
            s = settings
            self.policy = RetryPolicy(s.retry_base, s.retry_max, s.max_attempts)
            self._sinks.clear()
            for name in ("sink_context", "bibtex_options", "arxiv", "arxiv_gate", "redis", "crossref", "pdfs"):
                self.__dict__.pop(name, None)  # cached properties built from the old settings
        for callback in self._on_reload:
            callback(settings)
        from paperdrop.server.services.targets import wake_waiting

        wake_waiting(self)

    def _config_stamp(self) -> tuple[int, int] | None:
        try:
            found = config_file_path(self.settings.home, self._environ or os.environ).stat()
        except OSError:
            return None
        return found.st_mtime_ns, found.st_size

    def close(self) -> None:
        self.db.dispose()
