"""Team server hardening: what a coder's own login could still do over plain SQL.

Found by attacking a team server with a coder's login in psql (docs/team-server.md, "Threat
model"). On PostgreSQL only; on SQLite this revision changes nothing (one user, our own code).

- **Blind mode leaked through REFI-QDA fingerprints.** ``refi_identity`` was readable by every
  coder, and a coding's row holds the id of its annotation and a SHA-256 of what the coding says
  (coder, clause, category, span, memo). A blind coder could hash every category (and span) of a
  clause and so read a colleague's imported coding. A coding identity is now readable only when
  its annotation is readable by the login (or is gone: the import's "forget what is gone" check
  still sees those).
- **One coder's malformed row broke everyone's export.** Row-level security lets a coder write
  anything into their own rows; a ``created`` of ``garbage``, an ``extra`` that is not JSON, a
  reversed span or a clause outside the plan's text was stored, and the team's exchange export
  then failed, or wrote a file the importer refuses. CHECK constraints now hold what the exchange
  format requires of every row (timestamps, review status, spans, clause ranges, ``extra``), and
  a clause a team member inserts or moves must lie inside its plan's text. The constraints are
  added NOT VALID: rows already stored are not re-checked (an upgrade never fails on old data),
  every new or changed row is.
- **A coder could lock the whole team out.** Table-level UPDATE or DELETE lets a login take any
  table lock: ``LOCK TABLE annotation IN ACCESS EXCLUSIVE MODE`` in an open transaction stopped
  every colleague's reads and writes. Team logins now get column-level UPDATE and no DELETE on the
  coded tables and clauses (``grant_team_privileges``), which allows no lock stronger than ROW
  EXCLUSIVE; they delete a row (undoing a tag, joining clauses) through
  ``annotator_delete_row(table, key, key2)``, SECURITY DEFINER with a pinned search_path, which
  applies exactly the delete policies of revisions 0003 and 0008 (own rows; a clause without
  others' work that another clause covers) and lets the team owner delete any row.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The exchange format's timestamp (plan-annotations-v1.schema.json, $defs/timestamp).
STAMP = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$"
STAMPED = {
    "annotation": ("created", "updated"),
    "review": ("updated",),
    "clause_note": ("updated",),
    "clause_link": ("created", "updated"),
}
DELETE_ROW = "annotator_delete_row(text, text, text)"
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


def _extra_ok(column: str) -> str:
    # services.row_extras: a JSON object, or [fields, filled-in fields] (two objects). Text that
    # is not JSON fails the cast, which refuses the row as well.
    j = f"({column})::json"
    return (
        f"{column} IS NULL OR json_typeof({j}) = 'object' OR (json_typeof({j}) = 'array' "
        f"AND json_array_length({j}) = 2 AND json_typeof({j} -> 0) = 'object' "
        f"AND json_typeof({j} -> 1) = 'object')"
    )


def _checks() -> list[tuple[str, str, str]]:
    """(table, constraint name, condition)."""
    checks = []
    for table, columns in STAMPED.items():
        for column in columns:
            checks.append((table, f"ck_{table}_{column}_stamp", f"{_ident(column)} ~ '{STAMP}'"))
    for table in EXTRA_TABLES:
        checks.append((table, f"ck_{table}_extra_json", _extra_ok("extra")))
    checks += [
        ("review", "ck_review_status", "status IN ('done', 'none')"),
        (
            "annotation",
            "ck_annotation_span",
            "(span_start IS NULL AND span_end IS NULL) "
            "OR (span_start IS NOT NULL AND span_end IS NOT NULL "
            "AND span_start >= 0 AND span_end > span_start)",
        ),
        ("clause", "ck_clause_range", 'start >= 0 AND "end" > start'),
    ]
    return checks


def _clause_policies(s: str, *, inside_text: bool) -> list[str]:
    """Revision 0008's insert and update policies on clauses, with the text bound if asked."""
    own = f"NOT {s}.annotator_clause_foreign_work(id)"
    free = f'{s}.annotator_span_free(document_key, start, "end")'
    inside = (
        f' AND "end" <= (SELECT char_length(d.text) FROM {s}.document d WHERE d.key = document_key)'
        if inside_text
        else ""
    )
    t = f"{s}.clause"
    return [
        f"DROP POLICY IF EXISTS clause_insert ON {t}",
        f"DROP POLICY IF EXISTS clause_update ON {t}",
        f"CREATE POLICY clause_insert ON {t} FOR INSERT WITH CHECK ({free}{inside})",
        f"CREATE POLICY clause_update ON {t} FOR UPDATE USING ({own}) "
        f"WITH CHECK ({own} AND {free}{inside})",
    ]


