"""Crossref's REST API through PaperDrop's client, against the fake speaking Crossref's JSON."""

from __future__ import annotations

import pytest

from paperdrop.sync.crossref import CrossrefClient
from paperdrop.sync.errors import TransientError
from tests.fakes.crossref import FakeCrossref


@pytest.fixture
def crossref():
    with FakeCrossref() as fake:
        yield fake


@pytest.fixture
def client(crossref, tmp_path):
    made = CrossrefClient(
        api_url=crossref.url, contact_email="me@example.org", state_dir=tmp_path, pace=0, sleep=lambda s: None
    )
    yield made
    made.close()


def test_crossref_publication_reads_the_documentation_example(client):
    publication = client.publication("10.5555/12345678")
    assert publication is not None
    assert (publication.type, publication.container_title, publication.volume, publication.issue) == (
        "journal-article",
        "Journal of Psychoceramics",
        "5",
        "11",
    )
    assert (publication.pages, publication.date, publication.issn) == ("1-3", "2008-08-13", ["0264-3561"])


def test_crossref_publication_keeps_partial_dates_and_proceedings_fields(client):
    assert client.publication("10.1086/507935").date == "2006-12"
    proceedings = client.publication("10.1145/3610548.3618154")
    assert proceedings.type == "proceedings-article" and proceedings.event == "SA '23: SIGGRAPH Asia 2023"


def test_crossref_publication_is_none_for_unknown_dois_and_posted_content(client):
    assert client.publication("10.9999/nobody.knows") is None
    assert client.publication("10.5555/preprint.1") is None


def test_crossref_asks_politely_and_once(client, crossref):
    client.publication("10.5555/12345678")
    client.publication("10.5555/12345678")
    client.publication("10.9999/nobody.knows")
    client.publication("10.9999/nobody.knows")
    assert len(crossref.requests) == 2  # answers and misses are cached
    assert all(r.mailto == "me@example.org" and "mailto:me@example.org" in r.user_agent for r in crossref.requests)


def test_crossref_retries_a_busy_answer_then_gives_up_as_transient(client, crossref):
    crossref.inject("429")
    assert client.publication("10.5555/12345678") is not None
    crossref.inject("outage", "outage", "outage", "outage")
    with pytest.raises(TransientError):
        client.publication("10.1086/672573")
