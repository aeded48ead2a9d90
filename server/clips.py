"""Clip intake: validate-free storage of what pages say, idempotent per (paper, target), one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.ids import normalize_arxiv_id
from sync.records import ClipInput
from sync.targets import TargetSpec
from sync.text import collapse_whitespace, normalize_title

from .models import CLIP_RECEIVED, Clip


@dataclass
class Stored:
    clip: Clip
    duplicate: bool


def dedupe_key(clip: ClipInput) -> str:
    """Same arXiv id, or (without an id) the same normalized title, means the same paper."""
    arxiv_id = normalize_arxiv_id(clip.arxiv_id) if clip.arxiv_id else None
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    return f"title:{normalize_title(clip.title or '')}"


def store_clips(session: Session, inputs: list[ClipInput], target: TargetSpec) -> list[Stored]:
    """Store every clip (or find the one stored before) and return them in input order.

    Runs inside the caller's transaction; nothing is enqueued here (enqueue after the commit)."""
    spec = str(target)
    keys = [dedupe_key(c) for c in inputs]
    existing = {c.dedupe_key: c for c in session.scalars(
        select(Clip).where(Clip.target == spec, Clip.dedupe_key.in_(set(keys))))}
    result: list[Stored] = []
    created: dict[str, Clip] = {}
    for clip_input, key in zip(inputs, keys, strict=True):
        if key in existing:
            result.append(Stored(existing[key], duplicate=True))
        elif key in created:
            result.append(Stored(created[key], duplicate=True))
        else:
            created[key] = _new_clip(clip_input, key, spec)
            session.add(created[key])
            result.append(Stored(created[key], duplicate=False))
    session.flush()
    return result


def _new_clip(clip: ClipInput, key: str, target: str) -> Clip:
    return Clip(
        status=CLIP_RECEIVED, target=target, dedupe_key=key,
        arxiv_id=key.removeprefix("arxiv:") if key.startswith("arxiv:") else None,
        title=collapse_whitespace(clip.title) or None, url=clip.url, abstract=clip.abstract,
        authors=list(clip.authors or []), source_url=clip.source_url, source_site=clip.source_site,
        extra=dict(clip.extra or {}), candidates=[], attempts=0,
    )


__all__ = ["Stored", "dedupe_key", "store_clips"]
