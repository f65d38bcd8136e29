"""The server schema, role confinement enforced by PostgreSQL itself, and connection faults."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from annotator.core.errors import AnnotatorError, EditError, ProjectError
from annotator.services.project import Project
from annotator.storage.db import head_revision
from annotator.storage.server import (
    add_coder_role,
    add_reviewer_role,
    coder_id_for_role,
    display_url,
    is_server_url,
    open_server_engine,
    retry_transient,
    server_url,
    set_blind,
)
from tests.server.conftest import Team


def _coder(team: Team, short: str) -> tuple[Project, str]:
    """A project opened as a new coder role, and that coder's id."""
    role, password = team.role(short), f"pw-{short}'\"x"  # quotes must survive the role DDL
    coder_id = add_coder_role(team.owner, role, password)
    engine = open_server_engine(team.url(role, password))
    team.disposables.append(engine)
    return Project(engine), coder_id


def _clause_ids(project: Project, team: Team) -> list[int]:
    return [c.id for c in project.clauses(team.document_key)]


def _live_tags(engine: Engine, coder_id: str) -> set[tuple[int, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT clause_id, category_key FROM annotation WHERE coder_id = :c AND NOT deleted"
            ),
            {"c": coder_id},
        )
        return {(r[0], r[1]) for r in rows}


# -- URLs --------------------------------------------------------------------------------------


def test_urls_are_rewritten_to_psycopg_and_shown_without_password() -> None:
    url = server_url("postgresql://ann:secret@db.example:5433/team")
    assert url.drivername == "postgresql+psycopg"
    assert url.password == "secret"
    assert display_url(url) == "postgresql://ann:***@db.example:5433/team"
    assert is_server_url("postgresql+psycopg://a@h/d") and is_server_url("postgresql://a@h/d")
    assert not is_server_url("/home/ann/projects/plan.sqlite")
    with pytest.raises(ProjectError, match="names no database"):
        server_url("postgresql://ann@db.example")
    with pytest.raises(ProjectError, match="postgresql"):
        server_url("mysql://ann@db.example/team")


# -- schema ------------------------------------------------------------------------------------


def test_empty_database_gets_every_revision_and_row_security(team: Team) -> None:
    with team.owner.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            head_revision()
        )
        secured = dict(
            conn.exec_driver_sql(
                "SELECT tablename, rowsecurity FROM pg_tables WHERE schemaname = 'public'"
            ).all()
        )
        # Every table a team member can read or write has row-level security (0003, 0008).
        assert {t for t, on in secured.items() if on} == set(secured) - {"alembic_version"}
        policies = dict(
            conn.exec_driver_sql(
                "SELECT tablename, count(*) FROM pg_policies GROUP BY tablename"
            ).all()
        )
        coded = ("annotation", "review", "clause_note", "clause_link", "clause")
        assert {t: policies[t] for t in coded} == dict.fromkeys(coded, 4)
        assert policies["coder"] == 1  # read only: nobody but the owner adds coders
        # The same revisions as SQLite: the portable column is there.
        assert conn.exec_driver_sql("SELECT count(db_role) FROM coder").scalar() == 0
        categories = conn.exec_driver_sql("SELECT count(*) FROM category").scalar()
        assert categories and categories >= 4


def test_newer_schema_is_refused(team: Team) -> None:
    with team.owner.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(ProjectError, match="newer version") as caught:
        open_server_engine(team.url())
    assert "\n" not in str(caught.value)


def test_another_programs_alembic_schema_is_not_called_newer(team: Team) -> None:
    with team.owner.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ae1027a6acf'")
    with pytest.raises(ProjectError, match="not a Plan Annotator project") as caught:
        open_server_engine(team.url())
    assert "newer" not in str(caught.value)


def test_a_foreign_database_is_refused(team: Team) -> None:
    with team.owner.begin() as conn:
        conn.exec_driver_sql("DROP TABLE alembic_version")
    with pytest.raises(ProjectError, match="not a Plan Annotator project"):
        open_server_engine(team.url())


# -- connection faults -------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "not-the-password"}, "wrong user name or password"),
        ({"database": "no_such_team"}, "no database 'no_such_team'"),
        ({"username": "nobody", "password": "x"}, "wrong user name or password|no user"),
        ({"host": "127.0.0.1", "port": None}, "cannot reach the server"),
    ],
)
def test_connection_failures_are_one_line_project_errors(
    pg_url: str, change: dict[str, Any], message: str
) -> None:
    if "port" in change:
        change = {**change, "port": _closed_port()}
    url = make_url(pg_url).set(**change).render_as_string(hide_password=False)
    with pytest.raises(ProjectError, match=message) as caught:
        open_server_engine(url)
    assert "\n" not in str(caught.value)
    assert "not-the-password" not in str(caught.value)


# -- confinement: the server refuses, not the GUI ----------------------------------------------


