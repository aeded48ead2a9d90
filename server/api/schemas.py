"""Request and response schemas of the HTTP API (pydantic); the OpenAPI document is generated from these."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    field_validator,
    model_validator,
)

from paperdrop.server.services.outcome import OutcomeKind
from paperdrop.server.store.models import MAX_ID, ClipState, DeliveryState
from paperdrop.sync.ids import ARXIV_ID_JSON_PATTERN, normalize_arxiv_id, parse_arxiv_id
from paperdrop.sync.targets import KINDS
from paperdrop.sync.text import CONTROL_CHARACTER, PLAIN_TEXT_PATTERN

MAX_PAPERS_PER_POST = 500
MAX_IDS_PER_LOOKUP = 500


def _ref(model: str) -> dict[str, JsonValue]:
    return {"$ref": f"#/components/schemas/{model}"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Control characters other than tab and line breaks (C0, DEL and C1): never meaningful in what a page says,
# and NUL is refused outright by PostgreSQL (and most tools a paper goes on to). Refused, per paper, with the
# field named; the OpenAPI document says so with PLAIN_TEXT on every string a paper carries.
CONTROL = CONTROL_CHARACTER
PLAIN_TEXT = PLAIN_TEXT_PATTERN
ID_OR_BLANK = r"^\s*$|" + ARXIV_ID_JSON_PATTERN  # arxiv_id may be blank (then the url or the title counts)
MAX_NUMBER = 10**19  # body.MAX_INT_DIGITS: larger numbers are refused as the caller's mistake


def _json_integer(value: Any) -> Any:
    """JSON's integers: 2 and 2.0, not "2" and not true (as JSON Schema's `integer`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("must be a whole number")
    return int(value)


def link_schemas(components: dict[str, Any]) -> None:
    """The rules that refer to other schemas, added once every schema has its place in the document: a
    ClipsIn is any JSON papers of which at least one is a ClipIn; a ClipIn's extras are plain JSON."""
    components["AnyJson"], components["PlainJson"] = any_json_schema(), plain_json_schema()
    papers = components["ClipsIn"]["properties"]["papers"]
    papers.update(items=_ref("AnyJson"), contains=_ref("ClipIn"))
    components["ClipIn"]["properties"]["extra"]["additionalProperties"] = _ref("PlainJson")


def any_json_schema() -> dict[str, Any]:
    """Any JSON value with its numbers in range: what a request body may hold anywhere (api.body refuses
    numbers of more than 19 digits before anything else looks at the body)."""
    ref = _ref("AnyJson")
    return {
        "anyOf": [
            {"type": "string"},
            {"type": "number", "exclusiveMinimum": -MAX_NUMBER, "exclusiveMaximum": MAX_NUMBER},
            {"type": "boolean"},
            {"type": "null"},
            {"type": "array", "items": ref},
            {"type": "object", "additionalProperties": ref},
        ]
    }


def plain_json_schema() -> dict[str, Any]:
    """Any JSON value whose strings and keys are plain text, with numbers in range (what `extra` may hold)."""
    ref = _ref("PlainJson")
    return {
        "anyOf": [
            {"type": "string", "pattern": PLAIN_TEXT},
            {"type": "number", "exclusiveMinimum": -MAX_NUMBER, "exclusiveMaximum": MAX_NUMBER},
            {"type": "boolean"},
            {"type": "null"},
            {"type": "array", "items": ref},
            {"type": "object", "propertyNames": {"pattern": PLAIN_TEXT}, "additionalProperties": ref},
        ]
    }


def _clip_in_schema(schema: dict[str, Any]) -> None:
    """What ClipIn's validators check, said in the schema: plain-text strings, the arXiv id syntax, and the
    rule that a paper names an arXiv id, a URL naming one, or a title (the order of precedence, too)."""
    props = schema["properties"]
    for prop in props.values():
        for variant in prop.get("anyOf", [prop]):
            if variant.get("type") == "string":
                variant["pattern"] = PLAIN_TEXT
    props["authors"]["items"] = {"type": "string", "maxLength": 500, "pattern": PLAIN_TEXT}
    props["extra"]["propertyNames"] = {"pattern": PLAIN_TEXT}  # its values: PlainJson, see link_schemas
    id_text = {"type": "string", "maxLength": 64, "allOf": [{"pattern": PLAIN_TEXT}, {"pattern": ID_OR_BLANK}]}
    props["arxiv_id"]["anyOf"] = [id_text, {"type": "null"}]
    names_an_id = {"type": "string", "pattern": ARXIV_ID_JSON_PATTERN}
    schema["anyOf"] = [
        {"required": ["arxiv_id"], "properties": {"arxiv_id": names_an_id}},
        {"required": ["url"], "properties": {"url": names_an_id}},
        {"required": ["title"], "properties": {"title": {"type": "string", "pattern": r"\S"}}},
    ]


def _no_control(value: Any, where: str = "") -> Any:
    if isinstance(value, str) and CONTROL.search(value):
        char = CONTROL.search(value).group()  # type: ignore[union-attr]
        raise ValueError(f"contains the control character U+{ord(char):04X}{where}; remove it")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_control(key, " in a key")
            _no_control(item, f" in {key!r}")
    if isinstance(value, list):
        for item in value:
            _no_control(item, where)
    return value


