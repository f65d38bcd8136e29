"""A coder's own login against the team, over plain SQL (psycopg, not our code): revision 0011.

Each test here failed before the fix it names (docs/team-server.md, "Threat model"):

- blind mode read through a REFI-QDA coding's fingerprint (a hash of what the coding says);
- a malformed row of one's own (a timestamp, ``extra``, a span, a clause outside the text) that
  made the whole team's exchange export fail or unimportable;
- a session left inside a transaction holding its locks for ever (no per-login timeouts);
- a removed coder's login still working, in a session already open.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.ci import under_ci

if not under_ci():  # psycopg is the [server] extra: skip here without it, fail under CI
    pytest.importorskip("psycopg")
import psycopg
from sqlalchemy import text

from annotator.services import clauses as clause_service
from annotator.services.exchange import export_exchange_dict
from annotator.services.merge import apply_merge, preview_merge
from annotator.services.project import Project
from annotator.services.refi import fingerprint
from annotator.storage import server
from annotator.storage.db import open_engine
from annotator.storage.server import add_coder_role, open_server_engine, set_blind
from tests.server.conftest import Team
from tests.server.test_refi_server import OLENA_CODING, _import, _qdpx


def _sql(team: Team, short: str, password: str = "pw") -> psycopg.Connection[Any]:
    """A plain psycopg session as the team login ``short``: no options, autocommit."""
    return psycopg.connect(team.url(team.role(short), password), autocommit=True)


def _coders(team: Team, *names: str) -> dict[str, str]:
    return {n: add_coder_role(team.owner, team.role(n), "pw") for n in names}


# -- blind mode and REFI-QDA fingerprints ------------------------------------------------------


def test_a_blind_coder_cannot_read_a_colleagues_coding_from_its_fingerprint(
    team: Team, tmp_path: Path
) -> None:
    ids = _coders(team, "olena", "taras")
    owner = Project(team.owner)
    assert _import(owner, _qdpx(team, tmp_path / "atlas.qdpx"))["annotations_added"] == 2
    set_blind(team.owner, True)
    with team.owner.connect() as conn:
        clauses = conn.execute(
            text('SELECT start, "end" FROM clause WHERE document_key = :d'),
            {"d": team.document_key},
        ).all()
        categories = list(conn.execute(text("SELECT key FROM category")).scalars())

    with _sql(team, "taras") as taras:
        rows = taras.execute(
            "SELECT foreign_id, local_id, fingerprint FROM refi_identity WHERE kind = 'coding'"
        ).fetchall()
    # The attack: hash every category on every clause as Olena's tag and compare.
    guesses = {
        fingerprint(
            {
                "coder": ids["olena"],
                "document": team.document_key,
                "clause": [start, end],
                "category": key,
                "span": span,
                "memo": "",
                "deleted": False,
            }
        ): key
        for start, end in clauses
        for key in categories
        for span in (None, [start, end])
    }
    read = {foreign: guesses[print_] for foreign, _, print_ in rows if print_ in guesses}
    assert OLENA_CODING not in {foreign for foreign, _, _ in rows}
    assert read == {}  # Taras's own coding is not in the guesses (they are Olena's)
    # Olena still sees her own coding's identity; the owner sees both.
    with _sql(team, "olena") as olena:
        mine = olena.execute("SELECT foreign_id FROM refi_identity WHERE kind = 'coding'")
        assert OLENA_CODING in {r[0] for r in mine}


# -- one coder's malformed rows must not break the team's export -------------------------------

MALFORMED = [
    "UPDATE annotation SET created = 'garbage' WHERE coder_id = %(me)s",
    "UPDATE annotation SET updated = '30/11/2026' WHERE coder_id = %(me)s",
    "UPDATE annotation SET extra = '{not json' WHERE coder_id = %(me)s",
    "UPDATE annotation SET extra = '[1, 2]' WHERE coder_id = %(me)s",
    "UPDATE annotation SET span_start = 9, span_end = 4 WHERE coder_id = %(me)s",
    "UPDATE annotation SET span_start = -3, span_end = 4 WHERE coder_id = %(me)s",
    "UPDATE annotation SET span_start = 3, span_end = NULL WHERE coder_id = %(me)s",
    "INSERT INTO review (coder_id, clause_id, status, updated) "
    "VALUES (%(me)s, %(c2)s, 'maybe', '2026-11-30T00:00:00.000Z')",
    "INSERT INTO review (coder_id, clause_id, status, updated) "
    "VALUES (%(me)s, %(c2)s, 'done', 'yesterday')",
    "INSERT INTO clause_note (coder_id, clause_id, memo, flagged, updated, extra) "
    "VALUES (%(me)s, %(c2)s, 'x', false, '2026-11-30T00:00:00.000Z', '\"text\"')",
    "INSERT INTO clause_link (id, source_clause_id, target_clause_id, coder_id, status, created,"
    " updated, deleted) VALUES (gen_random_uuid()::text, %(c2)s, %(c3)s, %(me)s, 'accepted',"
    " '', '2026-11-30T00:00:00.000Z', false)",
    'INSERT INTO clause (document_key, start, "end", label, kind) '
    "VALUES (%(doc)s, 5000, 5010, 'beyond', 'paragraph')",
    'INSERT INTO clause (document_key, start, "end", label, kind) '
    "VALUES (%(doc)s, %(len)s - 1, %(len)s + 1, 'across the end', 'paragraph')",
    'INSERT INTO clause (document_key, start, "end", label, kind) '
    "VALUES (%(doc)s, %(len)s - 1, %(len)s - 2, 'reversed', 'paragraph')",
    'UPDATE clause SET "end" = "end" + 1000 WHERE id = %(last)s',
]


def test_malformed_rows_of_ones_own_are_refused_and_the_export_still_imports(
    team: Team, tmp_path: Path
) -> None:
    ids = _coders(team, "olena", "taras")
    owner = Project(team.owner)
    clauses = owner.clauses(team.document_key)
    taras = Project(open_server_engine(team.url(team.role("taras"), "pw")))
    team.disposables.append(taras.engine)
    taras.toggle_tag(ids["taras"], clauses[1].id, "economic")
    taras.toggle_span(
        ids["taras"], clauses[2].id, "territorial", clauses[2].start + 1, clauses[2].start + 6
    )
    with team.owner.connect() as conn:
        length = conn.execute(
            text("SELECT char_length(text) FROM document WHERE key = :d"), {"d": team.document_key}
        ).scalar_one()
    params = {
        "me": ids["taras"],
        "c2": clauses[2].id,
        "c3": clauses[3].id,
        "doc": team.document_key,
        "len": length,
        "last": clauses[-1].id,
    }
    stored = []
    with _sql(team, "taras") as conn:
        for statement in MALFORMED:
            try:
                with conn.transaction():
                    changed = conn.execute(statement, params).rowcount
            except psycopg.Error:
                continue
            if changed:
                stored.append(statement)
    assert stored == []
    # Whatever Taras tried, the owner's export is a file the importer takes.
    path = tmp_path / "team.json"
    path.write_text(json.dumps(export_exchange_dict(owner)), encoding="utf-8")
    copy = Project(open_engine(tmp_path / "copy.sqlite"))
    try:
        apply_merge(copy, preview_merge(copy, [path]))
    finally:
        copy.engine.dispose()


# -- a transaction left open, and a removed login ----------------------------------------------


def test_a_login_has_the_apps_timeouts_in_any_client(team: Team) -> None:
    _coders(team, "taras")
    with _sql(team, "taras") as conn:
        shown = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("idle_in_transaction_session_timeout", "lock_timeout", "statement_timeout")
        }
    assert shown == {
        "idle_in_transaction_session_timeout": "1min",
        "lock_timeout": "5s",
        "statement_timeout": "15s",
    }


TABLES_OF_THE_TEAM = (
    "annotation",
    "review",
    "clause_note",
    "clause_link",
    "clause",
    "document",
    "category",
    "setting",
    "coder",
    "refi_identity",
    "alembic_version",
)


def test_no_team_login_can_lock_a_table_against_the_team(team: Team) -> None:
    """LOCK TABLE ... ACCESS EXCLUSIVE (or SHARE: no writes) in a transaction left open stopped
    every colleague's reads and writes; table-level UPDATE or DELETE allowed it (revision 0011)."""
    _coders(team, "taras")
    server.add_reviewer_role(team.owner, team.role("rev"), "pw")
    taken = []
    for login, tables in (("taras", TABLES_OF_THE_TEAM), ("rev", NO_LOCK)):
        with _sql(team, login) as conn:
            for table in tables:
                for mode in ("ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE"):
                    try:
                        with conn.transaction():
                            conn.execute(f"LOCK TABLE {table} IN {mode} MODE")
                    except psycopg.errors.InsufficientPrivilege:
                        continue
                    taken.append((login, table, mode))
    assert taken == []


