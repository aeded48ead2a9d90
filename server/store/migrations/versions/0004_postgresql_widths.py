"""PostgreSQL enforces what SQLite does not: 64-bit row ids, and lease owners as long as a host name

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Row ids (and the foreign keys to them) become BIGINT, so every id up to MAX_ID (server/store/models.py) is one
a row can have, as on SQLite. `lease_owner` is `host:pid:random` (server/store/leases.py) and a fully
qualified host name alone may be 253 characters: it widens from 64 to 320. SQLite checks neither a length
nor an integer width, so nothing changes there (and no table is copied).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IDS = [("papers", "id"), ("clips", "id"), ("clips", "paper_id"), ("deliveries", "id"), ("deliveries", "paper_id")]
LEASED = ["clips", "deliveries"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in IDS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())
    _id_sequences("bigint")  # a SERIAL's sequence is an integer one of its own
    for table in LEASED:
        op.alter_column(table, "lease_owner", type_=sa.String(320), existing_type=sa.String(64))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in LEASED:
        op.alter_column(table, "lease_owner", type_=sa.String(64), existing_type=sa.String(320))
    _id_sequences("integer")
    for table, column in IDS:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())


def _id_sequences(kind: str) -> None:
    bind = op.get_bind()
    for table, column in IDS:
        if column == "id":
            sequence = bind.execute(sa.text(f"SELECT pg_get_serial_sequence('{table}', 'id')")).scalar()
            if sequence:
                op.execute(f"ALTER SEQUENCE {sequence} AS {kind}")
