"""The JSON API under /api/v1 (contract in docs/design.md "HTTP API"). Views only translate HTTP to services."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, jsonify, request
from pydantic import BaseModel, ValidationError

from paperdrop.server import __version__
from paperdrop.server.api.body import json_body
from paperdrop.server.api.openapi import build_document, operation
from paperdrop.server.api.schemas import (
    ClipIn,
    ClipList,
    ClipOut,
    ClipsAccepted,
    ClipsIn,
    ClipsQuery,
    ExportQuery,
    Health,
    LibraryOut,
    LibraryQuery,
    PaperDetail,
    PaperPage,
    PapersQuery,
    ResolveIn,
    RetryOut,
    TargetCheckIn,
    TargetCheckOut,
    TargetList,
)
from paperdrop.server.api.serialize import answer_json, clip_json, paper_detail_json, paper_summary_json
from paperdrop.server.errors import ApiError, validation_details
from paperdrop.server.runtime import Runtime
from paperdrop.server.security import require_token
from paperdrop.server.services.export import export_bibtex
from paperdrop.server.services.library import PaperQuery, clips_with_delivery, holdings, list_papers
from paperdrop.server.services.outcome import Links, target_label
from paperdrop.server.services.requeue import retry_paper
from paperdrop.server.services.review import ClipNotFound, UnknownPaper, choose_paper
from paperdrop.server.services.save import Rejection, save_clips
from paperdrop.server.services.targets import check_target_spec, list_targets
from paperdrop.server.store.models import Paper
from paperdrop.sync.errors import InputError, TransientError
from paperdrop.sync.records import ClipInput

bp = Blueprint("api", __name__, url_prefix="/api/v1")
Q = TypeVar("Q", bound=BaseModel)


def rt() -> Runtime:
    runtime: Runtime = current_app.extensions["paperdrop"]
    return runtime


def links() -> Links:
    """Dashboard links of outcomes, on the address the caller used to reach this server."""
    return Links(request.host_url)


@bp.before_request
def _authenticate() -> None:
    if request.endpoint != "api.health":
        require_token()


@bp.get("/health")
@operation("/health", "get", "Service status, version and queue depth", response=Health, auth=False)
def health() -> Response:
    return jsonify(
        {"status": "ok", "app": "paperdrop", "version": __version__, "queue": {"pending": rt().queue.pending()}}
    )


@bp.get("/openapi.json")
@operation("/openapi.json", "get", "This document")
def openapi() -> Response:
    return jsonify(build_document(__version__, rt().settings))


@bp.post("/clips")
@operation(
    "/clips", "post", "Store clips; answers in order, one per paper", body=ClipsIn, response=ClipsAccepted, status=202
)
def post_clips() -> tuple[Response, int]:
    body = ClipsIn.model_validate(json_body())
    items = [_paper(index, paper) for index, paper in enumerate(body.papers)]
    result = save_clips(rt(), items, body.target, links=links(), coalesce=True)
    answers = [answer_json(a) for a in result.answers]
    if result.target is None:  # the target itself was refused: no paper can be saved
        refused = answers[0]["outcome"]
        detail = {"location": "target", "message": refused["message"], "type": "invalid_target"}
        raise ApiError(422, "invalid_request", " ".join(filter(None, (refused["message"], refused["fix"]))), [detail])
    if not result.stored_any:
        details = [d for item in items if isinstance(item, Rejection) for d in item.details]
        message = answers[0]["outcome"]["message"] if len(answers) == 1 else "None of the papers could be saved."
        raise ApiError(422, "invalid_request", message, details)
    return jsonify({"clips": answers}), 202


def _paper(index: int, raw: Any) -> ClipInput | Rejection:
    """One paper of a POST, checked on its own: an unusable one is answered as rejected, not the request."""
    try:
        paper = ClipIn.model_validate(raw)
    except ValidationError as exc:
        details = [dict(d, location=f"papers.{index}.{d['location']}".rstrip(".")) for d in validation_details(exc)]
        problems = "; ".join(f"{d['location']}: {d['message']}" for d in details)
        return Rejection(InputError(f"Paper {index + 1} cannot be saved ({problems}).", fix=ClipIn.FIX), details)
    return ClipInput(**paper.model_dump())


@bp.get("/clips")
@operation("/clips", "get", "Several clips at once (polling)", response=ClipList, query=ClipsQuery)
def get_clips() -> Response:
    ids = _query(ClipsQuery).id_list
    with rt().db.reading() as session:
        found = clips_with_delivery(session, ids)
        return jsonify({"clips": [clip_json(clip, delivery, links()) for clip, delivery in found]})


@bp.get("/clips/<id:clip_id>")
@operation("/clips/{clip_id}", "get", "A clip, its paper, its delivery and its outcome", response=ClipOut)
def get_clip(clip_id: int) -> Response:
    return jsonify(_clip_answer(clip_id))


def _clip_answer(clip_id: int) -> dict[str, Any]:
    with rt().db.reading() as session:
        found = clips_with_delivery(session, [clip_id])
        if not found:
            raise ApiError(404, "not_found", f"There is no clip {clip_id}.")
        return clip_json(*found[0], links())


@bp.post("/clips/<id:clip_id>/resolve")
@operation(
    "/clips/{clip_id}/resolve",
    "post",
    "Settle a clip with the arXiv id a person chose",
    body=ResolveIn,
    response=ClipOut,
    status=202,
)
def resolve_clip(clip_id: int) -> tuple[Response, int]:
    body = ResolveIn.model_validate(json_body())
    try:  # the id is looked up first: a typo is refused here, not found failed later
        choose_paper(rt(), clip_id, body.arxiv_id, check=True)
    except ClipNotFound as exc:
        raise ApiError(404, "not_found", str(exc)) from exc
    except UnknownPaper as exc:
        raise ApiError(422, "unknown_paper", str(exc), [UnknownPaper.FIX]) from exc
    except TransientError as exc:
        raise ApiError(
            503, "arxiv_unavailable", f"arXiv cannot check the id right now: {exc.message}", [], retry_after=30
        ) from exc
    return jsonify(_clip_answer(clip_id)), 202


@bp.get("/library")
@operation(
    "/library", "get", "Which of these papers are saved already, and where", response=LibraryOut, query=LibraryQuery
)
def get_library() -> Response:
    pages = links()
    with rt().db.reading() as session:
        found = holdings(session, _query(LibraryQuery).id_list)
    papers = [
        {
            "arxiv_id": h.arxiv_id,
            "paper_id": h.paper_id,
            "saved": [{"target": t, "label": target_label(t)} for t in h.saved],
            "saving": [{"target": t, "label": target_label(t)} for t in h.saving],
            "links": {"paper": pages.paper(h.paper_id)},
        }
        for h in found
    ]
    return jsonify(LibraryOut.model_validate({"papers": papers}).model_dump(mode="json"))


@bp.get("/papers")
@operation("/papers", "get", "The library, newest first", response=PaperPage, query=PapersQuery)
def get_papers() -> Response:
    query = _paper_query()
    with rt().db.reading() as session:
        papers, total = list_papers(session, query)
        items = [paper_summary_json(p) for p in papers]
    return jsonify({"papers": items, "total": total, "page": query.page, "per_page": query.per_page})


def _query(model: type[Q]) -> Q:
    """The query string checked against its model (the one error shape when it does not match)."""
    return model.model_validate(request.args.to_dict())


def _paper_query() -> PaperQuery:
    args = _query(PapersQuery)
    target = _filter_target(args.target)
    return PaperQuery(state=args.state, target=target, q=args.q, page=args.page, per_page=args.per_page)


def _filter_target(value: str | None) -> str | None:
    """A target to filter by: a name or spec as the user writes it; one that names no target matches nothing
    (a filter is a question, not a request to write anywhere)."""
    if value is None:
        return None
    try:
        return str(rt().settings.resolve_target(value))
    except InputError:
        return value


@bp.get("/papers/<id:paper_id>")
@operation("/papers/{paper_id}", "get", "A paper with its clips and deliveries", response=PaperDetail)
def get_paper(paper_id: int) -> Response:
    with rt().db.reading() as session:
        paper = session.get(Paper, paper_id)
        if paper is None:
            raise ApiError(404, "not_found", f"There is no paper {paper_id}.")
        return jsonify(paper_detail_json(paper))


@bp.post("/papers/<id:paper_id>/retry")
@operation("/papers/{paper_id}/retry", "post", "Requeue the paper's failed deliveries", response=RetryOut)
def post_retry(paper_id: int) -> Response:
    with rt().db.session() as session:
        if session.get(Paper, paper_id) is None:
            raise ApiError(404, "not_found", f"There is no paper {paper_id}.")
        targets = retry_paper(session, paper_id)
    rt().queue.enqueue_deliver_many(targets)
    return jsonify({"requeued": len(targets)})


@bp.get("/targets")
@operation("/targets", "get", "Targets and whether each is reachable (no secrets)", response=TargetList)
def get_targets() -> Response:
    return jsonify(list_targets(rt()))


@bp.post("/targets/check")
@operation(
    "/targets/check",
    "post",
    "Whether a target typed by a user may be saved to, and if not what is wrong and how to fix it",
    body=TargetCheckIn,
    response=TargetCheckOut,
)
def post_target_check() -> Response:
    body = TargetCheckIn.model_validate(json_body())
    return jsonify(check_target_spec(rt(), body.target))


@bp.get("/export.bib")
@operation("/export.bib", "get", "BibTeX of stored papers", query=ExportQuery, content_type="application/x-bibtex")
def export_bib() -> Response:
    text = export_bibtex(rt(), target=_filter_target(_query(ExportQuery).target))
    return Response(
        text, mimetype="application/x-bibtex", headers={"Content-Disposition": 'inline; filename="paperdrop.bib"'}
    )
