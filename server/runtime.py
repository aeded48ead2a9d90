"""Everything a process of PaperDrop shares: settings, the store, the job queue, arXiv and the sinks.

Built once per process (web app, worker, CLI) from the loaded settings; services receive it explicitly.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from pathlib import Path

from paperdrop.server.config import Settings, load_settings
from paperdrop.server.store.db import Database
from paperdrop.server.store.leases import RetryPolicy
from paperdrop.sync.targets import TargetSpec

log = logging.getLogger(__name__)

USER_AGENT = "PaperDrop/{version} (+https://github.com/paperdrop/paperdrop; one request per {delay:g} s)"


class Runtime:
    def __init__(self, settings: Settings | None = None, *, migrate: bool = True):
        self.settings = settings or load_settings()
        self.home.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.settings.database_url)
        if migrate:
            self.db.migrate()
        self.policy = RetryPolicy(self.settings.retry_base, self.settings.retry_max, self.settings.max_attempts)
        self._sinks: dict[str, object] = {}
        self._lock = threading.Lock()

    @property
    def home(self) -> Path:
        return self.settings.home_path

    def state_dir(self, name: str) -> Path:
        path = self.home / "state" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @cached_property
    def queue(self):
        from paperdrop.server.jobs.queue import JobQueue

        return JobQueue(self)

    @cached_property
    def intake(self):
        from paperdrop.server.store.intake import IntakeWriter

        return IntakeWriter(self.db)

    @cached_property
    def arxiv(self):
        from paperdrop.server import __version__
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

    def sink(self, spec: TargetSpec):
        """The sink for a target, one instance per process (they keep indexes and caches)."""
        key = str(spec)
        with self._lock:
            if key not in self._sinks:
                self._sinks[key] = self._make_sink(spec)
            return self._sinks[key]

    def _make_sink(self, spec: TargetSpec):
        s = self.settings
        if spec.kind == "zotero":
            from paperdrop.sync.zotero import ZoteroConfig, ZoteroSink

            config = ZoteroConfig(
                library_id=s.zotero_library_id,
                library_type=s.zotero_library_type,
                api_key=s.zotero_api_key,
                api_url=s.zotero_api_url,
            )
            return ZoteroSink(config, spec, state_dir=self.state_dir("zotero"), timeout=s.zotero_timeout)
        from paperdrop.sync.bibtex import BibtexSink

        return BibtexSink(spec, state_dir=self.state_dir("bibtex"), options=self.bibtex_options())

    def bibtex_options(self):
        from paperdrop.sync.bibtex import BibtexOptions

        s = self.settings
        return BibtexOptions(
            key_pattern=s.bibtex_key_pattern,
            include_abstract=s.bibtex_abstract,
            include_keywords=s.bibtex_keywords,
            note=s.bibtex_note,
        )

    def close(self) -> None:
        self.db.dispose()
