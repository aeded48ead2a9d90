"""Fixtures for the BibTeX sink tests: paper records and sinks over real files in tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from paperdrop.sync.bibtex import BibtexOptions, BibtexSink
from paperdrop.sync.records import DeliveryRequest, PaperRecord
from paperdrop.sync.targets import DeliveryRun, TargetSpec

DATA = Path(__file__).parent / "data"


def make_paper(
    arxiv_id: str = "2403.12943",
    title: str = "Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers",
    authors: list[str] | None = None,
    year: int = 2024,
    **extra,
) -> PaperRecord:
    values = {
        "arxiv_id": arxiv_id,
        "version": 1,
        "title": title,
        "authors": authors if authors is not None else ["Vidhi Jain", "Maria Attarian", "Nikhil J Joshi"],
        "abstract": "We study robots.",
        "published": datetime(year, 3, 19, tzinfo=UTC),
        "updated": datetime(year, 3, 20, tzinfo=UTC),
        "primary_category": "cs.RO",
        "categories": ["cs.RO", "cs.AI"],
    }
    values.update(extra)
    return PaperRecord(**values)


def request(delivery_id: int, paper: PaperRecord, **kwargs) -> DeliveryRequest:
    return DeliveryRequest(delivery_id=delivery_id, paper=paper, **kwargs)


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    return tmp_path / "library" / "papers.bib"


@pytest.fixture
def make_sink(tmp_path: Path, bib: Path):
    bib.parent.mkdir(exist_ok=True)

    def factory(path: Path | None = None, **options) -> BibtexSink:
        target = TargetSpec("bibtex", str(path or bib))
        return BibtexSink(target, state_dir=tmp_path / "state", options=BibtexOptions(**options))

    return factory


@dataclass
class RecordingRun:
    """A DeliveryRun that records what the sink told the job; `waits_allowed` pauses are granted, then refused."""

    waits_allowed: int = 0
    missing: list[list[str]] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    on_wait: Callable[[], None] | None = None

    @property
    def run(self) -> DeliveryRun:
        return DeliveryRun(wait=self._wait, missing=self.missing.append)

    def _wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        if self.on_wait is not None:
            self.on_wait()
        return len(self.waits) <= self.waits_allowed
