"""Clause memos and flags, plan metadata, uncertain/adjudicator on annotations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DOCUMENT_METADATA = {
    "date": sa.String(length=40),
    "party": sa.String(length=300),
    "source": sa.Text(),
    "language": sa.String(length=40),
    "stage": sa.String(length=40),
    "revises": sa.String(length=64),
}


def upgrade() -> None:
    op.create_table(
        "clause_note",
        sa.Column("coder_id", sa.String(length=36), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("updated", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["clause_id"], ["clause.id"], name=op.f("fk_clause_note_clause_id_clause")
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coder.id"], name=op.f("fk_clause_note_coder_id_coder")
        ),
        sa.PrimaryKeyConstraint("coder_id", "clause_id", name=op.f("pk_clause_note")),
    )
    with op.batch_alter_table("document") as batch:
        for name, type_ in DOCUMENT_METADATA.items():
            batch.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("annotation") as batch:
        batch.add_column(
            sa.Column("uncertain", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("adjudicator", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("annotation") as batch:
        batch.drop_column("adjudicator")
        batch.drop_column("uncertain")
    with op.batch_alter_table("document") as batch:
        for name in DOCUMENT_METADATA:
            batch.drop_column(name)
    op.drop_table("clause_note")
