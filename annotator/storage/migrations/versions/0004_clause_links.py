"""Clause links across plans: a clause of one plan and its counterpart in another.

A link is accepted or rejected (a rejected pair is kept so that it is not suggested again) and
tombstoned when removed, so that removals merge like annotations. Portable SQL only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clause_link",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("source_clause_id", sa.Integer(), nullable=False),
        sa.Column("target_clause_id", sa.Integer(), nullable=False),
        sa.Column("coder_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created", sa.String(length=40), nullable=False),
        sa.Column("updated", sa.String(length=40), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(
            ["source_clause_id"],
            ["clause.id"],
            name=op.f("fk_clause_link_source_clause_id_clause"),
        ),
        sa.ForeignKeyConstraint(
            ["target_clause_id"],
            ["clause.id"],
            name=op.f("fk_clause_link_target_clause_id_clause"),
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coder.id"], name=op.f("fk_clause_link_coder_id_coder")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clause_link")),
    )
    op.create_index("ix_clause_link_source", "clause_link", ["source_clause_id"])
    op.create_index("ix_clause_link_target", "clause_link", ["target_clause_id"])


def downgrade() -> None:
    op.drop_index("ix_clause_link_target", table_name="clause_link")
    op.drop_index("ix_clause_link_source", table_name="clause_link")
    op.drop_table("clause_link")
