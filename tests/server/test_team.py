"""Offline copies of a coder's server work, syncing them back, and a short load run."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import ProjectError
from annotator.services.project import Project
from annotator.services.team import sync_offline_copy, take_offline_copy
from annotator.storage.db import open_engine
from annotator.storage.server import add_coder_role, open_server_engine
from tests.benchmarks.bench_server_load import run_load
from tests.server.conftest import Team


def _coder(team: Team, short: str) -> tuple[Project, str]:
    role = team.role(short)
    coder_id = add_coder_role(team.owner, role, "pw")
    engine = open_server_engine(team.url(role, "pw"))
    team.disposables.append(engine)
    return Project(engine), coder_id


def test_offline_edits_come_back_with_server_edits_and_sync_is_idempotent(
    team: Team, tmp_path: Path
) -> None:
    server, olena = _coder(team, "olena")
    taras_server, taras = _coder(team, "taras")
    first, second, third = [c.id for c in server.clauses(team.document_key)][:3]
    server.toggle_tag(olena, first, "economic")
    taras_server.toggle_tag(taras, first, "territorial")

    copy = take_offline_copy(server, olena, tmp_path / "olena-offline.sqlite")
    with Project(open_engine(copy, create=False), copy) as local:
        assert [c.id for c in local.coders()] == [olena]  # nobody else's work goes offline
        by_span = {(c.start, c.end): c.id for c in local.clauses(team.document_key)}
        spans = {c.id: (c.start, c.end) for c in server.clauses(team.document_key)}
        assert local.coding(team.document_key, olena)[by_span[spans[first]]].tags == {"economic"}
        local.toggle_tag(olena, by_span[spans[second]], "military_cap")
        local.toggle_tag(olena, by_span[spans[first]], "economic")  # taken back offline
    server.toggle_tag(olena, third, "security_guarantee")  # meanwhile, on the server

    result = sync_offline_copy(server, copy)
    assert result.preview.counts["annotations_added"] == 1
    assert result.preview.counts["annotations_deleted"] == 1
    coding = Project(team.owner).coding(team.document_key, olena)
    assert {cid: c.tags for cid, c in coding.items() if c.tags} == {
        second: {"military_cap"},
        third: {"security_guarantee"},
    }
    assert Project(team.owner).coding(team.document_key, taras)[first].tags == {"territorial"}

    again = sync_offline_copy(server, copy)
    assert again.edit.empty
    assert Project(team.owner).coding(team.document_key, olena) == coding


def test_offline_copy_refuses_an_existing_file_and_sync_a_plain_project(
    team: Team, tmp_path: Path
) -> None:
    server, olena = _coder(team, "olena")
    existing = tmp_path / "x.sqlite"
    existing.write_bytes(b"")
    with pytest.raises(ProjectError, match="new file"):
        take_offline_copy(server, olena, existing)
    plain = tmp_path / "plain.sqlite"
    Project(open_engine(plain), plain).close()
    with pytest.raises(ProjectError, match="not an offline copy"):
        sync_offline_copy(server, plain)


def test_short_load_run_loses_nothing(pg_url: str) -> None:
    report = run_load(pg_url, coders=5, seconds=4)
    assert report.errors == []
    assert report.lost == []
    assert report.actions > 50  # about 2 ms per toggle on a laptop; CI has 2 cores
    # Splits and link accepts ran alongside, and colleagues' clauses were refused, not split.
    assert report.splits > 0 and report.links > 0


def test_offline_splits_sync_back_unless_a_colleague_coded_the_clause(
    team: Team, tmp_path: Path
) -> None:
    from annotator.core.errors import EditError
    from annotator.services.clauses import split_clause

    server, olena = _coder(team, "olena")
    taras_server, taras = _coder(team, "taras")
    first, second = [c for c in server.clauses(team.document_key)][1:3]
    server.toggle_tag(olena, first.id, "economic")
    copy = take_offline_copy(server, olena, tmp_path / "olena.sqlite")
    with Project(open_engine(copy, create=False), copy) as local:
        by_span = {(c.start, c.end): c.id for c in local.clauses(team.document_key)}
        split_clause(local, by_span[(first.start, first.end)], first.start + 5, olena)
    sync_offline_copy(server, copy)
    spans = {(c.start, c.end) for c in Project(team.owner).clauses(team.document_key)}
    assert len(spans) == 6  # the merge adds the halves (it never removes a clause)

    # Offline, Taras's work on the second clause is invisible; the server refuses the split.
    taras_server.toggle_tag(taras, second.id, "territorial")
    copy2 = take_offline_copy(server, olena, tmp_path / "olena2.sqlite")
    with Project(open_engine(copy2, create=False), copy2) as local:
        by_span = {(c.start, c.end): c.id for c in local.clauses(team.document_key)}
        split_clause(local, by_span[(second.start, second.end)], second.start + 5, olena)
    before = Project(team.owner).clauses(team.document_key)
    with pytest.raises(EditError, match="refused"):
        sync_offline_copy(server, copy2)
    assert Project(team.owner).clauses(team.document_key) == before
