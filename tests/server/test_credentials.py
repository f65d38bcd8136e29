"""Passwords against a real server that requires them (scram-sha-256 in pg_hba.conf).

A role's password reaches the server only as a SCRAM verifier; when libpq cannot compute one the
role is not created and nothing is sent. A coder's login finds its password in PGPASSWORD, in
~/.pgpass, or in the keyring (a real keyring backend: keyrings.alt's file backend).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from annotator.core.errors import ProjectError
from annotator.services.project import Project
from annotator.storage import server
from annotator.storage.server import KEYRING_SERVICE, add_coder_role, open_server_engine
from tests.server.conftest import Team

SECRET = "Kyiv-2026 'quoted' \"twice\" ünïcode"


@pytest.fixture
def statements(team: Team) -> list[str]:
    """Every statement and parameter the owner's engine sends, as text."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        seen.append(f"{statement} {params!r}")

    event.listen(team.owner, "before_cursor_execute", record)
    yield seen
    event.remove(team.owner, "before_cursor_execute", record)


@pytest.fixture
def no_stored_passwords(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No PGPASSWORD, an empty home (no ~/.pgpass), an empty file keyring; returns the home."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("PGPASSWORD", "PGPASSFILE"):
        monkeypatch.delenv(name, raising=False)
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")  # a real file backend, not a fake
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield home
    keyring.set_keyring(previous)


def _coder_url(team: Team, role: str) -> str:
    """The URL a coder types: no password in it."""
    url = make_url(team.admin_url)
    return f"postgresql://{role}@{url.host}:{url.port}/{team.database}"


def test_a_role_password_reaches_the_server_only_as_a_scram_verifier(
    team: Team, statements: list[str]
) -> None:
    role = team.role("olena")
    add_coder_role(team.owner, role, SECRET)
    assert statements and not any(SECRET in s for s in statements)
    with team.owner.connect() as conn:
        stored = conn.execute(
            text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"), {"r": role}
        ).scalar()
    assert stored is not None and stored.startswith("SCRAM-SHA-256$")
    Project(open_server_engine(team.url(role, SECRET))).close()  # and it logs in


def test_without_scram_in_libpq_the_role_is_refused_and_nothing_sent(
    team: Team, statements: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def old_libpq(*_args: Any) -> bytes:
        raise NotImplementedError("PQencryptPasswordConn not available")

    monkeypatch.setattr(server, "_libpq_scram", old_libpq)
    role = team.role("olena")
    with pytest.raises(ProjectError, match="libpq") as refused:
        add_coder_role(team.owner, role, SECRET)
    assert "psycopg[binary]" in str(refused.value) and "\n" not in str(refused.value)
    assert not any(SECRET in s for s in statements)
    with team.owner.connect() as conn:
        assert (
            conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
            is None
        )


def test_no_password_anywhere_is_a_clear_error(team: Team, no_stored_passwords: Path) -> None:
    role = team.role("olena")
    add_coder_role(team.owner, role, SECRET)
    with pytest.raises(ProjectError, match="asks for a password"):
        open_server_engine(_coder_url(team, role))


def test_pgpassword_is_used(
    team: Team, no_stored_passwords: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = team.role("olena")
    coder = add_coder_role(team.owner, role, SECRET)
    monkeypatch.setenv("PGPASSWORD", SECRET)
    engine = open_server_engine(_coder_url(team, role))
    try:
        assert server.coder_id_for_role(engine) == coder
    finally:
        engine.dispose()


def test_pgpass_in_the_home_folder_is_used(team: Team, no_stored_passwords: Path) -> None:
    role = team.role("olena")
    coder = add_coder_role(team.owner, role, SECRET)
    url = make_url(team.admin_url)
    pgpass = no_stored_passwords / ".pgpass"
    escaped = SECRET.replace("\\", "\\\\").replace(":", "\\:")
    pgpass.write_text(f"{url.host}:{url.port}:{team.database}:{role}:{escaped}\n")
    pgpass.chmod(0o600)  # libpq ignores a file others can read
    engine = open_server_engine(_coder_url(team, role))
    try:
        assert server.coder_id_for_role(engine) == coder
    finally:
        engine.dispose()
    pgpass.chmod(0o644)
    with pytest.raises(ProjectError, match="asks for a password"):
        open_server_engine(_coder_url(team, role))


def test_keyring_entry_is_used(team: Team, no_stored_passwords: Path, tmp_path: Path) -> None:
    role = team.role("olena")
    coder = add_coder_role(team.owner, role, SECRET)
    url = make_url(team.admin_url)
    keyring.set_password(KEYRING_SERVICE, f"{role}@{url.host}:{url.port}/{team.database}", SECRET)
    assert SECRET not in (tmp_path / "keyring.cfg").read_text()  # stored encoded by the backend
    engine = open_server_engine(_coder_url(team, role))
    try:
        assert server.coder_id_for_role(engine) == coder
        assert SECRET not in os.environ.get("PGPASSWORD", "")
    finally:
        engine.dispose()
