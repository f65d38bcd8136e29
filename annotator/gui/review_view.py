"""The disagreement browser: clauses coders coded differently, settled into the consensus layer.

Keyboard first: digits toggle categories in the consensus row (0 clears it), Enter settles the
clause (one undoable edit) and moves on, Alt+N takes coder N's set, Ctrl+Z undoes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.core.edits import Edit
from annotator.gui.colors import category_color, text_on
from annotator.gui.dialog_writes import write_from_dialog
from annotator.gui.markdown import reflow
from annotator.gui.review_reads import Listed, read_list
from annotator.gui.tool_windows import ToolWindow
from annotator.services.review import CONSENSUS_ID, Disagreement, settle
from annotator.services.types import ClauseCoding

if TYPE_CHECKING:
    from annotator.core.codebook import Category
    from annotator.gui.ops import Change
    from annotator.gui.workspace import Workspace

SETTLED = "✓"


def chip(category: Category, *, on: bool = True) -> str:
    """Rich-text chip of a category in its colour (outlined when ``on`` is False)."""
    color = category_color(category.color)
    if on:
        style = f"background:{color.name()}; color:{text_on(color).name()};"
    else:
        style = f"color:{color.name()}; border:1px solid {color.name()};"
    return f'<span style="{style}">&nbsp;{category.name}&nbsp;</span>'


class ReviewView(ToolWindow):
    """Browse disagreements of one plan and settle each into the consensus layer.

    ``ReviewView(workspace, parent, document_key=None).open_view()``.
    """

    def __init__(
        self,
        workspace: Workspace,
        parent: QWidget | None = None,
        *,
        document_key: str | None = None,
        plans: Sequence[tuple[str, str]] | None = None,
    ):
        """``plans``: (key, title) of every plan, as the main window lists them (else read)."""
        super().__init__(parent)
        self.workspace = workspace
        self.items: list[Disagreement] = []
        self._consensus: dict[int, ClauseCoding] = {}  # the consensus layer's coding, by clause
        self.by_coder: dict[str, dict[int, ClauseCoding]] = {}
        self.names: dict[str, str] = {}
        self.text = ""
        self._reading = 0  # the latest list read (a team server): older ones are dropped
        self.consensus: set[str] = set()
        self.accept_buttons: list[QPushButton] = []
        self.setWindowTitle("Disagreements")
        self.resize(980, 620)
        self._build()
        self._shortcuts()
        if plans is None:
            plans = [(d.key, d.title) for d in workspace.project.documents()]
        for key, title in plans:
            self.document_combo.addItem(title or key[:12], key)
        if document_key is not None:
            self.document_combo.setCurrentIndex(max(self.document_combo.findData(document_key), 0))
        self.category_combo.addItem("Any category", None)
        for cat in self.categories():
            self.category_combo.addItem(cat.name, cat.key)
        self.document_combo.currentIndexChanged.connect(lambda _: self.reload())
        self.category_combo.currentIndexChanged.connect(lambda _: self.reload())
        workspace.ops.changed.connect(self._edit_written)
        self.reload()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Plan:"))
        self.document_combo = QComboBox()
        self.document_combo.setMinimumContentsLength(24)
        top.addWidget(self.document_combo, 1)
        top.addWidget(QLabel("Category:"))
        self.category_combo = QComboBox()
        top.addWidget(self.category_combo)
        self.counter = QLabel()
        top.addWidget(self.counter)
        layout.addLayout(top)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.list = QListWidget()
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.currentRowChanged.connect(self._show_current)
        split.addWidget(self.list)

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        self.clause_text = QTextBrowser()
        self.clause_text.setMaximumHeight(110)
        rl.addWidget(self.clause_text)
        self.coders_box = QWidget()
        self.coders_grid = QGridLayout(self.coders_box)
        self.coders_grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.coders_box)
        rl.addWidget(scroll, 1)

        rl.addWidget(QLabel("<b>Consensus</b> (digits toggle, 0 clears, Enter settles):"))
        self.consensus_row = QHBoxLayout()
        self.consensus_buttons: dict[str, QPushButton] = {}
        holder = QWidget()
        holder.setLayout(self.consensus_row)
        rl.addWidget(holder)
        bottom = QHBoxLayout()
        self.status = QLabel()
        bottom.addWidget(self.status, 1)
        self.settle_button = QPushButton("Settle (Enter)")
        self.settle_button.clicked.connect(self.settle_current)
        bottom.addWidget(self.settle_button)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        bottom.addWidget(close)
        rl.addLayout(bottom)
        split.addWidget(right)
        split.setSizes([300, 680])
        layout.addWidget(split, 1)
        for button in (self.settle_button, close):
            button.setAutoDefault(False)  # Enter is ours, not the dialog's default button

    def _shortcuts(self) -> None:
        def bind(keys: str | QKeySequence, slot: object) -> None:
            # Window context: the dialog is its own window, so the keys work wherever the focus is.
            QShortcut(QKeySequence(keys), self).activated.connect(slot)

        for digit in "0123456789":
            bind(digit, lambda d=digit: self.press_digit(d))
            if digit != "0":
                bind(f"Alt+{digit}", lambda d=digit: self.accept_coder(int(d) - 1))
        for key in ("Return", "Enter"):
            bind(key, self.settle_current)
        bind(QKeySequence(QKeySequence.StandardKey.Undo), self.workspace.undo_stack.undo)
        bind(QKeySequence("Ctrl+Shift+Z"), self.workspace.undo_stack.redo)

    # -- data ----------------------------------------------------------------------------------

    def categories(self) -> list[Category]:
        """Live categories in codebook order."""
        return [c for c in self.workspace.categories if not c.retired]

    def category_for_digit(self, digit: str) -> Category | None:
        """The category a digit toggles: its codebook shortcut, else the digit-th category."""
        cat = self.workspace.category_for_shortcut(digit)
        if cat is not None:
            return cat
        cats = self.categories()
        index = int(digit) - 1
        taken = {c.shortcut for c in cats}
        return cats[index] if digit not in taken and 0 <= index < len(cats) else None

    @property
    def document_key(self) -> str | None:
        return self.document_combo.currentData()

    def settled(self, clause_id: int) -> frozenset[str] | None:
        """The consensus set of a clause, or None when it is not settled."""
        if clause_id not in self._consensus:  # read with the list, or after a write
            coding = self.workspace.project.clause_coding(clause_id, CONSENSUS_ID)
            self._consensus[clause_id] = coding
        coding = self._consensus[clause_id]
        return coding.categories if coding.coded else None

    def reload(self) -> None:
        """Re-read the disagreements of the chosen plan (and category), keeping the position.

        On a team server the read runs in the background: the list says "Loading…" meanwhile,
        and a read overtaken by another choice of plan or category is dropped."""
        ws, key, category = self.workspace, self.document_key, self.category_combo.currentData()
        self._reading += 1
        if not ws.background:
            self._listed(read_list(ws.project, key, category))
            return
        token, current = self._reading, self.current()
        self.items = []
        self.list.clear()
        self._show_current()
        self.clause_text.setPlainText("Loading the disagreements…")
        self.counter.setText("Loading…")

        def done(listed: Listed) -> None:
            if token == self._reading:
                self._listed(listed, current)

        def failed(message: str) -> None:
            if token == self._reading:
                self.clause_text.setPlainText(f"Cannot read the disagreements: {message}")
                self.counter.setText("")

        project = ws.project
        ws.ops.run(
            lambda _p: read_list(project, key, category),
            on_done=done,
            on_failed=failed,
            title="Cannot read the disagreements",
            owner=self,
        )

    def _listed(self, listed: Listed, current: Disagreement | None = None) -> None:
        current = current or self.current()
        self.items, self.text, self.names = listed.items, listed.text, listed.names
        self.by_coder = listed.by_coder
        # The consensus layer with the list, not one read per clause (on a server each is a
        # round trip); a clause it has not coded is unsettled.
        consensus = listed.by_coder.get(CONSENSUS_ID, {})
        self._consensus = {
            d.clause.id: consensus.get(d.clause.id, ClauseCoding()) for d in self.items
        }
        self.list.blockSignals(True)
        self.list.clear()
        for d in self.items:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, d.clause.id)
            self.list.addItem(item)
            self._label_item(item, d)
        self.list.blockSignals(False)
        ids = [d.clause.id for d in self.items]
        row = ids.index(current.clause.id) if current and current.clause.id in ids else 0
        self.list.setCurrentRow(row if self.items else -1)
        self._show_current()
        self._count()

    def _label_item(self, item: QListWidgetItem, d: Disagreement) -> None:
        snippet = " ".join(self.text[d.clause.start : d.clause.end].split())
        if len(snippet) > 60:
            snippet = snippet[:59] + "…"
        done = self.settled(d.clause.id) is not None
        if not snippet.startswith(d.clause.label):  # numbered points already show their label
            snippet = f"{d.clause.label}  {snippet}"
        item.setText(f"{SETTLED if done else '   '} {snippet}")
        item.setToolTip("settled" if done else "not settled yet")

    def _count(self) -> None:
        done = sum(1 for d in self.items if self.settled(d.clause.id) is not None)
        n = len(self.items)
        self.counter.setText(f"{n} disagreement{'s' * (n != 1)}, {done} settled")

    def current(self) -> Disagreement | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    # -- the current clause --------------------------------------------------------------------

    def _show_current(self, _row: int = -1) -> None:
        while self.coders_grid.count():
            taken = self.coders_grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()  # at once: deleteLater waits for the event loop
                widget.deleteLater()
        self.accept_buttons = []
        d = self.current()
        self.settle_button.setEnabled(d is not None)
        if d is None:
            self.clause_text.setPlainText(
                "No disagreement on this plan." if self.document_key else ""
            )
            self.consensus = set()
            self._fill_consensus()
            return
        self.clause_text.setPlainText(reflow(self.text[d.clause.start : d.clause.end]))
        names = self.names
        for n, (coder, cats) in enumerate(
            sorted(d.values.items(), key=lambda kv: names.get(kv[0], ""))
        ):
            coding = self.by_coder.get(coder, {}).get(
                d.clause.id, ClauseCoding()
            )  # read with the list
            memos = [coding.memo, *(s.memo for s in coding.spans)]
            name = QLabel(f"<b>{names.get(coder, coder[:8])}</b>")
            chips = QLabel(self._chips(cats) or "<i>none applies</i>")
            chips.setWordWrap(True)
            memo = QLabel("\n".join(m for m in memos if m))
            memo.setWordWrap(True)
            memo.setStyleSheet("color: palette(placeholder-text);")
            button = QPushButton(f"Accept (Alt+{n + 1})" if n < 9 else "Accept")
            button.setAutoDefault(False)
            button.setToolTip(f"Take {names.get(coder, '?')}'s set as the consensus")
            button.clicked.connect(lambda _=False, i=n: self.accept_coder(i))
            button.setProperty("categories", sorted(cats))
            self.accept_buttons.append(button)
            self.coders_grid.addWidget(name, 2 * n, 0)
            self.coders_grid.addWidget(chips, 2 * n, 1)
            self.coders_grid.addWidget(button, 2 * n, 2)
            self.coders_grid.addWidget(memo, 2 * n + 1, 1)
        self.coders_grid.setRowStretch(2 * len(d.values) + 1, 1)
        known = self.settled(d.clause.id)
        # Unsettled: start from what every coder agrees on.
        self.consensus = (
            set(known) if known is not None else set.intersection(*map(set, d.values.values()))
        )
        self._fill_consensus()

    def _chips(self, keys: frozenset[str]) -> str:
        cats = [c for c in self.workspace.categories if c.key in keys]
        return " ".join(chip(c) for c in cats)

    def _fill_consensus(self) -> None:
        if not self.consensus_buttons:
            digits: dict[str, str] = {}
            for digit in "123456789":
                cat = self.category_for_digit(digit)
                if cat is not None:
                    digits[cat.key] = digit
            for cat in self.categories():
                label = f"{digits[cat.key]} {cat.name}" if cat.key in digits else cat.name
                button = QPushButton(label)
                button.setCheckable(True)
                button.setAutoDefault(False)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                color = category_color(cat.color)
                button.setStyleSheet(
                    f"QPushButton {{ border:2px solid {color.name()}; border-radius:9px;"
                    " padding:2px 8px; }"
                    f"QPushButton:checked {{ background:{color.name()};"
                    f" color:{text_on(color).name()}; }}"
                )
                button.toggled.connect(lambda on, k=cat.key: self._set(k, on))
                self.consensus_buttons[cat.key] = button
                self.consensus_row.addWidget(button)
            self.consensus_row.addStretch(1)
        for key, button in self.consensus_buttons.items():
            button.blockSignals(True)
            button.setChecked(key in self.consensus)
            button.blockSignals(False)
        d = self.current()
        known = self.settled(d.clause.id) if d else None
        if d is None:
            self.status.setText("")
        elif known is None:
            self.status.setText("Not settled yet.")
        else:
            self.status.setText(f"{SETTLED} Settled: " + (self._names(known) or "none applies"))

    def _names(self, keys: frozenset[str] | set[str]) -> str:
        return ", ".join(c.name for c in self.workspace.categories if c.key in keys)

    def _set(self, key: str, on: bool) -> None:
        (self.consensus.add if on else self.consensus.discard)(key)

    # -- actions -------------------------------------------------------------------------------

    def press_digit(self, digit: str) -> None:
        """Toggle a category in the consensus row; 0 clears it ("none applies")."""
        if self.current() is None:
            return
        if digit == "0":
            self.consensus = set()
        else:
            cat = self.category_for_digit(digit)
            if cat is None:
                return
            self.consensus ^= {cat.key}
        self._fill_consensus()

    def accept_coder(self, index: int) -> None:
        """Take the index-th coder's set (in the order shown) as the consensus."""
        if 0 <= index < len(self.accept_buttons):
            self.consensus = set(self.accept_buttons[index].property("categories") or [])
            self._fill_consensus()

    def settle_current(self) -> Edit | None:
        """Write the consensus row for the current clause, then go to the next unsettled one."""
        d = self.current()
        if d is None:
            return None
        chosen = frozenset(self.consensus)

        def written(_edit: Edit) -> None:
            if self.current() is d:  # on a server: not if the reviewer moved on meanwhile
                self.next_unsettled()

        return write_from_dialog(
            self.workspace,
            self,
            self.status,
            lambda: settle(self.workspace.project, d.clause.id, chosen, self.workspace.coder_name),
            f"the consensus of clause {d.clause.label}",
            written,
            (d.clause.id,),
        )

    def next_unsettled(self) -> None:
        """Move to the next disagreement not settled yet (wrapping), or stay if all are."""
        start = self.list.currentRow()
        n = len(self.items)
        for step in range(1, n + 1):
            row = (start + step) % n
            if self.settled(self.items[row].clause.id) is None:
                self.list.setCurrentRow(row)
                return
        self._show_current()

    def _edit_written(self, change: Change) -> None:
        if change.document_key != self.document_key:
            return
        # On a server the write read the consensus back on its own thread; else read it again.
        read = change.read.others.get(CONSENSUS_ID, {}) if change.read is not None else {}
        self._coding_written(change)
        for clause_id in change.clause_ids:
            self._consensus.pop(clause_id, None)
            if clause_id in read:
                self._consensus[clause_id] = read[clause_id]
        for row, d in enumerate(self.items):
            if d.clause.id in change.clause_ids:
                self._label_item(self.list.item(row), d)
                if row == self.list.currentRow():
                    self._fill_consensus()
        self._count()

    def _coding_written(self, change: Change) -> None:
        """The memos beside each coder's set follow an edit: as a team server's write read
        them back, or read again from a local file."""
        if change.read is not None:
            back = change.read
            for who, coded in [(back.coder_id, back.coding), *back.others.items()]:
                self.by_coder.setdefault(who, {}).update(coded)
        elif not self.workspace.background:
            project = self.workspace.project
            for who, coded in self.by_coder.items():
                for clause_id in change.clause_ids:
                    coded[clause_id] = project.clause_coding(clause_id, who)

    def open_view(self) -> None:
        """Show the window (non-modal) with the keyboard focus on the list."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.list.setFocus()
