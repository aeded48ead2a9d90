"""Fixtures shared by every suite: a temporary PaperDrop home, runtime, Flask app and client, fake arXiv, and
the store they use.

Stores: every test runs on SQLite (a file in its home) unless its module or the test is marked
`pytest.mark.both_stores`: then it runs twice, `[sqlite]` and `[postgres]`, the second on a fresh database of
a throw-away PostgreSQL cluster (tests/support/postgres.py, one per test session). `--store=postgres` runs
every test on PostgreSQL instead. The URL reaches make_settings() and processes started through
tests/support/server.py (PAPERDROP_DATABASE_URL).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdrop.server.app import create_app
from paperdrop.server.config import load_settings
from paperdrop.server.runtime import Runtime
from tests.support.server import database_url, set_database_url

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
    if database_url():
        values["database_url"] = database_url()
    values.update(overrides)
    return load_settings(values, environ={})


STORES = ("sqlite", "postgres")


def pytest_addoption(parser):
    parser.addoption(
        "--store",
        choices=STORES,
        default=None,
        help="run every test on this store (default: SQLite; tests marked both_stores run on both)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "both_stores: run on SQLite and on PostgreSQL (tests/conftest.py)")


def pytest_generate_tests(metafunc):
    forced = metafunc.config.getoption("--store")
    if forced:
        metafunc.parametrize("store_url", [forced], indirect=True)
    elif metafunc.definition.get_closest_marker("both_stores"):
        metafunc.parametrize("store_url", STORES, indirect=True)


@pytest.fixture(scope="session")
def postgres():
    """One throw-away PostgreSQL cluster for the test session (tests/support/postgres.py)."""
    from tests.support.postgres import PostgresCluster

    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture(autouse=True)
def store_url(request):
    """The store of this test: None for SQLite, else the URL of a fresh PostgreSQL database (dropped after)."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield None
        return
    cluster = request.getfixturevalue("postgres")
    url = cluster.create_database()
    set_database_url(url)
    try:
        yield url
    finally:
        set_database_url(None)
        cluster.drop_database(url)


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