def test_coder_cannot_change_anyone_elses_annotations(team: Team) -> None:
    olena, olena_id = _coder(team, "olena")
    taras, taras_id = _coder(team, "taras")
    first = _clause_ids(olena, team)[0]
    taras.toggle_tag(taras_id, first, "economic")
    (theirs,) = [c for c in taras.toggle_tag(taras_id, first, "territorial").changes]
    target = theirs.key[0]

    with olena.engine.begin() as conn:
        updated = conn.execute(
            text("UPDATE annotation SET deleted = true, coder_id = :me WHERE id = :id"),
            {"me": olena_id, "id": target},
        )
        assert updated.rowcount == 0
        # A team login deletes through the server's function (revision 0011), which applies the
        # delete policies: none of Taras's rows.
        deleted = conn.execute(
            text("SELECT annotator_delete_row('annotation', :id)"), {"id": target}
        ).scalar()
        assert deleted is False
    for table in ("annotation", "review"):  # a plain DELETE is refused outright
        with pytest.raises(DBAPIError) as denied, olena.engine.begin() as conn:
            conn.execute(text(f"DELETE FROM {table} WHERE coder_id = :c"), {"c": taras_id})
        assert getattr(denied.value.orig, "sqlstate", None) == "42501"
    with pytest.raises(DBAPIError) as refused, olena.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO annotation (id, coder_id, clause_id, category_key, memo, uncertain,"
                " created, updated, deleted) VALUES (:id, :c, :cl, 'economic', '', false,"
                " 'x', 'x', false)"
            ),
            {"id": str(uuid.uuid4()), "c": taras_id, "cl": first + 1},
        )
    assert getattr(refused.value.orig, "sqlstate", None) == "42501"
    assert "row-level security" in str(refused.value.orig)
    # Through the service too: an EditError once the retry helper has mapped it.
    with pytest.raises(EditError, match="refused"):
        retry_transient(lambda: olena.toggle_tag(taras_id, first + 1, "economic"))
    assert _live_tags(team.owner, taras_id) == {(first, "economic"), (first, "territorial")}
    assert _live_tags(team.owner, olena_id) == set()


def test_coders_cannot_turn_blind_off_nor_edit_codebook_or_coders(team: Team) -> None:
    olena, _ = _coder(team, "olena")
    set_blind(team.owner, True)
    statements = [
        "UPDATE setting SET value = 'off' WHERE key = 'blind'",
        "INSERT INTO category (key, name, description, color, position, retired, updated)"
        " VALUES ('mine', 'Mine', '', '#000000', 9, false, 'x')",
        "UPDATE coder SET db_role = current_user",
        "UPDATE clause SET document_key = 'x'",
        "UPDATE document SET title = 'x'",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError) as refused, olena.engine.begin() as conn:
            conn.exec_driver_sql(statement)
        assert getattr(refused.value.orig, "sqlstate", None) == "42501", statement
    with pytest.raises(EditError):
        retry_transient(lambda: olena.set_setting("blind", "off"))
    assert Project(team.owner).setting("blind") == "on"


def test_coders_may_add_clauses(team: Team) -> None:
    olena, _ = _coder(team, "olena")
    before = len(olena.clauses(team.document_key))
    with olena.engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO clause (document_key, start, "end", label, kind) '
                "VALUES (:k, 1, 4, 'x', 'paragraph')"
            ),
            {"k": team.document_key},
        )
    assert len(Project(team.owner).clauses(team.document_key)) == before + 1


def test_blind_mode_hides_other_coders_rows_from_select(team: Team) -> None:
    olena, olena_id = _coder(team, "olena")
    taras, taras_id = _coder(team, "taras")
    reviewer_id = add_reviewer_role(team.owner, team.role("rev"), "rev-pw")
    reviewer = Project(open_server_engine(team.url(team.role("rev"), "rev-pw")))
    team.disposables.append(reviewer.engine)
    first, second = _clause_ids(olena, team)[:2]
    olena.toggle_tag(olena_id, first, "economic")
    taras.toggle_tag(taras_id, second, "territorial")
    taras.mark_none(taras_id, first)

    def seen(project: Project) -> set[str]:
        with project.engine.connect() as conn:
            rows = conn.exec_driver_sql(
                "SELECT coder_id FROM annotation UNION ALL SELECT coder_id FROM review"
            )
            return {r[0] for r in rows}

    assert seen(olena) == {olena_id}  # two coders, blind mode never set: blind (0009)
    set_blind(team.owner, False)
    assert seen(olena) == {olena_id, taras_id}
    set_blind(team.owner, True)
    assert seen(olena) == {olena_id}
    assert seen(taras) == {taras_id}
    assert olena.coding(team.document_key, taras_id) == {}
    assert seen(reviewer) == {olena_id, taras_id}  # reviewers see everything
    set_blind(reviewer.engine, False)  # reviewers may switch it
    assert seen(olena) == {olena_id, taras_id}

    # Reviewers write the consensus layer, and nobody else's work.
    reviewer.toggle_tag(reviewer_id, first, "economic")
    with pytest.raises(EditError):
        retry_transient(lambda: reviewer.toggle_tag(olena_id, second, "economic"))
    with pytest.raises(EditError):
        retry_transient(lambda: olena.toggle_tag(reviewer_id, second, "economic"))
    assert _live_tags(team.owner, reviewer_id) == {(first, "economic")}
    assert coder_id_for_role(olena.engine) == olena_id


