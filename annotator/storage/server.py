"""A project on a shared PostgreSQL server: opening, schema, team roles, transient-error retries.

The schema is built and upgraded by the same Alembic revisions as an SQLite file. Confinement is
the server's job, not the GUI's: every coder logs in as their own PostgreSQL role, and revision 0003
puts row-level security on annotations, reviews and clause notes (see its docstring). Privileges:

- ``<database>_coders`` (a NOLOGIN group every coder role joins): reads every table; writes its own
  annotations, reviews and clause notes (RLS); may insert and relabel clauses, because splitting a
  clause is part of coding. Coders cannot delete clauses or touch documents, the codebook, the
  coder list or the settings (so they cannot switch blind mode off).
- ``<database>_reviewers``: reads everything even in blind mode; writes the consensus layer (coder
  rows with ``is_consensus``), documents, clauses, the codebook and the settings.
- The team owner (the role that ran :func:`create_team`) owns the tables, is not subject to RLS,
  adds coders and reviewers and runs upgrades.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from annotator.core import clock
from annotator.core.errors import ProjectError
from annotator.core.exchange import CONSENSUS_CODER_ID
from annotator.storage.db import _alembic_config, _known_revisions, head_revision
from annotator.storage.faults import (
    as_annotator_error,
    first_line,
    run_retrying,
    sqlstate,
)
from annotator.storage.locations import is_server_url as is_server_url  # re-exported

T = TypeVar("T")

CONNECT_TIMEOUT_S = 5
KEYRING_SERVICE = "plan-annotator"
# No statement may hold a coder's window longer than this; a stalled network is noticed by the
# kernel after TCP_USER_TIMEOUT_MS of unacknowledged data instead of the default 15 minutes.
STATEMENT_TIMEOUT_MS = 15_000
LOCK_TIMEOUT_MS = 5_000
TCP_USER_TIMEOUT_MS = 20_000
# A team member's session left inside a transaction (psql left at BEGIN, a frozen laptop) holds its
# locks until the server ends it after this; the app's own transactions are short.
IDLE_IN_TRANSACTION_MS = 60_000
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
CODED_TABLES = ("annotation", "review", "clause_note")
DOCUMENT_EDITABLE = (
    "title",
    "position",
    "source_name",
    "date",
    "party",
    "source",
    "language",
    "stage",
    "revises",
)
TEAM_FUNCTIONS = (
    "annotator_coded_counts()",
    "annotator_clause_foreign_work(integer)",
    "annotator_span_free(varchar, integer, integer)",
    "annotator_annotation_exists(varchar)",
    "annotator_delete_row(text, text, text)",
)
# Tables team logins write rows of but may not lock (revision 0011): UPDATE by column and no
# DELETE (a row goes through annotator_delete_row), since table-level UPDATE or DELETE would let
# a login take an ACCESS EXCLUSIVE lock and stop the whole team.
NO_LOCK_TABLES = ("annotation", "review", "clause_note", "clause_link", "clause")


# -- URLs and engines --------------------------------------------------------------------------


def server_url(url: str | URL) -> URL:
    """The URL with the psycopg driver, and a password from the keyring if the URL has none.

    PGPASSWORD and ~/.pgpass need nothing from us: libpq reads them when the URL has no password.
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError as exc:
        raise ProjectError(f"not a database URL: {exc}", source=_safe(str(url))) from exc
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername != "postgresql+psycopg":
        raise ProjectError("a server project needs a postgresql:// URL", source=_safe(str(url)))
    if not parsed.database:
        raise ProjectError("the URL names no database", source=display_url(parsed))
    if parsed.password is None and not os.environ.get("PGPASSWORD"):
        secret = _keyring_password(parsed)
        if secret is not None:
            parsed = parsed.set(password=secret)
    return parsed


def display_url(url: URL) -> str:
    """The URL as shown in messages: never with the password."""
    return url.render_as_string(hide_password=True).replace("+psycopg", "")


def _safe(text_url: str) -> str:
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", text_url)


