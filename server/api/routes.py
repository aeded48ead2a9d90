"""The JSON API under /api/v1 (contract in DESIGN.md "HTTP API"). Views only translate HTTP to services."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from paperdrop.server import __version__
from paperdrop.server.api.openapi import build_document, operation
from paperdrop.server.api.schemas import (
    ClipList,
    ClipOut,
    ClipsAccepted,
    ClipsIn,
    Health,
    PaperDetail,
    PaperPage,
    ResolveIn,
    RetryOut,
    TargetList,
)
from paperdrop.server.api.serialize import clip_brief, clip_json, delivery_json, paper_json
from paperdrop.server.errors import ApiError
from paperdrop.server.jobs.resolve import settle_review
from paperdrop.server.security import require_token
from paperdrop.server.services.library import PAPER_STATES, PaperQuery, list_papers
from paperdrop.server.services.requeue import retry_paper
from paperdrop.server.services.targets import export_bibtex, list_targets
from paperdrop.server.store.models import CLIP_NEEDS_REVIEW, CLIP_RECEIVED, Clip, Paper
from paperdrop.sync.records import ClipInput
from sqlalchemy import select
from sqlalchemy.orm import selectinload

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_IDS_PER_LOOKUP = 500
WITH_DELIVERIES = selectinload(Clip.paper).selectinload(Paper.deliveries)  # what clip_json shows


def rt():
    return current_app.extensions["paperdrop"]


@bp.before_request
def _authenticate() -> None:
    if request.endpoint != "api.health":
        require_token()


def _json_body() -> Any:
    if not request.is_json:
        raise ApiError(
            415, "unsupported_media_type", "Send the body as JSON.", ["Set 'Content-Type: application/json'."]
        )
    raw = request.get_data(cache=False)
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {exc}.") from exc


def _review_url(clip: Clip) -> str | None:
    return f"{request.host_url}review#clip-{clip.id}" if clip.status == CLIP_NEEDS_REVIEW else None


def _load_clip(session, clip_id: int) -> Clip:
    clip = session.scalar(select(Clip).options(WITH_DELIVERIES).where(Clip.id == clip_id))
    if clip is None:
        raise ApiError(404, "not_found", f"There is no clip {clip_id}.")
    return clip


@bp.get("/health")
@operation("/health", "get", "Service status, version and queue depth", response=Health, auth=False)
def health():
    return jsonify(
        {"status": "ok", "app": "paperdrop", "version": __version__, "queue": {"pending": rt().queue.pending()}}
    )


@bp.get("/openapi.json")
@operation("/openapi.json", "get", "This document")
def openapi():
    return jsonify(build_document(__version__))


@bp.post("/clips")
@operation(
    "/clips", "post", "Store clips; answers in order, one per paper", body=ClipsIn, response=ClipsAccepted, status=202
)
def post_clips():
    body = ClipsIn.model_validate(_json_body())
    spec = rt().settings.resolve_target(body.target)
    inputs = [ClipInput(**paper.model_dump()) for paper in body.papers]
    stored = rt().intake.store(inputs, spec)
    rt().queue.defer_resolve(sorted({s.id for s in stored if s.status == CLIP_RECEIVED}))
    if any(s.duplicate for s in stored):  # their failed deliveries were reopened
        rt().queue.enqueue_deliver(str(spec))  # after the commit: a job never sees an uncommitted clip
    answer = [{"id": s.id, "status": s.status, "paper_id": s.paper_id, "duplicate": s.duplicate} for s in stored]
    return jsonify({"clips": answer}), 202


@bp.get("/clips")
@operation(
    "/clips", "get", "Several clips at once (polling)", response=ClipList, query={"ids": "comma-separated clip ids"}
)
def get_clips():
    try:
        ids = [int(x) for x in request.args.get("ids", "").split(",") if x.strip()]
    except ValueError as exc:
        raise ApiError(400, "invalid_ids", "ids must be comma-separated numbers.") from exc
    if len(ids) > MAX_IDS_PER_LOOKUP:
        raise ApiError(400, "too_many_ids", f"Ask for at most {MAX_IDS_PER_LOOKUP} clips at once.")
    with rt().db.reading() as session:
        clips = session.scalars(select(Clip).options(WITH_DELIVERIES).where(Clip.id.in_(ids)).order_by(Clip.id))
        return jsonify({"clips": [clip_json(c, _review_url(c)) for c in clips]})


@bp.get("/clips/<int:clip_id>")
@operation("/clips/{clip_id}", "get", "A clip, its paper and its deliveries", response=ClipOut)
def get_clip(clip_id: int):
    with rt().db.reading() as session:
        clip = _load_clip(session, clip_id)
        return jsonify(clip_json(clip, _review_url(clip)))


@bp.post("/clips/<int:clip_id>/resolve")
@operation(
    "/clips/{clip_id}/resolve",
    "post",
    "Settle a clip with the arXiv id a person chose",
    body=ResolveIn,
    response=ClipOut,
    status=202,
)
def resolve_clip(clip_id: int):
    body = ResolveIn.model_validate(_json_body())
    with rt().db.session() as session:
        clip = _load_clip(session, clip_id)
        settle_review(clip, body.arxiv_id)
        session.flush()
        answer = clip_json(clip)
    rt().queue.enqueue_resolve([clip_id])
    return jsonify(answer), 202


@bp.get("/papers")
@operation(
    "/papers",
    "get",
    "The library, newest first",
    response=PaperPage,
    query={
        "state": "pending | delivered | failed",
        "q": "title words, author or arXiv id",
        "target": "a target spec",
        "page": "1-based page",
        "per_page": "1..200",
    },
)
def get_papers():
    query = _paper_query()
    with rt().db.reading() as session:
        papers, total = list_papers(session, query)
        items = [dict(paper_json(p), deliveries=[delivery_json(d) for d in p.deliveries]) for p in papers]
    return jsonify({"papers": items, "total": total, "page": query.page, "per_page": query.per_page})


def _paper_query() -> PaperQuery:
    args = request.args
    state = args.get("state") or None
    if state and state not in PAPER_STATES:
        raise ApiError(400, "invalid_state", f"state must be one of {', '.join(PAPER_STATES)}.")
    try:
        page, per_page = int(args.get("page", 1)), int(args.get("per_page", 50))
    except ValueError as exc:
        raise ApiError(400, "invalid_page", "page and per_page must be numbers.") from exc
    if page < 1 or not 1 <= per_page <= 200:
        raise ApiError(400, "invalid_page", "page starts at 1; per_page is between 1 and 200.")
    target = args.get("target") or None
    if target:
        target = str(rt().settings.resolve_target(target))
    return PaperQuery(state=state, target=target, q=args.get("q") or None, page=page, per_page=per_page)


@bp.get("/papers/<int:paper_id>")
@operation("/papers/{paper_id}", "get", "A paper with its clips and deliveries", response=PaperDetail)
def get_paper(paper_id: int):
    with rt().db.reading() as session:
        paper = session.get(Paper, paper_id)
        if paper is None:
            raise ApiError(404, "not_found", f"There is no paper {paper_id}.")
        return jsonify(
            dict(
                paper_json(paper),
                clips=[clip_brief(c) for c in paper.clips],
                deliveries=[delivery_json(d) for d in paper.deliveries],
            )
        )


@bp.post("/papers/<int:paper_id>/retry")
@operation("/papers/{paper_id}/retry", "post", "Requeue the paper's failed deliveries", response=RetryOut)
def post_retry(paper_id: int):
    with rt().db.session() as session:
        if session.get(Paper, paper_id) is None:
            raise ApiError(404, "not_found", f"There is no paper {paper_id}.")
        targets = retry_paper(session, paper_id)
    rt().queue.enqueue_deliver_many(targets)
    return jsonify({"requeued": len(targets)})


@bp.get("/targets")
@operation("/targets", "get", "Targets and whether each is reachable (no secrets)", response=TargetList)
def get_targets():
    return jsonify(list_targets(rt()))


@bp.get("/export.bib")
@operation(
    "/export.bib",
    "get",
    "BibTeX of stored papers",
    query={"target": "only papers delivered there"},
    content_type="application/x-bibtex",
)
def export_bib():
    target = request.args.get("target") or None
    text = export_bibtex(rt(), target=target)
    return Response(
        text, mimetype="application/x-bibtex", headers={"Content-Disposition": 'inline; filename="paperdrop.bib"'}
    )
