"""Published versions through the server's jobs: Crossref asked when arXiv reports a publisher DOI (at the first
save or a refresh), the Zotero item made or turned in place into the published type; Crossref being down never
blocks a save."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from paperdrop.server.jobs.foreground import run_until_settled
from paperdrop.server.jobs.refresh import refresh_papers
from paperdrop.server.runtime import Runtime
from paperdrop.server.services.save import save_clips
from paperdrop.server.store.models import Paper, utcnow
from paperdrop.sync.records import ClipInput
from tests.conftest import make_settings
from tests.fakes.arxiv import FakeArxiv, load_corpus
from tests.fakes.crossref import FakeCrossref
from tests.fakes.zotero import FakeZotero

from .conftest import API_KEY, USER_ID

PAPER = "2403.12943"  # arXiv reports the publisher DOI 10.15607/RSS.2024.XX.052 for it (tests/data/arxiv_corpus.json)
RSS = {
    "DOI": "10.15607/RSS.2024.XX.052",
    "type": "proceedings-article",
    "title": ["Vid2Robot"],
    "container-title": ["Robotics: Science and Systems XX"],
    "page": "052",
    "published": {"date-parts": [[2024, 7, 15]]},
    "event": {"name": "Robotics: Science and Systems 2024"},
}


@pytest.fixture
def services(tmp_path):
    with FakeArxiv(corpus=load_corpus()) as arxiv, FakeCrossref() as crossref, FakeZotero() as zotero:
        arxiv.pdfs_for_any_id = True
        zotero.add_key(API_KEY, user_id=USER_ID)
        rt = Runtime(
            make_settings(
                tmp_path / "home",
                arxiv_api_url=arxiv.url,
                arxiv_pdf_url=arxiv.pdf_url,
                crossref_api_url=crossref.url,
                contact_email="me@example.org",
                zotero_api_url=zotero.url,
                zotero_library_id=str(USER_ID),
                zotero_api_key=API_KEY,
                default_target="zotero:Reading",
            )
        )
        yield rt, crossref, zotero
        rt.close()


def _save(rt, arxiv_id):
    clip_ids = save_clips(rt, [ClipInput(arxiv_id=arxiv_id)], None).clip_ids
    progress = run_until_settled(rt, clip_ids, timeout=60, poll=0.05)
    assert all(r.settled for r in progress.results)


def test_first_save_of_a_published_paper_makes_the_published_item(services):
    rt, crossref, zotero = services
    crossref.add(RSS)
    _save(rt, PAPER)
    [item] = zotero.items()
    assert (item["itemType"], item["proceedingsTitle"], item["date"]) == (
        "conferencePaper",
        "Robotics: Science and Systems XX",
        "2024-07-15",
    )
    assert item["url"] == f"https://arxiv.org/abs/{PAPER}" and item["extra"].startswith(f"arXiv:{PAPER} [cs.RO]")
    assert [r.mailto for r in crossref.requests] == ["me@example.org"]


def test_crossref_down_saves_a_preprint_and_the_refresh_upgrades_it_in_place(services):
    rt, crossref, zotero = services
    crossref.inject("outage", "outage")
    _save(rt, PAPER)
    [item] = zotero.items()
    assert item["itemType"] == "preprint" and item["DOI"] == RSS["DOI"]
    crossref.add(RSS)
    with rt.db.session() as session:  # a week later
        session.execute(update(Paper).values(fetched_at=utcnow() - timedelta(days=8)))
    report = refresh_papers(rt)
    assert report.targets == {"zotero:Reading"}
    from paperdrop.server.jobs.deliver import deliver_target

    deliver_target(rt, "zotero:Reading")
    [upgraded] = zotero.items()
    assert upgraded["key"] == item["key"] and upgraded["itemType"] == "conferencePaper"
    assert upgraded["proceedingsTitle"] == "Robotics: Science and Systems XX" and "archiveID" not in upgraded
    assert len(zotero.items(children=True)) == len(zotero.children(item["key"])) + 1
