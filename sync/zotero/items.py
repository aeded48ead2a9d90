"""Zotero objects for a paper, as Zotero's own arXiv translator makes them (docs/design.md "Formats").

A `preprint` parent with the translator's fields, tags from categories and the target collection; a child
note with the arXiv comment and where the paper was found; the PDF as a linked-URL attachment. Child keys are
derived from the parent key, so a retry rebuilds exactly the same objects.
"""

from __future__ import annotations

from html import escape
from typing import Any

from paperdrop.sync.ids import abs_url, arxiv_doi, pdf_url
from paperdrop.sync.records import ClipContext, DeliveryRequest, PaperRecord
from paperdrop.sync.text import collapse_whitespace
from paperdrop.sync.zotero.keys import derived_key

AUTOMATIC_TAG = 1  # tags added by a translator are "automatic" in Zotero
_SAFE_SCHEMES = ("http://", "https://")


def note_key(parent_key: str) -> str:
    return derived_key(parent_key, "note")


def attachment_key(parent_key: str) -> str:
    return derived_key(parent_key, "pdf")


def split_name(name: str) -> dict[str, str]:
    """`First Middle Last` -> first/last at the last space, like the translator's cleanAuthor;
    `Last, First` is kept as written; a single word becomes a one-field name."""
    name = collapse_whitespace(name)
    if "," in name:
        last, _, first = name.partition(",")
        return {"creatorType": "author", "firstName": first.strip(), "lastName": last.strip()}
    first, _, last = name.rpartition(" ")
    if not first:
        return {"creatorType": "author", "name": name}
    return {"creatorType": "author", "firstName": first, "lastName": last}


def paper_fields(paper: PaperRecord) -> dict[str, Any]:
    """The metadata fields of the parent item; also what an update rewrites."""
    extra = [f"arXiv:{paper.arxiv_id} [{paper.primary_category}]"]
    if paper.doi:  # a publisher DOI takes the DOI field; keep the arXiv identity findable in extra
        extra.append(f"arXiv DOI: {arxiv_doi(paper.arxiv_id)}")
    if paper.journal_ref:
        extra.append(f"Journal reference: {collapse_whitespace(paper.journal_ref)}")
    return {
        "title": collapse_whitespace(paper.title),
        "creators": [split_name(author) for author in paper.authors if author.strip()],
        "abstractNote": collapse_whitespace(paper.abstract),
        "date": paper.updated.date().isoformat(),
        "url": abs_url(paper.arxiv_id),
        "repository": "arXiv",
        "archiveID": f"arXiv:{paper.arxiv_id}",
        "DOI": paper.doi or arxiv_doi(paper.arxiv_id),
        "libraryCatalog": "arXiv.org",
        "extra": "\n".join(extra),
    }


def parent_item(paper: PaperRecord, key: str, collection_key: str) -> dict[str, Any]:
    """A new preprint, sent with `version: 0` so a repeat is a per-object 412, never a duplicate."""
    categories = list(dict.fromkeys([paper.primary_category, *paper.categories]))
    return {
        "key": key,
        "version": 0,
        "itemType": "preprint",
        **paper_fields(paper),
        "tags": [{"tag": category, "type": AUTOMATIC_TAG} for category in categories if category],
        "collections": [collection_key],
        "relations": {},
    }


def child_items(request: DeliveryRequest, parent_key: str) -> list[dict[str, Any]]:
    note = {
        "key": note_key(parent_key),
        "version": 0,
        "itemType": "note",
        "parentItem": parent_key,
        "note": note_html(request),
        "tags": [],
        "relations": {},
    }
    paper = request.paper
    attachment = {
        "key": attachment_key(parent_key),
        "version": 0,
        "itemType": "attachment",
        "parentItem": parent_key,
        "linkMode": "linked_url",
        "title": "Preprint PDF",
        "url": paper.pdf_url or pdf_url(paper.arxiv_id),
        "contentType": "application/pdf",
        "tags": [],
        "relations": {},
    }
    return [note, attachment]


def note_html(request: DeliveryRequest) -> str:
    """The child note: the arXiv comment ("Comment: ...", as the translator writes it), publisher links and
    every digest context. All text is escaped; only http(s) URLs become links."""
    paper = request.paper
    parts = [
        f"<h2>{escape(collapse_whitespace(paper.title))}</h2>",
        f"<p>arXiv: {_link(abs_url(paper.arxiv_id), 'arXiv:' + paper.arxiv_id)}</p>",
    ]
    if paper.comment:
        parts.append(f"<p>Comment: {escape(collapse_whitespace(paper.comment))}</p>")
    if paper.doi:
        parts.append(f"<p>Publisher version: {_link('https://doi.org/' + paper.doi, paper.doi)}</p>")
    if paper.journal_ref:
        parts.append(f"<p>Journal reference: {escape(collapse_whitespace(paper.journal_ref))}</p>")
    parts.extend(_context_html(context) for context in request.contexts)
    return '<div data-schema-version="9">' + "".join(parts) + "</div>"


def _context_html(context: ClipContext) -> str:
    extra = context.extra or {}
    bits = []
    if context.source_url or context.source_site:
        label = context.source_site or context.source_url or ""
        bits.append("Found on " + _link(context.source_url, label))
    if extra.get("upvotes") is not None:
        bits.append(f"{escape(str(extra['upvotes']))} upvotes")
    for name, label in (("github", "Code"), ("project_page", "Project page")):
        if extra.get(name):
            bits.append(f"{label}: {_link(str(extra[name]), str(extra[name]))}")
    if context.clipped_at:
        bits.append(f"clipped {escape(context.clipped_at.date().isoformat())}")
    return f"<p>{' · '.join(bits)}</p>" if bits else ""


def _link(url: str | None, label: str) -> str:
    if url and url.lower().startswith(_SAFE_SCHEMES):
        return f'<a href="{escape(url, quote=True)}">{escape(label)}</a>'
    return escape(label)
