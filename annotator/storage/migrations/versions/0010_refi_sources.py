"""REFI-QDA identities remember their source; on a team server, a row check that RLS cannot fool.

- ``refi_identity.source``: which foreign project an identity was learnt from (the tool named by
  the .qdpx's ``origin``, without its version, and the project's ``name``; see
  ``annotator.core.refi.source_of``). An import prunes the GUIDs it replaced only among its own
  source's: two tools that keep their GUIDs (ATLAS.ti, MAXQDA, NVivo) may map onto the same code
  or coding, and each must keep its mapping. Rows learnt before this revision have source ``""``
  (unknown) and are never taken for another source's; so have coding fingerprints, which are the
  last import's whatever its source.
- On PostgreSQL, ``annotator_annotation_exists(id)``: SECURITY DEFINER with a pinned search_path,
  so the import's "is this identity's annotation gone?" sees annotations that row-level security
  hides from the login (a colleague's work in blind mode). It answers one bit for an id the caller
  already holds; EXECUTE goes to the team's groups (``grant_team_privileges``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FUNCTION = "annotator_annotation_exists(varchar)"


def upgrade() -> None:
    with op.batch_alter_table("refi_identity") as batch:
        batch.add_column(sa.Column("source", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    s = '"' + str(bind.exec_driver_sql("SELECT current_schema()").scalar_one()) + '"'
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION {s}.annotator_annotation_exists(varchar) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT EXISTS (SELECT 1 FROM {s}.annotation WHERE id = $1)
        $$"""
    )
    op.execute(f"REVOKE ALL ON FUNCTION {s}.{FUNCTION} FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}")
    with op.batch_alter_table("refi_identity") as batch:
        batch.drop_column("source")
