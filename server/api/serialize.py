"""Rows as the JSON the API returns (shapes declared in server.schemas)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from paperdrop.server.store.models import Clip, Delivery, Paper


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def delivery_json(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "paper_id": d.paper_id,
        "target": d.target,
        "state": d.state,
        "already_present": d.already_present,
        "attempts": d.attempts,
        "next_attempt_at": iso(d.next_attempt_at),
        "last_error": d.last_error,
        "waiting_reason": d.waiting_reason,
        "remote_key": d.remote_key,
        "remote_version": d.remote_version,
        "delivered_at": iso(d.delivered_at),
    }


def paper_json(p: Paper) -> dict[str, Any]:
    return {
        "id": p.id,
        "arxiv_id": p.arxiv_id,
        "version": p.version,
        "title": p.title,
        "authors": list(p.authors),
        "abstract": p.abstract,
        "published": iso(p.published),
        "updated": iso(p.updated),
        "primary_category": p.primary_category,
        "categories": list(p.categories),
        "comment": p.comment,
        "journal_ref": p.journal_ref,
        "doi": p.doi,
        "pdf_url": p.pdf_url,
        "abs_url": p.abs_url,
        "fetched_at": iso(p.fetched_at),
    }


def clip_brief(c: Clip) -> dict[str, Any]:
    return {
        "id": c.id,
        "status": c.status,
        "target": c.target,
        "source_url": c.source_url,
        "source_site": c.source_site,
        "title": c.title,
        "created_at": iso(c.created_at),
    }


def clip_json(c: Clip, review_url: str | None = None) -> dict[str, Any]:
    deliveries = [delivery_json(d) for d in c.paper.deliveries if d.target == c.target] if c.paper else []
    return {
        "id": c.id,
        "status": c.status,
        "target": c.target,
        "arxiv_id": c.arxiv_id,
        "title": c.title,
        "url": c.url,
        "source_url": c.source_url,
        "source_site": c.source_site,
        "extra": dict(c.extra),
        "attempts": c.attempts,
        "next_attempt_at": iso(c.next_attempt_at),
        "error": c.last_error,
        "candidates": list(c.candidates),
        "created_at": iso(c.created_at),
        "paper": paper_json(c.paper) if c.paper else None,
        "deliveries": deliveries,
        "review_url": review_url,
    }
