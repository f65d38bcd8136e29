"""The GUI's shape, checked by machine: small modules, one worker mechanism, no nested event
loop for jobs, no storage table names (views subscribe to domain change kinds)."""

from __future__ import annotations

import re
from pathlib import Path

GUI = Path(__file__).resolve().parents[2] / "annotator" / "gui"
MODULES = sorted(GUI.glob("*.py"))
TABLES = ("annotation", "review", "clause_note", "clause_link", "category", "setting", "coder")


def test_no_gui_module_over_500_lines() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES}
    assert max(sizes.values()) <= 500, {n: s for n, s in sizes.items() if s > 500}


def test_one_worker_mechanism_and_no_nested_event_loop() -> None:
    """Threads, pools and progress boxes live in the operation runner alone."""
    pattern = re.compile(r"\b(QRunnable|QThreadPool|QThread|QEventLoop|QProgressDialog)\b")
    users = sorted(p.name for p in MODULES if pattern.search(p.read_text(encoding="utf-8")))
    assert users == ["ops.py"]


def test_views_never_look_at_table_names() -> None:
    tables = "|".join(TABLES)
    pattern = re.compile(rf"""(\.table\s*==|\.tables\(\)|["'](?:{tables})["']\s+in\b)""")
    found = [p.name for p in MODULES if pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_edits_go_through_the_runner() -> None:
    """No private side door: ``Workspace._do`` is gone for good."""
    assert not [p.name for p in MODULES if "._do(" in p.read_text(encoding="utf-8")]
