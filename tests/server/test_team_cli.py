"""``annotator team``: a team set up, a coder's work taken offline and synced, from the shell."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from annotator.cli.main import run
from annotator.services.project import Project


def _url(
    admin_url: str, database: str, user: str | None = None, password: str | None = None
) -> str:
    url = make_url(admin_url).set(database=database)
    if user is not None:
        url = url.set(username=user, password=password)
    return url.render_as_string(hide_password=False)


def test_team_commands_end_to_end(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"c{uuid.uuid4().hex[:10]}"
    role = f"{database}_olena"
    assert run(["team", "create", pg_url, database]) == 0
    owner = _url(pg_url, database)
    with Project.open(owner) as project:
        key = project.import_text("Plan", "1. A ceasefire.\n2. A fund.\n").document_key
    monkeypatch.setenv("ANNOTATOR_NEW_PASSWORD", "s3cret-olena")
    assert run(["team", "add-coder", owner, role, "--name", "Olena"]) == 0
    assert run(["team", "blind", owner, "on"]) == 0
    coder_url = _url(pg_url, database, role, "s3cret-olena")
    copy = tmp_path / "olena.sqlite"
    assert run(["team", "offline", coder_url, str(copy)]) == 0
    with Project.open(copy) as local:
        coder = next(c for c in local.coders() if c.name == "Olena").id
        clause = local.clauses(key)[0]
        local.toggle_tag(coder, clause.id, "economic")
    assert run(["team", "sync", coder_url, str(copy)]) == 0
    assert "1 annotation added" in capsys.readouterr().err  # a message: stderr
    with Project.open(owner) as project:
        server_clause = project.clauses(key)[0]
        assert project.clause_coding(server_clause.id, coder).tags == {"economic"}
    # A coder may not switch blind mode: one line on stderr, exit 2, nothing changed.
    capsys.readouterr()
    assert run(["team", "blind", coder_url, "off"]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with Project.open(owner) as project:
        assert project.setting("blind") == "on"
    # The owner removes her: her login no longer opens the project; her work stays.
    assert run(["team", "remove", owner, role]) == 0
    capsys.readouterr()
    assert run(["team", "offline", coder_url, str(tmp_path / "again.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "may not connect" in err and "Traceback" not in err
    with Project.open(owner) as project:
        assert project.clause_coding(server_clause.id, coder).tags == {"economic"}


def test_password_is_never_taken_without_a_prompt(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ANNOTATOR_NEW_PASSWORD", raising=False)
    assert run(["team", "add-coder", _url(pg_url, "postgres"), "someone"]) == 2
    assert "ANNOTATOR_NEW_PASSWORD" in capsys.readouterr().err
