"""Fixtures for the Zotero sink tests: a fake Zotero Web API, papers, requests and a manual clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from paperdrop.sync.records import ClipContext, DeliveryRequest, PaperRecord
from paperdrop.sync.targets import TargetSpec
from paperdrop.sync.zotero import ZoteroConfig, ZoteroSink
from tests.fakes.zotero import FakeZotero

API_KEY = "TESTKEY0123456789"
USER_ID = 123


class ManualClock:
    """Wall time the test moves by hand, so back-off waits cost nothing."""

    def __init__(self, start: float = 1_700_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float | None) -> None:
        self.now += (seconds or 0) + 0.001


@pytest.fixture
def fake() -> FakeZotero:
    with FakeZotero() as fz:
        fz.add_key(API_KEY, user_id=USER_ID, write=True)
        yield fz


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def make_sink(fake: FakeZotero, tmp_path: Path, clock: ManualClock):
    sinks: list[ZoteroSink] = []

    def build(
        path: str = "Reading/Robotics",
        *,
        api_key: str | None = API_KEY,
        library_id: str = str(USER_ID),
        library_type: str = "user",
        state_dir: Path | None = None,
        timeout: float = 2.0,
    ) -> ZoteroSink:
        config = ZoteroConfig(library_id=library_id, library_type=library_type, api_key=api_key, api_url=fake.url)
        sink = ZoteroSink(
            config, TargetSpec("zotero", path), state_dir=state_dir or tmp_path / "state", timeout=timeout, clock=clock
        )
        sinks.append(sink)
        return sink

    yield build
    for sink in sinks:
        sink.close()


def make_paper(n: int, **changes) -> PaperRecord:
    values = dict(
        arxiv_id=f"2403.{10000 + n}",
        version=2,
        title=f"Learning  Robot Skill {n}: $\\alpha$-Nets",
        authors=["Vidhi Jain", "Maria Attarian", f"Nikhil J Joshi{n}"],
        abstract=f"  We study skill {n}.\n More.",
        published=datetime(2024, 3, 19, tzinfo=UTC),
        updated=datetime(2024, 4, 2, 17, 0, tzinfo=UTC),
        primary_category="cs.RO",
        categories=["cs.RO", "cs.LG"],
        comment="12 pages, 5 figures",
        pdf_url=f"https://arxiv.org/pdf/2403.{10000 + n}v2",
    )
    values.update(changes)
    return PaperRecord(**values)


def make_requests(
    sink: ZoteroSink, papers: list[PaperRecord], *, first_id: int = 1, contexts: list[ClipContext] | None = None
) -> list[DeliveryRequest]:
    """Requests with keys from `prepare`, as the server persists them before `deliver`."""
    requests = [DeliveryRequest(first_id + i, paper, contexts=list(contexts or [])) for i, paper in enumerate(papers)]
    keys = sink.prepare(requests)
    for request in requests:
        request.remote_key = keys[request.delivery_id]
    return requests