def _keyring_password(url: URL) -> str | None:
    """A password the user stored with ``keyring set plan-annotator user@host:port/db``."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        value = keyring.get_password(
            KEYRING_SERVICE, f"{url.username}@{url.host}:{url.port or 5432}/{url.database}"
        )
    except Exception:  # a keyring with no usable backend must not stop the project opening
        return None
    return str(value) if value is not None else None


def _statement_timeout_ms() -> int:
    """STATEMENT_TIMEOUT_MS, or ANNOTATOR_STATEMENT_TIMEOUT_MS (say, for a huge export)."""
    value = os.environ.get("ANNOTATOR_STATEMENT_TIMEOUT_MS", "")
    return int(value) if value.isdigit() and int(value) > 0 else STATEMENT_TIMEOUT_MS


def server_engine(url: str | URL) -> Engine:
    """An engine for ``url`` that does not touch the schema (see :func:`open_server_engine`)."""
    return create_engine(
        server_url(url),
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "plan-annotator",
            "options": f"-c statement_timeout={_statement_timeout_ms()} "
            f"-c lock_timeout={LOCK_TIMEOUT_MS}",
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 3,
            "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
        },
    )


def open_server_engine(url: str | URL, *, upgrade: bool = True) -> Engine:
    """Open the project database at ``url``; build or upgrade its schema with Alembic.

    An empty database gets every revision up to head. A database from a newer version of the
    app, a database that is not a project, and every connection failure (unreachable server,
    wrong password, missing database) raise :class:`ProjectError` with a one-line message.
    """
    engine = server_engine(url)
    where = display_url(engine.url)
    try:
        _prepare_server_schema(engine, where, upgrade=upgrade)
    except ProjectError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise ProjectError(connection_problem(exc, engine.url), source=where) from None
    return engine


def connection_problem(exc: BaseException, url: URL) -> str:
    """A one-line explanation of why connecting to ``url`` failed."""
    reason = _first_line(exc)
    low = reason.lower()
    host = f"{url.host or 'localhost'}:{url.port or 5432}"
    if "password authentication failed" in low:
        return f"wrong user name or password for {url.username!r}"
    if "no password supplied" in low:
        return (
            "the server asks for a password: give it in the URL, PGPASSWORD, ~/.pgpass or keyring"
        )
    if "does not exist" in low and "database" in low:
        return f"there is no database {url.database!r} on the server at {host}"
    if "does not exist" in low and "role" in low:
        return f"there is no user {url.username!r} on the server at {host}"
    if "permission denied for database" in low or "not permitted to log in" in low:
        return f"{url.username!r} may not connect to {url.database!r}: ask the team owner"
    if any(s in low for s in ("connection refused", "could not connect", "timeout", "timed out")):
        return f"cannot reach the server at {host} (is PostgreSQL running there?)"
    if "could not translate host name" in low or "name or service not known" in low:
        return f"unknown server host {url.host!r}"
    return f"cannot open the server project: {reason}"


def _first_line(exc: BaseException) -> str:
    return first_line(exc)


def _prepare_server_schema(engine: Engine, where: str, *, upgrade: bool) -> None:
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        has_tables = bool(inspect(conn).get_table_names())
    if current == head_revision():
        return
    if current is None and has_tables:
        raise ProjectError("not a Plan Annotator project (unknown tables)", source=where)
    if current is not None and current not in _known_revisions():
        # Ours are numbered "0001", "0002"…: anything else is another program's Alembic schema.
        newer = len(current) == 4 and current.isdigit() and current > head_revision()
        raise ProjectError(
            f"made by a newer version of Plan Annotator (schema {current}); please update the app"
            if newer
            else f"not a Plan Annotator project (schema revision {current!r} is not one of ours)",
            source=where,
        )
    if not upgrade:
        raise ProjectError(f"the server schema ({current}) needs an upgrade", source=where)
    try:
        with engine.begin() as conn:
            # Two people opening a new database at once: one builds, the other waits and sees it.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(2023, 1)")
            if MigrationContext.configure(conn).get_current_revision() != head_revision():
                command.upgrade(_alembic_config(conn), "head")
                grant_team_privileges(conn)
    except DBAPIError as exc:
        if _sqlstate(exc) == "42501":  # insufficient privilege: only the owner may upgrade
            raise ProjectError(
                f"the server schema ({current or 'empty'}) needs an upgrade that only the team "
                "owner can run; ask them to open the project once",
                source=where,
            ) from None
        raise


# -- transient errors --------------------------------------------------------------------------


def _sqlstate(exc: BaseException) -> str | None:
    return sqlstate(exc)


def retry_transient(
    fn: Callable[[], T], attempts: int = 5, *, on_retry: Callable[[str], None] | None = None
) -> T:
    """Run ``fn`` (one whole transaction), again after a serialization failure or a deadlock.

    The unit of work every edit service goes through (:mod:`annotator.storage.faults`): other
    database errors become :class:`AnnotatorError` s; a lost connection is NOT retried, because
    the commit may have reached the server before the connection broke.
    """
    return run_retrying(fn, attempts, on_retry=on_retry)


# -- teams and roles ---------------------------------------------------------------------------


def group_roles(database: str) -> tuple[str, str]:
    """The coders' and reviewers' group roles of a project database."""
    return f"{database}_coders", f"{database}_reviewers"


def _check_role_name(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise ProjectError(
            f"{name!r} is not a usable role name: lowercase letters, digits and _, "
            "starting with a letter, at most 63 characters"
        )
    return name


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    # standard_conforming_strings is on in every supported PostgreSQL: only quotes need doubling.
    return "'" + value.replace("'", "''") + "'"


def create_team(admin_url: str | URL, database: str) -> Engine:
    """Create the project database ``database``, its schema and its two group roles.

    ``admin_url`` is any database on the server (usually ``postgres``), as a role with CREATEDB
    and CREATEROLE; that role becomes the team owner. Returns an engine on the new database, as
    the owner, for :func:`add_coder_role` and :func:`add_reviewer_role`. Idempotent.
    """
    _check_role_name(database)
    admin = server_url(admin_url)
    engine = create_engine(
        admin, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
    )
    try:
        with engine.connect() as conn:
            if not conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}
            ).first():
                conn.exec_driver_sql(f"CREATE DATABASE {_ident(database)} ENCODING 'UTF8'")
            # Nobody but the team connects; a shared server may host several teams.
            conn.exec_driver_sql(
                f"REVOKE CONNECT, TEMPORARY ON DATABASE {_ident(database)} FROM PUBLIC"
            )
            for group in group_roles(database):
                if not conn.execute(
                    text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": group}
                ).first():
                    conn.exec_driver_sql(f"CREATE ROLE {_ident(group)} NOLOGIN")
                conn.exec_driver_sql(
                    f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(group)}"
                )
    except DBAPIError as exc:
        raise ProjectError(connection_problem(exc, admin), source=display_url(admin)) from None
    finally:
        engine.dispose()
    return open_server_engine(admin.set(database=database))


def grant_team_privileges(conn: Connection) -> None:
    """(Re)grant the group roles their privileges; run after every schema upgrade."""
    database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
    coders, reviewers = (_ident(g) for g in group_roles(database))
    exists = conn.execute(
        text("SELECT count(*) FROM pg_roles WHERE rolname IN (:a, :b)"),
        {"a": group_roles(database)[0], "b": group_roles(database)[1]},
    ).scalar_one()
    if exists < 2:  # a database not made by create_team: nothing to grant to yet
        return
    schema = _ident(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    # PostgreSQL 14 and older let PUBLIC create objects in the public schema: a member could put
    # a function there that an owner's query picks over pg_catalog's (CVE-2018-1058) and that
    # then runs with the owner's rights. Not the schema's owner, this is a no-op with a warning.
    conn.exec_driver_sql(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC")
    for group in (coders, reviewers):
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {group}")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {group}")
        conn.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {group}")
        conn.exec_driver_sql(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(CODED_TABLES)} TO {group}"
        )
    # Coders move clause boundaries and relabel (revision 0008's policies decide which clauses);
    # they never move a clause to another document. Links are coded work like annotations.
    conn.exec_driver_sql(f"REVOKE UPDATE ON clause FROM {coders}")
    conn.exec_driver_sql(
        f'GRANT INSERT, DELETE, UPDATE (start, "end", label, kind) ON clause TO {coders}'
    )
    has_links = conn.exec_driver_sql("SELECT to_regclass('clause_link') IS NOT NULL").scalar_one()
    if has_links:
        conn.exec_driver_sql(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON clause_link TO {coders}, {reviewers}"
        )
    for function in TEAM_FUNCTIONS:
        # Progress counts that blind mode still allows (0005), the clause checks (0008), the
        # REFI import's row check (0010); a function absent from an older schema is skipped.
        exists = conn.execute(
            text("SELECT to_regprocedure(:f) IS NOT NULL"), {"f": function}
        ).scalar_one()
        if exists:
            conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {function} TO {coders}, {reviewers}")
    conn.exec_driver_sql(
        f"GRANT INSERT, UPDATE, DELETE ON clause, document, category, setting TO {reviewers}"
    )
    has_identities = conn.exec_driver_sql(
        "SELECT to_regclass('refi_identity') IS NOT NULL"
    ).scalar_one()
    if has_identities:  # a .qdpx import remembers foreign GUIDs (revision 0006)
        conn.exec_driver_sql(f"GRANT INSERT, UPDATE, DELETE ON refi_identity TO {reviewers}")
    # A plan's text and key are every coder's offsets: reviewers edit its title and metadata only.
    conn.exec_driver_sql(f"REVOKE UPDATE ON document FROM {reviewers}")
    columns = ", ".join(_ident(c) for c in DOCUMENT_EDITABLE)
    conn.exec_driver_sql(f"GRANT UPDATE ({columns}) ON document TO {reviewers}")
    _no_table_locks(conn, coders, reviewers)
    members = conn.execute(
        text(
            "SELECT DISTINCT r.rolname FROM pg_auth_members m "
            "JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid "
            "WHERE g.rolname IN (:a, :b) AND r.rolcanlogin"
        ),
        {"a": group_roles(database)[0], "b": group_roles(database)[1]},
    ).scalars()
    for member in list(members):
        _login_defaults(conn, member, database)


def _no_table_locks(conn: Connection, coders: str, reviewers: str) -> None:
    """Column-level UPDATE and no DELETE on NO_LOCK_TABLES, once the schema has the function."""
    if not conn.execute(
        text("SELECT to_regprocedure(:f) IS NOT NULL"), {"f": TEAM_FUNCTIONS[-1]}
    ).scalar_one():
        return
    for table in NO_LOCK_TABLES:
        names = conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = :t "
                "ORDER BY ordinal_position"
            ),
            {"t": table},
        ).scalars()
        every = ", ".join(_ident(n) for n in names)
        # Coders move clause boundaries and relabel only; everything else they write is theirs.
        coder_columns = 'start, "end", label, kind' if table == "clause" else every
        conn.exec_driver_sql(
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {coders}, {reviewers}"
        )
        conn.exec_driver_sql(f"GRANT UPDATE ({coder_columns}) ON {table} TO {coders}")
        conn.exec_driver_sql(f"GRANT UPDATE ({every}) ON {table} TO {reviewers}")


def _login_defaults(conn: Connection, name: str, database: str) -> None:
    """Timeouts for every session of a team login in the team database, psql's too.

    The app sets the same ones per connection; these hold for a session opened with any other
    client, so a transaction left open does not hold its locks for ever. They are defaults, which
    the login can change in its own session: they guard against accidents, not against a member
    bent on blocking the team (docs/team-server.md, "Threat model").
    """
    for setting, value in (
        ("idle_in_transaction_session_timeout", IDLE_IN_TRANSACTION_MS),
        ("lock_timeout", LOCK_TIMEOUT_MS),
        ("statement_timeout", STATEMENT_TIMEOUT_MS),
    ):
        conn.exec_driver_sql(
            f"ALTER ROLE {_ident(name)} IN DATABASE {_ident(database)} SET {setting} = {value}"
        )


def hash_password(conn: Connection, name: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` for role ``name``, computed by our libpq.

    Only the verifier goes to the server, so neither it nor its logs ever hold the password. A
    libpq too old to compute it (before PostgreSQL 10) is refused: we never send the plain text.
    """
    raw: Any = conn.connection.dbapi_connection
    try:
        secret = _libpq_scram(raw, name, password)
    except Exception as exc:
        raise ProjectError(
            "cannot hash the password on this computer (libpq without SCRAM support: "
            f"{exc}); install psycopg with its bundled libpq (pip install 'psycopg[binary]>=3.1') "
            "or a libpq from PostgreSQL 10 or later; the password was not sent"
        ) from None
    text_secret = secret.decode()
    if not text_secret.startswith("SCRAM-SHA-256$"):
        raise ProjectError("libpq returned no SCRAM verifier; the password was not sent")
    return text_secret


