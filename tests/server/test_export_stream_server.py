"""Streamed exports from a team server give the bytes of the in-memory exports (PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from annotator.services.exchange import export_exchange_dict
from annotator.services.export_stream import write_export_file
from annotator.services.exports import export_bytes
from annotator.services.project import Project
from tests.server.conftest import Team


def test_streamed_exports_equal_the_in_memory_ones_on_postgresql(
    team: Team, tmp_path: Path
) -> None:
    project = Project(team.owner)
    coders = [project.add_coder(name).id for name in ("Olena", "taras", "Ärni", "_x")]
    clauses = project.clauses(team.document_key)
    for n, clause in enumerate(clauses):
        for c, coder in enumerate(coders):
            project.toggle_tag(coder, clause.id, ("economic", "territorial")[(n + c) % 2])
    project.mark_none(coders[0], clauses[-1].id)
    out = tmp_path / "out"
    for fmt, options in (("exchange", {}), ("long", {}), ("exchange", {"coder": coders[2]})):
        whole = export_exchange_dict(project, options.get("coder") if fmt == "exchange" else None)
        expected, summary = export_bytes(whole, fmt, **options)
        assert write_export_file(project, fmt, out, **options) == summary
        assert out.read_bytes() == expected, (fmt, options)
