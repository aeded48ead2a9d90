"""Dashboard fixtures: a signed-in test client, CSRF tokens read from the pages, and stored papers and clips."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from paperdrop.server.store import lifecycle
from paperdrop.server.store.clips import store_clips
from paperdrop.server.store.models import Clip, Delivery
from paperdrop.server.store.papers import upsert_paper
from paperdrop.sync.records import ClipInput, PaperRecord
from paperdrop.sync.targets import parse_target_spec
from tests.conftest import TOKEN

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def page_csrf(client, path: str = "/review") -> str:
    """The CSRF token of the client's session, as a page renders it into its forms."""
    response = client.get(path)
    assert response.status_code == 200
    return csrf_from(response.get_data(as_text=True))


def sign_in(client, token: str = TOKEN, next_path: str | None = None):
    token_field = csrf_from(client.get("/sign-in").get_data(as_text=True))
    data = {"csrf_token": token_field, "token": token}
    if next_path is not None:
        data["next"] = next_path
    return client.post("/sign-in", data=data)


@pytest.fixture
def signed_in(client):
    response = sign_in(client)
    assert response.status_code == 303
    return client


def record(arxiv_id: str, title: str, **fields) -> PaperRecord:
    values = {
        "version": 1,
        "authors": ["Ada Lovelace", "Alan Turing"],
        "abstract": "An abstract.",
        "published": datetime(2024, 3, 19, tzinfo=UTC),
        "updated": datetime(2024, 3, 20, tzinfo=UTC),
        "primary_category": "cs.RO",
        "categories": ["cs.RO", "cs.LG"],
        "abs_url": f"https://arxiv.org/abs/{arxiv_id}",
        "pdf_url": f"https://arxiv.org/pdf/{arxiv_id}",
    }
    values.update(fields)
    return PaperRecord(arxiv_id=arxiv_id, title=title, **values)


def add_paper(
    rt,
    arxiv_id: str,
    title: str,
    deliveries: dict[str, dict] | None = None,
    source_url: str | None = "https://huggingface.co/papers",
    **fields,
) -> int:
    """A resolved clip, its paper and deliveries with the given columns (target spec -> column values)."""
    deliveries = deliveries if deliveries is not None else {default_target(rt): {"state": "pending"}}
    with rt.db.session() as session:
        paper, _ = upsert_paper(session, record(arxiv_id, title, **fields))
        for target, columns in deliveries.items():
            (stored,) = store_clips(
                session,
                [ClipInput(arxiv_id=arxiv_id, source_url=source_url, source_site="huggingface")],
                parse_target_spec(target),
            )
            clip = session.get(Clip, stored.id)
            lifecycle.clip_resolved(session, clip, paper)
            delivery = session.scalars(
                select(Delivery).where(Delivery.paper_id == paper.id, Delivery.target == target)
            ).one()
            for name, value in columns.items():
                setattr(delivery, name, value)
        return paper.id


def add_review_clip(rt, title: str, candidates: list[tuple[PaperRecord, float, list[str]]], **fields) -> int:
    with rt.db.session() as session:
        (stored,) = store_clips(session, [ClipInput(title=title, **fields)], parse_target_spec(default_target(rt)))
        clip = session.get(Clip, stored.id)
        clip.status = "needs_review"
        clip.last_error = "Several arXiv papers could be this one; choose the right one."
        clip.candidates = [{"paper": p.to_dict(), "score": s, "reasons": r} for p, s, r in candidates]
        session.flush()
        return clip.id


def default_target(rt) -> str:
    return str(rt.settings.resolve_target(None))


def get_clip(rt, clip_id: int) -> Clip:
    with rt.db.session() as session:
        return session.get(Clip, clip_id)


def get_deliveries(rt, paper_id: int) -> list[Delivery]:
    with rt.db.session() as session:
        return list(session.query(Delivery).filter_by(paper_id=paper_id).order_by(Delivery.id))
