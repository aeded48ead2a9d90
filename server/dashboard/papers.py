"""Library and paper pages: papers with per-target states, filters, search, pages; retry; copy BibTeX."""

from __future__ import annotations

import math

from flask import abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from paperdrop.server.dashboard.blueprint import back, bp, rt
from paperdrop.server.services.export import paper_bibtex
from paperdrop.server.services.library import PAPER_STATES, PaperQuery, list_papers, paper_sources
from paperdrop.server.services.requeue import retry_paper
from paperdrop.server.services.targets import known_targets
from paperdrop.server.store.models import Paper
from paperdrop.sync.errors import InputError
from paperdrop.sync.text import CONTROL_CHARACTER

PER_PAGE = 50


def _query_from_args() -> PaperQuery:
    """Filters from the URL; a value the page cannot have offered is ignored rather than refused."""
    args = request.args
    state = args.get("state") if args.get("state") in PAPER_STATES else None
    target = _target_spec(args.get("target"))
    page = args.get("page", "1")
    return PaperQuery(
        state=state,
        target=target,
        q=CONTROL_CHARACTER.sub("", args.get("q") or "").strip() or None,  # never typed in the search box
        page=int(page) if page.isdigit() and int(page) > 0 else 1,
        per_page=PER_PAGE,
    )


def _target_spec(value: str | None) -> str | None:
    try:
        return str(rt().settings.resolve_target(value)) if value else None
    except InputError:
        return None


@bp.get("/")
def library():
    query = _query_from_args()
    targets = [str(spec) for _, spec in known_targets(rt())]
    with rt().db.reading() as session:
        papers, total = list_papers(session, query)
        sources = paper_sources(session, [p.id for p in papers])
        pages = max(1, math.ceil(total / query.per_page))
        return render_template(
            "dashboard/library.html",
            papers=papers,
            total=total,
            query=query,
            pages=pages,
            sources=sources,
            states=PAPER_STATES,
            targets=targets,
        )


@bp.get("/papers/<id:paper_id>")
def paper(paper_id: int):
    with rt().db.reading() as session:
        found = session.scalar(
            select(Paper).options(selectinload(Paper.clips), selectinload(Paper.deliveries)).where(Paper.id == paper_id)
        )
        if found is None:
            abort(404, description=f"There is no paper {paper_id} in the library.")
        bibtex = paper_bibtex(rt(), found)
        return render_template(
            "dashboard/paper.html",
            paper=found,
            bibtex=bibtex,
            can_retry=any(d.state in ("failed", "waiting_for_setup") for d in found.deliveries),
        )


@bp.post("/papers/<id:paper_id>/retry")
def retry(paper_id: int):
    with rt().db.session() as session:
        if session.get(Paper, paper_id) is None:
            abort(404, description=f"There is no paper {paper_id} in the library.")
        targets = retry_paper(session, paper_id)
    rt().queue.enqueue_deliver_many(targets)  # after the commit: a job never sees the old state
    if not targets:
        return back("dashboard.paper", "Nothing to retry: no delivery of this paper has failed.", paper_id=paper_id)
    names = ", ".join(targets)
    return back("dashboard.paper", f"Trying again to deliver this paper to {names}.", "success", paper_id=paper_id)
