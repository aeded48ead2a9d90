"""parse_source: detect what a source is, hand it to the right parser, merge duplicates, say what was not used."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from paperdrop.sync.digest.arxiv_text import looks_like_arxiv_text, parse_arxiv_text
from paperdrop.sync.digest.bibtex import looks_like_bibtex, parse_bibtex
from paperdrop.sync.digest.html import looks_like_html, parse_html
from paperdrop.sync.digest.report import SourceReport
from paperdrop.sync.digest.text import parse_text
from paperdrop.sync.errors import InputError
from paperdrop.sync.records import ClipInput
from paperdrop.sync.text import normalize_title

_DATED_PAGE = re.compile(r"/papers/date/([0-9]{4}-[0-9]{2}-[0-9]{2})\b")  # a Hugging Face daily page


def parse_source(data: str | bytes, *, filename: str | None = None, source_url: str | None = None) -> SourceReport:
    """Clips for every paper `data` names, in order, duplicates merged (first occurrence wins); with notes on
    what in the source was not used and the ids it only mentions."""
    text = _decode(data)
    name = (filename or "").lower()
    if name.endswith((".bib", ".bibtex")) or looks_like_bibtex(text):
        report = parse_bibtex(text)
    elif name.endswith((".html", ".htm")) or looks_like_html(text):
        report = parse_html(text, source_url)
    elif looks_like_arxiv_text(text):
        report = parse_arxiv_text(text)
    else:
        report = parse_text(text)
    dated = _DATED_PAGE.search(source_url or "")
    for clip in report.clips:
        clip.source_url = clip.source_url or source_url
        clip.source_site = clip.source_site or _site(source_url)
        if dated:
            clip.extra.setdefault("listed_on", dated.group(1))
    report.clips = merge_duplicates(report.clips)
    return report


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
    for name in ("version", "title", "url", "abstract", "source_url", "source_site"):
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
