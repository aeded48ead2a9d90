"""BibTeX of stored papers (`paperdrop export`, GET /export.bib, the dashboard's copy button), under the
citekeys their BibTeX deliveries gave them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from paperdrop.server.store.models import Delivery, DeliveryState, Paper
from paperdrop.server.store.papers import to_record
from paperdrop.sync.bibtex import make_citekey, render_entries
from paperdrop.sync.records import PaperRecord

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime


def export_bibtex(rt: Runtime, target: str | None = None) -> str:
    """BibTeX of stored papers: those delivered to `target` (a spec) with their citekeys, or every paper."""
    options = rt.bibtex_options
    with rt.db.reading() as session:
        stmt = select(Paper).options(selectinload(Paper.deliveries)).order_by(Paper.id)
        spec = target
        if spec:
            stmt = stmt.join(Delivery).where(Delivery.target == spec, Delivery.state == DeliveryState.DELIVERED)
        papers = list(session.scalars(stmt))
        items: list[tuple[PaperRecord, str]] = []
        taken: set[str] = set()
        for paper in papers:
            key = _stored_key(paper, spec)
            if not key or key in taken:
                key = make_citekey(to_record(paper), taken, pattern=options.key_pattern)
            taken.add(key)
            items.append((to_record(paper), key))
    return render_entries(items, options)


def _stored_key(paper: Paper, spec: str | None) -> str | None:
    """The citekey a BibTeX delivery gave the paper: a paper keeps its key everywhere it is exported."""
    for delivery in paper.deliveries:
        if delivery.target.startswith("bibtex:") and delivery.remote_key and spec in (None, delivery.target):
            return delivery.remote_key
    return None


def paper_bibtex(rt: Runtime, paper: Paper) -> str:
    """The BibTeX entry of one stored paper (deliveries loaded), under the citekey a BibTeX delivery gave it."""
    options = rt.bibtex_options
    record = to_record(paper)
    key = _stored_key(paper, None) or make_citekey(record, set(), pattern=options.key_pattern)
    return render_entries([(record, key)], options)