def _libpq_scram(raw: Any, name: str, password: str) -> bytes:
    # PQencryptPasswordConn (libpq 10+): the verifier is computed here, salted, never reversible.
    return bytes(raw.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256"))


def _create_login(conn: Connection, name: str, password: str) -> None:
    if not password:
        raise ProjectError(f"the role {name!r} needs a password")
    secret = hash_password(conn, name, password)
    if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name}).first():
        conn.exec_driver_sql(f"ALTER ROLE {_ident(name)} LOGIN PASSWORD {_literal(secret)}")
    else:
        conn.exec_driver_sql(f"CREATE ROLE {_ident(name)} LOGIN PASSWORD {_literal(secret)}")


def _admin_action(admin_engine: Engine, action: Callable[[Connection], T]) -> T:
    try:
        with admin_engine.begin() as conn:
            return action(conn)
    except DBAPIError as exc:
        raise as_annotator_error(exc) from None


def add_coder_role(
    admin_engine: Engine, name: str, password: str, *, display_name: str | None = None
) -> str:
    """A LOGIN role ``name`` confined to its own coder row; returns that coder's id.

    Run as the team owner. Calling it again for the same role resets its password.
    """
    _check_role_name(name)

    def action(conn: Connection) -> str:
        database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
        _create_login(conn, name, password)
        conn.exec_driver_sql(f"GRANT {_ident(group_roles(database)[0])} TO {_ident(name)}")
        _login_defaults(conn, name, database)
        return _coder_row(conn, name, display_name or name, consensus=False)

    return _admin_action(admin_engine, action)


