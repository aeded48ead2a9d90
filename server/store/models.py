"""The store's tables: clips (what a page said), papers (canonical arXiv records), deliveries (paper → target)."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class ClipState(StrEnum):
    """What became of a clip (docs/design.md "States"); server.store.lifecycle makes every change."""

    RECEIVED = "received"
    RESOLVING = "resolving"
    RESOLVED = "resolved"
    NEEDS_REVIEW = "needs_review"
    DISMISSED = "dismissed"
    FAILED = "failed"


class DeliveryState(StrEnum):
    """Where one paper stands at one target; `delivered` goes back to `pending` when the copy is gone."""

    PENDING = "pending"
    DELIVERED = "delivered"
    WAITING_FOR_SETUP = "waiting_for_setup"
    FAILED = "failed"


CLIP_OPEN = (ClipState.RECEIVED, ClipState.RESOLVING)  # still work to do
MAX_ID = 2**63 - 1  # the largest row id SQLite and PostgreSQL (bigint) can hold
STATE_LENGTH = 32
# Row ids: SQLite's INTEGER PRIMARY KEY (the 64-bit rowid; it must be spelled INTEGER), PostgreSQL's BIGINT.
RowId = Integer().with_variant(BigInteger(), "postgresql")
OWNER_LENGTH = 320  # `host:pid:random` (server/store/leases.py); a host name alone may be 253 characters


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    pass


class LeaseMixin:
    """Work owned by one worker until `lease_expires`; a crash lets the lease run out and a sweep take it back."""

    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)  # what went wrong, in words
    last_fix: Mapped[str | None] = mapped_column(Text, nullable=True)  # how the user can fix it, if they can
    lease_owner: Mapped[str | None] = mapped_column(String(OWNER_LENGTH), nullable=True)
    lease_expires: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class Paper(Base):
    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    arxiv_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    title_norm: Mapped[str] = mapped_column(Text, nullable=False, index=True)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    abstract: Mapped[str] = mapped_column(Text, default="", nullable=False)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    primary_category: Mapped[str | None] = mapped_column(String(64), nullable=True)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    journal_ref: Mapped[str | None] = mapped_column(Text, nullable=True)
    doi: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    pdf_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    abs_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The published version from Crossref (sync.records.Publication as a dict); None: none known (yet).
    publication: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    clips: Mapped[list[Clip]] = relationship(back_populates="paper", order_by="Clip.id")
    deliveries: Mapped[list[Delivery]] = relationship(back_populates="paper", order_by="Delivery.id")


class Clip(LeaseMixin, Base):
    __tablename__ = "clips"
    __table_args__ = (
        UniqueConstraint("target", "dedupe_key", name="uq_clips_target_dedupe"),
        Index("ix_clips_status_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    status: Mapped[str] = mapped_column(String(STATE_LENGTH), default=ClipState.RECEIVED, nullable=False)
    target: Mapped[str] = mapped_column(Text, nullable=False)
    dedupe_key: Mapped[str] = mapped_column(Text, nullable=False)
    arxiv_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    abstract: Mapped[str | None] = mapped_column(Text, nullable=True)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list, nullable=False)
    source_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    source_site: Mapped[str | None] = mapped_column(String(255), nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, nullable=False)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, nullable=False)
    paper_id: Mapped[int | None] = mapped_column(RowId, ForeignKey("papers.id"), nullable=True, index=True)
    arxiv_version: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a version the page linked to

    paper: Mapped[Paper | None] = relationship(back_populates="clips")


class Delivery(LeaseMixin, Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("paper_id", "target", name="uq_deliveries_paper_target"),
        Index("ix_deliveries_state_due", "state", "target", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True)
    paper_id: Mapped[int] = mapped_column(RowId, ForeignKey("papers.id"), nullable=False)
    target: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(STATE_LENGTH), default=DeliveryState.PENDING, nullable=False)
    remote_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    remote_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    already_present: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    needs_update: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recheck: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)  # is the copy still there?
    written_again: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)  # after a removal
    missing_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # noticed gone at the target
    remark: Mapped[str | None] = mapped_column(Text, nullable=True)  # said once: "PDF linked, storage full"

    paper: Mapped[Paper] = relationship(back_populates="deliveries")
