"""The first schema: coders, codebook, documents, clauses, annotations, reviews, settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "coder",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_consensus", sa.Boolean(), nullable=False),
        sa.Column("created", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coder")),
    )
    op.create_table(
        "category",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("parent_key", sa.String(length=100), nullable=True),
        sa.Column("shortcut", sa.String(length=1), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("updated", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_key"], ["category.key"],
            name=op.f("fk_category_parent_key_category"), onupdate="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_category")),
    )
    op.create_table(
        "document",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.String(length=500), nullable=False),
        sa.Column("imported", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_document")),
    )
    op.create_table(
        "clause",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_key", sa.String(length=64), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_key"], ["document.key"],
            name=op.f("fk_clause_document_key_document"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clause")),
        sa.UniqueConstraint(
            "document_key", "start", "end", name=op.f("uq_clause_document_key_start_end")
        ),
    )
    op.create_index("ix_clause_document_start", "clause", ["document_key", "start"])
    op.create_table(
        "annotation",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("coder_id", sa.String(length=36), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("category_key", sa.String(length=100), nullable=False),
        sa.Column("span_start", sa.Integer(), nullable=True),
        sa.Column("span_end", sa.Integer(), nullable=True),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("created", sa.String(length=40), nullable=False),
        sa.Column("updated", sa.String(length=40), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_key"], ["category.key"],
            name=op.f("fk_annotation_category_key_category"), onupdate="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clause_id"], ["clause.id"], name=op.f("fk_annotation_clause_id_clause")
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["coder.id"], name=op.f("fk_annotation_coder_id_coder")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotation")),
    )
    op.create_index("ix_annotation_clause_coder", "annotation", ["clause_id", "coder_id"])
    op.create_index("ix_annotation_coder", "annotation", ["coder_id"])
    op.create_table(
        "review",
        sa.Column("coder_id", sa.String(length=36), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("updated", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["clause_id"], ["clause.id"], name=op.f("fk_review_clause_id_clause")
        ),
        sa.ForeignKeyConstraint(["coder_id"], ["coder.id"], name=op.f("fk_review_coder_id_coder")),
        sa.PrimaryKeyConstraint("coder_id", "clause_id", name=op.f("pk_review")),
    )


def downgrade() -> None:
    for table in ("review", "annotation", "clause", "document", "category", "coder", "setting"):
        op.drop_table(table)
