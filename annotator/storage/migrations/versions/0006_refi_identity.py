"""Foreign identities from REFI-QDA imports, non-codable categories and document memos.

- ``refi_identity``: which of our rows a foreign GUID (a QualCoder, ATLAS.ti, MAXQDA or NVivo user,
  code, source or coding) was imported as, so a re-export of the same foreign project lands on the
  same coders, categories and annotations instead of doubling them. ``fingerprint`` remembers what
  a coding looked like when it was last imported, so a change made in the other tool can be told
  from a change made here.
- ``category.codable``: a REFI-QDA category that only groups codes (``isCodable="false"``).
- ``document.memo``: a plan's memo (a REFI-QDA source's ``Description``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refi_identity",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("foreign_id", sa.String(length=100), nullable=False),
        sa.Column("local_id", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("updated", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("kind", "foreign_id", name=op.f("pk_refi_identity")),
    )
    with op.batch_alter_table("category") as batch:
        batch.add_column(
            sa.Column("codable", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("memo", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_column("memo")
    with op.batch_alter_table("category") as batch:
        batch.drop_column("codable")
    op.drop_table("refi_identity")
