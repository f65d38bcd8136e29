"""Streamed exports give exactly the bytes of the in-memory exports they replace."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.core.errors import InputError
from annotator.services.exchange import export_exchange_dict, write_exchange_file
from annotator.services.export_stream import write_export_file
from annotator.services.exports import export_bytes
from annotator.services.merge import apply_merge, preview_merge_documents
from annotator.services.project import Project
from tests.core.exchange_strategies import exchange_families, small_exchange


@pytest.fixture
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("stream")


def _project_from(path: Path, docs: list[dict[str, Any]]) -> Project:
    project = Project.open(path, seed_samples=False)
    apply_merge(
        project, preview_merge_documents(project, docs, [f"f{i}" for i in range(len(docs))])
    )
    return project


def _assert_streams_like_memory(project: Project, out: Path) -> None:
    coders = project.coders()
    cases: list[tuple[str, dict[str, Any]]] = [
        ("exchange", {}),
        ("long", {}),
        ("long", {"bom": True}),
    ]
    for coder in coders[:2]:
        cases += [("exchange", {"coder": coder.id}), ("long", {"coder": coder.id})]
    if any(c.is_consensus for c in coders):
        cases.append(("long", {"consensus": True}))
    for fmt, options in cases:
        whole = export_exchange_dict(project, options.get("coder") if fmt == "exchange" else None)
        expected, summary = export_bytes(whole, fmt, **options)
        assert write_export_file(project, fmt, out, **options) == summary
        assert out.read_bytes() == expected, (fmt, options)
        if fmt == "exchange":  # the GUI's export: the same streaming writer, with counts
            out.unlink()
            counts = write_exchange_file(project, out, options.get("coder"))
            assert out.read_bytes() == expected, options
            assert counts == {k: len(whole[k]) for k in counts}
            assert set(counts) == {"coders", "documents", "annotations", "reviews"}


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(exchange_families(min_size=1, max_size=3))
def test_streamed_exports_equal_the_in_memory_ones(
    folder: Path, docs: list[dict[str, Any]]
) -> None:
    path = folder / "p.sqlite"
    for leftover in folder.glob("p.sqlite*"):
        leftover.unlink()
    with _project_from(path, docs) as project:
        _assert_streams_like_memory(project, folder / "out")


def test_duplicate_live_tags_are_kept_once_as_in_memory(tmp_path: Path) -> None:
    doc = small_exchange()
    twin = copy.deepcopy(doc["annotations"][0])
    twin.update(id="zz-twin", updated="2026-03-01T00:00:00Z", memo="newer twin")
    older = copy.deepcopy(doc["annotations"][1])
    older.update(id="00-older", updated="2025-01-01T00:00:00Z", memo="older twin")
    doc["annotations"] += [twin, older]
    with _project_from(tmp_path / "p.sqlite", [doc]) as project:
        _assert_streams_like_memory(project, tmp_path / "out")
        text = (tmp_path / "out").read_text("utf-8")
    assert "newer twin" in text and "older twin" not in text


def test_failed_export_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old", "utf-8")
    project = _project_from(tmp_path / "p.sqlite", [small_exchange()])
    with project, pytest.raises(InputError):
        write_export_file(project, "long", out, coder="nobody")
    assert out.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
