"""Fixtures: the fake arXiv with the realistic corpus, services pointed at it, the sample digest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperdrop.sync.arxiv import ArxivService
from paperdrop.sync.digest import parse_source
from paperdrop.sync.records import TitleQuery
from tests.fakes.arxiv import CORPUS_PATH, FakeArxiv, load_corpus

DIGESTS = Path(__file__).resolve().parent.parent / "data" / "digests"


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    return load_corpus()


@pytest.fixture(scope="session")
def truth() -> dict[str, str]:
    """Digest title -> the arXiv id it really is."""
    return json.loads(CORPUS_PATH.read_text(encoding="utf-8"))["truth"]


@pytest.fixture
def fake(corpus):
    with FakeArxiv(corpus=corpus) as server:
        yield server


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_service(tmp_path, sleeps):
    """A service with tiny pacing; retry waits are recorded in `sleeps` instead of slept."""
    services = []

    def make(url: str, **kwargs) -> ArxivService:
        options = {
            "delay": 0.0,
            "state_dir": tmp_path / "state",
            "backoff_base": 0.01,
            "timeout": 5.0,
            "sleep": sleeps.append,
            **kwargs,
        }
        service = ArxivService(api_url=url, **options)
        services.append(service)
        return service

    yield make
    for service in services:
        service.close()


@pytest.fixture(scope="session")
def sample_queries() -> list[TitleQuery]:
    clips = parse_source((DIGESTS / "hf-papers-digest.txt").read_bytes(), filename="hf-papers-digest.txt").clips
    return [TitleQuery(title=c.title, abstract=c.abstract, authors=c.authors) for c in clips]


@pytest.fixture(scope="session")
def truth_86() -> list[tuple[str, str]]:
    """The 86-paper digest (tests/data/digests/hf-papers-digest-86.txt): (title, arXiv id) in order."""
    return [tuple(pair) for pair in json.loads(CORPUS_PATH.read_text(encoding="utf-8"))["truth_86"]]
