"""Team server confinement: clause edits, link policies, a policy on every table.

The model (docs/team-server.md): a clause may be split, joined, moved or relabelled only by someone
who is the sole author of the work on it. "Work" is any annotation (tombstones too), review,
clause note or clause link of a coder; the acting login's own rows (and, for a reviewer, the
consensus layer's) do not count. Anything else is refused by the server itself; the team owner
(who owns the tables and is not subject to row-level security) can still change any clause.

On PostgreSQL only:

- ``annotator_clause_foreign_work(clause)``: SECURITY DEFINER (it must see rows that blind mode
  hides) with a pinned search_path; true when the clause carries work of a coder other than the
  session's login (a reviewer's login also owns the consensus layer). It answers one bit per
  clause, the same bit a refusal message gives.
- ``annotator_span_free(document, start, end)``: no clause of that document overlapping
  ``[start, end)`` carries someone else's work; so a new or moved clause cannot swallow a colleague's
  coded text either.
- ``clause`` gets row-level security: everyone reads; INSERT only over free text; UPDATE only of
  clauses without others' work, and only to a place over free text; DELETE only of a clause
  without others' work whose text another clause already covers (the last step of a join, or of
  undoing a split), so no one can remove the plan's segmentation.
- ``clause_link`` gets the policies annotations have (revision 0003): a login writes only links of
  its own coder row (a reviewer: also the consensus layer's); in blind mode it reads only those
  and the project-wide links (no coder); reviewers read everything.
- ``document``, ``category``, ``setting`` and ``coder`` get explicit policies: everyone reads;
  reviewers write documents, the codebook and the settings; nobody but the owner writes coders.
  Privileges (``annotator.storage.server.grant_team_privileges``) already refuse these writes to
  coders; the policies make the rule visible in the schema and hold if a privilege is misgranted.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# refi_identity (revision 0006) remembers which foreign REFI-QDA GUID became which row: a .qdpx
# import writes other coders' work and categories, which only the owner and reviewers may.
OPEN_TABLES = ("document", "category", "setting", "coder", "refi_identity")
REVIEWER_WRITES = ("document", "category", "setting", "refi_identity")
FUNCTIONS = ("annotator_clause_foreign_work(integer)", "annotator_span_free(varchar, integer, integer)")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _functions(s: str) -> list[str]:
    # session_user, not current_user: inside SECURITY DEFINER current_user is the owner. The
    # acting login's coder rows, and the consensus layer when that login is a reviewer.
    mine = f"""
        SELECT c.id FROM {s}.coder c
        WHERE c.db_role = session_user
           OR (c.is_consensus AND EXISTS (
                SELECT 1 FROM pg_catalog.pg_roles r
                WHERE r.rolname = pg_catalog.current_database() || '_reviewers'
                  AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')))"""
    foreign = f"""
        CREATE OR REPLACE FUNCTION {s}.annotator_clause_foreign_work(integer)
        RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            WITH mine AS ({mine})
            SELECT EXISTS (SELECT 1 FROM {s}.annotation a
                           WHERE a.clause_id = $1 AND a.coder_id NOT IN (SELECT id FROM mine))
                OR EXISTS (SELECT 1 FROM {s}.review r
                           WHERE r.clause_id = $1 AND r.coder_id NOT IN (SELECT id FROM mine))
                OR EXISTS (SELECT 1 FROM {s}.clause_note n
                           WHERE n.clause_id = $1 AND n.coder_id NOT IN (SELECT id FROM mine))
                OR EXISTS (SELECT 1 FROM {s}.clause_link l
                           WHERE (l.source_clause_id = $1 OR l.target_clause_id = $1)
                             AND (l.coder_id IS NULL OR l.coder_id NOT IN (SELECT id FROM mine)))
        $$"""
    free = f"""
        CREATE OR REPLACE FUNCTION {s}.annotator_span_free(
            doc varchar, lo integer, hi integer) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
            SELECT NOT EXISTS (
                SELECT 1 FROM {s}.clause c
                WHERE c.document_key = doc AND c.start < hi AND c."end" > lo
                  AND {s}.annotator_clause_foreign_work(c.id))
        $$"""
    # Invoker's rights are enough (everyone reads clauses); a function keeps the clause policy
    # from querying its own table inline.
    covered = f"""
        CREATE OR REPLACE FUNCTION {s}.annotator_clause_covered(
            doc varchar, lo integer, hi integer, except_id integer) RETURNS boolean
        LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
            SELECT EXISTS (
                SELECT 1 FROM {s}.clause c
                WHERE c.document_key = doc AND c.id <> except_id
                  AND c.start <= lo AND c."end" >= hi)
        $$"""
    return [foreign, free, covered]


def _coder_policies(s: str, table: str, *, nullable_owner: bool) -> list[str]:
    writable = (
        f"coder_id IN (SELECT c.id FROM {s}.coder c WHERE c.db_role = current_user "
        f"OR (c.is_consensus AND (SELECT {s}.annotator_is_reviewer())))"
    )
    project_wide = "coder_id IS NULL OR " if nullable_owner else ""
    readable = (
        f"{project_wide}({writable}) OR NOT (SELECT {s}.annotator_blind()) "
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


def _clause_policies(s: str) -> list[str]:
    t = f"{s}.clause"
    own = f"NOT {s}.annotator_clause_foreign_work(id)"
    free = f'{s}.annotator_span_free(document_key, start, "end")'
    return [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY clause_read ON {t} FOR SELECT USING (true)",
        f"CREATE POLICY clause_insert ON {t} FOR INSERT WITH CHECK ({free})",
        f"CREATE POLICY clause_update ON {t} FOR UPDATE USING ({own}) WITH CHECK ({own} AND {free})",
        # Only a join removes a clause: another clause already holds its text.
        f"CREATE POLICY clause_delete ON {t} FOR DELETE USING ({own} AND "
        f'{s}.annotator_clause_covered(document_key, start, "end", id))',
    ]


def _open_policies(s: str, table: str) -> list[str]:
    t = f"{s}.{table}"
    statements = [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY {table}_read ON {t} FOR SELECT USING (true)",
    ]
    if table in REVIEWER_WRITES:
        reviewer = f"(SELECT {s}.annotator_is_reviewer())"
        statements.append(
            f"CREATE POLICY {table}_write ON {t} FOR ALL USING ({reviewer}) WITH CHECK ({reviewer})"
        )
    return statements


def upgrade() -> None:
    # Portable: the confinement check (and any "who worked on this clause") looks up by clause.
    op.create_index("ix_review_clause", "review", ["clause_id"])
    op.create_index("ix_clause_note_clause", "clause_note", ["clause_id"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    s = _ident(str(bind.exec_driver_sql("SELECT current_schema()").scalar_one()))
    for statement in _functions(s):
        op.execute(statement)
    for name in FUNCTIONS:
        # EXECUTE goes to the team's groups (grant_team_privileges), whose policies call these.
        op.execute(f"REVOKE ALL ON FUNCTION {s}.{name} FROM PUBLIC")
    for statement in _clause_policies(s):
        op.execute(statement)
    for statement in _coder_policies(s, "clause_link", nullable_owner=True):
        op.execute(statement)
    for table in OPEN_TABLES:
        for statement in _open_policies(s, table):
            op.execute(statement)


def downgrade() -> None:
    op.drop_index("ix_clause_note_clause", table_name="clause_note")
    op.drop_index("ix_review_clause", table_name="review")
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, kinds in (
        ("clause", ("read", "insert", "update", "delete")),
        ("clause_link", ("read", "insert", "update", "delete")),
        *((t, ("read", "write")) for t in OPEN_TABLES),
    ):
        for kind in kinds:
            op.execute(f"DROP POLICY IF EXISTS {table}_{kind} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION IF EXISTS annotator_clause_covered(varchar, integer, integer, integer)")
    op.execute("DROP FUNCTION IF EXISTS annotator_span_free(varchar, integer, integer)")
    op.execute("DROP FUNCTION IF EXISTS annotator_clause_foreign_work(integer)")