NO_LOCK = ("annotation", "review", "clause_note", "clause_link", "clause")


def test_a_row_lock_left_open_in_psql_is_ended_and_the_team_writes_again(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "IDLE_IN_TRANSACTION_MS", 1000)  # 60 s in a real team
    ids = _coders(team, "olena", "taras")
    olena = Project(open_server_engine(team.url(team.role("olena"), "pw")))
    team.disposables.append(olena.engine)
    clause = Project(team.owner).clauses(team.document_key)[1]
    taras = _sql(team, "taras")
    taras.execute("BEGIN")
    # A clause no one coded yet: Taras may lock its row, which a colleague's tag must share.
    taras.execute("SELECT id FROM clause WHERE id = %s FOR UPDATE", [clause.id])
    time.sleep(1.5)  # then the laptop sleeps
    olena.toggle_tag(ids["olena"], clause.id, "economic")  # not a lock timeout: the lock is gone
    with pytest.raises(psycopg.Error, match="idle-in-transaction timeout"):
        taras.execute("SELECT 1")
    taras.close()


def test_a_removed_login_loses_its_open_session_and_cannot_log_in_but_its_work_stays(
    team: Team,
) -> None:
    ids = _coders(team, "olena")
    olena = Project(open_server_engine(team.url(team.role("olena"), "pw")))
    team.disposables.append(olena.engine)
    clause = Project(team.owner).clauses(team.document_key)[1]
    olena.toggle_tag(ids["olena"], clause.id, "economic")
    olena.engine.dispose()
    session = _sql(team, "olena")
    session.execute("BEGIN")
    session.execute("SELECT count(*) FROM annotation")  # a session open, in a transaction

    server.remove_login(team.owner, team.role("olena"))

    with pytest.raises(psycopg.OperationalError):
        session.execute("SELECT count(*) FROM annotation")
    session.close()
    with pytest.raises(psycopg.OperationalError):
        _sql(team, "olena").close()
    with team.owner.connect() as conn:
        kept = conn.execute(
            text("SELECT count(*) FROM annotation WHERE coder_id = :c"), {"c": ids["olena"]}
        ).scalar_one()
    assert kept == 1
    # Added again, she is the same coder with her work.
    assert add_coder_role(team.owner, team.role("olena"), "pw2") == ids["olena"]
    with _sql(team, "olena", "pw2") as conn:
        assert conn.execute("SELECT count(*) FROM annotation").fetchone() == (1,)


