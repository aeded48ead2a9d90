"""parse_source: detect what a source is and hand it to the right parser; merge duplicates."""

from __future__ import annotations

from urllib.parse import urlsplit

from paperdrop.sync.digest.bibtex import looks_like_bibtex, parse_bibtex
from paperdrop.sync.digest.html import looks_like_html, parse_html
from paperdrop.sync.digest.text import find_ids, parse_digest_text, parse_id_text
from paperdrop.sync.errors import InputError
from paperdrop.sync.records import ClipInput
from paperdrop.sync.text import normalize_title


def parse_source(data: str | bytes, *, filename: str | None = None, source_url: str | None = None) -> list[ClipInput]:
    """Clips for every paper `data` names, in order, duplicates merged (first occurrence wins)."""
    text = _decode(data)
    name = (filename or "").lower()
    if name.endswith((".bib", ".bibtex")) or looks_like_bibtex(text):
        clips = parse_bibtex(text)
    elif name.endswith((".html", ".htm")) or looks_like_html(text):
        clips = parse_html(text, source_url)
    else:
        clips = parse_digest_text(text) if not find_ids(text) else parse_id_text(text)
    for clip in clips:
        clip.source_url = clip.source_url or source_url
        clip.source_site = clip.source_site or _site(source_url)
    return merge_duplicates(clips)


def merge_duplicates(clips: list[ClipInput]) -> list[ClipInput]:
    """One clip per paper (by arXiv id, else by normalized title); later duplicates only fill gaps."""
    merged: dict[str, ClipInput] = {}
    for clip in clips:
        key = clip.arxiv_id or "title:" + normalize_title(clip.title or "")
        first = merged.setdefault(key, clip)
        if first is not clip:
            _fill_gaps(first, clip)
    return list(merged.values())


def _fill_gaps(first: ClipInput, later: ClipInput) -> None:
    for name in ("title", "url", "abstract", "source_url", "source_site"):
        if not getattr(first, name) and getattr(later, name):
            setattr(first, name, getattr(later, name))
    first.authors = first.authors or later.authors
    first.extra = {**later.extra, **first.extra}


def _decode(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("The source is not text.", fix="Give a text digest, an HTML page, a .bib file or ids.")


def _site(source_url: str | None) -> str | None:
    return urlsplit(source_url).hostname if source_url else None
