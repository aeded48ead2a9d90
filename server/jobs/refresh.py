"""The refresh job: re-fetch delivered papers from arXiv (weekly by default) and update stale copies."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from paperdrop.server.jobs.resolve import find_publications
from paperdrop.server.store import lifecycle
from paperdrop.server.store.models import Delivery, DeliveryState, Paper, utcnow
from paperdrop.server.store.papers import set_publication, upsert_paper
from paperdrop.sync.errors import PaperDropError

if TYPE_CHECKING:
    from paperdrop.server.runtime import Runtime

log = logging.getLogger(__name__)

ID_BATCH = 100  # one arXiv id_list request (docs/reference.md: batches of <= 100)


@dataclass
class RefreshReport:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)


def stale_paper_ids(session: Session, max_age_days: float, limit: int) -> list[str]:
    cutoff = utcnow() - timedelta(days=max_age_days)
    stmt = (
        select(Paper.arxiv_id)
        .join(Delivery, Delivery.paper_id == Paper.id)
        .where(Delivery.state == DeliveryState.DELIVERED, Paper.fetched_at < cutoff)
        .distinct()
        .order_by(Paper.arxiv_id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def refresh_papers(rt: Runtime, *, limit: int = 1000) -> RefreshReport:
    report = RefreshReport()
    with rt.db.reading() as session:
        ids = stale_paper_ids(session, rt.settings.refresh_days, limit)
    for start in range(0, len(ids), ID_BATCH):
        batch = ids[start : start + ID_BATCH]
        try:
            records = rt.arxiv.fetch(batch)
        except PaperDropError as exc:  # the next refresh tries again; nothing is lost by waiting
            log.warning("refresh stopped: %s", exc)
            break
        find_publications(rt, list(records.values()))  # a DOI new at arXiv, or one Crossref did not know before
        with rt.db.session() as session:
            for arxiv_id in batch:
                if arxiv_id not in records:
                    continue
                paper, changed = upsert_paper(session, records[arxiv_id])
                published = records[arxiv_id].publication
                changed = (published is not None and set_publication(paper, published)) or changed
                report.checked += 1
                if changed:
                    report.changed.append(arxiv_id)
                    report.targets.update(d.target for d in paper.deliveries if lifecycle.delivery_needs_update(d))
    rt.queue.enqueue_deliver_many(sorted(report.targets))
    return report
