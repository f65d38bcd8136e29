"""Spans by keyboard, in at most 10 keys for a phrase; the clause pane's markdown and reflow keep
every offset exact (selection → code points)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.text import OffsetMap
from annotator.gui.detail_panel import DetailPanel
from annotator.gui.main_window import MainWindow
from annotator.gui.markdown import markup, reflow
from annotator.services.project import Project
from annotator.services.types import ClauseCoding, ClauseInfo
from tests.gui.conftest import name_giver, settle
from tests.gui.test_main_window import KEY1, make_window, row_of_label

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, plan_files: tuple[Path, Path]) -> MainWindow:
    w = make_window(qtbot, name_giver())
    assert w.open_project(project_path, [str(p) for p in plan_files])
    settle(w)
    w.open_document(KEY1)
    w.clause_view.go_to_row(row_of_label(w, "1"))
    w.clause_view.setFocus()
    return w


def test_a_phrase_is_tagged_in_eight_keys(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    keys: list[tuple[Qt.Key, Qt.KeyboardModifier]] = [
        (Qt.Key.Key_S, Qt.KeyboardModifier.NoModifier),  # into the clause text
        (Qt.Key.Key_Right, CTRL),  # past "1"
        (Qt.Key.Key_Right, CTRL),  # past ". "
        (Qt.Key.Key_Right, CTRL),  # past "The "
        (Qt.Key.Key_Right, CTRL | SHIFT),  # select "parties "
        (Qt.Key.Key_Right, CTRL | SHIFT),  # and "agree "
        (Qt.Key.Key_2, Qt.KeyboardModifier.NoModifier),  # tag the span (key 2)
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),  # back to the list
    ]
    assert len(keys) <= 10
    for key, modifiers in keys:
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, key, modifiers)
        if key == Qt.Key.Key_S:
            assert window.detail.editor.hasFocus()  # the frame shows: :focus style
    assert window.clause_view.hasFocus()
    assert window.workspace is not None
    cat = window.workspace.category_for_shortcut("2")
    assert cat is not None
    with Project.open(project_path) as fresh:
        clause = next(c for c in fresh.clauses(KEY1) if c.label == "1")
        coding = fresh.clause_coding(clause.id, window.workspace.coder_id)
        text = fresh.document(KEY1).text
    assert not coding.tags  # a span, not the whole clause
    [span] = coding.spans
    assert span.category == cat.key
    assert text[span.start : span.end] == "parties agree"  # the words, not the space after


def test_a_selection_of_spaces_only_tags_nothing(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    editor = window.detail.editor
    at = editor.toPlainText().index(" ")
    cursor = editor.textCursor()
    cursor.setPosition(at)
    cursor.setPosition(at + 1, QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_2)
    assert window.workspace is not None
    with Project.open(project_path) as fresh:
        clause = next(c for c in fresh.clauses(KEY1) if c.label == "1")
        coding = fresh.clause_coding(clause.id, window.workspace.coder_id)
    assert not coding.tags and not coding.spans  # neither a span nor the whole clause
    assert "only spaces" in window.statusBar().currentMessage()


def test_the_focus_frame_is_visible(qtbot: QtBot, window: MainWindow) -> None:
    editor = window.detail.editor
    assert "clauseText:focus" in editor.styleSheet()
    window.actions_["span"].trigger()
    assert editor.hasFocus() and editor.textCursor().position() == 0


CLAUSE = (
    "## Security **guarantees** 🕊\n\n"
    "1. The *guarantor* states assure the Party\n"
    "   of collective defence 🛡 and of **mutual\n"
    "   aid**.\n"
    "   a) a sub-point stays on its own line\n"
)


def test_markdown_rendered_without_moving_a_character(qtbot: QtBot) -> None:
    panel = DetailPanel()
    qtbot.addWidget(panel)
    clause = ClauseInfo(7, "3", 100, 100 + len(CLAUSE), "point")
    panel.show_clause(clause, CLAUSE, ClauseCoding(), [])
    shown = panel.editor.toPlainText()
    # Reflowed: the in-paragraph breaks are spaces; the sub-point keeps its own line.
    assert "Party    of collective" in shown and "\n   a) a sub-point" in shown
    assert len(shown) == len(CLAUSE)  # the same code points, one for one
    styles = {(CLAUSE[m.start : m.end], m.style) for m in markup(CLAUSE)}
    assert ("guarantees", "bold") in styles and ("guarantor", "italic") in styles
    assert ("Security **guarantees** 🕊", "heading") in styles and ("**", "marker") in styles
    # The document's formats: "guarantees" is bold, its markers shrunk out of sight.
    block = panel.editor.document().firstBlock()
    bold_at = shown.index("guarantees")
    ranges = block.layout().formats()  # kept alive while their formats are read
    assert any(
        r.start <= bold_at < r.start + r.length and r.format.fontWeight() >= 700 for r in ranges
    )
    marker = shown.index("**")
    assert any(
        r.start <= marker < r.start + r.length and r.format.fontPointSize() <= 1.0 for r in ranges
    )
    # Select "collective defence 🛡" (past an emoji) and read the span back in code points.
    start = CLAUSE.index("collective")
    end = CLAUSE.index("🛡") + 1
    offsets = OffsetMap(CLAUSE)
    cursor = panel.editor.textCursor()
    cursor.setPosition(offsets.to_utf16(start))
    cursor.setPosition(offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
    panel.editor.setTextCursor(cursor)
    assert panel.selected_span() == (100 + start, 100 + end)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab *_#\n\t-1.)🕊")), max_size=80))
def test_reflow_keeps_every_offset(text: str) -> None:
    shown = reflow(text)
    assert len(shown) == len(text)
    assert all(a == b or (a == "\n" and b == " ") for a, b in zip(text, shown, strict=True))
    for mark in markup(text):
        assert 0 <= mark.start <= mark.end <= len(text)


def test_n_wraps_to_the_first_uncoded_clause_and_says_so(qtbot: QtBot, window: MainWindow) -> None:
    last = window.clauses.rowCount() - 1
    window.clause_view.go_to_row(last)
    qtbot.keyClick(window.clause_view, Qt.Key.Key_1)  # the last clause is coded
    qtbot.keyClick(window.clause_view, Qt.Key.Key_N)
    assert window.clause_view.current_row() == 0  # the first uncoded, from the top
    assert "Wrapped to the first uncoded clause" in window.statusBar().currentMessage()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_N)
    assert window.clause_view.current_row() == 1  # no wrap, no message about one
    assert "Wrapped" not in window.statusBar().currentMessage()


def test_find_reopens_with_its_query_and_f3_works(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.clause_view, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.search_bar.edit, "the")
    qtbot.keyClick(window.search_bar.edit, Qt.Key.Key_Escape)
    assert not window.search_bar.isVisible()
    qtbot.keyClick(window.clause_view, Qt.Key.Key_F, CTRL)
    assert window.search_bar.edit.text() == "the"
    assert "invalid" not in window.search_bar.count.text() and window.navigator.hits
    start = window.clause_view.current_row()
    qtbot.keyClick(window.search_bar.edit, Qt.Key.Key_F3)
    assert window.clause_view.current_row() != start
    assert window.clause_view.current_row() in window.navigator.hits
