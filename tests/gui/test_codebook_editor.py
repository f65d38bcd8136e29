"""The codebook editor: each edit reaches the database, shows in the tree, and undoes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QColorDialog
from pytestqt.qtbot import QtBot

from annotator.gui.codebook_editor import KEY_ROLE, CodebookEditor
from annotator.gui.workspace import Workspace
from annotator.services.project import Project

pytestmark = pytest.mark.gui


@pytest.fixture
def workspace(project_path: Path) -> Iterator[Workspace]:
    project = Project.open(project_path, seed_samples=False)
    coder = project.add_coder("Olena")
    yield Workspace(project, coder.id)
    project.close()


@pytest.fixture
def editor(qtbot: QtBot, workspace: Workspace) -> CodebookEditor:
    dialog = CodebookEditor(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def answering(*answers: str):  # type: ignore[no-untyped-def]
    queue = list(answers)
    return lambda _parent, _title, _label, _text, answer: answer(queue.pop(0))


def stored(path: Path) -> dict[str, dict[str, object]]:
    """Every category as a fresh connection sees it."""
    with Project.open(path, create=False) as fresh:
        return {c.key: c.to_json() for c in fresh.categories(include_retired=True)}


def shown(editor: CodebookEditor) -> dict[str, tuple[str, str | None, str]]:
    """key -> (text, parent key, shortcut column) of every row in the tree."""
    out = {}
    for item in editor._items():
        parent = item.parent()
        out[item.data(0, KEY_ROLE)] = (
            item.text(0),
            parent.data(0, KEY_ROLE) if parent is not None else None,
            item.text(1),
        )
    return out


def test_tree_shows_the_codebook_with_keys_and_rules(editor: CodebookEditor) -> None:
    rows = shown(editor)
    assert list(rows) == ["security_guarantee", "territorial", "economic", "military_cap"]
    assert rows["territorial"] == ("Territorial", None, "2")
    item = editor.item("economic")
    assert item is not None and not item.icon(0).isNull()
    assert "Economic" in item.toolTip(0)


def test_add_rename_and_their_undo(
    qtbot: QtBot, editor: CodebookEditor, workspace: Workspace, project_path: Path
) -> None:
    editor.ask_text = answering("NATO / alliances", "Alliances")
    qtbot.keyClick(editor.tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert stored(project_path)["nato_alliances"]["name"] == "NATO / alliances"
    assert stored(project_path)["nato_alliances"]["shortcut"] == "5"  # first free key
    assert editor.current_key() == "nato_alliances"
    assert shown(editor)["nato_alliances"] == ("NATO / alliances", None, "5")
    assert workspace.category("nato_alliances") is not None  # the palette sees it too

    qtbot.keyClick(editor.tree, Qt.Key.Key_F2)
    assert stored(project_path)["nato_alliances"]["name"] == "Alliances"
    assert shown(editor)["nato_alliances"][0] == "Alliances"

    workspace.undo_stack.undo()
    assert shown(editor)["nato_alliances"][0] == "NATO / alliances"
    workspace.undo_stack.undo()
    assert "nato_alliances" not in stored(project_path)
    assert "nato_alliances" not in shown(editor)
    assert workspace.category("nato_alliances") is None


def pick_colour(qtbot: QtBot, editor: CodebookEditor, colour: str | None) -> None:
    """Colour… (Ctrl+K): the picker opens window-modal over the editor, which returns at once;
    Enter takes ``colour``, Escape (``None``) cancels."""
    qtbot.keyClick(editor.tree, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    picker = QApplication.activeModalWidget()
    assert isinstance(picker, QColorDialog) and picker.objectName() == "categoryColour"
    assert picker.windowModality() == Qt.WindowModality.WindowModal
    assert picker.windowTitle() == "Colour of Economic"
    if colour is None:
        qtbot.keyClick(picker, Qt.Key.Key_Escape)
    else:
        picker.setCurrentColor(QColor(colour))
        qtbot.keyClick(picker, Qt.Key.Key_Return)
    assert QApplication.activeModalWidget() is None


def test_recolour_and_undo(
    qtbot: QtBot, editor: CodebookEditor, workspace: Workspace, project_path: Path
) -> None:
    editor.select("economic")
    icon_before = editor.item("economic").icon(0).pixmap(14).toImage()  # type: ignore[union-attr]
    pick_colour(qtbot, editor, "#AA1133")
    assert stored(project_path)["economic"]["color"] == "#aa1133"
    image = editor.item("economic").icon(0).pixmap(14).toImage()  # type: ignore[union-attr]
    assert image != icon_before
    assert image.pixelColor(7, 7).name() == "#aa1133"
    workspace.undo_stack.undo()
    assert stored(project_path)["economic"]["color"] == "#3d8b47"


def test_cancelled_colour_changes_nothing(
    qtbot: QtBot, editor: CodebookEditor, workspace: Workspace
) -> None:
    editor.select("economic")
    pick_colour(qtbot, editor, None)
    assert workspace.undo_stack.count() == 0


def test_nest_offers_no_cycle_and_undo(
    editor: CodebookEditor, workspace: Workspace, project_path: Path
) -> None:
    editor.select("military_cap")
    combo = editor.parent_combo
    combo.activated.emit(combo.findData("security_guarantee"))
    assert stored(project_path)["military_cap"]["parent"] == "security_guarantee"
    assert shown(editor)["military_cap"][1] == "security_guarantee"
    # A parent cannot move under its own child.
    editor.select("security_guarantee")
    assert combo.findData("military_cap") == -1
    assert combo.findData("territorial") > 0
    workspace.undo_stack.undo()
    assert stored(project_path)["military_cap"]["parent"] is None
    assert shown(editor)["military_cap"][1] is None


def test_shortcut_takes_the_key_from_its_holder(
    editor: CodebookEditor, workspace: Workspace, project_path: Path
) -> None:
    editor.select("military_cap")
    editor.shortcut_combo.activated.emit(editor.shortcut_combo.findData("1"))
    cats = stored(project_path)
    assert (cats["military_cap"]["shortcut"], cats["security_guarantee"]["shortcut"]) == ("1", None)
    assert shown(editor)["military_cap"][2] == "1"
    workspace.undo_stack.undo()
    assert stored(project_path)["security_guarantee"]["shortcut"] == "1"


def test_description_saves_on_enter(
    qtbot: QtBot, editor: CodebookEditor, workspace: Workspace, project_path: Path
) -> None:
    editor.select("territorial")
    editor.description.setFocus()
    editor.description.setPlainText("")
    qtbot.keyClicks(editor.description, "Borders, annexation")
    qtbot.keyClick(editor.description, Qt.Key.Key_Return)
    assert stored(project_path)["territorial"]["description"] == "Borders, annexation"
    assert "Borders, annexation" in editor.item("territorial").toolTip(0)  # type: ignore[union-attr]
    assert workspace.undo_stack.count() == 1


def test_move_down_and_undo(qtbot: QtBot, editor: CodebookEditor, workspace: Workspace) -> None:
    editor.select("security_guarantee")
    qtbot.keyClick(editor.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert list(shown(editor))[:2] == ["territorial", "security_guarantee"]
    assert editor.current_key() == "security_guarantee"
    qtbot.keyClick(
        editor.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
    )  # its own undo key
    assert list(shown(editor))[:2] == ["security_guarantee", "territorial"]
    qtbot.keyClick(editor.tree, Qt.Key.Key_Return)
    assert editor.isVisible()


def test_retire_hides_greys_and_restores(
    editor: CodebookEditor, workspace: Workspace, project_path: Path
) -> None:
    editor.select("economic")
    editor.buttons["retire"].click()
    assert stored(project_path)["economic"]["retired"] is True
    assert "economic" not in shown(editor)
    assert editor.current_key() == "military_cap"  # the cursor stays near
    editor.show_retired.setChecked(True)
    item = editor.item("economic")
    assert item is not None and item.text(0) == "Economic (retired)"
    assert item.font(0).italic()
    editor.select("economic")
    assert editor.buttons["retire"].text() == "Res&tore"
    workspace.undo_stack.undo()
    assert stored(project_path)["economic"]["retired"] is False
    assert editor.item("economic").text(0) == "Economic"  # type: ignore[union-attr]


def test_error_is_shown_not_raised(editor: CodebookEditor, workspace: Workspace) -> None:
    editor.ask_text = answering("   ")
    editor.add()
    editor.select("economic")
    editor._change("economic", color="not a colour")
    assert "not a colour" in editor.status.text()
    assert workspace.undo_stack.count() == 0


@pytest.mark.parametrize("suffix", [".json", ".qdc"])
def test_export_import_round_trip(
    qtbot: QtBot, tmp_path: Path, workspace: Workspace, suffix: str
) -> None:
    editor = CodebookEditor(workspace)
    qtbot.addWidget(editor)
    editor.ask_text = answering("Sanctions")
    editor.add()
    editor.select("sanctions")
    editor.parent_combo.activated.emit(editor.parent_combo.findData("economic"))
    out = tmp_path / f"book{suffix}"
    editor.ask_save_path = lambda _p, _t: str(out)
    editor.buttons["export"].click()
    assert "Wrote 5 categories" in editor.status.text()
    if suffix == ".json":
        keys = [c["key"] for c in json.loads(out.read_text(encoding="utf-8"))["categories"]]
        assert "sanctions" in keys

    other_path = tmp_path / "other.sqlite"
    with Project.open(other_path, seed_samples=False) as other:
        ws2 = Workspace(other, other.add_coder("Ivan").id)
        editor2 = CodebookEditor(ws2)
        qtbot.addWidget(editor2)
        assert "sanctions" not in shown(editor2)
        editor2.ask_open_path = lambda _p, _t: str(out)
        editor2.buttons["import"].click()
        assert shown(editor2)["sanctions"][:2] == ("Sanctions", "economic")
        names = {c.key: (c.name, c.parent) for c in other.categories()}
        assert names["sanctions"] == ("Sanctions", "economic")
        ws2.undo_stack.undo()
        assert "sanctions" not in {c.key for c in other.categories(include_retired=True)}
        assert "sanctions" not in shown(editor2)
