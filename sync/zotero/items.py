"""Zotero objects for a paper, as Zotero's own arXiv translator makes them (docs/design.md "Formats").

A `preprint`, or the published item type when Crossref describes a published version (journalArticle,
conferencePaper, bookSection) with the arXiv identity kept (the extra line, the arXiv URL, the preprint PDF);
the translator's tags, `shortTitle` and "Comment: ..." note; a separate note saying where PaperDrop found the
paper; the PDF as an attachment "Preprint PDF". Child keys are derived from the parent key, so a retry
rebuilds exactly the same objects. Every remaining difference from the translator is listed in the README.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from paperdrop.sync.ids import abs_url, arxiv_doi, pdf_url
from paperdrop.sync.records import ClipContext, DeliveryRequest, PaperRecord, Publication
from paperdrop.sync.text import collapse_whitespace
from paperdrop.sync.zotero.categories import category_tag
from paperdrop.sync.zotero.config import ZoteroOptions
from paperdrop.sync.zotero.keys import derived_key

AUTOMATIC_TAG = 1  # tags added by a translator are "automatic" in Zotero
PDF_TITLE = "Preprint PDF"
CONTEXT_NOTE_TITLE = "Where PaperDrop found this paper"
_SAFE_SCHEMES = ("http://", "https://")

# Crossref work type -> Zotero item type and the field that holds the container's title.
PUBLISHED_TYPES: dict[str, tuple[str, str]] = {
    "journal-article": ("journalArticle", "publicationTitle"),
    "proceedings-article": ("conferencePaper", "proceedingsTitle"),
    "book-chapter": ("bookSection", "bookTitle"),
    "book-part": ("bookSection", "bookTitle"),
    "book-section": ("bookSection", "bookTitle"),
}
# The fields PaperDrop fills per item type. An in-place update sends all of them, empty ones as "", so a field
# left over from the item's earlier type or version is cleared (Zotero carries `repository` of a preprint into
# `publisher` when the type changes).
_COMMON = ("title", "creators", "abstractNote", "date", "url", "DOI", "libraryCatalog", "extra", "shortTitle")
OWNED_FIELDS: dict[str, tuple[str, ...]] = {
    "preprint": (*_COMMON, "repository", "archiveID"),
    "journalArticle": (
        *_COMMON,
        "publicationTitle",
        "journalAbbreviation",
        "volume",
        "issue",
        "pages",
        "ISSN",
        "publisher",
    ),
    "conferencePaper": (*_COMMON, "proceedingsTitle", "volume", "issue", "pages", "ISSN", "publisher"),
    "bookSection": (*_COMMON, "bookTitle", "volume", "pages", "ISSN", "publisher"),
}


def comment_note_key(parent_key: str) -> str:
    return derived_key(parent_key, "note")


def context_note_key(parent_key: str) -> str:
    return derived_key(parent_key, "context")


def attachment_key(parent_key: str) -> str:
    return derived_key(parent_key, "pdf")


def linked_pdf_key(parent_key: str) -> str:
    """The linked-URL attachment made when the stored PDF could not be uploaded (a new key: the stored one
    was deleted)."""
    return derived_key(parent_key, "pdf-link")


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


def short_title(title: str) -> str | None:
    """Zotero's own rule (translate.js, web `_itemDone`): the title up to its first colon, or up to and
    including its first question mark when more follows; None when neither shortens it."""
    short, changed = title, False
    if ":" in short:
        short, changed = short[: short.index(":")], True
    mark = short.find("?")
    if mark != -1 and mark + 1 != len(short):
        short, changed = short[: mark + 1], True
    short = short.strip()
    return short if changed and short and short != title else None


def item_type(paper: PaperRecord) -> str:
    publication = paper.publication
    if publication is None or publication.type not in PUBLISHED_TYPES:
        return "preprint"
    return PUBLISHED_TYPES[publication.type][0]


def paper_fields(paper: PaperRecord, versions: list[int] | None = None, *, full: bool = False) -> dict[str, Any]:
    """The metadata fields of the parent item (`itemType` included); also what an in-place update rewrites.
    `full`: every field PaperDrop owns for the type, empty ones as "" (for updates)."""
    kind = item_type(paper)
    title = collapse_whitespace(paper.title)
    fields: dict[str, Any] = {
        "itemType": kind,
        "title": title,
        "creators": [split_name(author) for author in paper.authors if author.strip()],
        "abstractNote": collapse_whitespace(paper.abstract),
        "date": paper.updated.date().isoformat(),
        "url": abs_url(paper.arxiv_id),
        "DOI": paper.doi or arxiv_doi(paper.arxiv_id),
        "libraryCatalog": "arXiv.org",
        "extra": _extra(paper, versions or []),
        "shortTitle": short_title(title) or "",
    }
    if kind == "preprint":
        fields.update(repository="arXiv", archiveID=f"arXiv:{paper.arxiv_id}")
    elif paper.publication is not None:
        fields.update(_venue_fields(kind, paper.publication))
    if full:
        return {name: fields.get(name, "") for name in ("itemType", *OWNED_FIELDS[kind])}
    return {name: value for name, value in fields.items() if value != "" or name == "creators"}


def _venue_fields(kind: str, publication: Publication) -> dict[str, Any]:
    """What the translator copies from the DOI's metadata: container title, volume, issue, pages, date, ISSN,
    and for journals the abbreviation."""
    container = PUBLISHED_TYPES[publication.type][1]
    fields: dict[str, Any] = {
        container: publication.container_title or "",
        "volume": publication.volume or "",
        "pages": publication.pages or "",
        "ISSN": ", ".join(publication.issn),
        "DOI": publication.doi,
    }
    if kind != "bookSection":
        fields["issue"] = publication.issue or ""
    if kind == "journalArticle":
        fields["journalAbbreviation"] = publication.short_container_title or ""
    if publication.date:
        fields["date"] = publication.date
    return fields


def _extra(paper: PaperRecord, versions: list[int]) -> str:
    """`arXiv:<id> [<primary>]` as the translator writes it (old-style ids without the category), the
    version(s) a clip linked to, and arXiv's journal reference while no published version is known."""
    lines = [f"arXiv:{paper.arxiv_id}" + ("" if "/" in paper.arxiv_id else f" [{paper.primary_category}]")]
    if versions:
        lines.append("version: " + ", ".join(str(v) for v in sorted(set(versions))))
    if paper.journal_ref and paper.publication is None:
        lines.append(f"Journal reference: {collapse_whitespace(paper.journal_ref)}")
    return "\n".join(lines)


