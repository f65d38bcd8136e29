"""Menus, actions and keyboard shortcuts of the main window."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from annotator.gui.main_window import MainWindow
    from annotator.services.permissions import Capabilities

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
    "span",
    "export",
    "export_annotations",
    "backup",
    "switch_coder",
    "undo_history",
    "reviewer",
    "agreement",
    "disagreements",
    "compare",
    "side_by_side",
    "offline",
)
WRITE_ACTIONS = (
    "import",
    "remove_plan",
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


def _resegment(window: MainWindow) -> None:
    from annotator.gui.import_preview import resegment_current  # with the segmenter, on demand

    resegment_current(window)


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
    acts["import"] = _action(window, "&Import plan…", ["Ctrl+O"], lambda: fa.import_dialog(window))
    acts["merge"] = _action(
        window, "&Merge annotation files…", ["Ctrl+Shift+M"], lambda: fa.merge_dialog(window)
    )
    acts["export_annotations"] = _action(
        window, "Export &annotations…", ["Ctrl+Shift+E"], lambda: fa.export_annotations(window)
    )
    acts["export"] = _action(window, "&Export…", ["Ctrl+E"], window.tools.open_export)
    acts["properties"] = _action(
        window, "Plan p&roperties…", ["Alt+Return"], window.tools.open_properties
    )
    acts["remove_plan"] = _action(
        window, "Remo&ve plan…", [], lambda: fa.remove_current_plan(window)
    )
    acts["switch_coder"] = _action(
        window, "S&witch coder…", [], lambda: window.projects.switch_coder()
    )
    acts["connect"] = _action(
        window, "Connect to team &server…", [], window.projects.connect_team_server
    )
    acts["offline"] = _action(window, "Take &offline copy…", [], window.projects.take_offline_copy)
    acts["sync"] = _action(window, "S&ync offline copy…", [], window.projects.sync_offline_copy)
    acts["backup"] = _action(window, "&Back up project…", [], lambda: fa.backup_project(window))
    acts["quit"] = _action(window, "&Quit", ["Ctrl+Q"], window.close)
    for name in (
        "import",
        "merge",
        None,
        "export_annotations",
        "export",
        None,
        "properties",
        "remove_plan",
    ):
        file_menu.addAction(acts[name]) if name else file_menu.addSeparator()
    for name in (None, "switch_coder", "backup", None, "connect", "offline", "sync", None, "quit"):
        file_menu.addAction(acts[name]) if name else file_menu.addSeparator()

    edit_menu = bar.addMenu("&Edit")
    edit_menu.setObjectName("editMenu")
    window.edit_menu = edit_menu  # type: ignore[attr-defined]
    acts["find"] = _action(window, "&Find…", ["Ctrl+F"], window.navigator.open_search)
    acts["find_next"] = _action(window, "Find &next", ["F3"], lambda: window.navigator.step_hit(1))
    acts["find_prev"] = _action(
        window, "Find pre&vious", ["Shift+F3"], lambda: window.navigator.step_hit(-1)
    )
    window.edit_extra = [acts["find"], acts["find_next"], acts["find_prev"]]  # type: ignore[attr-defined]
    edit_menu.addActions(window.edit_extra)  # type: ignore[attr-defined]

    nav = bar.addMenu("&Navigate")
    acts["down"] = _action(window, "Next clause", ["J"], lambda: window.navigator.step_clause(1))
    acts["up"] = _action(window, "Previous clause", ["K"], lambda: window.navigator.step_clause(-1))
    acts["next_uncoded"] = _action(
        window, "Next &uncoded clause", ["N"], lambda: window.navigator.next_uncoded(1)
    )
    acts["prev_uncoded"] = _action(
        window, "&Previous uncoded clause", ["Shift+N"], lambda: window.navigator.next_uncoded(-1)
    )
    acts["goto"] = _action(
        window, "&Go to clause…", ["Ctrl+G"], lambda: window.navigator.jump_to_label()
    )
    for name in ("down", "up", "next_uncoded", "prev_uncoded", "goto"):
        nav.addAction(acts[name])

    code = bar.addMenu("C&ode")
    acts["codebook"] = _action(
        window, "&Codebook…", ["Ctrl+Shift+K"], window.tools.open_codebook_editor
    )
    acts["flag"] = _action(window, "&Flag as uncertain", ["F"], window.commands.toggle_flag)
    acts["memo"] = _action(window, "Edit &memo", ["Ctrl+M"], window.detail.memo_edit.setFocus)
    # Spans by keyboard: S into the clause text, select words, a category key, Esc back.
    acts["span"] = _action(window, "Select a span by &keyboard", ["S"], window.detail.focus_text)
    window.detail.escaped.connect(window.clause_view.setFocus)
    acts["split"] = _action(
        window, "&Split clause at cursor", ["Ctrl+Shift+S"], window.commands.split_clause
    )
    acts["merge_next"] = _action(
        window, "&Join with next clause", ["Ctrl+Shift+J"], window.commands.merge_next
    )
    acts["move_boundary"] = _action(
        window, "Move clause &end to cursor", ["Ctrl+Shift+B"], window.commands.move_boundary
    )
    acts["resegment"] = _action(window, "&Re-segment plan…", [], lambda: _resegment(window))
    for name in (
        "codebook",
        None,
        "flag",
        "memo",
        "span",
        None,
        "split",
        "merge_next",
        "move_boundary",
        "resegment",
    ):
        code.addAction(acts[name]) if name else code.addSeparator()
    # Asked only when the menu opens (a shortcut on a colleague's clause gets the refusal message):
    # checking on every move between clauses would cost a server round trip per key press.
    code.aboutToShow.connect(lambda: refresh_clause_actions(window))
    code.aboutToHide.connect(lambda: restore_clause_actions(window))
    code.addSeparator()
    for digit in "123456789":
        acts[f"key{digit}"] = _action(
            window,
            f"Category on key {digit}",
            [digit],
            lambda _=False, d=digit: window.commands.apply_shortcut(d),
        )
        code.addAction(acts[f"key{digit}"])
    code.addSeparator()
    acts["key0"] = _action(
        window, "&None applies", ["0"], lambda: window.commands.apply_shortcut("0")
    )
    code.addAction(acts["key0"])

    review = bar.addMenu("&Review")
    acts["blind"] = _action(window, "&Blind mode", [], window.projects.set_blind_mode)
    acts["blind"].setCheckable(True)
    acts["blind"].setToolTip("Each coder sees only their own work")
    acts["reviewer"] = _action(
        window, "&Reviewer mode", ["Ctrl+Shift+R"], window.navigator.set_reviewer_mode
    )
    acts["reviewer"].setCheckable(True)
    acts["agreement"] = _action(
        window, "&Agreement…", ["Ctrl+Shift+A"], window.tools.open_agreement
    )
    acts["disagreements"] = _action(
        window, "&Disagreements…", ["Ctrl+Shift+D"], window.tools.open_disagreements
    )
    for name in ("blind", "reviewer", None, "agreement", "disagreements"):
        review.addAction(acts[name]) if name else review.addSeparator()

    analyse = bar.addMenu("&Analyse")
    acts["compare"] = _action(window, "&Compare plans…", [], window.tools.open_compare)
    acts["side_by_side"] = _action(window, "&Side by side…", [], window.tools.open_side_by_side)
    analyse.addAction(acts["compare"])
    analyse.addAction(acts["side_by_side"])

    # Issue 18 hook: the shortcut sheet, preferences and the undo history (gui/help_actions.py).
    from annotator.gui import help_actions

    help_actions.add_to_menus(window, acts, edit_menu)
    help_menu = bar.addMenu("&Help")
    acts["data_folder"] = _action(window, "Open &data folder", [], fa.open_data_folder)
    acts["about"] = _action(window, "&About Plan Annotator", [], window.about)
    help_menu.addAction(acts["shortcuts"])
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
            action.triggered.connect(
                lambda _=False, p=path: window.projects.switch_project(p, create=False)
            )
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
    if is_open and writable and window.workspace is not None:
        from annotator.services.permissions import permissions

        apply_capabilities(acts, permissions(window.workspace.project))
    if is_open and window.workspace is not None:
        project = window.workspace.project
        memo = acts["memo"]
        pid = getattr(project.locked_by, "pid", None)
        why = (
            "the project is open in another Plan Annotator window"
            + (f" (pid {pid})" if pid else "")
            if project.locked_by is not None
            else project.read_only_reason or "the project is read-only"
        )
        window.detail.set_memo_read_only(
            None if memo.isEnabled() else (why if project.read_only else memo.toolTip())
        )


def apply_capabilities(acts: dict[str, QAction], caps: Capabilities) -> None:
    """Disable the actions the login's role may not perform; the tooltip says why."""
    for name, action in acts.items():
        need = caps.for_action(name)
        kept = action.property("allowedToolTip")
        if need.allowed:
            if kept is not None:  # allowed again (another project): the usual tooltip back
                action.setToolTip(kept)
                action.setStatusTip("")
            continue
        if kept is None:
            action.setProperty("allowedToolTip", action.toolTip())
        action.setEnabled(False)
        action.setToolTip(need.why)
        action.setStatusTip(need.why)
        for widget in action.associatedObjects():
            if isinstance(widget, QMenu):
                widget.setToolTipsVisible(True)  # menus hide tooltips by default