def _identity_read(s: str, *, hide_hidden_codings: bool) -> list[str]:
    t = f"{s}.refi_identity"
    # The sub-select on annotation runs under the login's own row-level security: a coding
    # identity shows when its annotation shows (or no longer exists at all).
    condition = (
        f"kind <> 'coding' OR EXISTS (SELECT 1 FROM {s}.annotation a WHERE a.id = local_id) "
        f"OR NOT {s}.annotator_annotation_exists(local_id)"
        if hide_hidden_codings
        else "true"
    )
    return [
        f"DROP POLICY IF EXISTS refi_identity_read ON {t}",
        f"CREATE POLICY refi_identity_read ON {t} FOR SELECT USING ({condition})",
    ]


def _delete_row(s: str) -> str:
    # session_user: inside SECURITY DEFINER current_user is the owner. "mine" is revision 0008's
    # acting login's coder rows, and the consensus layer when that login is a reviewer.
    mine = f"""(SELECT c.id FROM {s}.coder c
        WHERE c.db_role = session_user
           OR (c.is_consensus AND EXISTS (
                SELECT 1 FROM pg_catalog.pg_roles r
                WHERE r.rolname = pg_catalog.current_database() || '_reviewers'
                  AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER'))))"""
    return f"""
        CREATE OR REPLACE FUNCTION {s}.annotator_delete_row(
            tbl text, k1 text, k2 text DEFAULT NULL) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        DECLARE
            -- The team owner (or a superuser), whom row-level security does not confine either.
            is_owner boolean := pg_catalog.pg_has_role(session_user, (
                SELECT k.relowner FROM pg_catalog.pg_class k
                WHERE k.oid = '{s}.clause'::pg_catalog.regclass), 'MEMBER');
            n integer;
        BEGIN
            IF tbl = 'clause' THEN
                DELETE FROM {s}.clause c WHERE c.id = k1::integer AND (is_owner OR (
                    NOT {s}.annotator_clause_foreign_work(c.id)
                    AND {s}.annotator_clause_covered(c.document_key, c.start, c."end", c.id)));
            ELSIF tbl = 'annotation' THEN
                DELETE FROM {s}.annotation a WHERE a.id = k1
                    AND (is_owner OR a.coder_id IN {mine});
            ELSIF tbl = 'clause_link' THEN
                DELETE FROM {s}.clause_link l WHERE l.id = k1
                    AND (is_owner OR l.coder_id IN {mine});
            ELSIF tbl = 'review' THEN
                DELETE FROM {s}.review r WHERE r.coder_id = k1 AND r.clause_id = k2::integer
                    AND (is_owner OR r.coder_id IN {mine});
            ELSIF tbl = 'clause_note' THEN
                DELETE FROM {s}.clause_note o WHERE o.coder_id = k1 AND o.clause_id = k2::integer
                    AND (is_owner OR o.coder_id IN {mine});
            ELSE
                RAISE EXCEPTION 'annotator_delete_row does not delete from %', tbl
                    USING ERRCODE = '42501';
            END IF;
            GET DIAGNOSTICS n = ROW_COUNT;
            RETURN n > 0;
        END
        $$"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    s = _ident(str(bind.exec_driver_sql("SELECT current_schema()").scalar_one()))
    for table, name, condition in _checks():
        op.execute(f"ALTER TABLE {s}.{table} ADD CONSTRAINT {name} CHECK ({condition}) NOT VALID")
    for statement in _clause_policies(s, inside_text=True):
        op.execute(statement)
    for statement in _identity_read(s, hide_hidden_codings=True):
        op.execute(statement)
    op.execute(_delete_row(s))
    # EXECUTE goes to the team's groups (grant_team_privileges), with the privileges it replaces.
    op.execute(f"REVOKE ALL ON FUNCTION {s}.{DELETE_ROW} FROM PUBLIC")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    s = _ident(str(bind.exec_driver_sql("SELECT current_schema()").scalar_one()))
    op.execute(f"DROP FUNCTION IF EXISTS {s}.{DELETE_ROW}")
    for statement in _identity_read(s, hide_hidden_codings=False):
        op.execute(statement)
    for statement in _clause_policies(s, inside_text=False):
        op.execute(statement)
    for table, name, _condition in _checks():
        op.execute(f"ALTER TABLE {s}.{table} DROP CONSTRAINT IF EXISTS {name}")
