"""Library and paper pages: states per target, filters, search, pages, escaping; retry and BibTeX."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.dashboard.conftest import add_paper, default_target, get_deliveries, page_csrf

ZOTERO = "zotero:Reading/Robotics"
SCRIPT_TITLE = '<script>alert("pwned")</script> Attention Is All You Need'


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_library_shows_each_paper_with_its_state_per_target(signed_in, rt):
    bib = default_target(rt)
    add_paper(
        rt,
        "2403.12943",
        "Vid2Robot: End-to-end Video-conditioned Policy Learning",
        {
            bib: {"state": "delivered", "remote_key": "lovelace2024vid2robot"},
            ZOTERO: {
                "state": "pending",
                "next_attempt_at": datetime(2030, 1, 2, 3, 4, tzinfo=UTC),
                "last_error": "Zotero answered 503.",
            },
        },
    )
    add_paper(
        rt,
        "2408.03906",
        "Achieving Human Level Competitive Robot Table Tennis",
        {bib: {"state": "failed", "last_error": "The file is not writable."}},
    )

    page = text(signed_in.get("/"))

    assert "Vid2Robot: End-to-end Video-conditioned Policy Learning" in page
    assert "Ada Lovelace, Alan Turing" in page and "2024-03-19" in page and "huggingface" in page
    assert "delivered" in page
    assert "next attempt 2030-01-02 03:04 UTC" in page and "Zotero answered 503." in page
    assert "failed" in page and "The file is not writable." in page
    assert "2 papers" in page


def test_library_filters_by_state_and_target(signed_in, rt):
    bib = default_target(rt)
    add_paper(rt, "2403.12943", "Delivered Paper", {bib: {"state": "delivered"}})
    add_paper(rt, "2408.03906", "Failed Paper", {bib: {"state": "failed", "last_error": "x"}})
    add_paper(rt, "2409.12192", "Zotero Paper", {ZOTERO: {"state": "pending"}})

    failed = text(signed_in.get("/?state=failed"))
    zotero = text(signed_in.get("/", query_string={"target": ZOTERO}))

    assert "Failed Paper" in failed and "Delivered Paper" not in failed and "Zotero Paper" not in failed
    assert "Zotero Paper" in zotero and "Failed Paper" not in zotero


@pytest.mark.parametrize("query", ["table tennis", "Lovelace", "2408.03906"])
def test_library_search_finds_title_words_authors_and_ids(signed_in, rt, query):
    add_paper(rt, "2408.03906", "Achieving Human Level Competitive Robot Table Tennis", authors=["Ada Lovelace"])
    add_paper(rt, "2403.12943", "Vid2Robot", authors=["Grace Hopper"])

    page = text(signed_in.get("/", query_string={"q": query}))

    assert "Robot Table Tennis" in page and "Vid2Robot" not in page


def test_library_pages_through_many_papers_newest_first(signed_in, rt):
    for n in range(60):
        add_paper(rt, f"2401.{n:05d}", f"Paper number {n:02d}")

    first, second = text(signed_in.get("/")), text(signed_in.get("/?page=2"))

    assert "page 1 of 2" in first and "Paper number 59" in first and "Paper number 09" not in first
    assert "Paper number 09" in second and "Paper number 59" not in second
    assert 'rel="next" href="/?page=2"' in signed_in.get("/").get_data(as_text=True)


def test_library_ignores_filter_values_it_never_offers(signed_in, rt):
    add_paper(rt, "2403.12943", "Vid2Robot")

    response = signed_in.get("/?state=bogus&page=x&target=nonsense")

    assert response.status_code == 200 and "Vid2Robot" in text(response)


@pytest.mark.parametrize("path", ["/", "/papers/{paper}"])
def test_page_escapes_a_title_containing_a_script_tag(signed_in, rt, path):
    paper = add_paper(rt, "2403.12943", SCRIPT_TITLE, abstract='<img src=x onerror="alert(1)">')

    body = signed_in.get(path.format(paper=paper)).get_data(as_text=True)

    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in body


def test_page_never_links_a_javascript_source_url(signed_in, rt):
    paper = add_paper(rt, "2403.12943", "Vid2Robot", source_url="javascript:alert(1)")

    for path in ("/", f"/papers/{paper}"):
        body = signed_in.get(path).get_data(as_text=True)
        assert 'href="javascript:' not in body and "huggingface" in body


def test_paper_page_shows_metadata_clips_deliveries_and_remote_identity(signed_in, rt, monkeypatch):
    config = signed_in.application.config
    monkeypatch.setitem(config, "PAPERDROP_SETTINGS", replace(rt.settings, zotero_library_id="475425"))
    bib = default_target(rt)
    paper = add_paper(
        rt,
        "2403.12943",
        "Vid2Robot",
        {
            bib: {"state": "delivered", "remote_key": "lovelace2024vid2robot", "attempts": 1},
            ZOTERO: {"state": "delivered", "remote_key": "ABCD2345", "remote_version": 7, "attempts": 2},
        },
        comment="Robotics: Science and Systems 2024",
        doi="10.1234/rss.2024",
    )

    page = text(signed_in.get(f"/papers/{paper}"))

    assert "<title>Vid2Robot · PaperDrop</title>" in page
    assert "2403.12943v1" in page and "cs.RO" in page and "Robotics: Science and Systems 2024" in page
    assert "10.1234/rss.2024" in page and "An abstract." in page
    assert 'href="https://www.zotero.org/users/475425/items/ABCD2345"' in page and "(version 7)" in page
    assert "citekey lovelace2024vid2robot" in page.replace("<code>", "").replace("</code>", "")
    assert "from https://huggingface.co/papers" not in page and 'href="https://huggingface.co/papers"' in page
    assert page.count("Clip ") == 2


def test_paper_page_offers_bibtex_under_the_delivered_citekey(signed_in, rt):
    paper = add_paper(
        rt,
        "2403.12943",
        "Vid2Robot",
        {default_target(rt): {"state": "delivered", "remote_key": "lovelace2024vid2robotx"}},
    )

    page = text(signed_in.get(f"/papers/{paper}"))

    assert "@misc{lovelace2024vid2robotx," in page and "eprint = {2403.12943}" in page
    assert 'data-copy-from="bibtex"' in page


def test_paper_page_answers_404_for_an_unknown_paper(signed_in):
    response = signed_in.get("/papers/999")

    assert response.status_code == 404 and "There is no paper 999" in text(response)


def test_paper_retry_requeues_failed_deliveries_and_enqueues_them(signed_in, rt):
    paper = add_paper(
        rt,
        "2403.12943",
        "Vid2Robot",
        {default_target(rt): {"state": "failed", "attempts": 10, "last_error": "disk full"}},
    )
    before = rt.queue.pending()

    response = signed_in.post(f"/papers/{paper}/retry", data={"csrf_token": page_csrf(signed_in)})

    assert response.status_code == 303 and response.headers["Location"] == f"/papers/{paper}"
    (delivery,) = get_deliveries(rt, paper)
    assert (delivery.state, delivery.attempts) == ("pending", 0)
    assert rt.queue.pending() == before + 1
    assert "Trying again to deliver this paper" in text(signed_in.get(f"/papers/{paper}"))


def test_paper_retry_says_so_when_nothing_failed(signed_in, rt):
    paper = add_paper(rt, "2403.12943", "Vid2Robot", {default_target(rt): {"state": "delivered"}})

    signed_in.post(f"/papers/{paper}/retry", data={"csrf_token": page_csrf(signed_in)})

    assert "Nothing to retry" in text(signed_in.get(f"/papers/{paper}"))
    assert [d.state for d in get_deliveries(rt, paper)] == ["delivered"]