# -- a connection dropped in the middle of an action -------------------------------------------


@pytest.mark.parametrize("moment", ["before_cursor_execute", "after_cursor_execute"])
def test_dropped_connection_leaves_the_action_whole_or_absent(team: Team, moment: str) -> None:
    olena, olena_id = _coder(team, "olena")
    first = _clause_ids(olena, team)[0]
    olena.toggle_tag(olena_id, first, "security_guarantee")  # warm the pool
    killed = threading.Event()

    def kill(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if killed.is_set() or not statement.startswith("INSERT INTO annotation"):
            return
        pid = cursor.connection.info.backend_pid
        with team.owner.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            deadline = time.monotonic() + 30
            while admin.execute(
                text("SELECT 1 FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
            ).first():
                # pg_stat_activity is a snapshot per transaction: end it to see the exit.
                admin.rollback()
                assert time.monotonic() < deadline, "the terminated backend did not exit"
                time.sleep(0.01)
        killed.set()

    event.listen(olena.engine, moment, kill)
    try:
        with pytest.raises(AnnotatorError, match="connection to the server was lost"):
            retry_transient(lambda: olena.toggle_tag(olena_id, first, "economic"))
    finally:
        event.remove(olena.engine, moment, kill)
    assert killed.is_set()
    # Fully absent: neither the annotation nor anything else of that action.
    assert _live_tags(team.owner, olena_id) == {(first, "security_guarantee")}
    # And the project keeps working on a fresh connection.
    olena.toggle_tag(olena_id, first, "economic")
    assert _live_tags(team.owner, olena_id) == {(first, "security_guarantee"), (first, "economic")}


def test_retry_helper_retries_deadlocks_then_gives_up(team: Team) -> None:
    calls: list[str] = []

    def deadlocking() -> None:
        with team.owner.connect() as conn:
            conn.exec_driver_sql(
                "DO $$ BEGIN RAISE EXCEPTION 'simulated' USING ERRCODE = '40P01'; END $$"
            )

    with pytest.raises(ProjectError, match="too busy"):
        retry_transient(deadlocking, attempts=3, on_retry=calls.append)
    assert calls == ["40P01", "40P01"]

    outcomes = iter([True, False])

    def once_then_ok() -> str:
        if next(outcomes):
            deadlocking()
        return "done"

    assert retry_transient(once_then_ok) == "done"


def test_server_connections_have_timeouts_and_a_timeout_is_a_clear_error(team: Team) -> None:
    olena, _ = _coder(team, "olena")
    with olena.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "15s"
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "5s"

    def slow() -> None:
        with olena.engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL statement_timeout = 50")
            conn.exec_driver_sql("SELECT pg_sleep(2)")

    with pytest.raises(ProjectError, match="took too long") as caught:
        retry_transient(slow)
    assert "\n" not in str(caught.value)


def test_a_row_held_by_another_session_ends_in_a_lock_timeout_message(team: Team) -> None:
    olena, olena_id = _coder(team, "olena")
    first = _clause_ids(olena, team)[0]
    olena.toggle_tag(olena_id, first, "economic")
    with team.owner.connect() as holder:
        holder.exec_driver_sql("BEGIN")
        holder.exec_driver_sql("SELECT * FROM annotation FOR UPDATE")
        started = time.monotonic()
        with pytest.raises(ProjectError, match="lock timeout"):
            olena.toggle_tag(olena_id, first, "economic")  # the unit of work maps it
        assert time.monotonic() - started < 14  # the lock timeout, not the statement timeout
        holder.exec_driver_sql("ROLLBACK")
    assert _live_tags(team.owner, olena_id) == {(first, "economic")}


def test_an_older_team_database_is_upgraded_and_confined(team: Team) -> None:
    from alembic import command

    from annotator.storage.db import _alembic_config

    olena, olena_id = _coder(team, "olena")
    taras, _ = _coder(team, "taras")
    first = _clause_ids(olena, team)[0]
    olena.toggle_tag(olena_id, first, "economic")
    with team.owner.begin() as conn:
        command.downgrade(_alembic_config(conn), "0005")  # before the confinement revision
    with taras.engine.begin() as conn:  # the gap this revision closes
        assert (
            conn.exec_driver_sql("UPDATE clause SET label = label WHERE id = %s", (first,)).rowcount
            == 1
        )
    open_server_engine(team.url()).dispose()  # the owner opens it: upgrade and re-grant
    with taras.engine.begin() as conn:
        moved = conn.exec_driver_sql('UPDATE clause SET "end" = start + 1 WHERE id = %s', (first,))
        assert moved.rowcount == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM clause_link").scalar() == 0
