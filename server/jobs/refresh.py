"""The refresh job: re-fetch delivered papers from arXiv (weekly by default) and update stale copies."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from paperdrop.server.store.models import DELIVERY_DELIVERED, Delivery, Paper, utcnow
from paperdrop.server.store.papers import mark_for_update, upsert_paper
from paperdrop.sync.errors import PaperDropError
from sqlalchemy import select

log = logging.getLogger(__name__)

ID_BATCH = 100  # one arXiv id_list request (shared/REFERENCE.md: batches of <= 100)


@dataclass
class RefreshReport:
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)


def stale_paper_ids(session, max_age_days: float, limit: int) -> list[str]:
    cutoff = utcnow() - timedelta(days=max_age_days)
    stmt = (
        select(Paper.arxiv_id)
        .join(Delivery, Delivery.paper_id == Paper.id)
        .where(Delivery.state == DELIVERY_DELIVERED, Paper.fetched_at < cutoff)
        .distinct()
        .order_by(Paper.arxiv_id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def refresh_papers(rt, *, limit: int = 1000) -> RefreshReport:
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
        with rt.db.session() as session:
            for arxiv_id in batch:
                if arxiv_id not in records:
                    continue
                paper, changed = upsert_paper(session, records[arxiv_id])
                report.checked += 1
                if changed:
                    report.changed.append(arxiv_id)
                    report.targets.update(mark_for_update(session, paper))
    rt.queue.enqueue_deliver_many(sorted(report.targets))
    return report
