"""Fixtures of the browser tests: fake arXiv, a real `paperdrop serve`, fixture pages, Chromium + extension."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.browser.harness import Extension, PageServer, launch, settings_for
from tests.fakes.arxiv import FakeArxiv, load_corpus
from tests.support.server import ServerProcess


def _title_key(title: str) -> str:
    return re.sub(r"\W+", " ", title.lower()).strip()


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    """Corpus papers whose titles no other corpus paper shares: the BibTeX target dedupes by normalized
    title, so a shared title would truthfully show "Already in papers.bib"."""
    papers = load_corpus()
    counts = Counter(_title_key(p["title"]) for p in papers)
    return [p for p in papers if counts[_title_key(p["title"])] == 1]


@pytest.fixture(scope="session")
def arxiv():
    with FakeArxiv(corpus=load_corpus()) as fake:
        yield fake


@pytest.fixture
def paperdrop(tmp_path: Path, arxiv):
    """A PaperDrop server that is not started yet: tests start (and stop) it when they need to."""
    server = ServerProcess(tmp_path / "home", env={"PAPERDROP_ARXIV_API_URL": arxiv.url})
    yield server
    server.stop()


@pytest.fixture
def pages():
    with PageServer() as server:
        yield server


@pytest.fixture
def browser(playwright, tmp_path: Path, pages):
    ctx = launch(playwright, tmp_path / "profile", pages)
    yield ctx
    ctx.close()


@pytest.fixture
def extension(browser, paperdrop) -> Extension:
    ext = Extension(browser)
    ext.configure(**settings_for(paperdrop.url, paperdrop.token))
    return ext
