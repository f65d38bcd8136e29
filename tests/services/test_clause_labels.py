"""Splits, joins and re-segmenting never give two clauses of a plan the same label."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import EditError
from annotator.services import clauses as clause_service
from annotator.services.project import Project
from annotator.services.segmentation import resegment

# Point 2 appears twice, so the segmenter already labels one of them "2bis".
PLAN = (
    "Framework\n\n"
    "1. The parties agree to a ceasefire along the line of contact.\n"
    "2. A fund supports reconstruction of the liberated towns.\n"
    "2. Monitors deploy along the whole line within thirty days.\n"
    "3. Armed forces shall not exceed the agreed ceiling at any time.\n"
)


def _labels(project: Project, key: str) -> list[str]:
    return [c.label for c in project.clauses(key)]


def test_splitting_the_same_clause_twice_gives_two_labels(project: Project) -> None:
    key = project.import_text("Framework", PLAN).document_key
    assert _labels(project, key) == ["H1", "1", "2", "2bis", "3"]
    two = project.clauses(key)[2]
    clause_service.split_clause(project, two.id, two.start + 20)
    two = project.clauses(key)[2]
    clause_service.split_clause(project, two.id, two.start + 10)
    assert _labels(project, key) == ["H1", "1", "2", "2quater", "2ter", "2bis", "3"]
    # Joining a split back gives the number its own label again.
    clause_service.merge_with_next(project, project.clauses(key)[2].id)
    assert _labels(project, key) == ["H1", "1", "2", "2ter", "2bis", "3"]


STEPS = st.lists(st.tuples(st.sampled_from(("split", "join")), st.integers(0, 30)), max_size=15)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(STEPS)
def test_labels_stay_unique_through_edits_undo_and_resegment(steps: list[tuple[str, int]]) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        Project.open(Path(tmp) / "p.sqlite", seed_samples=False) as project,
    ):
        key = project.import_text("Framework", PLAN).document_key
        edits = []
        for kind, n in steps:
            clauses = project.clauses(key)
            clause = clauses[n % len(clauses)]
            try:
                if kind == "split":
                    at = clause.start + 1 + n % max(1, clause.end - clause.start - 1)
                    edits.append(clause_service.split_clause(project, clause.id, at))
                else:
                    edits.append(clause_service.merge_with_next(project, clause.id))
            except EditError:  # no text on one side, or the last clause: nothing written
                continue
            labels = _labels(project, key)
            assert len(set(labels)) == len(labels), labels
        for edit in reversed(edits[len(edits) // 2 :]):
            project.undo(edit)
            labels = _labels(project, key)
            assert len(set(labels)) == len(labels), labels
        resegment(project, key)
        assert _labels(project, key) == ["H1", "1", "2", "2bis", "3"]