# -- clocks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("stamp", ["2099-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"])
def test_a_fast_clock_on_the_shared_consensus_layer_neither_refuses_nor_undoes_a_colleague(
    team: Team, stamp: str
) -> None:
    """Two reviewers share the consensus layer. One laptop's clock runs far ahead: its stamp is
    written over plain SQL here. The other reviewer's later edit must go through, and be stamped
    no earlier, so that no merge takes the fast laptop's version for the newer one."""
    consensus = server.add_reviewer_role(team.owner, team.role("rev1"), "pw")
    server.add_reviewer_role(team.owner, team.role("rev2"), "pw")
    clause = Project(team.owner).clauses(team.document_key)[1]
    first = Project(open_server_engine(team.url(team.role("rev1"), "pw")))
    second = Project(open_server_engine(team.url(team.role("rev2"), "pw")))
    team.disposables += [first.engine, second.engine]
    first.toggle_tag(consensus, clause.id, "economic")
    with _sql(team, "rev1") as conn:
        assert (
            conn.execute(
                "UPDATE annotation SET updated = %s, memo = 'fast' WHERE coder_id = %s",
                [stamp, consensus],
            ).rowcount
            == 1
        )

    second.toggle_tag(consensus, clause.id, "economic")  # the other reviewer untags it

    with team.owner.connect() as conn:
        deleted, updated = conn.execute(
            text("SELECT deleted, updated FROM annotation WHERE coder_id = :c"), {"c": consensus}
        ).one()
    assert deleted is True
    # Same-width RFC 3339 stamps compare as text; nothing is later than the end of year 9999,
    # where the edit keeps the stamp (and still goes through).
    assert updated > stamp or updated == stamp == "9999-12-31T23:59:59.999Z"


