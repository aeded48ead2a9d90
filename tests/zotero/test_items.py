"""Items as Zotero's arXiv translator makes them, written through pyzotero to the fake Zotero."""

from __future__ import annotations

from datetime import UTC, datetime

from paperdrop.sync.records import ClipContext
from paperdrop.sync.zotero.items import attachment_key, note_key, split_name

from .conftest import make_paper, make_requests


def test_sink_deliver_creates_preprint_like_the_arxiv_translator(fake, make_sink):
    sink = make_sink()
    [request] = make_requests(sink, [make_paper(1)])
    [outcome] = sink.deliver([request])
    [item] = fake.items_in_collection("Reading/Robotics")
    assert outcome.status == "delivered" and outcome.remote_key == request.remote_key == item["key"]
    assert outcome.remote_version == item["version"]
    expected = {
        "itemType": "preprint",
        "title": "Learning Robot Skill 1: $\\alpha$-Nets",
        "abstractNote": "We study skill 1. More.",
        "date": "2024-04-02",
        "url": "https://arxiv.org/abs/2403.10001",
        "repository": "arXiv",
        "archiveID": "arXiv:2403.10001",
        "DOI": "10.48550/arXiv.2403.10001",
        "libraryCatalog": "arXiv.org",
        "extra": "arXiv:2403.10001 [cs.RO]",
    }
    assert {name: item[name] for name in expected} == expected
    assert item["creators"][2] == {"creatorType": "author", "firstName": "Nikhil J", "lastName": "Joshi1"}
    assert item["tags"] == [{"tag": "cs.RO", "type": 1}, {"tag": "cs.LG", "type": 1}]
    assert item["collections"] == [fake.collection_key("Reading/Robotics")]


def test_sink_deliver_adds_note_and_pdf_link_with_derived_keys(fake, make_sink):
    sink = make_sink()
    context = ClipContext(
        source_url="https://huggingface.co/papers?date=2024-03-20",
        source_site="Hugging Face",
        extra={"upvotes": 42, "github": "https://github.com/a/b<script>", "project_page": "javascript:alert(1)"},
        clipped_at=datetime(2024, 3, 20, tzinfo=UTC),
    )
    [request] = make_requests(sink, [make_paper(2, comment="Accepted <b>at</b> ICRA & co")], contexts=[context])
    sink.deliver([request])
    children = {c["itemType"]: c for c in fake.children(request.remote_key)}
    assert children["note"]["key"] == note_key(request.remote_key)
    note = children["note"]["note"]
    assert "Comment: Accepted &lt;b&gt;at&lt;/b&gt; ICRA &amp; co" in note
    assert '<a href="https://huggingface.co/papers?date=2024-03-20">Hugging Face</a>' in note
    assert "42 upvotes" in note and "&lt;script&gt;" in note and "<script>" not in note
    assert 'href="javascript:' not in note
    pdf = children["attachment"]
    assert pdf["key"] == attachment_key(request.remote_key)
    assert (pdf["linkMode"], pdf["url"], pdf["contentType"]) == (
        "linked_url",
        "https://arxiv.org/pdf/2403.10002v2",
        "application/pdf",
    )


def test_sink_deliver_keeps_arxiv_identity_when_paper_has_publisher_doi(fake, make_sink):
    sink = make_sink()
    paper = make_paper(3, doi="10.1109/ICRA.2024.123", journal_ref="ICRA 2024, pp. 1-8")
    [request] = make_requests(sink, [paper])
    sink.deliver([request])
    [item] = fake.items()
    assert item["DOI"] == "10.1109/ICRA.2024.123"
    assert item["extra"].splitlines() == [
        "arXiv:2403.10003 [cs.RO]",
        "arXiv DOI: 10.48550/arXiv.2403.10003",
        "Journal reference: ICRA 2024, pp. 1-8",
    ]
    assert item["url"] == "https://arxiv.org/abs/2403.10003" and item["archiveID"] == "arXiv:2403.10003"
    note = next(c for c in fake.children(item["key"]) if c["itemType"] == "note")["note"]
    assert 'href="https://doi.org/10.1109/ICRA.2024.123"' in note


def test_split_name_follows_translator_rules():
    assert split_name("Ludwig van  Beethoven") == {
        "creatorType": "author",
        "firstName": "Ludwig van",
        "lastName": "Beethoven",
    }
    assert split_name("Curie, Marie") == {"creatorType": "author", "firstName": "Marie", "lastName": "Curie"}
    assert split_name("Plato") == {"creatorType": "author", "name": "Plato"}
