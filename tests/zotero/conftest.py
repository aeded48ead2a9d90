"""Fixtures for the Zotero sink tests: a fake Zotero Web API, papers, requests and a manual clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from paperdrop.sync.arxiv import ArxivGate
from paperdrop.sync.arxiv.pdfs import PdfStore
from paperdrop.sync.records import ClipContext, DeliveryOutcome, DeliveryRequest, PaperRecord
from paperdrop.sync.targets import DeliveryRun, TargetSpec
from paperdrop.sync.zotero import ZoteroConfig, ZoteroOptions, ZoteroSink
from tests.fakes.arxiv import FakeArxiv
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


class RecordingRun:
    """A job's side of `DeliveryRun`: waits move the manual clock (the job slept exactly that long) up to
    `max_wait`; progress reports and missing copies are kept for the test to read."""

    def __init__(self, clock: ManualClock, max_wait: float = 30.0):
        self.clock, self.max_wait = clock, max_wait
        self.waits: list[float] = []
        self.progress: list[DeliveryOutcome] = []
        self.missing: list[str] = []

    def run(self) -> DeliveryRun:
        return DeliveryRun(progress=self.progress.extend, wait=self._wait, missing=self.missing.extend)

    def _wait(self, seconds: float) -> bool:
        if seconds > self.max_wait:
            return False
        self.waits.append(seconds)
        self.clock.now += seconds
        return True


@pytest.fixture
def job(clock: ManualClock) -> RecordingRun:
    return RecordingRun(clock)


@pytest.fixture
def arxiv_pdfs(tmp_path: Path):
    """The fake arXiv serving PDFs for any id, and the PDF store of PaperDrop pointed at it."""
    with FakeArxiv(corpus=[]) as fake:
        fake.pdfs_for_any_id = True
        store = PdfStore(
            base_url=fake.pdf_url,
            gate=ArxivGate(0, tmp_path / "arxiv"),
            cache_dir=tmp_path / "pdfs",
            user_agent="PaperDrop-tests (mailto:tests@example.org)",
        )
        yield fake, store
        store.close()


@pytest.fixture
def make_sink(fake: FakeZotero, tmp_path: Path, clock: ManualClock, arxiv_pdfs):
    sinks: list[ZoteroSink] = []

    def build(
        path: str = "Reading/Robotics",
        *,
        api_key: str | None = API_KEY,
        library_id: str = str(USER_ID),
        library_type: str = "user",
        state_dir: Path | None = None,
        timeout: float = 2.0,
        options: ZoteroOptions | None = None,
        shared_backoff=None,
    ) -> ZoteroSink:
        config = ZoteroConfig(library_id=library_id, library_type=library_type, api_key=api_key, api_url=fake.url)
        sink = ZoteroSink(
            config,
            TargetSpec("zotero", path),
            state_dir=state_dir or tmp_path / "state",
            timeout=timeout,
            clock=clock,
            options=options,
            pdfs=arxiv_pdfs[1],
            shared_backoff=shared_backoff,
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