class ClipIn(Strict):
    """One paper as a page or digest shows it. Give an arXiv id (or a URL naming one) or a title."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_clip_in_schema)

    FIX: ClassVar[str] = "Send an arXiv id (like 2403.12943), an arXiv or Hugging Face paper URL, or a title."

    arxiv_id: str | None = Field(None, max_length=64, examples=["2403.12943"])
    version: Annotated[int, Field(ge=1, le=999), BeforeValidator(_json_integer)] | None = Field(
        None, description="The arXiv version the page links to; taken from arxiv_id or url (…v2)"
    )
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=2048)
    abstract: str | None = Field(None, max_length=50_000)
    authors: list[str] = Field(default_factory=list, max_length=5000)
    source_url: str | None = Field(None, max_length=2048)
    source_site: str | None = Field(None, max_length=255)
    extra: dict[str, Any] = Field(default_factory=dict, description="Site extras: upvotes, github, project_page, ...")

    @field_validator("*")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return _no_control(value)

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
            parsed = parse_arxiv_id(self.url)
        if parsed is not None:
            self.arxiv_id, self.version = parsed.id, self.version or parsed.version
        if self.arxiv_id is None and not (self.title or "").strip():
            raise ValueError("each paper needs an arxiv_id, an arXiv URL or a title")
        return self


class ClipsIn(Strict):
    """Each paper is checked on its own: an unusable one is answered as `rejected` in its place, the others are
    saved (the request fails with 422 only when no paper is usable)."""

    papers: list[Any] = Field(
        min_length=1,
        max_length=MAX_PAPERS_PER_POST,
        description="Papers as pages show them (ClipIn); at least one must be usable",
        # items AnyJson, contains ClipIn: see link_schemas
    )
    target: str | None = Field(
        None,
        max_length=1024,
        description="A target name or spec (see the server's document for the places it accepts); default if unset",
        json_schema_extra={"pattern": PLAIN_TEXT},
    )

    @field_validator("target")
    @classmethod
    def _plain_text(cls, value: str | None) -> str | None:
        return _no_control(value)


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


def _ascii_int(value: Any) -> Any:
    """Query values arrive as text; only the digits 0-9 make a number here (int() would take '٢٤')."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{1,19}", value):
        raise ValueError("must be a whole number written with the digits 0-9")
    return value


QueryInt = Annotated[int, BeforeValidator(_ascii_int)]
MAX_PAGE = 1_000_000


# Text in a query: no control characters either (PostgreSQL cannot even compare a NUL); refused with 422.
TEXT_PARAMETER: dict[str, JsonValue] = {"pattern": PLAIN_TEXT}


class Query(BaseModel):
    """Query parameters: checked like bodies (one error shape); parameters this operation does not take are
    ignored, as browsers and proxies add their own."""

    model_config = ConfigDict(extra="ignore")


class PapersQuery(Query):
    state: DeliveryState | None = Field(None, description="only papers with a delivery in this state")
    q: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="title words, an author or an arXiv id",
        json_schema_extra=TEXT_PARAMETER,
    )
    target: str | None = Field(
        None, min_length=1, max_length=1024, description="only papers delivered here", json_schema_extra=TEXT_PARAMETER
    )
    page: QueryInt = Field(1, ge=1, le=MAX_PAGE, description="1-based page")
    per_page: QueryInt = Field(50, ge=1, le=200)

    @field_validator("q", "target")
    @classmethod
    def _plain_text(cls, value: str | None) -> str | None:
        return _no_control(value)


CLIP_IDS = rf"^[0-9]{{1,19}}(,[0-9]{{1,19}}){{0,{MAX_IDS_PER_LOOKUP - 1}}}$"


class ClipsQuery(Query):
    ids: str = Field(pattern=CLIP_IDS, description=f"comma-separated clip ids, at most {MAX_IDS_PER_LOOKUP}")

    @property
    def id_list(self) -> list[int]:
        """The ids asked for; one no clip can have (beyond MAX_ID) is absent from the answer like any unknown."""
        return list(dict.fromkeys(i for part in self.ids.split(",") if (i := int(part)) <= MAX_ID))


MAX_LIBRARY_LOOKUP = 200


class LibraryQuery(Query):
    arxiv_ids: str = Field(
        min_length=1,
        max_length=MAX_LIBRARY_LOOKUP * 40,
        description=f"comma-separated arXiv ids (any form: 2403.12943v2, arXiv:…, abs URLs), at most "
        f"{MAX_LIBRARY_LOOKUP}; what is not an arXiv id is left out of the answer",
    )

    @property
    def id_list(self) -> list[str]:
        found = (normalize_arxiv_id(part) for part in self.arxiv_ids.split(",")[:MAX_LIBRARY_LOOKUP])
        return list(dict.fromkeys(i for i in found if i))


class ExportQuery(Query):
    target: str | None = Field(
        None, min_length=1, max_length=1024, description="only papers delivered there", json_schema_extra=TEXT_PARAMETER
    )

    @field_validator("target")
    @classmethod
    def _plain_text(cls, value: str | None) -> str | None:
        return _no_control(value)


class CopyOut(BaseModel):
    target: str
    label: str = Field(description="how a sentence names the target: papers.bib, Zotero: Reading/ML")


class LibraryPaper(BaseModel):
    arxiv_id: str
    paper_id: int
    saved: list[CopyOut] = Field(description="targets that have the paper now")
    saving: list[CopyOut] = Field(description="targets it is on its way to (pending, retrying, waiting for setup)")
    links: dict[str, str] = Field(description="paper: the dashboard's page of the paper")


class LibraryOut(BaseModel):
    papers: list[LibraryPaper] = Field(description="the papers asked for that PaperDrop has; the others are absent")


class ResolveIn(Strict):
    arxiv_id: str = Field(max_length=64, pattern=None, json_schema_extra={"pattern": ARXIV_ID_JSON_PATTERN})

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
    open_work: int = Field(description="clips and deliveries still to do for this target")
    needed: bool = Field(description="the default, named in paperdrop.toml, or with work left")


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