def tags(paper: PaperRecord, options: ZoteroOptions) -> list[dict[str, Any]]:
    """The translator's subject names ("Computer Science - Machine Learning"), or the category codes."""
    categories = list(dict.fromkeys([paper.primary_category, *paper.categories]))
    names = categories if options.tags == "codes" else [category_tag(c) for c in categories]
    return [{"tag": name, "type": AUTOMATIC_TAG} for name in dict.fromkeys(n for n in names if n)]


def parent_item(
    request: DeliveryRequest, key: str, collection_key: str, options: ZoteroOptions, accessed: datetime
) -> dict[str, Any]:
    """A new item, sent with `version: 0` so a repeat is a per-object 412, never a duplicate."""
    return {
        "key": key,
        "version": 0,
        **paper_fields(request.paper, request.versions),
        "accessDate": accessed.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tags": tags(request.paper, options),
        "collections": [collection_key],
        "relations": {},
    }


def notes(request: DeliveryRequest, parent_key: str, options: ZoteroOptions) -> list[dict[str, Any]]:
    """The comment note (when arXiv has a comment) and the note saying where the paper was found."""
    made = []
    comment = comment_note(request.paper)
    if comment:
        made.append(_note(comment_note_key(parent_key), parent_key, comment))
    context = context_note(request) if options.context_note else None
    if context:
        made.append(_note(context_note_key(parent_key), parent_key, context))
    return made


def pdf_attachment(paper: PaperRecord, key: str, parent_key: str, stored_as: str | None) -> dict[str, Any]:
    """ "Preprint PDF": stored in the library (`imported_url`, its file `stored_as` is uploaded next) or, with
    `stored_as` None, a linked URL to arXiv's PDF."""
    attachment: dict[str, Any] = {
        "key": key,
        "version": 0,
        "itemType": "attachment",
        "parentItem": parent_key,
        "title": PDF_TITLE,
        "url": paper.pdf_url or pdf_url(f"{paper.arxiv_id}v{paper.version}"),
        "contentType": "application/pdf",
        "tags": [],
        "relations": {},
    }
    if stored_as is None:
        return {**attachment, "linkMode": "linked_url"}
    return {**attachment, "linkMode": "imported_url", "filename": stored_as, "md5": None, "mtime": None}


def comment_note(paper: PaperRecord) -> str | None:
    """The translator's note: "Comment: <the arXiv comment>" (escaped: a Zotero note is HTML)."""
    return f"Comment: {escape(collapse_whitespace(paper.comment))}" if paper.comment else None


def context_note(request: DeliveryRequest) -> str | None:
    """Where the paper was found (digest pages, upvotes, code and project links) and the version a clip linked
    to; None when there is nothing to say. All text is escaped; only http(s) URLs become links."""
    parts = [_context_html(context) for context in request.contexts]
    if request.versions:
        named = ", ".join(f"v{v}" for v in sorted(set(request.versions)))
        parts.append(f"<p>Saved from a link to {named}; this item describes v{request.paper.version}.</p>")
    parts = [part for part in parts if part]
    if not parts:
        return None
    return f"<h1>{CONTEXT_NOTE_TITLE}</h1>" + "".join(parts)


def _note(key: str, parent_key: str, html: str) -> dict[str, Any]:
    return {
        "key": key,
        "version": 0,
        "itemType": "note",
        "parentItem": parent_key,
        "note": html,
        "tags": [],
        "relations": {},
    }


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
