"""one lifecycle: waiting_for_setup is a delivery state; errors keep their fix apart

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

A delivery that waited for a setup fix was `pending` with a `waiting_reason`; it is now the state
`waiting_for_setup` with the reason in `last_error`. Clips and deliveries keep the fix for their last error in
`last_fix`, so answers can show message and fix separately. State columns widen to 32 characters
(`waiting_for_setup` does not fit 16, which PostgreSQL enforces).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("clips") as batch:
        batch.alter_column("status", type_=sa.String(32), existing_type=sa.String(16), existing_nullable=False)
        batch.add_column(sa.Column("last_fix", sa.Text(), nullable=True))
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("state", type_=sa.String(32), existing_type=sa.String(16), existing_nullable=False)
        batch.add_column(sa.Column("last_fix", sa.Text(), nullable=True))
    op.execute(
        "UPDATE deliveries SET state = 'waiting_for_setup', last_error = waiting_reason "
        "WHERE state = 'pending' AND waiting_reason IS NOT NULL"
    )
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("waiting_reason")


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("waiting_reason", sa.Text(), nullable=True))
    op.execute("UPDATE deliveries SET state = 'pending', waiting_reason = last_error WHERE state = 'waiting_for_setup'")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("last_fix")
        batch.alter_column("state", type_=sa.String(16), existing_type=sa.String(32), existing_nullable=False)
    with op.batch_alter_table("clips") as batch:
        batch.drop_column("last_fix")
        batch.alter_column("status", type_=sa.String(16), existing_type=sa.String(32), existing_nullable=False)
