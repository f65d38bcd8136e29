"""Issue 15, item 5: blind mode's default is one rule, on SQLite and on a real PostgreSQL.

``setting.blind`` unset counts as on once the project has two coders (the consensus layer not
counted), off before; "on" and "off" are what they say. ``services.review.blind_mode`` states the
rule; the server's ``annotator_blind()`` (revision 0009), which row-level security asks, must give
the same answer, or the menu would say "blind" while coders read each other's work.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.services.project import Project
from annotator.services.review import blind_mode
from annotator.storage.db import open_engine
from annotator.storage.server import add_coder_role, open_server_engine, set_blind
from tests.server.conftest import Team


def server_blind(project: Project) -> bool:
    with project.engine.connect() as conn:
        return bool(conn.execute(text("SELECT annotator_blind()")).scalar())


def set_setting(project: Project, value: str | None) -> None:
    with project.engine.begin() as conn:
        conn.execute(text("DELETE FROM setting WHERE key = 'blind'"))
        if value is not None:
            conn.execute(
                text("INSERT INTO setting (key, value) VALUES ('blind', :v)"), {"v": value}
            )


def coders(project: Project) -> int:
    return len([c for c in project.coders() if not c.is_consensus])


@pytest.mark.parametrize("value", [None, "on", "off"], ids=["unset", "on", "off"])
def test_sqlite_rule(tmp_path: Path, value: str | None) -> None:
    path = tmp_path / "p.annotator.sqlite"
    with Project(open_engine(path, create=True), path) as project:
        set_setting(project, value)
        for name in ("Olena", "Taras", "Iryna"):
            project.add_coder(name)
            n = coders(project)
            expected = {"on": True, "off": False}.get(value or "", n >= 2)
            assert blind_mode(project) is expected, (value, n)


def test_server_follows_the_same_rule(team: Team) -> None:
    owner = Project(team.owner)
    unset: set[tuple[int, bool]] = set()
    for name in ("olena", "taras", "iryna"):
        add_coder_role(team.owner, team.role(name), f"pw-{name}", display_name=name.title())
        for value in (None, "on", "off"):
            set_setting(owner, value)
            assert server_blind(owner) is blind_mode(owner), (value, coders(owner))
        set_setting(owner, None)
        unset.add((coders(owner), server_blind(owner)))
    # Both sides of two coders were checked: off with one coder, on from two.
    assert unset == {(1, False), (2, True), (3, True)}


def test_with_two_coders_and_no_setting_coders_do_not_see_each_other(team: Team) -> None:
    olena = add_coder_role(team.owner, team.role("olena"), "pw-olena", display_name="Olena")
    add_coder_role(team.owner, team.role("taras"), "pw-taras", display_name="Taras")
    owner = Project(team.owner)
    set_setting(owner, None)
    clause = owner.clauses(team.document_key)[1].id
    engines = [open_server_engine(team.url(team.role(n), f"pw-{n}")) for n in ("olena", "taras")]
    team.disposables.extend(engines)
    as_olena, as_taras = (Project(e) for e in engines)
    as_olena.toggle_tag(olena, clause, "economic")
    assert blind_mode(as_taras) and server_blind(as_taras)
    assert as_taras.clause_coding(clause, olena).tags == frozenset()  # hidden by the server
    # Switched off explicitly, Taras reads her work again: the setting still decides.
    set_blind(team.owner, False)
    assert not blind_mode(as_taras) and not server_blind(as_taras)
    assert as_taras.clause_coding(clause, olena).tags == frozenset({"economic"})