def test_no_member_can_create_objects_in_the_projects_schema_even_where_public_could(
    team: Team,
) -> None:
    """PostgreSQL 14 and older grant CREATE on the public schema to PUBLIC. A member's function
    there (say ``public.lower(varchar)``) would be picked over pg_catalog's by an owner's query and
    run with the owner's rights. Granting team privileges takes that CREATE away."""
    _coders(team, "taras")
    with team.owner.begin() as conn:
        conn.exec_driver_sql("GRANT CREATE ON SCHEMA public TO PUBLIC")  # as on PostgreSQL 14
        server.grant_team_privileges(conn)  # what every upgrade runs
    with _sql(team, "taras") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "CREATE FUNCTION public.lower(varchar) RETURNS text LANGUAGE sql AS 'SELECT $1::text'"
        )


def test_an_owner_without_superuser_rights_removes_a_login_and_deletes_any_row(
    pg_url: str,
) -> None:
    """A real team owner is a CREATEDB CREATEROLE role, not a superuser: ending another login's
    sessions needs membership it takes for the moment, and the delete function must know it for
    the owner (who owns the tables) all the same."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from annotator.services.team import create_team_project

    database = f"t{uuid.uuid4().hex[:10]}"
    lead = f"{database}_lead"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {lead} LOGIN CREATEDB CREATEROLE PASSWORD 'pw'")
    admin.dispose()
    owner = create_team_project(
        make_url(pg_url).set(username=lead, password="pw").render_as_string(False), database
    )
    team = Team(pg_url, database, owner.engine, "")
    try:
        olena_id = add_coder_role(owner.engine, team.role("olena"), "pw")
        key = owner.import_text("Plan", "1. One point.\n2. Another point.\n").document_key
        first, second = owner.clauses(key)[:2]
        olena = Project(open_server_engine(team.url(team.role("olena"), "pw")))
        team.disposables.append(olena.engine)
        olena.toggle_tag(olena_id, second.id, "economic")
        # The owner joins Olena's clause into the one before: the second clause is deleted
        # through the function, as the owner, and her tag follows the text.
        clause_service.merge_with_next(owner, first.id, None)
        assert [c.id for c in owner.clauses(key)] == [first.id]
        with owner.engine.connect() as conn:
            moved = conn.exec_driver_sql("SELECT clause_id FROM annotation").scalars().all()
        assert moved == [first.id]
        session = _sql(team, "olena")
        session.execute("BEGIN")
        session.execute("SELECT count(*) FROM clause")
        server.remove_login(owner.engine, team.role("olena"))
        with pytest.raises(psycopg.OperationalError):
            session.execute("SELECT 1")
        session.close()
    finally:
        for engine in team.disposables:
            engine.dispose()
        owner.close()
