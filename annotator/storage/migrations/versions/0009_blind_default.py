"""Blind mode's default: one rule on SQLite and on a team server.

``setting.blind`` is "on", "off" or unset. The desktop (``services.review.blind_mode``) counted an
unset setting as on once the project has two coders (the consensus layer not counted); the server's
``annotator_blind()`` (revision 0003), which row-level security asks, counted it as off. So on a
team that never switched blind mode explicitly, the menu said "blind" while every coder read every
other coder's rows. Blind coding is the safe default for a team: independent codings are what the
agreement measures. This revision makes the server follow the desktop's rule:

- "on" is on, "off" is off;
- unset (or anything else) is on once at least two coders (not the consensus layer) exist.

SECURITY DEFINER with the search_path pinned, as before (it counts coder rows a coder may read
anyway). On SQLite there is nothing to change.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _blind(schema: str, rule: str) -> str:
    return f"""
        CREATE OR REPLACE FUNCTION "{schema}".annotator_blind() RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            {rule}
        $$"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    s = bind.exec_driver_sql("SELECT current_schema()").scalar()
    rule = f"""
            SELECT CASE (SELECT value FROM "{s}".setting WHERE key = 'blind')
                WHEN 'on' THEN true
                WHEN 'off' THEN false
                ELSE (SELECT count(*) FROM "{s}".coder WHERE NOT is_consensus) >= 2
            END"""
    op.execute(_blind(s, rule))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    s = bind.exec_driver_sql("SELECT current_schema()").scalar()
    rule = f"""SELECT coalesce(
                (SELECT value = 'on' FROM "{s}".setting WHERE key = 'blind'), false)"""
    op.execute(_blind(s, rule))
