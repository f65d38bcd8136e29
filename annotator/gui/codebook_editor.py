"""The codebook editor: add, rename, recolour, describe, nest, reorder, key and retire categories.

Every change is one service call through the window's operation runner, so it lands on the undo
stack; the tree is rebuilt from the project whenever the runner announces a codebook change,
which makes undo and redo (here or in the main window) show up at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Kind, count
from annotator.core.codebook import SHORTCUTS, Category
from annotator.core.edits import Edit
from annotator.gui.codebook_asks import (
    AskPath,
    AskText,
    DescriptionEdit,
    ask_colour,
    ask_name,
    ask_open,
    ask_save,
)
from annotator.gui.codebook_panel import swatch
from annotator.gui.colors import category_color
from annotator.gui.dialog_writes import RED, show_failure, write_from_dialog
from annotator.gui.ops import Change
from annotator.gui.workspace import Workspace
from annotator.services import codebook as service

KEY_ROLE = Qt.ItemDataRole.UserRole
_FIELDS = {"color": "colour", "description": "coding rule", "parent": "place", "retired": "state"}


class CodebookEditor(QDialog):
    """Edit the project's codebook; every change is undoable with Ctrl+Z."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.ask_text: AskText = ask_name
        self.ask_open_path: AskPath = ask_open
        self.ask_save_path: AskPath = ask_save
        self._all: list[Category] = []
        self._filling = False  # widgets being set from the model: their signals are not edits
        self.setWindowTitle("Codebook")
        self.setObjectName("codebookEditor")
        self.resize(760, 480)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Category", "Key"])
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setUniformRowHeights(True)
        self.tree.currentItemChanged.connect(lambda *_: self._show_current())
        self.show_retired = QCheckBox("Show &retired categories")
        self.show_retired.toggled.connect(lambda _on: self.refresh(self._all))

        self.description = DescriptionEdit()
        self.description.setPlaceholderText("Coding rule: when does this category apply?")
        self.description.setTabChangesFocus(True)
        self.description.committed.connect(self._set_description)
        self.parent_combo = QComboBox()
        self.parent_combo.activated.connect(self._set_parent)
        self.shortcut_combo = QComboBox()
        self.shortcut_combo.addItem("none", None)
        for digit in SHORTCUTS:
            self.shortcut_combo.addItem(digit, digit)
        self.shortcut_combo.activated.connect(self._set_shortcut)

        self.buttons: dict[str, QPushButton] = {}
        left = QVBoxLayout()
        left.addWidget(self.tree, 1)
        left.addWidget(self.show_retired)
        row = QHBoxLayout()
        for name, text, keys, slot in (
            ("add", "&Add…", "Ctrl+N", self.add),
            ("rename", "Re&name…", "F2", self.rename),
            ("up", "Move &up", "Ctrl+Up", lambda: self.move_selected(-1)),
            ("down", "Move &down", "Ctrl+Down", lambda: self.move_selected(1)),
        ):
            row.addWidget(self._button(name, text, keys, slot))
        left.addLayout(row)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        form.addRow(self.heading)
        form.addRow("&Coding rule:", self.description)
        form.addRow("&Parent:", self.parent_combo)
        form.addRow("&Key:", self.shortcut_combo)
        colour = self._button("color", "C&olour…", "Ctrl+K", self.recolour)
        retire = self._button("retire", "Re&tire", "Ctrl+Delete", self.toggle_retired)
        pair = QHBoxLayout()
        pair.addWidget(colour)
        pair.addWidget(retire)
        pair.addStretch(1)
        form.addRow(pair)
        self.status = QLabel()
        self.status.setObjectName("codebookStatus")
        self.status.setWordWrap(True)

        right = QVBoxLayout()
        right.addLayout(form)
        right.addStretch(1)
        right.addWidget(self.status)

        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        footer = QHBoxLayout()
        footer.addWidget(self._button("import", "&Import…", "Ctrl+I", self.import_file))
        footer.addWidget(self._button("export", "&Export…", "Ctrl+E", self.export_file))
        footer.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        for button in close.buttons():  # Enter in the tree must not close the editor; Esc does
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        footer.addWidget(close)
        outer = QVBoxLayout(self)
        outer.addLayout(body, 1)
        outer.addLayout(footer)

        # A modal dialog does not see the main window's Undo action: give it its own keys.
        QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self, workspace.undo_stack.undo)
        QShortcut(QKeySequence("Ctrl+Shift+Z"), self, workspace.undo_stack.redo)
        workspace.ops.changed.connect(self._edited)
        self._empty = "Loading the codebook…"  # the heading while no category is current
        self.buttons["add"].setEnabled(False)  # until the codebook is read: keys are taken
        self._show_current()
        self.load()
        self.tree.setFocus()

    def _button(self, name: str, text: str, keys: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(f"{name}Button")
        button.setAutoDefault(False)  # Enter in the coding rule must not press a button
        button.clicked.connect(lambda _=False: slot())
        shortcut = QShortcut(QKeySequence(keys), self, slot)
        button.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shortcut.key().toString()})")
        self.buttons[name] = button
        return button

    # -- showing ---------------------------------------------------------------------------------

    def current_key(self) -> str | None:
        """The key of the selected category, if any."""
        item = self.tree.currentItem()
        return item.data(0, KEY_ROLE) if item is not None else None

    def select(self, key: str) -> None:
        """Make the category ``key`` current (if it is shown)."""
        item = self.item(key)
        if item is not None:
            self.tree.setCurrentItem(item)

    def item(self, key: str) -> QTreeWidgetItem | None:
        """The tree item of ``key``, if shown."""
        for item in self._items():
            if item.data(0, KEY_ROLE) == key:
                return item
        return None

    def _items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        stack = [self.tree.invisibleRootItem()]
        while stack:  # depth first, in display order
            item = stack.pop(0)
            children = (item.child(i) for i in range(item.childCount()))
            stack[0:0] = [c for c in children if c is not None]
            if item is not self.tree.invisibleRootItem():
                out.append(item)
        return out

    def _visible(self) -> list[Category]:
        return [c for c in self._all if self.show_retired.isChecked() or not c.retired]

    def load(self) -> None:
        """Read the codebook and show it: through :meth:`Workspace.read`, so at once locally and
        off the UI thread on a team server ("Loading the codebook…" until then); a failure is one
        line on the status line."""
        project = self.workspace.project
        self.workspace.read(
            lambda: project.categories(include_retired=True),
            self.refresh,
            title="Cannot open the codebook",
            on_failed=self._load_failed,
            owner=self,
        )

    def refresh(self, codebook: list[Category] | None = None) -> None:
        """Rebuild the tree from ``codebook`` (read again if None), keeping the selection."""
        if codebook is None:
            self.load()
            return
        self._empty = "No category selected"
        self.heading.setStyleSheet("")
        self.buttons["add"].setEnabled(True)
        keep = self.current_key()
        self._all = codebook
        shown = self._visible()
        shown_keys = {c.key for c in shown}
        self.tree.clear()
        items: dict[str, QTreeWidgetItem] = {}
        pending = list(shown)  # parents first: positions do not guarantee it
        while pending:
            rest = []
            for cat in pending:
                parent = cat.parent if cat.parent in shown_keys else None
                if parent is not None and parent not in items:
                    rest.append(cat)
                    continue
                item = QTreeWidgetItem([cat.name, cat.shortcut or ""])
                self._decorate(item, cat)
                items[cat.key] = item
                if parent is None:
                    self.tree.addTopLevelItem(item)
                else:
                    items[parent].addChild(item)
            if len(rest) == len(pending):  # a cycle cannot be stored, but never loop forever
                for cat in rest:
                    item = QTreeWidgetItem([cat.name, cat.shortcut or ""])
                    self._decorate(item, cat)
                    items[cat.key] = item
                    self.tree.addTopLevelItem(item)
                break
            pending = rest
        self.tree.expandAll()
        if keep is not None and keep in items:
            self.tree.setCurrentItem(items[keep])
        elif items:
            self.tree.setCurrentItem(next(iter(items.values())))
        self._show_current()

    def _decorate(self, item: QTreeWidgetItem, cat: Category) -> None:
        item.setData(0, KEY_ROLE, cat.key)
        item.setIcon(0, swatch(category_color(cat.color)))
        rule = cat.description.strip() or "No coding rule yet."
        tip = f"<b>{_escape(cat.name)}</b> ({cat.key})<br>{_escape(rule)}"
        for column in (0, 1):
            item.setToolTip(column, tip)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignCenter)
        if cat.retired:
            grey = self.palette().color(
                self.palette().ColorGroup.Disabled, self.palette().ColorRole.Text
            )
            font = item.font(0)
            font.setItalic(True)
            for column in (0, 1):
                item.setForeground(column, grey)
                item.setFont(column, font)
            item.setText(0, f"{cat.name} (retired)")

    def _category(self, key: str | None) -> Category | None:
        return next((c for c in self._all if c.key == key), None)

    def _show_current(self) -> None:
        cat = self._category(self.current_key())
        self._filling = True
        try:
            for name in ("rename", "up", "down", "color", "retire"):
                self.buttons[name].setEnabled(cat is not None)
            for widget in (self.description, self.parent_combo, self.shortcut_combo):
                widget.setEnabled(cat is not None)
            self.parent_combo.clear()
            if cat is None:
                self.heading.setText(self._empty)
                self.description.setPlainText("")
                return
            self.heading.setText(
                f"{cat.name}  ·  {cat.key}" + ("  ·  retired" if cat.retired else "")
            )
            if self.description.toPlainText() != cat.description:
                self.description.setPlainText(cat.description)
            self.parent_combo.addItem("(top level)", None)
            blocked = self._descendants(cat.key)
            for other in self._all:
                if other.key not in blocked:
                    self.parent_combo.addItem(
                        swatch(category_color(other.color)), other.name, other.key
                    )
            self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(cat.parent)))
            self.shortcut_combo.setCurrentIndex(max(0, self.shortcut_combo.findData(cat.shortcut)))
            self.buttons["retire"].setText("Res&tore" if cat.retired else "Re&tire")
        finally:
            self._filling = False

    def _descendants(self, key: str) -> set[str]:
        """``key`` and every category nested under it (they cannot become its parent)."""
        out = {key}
        grew = True
        while grew:
            grew = False
            for c in self._all:
                if c.parent in out and c.key not in out:
                    out.add(c.key)
                    grew = True
        return out

    def done(self, result: int) -> None:
        """Closing (Escape, Close) keeps a coding rule being typed."""
        self._set_description(self.description.toPlainText())
        super().done(result)

    def _edited(self, change: Change) -> None:
        if not change.touches(Kind.CODEBOOK):
            return
        codebook = change.read.codebook if change.read is not None else None
        self.workspace.reload_codebook(codebook)  # on a server: as the write read it back
        self.refresh(codebook)

    def _load_failed(self, why: str) -> None:
        self._empty = f"Cannot open the codebook: {why}"
        self.heading.setStyleSheet(f"color: {RED}")
        self.heading.setText(self._empty)

    def _failed(self, message: str) -> None:
        show_failure(self.workspace, self, self.status, message)

    # -- edits (on a team server in the background: see dialog_writes) -------------------------

    def _write(
        self, action: Callable[[], Edit], what: str, then: Callable[[Edit], None] | None = None
    ) -> None:
        write_from_dialog(self.workspace, self, self.status, action, what, then)

    def _change(self, key: str | None, **changes: object) -> None:
        if key is None:
            return
        cat = self._category(key)
        fields = " and ".join(_FIELDS.get(c, c) for c in changes)
        what = f"the {fields} of “{cat.name if cat else key}”"
        self._write(lambda: service.update_category(self.workspace.project, key, **changes), what)

    def add(self) -> None:
        """Ask for a name (window-modal: returns at once) and add a category nested under none;
        it is selected once written (on a team server, once saved)."""
        self.ask_text(self, "New category", "Name:", "", self._add_named)

    def _add_named(self, name: str) -> None:
        if not name.strip():
            return
        added: list[str] = []

        def action() -> Edit:
            edit, key = service.add_category(self.workspace.project, name)
            added.append(key)
            return edit

        self._write(action, f"the new category “{name.strip()}”", lambda _e: self.select(added[0]))

    def rename(self) -> None:
        """Ask for a new name of the selected category (window-modal: returns at once)."""
        cat = self._category(self.current_key())
        if cat is None:
            return

        def named(name: str) -> None:
            if name.strip() and name.strip() != cat.name:
                self._change(cat.key, name=name.strip())

        self.ask_text(self, "Rename category", f"New name for {cat.name}:", cat.name, named)

    def recolour(self) -> QColorDialog | None:
        """Pick a new colour for the selected category (window-modal: returns the picker at once;
        the colour is written once accepted)."""
        cat = self._category(self.current_key())
        if cat is None:
            return None
        return ask_colour(
            self,
            f"Colour of {cat.name}",
            category_color(cat.color),
            lambda colour: self._change(cat.key, color=colour),
        )

    def _set_description(self, text: str) -> None:
        cat = self._category(self.current_key())
        if self._filling or cat is None or text == cat.description:
            return
        self._change(cat.key, description=text)

    def _set_parent(self, index: int) -> None:
        if not self._filling:
            self._change(self.current_key(), parent=self.parent_combo.itemData(index))

    def _set_shortcut(self, index: int) -> None:
        if not self._filling:
            self._change(self.current_key(), shortcut=self.shortcut_combo.itemData(index))

    def move_selected(self, step: int) -> None:
        """Move the selected category above (-1) or below (+1) its neighbouring sibling."""
        cat = self._category(self.current_key())
        if cat is None:
            return
        siblings = [c.key for c in self._visible() if c.parent == cat.parent]
        at = siblings.index(cat.key)
        if not 0 <= at + step < len(siblings):
            return
        flat = [c.key for c in self._all]  # positions are over all categories, retired included
        delta = flat.index(siblings[at + step]) - flat.index(cat.key)
        self._write(
            lambda: service.move_category(self.workspace.project, cat.key, delta),
            f"the move of “{cat.name}”",
        )

    def toggle_retired(self) -> None:
        """Retire the selected category, or restore it if it is retired."""
        cat = self._category(self.current_key())
        if cat is not None:
            if not cat.retired and not self.show_retired.isChecked():
                self._select_neighbour(cat.key)
            self._change(cat.key, retired=not cat.retired)

    def _select_neighbour(self, key: str) -> None:
        """Keep the cursor near a category about to disappear from view."""
        items = self._items()
        keys = [i.data(0, KEY_ROLE) for i in items]
        at = keys.index(key)
        others = [i for i in items if not self._descendants(key) & {i.data(0, KEY_ROLE)}]
        below = [i for i in items[at + 1 :] if i in others]
        above = [i for i in items[:at] if i in others]
        target = below[0] if below else (above[-1] if above else None)
        if target is not None:
            self.tree.setCurrentItem(target)

    def import_file(self) -> None:
        """Merge a .json or .qdc codebook into the project's (one undoable edit)."""
        path = self.ask_open_path(self, "Import codebook")
        if not path:
            return

        def imported(edit: Edit) -> None:
            n = count(edit, Kind.CODEBOOK)
            self.status.setText(f"Imported {Path(path).name}: {n} categories added or changed.")

        self._write(
            lambda: service.import_codebook(self.workspace.project, path),
            f"the codebook from {Path(path).name}",
            imported,
        )

    def export_file(self) -> None:
        """Write the codebook as .json or .qdc (by the chosen file's suffix)."""
        path = self.ask_save_path(self, "Export codebook")
        if not path:
            return
        n = self.workspace.ops.call(
            lambda: service.export_codebook(self.workspace.project, path), on_failed=self._failed
        )
        if n is None:
            return
        self.status.setText(f"Wrote {n} categories to {Path(path).name}.")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def open_codebook_editor(workspace: Workspace, parent: QWidget | None = None) -> QDialog:
    """Show the codebook editor window-modal and return at once (no nested event loop: its
    saves on a team server finish in the application's loop)."""
    from annotator.gui.modal import open_modal

    dialog = CodebookEditor(workspace, parent)
    return open_modal(dialog, lambda _code: workspace.ops.changed.disconnect(dialog._edited))
