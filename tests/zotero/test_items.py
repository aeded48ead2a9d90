"""Item details beyond the translator's cases: options, notes, versions, published types and their updates."""

from __future__ import annotations

from datetime import UTC, datetime

from paperdrop.sync.records import ClipContext, Publication
from paperdrop.sync.zotero import ZoteroOptions
from paperdrop.sync.zotero.items import CONTEXT_NOTE_TITLE, short_title, split_name

from .conftest import make_paper, make_requests

JOURNAL = Publication(
    doi="10.1109/LRA.2024.1",
    type="journal-article",
    container_title="IEEE Robotics and Automation Letters",
    volume="9",
    issue="4",
    pages="101-108",
    date="2024-05",
    issn=["2377-3766"],
    short_container_title="IEEE Robot. Autom. Lett.",
)


def test_sink_deliver_tags_with_category_codes_when_asked(fake, make_sink):
    sink = make_sink(options=ZoteroOptions(tags="codes"))
    sink.deliver(make_requests(sink, [make_paper(1)]))
    [item] = fake.items()
    assert item["tags"] == [{"tag": "cs.RO", "type": 1}, {"tag": "cs.LG", "type": 1}]


def test_sink_deliver_tags_with_subject_names_by_default(fake, make_sink):
    sink = make_sink()
    sink.deliver(make_requests(sink, [make_paper(1)]))
    assert [t["tag"] for t in fake.items()[0]["tags"]] == [
        "Computer Science - Robotics",
        "Computer Science - Machine Learning",
    ]


def test_sink_deliver_writes_where_it_was_found_in_a_separate_escaped_note(fake, make_sink):
    sink = make_sink()
    context = ClipContext(
        source_url="https://huggingface.co/papers?date=2024-03-20",
        source_site="Hugging Face",
        extra={"upvotes": 42, "github": "https://github.com/a/b<script>", "project_page": "javascript:alert(1)"},
        clipped_at=datetime(2024, 3, 20, tzinfo=UTC),
    )
    [request] = make_requests(sink, [make_paper(2, comment="Accepted <b>at</b> ICRA & co")], contexts=[context])
    request.versions = [1]
    sink.deliver([request])
    notes = sorted((c["note"] for c in fake.children(request.remote_key) if c["itemType"] == "note"), key=len)
    assert notes[0] == "Comment: Accepted &lt;b&gt;at&lt;/b&gt; ICRA &amp; co"
    found = notes[1]
    assert found.startswith(f"<h1>{CONTEXT_NOTE_TITLE}</h1>")
    assert '<a href="https://huggingface.co/papers?date=2024-03-20">Hugging Face</a>' in found
    assert "42 upvotes" in found and "&lt;script&gt;" in found and "<script>" not in found
    assert 'href="javascript:' not in found and "a link to v1; this item describes v2" in found
    assert fake.items()[0]["extra"] == "arXiv:2403.10002 [cs.RO]\nversion: 1"


def test_sink_deliver_leaves_out_the_found_note_when_turned_off(fake, make_sink):
    sink = make_sink(options=ZoteroOptions(context_note=False))
    context = ClipContext(source_url="https://huggingface.co/papers", source_site="Hugging Face")
    [request] = make_requests(sink, [make_paper(1)], contexts=[context])
    sink.deliver([request])
    assert [c["note"] for c in fake.children(request.remote_key) if c["itemType"] == "note"] == [
        "Comment: 12 pages, 5 figures"
    ]


def test_sink_deliver_makes_the_published_item_type_and_keeps_the_arxiv_identity(fake, make_sink):
    sink = make_sink()
    paper = make_paper(3, doi=JOURNAL.doi, journal_ref="RA-L 9(4)", publication=JOURNAL)
    sink.deliver(make_requests(sink, [paper]))
    [item] = fake.items()
    assert (item["itemType"], item["publicationTitle"], item["journalAbbreviation"]) == (
        "journalArticle",
        "IEEE Robotics and Automation Letters",
        "IEEE Robot. Autom. Lett.",
    )
    assert (item["volume"], item["issue"], item["pages"], item["date"], item["ISSN"]) == (
        "9",
        "4",
        "101-108",
        "2024-05",
        "2377-3766",
    )
    assert item["DOI"] == JOURNAL.doi and item["extra"] == "arXiv:2403.10003 [cs.RO]"
    assert item["url"] == "https://arxiv.org/abs/2403.10003" and "archiveID" not in item
    assert {c["title"] for c in fake.children(item["key"]) if c["itemType"] == "attachment"} == {"Preprint PDF"}


def test_sink_deliver_turns_a_preprint_into_its_published_version_in_place(fake, make_sink):
    sink = make_sink()
    [request] = make_requests(sink, [make_paper(4)])
    [first] = sink.deliver([request])
    request.paper = make_paper(4, doi=JOURNAL.doi, publication=JOURNAL)
    request.update, request.remote_version = True, first.remote_version
    [second] = sink.deliver([request])
    [item] = fake.items()
    assert second.status == "delivered" and second.remote_key == first.remote_key == item["key"]
    assert item["itemType"] == "journalArticle" and item["publicationTitle"] == JOURNAL.container_title
    assert item.get("publisher", "") == "" and "repository" not in item and "archiveID" not in item
    assert len(fake.items(children=True)) == 3 and len(fake.library().files) == 1


def test_short_title_follows_zotero():
    assert short_title("BERT: Pre-training of Deep Bidirectional Transformers") == "BERT"
    assert short_title("Is attention all you need? A study") == "Is attention all you need?"
    assert short_title("Why?") is None and short_title("Plain title") is None


def test_split_name_follows_translator_rules():
    assert split_name("Ludwig van  Beethoven") == {
        "creatorType": "author",
        "firstName": "Ludwig van",
        "lastName": "Beethoven",
    }
    assert split_name("Curie, Marie") == {"creatorType": "author", "firstName": "Marie", "lastName": "Curie"}
    assert split_name("Plato") == {"creatorType": "author", "name": "Plato"}
