"""Failed page: clips that never became papers, with their error, a retry, and a way to give the right id."""

from __future__ import annotations

import html

import pytest

from paperdrop.server.jobs.resolve import resolve_clips
from paperdrop.server.services.save import save_clips
from paperdrop.server.store.models import Clip
from paperdrop.sync.records import ClipInput
from tests.dashboard.conftest import get_clip, page_csrf


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def failed_id(rt):
    """A clip whose id arXiv does not have, resolved: it failed."""
    (clip_id,) = save_clips(rt, [ClipInput(arxiv_id="2401.99999", source_site="huggingface.co")], None).clip_ids
    resolve_clips(rt, [clip_id])
    assert get_clip(rt, clip_id).status == "failed"
    return clip_id


def test_failed_lists_each_failed_clip_with_its_error_and_fix(signed_in, failed_id):
    page = text(signed_in.get("/failed"))

    assert "<title>Failed (1) · PaperDrop</title>" in page
    assert f'id="clip-{failed_id}"' in page and "arXiv:2401.99999" in page
    assert "arXiv has no paper 2401.99999." in page and "Check the id; withdrawn or mistyped ids" in page
    assert 'aria-label="1 failed">1</span>' in text(signed_in.get("/"))  # counted in the navigation


def test_failed_is_reachable_from_the_library_failed_filter(signed_in, failed_id):
    page = text(signed_in.get("/?state=failed"))

    assert "1 clip failed before becoming a paper" in page and 'href="/failed"' in page


def test_failed_retry_tries_the_clip_again(signed_in, rt, failed_id):
    before = rt.queue.pending()

    response = signed_in.post(f"/failed/{failed_id}/retry", data={"csrf_token": page_csrf(signed_in, "/failed")})

    assert response.status_code == 303 and response.headers["Location"] == "/failed"
    assert get_clip(rt, failed_id).status == "received" and rt.queue.pending() == before + 1
    assert f"Trying clip {failed_id} again." in text(signed_in.get("/failed"))


def test_failed_retry_all_tries_every_shown_clip_again(signed_in, rt, failed_id):
    signed_in.post("/failed/retry", data={"csrf_token": page_csrf(signed_in, "/failed")})

    assert get_clip(rt, failed_id).status == "received"
    assert "Trying 1 clip again." in text(signed_in.get("/failed"))


def test_failed_clip_takes_the_right_id_after_it_is_checked(signed_in, rt, failed_id):
    csrf = page_csrf(signed_in, "/failed")

    signed_in.post(f"/failed/{failed_id}/choose", data={"csrf_token": csrf, "arxiv_id": "2401.99998"})
    assert get_clip(rt, failed_id).status == "failed"
    assert "arXiv has no paper 2401.99998." in text(signed_in.get("/failed"))

    signed_in.post(f"/failed/{failed_id}/choose", data={"csrf_token": csrf, "arxiv_id": "arXiv:2408.03906v1"})
    resolve_clips(rt, [failed_id])
    clip = get_clip(rt, failed_id)
    assert (clip.status, clip.arxiv_id) == ("resolved", "2408.03906")


def test_failed_retry_of_a_clip_that_has_not_failed_changes_nothing(signed_in, rt):
    (clip_id,) = save_clips(rt, [ClipInput(arxiv_id="2403.12943")], None).clip_ids

    signed_in.post(f"/failed/{clip_id}/retry", data={"csrf_token": page_csrf(signed_in, "/failed")})

    assert get_clip(rt, clip_id).status == "received"
    assert "has not failed" in text(signed_in.get("/failed"))
    assert signed_in.post("/failed/999/retry", data={"csrf_token": page_csrf(signed_in, "/failed")}).status_code == 404


def test_failed_page_escapes_what_pages_said(signed_in, rt):
    (clip_id,) = save_clips(rt, [ClipInput(title="<img src=x onerror=alert(1)> Gravity of Teacups")], None).clip_ids
    with rt.db.session() as session:
        clip = session.get(Clip, clip_id)
        clip.status, clip.last_error = "failed", "<script>alert(2)</script>"

    body = signed_in.get("/failed").get_data(as_text=True)

    assert "<img src=x" not in body and "<script>alert(2)" not in body
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in body
