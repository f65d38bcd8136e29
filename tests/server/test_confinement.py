"""Every role × every write on a real PostgreSQL: allowed or refused, nothing changed if refused.

Olena has coded clause 1 of each plan (a tag, a span, a review, a note, a link). The owner, Olena
herself ("coder"), Taras ("other coder") and a reviewer each try every service call and a list of
raw SQL writes. A refusal must be a one-line EditError (services) or a refusal by PostgreSQL (SQL),
and the whole database — Olena's clauses and annotations above all — must be byte-for-byte what it
was before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from annotator.core.errors import AnnotatorError, EditError
from annotator.services import clauses as clause_service
from annotator.services import codebook, notes
from annotator.services import links as link_service
from annotator.services.project import Project
from annotator.services.review import blind_mode, set_blind_mode
from annotator.storage.models import TABLES
from annotator.storage.server import (
    add_coder_role,
    add_reviewer_role,
    open_server_engine,
    set_blind,
)
from tests.server.conftest import Team

ROLES = ("owner", "coder", "other coder", "reviewer")
OTHER_PLAN = "Revision\n\n1. The ceasefire holds.\n2. A fund rebuilds towns.\n3. Forces capped.\n"


def plan_text(tag: str) -> str:
    return (
        f"Plan {tag}\n\n1. A ceasefire holds along the line.\n"
        "2. A fund rebuilds the towns on both sides.\n"
        "3. Forces are capped at an agreed level.\n4. Elections follow within a year.\n"
    )


def snapshot(engine: Engine) -> bytes:
    """Every row of every table, in key order, as bytes (read as the owner: RLS does not apply)."""
    out = []
    with engine.connect() as conn:
        for name in sorted(TABLES):
            table = TABLES[name]
            rows = conn.execute(table.select().order_by(*table.primary_key.columns)).all()
            out.append(f"{name}: {[tuple(r) for r in rows]!r}")
    return "\n".join(out).encode()


@dataclass
class Actor:
    project: Project
    coder_id: str
    # The owner edits clauses as the project owner (no coder id): their edits are not confined.
    clause_coder: str | None


@dataclass
class World:
    team: Team
    actors: dict[str, Actor]
    olena: str
    taras: str
    docs: dict[str, str]  # role -> the plan prepared for that role's attempts
    other_doc: str
    prepared: dict[str, Any] = field(default_factory=dict)

    def clauses(self, role: str) -> list[Any]:
        return self.actors["owner"].project.clauses(self.docs[role])


def _login(team: Team, role: str, password: str) -> Project:
    engine = open_server_engine(team.url(role, password))
    team.disposables.append(engine)
    return Project(engine)


@pytest.fixture
def world(team: Team) -> World:
    owner = Project(team.owner)
    # Open unless a test switches blind mode on (a team's default is blind: revision 0009).
    set_blind(team.owner, False)
    lead = owner.add_coder("Lead")
    olena_id = add_coder_role(team.owner, team.role("olena"), "pw-olena", display_name="Olena")
    taras_id = add_coder_role(team.owner, team.role("taras"), "pw-taras", display_name="Taras")
    consensus = add_reviewer_role(team.owner, team.role("rev"), "pw-rev")
    olena = _login(team, team.role("olena"), "pw-olena")
    actors = {
        "owner": Actor(owner, lead.id, None),
        "coder": Actor(olena, olena_id, olena_id),
        "other coder": Actor(_login(team, team.role("taras"), "pw-taras"), taras_id, taras_id),
        "reviewer": Actor(_login(team, team.role("rev"), "pw-rev"), consensus, consensus),
    }
    other_doc = owner.import_text("Revision", OTHER_PLAN).document_key
    target = owner.clauses(other_doc)[1].id
    docs = {}
    for role in ROLES:
        key = owner.import_text(f"Plan for {role}", plan_text(role)).document_key
        docs[role] = key
        c1 = owner.clauses(key)[1]
        olena.toggle_tag(olena_id, c1.id, "economic")
        olena.toggle_span(olena_id, c1.id, "territorial", c1.start + 3, c1.start + 12)
        notes.set_clause_memo(olena, olena_id, c1.id, "check the line")
        link_service.accept(olena, c1.id, target, olena_id)
    return World(team, actors, olena_id, taras_id, docs, other_doc)


# -- the service matrix ------------------------------------------------------------------------

Action = Callable[[World, str, Actor], Any]


def _tag_own(w: World, role: str, a: Actor) -> Any:
    return a.project.toggle_tag(a.coder_id, w.clauses(role)[3].id, "economic")


def _tag_olenas(w: World, role: str, a: Actor) -> Any:
    return a.project.toggle_tag(w.olena, w.clauses(role)[1].id, "military_cap")


def _split(index: int) -> Action:
    def run(w: World, role: str, a: Actor) -> Any:
        c = w.clauses(role)[index]
        return clause_service.split_clause(a.project, c.id, c.start + 12, a.clause_coder)

    return run


def _join(index: int) -> Action:
    def run(w: World, role: str, a: Actor) -> Any:
        c = w.clauses(role)[index]
        return clause_service.merge_with_next(a.project, c.id, a.clause_coder)

    return run


def _move_into_olenas(w: World, role: str, a: Actor) -> Any:
    before, hers = w.clauses(role)[0], w.clauses(role)[1]
    return clause_service.move_boundary(a.project, before.id, hers.start + 8, a.clause_coder)


def _accept_link(w: World, role: str, a: Actor) -> Any:
    source = w.clauses(role)[3].id
    target = a.project.clauses(w.other_doc)[3].id
    return link_service.accept(a.project, source, target, a.coder_id)


def _unlink_olenas(w: World, role: str, a: Actor) -> Any:
    (link,) = link_service.links(w.actors["owner"].project, w.docs[role], w.other_doc)
    return link_service.unlink(a.project, link.id)


def _memo_on_olenas(w: World, role: str, a: Actor) -> Any:
    return notes.set_clause_memo(a.project, w.olena, w.clauses(role)[1].id, "overwritten")


def _blind(w: World, role: str, a: Actor) -> Any:
    set_blind_mode(a.project, not blind_mode(a.project))


def _category(w: World, role: str, a: Actor) -> Any:
    return codebook.add_category(a.project, f"Amnesty {role}")


def _import(w: World, role: str, a: Actor) -> Any:
    return a.project.import_text("New", f"1. A new plan for {role}.\n2. Its second point.\n")


def _olenas_edit(w: World, role: str) -> Any:
    return w.actors["coder"].project.toggle_tag(
        w.olena, w.clauses(role)[1].id, "security_guarantee"
    )


def _undo_olenas_tag(w: World, role: str, a: Actor) -> Any:
    # An Edit of Olena's rows replayed by someone else (a stale undo stack, a script).
    return a.project.undo(w.prepared[role])


_undo_olenas_tag.prepare = _olenas_edit  # type: ignore[attr-defined]


ALL = set(ROLES)
OWNER_AND_HER = {"owner", "coder"}
LEADS = {"owner", "reviewer"}
MATRIX: list[tuple[str, Action, set[str]]] = [
    ("tag a clause as oneself", _tag_own, ALL),
    ("tag Olena's clause as Olena", _tag_olenas, OWNER_AND_HER),
    ("split a clause no one coded", _split(3), ALL),
    ("split Olena's clause", _split(1), OWNER_AND_HER),
    ("join Olena's clause with the next", _join(1), OWNER_AND_HER),
    ("join a free clause with Olena's", _join(0), OWNER_AND_HER),
    ("join two free clauses", _join(2), ALL),
    ("move a boundary into Olena's clause", _move_into_olenas, OWNER_AND_HER),
    ("accept a link suggestion", _accept_link, ALL),
    ("unlink Olena's link", _unlink_olenas, OWNER_AND_HER),
    ("write a memo on Olena's clause as Olena", _memo_on_olenas, OWNER_AND_HER),
    ("undo Olena's tag", _undo_olenas_tag, OWNER_AND_HER),
    ("switch blind mode", _blind, LEADS),
    ("add a category", _category, LEADS),
    ("import a plan", _import, LEADS),
]


@pytest.mark.parametrize(("what", "action", "allowed"), MATRIX, ids=[m[0] for m in MATRIX])
def test_role_matrix(world: World, what: str, action: Action, allowed: set[str]) -> None:
    owner = world.team.owner
    for role in ROLES:
        actor = world.actors[role]
        prepare = getattr(action, "prepare", None)
        if prepare is not None:
            world.prepared[role] = prepare(world, role)
        before = snapshot(owner)
        if role in allowed:
            action(world, role, actor)
            assert snapshot(owner) != before, f"{role}: {what} changed nothing"
            continue
        with pytest.raises(AnnotatorError) as refused:
            action(world, role, actor)
        assert isinstance(refused.value, EditError), f"{role}: {what}: {refused.value!r}"
        assert "\n" not in str(refused.value)
        assert snapshot(owner) == before, f"{role}: {what} was refused but changed the database"


# -- raw SQL attacks ---------------------------------------------------------------------------

ATTACKS = [
    'UPDATE clause SET "end" = start + 1 WHERE id = :c1',
    "UPDATE clause SET start = start + 2 WHERE id = :c1",
    "UPDATE clause SET label = 'x' WHERE id = :c1",
    'UPDATE clause SET "end" = "end" + 5 WHERE id = :c0',  # grow a free clause over hers
    "UPDATE clause SET start = :c1_start WHERE id = :c2",
    "UPDATE clause SET document_key = :other WHERE id = :c1",
    "UPDATE clause SET id = id + 1000 WHERE id = :c1",
    "DELETE FROM clause WHERE id = :c1",
    "DELETE FROM clause",
    'INSERT INTO clause (document_key, start, "end", label, kind) '
    "VALUES (:doc, :c1_start, :c1_start + 4, 'z', 'paragraph')",
    'INSERT INTO clause (document_key, start, "end", label, kind) '
    "VALUES (:doc, 0, 100000, 'all', 'paragraph')",
    "UPDATE annotation SET deleted = true",
    "UPDATE annotation SET coder_id = :me WHERE coder_id = :olena",
    "UPDATE annotation SET clause_id = :c2 WHERE coder_id = :olena",
    "DELETE FROM annotation",
    "INSERT INTO annotation (id, coder_id, clause_id, category_key, memo, uncertain, created,"
    " updated, deleted) VALUES (:uuid, :olena, :c2, 'economic', '', false, 'x', 'x', false)",
    "UPDATE review SET status = 'none'",
    "DELETE FROM review",
    "INSERT INTO review (coder_id, clause_id, status, updated) VALUES (:olena, :c2, 'done', 'x')",
    "UPDATE clause_note SET memo = 'x'",
    "DELETE FROM clause_note",
    "INSERT INTO clause_note (coder_id, clause_id, memo, flagged, updated)"
    " VALUES (:olena, :c2, 'x', true, 'x')",
    "UPDATE clause_link SET status = 'rejected'",
    "UPDATE clause_link SET coder_id = :me",
    "DELETE FROM clause_link",
    "INSERT INTO clause_link (id, source_clause_id, target_clause_id, coder_id, status, created,"
    " updated, deleted) VALUES (:uuid, :c2, :c1, :olena, 'accepted', 'x', 'x', false)",
    "INSERT INTO clause_link (id, source_clause_id, target_clause_id, coder_id, status, created,"
    " updated, deleted) VALUES (:uuid, :c2, :c1, NULL, 'accepted', 'x', 'x', false)",
    "UPDATE setting SET value = 'off'",
    "INSERT INTO setting (key, value) VALUES ('blind', 'off')",
    "DELETE FROM setting",
    "UPDATE coder SET name = 'x'",
    "UPDATE coder SET db_role = current_user WHERE id = :olena",
    "DELETE FROM coder WHERE id = :olena",
    "INSERT INTO coder (id, name, is_consensus, created) VALUES (:uuid, 'x', true, 'x')",
    "UPDATE category SET name = 'x'",
    "DELETE FROM category",
    "UPDATE document SET text = 'x'",
    "DELETE FROM document",
    "TRUNCATE annotation",
    "ALTER TABLE annotation DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE clause DISABLE ROW LEVEL SECURITY",
    "DROP POLICY clause_update ON clause",
    "CREATE POLICY mine ON annotation FOR ALL USING (true)",
    "CREATE TEMPORARY TABLE setting (key text, value text)",
    "CREATE TABLE public.coder (id text)",
    "CREATE FUNCTION annotator_blind() RETURNS boolean LANGUAGE sql AS 'SELECT false'",
    "ALTER ROLE {olena_role} PASSWORD 'mine'",
    "GRANT {olena_role} TO {me_role}",
    "SET ROLE {olena_role}",
    "UPDATE alembic_version SET version_num = '0001'",
    # Revision 0011: the delete function with crafted arguments, and what else a login might try.
    "SELECT annotator_delete_row('clause', CAST(:c1 AS text))",
    "SELECT annotator_delete_row('annotation', a.id) FROM annotation a",
    "SELECT annotator_delete_row('clause_link', l.id) FROM clause_link l",
    "SELECT annotator_delete_row('review', :olena, CAST(:c1 AS text))",
    "SELECT annotator_delete_row('clause_note', :olena, CAST(:c1 AS text))",
    "SELECT annotator_delete_row('coder', :olena)",
    "SELECT annotator_delete_row('clause', '0 OR true')",
    "SELECT setval('clause_id_seq', 1)",
    "UPDATE refi_identity SET local_id = 'x'",
    "ALTER TABLE annotation DROP CONSTRAINT ck_annotation_span",
    "ALTER TABLE annotation DISABLE TRIGGER ALL",
    "SET SESSION AUTHORIZATION {olena_role}",
    "ALTER ROLE {me_role} CREATEROLE",
    "CREATE SCHEMA evil",
    "CREATE TEMPORARY VIEW v AS SELECT 1",
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{olena_role}'",
]


def _run_attack(engine: Engine, statement: str, params: dict[str, Any]) -> str:
    """'refused' (an error) or 'no rows'; anything else is a breach."""
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            if statement.startswith(("SET", "SELECT")):
                return "no rows"
            return "no rows" if result.rowcount <= 0 else f"{result.rowcount} rows changed"
    except DBAPIError as exc:
        state = getattr(exc.orig, "sqlstate", "")
        # 42501 insufficient privilege or RLS; 42xxx owner-only DDL; 23xxx a constraint;
        # 22P02 a crafted key the delete function cannot take for a number.
        refused = state[:2] in ("42", "23") or state == "22P02"
        return "refused" if refused else f"error {state}: {exc.orig}"


@pytest.mark.parametrize("blind", [False, True], ids=["open", "blind"])
def test_raw_sql_attacks_on_another_coders_work_change_nothing(world: World, blind: bool) -> None:
    set_blind(world.team.owner, blind)
    team, owner = world.team, world.team.owner
    taras = world.actors["other coder"].project.engine
    c0, c1, c2 = world.clauses("other coder")[:3]
    params = {
        "c0": c0.id,
        "c1": c1.id,
        "c2": c2.id,
        "c1_start": c1.start,
        "doc": world.docs["other coder"],
        "other": world.other_doc,
        "me": world.taras,
        "olena": world.olena,
    }
    roles = {"olena_role": team.role("olena"), "me_role": team.role("taras")}
    before = snapshot(owner)
    outcomes = {}
    for statement in ATTACKS:
        sql = statement.format(**roles)
        outcome = _run_attack(taras, sql, {**params, "uuid": str(uuid.uuid4())})
        outcomes[sql] = outcome
    breaches = {s: o for s, o in outcomes.items() if o not in ("refused", "no rows")}
    assert breaches == {}
    assert snapshot(owner) == before


# -- links and blind mode ----------------------------------------------------------------------


def test_a_reviewer_cannot_change_a_plans_text_or_anyones_clause(world: World) -> None:
    reviewer = world.actors["reviewer"].project.engine
    c1 = world.clauses("reviewer")[1]
    before = snapshot(world.team.owner)
    for statement in (
        "UPDATE document SET text = 'x'",
        "UPDATE document SET key = 'x'",
        'UPDATE clause SET "end" = start + 1 WHERE id = :c1',
        "DELETE FROM clause WHERE id = :c1",
        "UPDATE annotation SET deleted = true WHERE coder_id = :olena",
        # Revision 0011: the delete function does not widen a reviewer's reach either.
        "SELECT annotator_delete_row('annotation', a.id) FROM annotation a "
        "WHERE a.coder_id = :olena",
        "SELECT annotator_delete_row('clause', CAST(:c1 AS text))",
        "SELECT annotator_delete_row('clause_note', :olena, CAST(:c1 AS text))",
        "UPDATE coder SET is_consensus = true WHERE id = :olena",
        "UPDATE coder SET db_role = current_user WHERE id = :olena",
        "DELETE FROM annotation WHERE coder_id = :olena",
    ):
        outcome = _run_attack(reviewer, statement, {"c1": c1.id, "olena": world.olena})
        assert outcome in ("refused", "no rows"), (statement, outcome)
    assert snapshot(world.team.owner) == before


def test_blind_mode_hides_other_coders_links(world: World) -> None:
    taras = world.actors["other coder"].project
    doc = world.docs["coder"]
    assert len(link_service.links(taras, doc, world.other_doc)) == 1
    set_blind(world.team.owner, True)
    assert link_service.links(taras, doc, world.other_doc) == []
    with taras.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM clause_link").scalar() == 0
    # The reviewer and Olena herself still see it.
    assert len(link_service.links(world.actors["reviewer"].project, doc, world.other_doc)) == 1
    assert len(link_service.links(world.actors["coder"].project, doc, world.other_doc)) == 1


def test_a_coder_accepts_and_undoes_a_link_suggestion(world: World) -> None:
    taras = world.actors["other coder"].project
    doc = world.docs["other coder"]
    suggestion = link_service.suggest(taras, doc, world.other_doc)[0]
    edit = link_service.accept(
        taras, suggestion.source_clause.id, suggestion.target_clause.id, world.taras
    )
    assert [c.after["coder_id"] for c in edit.changes if c.after] == [world.taras]
    assert len(link_service.links(taras, doc, world.other_doc)) == 2
    taras.undo(edit)
    assert len(link_service.links(taras, doc, world.other_doc)) == 1


def test_a_coder_splits_and_joins_own_clauses_and_undoes_it(world: World) -> None:
    olena = world.actors["coder"]
    c1 = world.clauses("coder")[1]
    count = len(world.clauses("coder"))
    split = clause_service.split_clause(olena.project, c1.id, c1.start + 12, world.olena)
    assert len(world.clauses("coder")) == count + 1
    olena.project.undo(split)
    assert [(c.start, c.end) for c in world.clauses("coder")][1] == (c1.start, c1.end)
    join = clause_service.merge_with_next(olena.project, c1.id, world.olena)
    assert len(world.clauses("coder")) == count - 1
    olena.project.undo(join)
    assert len(world.clauses("coder")) == count


def test_refusals_name_the_colleague_even_in_blind_mode(world: World) -> None:
    taras = world.actors["other coder"]
    c1 = world.clauses("other coder")[1]
    assert "Olena" in str(
        clause_service.clause_edit_refusal(taras.project, c1.id, world.taras) or ""
    )
    set_blind(world.team.owner, True)
    why = clause_service.clause_edit_refusal(taras.project, c1.id, world.taras)
    assert why is not None and "hidden by blind mode" in why
    free = world.clauses("other coder")[3]
    assert clause_service.clause_edit_refusal(taras.project, free.id, world.taras) is None


# -- what the GUI is told each role may do -----------------------------------------------------


def test_permissions_say_what_the_server_enforces(world: World) -> None:
    from annotator.services.permissions import permissions

    caps = {role: permissions(a.project) for role, a in world.actors.items()}
    assert {role: c.role for role, c in caps.items()} == {
        "owner": "owner",
        "coder": "coder",
        "other coder": "coder",
        "reviewer": "reviewer",
    }
    lead_only = ("switch_blind", "edit_codebook", "edit_documents")
    for name in ("code", "edit_clauses", "link", "sync", *lead_only, "merge_files"):
        assert getattr(caps["owner"], name).allowed, name
    for role in ("coder", "other coder"):
        for name in ("code", "edit_clauses", "link", "sync"):
            assert getattr(caps[role], name).allowed, (role, name)
        for name in (*lead_only, "merge_files"):
            capability = getattr(caps[role], name)
            assert not capability.allowed and capability.why.startswith("only the team owner")
    for name in lead_only:
        assert getattr(caps["reviewer"], name).allowed, name
    assert not caps["reviewer"].merge_files.allowed
    assert caps["coder"].for_action("blind") == caps["coder"].switch_blind
    assert caps["coder"].for_action("key3") == caps["coder"].code
