"""Undo and redo, alone in a project, are never refused and always come back to the same content.

Random sequences of edits (tags, spans, none applies, memos, flags, clause splits and joins, a plan
import) are undone to the start and redone to the end, twice: the replay checks (each row still
as the edit left it) must never refuse a single actor, and the content must match, stamps aside.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.services import clauses as clause_service
from annotator.services import notes
from annotator.services.exchange import export_exchange_dict
from annotator.services.project import Project
from tests.services.conftest import PLAN

SECOND = "Counter\n\n1. Territory is returned along the line.\n2. Monitors deploy.\n"
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(("tag", "span", "none", "memo", "flag", "split", "join", "import")),
        st.integers(0, 6),
        st.sampled_from(("economic", "territorial", "security_guarantee")),
    ),
    min_size=1,
    max_size=12,
)


def _content(project: Project) -> Any:
    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in ("updated", "created")}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    doc = export_exchange_dict(project)
    # Removals leave tombstones where there was nothing: compare what is live.
    doc["annotations"] = [a for a in doc["annotations"] if not a["deleted"]]
    doc["reviews"] = [r for r in doc["reviews"] if not r.get("deleted")]
    doc["clause_notes"] = [n for n in doc.get("clause_notes", []) if n["memo"] or n["flagged"]]
    return clean(doc)


def _act(project: Project, coder: str, action: tuple[str, int, str]) -> Edit | None:
    kind, n, category = action
    if kind == "import":
        return project.import_text("Counter", SECOND).edit
    key = project.documents()[0].key
    clauses = project.clauses(key)
    clause = clauses[n % len(clauses)]
    try:
        if kind == "tag":
            return project.toggle_tag(coder, clause.id, category)
        if kind == "span":
            return project.toggle_span(coder, clause.id, category, clause.start, clause.start + 3)
        if kind == "none":
            return project.mark_none(coder, clause.id)
        if kind == "memo":
            return notes.set_clause_memo(project, coder, clause.id, f"memo {n}")
        if kind == "flag":
            return notes.toggle_clause_flag(project, coder, clause.id)
        if kind == "split":
            return clause_service.split_clause(project, clause.id, (clause.start + clause.end) // 2)
        return clause_service.merge_with_next(project, clause.id)
    except EditError:  # e.g. joining the last clause: refused, nothing written
        return None


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(ACTIONS)
def test_undo_all_and_redo_all_round_trip(actions: list[tuple[str, int, str]]) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        Project.open(Path(tmp) / "p.sqlite", seed_samples=False) as project,
    ):
        project.import_text("Framework", PLAN)
        coder = project.add_coder("Olena").id
        states = [_content(project)]
        edits: list[Edit] = []
        for action in actions:
            edit = _act(project, coder, action)
            if edit is not None and not edit.empty:
                edits.append(edit)
                states.append(_content(project))
        for _ in range(2):
            for i in range(len(edits) - 1, -1, -1):
                project.undo(edits[i])
                assert _content(project) == states[i]
            for i, edit in enumerate(edits):
                project.redo(edit)
                assert _content(project) == states[i + 1]