def add_reviewer_role(
    admin_engine: Engine, name: str, password: str, *, consensus_name: str = "Consensus"
) -> str:
    """A LOGIN role that reads everything and writes the consensus layer; returns its coder id.

    The consensus layer is one coder row with ``is_consensus``, shared by every reviewer (it has
    no ``db_role``); it is created the first time a reviewer is added.
    """
    _check_role_name(name)

    def action(conn: Connection) -> str:
        database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
        _create_login(conn, name, password)
        conn.exec_driver_sql(f"GRANT {_ident(group_roles(database)[1])} TO {_ident(name)}")
        _login_defaults(conn, name, database)
        existing = conn.execute(
            text("SELECT id FROM coder WHERE is_consensus ORDER BY created, id LIMIT 1")
        ).scalar()
        if existing is not None:
            return str(existing)
        coder_id = CONSENSUS_CODER_ID
        conn.execute(
            text(
                "INSERT INTO coder (id, name, is_consensus, created) "
                "VALUES (:id, :name, true, :created)"
            ),
            {"id": coder_id, "name": consensus_name, "created": clock.now()},
        )
        return coder_id

    return _admin_action(admin_engine, action)


def remove_login(admin_engine: Engine, name: str) -> None:
    """Take a coder's or reviewer's access to the team away at once; their work stays.

    The login leaves both groups (so even a session still open can no longer read or write a
    table), may no longer log in, and its open sessions are ended (which also frees any lock
    they hold). Its coder row keeps its ``db_role``: the role itself is not dropped, so nobody
    else can be created under that name and take the work over; adding the login again with
    :func:`add_coder_role` gives the same person their work back.
    """
    _check_role_name(name)

    def revoke(conn: Connection) -> None:
        database = conn.exec_driver_sql("SELECT current_database()").scalar_one()
        if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name}).first():
            raise ProjectError(f"there is no login {name!r} on this server")
        for group in group_roles(database):
            conn.exec_driver_sql(f"REVOKE {_ident(group)} FROM {_ident(name)}")
        conn.exec_driver_sql(f"ALTER ROLE {_ident(name)} NOLOGIN")

    def end_sessions(conn: Connection) -> None:
        # Ending another role's session needs membership in it: the owner (CREATEROLE) takes it
        # for this transaction only.
        superuser = conn.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        ).scalar_one()
        if not superuser:
            conn.exec_driver_sql(f"GRANT {_ident(name)} TO current_user")
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename = :r AND pid <> pg_backend_pid()"
            ),
            {"r": name},
        )
        if not superuser:
            conn.exec_driver_sql(f"REVOKE {_ident(name)} FROM current_user")

    _admin_action(admin_engine, revoke)  # committed first: a new login is refused from here on
    _admin_action(admin_engine, end_sessions)


