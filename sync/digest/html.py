"""HTML sources: saved Hugging Face daily-paper pages, arXiv listing and abs pages, any page with arXiv links."""

from __future__ import annotations

import json
import re
from typing import Any

from bs4 import BeautifulSoup, Tag

from paperdrop.sync.digest.idtext import find_id_mentions, id_clips
from paperdrop.sync.digest.report import SourceNote, SourceReport
from paperdrop.sync.ids import normalize_arxiv_id, parse_arxiv_id
from paperdrop.sync.records import ClipInput
from paperdrop.sync.text import collapse_whitespace

HF_PROPS = '[data-target="DailyPapers"][data-props]'  # docs/reference.md, "Digest pages"


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(body|div|head|meta|article)\b", head))


def parse_html(text: str, source_url: str | None = None) -> SourceReport:
    soup = BeautifulSoup(text, "html.parser")
    for parser in (_hf_daily, _arxiv_listing, _arxiv_abs):
        report = parser(soup)
        if report.clips:
            return report
    return _any_links(soup)


def _hf_daily(soup: BeautifulSoup) -> SourceReport:
    node = soup.select_one(HF_PROPS)
    if node is None:
        return SourceReport()
    try:
        props = json.loads(_attr(node, "data-props"))
    except (ValueError, TypeError):
        return SourceReport(notes=[SourceNote(None, "the page's paper data is not readable JSON, skipped")])
    report = SourceReport()
    for entry in _hf_entries(props):
        clip = _hf_clip(entry)
        if clip:
            report.clips.append(clip)
        else:
            title = str(entry["paper"].get("title") or entry["paper"].get("id"))
            report.notes.append(SourceNote(None, "a paper of the page without a valid arXiv id, skipped", title))
    return report


def _hf_entries(data: Any) -> list[dict[str, Any]]:
    """Every object with a `paper` carrying an id, wherever the page nests the list."""
    if isinstance(data, dict):
        if isinstance(data.get("paper"), dict) and data["paper"].get("id"):
            return [data]
        return [e for v in data.values() for e in _hf_entries(v)]
    if isinstance(data, list):
        return [e for v in data for e in _hf_entries(v)]
    return []


def _hf_clip(entry: dict[str, Any]) -> ClipInput | None:
    paper = entry["paper"]
    arxiv_id = normalize_arxiv_id(str(paper.get("id", "")))
    if not arxiv_id:
        return None
    extra = {
        "upvotes": paper.get("upvotes", entry.get("upvotes")),
        "github": paper.get("githubRepo") or entry.get("githubRepo"),
        "project_page": paper.get("projectPage") or entry.get("projectPage"),
        "published_at": paper.get("publishedAt") or entry.get("publishedAt"),
        "submitted_by": _name(entry.get("submittedBy") or paper.get("submittedBy")),
    }
    return ClipInput(
        arxiv_id=arxiv_id,
        title=collapse_whitespace(paper.get("title") or entry.get("title")) or None,
        url=f"https://huggingface.co/papers/{arxiv_id}",
        abstract=collapse_whitespace(paper.get("summary") or entry.get("summary")) or None,
        authors=[n for a in paper.get("authors") or [] if (n := _name(a))],
        source_site="huggingface.co",
        extra={k: v for k, v in extra.items() if v not in (None, "")},
    )


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("fullname") or value.get("name") or value.get("user")
    return collapse_whitespace(value) or None if isinstance(value, str) else None


def _arxiv_listing(soup: BeautifulSoup) -> SourceReport:
    """The listed entries; ids inside an entry's comments or abstract are mentions, not papers."""
    report, mentioned = SourceReport(), []
    for dt in soup.select("dl#articles dt, dl dt"):
        link = dt.select_one('a[title="Abstract"]') or dt.find("a", href=re.compile(r"/abs/"))
        parsed = parse_arxiv_id(re.sub(r"^.*?/abs/", "", _attr(link, "href"))) if link else None
        dd = dt.find_next_sibling("dd")
        if not parsed or dd is None:
            continue
        report.clips.append(_listing_clip(parsed.id, parsed.version, dd))
        mentioned += [p.id for _, p in find_id_mentions(dd.get_text(" "))]
    listed = {c.arxiv_id for c in report.clips}
    report.mentioned = [i for i in dict.fromkeys(mentioned) if i not in listed]
    return report


def _listing_clip(arxiv_id: str, version: int | None, dd: Any) -> ClipInput:
    title = dd.select_one(".list-title")
    abstract = dd.select_one("p.mathjax")
    comments = dd.select_one(".list-comments")
    primary = dd.select_one(".list-subjects .primary-subject")
    extra = {"comment": _text(comments, "Comments:"), "primary_subject": _text(primary)}
    return ClipInput(
        arxiv_id=arxiv_id,
        version=version,
        title=_text(title, "Title:"),
        url=f"https://arxiv.org/abs/{arxiv_id}",
        abstract=_text(abstract),
        authors=[collapse_whitespace(a.get_text()) for a in dd.select(".list-authors a")],
        source_site="arxiv.org",
        extra={k: v for k, v in extra.items() if v},
    )


def _arxiv_abs(soup: BeautifulSoup) -> SourceReport:
    meta: dict[str, list[str]] = {}
    for tag in soup.find_all("meta", attrs={"name": re.compile(r"^citation_")}):
        meta.setdefault(_attr(tag, "name"), []).append(collapse_whitespace(_attr(tag, "content")))
    arxiv_id = normalize_arxiv_id((meta.get("citation_arxiv_id") or [""])[0])
    if not arxiv_id:
        return SourceReport()
    clips = [
        ClipInput(
            arxiv_id=arxiv_id,
            title=(meta.get("citation_title") or [""])[0] or None,
            url=f"https://arxiv.org/abs/{arxiv_id}",
            abstract=(meta.get("citation_abstract") or [""])[0] or None,
            authors=[_first_last(a) for a in meta.get("citation_author", [])],
            source_site="arxiv.org",
        )
    ]
    return SourceReport(clips=clips)


def _any_links(soup: BeautifulSoup) -> SourceReport:
    hrefs = " ".join(_attr(a, "href") for a in soup.find_all("a"))
    mentions = find_id_mentions(hrefs + "\n" + soup.get_text(" "))
    return SourceReport(clips=id_clips([parsed for _, parsed in mentions]))


def _text(node: Any, prefix: str = "") -> str | None:
    if node is None:
        return None
    text = collapse_whitespace(node.get_text(" "))
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :].strip()
    return text or None


def _first_last(name: str) -> str:
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}".strip() if sep else name


def _attr(tag: Tag, name: str) -> str:
    """An attribute as one string ("" when absent); bs4 gives multi-valued attributes as lists."""
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)
