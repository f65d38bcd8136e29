"""A REFI-QDA import on the team server: its check for identities whose row is gone.

The import forgets an identity whose coder, category or annotation no longer exists. On a server,
row-level security hides a colleague's annotations from a coder in blind mode, so a plain
``NOT IN (SELECT id FROM annotation)`` run as that coder takes the hidden rows for missing ones,
and the colleague's mappings would be forgotten: the next import of that project would then
double the colleague's codings or fail on the annotation's primary key. The check asks the
server's ``annotator_annotation_exists`` (revision 0010), which sees every row.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy import Engine, insert, select, text

from annotator.services.merge import apply_merge
from annotator.services.project import Project
from annotator.services.refi import ROW_OF_KIND, preview_qdpx_merge
from annotator.storage import refi_rows
from annotator.storage.models import TABLES
from annotator.storage.server import add_coder_role, open_server_engine, set_blind
from tests.server.conftest import PLAN, Team

OLENA_CODING = "c4000000-0000-4000-8000-000000000001"
TARAS_CODING = "c4000000-0000-4000-8000-000000000002"
GONE = ("coding", "c4000000-0000-4000-8000-0000000000ff")


def _login(team: Team, short: str) -> tuple[Engine, str]:
    role = team.role(short)
    coder_id = add_coder_role(team.owner, role, "pw")
    engine = open_server_engine(team.url(role, "pw"))
    team.disposables.append(engine)
    return engine, coder_id


def _qdpx(team: Team, path: Path) -> Path:
    """An ATLAS.ti-style project (stable GUIDs) in which both coders coded point 1."""
    start = PLAN.index("1. ")
    end = PLAN.index("\n", start)
    selections = "".join(
        f'<PlainTextSelection guid="c300000{n}-0000-4000-8000-000000000000" '
        f'startPosition="{start}" endPosition="{end}" creatingUser="{user}">'
        f'<Coding guid="{coding}" creatingUser="{user}">'
        '<CodeRef targetGUID="c2000000-0000-4000-8000-000000000001"/></Coding>'
        "</PlainTextSelection>"
        for n, user, coding in (
            (1, "c1000000-0000-4000-8000-000000000001", OLENA_CODING),
            (2, "c1000000-0000-4000-8000-000000000002", TARAS_CODING),
        )
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Framework" origin="ATLAS.ti 23.2.1">'
        f'<Users><User guid="c1000000-0000-4000-8000-000000000001" name="{team.role("olena")}"/>'
        f'<User guid="c1000000-0000-4000-8000-000000000002" name="{team.role("taras")}"/></Users>'
        '<CodeBook><Codes><Code guid="c2000000-0000-4000-8000-000000000001" name="Territorial" '
        'isCodable="true"/></Codes></CodeBook>'
        '<Sources><TextSource guid="c5000000-0000-4000-8000-000000000001" name="Framework" '
        'plainTextPath="internal://c5000000-0000-4000-8000-000000000001.txt">'
        f"{selections}</TextSource></Sources></Project>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/c5000000-0000-4000-8000-000000000001.txt", PLAN)
    path.write_bytes(buffer.getvalue())
    return path


def _import(project: Project, path: Path) -> dict[str, int]:
    preview = preview_qdpx_merge(project, path)
    apply_merge(project, preview)
    return preview.counts


def _mapped(engine: Engine) -> set[tuple[str, str]]:
    t = TABLES["refi_identity"].c
    with engine.connect() as conn:
        return {(k, f) for k, f in conn.execute(select(t.kind, t.foreign_id))}


def test_a_colleagues_hidden_annotation_is_not_a_missing_one(team: Team, tmp_path: Path) -> None:
    olena, olena_id = _login(team, "olena")
    taras, taras_id = _login(team, "taras")
    owner = Project(team.owner)
    path = _qdpx(team, tmp_path / "atlas.qdpx")
    assert _import(owner, path)["annotations_added"] == 2
    by_coder = {a["coder"]: a["id"] for a in _annotations(team.owner)}
    assert set(by_coder) == {olena_id, taras_id}
    with team.owner.begin() as conn:  # an identity whose annotation really is gone
        conn.execute(
            insert(TABLES["refi_identity"]),
            {"kind": GONE[0], "foreign_id": GONE[1], "local_id": "gone", "updated": "2026"},
        )
    set_blind(team.owner, True)

    for engine, mine in ((olena, olena_id), (taras, taras_id)):
        with engine.connect() as conn:
            visible = {r[0] for r in conn.execute(text("SELECT coder_id FROM annotation"))}
            assert visible == {mine}  # blind: the colleague's coding is hidden from this login
            # What the check would say if it trusted the rows it sees:
            naive = conn.execute(
                text(
                    "SELECT foreign_id FROM refi_identity WHERE kind = 'coding' "
                    "AND local_id NOT IN (SELECT id FROM annotation)"
                )
            ).scalars()
            # Since revision 0011 the colleague's coding identity is hidden with its annotation
            # (its fingerprint would tell the coding); only the one whose row is gone shows.
            assert set(naive) == {GONE[1]}
            assert refi_rows.identities_without_row(conn, ROW_OF_KIND) == [GONE]

    # The owner's re-import forgets only the identity whose row is gone, and lands on every row.
    again = _import(owner, path)
    assert not any(again.values()), again
    mapped = _mapped(team.owner)
    assert {("coding", OLENA_CODING), ("coding", TARAS_CODING)} <= mapped
    assert GONE not in mapped
    assert {a["coder"]: a["id"] for a in _annotations(team.owner)} == by_coder


def _annotations(engine: Engine) -> list[dict[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, coder_id FROM annotation WHERE NOT deleted"))
        return [{"id": i, "coder": c} for i, c in rows]


def test_the_row_check_is_definer_with_a_pinned_path_and_for_the_team_only(team: Team) -> None:
    _login(team, "olena")
    with team.owner.begin() as conn:
        secdef, config = conn.execute(
            text(
                "SELECT prosecdef, proconfig FROM pg_proc "
                "WHERE proname = 'annotator_annotation_exists'"
            )
        ).one()
        assert secdef is True
        assert config == ["search_path=pg_catalog, pg_temp"]
        conn.exec_driver_sql(f"CREATE ROLE {team.database}_outsider NOLOGIN")
        allowed = dict(
            conn.execute(
                text(
                    "SELECT r.rolname, has_function_privilege(r.rolname, "
                    "'annotator_annotation_exists(varchar)', 'EXECUTE') FROM pg_roles r "
                    "WHERE r.rolname LIKE :p"
                ),
                {"p": f"{team.database}\\_%"},
            ).all()
        )
        conn.exec_driver_sql(f"DROP ROLE {team.database}_outsider")
    assert allowed[team.role("olena")] is True
    assert allowed[f"{team.database}_outsider"] is False
