"""The storage functions the services compose, checked on their own against a real project file.

The services' tests cover them through the use cases; these pin what each function promises
(order, tombstones, who counts) so that a change of query cannot quietly change a service.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.services import links, notes
from annotator.services.project import Project
from annotator.storage import (
    clause_rows,
    coder_rows,
    coding_rows,
    plan_rows,
    progress_rows,
    roles,
)
from annotator.storage.login_url import login_url

PLAN = "Framework\n\n1. A ceasefire holds.\n2. A fund rebuilds 🕊 towns.\n3. Forces are capped.\n"
OTHER = "Draft\n\n1. The ceasefire holds now.\n2. Towns are rebuilt.\n"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.open(tmp_path / "p.sqlite", seed_samples=False) as opened:
        yield opened


def test_plan_rows_read_and_write_clauses_in_text_order(project: Project) -> None:
    with project.engine.connect() as conn:
        assert plan_rows.next_document_position(conn) == 0
    key = project.import_text("Framework", PLAN).document_key
    with project.engine.begin() as conn:
        assert plan_rows.document_exists(conn, key)
        assert not plan_rows.document_exists(conn, "0" * 64)
        assert plan_rows.document_text(conn, key) == project.document(key).text
        assert plan_rows.document_text(conn, "0" * 64) is None
        assert plan_rows.next_document_position(conn) == 1
        rows = plan_rows.clause_rows(conn, key)
        assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
        assert plan_rows.clause_count(conn, key) == len(rows) == 4
        assert sorted(plan_rows.clause_ids(conn, key)) == sorted(r["id"] for r in rows)
        first, second = rows[1], rows[2]
        assert plan_rows.next_clause_row(conn, key, first["end"]) == second
        assert plan_rows.next_clause_row(conn, key, rows[-1]["end"]) is None
        new_id = plan_rows.insert_clause(
            conn, {"document_key": key, "start": 0, "end": 1, "label": "x", "kind": "text"}
        )
        assert new_id not in {r["id"] for r in rows}
        conn.rollback()


def test_rows_on_clauses_and_their_owners_include_tombstones_and_project_links(
    project: Project,
) -> None:
    key = project.import_text("Framework", PLAN).document_key
    other = project.import_text("Draft", OTHER).document_key
    olena = project.add_coder("Olena").id
    ivan = project.add_coder("Ivan").id
    clause = project.clauses(key)[1].id
    project.toggle_tag(olena, clause, "territorial")
    project.toggle_tag(olena, clause, "territorial")  # a tombstone now
    project.mark_none(ivan, clause)
    notes.set_clause_memo(project, ivan, clause, "check the number")
    links.accept(project, clause, project.clauses(other)[1].id)  # no coder: a project link
    with project.engine.connect() as conn:
        found = clause_rows.rows_on_clauses(conn, [clause])
        assert [name for name, _ in found] == ["annotation", "review", "clause_note", "clause_link"]
        assert clause_rows.work_owners(conn, [clause]) == {olena, ivan, None}
        assert clause_rows.work_owners(conn, [project.clauses(key)[2].id]) == set()
        assert coder_rows.coder_names(conn) == {olena: "Olena", ivan: "Ivan"}
        assert coder_rows.coder_ids_by_name(conn) == [ivan, olena]
        tags = coding_rows.rows_on_clause(conn, "annotation", clause)
        assert len(tags) == 1 and tags[0]["deleted"]
        assert coding_rows.clause_tag_rows(conn, olena, clause) == tags
        assert coding_rows.live_annotations(conn, olena, clause) == []
        assert coding_rows.review_status(conn, ivan, clause) == "none"
        assert coding_rows.review_status(conn, olena, clause) is None
        with pytest.raises(ValueError, match="clause_link"):
            coding_rows.rows_on_clause(conn, "clause_link", clause)


def test_coded_counts_count_a_clause_once_and_never_a_tombstone(project: Project) -> None:
    key = project.import_text("Framework", PLAN).document_key
    olena = project.add_coder("Olena").id
    first, second, third = (c.id for c in project.clauses(key)[1:])
    project.toggle_tag(olena, first, "territorial")  # a tag and a review ("done")
    project.toggle_tag(olena, first, "economic")
    project.mark_none(olena, second)
    project.toggle_tag(olena, third, "territorial")
    project.toggle_tag(olena, third, "territorial")  # taken back: a tombstone
    with project.engine.connect() as conn:
        assert progress_rows.coded_counts(conn) == {(olena, key): 2}
        assert coder_rows.team_coders(conn) == [(olena, "Olena")]
        assert coding_rows.live_annotation_count(conn, [first, second, third]) == 2
        assert coding_rows.live_annotation_count(conn, []) == 0


def test_sqlite_has_no_logins_so_blind_mode_hides_nothing(project: Project) -> None:
    with project.engine.connect() as conn:
        assert roles.blind_hides_work(conn, [1, 2]) is False


def test_login_url_keeps_the_password_in_the_object_only() -> None:
    url = login_url("db.example.org", None, "peace", "peace_olena", "s3cret")
    assert url.password == "s3cret" and url.port is None
    assert "s3cret" not in str(url) and "s3cret" not in repr(url)
    assert login_url("h", 1, "d", "u", "").password is None
