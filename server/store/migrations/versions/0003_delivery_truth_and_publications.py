"""what is at the target now, and the published version of a paper

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Deliveries: `recheck` (the server asked to check the copy is still at the target), `written_again` (it had
been removed and was written again), `missing_at` (PaperDrop noticed its copy gone), `remark` (said once to
the user, e.g. that a PDF is linked because the library's storage is full). Clips: `arxiv_version`, the
version the page linked to. Papers: `publication`, the published version's venue from Crossref.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("recheck", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("written_again", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("missing_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("remark", sa.Text(), nullable=True))
    with op.batch_alter_table("clips") as batch:
        batch.add_column(sa.Column("arxiv_version", sa.Integer(), nullable=True))
    with op.batch_alter_table("papers") as batch:
        batch.add_column(sa.Column("publication", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("papers") as batch:
        batch.drop_column("publication")
    with op.batch_alter_table("clips") as batch:
        batch.drop_column("arxiv_version")
    with op.batch_alter_table("deliveries") as batch:
        for column in ("remark", "missing_at", "written_again", "recheck"):
            batch.drop_column(column)