def _coder_row(conn: Connection, role: str, display_name: str, *, consensus: bool) -> str:
    existing = conn.execute(text("SELECT id FROM coder WHERE db_role = :r"), {"r": role}).scalar()
    if existing is not None:
        return str(existing)
    coder_id = str(uuid.uuid4())
    conn.execute(
        text(
            "INSERT INTO coder (id, name, is_consensus, created, db_role) "
            "VALUES (:id, :name, :consensus, :created, :role)"
        ),
        {
            "id": coder_id,
            "name": display_name,
            "consensus": consensus,
            "created": clock.now(),
            "role": role,
        },
    )
    return coder_id


def coder_id_for_role(engine: Engine, role: str | None = None) -> str | None:
    """The coder id whose ``db_role`` is ``role`` (default: the role this engine logs in as)."""
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT id FROM coder WHERE db_role = coalesce(:r, current_user)"), {"r": role}
        ).scalar()


def set_blind(admin_engine: Engine, on: bool) -> None:
    """Switch blind mode (coders see only their own work) on or off; owner or reviewer only."""

    def action(conn: Connection) -> None:
        value = "on" if on else "off"
        updated = conn.execute(
            text("UPDATE setting SET value = :v WHERE key = 'blind'"), {"v": value}
        ).rowcount
        if not updated:
            conn.execute(
                text("INSERT INTO setting (key, value) VALUES ('blind', :v)"), {"v": value}
            )

    _admin_action(admin_engine, action)
