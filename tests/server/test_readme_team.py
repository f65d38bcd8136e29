"""The README's team set-up, run as written against a server that requires passwords.

The team owner is an ordinary role with CREATEDB and CREATEROLE (not a superuser), as the README
says; passwords are "typed" (getpass); then one coder attacks the other's work over plain SQL and
every attack is refused with nothing changed.
"""

from __future__ import annotations

import getpass
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from annotator.services.project import Project
from annotator.storage.server import add_coder_role, open_server_engine

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_python() -> str:
    section = README.read_text(encoding="utf-8").split("## Team server (PostgreSQL)", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's team section has no Python example"
    return match.group(1)


def test_readme_team_setup_then_one_coder_cannot_touch_anothers_work(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = _readme_python()
    # Every role password in the example is typed, none written in the script.
    passwords = re.findall(r"add_\w+_role\(\s*p\.engine,\s*\"[^\"]+\",\s*([\w.]+)\(", code)
    assert passwords == ["getpass.getpass", "getpass.getpass"]
    admin = make_url(pg_url)
    lead, database = f"lead{uuid.uuid4().hex[:6]}", f"peace{uuid.uuid4().hex[:6]}"
    superuser = create_engine(admin, isolation_level="AUTOCOMMIT")
    with superuser.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {lead} LOGIN CREATEDB CREATEROLE PASSWORD 'lead-pw'")
    superuser.dispose()
    host = f"{admin.host}:{admin.port}"
    code = code.replace("HOST:5432", host).replace("teamlead", lead).replace("peace2026", database)
    typed = iter(["olena-pw", "rev-pw"])
    monkeypatch.setattr(getpass, "getpass", lambda _prompt="": next(typed))
    monkeypatch.setenv("PGPASSWORD", "lead-pw")  # the owner's own password, not in the script
    exec(compile(code, "README.md", "exec"), {})  # the README's own example

    monkeypatch.delenv("PGPASSWORD")
    owner = open_server_engine(f"postgresql://{lead}:lead-pw@{host}/{database}")
    taras_id = add_coder_role(owner, f"{database}_taras", "taras-pw")
    olena = Project(open_server_engine(f"postgresql://{database}_olena:olena-pw@{host}/{database}"))
    olena_id = next(c.id for c in olena.coders() if c.name == "Olena")
    key = Project(owner).import_text("Plan", "1. A ceasefire holds.\n2. Forces are capped.\n")
    first = olena.clauses(key.document_key)[0]
    olena.toggle_tag(olena_id, first.id, "economic")

    def dump() -> str:
        """Olena's clause and all her rows, as the owner sees them."""
        with owner.connect() as conn:
            return repr(
                [
                    conn.execute(text("SELECT * FROM clause WHERE id = :c"), {"c": first.id}).all(),
                    *(
                        conn.execute(
                            text(f"SELECT * FROM {t} WHERE coder_id = :o ORDER BY 1, 2"),
                            {"o": olena_id},
                        ).all()
                        for t in ("annotation", "review")
                    ),
                ]
            )

    before = dump()
    taras = create_engine(
        make_url(f"postgresql+psycopg://{database}_taras:taras-pw@{host}/{database}")
    )
    attacks = [
        'UPDATE clause SET "end" = start + 1 WHERE id = :first',
        "DELETE FROM clause",
        "UPDATE clause SET label = 'x' WHERE id = :first",
        "UPDATE annotation SET deleted = true",
        "DELETE FROM annotation",
        "UPDATE annotation SET coder_id = :me",
    ]
    for attack in attacks:
        try:
            with taras.begin() as conn:
                assert (
                    conn.execute(text(attack), {"me": taras_id, "first": first.id}).rowcount == 0
                ), attack
        except DBAPIError as exc:
            assert getattr(exc.orig, "sqlstate", "") == "42501", attack
    taras.dispose()
    assert dump() == before
    olena.close()
    owner.dispose()
