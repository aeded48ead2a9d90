"""Everything a process of PaperDrop shares: settings, the store, the job queue, arXiv and the sinks.

Built once per process (web app, worker, CLI) from the loaded settings; jobs and services receive it
explicitly as `rt: Runtime`.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from paperdrop.server import __version__
from paperdrop.server.config import Settings, load_settings
from paperdrop.server.jobs.policy import RetryPolicy
from paperdrop.server.store.db import Database
from paperdrop.sync.targets import Sink, SinkContext, TargetSpec, make_sink

if TYPE_CHECKING:
    from paperdrop.server.jobs.queue import JobQueue
    from paperdrop.server.store.intake import IntakeWriter
    from paperdrop.sync.arxiv import ArxivService
    from paperdrop.sync.bibtex import BibtexOptions

log = logging.getLogger(__name__)

USER_AGENT = "PaperDrop/{version} (+https://github.com/paperdrop/paperdrop; one request per {delay:g} s)"


class Runtime:
    def __init__(self, settings: Settings | None = None, *, migrate: bool = True):
        self.settings: Settings = settings or load_settings()
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
    def arxiv(self) -> ArxivService:
        from paperdrop.sync.arxiv import ArxivService

        s = self.settings
        return ArxivService(
            api_url=s.arxiv_api_url,
            delay=s.arxiv_delay,
            state_dir=self.state_dir("arxiv"),
            timeout=s.arxiv_timeout,
            backoff_base=s.arxiv_retry_base,
            user_agent=USER_AGENT.format(version=__version__, delay=s.arxiv_delay),
        )

    def sink(self, spec: TargetSpec) -> Sink:
        """The sink for a target, one instance per process (they keep indexes and caches)."""
        key = str(spec)
        with self._lock:
            if key not in self._sinks:
                self._sinks[key] = make_sink(spec, self.sink_context)
            return self._sinks[key]

    @cached_property
    def sink_context(self) -> SinkContext:
        from paperdrop.sync.zotero import ZoteroConfig

        s = self.settings
        zotero = ZoteroConfig(
            library_id=s.zotero_library_id,
            library_type=s.zotero_library_type,
            api_key=s.zotero_api_key,
            api_url=s.zotero_api_url,
        )
        return SinkContext(
            state_dir=self.state_dir(), zotero=zotero, zotero_timeout=s.zotero_timeout, bibtex=self.bibtex_options
        )

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

    def close(self) -> None:
        self.db.dispose()