CLAUSE_EDITS = ("split", "merge_next", "move_boundary")


def refresh_clause_actions(window: MainWindow) -> None:
    """Disable the clause edits the coder may not make on the current clause, saying why."""
    ws, clause_id = window.workspace, window.navigator.current_clause_id()
    acts = window.actions_
    if ws is None or clause_id is None or not acts["split"].isEnabled():
        return
    from annotator.core.errors import AnnotatorError
    from annotator.services.clauses import clause_edit_refusals

    try:
        refusals = clause_edit_refusals(ws.project, clause_id, ws.coder_id)
    except AnnotatorError:
        return  # the edit itself will say what is wrong
    for name in CLAUSE_EDITS:
        why = refusals.get(name)
        if why is not None and acts[name].isEnabled():
            acts[name].setEnabled(False)
            acts[name].setToolTip(why)
            acts[name].setProperty("clauseRefusal", True)
    window.code_menu.setToolTipsVisible(True)  # type: ignore[attr-defined]


def restore_clause_actions(window: MainWindow) -> None:
    """Undo :func:`refresh_clause_actions` when the menu closes: the next clause may differ."""
    for name in CLAUSE_EDITS:
        action = window.actions_[name]
        if action.property("clauseRefusal"):
            action.setProperty("clauseRefusal", False)
            action.setEnabled(True)
            action.setToolTip(action.text().replace("&", ""))


def refresh_code_menu(window: MainWindow) -> None:
    """Name the digit actions after the codebook; hide digits no category uses."""
    ws = window.workspace
    for digit in "123456789":
        action = window.actions_[f"key{digit}"]
        cat = ws.category_for_shortcut(digit) if ws else None
        action.setText(f"{cat.name}" if cat else f"Category on key {digit}")
        action.setVisible(cat is not None)
