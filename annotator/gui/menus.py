"""Menus, actions and keyboard shortcuts of the main window."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QUndoStack

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow

# Actions that need an open project, and those that also need to write to it.
READ_ACTIONS = (
    "next_uncoded",
    "prev_uncoded",
    "down",
    "up",
    "find",
    "find_next",
    "find_prev",
    "goto",
    "export",
    "export_annotations",
    "backup",
    "switch_coder",
    "reviewer",
    "agreement",
    "disagreements",
    "compare",
    "side_by_side",
    "offline",
)
WRITE_ACTIONS = (
    "import",
    "merge",
    "properties",
    "codebook",
    "flag",
    "memo",
    "split",
    "merge_next",
    "move_boundary",
    "resegment",
    "blind",
    "sync",
)


def _action(window: MainWindow, text: str, shortcuts: list[str], slot: object) -> QAction:
    action = QAction(text, window)
    action.setShortcuts([QKeySequence(s) for s in shortcuts])
    action.triggered.connect(slot)
    window.addAction(action)  # shortcuts work wherever the focus is in the window
    return action


def build(window: MainWindow) -> dict[str, QAction]:
    """Create the menus and shortcuts; returns the actions by name."""
    bar = window.menuBar()
    acts: dict[str, QAction] = {}

    from annotator.gui import file_actions as fa

    file_menu = bar.addMenu("&File")
    acts["new_project"] = _action(
        window, "&New project…", [], lambda: fa.new_project_dialog(window)
    )
    acts["open_project"] = _action(
        window, "Open &project…", ["Ctrl+Shift+O"], lambda: fa.open_project_dialog(window)
    )
    file_menu.addAction(acts["new_project"])
    file_menu.addAction(acts["open_project"])
    recent = file_menu.addMenu("Open Recen&t")
    recent.setObjectName("recentMenu")
    window.recent_menu = recent  # type: ignore[attr-defined]
    # Rebuilt when shown, so a file deleted meanwhile shows up disabled.
    recent.aboutToShow.connect(lambda: refresh_recent_menu(window))
    refresh_recent_menu(window)
    file_menu.addSeparator()
    acts["import"] = _action(window, "&Import plan…", ["Ctrl+O"], window.import_dialog)
    acts["merge"] = _action(
        window, "&Merge annotation files…", ["Ctrl+Shift+M"], lambda: fa.merge_dialog(window)
    )
    acts["export_annotations"] = _action(
        window, "Export &annotations…", ["Ctrl+Shift+E"], lambda: fa.export_annotations(window)
    )
    acts["export"] = _action(window, "&Export…", ["Ctrl+E"], window.open_export)
    acts["properties"] = _action(
        window, "Plan p&roperties…", ["Alt+Return"], window.open_properties
    )
    acts["switch_coder"] = _action(window, "S&witch coder…", [], lambda: window.switch_coder())
    acts["connect"] = _action(window, "Connect to team &server…", [], window.connect_team_server)
    acts["offline"] = _action(window, "Take &offline copy…", [], window.take_offline_copy)
    acts["sync"] = _action(window, "S&ync offline copy…", [], window.sync_offline_copy)
    acts["backup"] = _action(window, "&Back up project…", [], lambda: fa.backup_project(window))
    acts["quit"] = _action(window, "&Quit", ["Ctrl+Q"], window.close)
    for name in ("import", "merge", None, "export_annotations", "export", None, "properties"):
        file_menu.addAction(acts[name]) if name else file_menu.addSeparator()
    for name in (None, "switch_coder", "backup", None, "connect", "offline", "sync", None, "quit"):
        file_menu.addAction(acts[name]) if name else file_menu.addSeparator()

    edit_menu = bar.addMenu("&Edit")
    edit_menu.setObjectName("editMenu")
    window.edit_menu = edit_menu  # type: ignore[attr-defined]
    acts["find"] = _action(window, "&Find…", ["Ctrl+F"], window.open_search)
    acts["find_next"] = _action(window, "Find &next", ["F3"], lambda: window.step_hit(1))
    acts["find_prev"] = _action(window, "Find pre&vious", ["Shift+F3"], lambda: window.step_hit(-1))
    window.edit_extra = [acts["find"], acts["find_next"], acts["find_prev"]]  # type: ignore[attr-defined]
    edit_menu.addActions(window.edit_extra)  # type: ignore[attr-defined]

    nav = bar.addMenu("&Navigate")
    acts["down"] = _action(window, "Next clause", ["J"], lambda: window.step_clause(1))
    acts["up"] = _action(window, "Previous clause", ["K"], lambda: window.step_clause(-1))
    acts["next_uncoded"] = _action(
        window, "Next &uncoded clause", ["N"], lambda: window.next_uncoded(1)
    )
    acts["prev_uncoded"] = _action(
        window, "&Previous uncoded clause", ["Shift+N"], lambda: window.next_uncoded(-1)
    )
    acts["goto"] = _action(window, "&Go to clause…", ["Ctrl+G"], lambda: window.jump_to_label())
    for name in ("down", "up", "next_uncoded", "prev_uncoded", "goto"):
        nav.addAction(acts[name])

    code = bar.addMenu("C&ode")
    acts["codebook"] = _action(window, "&Codebook…", ["Ctrl+Shift+K"], window.open_codebook_editor)
    acts["flag"] = _action(window, "&Flag as uncertain", ["F"], window.toggle_flag)
    acts["memo"] = _action(window, "Edit &memo", ["Ctrl+M"], window.detail.memo_edit.setFocus)
    acts["split"] = _action(
        window, "&Split clause at cursor", ["Ctrl+Shift+S"], window.split_clause
    )
    acts["merge_next"] = _action(
        window, "&Join with next clause", ["Ctrl+Shift+J"], window.merge_next
    )
    acts["move_boundary"] = _action(
        window, "Move clause &end to cursor", ["Ctrl+Shift+B"], window.move_boundary
    )
    from annotator.gui.import_preview import resegment_current

    acts["resegment"] = _action(window, "&Re-segment plan…", [], lambda: resegment_current(window))
    for name in ("codebook", None, "flag", "memo", None, "split", "merge_next", "move_boundary"):
        code.addAction(acts[name]) if name else code.addSeparator()
    code.addAction(acts["resegment"])
    code.addSeparator()
    for digit in "123456789":
        acts[f"key{digit}"] = _action(
            window,
            f"Category on key {digit}",
            [digit],
            lambda _=False, d=digit: window.apply_shortcut(d),
        )
        code.addAction(acts[f"key{digit}"])
    code.addSeparator()
    acts["key0"] = _action(window, "&None applies", ["0"], lambda: window.apply_shortcut("0"))
    code.addAction(acts["key0"])

    review = bar.addMenu("&Review")
    acts["blind"] = _action(window, "&Blind mode", [], window.set_blind_mode)
    acts["blind"].setCheckable(True)
    acts["blind"].setToolTip("Each coder sees only their own work")
    acts["reviewer"] = _action(window, "&Reviewer mode", ["Ctrl+Shift+R"], window.set_reviewer_mode)
    acts["reviewer"].setCheckable(True)
    acts["agreement"] = _action(window, "&Agreement…", ["Ctrl+Shift+A"], window.open_agreement)
    acts["disagreements"] = _action(
        window, "&Disagreements…", ["Ctrl+Shift+D"], window.open_disagreements
    )
    for name in ("blind", "reviewer", None, "agreement", "disagreements"):
        review.addAction(acts[name]) if name else review.addSeparator()

    analyse = bar.addMenu("&Analyse")
    acts["compare"] = _action(window, "&Compare plans…", [], window.open_compare)
    acts["side_by_side"] = _action(window, "&Side by side…", [], window.open_side_by_side)
    analyse.addAction(acts["compare"])
    analyse.addAction(acts["side_by_side"])

    help_menu = bar.addMenu("&Help")
    acts["data_folder"] = _action(window, "Open &data folder", [], fa.open_data_folder)
    acts["about"] = _action(window, "&About Plan Annotator", [], window.about)
    help_menu.addAction(acts["data_folder"])
    help_menu.addAction(acts["about"])
    window.code_menu = code  # type: ignore[attr-defined]
    set_enabled(window, False, acts=acts)
    return acts


def refresh_recent_menu(window: MainWindow) -> None:
    """Fill File ▸ Open Recent from the settings: most recent first, missing files disabled."""
    from pathlib import Path

    from annotator.gui.settings import clear_recent_projects, recent_projects

    menu = window.recent_menu  # type: ignore[attr-defined]
    for old in menu.actions():
        # Not menu.clear(): this may run inside one of these actions' triggered signal.
        menu.removeAction(old)
        old.deleteLater()
    paths = recent_projects()
    for i, path in enumerate(paths, 1):
        name = Path(path).name.replace("&", "&&")
        action = menu.addAction(f"&{i} {name}" if i < 10 else name)
        action.setData(path)
        action.setToolTip(path)
        action.setStatusTip(path)
        if Path(path).is_file():
            action.triggered.connect(lambda _=False, p=path: window.switch_project(p, create=False))
        else:
            action.setEnabled(False)
            action.setText(f"{action.text()} (missing)")
    if not paths:
        menu.addAction("No recent projects").setEnabled(False)
    menu.addSeparator()
    clear = menu.addAction("&Clear menu")
    clear.setEnabled(bool(paths))

    def clear_all() -> None:
        clear_recent_projects()
        refresh_recent_menu(window)

    clear.triggered.connect(clear_all)


def attach_undo(window: MainWindow, stack: QUndoStack) -> None:
    """Put the undo stack's Undo/Redo actions (named after the edit) in the Edit menu."""
    menu = window.edit_menu  # type: ignore[attr-defined]
    menu.clear()
    for name in ("undo", "redo"):
        old = window.actions_.pop(name, None)
        if old is not None:
            # menu.clear() may already have deleted it with the previous project's stack.
            with contextlib.suppress(RuntimeError):
                window.removeAction(old)
    undo = stack.createUndoAction(window, "Undo")
    undo.setShortcuts(QKeySequence.StandardKey.Undo)
    redo = stack.createRedoAction(window, "Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    for action in (undo, redo):
        window.addAction(action)
        menu.addAction(action)
    menu.addSeparator()
    menu.addActions(getattr(window, "edit_extra", []))
    window.actions_["undo"] = undo
    window.actions_["redo"] = redo


def set_enabled(
    window: MainWindow, is_open: bool, writable: bool = True, acts: dict[str, QAction] | None = None
) -> None:
    """Enable navigation once a project is open, and coding only when it can be written."""
    acts = acts if acts is not None else window.actions_
    for name, action in acts.items():
        if name in READ_ACTIONS:
            action.setEnabled(is_open)
        elif name in WRITE_ACTIONS or name.startswith("key"):
            action.setEnabled(is_open and writable)
    if is_open:
        refresh_code_menu(window)


def refresh_code_menu(window: MainWindow) -> None:
    """Name the digit actions after the codebook; hide digits no category uses."""
    ws = window.workspace
    for digit in "123456789":
        action = window.actions_[f"key{digit}"]
        cat = ws.category_for_shortcut(digit) if ws else None
        action.setText(f"{cat.name}" if cat else f"Category on key {digit}")
        action.setVisible(cat is not None)
