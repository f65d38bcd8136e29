"""The list models as adapters: Qt's model tester, and direct data() calls."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.core.codebook import Category
from annotator.gui.codebook_panel import NONE_KEY, CodebookModel
from annotator.gui.models import ClauseListModel, DocumentListModel, Role
from annotator.services.types import ClauseCoding, ClauseInfo, DocumentSummary, SpanTag

pytestmark = pytest.mark.gui

TEXT = "Title\n\n1. Peace 🕊 now.\n2. Money for\n   the east.\n"
CATS = [
    Category("security_guarantee", "Security guarantee", color="#2f6fb0", shortcut="1"),
    Category("economic", "Economic", color="#3d8b47", shortcut="3", position=2),
]


def clause_model() -> ClauseListModel:
    clauses = [
        ClauseInfo(1, "H1", 0, 5, "heading"),
        ClauseInfo(2, "1", 7, 22, "point"),
        ClauseInfo(3, "2", 23, 49, "point"),
    ]
    coding = {
        2: ClauseCoding(frozenset({"economic", "security_guarantee"})),
        3: ClauseCoding(spans=(SpanTag("a", "economic", 26, 31),)),
        99: ClauseCoding(frozenset({"economic"})),  # another document's clause: ignored
    }
    model = ClauseListModel()
    model.set_categories(CATS)
    model.set_document("k", TEXT, clauses, coding)
    return model


def test_clause_model_passes_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(clause_model(), force_py=True)


def test_document_model_passes_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = DocumentListModel()
    model.set_documents(
        [DocumentSummary("a", "Draft", 31, 17), DocumentSummary("b", "Counter", 5, 0)]
    )
    qtmodeltester.check(model, force_py=True)


def test_codebook_model_passes_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = CodebookModel()
    model.set_categories(CATS)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 3
    assert model.index(2).data(Role.KEY) == NONE_KEY
    assert model.index(0).data() == "1    Security guarantee"


def test_clause_rows_show_text_chips_and_spans() -> None:
    model = clause_model()
    assert model.rowCount() == 3
    assert model.index(1).data(Role.TEXT) == "1. Peace 🕊 now."
    # Chips follow codebook order, not alphabetical or insertion order.
    assert [c.name for c in model.index(1).data(Role.CATEGORIES)] == [
        "Security guarantee",
        "Economic",
    ]
    assert [(s, e, c.key) for s, e, c in model.index(2).data(Role.SPANS)] == [(3, 8, "economic")]
    assert model.index(2).data(Role.TEXT)[3:8] == "Money"
    assert model.coded_count == 2
    assert model.index(0).data(Role.CODED) is False


def test_update_coding_keeps_count_and_signals_one_row() -> None:
    model = clause_model()
    seen: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: seen.append((a.row(), b.row())))
    model.update_coding(1, ClauseCoding(review="none"))
    model.update_coding(2, ClauseCoding())
    assert seen == [(0, 0), (1, 1)]
    assert model.coded_count == 2
    assert model.index(0).data(Role.REVIEW) == "none"
    assert model.next_uncoded(0) == 1
    assert model.next_uncoded(1) == 1  # wraps round to itself when it is the only one


def test_document_progress_updates_one_row() -> None:
    model = DocumentListModel()
    model.set_documents(
        [DocumentSummary("a", "Draft", 31, 17), DocumentSummary("b", "Counter", 5, 0)]
    )
    seen: list[int] = []
    model.dataChanged.connect(lambda a, *_: seen.append(a.row()))
    model.set_coded("b", 3)
    model.set_coded("b", 3)  # no change, no signal
    assert seen == [1]
    assert model.index(1).data(Role.CODED) == 3
    assert model.index(1).data() == "Counter  3/5"
    assert "3 of 5" in model.index(1).data(Qt.ItemDataRole.ToolTipRole)
