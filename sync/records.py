"""Plain data passed between the server and the integrations: clips, papers, deliveries.

These are the only types that cross the `server/` ↔ `sync/` boundary.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Literal


@dataclass
class ClipInput:
    """What a page or digest said about one paper. At least one of `arxiv_id` and `title` is set."""

    arxiv_id: str | None = None
    version: int | None = None  # the version the page links to (2403.12943v2), when it names one
    title: str | None = None
    url: str | None = None
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    source_url: str | None = None
    source_site: str | None = None
    # Site extras: upvotes (int), github (url), project_page (url), published_at, submitted_by, ...
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Publication:
    """The published version of a paper (its publisher DOI, as Crossref describes it): the venue fields a
    Zotero journalArticle / conferencePaper or a BibTeX @article / @inproceedings needs."""

    doi: str
    type: str  # Crossref's: journal-article, proceedings-article, book-chapter, ...
    container_title: str | None = None  # journal or proceedings title
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    date: str | None = None  # ISO date as precise as Crossref has it: 2024, 2024-05, 2024-05-17
    issn: list[str] = field(default_factory=list)
    publisher: str | None = None
    event: str | None = None  # conference name, for proceedings
    short_container_title: str | None = None


@dataclass
class PaperRecord:
    """The canonical record of one arXiv paper, as the Atom entry of its latest version describes it."""

    arxiv_id: str  # unversioned: "2403.12943", "hep-th/9901001"
    version: int
    title: str  # whitespace normalized, TeX kept
    authors: list[str]
    abstract: str
    published: datetime  # v1
    updated: datetime  # the version above
    primary_category: str
    categories: list[str]
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None  # publisher DOI only; the 10.48550 DataCite DOI is derived
    pdf_url: str | None = None
    abs_url: str | None = None
    # Set from Crossref, not from arXiv: None means "not known (yet)" (no publisher DOI, or Crossref not asked).
    publication: Publication | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["published"] = self.published.isoformat()
        data["updated"] = self.updated.isoformat()
        return data


@dataclass
class TitleQuery:
    """A paper known only by what a digest shows: its title, perhaps abstract and authors, and what the page
    said about when it appeared and where it is filed (sync.arxiv.evidence builds these from a clip)."""

    title: str
    abstract: str | None = None
    authors: list[str] = field(default_factory=list)
    published: date | None = None  # the paper's date as the page shows it (Hugging Face's publishedAt)
    year: int | None = None  # a year the source gives for the paper (a BibTeX entry's `year`)
    listed_on: date | None = None  # the digest's own date: the paper existed by then
    categories: list[str] = field(default_factory=list)  # arXiv categories the source names


@dataclass
class Candidate:
    paper: PaperRecord
    score: float  # 0..1
    reasons: list[str] = field(default_factory=list)  # e.g. "title 0.97", "abstract 0.91", "2/3 authors"

    def to_dict(self) -> dict[str, Any]:
        return {"paper": self.paper.to_dict(), "score": round(self.score, 4), "reasons": self.reasons}


@dataclass
class TitleResolution:
    """`matched`: `paper` is certainly the one; `needs_review`: see `candidates` (best first);
    `not_found`: arXiv had nothing close."""

    status: Literal["matched", "needs_review", "not_found"]
    paper: PaperRecord | None = None
    candidates: list[Candidate] = field(default_factory=list)


@dataclass
class ClipContext:
    """Where a paper was found: goes into the Zotero child note (and optionally a BibTeX note)."""

    source_url: str | None = None
    source_site: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    clipped_at: datetime | None = None


@dataclass
class DeliveryRequest:
    """One (paper, target) pair to write. `remote_key` is the Zotero item key or BibTeX citekey that the
    server persisted before this call (None when the target assigns it); `update` asks to rewrite an
    already delivered item in place because the paper's metadata changed."""

    delivery_id: int
    paper: PaperRecord
    contexts: list[ClipContext] = field(default_factory=list)
    remote_key: str | None = None
    remote_version: int | None = None
    update: bool = False
    # The server believes this copy is at the target (it was delivered) and asks to check it is still there:
    # present (even if the user edited it) -> delivered, already_present; gone -> written again, `rewritten`.
    recheck: bool = False
    versions: list[int] = field(default_factory=list)  # versions the clips of this paper named (v2 links)


DeliveryStatus = Literal["delivered", "retry", "failed"]


@dataclass
class DeliveryOutcome:
    """What happened to one request. `retry` carries `error` and maybe `retry_after` (seconds);
    `failed` is permanent for this paper; `delivered` may say `already_present` when the sink already had it."""

    delivery_id: int
    status: DeliveryStatus
    remote_key: str | None = None
    remote_version: int | None = None
    already_present: bool = False
    rewritten: bool = False  # the copy had been removed from the target and was written again
    error: str | None = None
    retry_after: float | None = None
    remark: str | None = None  # said once to the user, e.g. "the PDF is linked, not stored: storage is full"


@dataclass
class TargetStatus:
    """Reachability of a target, safe to show: never contains secrets."""

    spec: str
    kind: str  # a key of sync.targets.KINDS
    reachable: bool
    message: str
    fix: str | None = None
