"""Server roles: each coder row may name its PostgreSQL login role; row-level security there.

Portable part: a nullable, unique ``coder.db_role`` (a PostgreSQL role name, at most 63 bytes).
On PostgreSQL only, annotations, reviews and clause notes get row-level security:

- a role writes (INSERT/UPDATE/DELETE) only rows of the coder whose ``db_role`` is that role; a
  reviewer (a member of the group ``<database>_reviewers``) also writes the consensus layer;
- a role reads its own rows always, other coders' rows only when the project is not blind
  (setting ``blind`` != ``on``); reviewers read everything.

The table owner (the team owner who runs migrations and merges) is not subject to these policies.
On SQLite this revision only adds the column.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CODED_TABLES = ("annotation", "review", "clause_note")


def _functions(schema: str) -> list[str]:
    # SECURITY DEFINER with a pinned search_path: a coder cannot shadow `setting` with a temporary
    # table of their own, and the answer does not depend on their privileges.
    blind = f"""
        CREATE OR REPLACE FUNCTION "{schema}".annotator_blind() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT coalesce(
                (SELECT value = 'on' FROM "{schema}".setting WHERE key = 'blind'), false)
        $$"""
    # Invoker's rights: current_user must be the caller, not the function's owner.
    reviewer = f"""
        CREATE OR REPLACE FUNCTION "{schema}".annotator_is_reviewer() RETURNS boolean
        LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT EXISTS (
                SELECT 1 FROM pg_roles r
                WHERE r.rolname = current_database() || '_reviewers'
                  AND pg_has_role(current_user, r.oid, 'MEMBER'))
        $$"""
    return [blind, reviewer]


def _policies(schema: str, table: str) -> list[str]:
    s = f'"{schema}"'
    # Sub-selects around the functions make them InitPlans: evaluated once per statement.
    writable = (
        f"coder_id IN (SELECT c.id FROM {s}.coder c WHERE c.db_role = current_user "
        f"OR (c.is_consensus AND (SELECT {s}.annotator_is_reviewer())))"
    )
    readable = (
        f"({writable}) OR NOT (SELECT {s}.annotator_blind()) "
        f"OR (SELECT {s}.annotator_is_reviewer())"
    )
    t = f"{s}.{table}"
    return [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY {table}_read ON {t} FOR SELECT USING ({readable})",
        f"CREATE POLICY {table}_insert ON {t} FOR INSERT WITH CHECK ({writable})",
        f"CREATE POLICY {table}_update ON {t} FOR UPDATE USING ({writable}) "
        f"WITH CHECK ({writable})",
        f"CREATE POLICY {table}_delete ON {t} FOR DELETE USING ({writable})",
    ]


def upgrade() -> None:
    with op.batch_alter_table("coder") as batch:
        batch.add_column(sa.Column("db_role", sa.String(length=63), nullable=True))
        batch.create_unique_constraint("uq_coder_db_role", ["db_role"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    for statement in _functions(schema):
        op.execute(statement)
    for table in CODED_TABLES:
        for statement in _policies(schema, table):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in CODED_TABLES:
            for kind in ("read", "insert", "update", "delete"):
                op.execute(f"DROP POLICY IF EXISTS {table}_{kind} ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        op.execute("DROP FUNCTION IF EXISTS annotator_blind()")
        op.execute("DROP FUNCTION IF EXISTS annotator_is_reviewer()")
    with op.batch_alter_table("coder") as batch:
        batch.drop_constraint("uq_coder_db_role", type_="unique")
        batch.drop_column("db_role")
