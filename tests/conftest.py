"""Fixtures shared by every suite: a temporary PaperDrop home, runtime, Flask app and client, fake arXiv."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdrop.server.app import create_app
from paperdrop.server.config import load_settings
from paperdrop.server.runtime import Runtime

TOKEN = "test-token-0123456789abcdef"
HOST = "127.0.0.1:7077"


def make_settings(home: Path, **overrides):
    values = {
        "home": str(home),
        "token": TOKEN,
        "arxiv_api_url": "http://127.0.0.1:9/api/query",
        "arxiv_pdf_url": "http://127.0.0.1:9/pdf/",
        "crossref_api_url": "http://127.0.0.1:9",
        "arxiv_delay": 0.0,
        "arxiv_timeout": 5.0,
        "arxiv_retry_base": 0.01,
        "retry_base": 0.05,
        "retry_max": 0.5,
        "sweep_interval": 0.2,
        "lease_seconds": 30.0,
    }
    values.update(overrides)
    return load_settings(values, environ={})


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def fake_arxiv():
    from tests.fakes.arxiv import FakeArxiv, load_corpus

    with FakeArxiv(corpus=load_corpus()) as fake:
        yield fake


@pytest.fixture
def settings(home: Path, fake_arxiv):
    return make_settings(home, arxiv_api_url=fake_arxiv.url)


@pytest.fixture
def rt(settings):
    runtime = Runtime(settings)
    yield runtime
    runtime.close()


@pytest.fixture
def app(rt):
    return create_app(runtime=rt)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def playwright():
    """One Playwright driver for every browser suite (its sync API allows one per thread). A missing
    Chromium fails the browser tests, never skips them."""
    from playwright.sync_api import sync_playwright

    chromium = Path("/usr/bin/chromium")  # Debian's package: `playwright install` cannot download browsers here
    assert chromium.exists(), f"{chromium} is missing: apt-get install -y chromium"
    with sync_playwright() as pw:
        yield pw


@pytest.fixture
def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}", "Host": HOST}
