"""Review page: clips that need a decision with ranked candidates; choose, enter an id, or dismiss."""

from __future__ import annotations

import html

import pytest

from paperdrop.server.jobs.resolve import resolve_clips
from tests.dashboard.conftest import add_review_clip, get_clip, page_csrf, record


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def clip_id(rt):
    candidates = [
        (
            record(
                "2403.12943",
                "Vid2Robot: End-to-end Video-conditioned Policy Learning",
                authors=["Vidhi Jain", "Maria Attarian"],
            ),
            0.83,
            ["title 0.83", "1/2 authors"],
        ),
        (record("2408.03906", "Achieving Human Level Competitive Robot Table Tennis"), 0.61, ["title 0.61"]),
    ]
    return add_review_clip(
        rt,
        "Vid2Robot: Video-conditioned Policy Learning",
        candidates,
        source_url="https://huggingface.co/papers/date/2024-03-20",
        source_site="huggingface",
    )


def test_review_lists_each_clip_with_ranked_candidates_and_why(signed_in, clip_id):
    response = signed_in.get("/review")
    page = text(response)

    assert f'id="clip-{clip_id}"' in page
    assert "<title>Review (1) · PaperDrop</title>" in page
    assert "Vid2Robot: Video-conditioned Policy Learning" in page
    assert page.index("Vid2Robot: End-to-end") < page.index("Robot Table Tennis")  # ranked
    assert "Vidhi Jain, Maria Attarian" in page and "2024-03-19" in page
    assert "score 0.83: title 0.83, 1/2 authors" in page
    assert "Several arXiv papers could be this one" in page


def test_review_count_shows_in_the_navigation(signed_in, clip_id):
    page = signed_in.get("/").get_data(as_text=True)

    assert 'aria-label="1 waiting">1</span>' in page


def test_review_choose_settles_the_clip_and_enqueues_it(signed_in, rt, clip_id):
    before = rt.queue.pending()

    response = signed_in.post(
        f"/review/{clip_id}/choose", data={"csrf_token": page_csrf(signed_in), "arxiv_id": "2403.12943"}
    )

    assert response.status_code == 303 and response.headers["Location"] == "/review"
    clip = get_clip(rt, clip_id)
    assert (clip.status, clip.arxiv_id) == ("received", "2403.12943")
    assert rt.queue.pending() == before + 1
    page = text(signed_in.get("/review"))
    assert f"Clip {clip_id} will be saved as arXiv:2403.12943." in page and "Nothing needs review." in page


def test_review_choice_is_resolved_through_arxiv(signed_in, rt, clip_id):
    signed_in.post(f"/review/{clip_id}/choose", data={"csrf_token": page_csrf(signed_in), "arxiv_id": "2403.12943"})

    resolve_clips(rt, [clip_id])

    clip = get_clip(rt, clip_id)
    assert clip.status == "resolved" and clip.paper_id is not None
    assert "Vid2Robot: End-to-end" in text(signed_in.get(f"/papers/{clip.paper_id}"))


def test_review_accepts_an_entered_arxiv_link(signed_in, rt, clip_id):
    signed_in.post(
        f"/review/{clip_id}/choose",
        data={"csrf_token": page_csrf(signed_in), "arxiv_id": " https://arxiv.org/abs/2409.12192v2 "},
    )

    assert get_clip(rt, clip_id).arxiv_id == "2409.12192"


def test_review_refuses_an_entry_that_is_not_an_arxiv_id(signed_in, rt, clip_id):
    response = signed_in.post(
        f"/review/{clip_id}/choose", data={"csrf_token": page_csrf(signed_in), "arxiv_id": "not an id"}
    )

    assert response.headers["Location"] == f"/review#clip-{clip_id}"
    assert get_clip(rt, clip_id).status == "needs_review"
    assert "not an id is not an arXiv id" in text(signed_in.get("/review"))


def test_review_dismiss_takes_the_clip_out_of_review(signed_in, rt, clip_id):
    signed_in.post(f"/review/{clip_id}/dismiss", data={"csrf_token": page_csrf(signed_in)})

    assert get_clip(rt, clip_id).status == "dismissed"
    page = text(signed_in.get("/review"))
    assert f'id="clip-{clip_id}"' not in page and f"Clip {clip_id} dismissed" in page


def test_review_action_on_a_settled_clip_changes_nothing(signed_in, rt, clip_id):
    signed_in.post(f"/review/{clip_id}/dismiss", data={"csrf_token": page_csrf(signed_in)})

    signed_in.post(f"/review/{clip_id}/choose", data={"csrf_token": page_csrf(signed_in), "arxiv_id": "2403.12943"})

    assert get_clip(rt, clip_id).status == "dismissed"
    assert f"Clip {clip_id} was already settled." in text(signed_in.get("/review"))


def test_review_action_on_an_unknown_clip_is_404(signed_in):
    response = signed_in.post("/review/999/dismiss", data={"csrf_token": page_csrf(signed_in)})

    assert response.status_code == 404


def test_review_escapes_titles_from_the_web(signed_in, rt):
    evil = record("2403.12943", "<script>alert(1)</script>", authors=["<b>Mallory</b>"])
    add_review_clip(rt, "<img src=x onerror=alert(2)>", [(evil, 0.5, ["<i>why</i>"])])

    body = signed_in.get("/review").get_data(as_text=True)

    assert "<script>alert(1)" not in body and "<img src=x" not in body and "<b>Mallory" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "&lt;i&gt;why&lt;/i&gt;" in body


def test_review_refuses_an_id_arxiv_does_not_have_and_changes_nothing(signed_in, rt, clip_id, fake_arxiv):
    before = rt.queue.pending()

    response = signed_in.post(
        f"/review/{clip_id}/choose", data={"csrf_token": page_csrf(signed_in), "arxiv_id": "2401.99999"}
    )

    assert response.headers["Location"] == f"/review#clip-{clip_id}"
    clip = get_clip(rt, clip_id)
    assert (clip.status, clip.arxiv_id) == ("needs_review", None)
    assert rt.queue.pending() == before
    assert "arXiv has no paper 2401.99999. Check the id for a typo" in text(signed_in.get("/review"))
    assert {r.params.get("id_list") for r in fake_arxiv.requests} == {"2401.99999"}


def test_review_choice_is_looked_up_once_and_then_resolved_without_asking_again(signed_in, rt, clip_id, fake_arxiv):
    signed_in.post(f"/review/{clip_id}/choose", data={"csrf_token": page_csrf(signed_in), "arxiv_id": "2408.03906"})
    looked_up = len(fake_arxiv.requests)

    resolve_clips(rt, [clip_id])

    assert looked_up == 1 and len(fake_arxiv.requests) == 1  # the paper found is the resolve job's cache
    assert get_clip(rt, clip_id).status == "resolved"


def test_review_says_so_when_arxiv_cannot_be_asked_and_changes_nothing(signed_in, rt, clip_id, fake_arxiv):
    fake_arxiv.inject("503", "503")

    signed_in.post(f"/review/{clip_id}/choose", data={"csrf_token": page_csrf(signed_in), "arxiv_id": "2408.03906"})

    assert get_clip(rt, clip_id).status == "needs_review"
    assert "arXiv could not be asked whether 2408.03906 exists just now" in text(signed_in.get("/review"))
