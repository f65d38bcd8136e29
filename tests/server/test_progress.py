"""Per-coder progress counts: plain SQL on SQLite, through blind mode on a real server."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from annotator.services.progress import CoderProgress, coder_progress, progress_table
from annotator.services.project import Project
from annotator.storage.server import (
    add_coder_role,
    add_reviewer_role,
    open_server_engine,
    set_blind,
)
from tests.server.conftest import PLAN, Team

SECOND = "Counter\n\n1. Territory returns.\n2. Monitors deploy.\n"


def _coder(team: Team, short: str) -> tuple[Project, str]:
    role = team.role(short)
    coder_id = add_coder_role(team.owner, role, f"pw-{short}")
    engine = open_server_engine(team.url(role, f"pw-{short}"))
    team.disposables.append(engine)
    return Project(engine), coder_id


def _by_cell(rows: list[CoderProgress]) -> dict[tuple[str, str], tuple[int, int]]:
    return {(r.coder_id, r.document_key): (r.coded, r.clauses) for r in rows}


def test_sqlite_counts_tags_spans_and_reviews_once_per_clause(tmp_path: Path) -> None:
    project = Project.open(tmp_path / "p.sqlite", seed_samples=False)
    try:
        first = project.import_text("Framework", PLAN).document_key
        second = project.import_text("Counter", SECOND).document_key
        olena, taras = project.add_coder("Olena"), project.add_coder("Taras")
        project.add_coder("Zoe")  # has coded nothing: still listed, with zeros
        c = project.clauses(first)
        d = project.clauses(second)
        project.toggle_tag(olena.id, c[0].id, "economic")
        project.toggle_tag(olena.id, c[0].id, "territorial")  # same clause: counts once
        project.mark_none(olena.id, c[1].id)  # a review alone counts
        project.toggle_span(olena.id, c[2].id, "economic", c[2].start, c[2].start + 2)
        project.toggle_tag(olena.id, d[0].id, "economic")
        project.toggle_tag(taras.id, c[3].id, "economic")
        project.toggle_tag(taras.id, c[0].id, "economic")
        project.toggle_tag(taras.id, c[0].id, "economic")  # taken back: a tombstone, not coded
        project.mark_none(taras.id, c[1].id)
        project.mark_none(taras.id, c[1].id)  # un-marked: a review tombstone, not coded

        rows = coder_progress(project)
    finally:
        project.close()
    assert [r.name for r in rows] == ["Olena"] * 2 + ["Taras"] * 2 + ["Zoe"] * 2
    assert [r.document_key for r in rows[:2]] == [first, second]
    cells = _by_cell(rows)
    assert cells[(olena.id, first)] == (3, len(c))
    assert cells[(olena.id, second)] == (1, len(d))
    assert cells[(taras.id, first)] == (1, len(c))
    assert cells[(taras.id, second)] == (0, len(d))
    coders, keys, table = progress_table(rows)
    assert [name for _, name in coders] == ["Olena", "Taras", "Zoe"]
    assert keys == [first, second] and table == cells


def test_blind_coder_cannot_select_others_rows_but_sees_their_counts(team: Team) -> None:
    olena, olena_id = _coder(team, "olena")
    taras, taras_id = _coder(team, "taras")
    add_reviewer_role(team.owner, team.role("rev"), "rev-pw")
    reviewer = Project(open_server_engine(team.url(team.role("rev"), "rev-pw")))
    team.disposables.append(reviewer.engine)
    ids = [c.id for c in olena.clauses(team.document_key)]
    olena.toggle_tag(olena_id, ids[0], "economic")
    taras.toggle_tag(taras_id, ids[0], "territorial")
    taras.toggle_tag(taras_id, ids[1], "economic")
    taras.mark_none(taras_id, ids[2])
    set_blind(team.owner, True)

    with olena.engine.connect() as conn:
        hidden = conn.execute(
            text("SELECT count(*) FROM annotation WHERE coder_id = :c"), {"c": taras_id}
        ).scalar_one()
        hidden += conn.execute(
            text("SELECT count(*) FROM review WHERE coder_id = :c"), {"c": taras_id}
        ).scalar_one()
    assert hidden == 0  # RLS: not a single row of Taras's
    assert olena.coding(team.document_key, taras_id) == {}

    expected = {
        (olena_id, team.document_key): (1, len(ids)),
        (taras_id, team.document_key): (3, len(ids)),
    }
    assert _by_cell(coder_progress(olena)) == expected
    assert _by_cell(coder_progress(taras)) == expected
    assert _by_cell(coder_progress(reviewer)) == expected
    assert _by_cell(coder_progress(Project(team.owner))) == expected

    taras.toggle_tag(taras_id, ids[1], "economic")  # untag: the count drops at once
    assert _by_cell(coder_progress(olena))[(taras_id, team.document_key)] == (2, len(ids))
    taras.mark_none(taras_id, ids[2])  # un-marked: a review tombstone no longer counts
    assert _by_cell(coder_progress(olena))[(taras_id, team.document_key)] == (1, len(ids))


def test_counts_function_is_definer_with_pinned_path_and_not_public(team: Team) -> None:
    with team.owner.begin() as conn:
        secdef, config = conn.execute(
            text(
                "SELECT prosecdef, proconfig FROM pg_proc WHERE proname = 'annotator_coded_counts'"
            )
        ).one()
        assert secdef is True
        assert config == ["search_path=pg_catalog, pg_temp"]
        conn.exec_driver_sql(f"CREATE ROLE {team.database}_outsider NOLOGIN")
        allowed = conn.execute(
            text(
                "SELECT r.rolname, has_function_privilege(r.rolname, "
                "'annotator_coded_counts()', 'EXECUTE') FROM pg_roles r "
                "WHERE r.rolname LIKE :p"
            ),
            {"p": f"{team.database}\\_%"},
        ).all()
        conn.exec_driver_sql(f"DROP ROLE {team.database}_outsider")
    assert dict(allowed) == {
        f"{team.database}_coders": True,
        f"{team.database}_reviewers": True,
        f"{team.database}_outsider": False,
    }


def test_counts_function_returns_numbers_only(team: Team) -> None:
    olena, olena_id = _coder(team, "olena")
    olena.toggle_tag(olena_id, olena.clauses(team.document_key)[0].id, "economic")
    with olena.engine.connect() as conn:
        result = conn.execute(text("SELECT * FROM annotator_coded_counts()"))
        assert list(result.keys()) == ["coder_id", "document_key", "coded"]
        assert result.all() == [(olena_id, team.document_key, 1)]
