"""Unknown exchange fields kept per row, review tombstones (issue: nothing lost).

- ``extra`` (JSON text, NULL when there is none) on every table an exchange file fills row by row:
  the fields of a coder, category, document, clause, annotation, review, clause note or clause link
  that this version does not know. Import stores them and export writes them back, so a file
  round-trips through a project as it does through a merge.
- ``review.deleted``: un-marking a clause leaves a tombstone, as removing an annotation does, so
  that an older exported review cannot come back in a later merge. On PostgreSQL the team progress
  function of revision 0005 is redefined to skip review tombstones.

Portable SQL only (SQLite and PostgreSQL).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

EXTRA_TABLES = (
    "coder",
    "category",
    "document",
    "clause",
    "annotation",
    "review",
    "clause_note",
    "clause_link",
)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _counts(schema: str, live_reviews: bool) -> str:
    s = _ident(schema)
    where = "WHERE NOT r.deleted" if live_reviews else ""
    return f"""
        CREATE OR REPLACE FUNCTION {s}.annotator_coded_counts()
        RETURNS TABLE (coder_id varchar, document_key varchar, coded bigint)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT u.coder_id, cl.document_key, count(DISTINCT u.clause_id)
            FROM (
                SELECT a.coder_id, a.clause_id FROM {s}.annotation a WHERE NOT a.deleted
                UNION ALL
                SELECT r.coder_id, r.clause_id FROM {s}.review r {where}
            ) u
            JOIN {s}.clause cl ON cl.id = u.clause_id
            GROUP BY u.coder_id, cl.document_key
        $$"""


def _replace_counts(live_reviews: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    exists = bind.exec_driver_sql(
        "SELECT to_regprocedure('annotator_coded_counts()') IS NOT NULL"
    ).scalar_one()
    if exists:  # CREATE OR REPLACE keeps the grants of revision 0005
        schema = str(bind.exec_driver_sql("SELECT current_schema()").scalar_one())
        op.execute(_counts(schema, live_reviews))


def upgrade() -> None:
    for table in EXTRA_TABLES:
        op.add_column(table, sa.Column("extra", sa.Text(), nullable=True))
    op.add_column(
        "review", sa.Column("deleted", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    _replace_counts(live_reviews=True)


def downgrade() -> None:
    _replace_counts(live_reviews=False)
    # Tombstones mean "not reviewed": without the column they would read as reviews.
    op.execute("DELETE FROM review WHERE deleted")
    with op.batch_alter_table("review") as batch:
        batch.drop_column("deleted")
    for table in EXTRA_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("extra")
