"""Request and response schemas of the HTTP API (pydantic); the OpenAPI document is generated from these."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

from paperdrop.server.services.outcome import OutcomeKind
from paperdrop.server.store.models import ClipState, DeliveryState
from paperdrop.sync.ids import parse_arxiv_id
from paperdrop.sync.targets import KINDS

MAX_PAPERS_PER_POST = 500


def _ref(model: str) -> dict[str, JsonValue]:
    return {"$ref": f"#/components/schemas/{model}"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClipIn(Strict):
    """One paper as a page or digest shows it. Give an arXiv id (or a URL naming one) or a title."""

    FIX: ClassVar[str] = "Send an arXiv id (like 2403.12943), an arXiv or Hugging Face paper URL, or a title."

    arxiv_id: str | None = Field(None, max_length=64, examples=["2403.12943"])
    version: int | None = Field(
        None, ge=1, le=999, description="The arXiv version the page links to; taken from arxiv_id or url (…v2)"
    )
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=2048)
    abstract: str | None = Field(None, max_length=50_000)
    authors: list[str] = Field(default_factory=list, max_length=5000)
    source_url: str | None = Field(None, max_length=2048)
    source_site: str | None = Field(None, max_length=255)
    extra: dict[str, Any] = Field(default_factory=dict, description="Site extras: upvotes, github, project_page, ...")

    @field_validator("arxiv_id")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if parse_arxiv_id(value) is None:
            raise ValueError(f"{value!r} is not an arXiv id (like 2403.12943 or hep-th/9901001)")
        return value

    @field_validator("authors")
    @classmethod
    def _author_length(cls, value: list[str]) -> list[str]:
        if any(len(a) > 500 for a in value):
            raise ValueError("an author name is longer than 500 characters")
        return [a.strip() for a in value if a.strip()]

    @model_validator(mode="after")
    def _id_or_title(self) -> ClipIn:
        parsed = parse_arxiv_id(self.arxiv_id) if self.arxiv_id else None
        if parsed is None and self.url:
            parsed = parse_arxiv_id(_id_part_of_url(self.url))
        if parsed is not None:
            self.arxiv_id, self.version = parsed.id, self.version or parsed.version
        if self.arxiv_id is None and not (self.title or "").strip():
            raise ValueError("each paper needs an arxiv_id, an arXiv URL or a title")
        return self


def _id_part_of_url(url: str) -> str:
    """huggingface.co/papers/<id> and arxiv.org/{abs,pdf,html}/<id> both name an id."""
    for marker in ("huggingface.co/papers/", "arxiv.org/abs/", "arxiv.org/pdf/", "arxiv.org/html/"):
        if marker in url:
            return url.split(marker, 1)[1]
    return url


class ClipsIn(Strict):
    """Each paper is checked on its own: an unusable one is answered as `rejected` in its place, the others are
    saved (the request fails with 422 only when no paper is usable)."""

    papers: list[Any] = Field(min_length=1, max_length=MAX_PAPERS_PER_POST, json_schema_extra={"items": _ref("ClipIn")})
    target: str | None = Field(None, max_length=1024, description="A target name or spec; default target if unset")


class FromRows(BaseModel):
    """Response models read straight from the store's rows (and the outcome dataclass): one declaration."""

    model_config = ConfigDict(from_attributes=True)


class OutcomeOut(FromRows):
    """What to tell a person about a clip, computed on the server (see the README's "Outcome")."""

    kind: OutcomeKind
    message: str
    fix: str | None = None
    target: str | None = None
    links: dict[str, str] = Field(default_factory=dict, description="review, setup, paper, failed: dashboard pages")


class ClipAccepted(FromRows):
    id: int
    status: ClipState
    paper_id: int | None = None
    duplicate: bool = Field(description="True when this paper was already clipped for this target")
    outcome: OutcomeOut


class ClipRejected(FromRows):
    outcome: OutcomeOut = Field(description="kind is rejected; message and fix say why")


class ClipsAccepted(BaseModel):
    clips: list[ClipAccepted | ClipRejected]


class DeliveryOut(FromRows):
    id: int
    paper_id: int
    target: str
    state: DeliveryState
    already_present: bool
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    last_fix: str | None
    remote_key: str | None
    remote_version: int | None
    delivered_at: datetime | None


class PaperOut(FromRows):
    id: int
    arxiv_id: str
    version: int
    title: str
    authors: list[str]
    abstract: str
    published: datetime | None
    updated: datetime | None
    primary_category: str | None
    categories: list[str]
    comment: str | None
    journal_ref: str | None
    doi: str | None
    pdf_url: str | None
    abs_url: str | None
    fetched_at: datetime | None


class ClipBrief(FromRows):
    id: int
    status: ClipState
    target: str
    source_url: str | None
    source_site: str | None
    title: str | None
    created_at: datetime


class ClipOut(ClipBrief):
    arxiv_id: str | None
    url: str | None
    extra: dict[str, Any]
    attempts: int
    next_attempt_at: datetime | None
    error: str | None = Field(validation_alias=AliasChoices("last_error", "error"))  # rows, or a parsed answer
    fix: str | None = Field(validation_alias=AliasChoices("last_fix", "fix"))
    candidates: list[dict[str, Any]]
    paper: PaperOut | None
    deliveries: list[DeliveryOut] = Field(description="The paper's delivery to the clip's target, when resolved")
    outcome: OutcomeOut
    review_url: str | None


class ClipList(BaseModel):
    clips: list[ClipOut]


class PaperDetail(PaperOut):
    clips: list[ClipBrief]
    deliveries: list[DeliveryOut]


class PaperSummary(PaperOut):
    deliveries: list[DeliveryOut]


class PaperPage(BaseModel):
    papers: list[PaperSummary]
    total: int
    page: int
    per_page: int


class ResolveIn(Strict):
    arxiv_id: str = Field(max_length=64)

    @field_validator("arxiv_id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        parsed = parse_arxiv_id(value)
        if parsed is None:
            raise ValueError(f"{value!r} is not an arXiv id (like 2403.12943 or hep-th/9901001)")
        return parsed.id


class RetryOut(BaseModel):
    requeued: int


class TargetOut(BaseModel):
    name: str | None
    spec: str
    kind: str = Field(json_schema_extra={"enum": list(KINDS)})
    reachable: bool
    message: str
    fix: str | None
    default: bool


class TargetList(BaseModel):
    default: str
    targets: list[TargetOut]


class Health(BaseModel):
    status: Literal["ok"]
    app: Literal["paperdrop"]
    version: str
    queue: dict[str, int]


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[Any] = Field(default_factory=list)


class ErrorOut(BaseModel):
    error: ErrorBody
