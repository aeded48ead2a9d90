"""ArxivService.fetch and the HTTP policy under it, against the fake arXiv."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from paperdrop.sync.errors import InputError, TransientError


def test_fetch_batches_ids_by_100_with_max_results_set_to_the_batch_size(fake, make_service, corpus):
    ids = [p["id"] for p in corpus[:250]]

    papers = make_service(fake.url).fetch(ids)

    assert list(papers) == ids
    assert [len(r.params["id_list"].split(",")) for r in fake.requests] == [100, 100, 50]
    assert [r.params["max_results"] for r in fake.requests] == ["100", "100", "50"]
    assert {r.method for r in fake.requests} == {"GET"}  # arxiv.Client asks with GET; batches keep URLs short


def test_fetch_leaves_unknown_ids_out_after_asking_again(fake, make_service):
    papers = make_service(fake.url).fetch(["2403.12943", "2403.99999", "arXiv:2408.03906v1"])

    assert list(papers) == ["2403.12943", "2408.03906"]
    assert [r.params["id_list"] for r in fake.requests] == [
        "2403.12943,2403.99999,2408.03906",
        "2403.99999",
        "2403.99999",
    ]


def test_fetch_asks_again_when_a_page_comes_back_empty(fake, make_service):
    fake.inject("empty")

    papers = make_service(fake.url).fetch(["2403.12943"])

    assert list(papers) == ["2403.12943"]
    assert [r.fault for r in fake.requests] == ["empty", None]


def test_fetch_rejects_malformed_ids_before_any_request(fake, make_service):
    with pytest.raises(InputError) as error:
        make_service(fake.url).fetch(["2403.12943", "2403.129", "foo"])

    assert "'2403.129'" in str(error.value) and "'foo'" in str(error.value)
    assert fake.requests == []


def test_fetch_maps_every_atom_field(fake, make_service):
    paper = make_service(fake.url).fetch(["2403.12943"])["2403.12943"]

    assert paper.version == 2
    assert paper.title == "Vid2Robot: End-to-end Video-conditioned Policy Learning with Cross-Attention Transformers"
    assert paper.abstract.startswith("While large-scale robotic systems") and "\n" not in paper.abstract
    assert paper.authors and all(isinstance(a, str) for a in paper.authors)
    assert paper.published.tzinfo == UTC and paper.updated > paper.published
    assert (paper.primary_category, paper.categories) == ("cs.RO", ["cs.RO", "cs.CV", "cs.LG"])
    assert paper.comment == "Robotics: Science and Systems (RSS 2024)"
    assert paper.journal_ref == "Robotics: Science and Systems 2024"
    assert paper.doi == "10.15607/RSS.2024.XX.052"
    assert paper.pdf_url == "https://arxiv.org/pdf/2403.12943v2"
    assert paper.abs_url == "https://arxiv.org/abs/2403.12943"


def test_fetch_keeps_tex_and_old_style_ids(fake, make_service):
    papers = make_service(fake.url).fetch(["hep-th/9901001v1", "math.GT/0309136"])

    assert papers["hep-th/9901001"].title == "Holography and the $AdS_5 \\times S^5$ Background Revisited"
    assert papers["math.GT/0309136"].version == 1
    assert isinstance(papers["hep-th/9901001"].published, datetime)


def test_fetch_waits_as_retry_after_says_when_rate_limited(fake, make_service, sleeps):
    fake.inject(("429", 7), "503")

    papers = make_service(fake.url).fetch(["2403.12943"])

    assert "2403.12943" in papers
    assert [r.status for r in fake.requests] == [429, 503, 200]
    assert sleeps[0] == 7.0
    assert 0 < sleeps[1] < 1  # exponential backoff with jitter, tiny in tests


@pytest.mark.parametrize("fault", ["drop", "stall", "429", "503"])
def test_fetch_retries_transient_failures(fake, make_service, fault):
    fake.stall_seconds = 0.5
    fake.inject(fault)

    papers = make_service(fake.url, timeout=0.2).fetch(["2403.12943"])

    assert list(papers) == ["2403.12943"]
    assert len(fake.requests) == 2


def test_fetch_raises_transient_error_when_the_short_budget_is_spent(fake, make_service):
    fake.inject(*["503"] * 10)

    with pytest.raises(TransientError):
        make_service(fake.url, short_retries=3).fetch(["2403.12943"])

    assert len(fake.requests) == 4


def test_fetch_hands_a_long_retry_after_to_the_job(fake, make_service):
    fake.inject(("429", 600))

    with pytest.raises(TransientError) as error:
        make_service(fake.url).fetch(["2403.12943"])

    assert error.value.retry_after == 600.0
    assert len(fake.requests) == 1


def test_client_does_not_retry_http_400_and_reports_arxivs_message(fake, make_service):
    service = make_service(fake.url)

    with pytest.raises(InputError) as error:
        service.client.query(search_query="ti:vid2robot:end", max_results=5, expect_results=True)

    assert "malformed term" in str(error.value)
    assert service.requests_made == len(fake.requests) == 1


def test_service_sends_its_user_agent(fake, make_service):
    make_service(fake.url, user_agent="PaperDrop/test (+mailto:x@example.org)").fetch(["2403.12943"])

    assert [r.user_agent for r in fake.requests] == ["PaperDrop/test (+mailto:x@example.org)"]


def test_paper_changes_reports_a_new_version_doi_or_journal_ref(fake, make_service):
    from dataclasses import replace

    from paperdrop.sync.arxiv import paper_changes

    old = make_service(fake.url).fetch(["2403.12943"])["2403.12943"]
    new = replace(old, version=3, doi="10.1000/new", title="Edited title")

    assert paper_changes(old, old) == {}
    assert paper_changes(old, new) == {"version": (2, 3), "doi": ("10.15607/RSS.2024.XX.052", "10.1000/new")}


def test_lookup_finds_the_paper_an_id_names(fake, make_service):
    paper = make_service(fake.url).lookup("https://arxiv.org/abs/2403.12943v1")

    assert (paper.arxiv_id, paper.version) == ("2403.12943", 2)
    assert [r.params["id_list"] for r in fake.requests] == ["2403.12943"]


def test_lookup_answers_none_for_an_unknown_id_after_asking_once_more(fake, make_service):
    assert make_service(fake.url).lookup("2401.99999") is None
    assert len(fake.requests) == 2  # an empty answer may be arXiv's flaky page: asked again


def test_lookup_gives_up_soon_when_arxiv_keeps_failing(fake, make_service):
    fake.inject("503", "503", "503", "503")

    with pytest.raises(TransientError):
        make_service(fake.url).lookup("2403.12943")
    assert len(fake.requests) == 2  # a person is waiting: not the whole short-retry budget


def test_lookup_refuses_a_malformed_id_without_asking(fake, make_service):
    with pytest.raises(InputError):
        make_service(fake.url).lookup("2403.129")
    assert fake.requests == []
