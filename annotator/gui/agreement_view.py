"""The agreement window: Contract 3 coefficients per category, overall alpha, coder pairs, exports.

The exchange dict is read on the UI thread (a fast query); the statistics, with their bootstrap,
run on a worker thread and come back by signal, so the window stays responsive on big projects.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMenu,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import agreement_report
from annotator.core.agreement.confusion import Confusion, confusion_table
from annotator.core.agreement.render import (
    COLUMNS,
    DASH,
    base_text,
    fmt,
    report_csv,
    report_html,
    undefined_reason,
)
from annotator.core.errors import AnnotatorError
from annotator.core.wording import plural
from annotator.gui.agreement_parts import Filters, disagreement_items, read_filters
from annotator.gui.ops import show_message
from annotator.gui.tool_windows import ToolWindow, save_file

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from annotator.gui.ops import Job, Progress
    from annotator.gui.workspace import Workspace

BLIND_WARNING = (
    "Blind mode is off: coders could see each other's work, so agreement may be inflated."
)
BOOTSTRAP = 1000


# -- the window ----------------------------------------------------------------------------------


class AgreementView(ToolWindow):
    """Inter-coder agreement of the open project, with document and coder filters.

    Open with ``AgreementView(workspace, parent).open_view()``; :attr:`finished_report` fires
    once each computation is shown.
    """

    finished_report = Signal(object)

    def __init__(
        self, workspace: Workspace, parent: QWidget | None = None, *, bootstrap: int = BOOTSTRAP
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.bootstrap = bootstrap
        self.report: dict[str, Any] | None = None
        self.exchange: dict[str, Any] | None = None  # what the shown report was computed from
        self.confusion: Confusion | None = None
        self._run = 0
        self._job: Job[tuple[dict[str, Any], dict[str, Any]]] | None = None  # the latest run
        self.setWindowTitle("Inter-coder agreement")
        self.resize(900, 640)
        self._build()
        self.coder_actions: list[QAction] = []
        self.overall.setText("Loading the plans and coders…")
        self.busy.setRange(0, 0)
        project = workspace.project
        # At once locally; on a team server off the UI thread (the window shows meanwhile).
        workspace.read(
            lambda: read_filters(project),
            self._load_filters,
            title="Cannot open the agreement window",
            on_failed=lambda why: self._failed(self._run, why, "read the plans and coders"),
            owner=self,
        )

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.banner = QLabel(BLIND_WARNING)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background:#fff3cd; color:#5c4400; border:1px solid #e0c060; padding:6px;"
        )
        self.banner.hide()  # until blind mode is read
        layout.addWidget(self.banner)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Plan:"))
        self.document_combo = QComboBox()
        self.document_combo.setMinimumContentsLength(24)
        filters.addWidget(self.document_combo, 1)
        filters.addWidget(QLabel("Coders:"))
        # A push button with a menu, not a QToolButton: a tool button's instant-popup arrow is
        # drawn over the end of its text; a push button keeps the arrow out of the text's room.
        self.coder_button = QPushButton()
        self.coder_button.setObjectName("coderFilter")
        self.coder_button.setAutoDefault(False)  # Enter in the window must not open its menu
        self.coder_menu = QMenu(self.coder_button)
        self.coder_button.setMenu(self.coder_menu)
        filters.addWidget(self.coder_button)
        self.busy = QProgressBar()
        self.busy.setMaximumWidth(160)
        self.busy.setTextVisible(False)
        filters.addWidget(self.busy)
        layout.addLayout(filters)

        self.overall = QLabel()
        self.overall.setWordWrap(True)
        self.overall.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.overall)

        self.table = QTableWidget(0, 2 + len(COLUMNS))
        # Two-line headings ("Krippendorff" over "α"): the figures are narrower than their names,
        # so one-line headings pushed the table wider than a 900 px window and squeezed Category.
        titles = ["Coded by ≥2", *(t for _, t in COLUMNS)]
        self.table.setHorizontalHeaderLabels(
            ["Category", *(t.replace(" ", "\n", 1) for t in titles)]
        )
        base_header = self.table.horizontalHeaderItem(1)
        if base_header is not None:
            base_header.setToolTip(
                "Clauses coded by two or more coders, of all clauses: the base of every coefficient"
            )
        self.table.verticalHeader().setVisible(False)
        # Rows as high as their text: the taller headings leave room for as many rows as before.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        # Room on both sides of every figure: sized to its contents alone, the last column's
        # numbers touched the frame, and looked cut off, in a window narrower than 1000 px.
        self.table.setStyleSheet("QTableView::item { padding: 0 8px; }")
        header = self.table.horizontalHeader()
        header.setStyleSheet("QHeaderView::section { padding: 0 8px; }")
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, self.table.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 3)

        pair_row = QHBoxLayout()
        pair_row.addWidget(QLabel("Coder pairs, for category:"))
        self.pair_combo = QComboBox()
        self.pair_combo.currentIndexChanged.connect(self._show_pairs)
        pair_row.addWidget(self.pair_combo, 1)
        layout.addLayout(pair_row)
        below = QHBoxLayout()
        kappa_box = QGroupBox("Cohen's κ")
        kappa_layout = QVBoxLayout(kappa_box)
        self.pairs = QTableWidget(0, 0)
        self.pairs.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        kappa_layout.addWidget(self.pairs)
        below.addWidget(kappa_box, 2)
        below.addWidget(self._build_confusion(), 3)
        layout.addLayout(below, 2)

        buttons = QHBoxLayout()
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(self._ask_csv)
        self.html_button = QPushButton("Export HTML…")
        self.html_button.clicked.connect(self._ask_html)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.html_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)

    def _build_confusion(self) -> QGroupBox:
        box = QGroupBox("Confusion")
        lay = QVBoxLayout(box)
        row = QHBoxLayout()
        self.coder_a_combo, self.coder_b_combo = QComboBox(), QComboBox()
        row.addWidget(QLabel("Coder A:"))
        row.addWidget(self.coder_a_combo, 1)
        row.addWidget(QLabel("Coder B:"))
        row.addWidget(self.coder_b_combo, 1)
        lay.addLayout(row)
        self.confusion_grid = QTableWidget(2, 2)
        self.confusion_grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.confusion_grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.confusion_grid.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.confusion_grid.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.confusion_grid.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay.addWidget(self.confusion_grid)
        self.confusion_note = QLabel()
        self.confusion_note.setWordWrap(True)
        lay.addWidget(self.confusion_note)
        self.disagreement_list = QListWidget()
        lay.addWidget(self.disagreement_list, 1)
        return box

    def _load_filters(self, read: Filters) -> None:
        """The plans and coders are read: fill the filters and compute."""
        documents, every_coder, blind = read
        self.banner.setVisible(not blind)
        self.document_combo.addItem("All plans", None)
        for doc in documents:
            self.document_combo.addItem(doc.title or doc.key[:12], doc.key)
        self.coder_actions = []
        for coder in every_coder:
            if coder.is_consensus:
                continue
            action = self.coder_menu.addAction(coder.name)
            action.setCheckable(True)
            action.setChecked(True)
            action.setData(coder.id)
            action.toggled.connect(self.recompute)
            self.coder_actions.append(action)
        self._label_coders()
        self.document_combo.currentIndexChanged.connect(self.recompute)
        coders = [c for c in every_coder if not c.is_consensus]
        for combo, default in ((self.coder_a_combo, 0), (self.coder_b_combo, 1)):
            for coder in coders:
                combo.addItem(coder.name, coder.id)
            combo.setCurrentIndex(min(default, len(coders) - 1))
            combo.currentIndexChanged.connect(self._show_confusion)
        self.recompute()

    def _label_coders(self) -> None:
        chosen = [a.text() for a in self.coder_actions if a.isChecked()]
        every = len(chosen) == len(self.coder_actions)
        self.coder_button.setText("All coders" if every else ", ".join(chosen) or "No coder")

    # -- computing -----------------------------------------------------------------------------

    def selected_coders(self) -> list[str] | None:
        """Coder ids to include, or None for every coder."""
        chosen = [a.data() for a in self.coder_actions if a.isChecked()]
        return None if len(chosen) == len(self.coder_actions) else chosen

    def recompute(self) -> None:
        """Read the project and start a computation; an older run still going is ignored."""
        from annotator.services.exchange import export_exchange_dict

        self._label_coders()
        self._run += 1
        project = self.workspace.project
        document = self.document_combo.currentData()
        options: dict[str, Any] = {
            "coders": self.selected_coders(),
            "documents": [document] if document else None,
            "bootstrap": self.bootstrap,
            "source": "project",
        }
        if self._job is not None:
            self._job.cancel()  # stops at its next progress report; its result would be stale
        run = self._run
        self.busy.setRange(0, 0)  # busy until the first progress report
        self.busy.show()
        self.overall.setText("Computing…")

        def compute(progress: Progress) -> tuple[dict[str, Any], dict[str, Any]]:
            from annotator.services.reads import read_mapped

            # Read on the job's thread too: on a team server the whole project crosses the wire.
            exchange = read_mapped(lambda: export_exchange_dict(project))
            return exchange, agreement_report(exchange, progress=progress, **options)

        self._job = self.workspace.ops.run(
            compute,
            on_done=lambda got: self._finished(run, *got),
            on_failed=lambda message: self._failed(run, message),
            on_progress=lambda done, total: self._progress(run, done, total),
            owner=self,
        )

    def _progress(self, run: int, done: int, total: int) -> None:
        if run == self._run:
            self.busy.setRange(0, total)
            self.busy.setValue(done)

    def _failed(self, run: int, message: str, what: str = "compute agreement") -> None:
        if run != self._run:
            return
        self.busy.hide()
        self.report = None
        self.table.setRowCount(0)
        self.exchange = None
        self._show_confusion()
        self.overall.setText(f"Cannot {what}: {message}")

    def _finished(self, run: int, exchange: dict[str, Any], report: dict[str, Any]) -> None:
        if run != self._run:
            return
        self.busy.hide()
        self.exchange = exchange
        self.show_report(report)
        self.finished_report.emit(report)

    def done(self, result: int) -> None:
        self._run += 1  # any result still coming is stale
        if self._job is not None:
            self._job.cancel()
        super().done(result)

    # -- showing -------------------------------------------------------------------------------

    def names(self) -> dict[str, str]:
        """Category key -> display name, from the codebook the report was computed with (read
        on the job's thread, not here)."""
        cats = (self.exchange or {}).get("codebook", {}).get("categories", [])
        return {c["key"]: c["name"] for c in cats}

    def show_report(self, report: dict[str, Any]) -> None:
        """Fill the overall line, the per-category table and the pair matrix."""
        self.report = report
        names = self.names()
        overall = report["overall"]
        alpha = overall.get("krippendorff_alpha_masi")
        ci = overall.get("krippendorff_alpha_masi_ci")
        text = f"<b>Overall Krippendorff α (category sets, MASI):</b> {fmt(alpha)}"
        if ci:
            text += f" &nbsp; 95% CI [{fmt(ci['low'])}, {fmt(ci['high'])}]"
        reason = undefined_reason(overall, "krippendorff_alpha_masi")
        if reason:
            text += f" &nbsp; <i>({html.escape(reason)})</i>"
        text += (
            f"<br>{html.escape(base_text(report))} (the base of every figure) · "
            f"{plural(len(report['coders']), 'coder')} · identical sets "
            f"{fmt(overall.get('percent_agreement'), True)} of those "
            f"{report['pairable_units']}"
        )
        self.overall.setText(text)
        self.overall.setToolTip(ci["method"] if ci else "")

        per = report["per_category"]
        self.table.setRowCount(len(per))
        for row, (key, rep) in enumerate(per.items()):
            name = QTableWidgetItem(names.get(key, key))
            name.setData(Qt.ItemDataRole.UserRole, key)
            self.table.setItem(row, 0, name)
            base = self._number(f"{rep['pairable_units']} of {rep['units']}")
            base.setData(Qt.ItemDataRole.UserRole, rep["pairable_units"])
            base.setToolTip(
                f"{rep['pairable_units']} of {plural(rep['units'], 'clause')} were coded by two or "
                "more coders; the coefficients in this row are computed over them"
            )
            self.table.setItem(row, 1, base)
            for col, (k, _) in enumerate(COLUMNS, start=2):
                item = self._number(fmt(rep[k], k == "percent_agreement"))
                item.setData(Qt.ItemDataRole.UserRole, rep[k])
                item.setToolTip(
                    undefined_reason(rep, k)
                    or f"over {plural(rep['pairable_units'], 'clause')} coded by two or more coders"
                )
                self.table.setItem(row, col, item)

        current = self.pair_combo.currentData()
        self.pair_combo.blockSignals(True)
        self.pair_combo.clear()
        for key in per:
            self.pair_combo.addItem(names.get(key, key), key)
        at = self.pair_combo.findData(current)
        self.pair_combo.setCurrentIndex(max(at, 0))
        self.pair_combo.blockSignals(False)
        self._show_pairs()

    @staticmethod
    def _number(text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _show_pairs(self) -> None:
        key = self.pair_combo.currentData()
        report = self.report
        if report is None or key is None:
            self.pairs.setRowCount(0)
            self.pairs.setColumnCount(0)
            return
        rep = report["per_category"][key]
        coders: list[str] = rep["coders"]
        n = len(coders)
        self.pairs.setRowCount(n)
        self.pairs.setColumnCount(n)
        self.pairs.setHorizontalHeaderLabels(coders)
        self.pairs.setVerticalHeaderLabels(coders)
        for i in range(n):
            self.pairs.setItem(i, i, self._number(DASH))
        for pair in rep["pairs"]:
            i, j = (coders.index(c) for c in pair["coders"])
            reason = rep["undefined"].get(f"cohen_kappa[{coders[i]}, {coders[j]}]", "")
            for r, c in ((i, j), (j, i)):
                item = self._number(fmt(pair["cohen_kappa"]))
                item.setData(Qt.ItemDataRole.UserRole, pair["cohen_kappa"])
                item.setToolTip(
                    f"{plural(pair['units'], 'clause')} coded by both"
                    + (f"; {reason}" if reason else "")
                )
                self.pairs.setItem(r, c, item)
        self.pairs.resizeColumnsToContents()
        self._show_confusion()

    def _show_confusion(self) -> None:
        """The 2×2 table of the pair-matrix category between the two chosen coders."""
        self.confusion = None
        self.disagreement_list.clear()
        grid = self.confusion_grid
        grid.clearContents()
        key = self.pair_combo.currentData()
        a, b = self.coder_a_combo.currentData(), self.coder_b_combo.currentData()
        if self.exchange is None or key is None or a is None or b is None:
            self.confusion_note.setText("")
            return
        if a == b:
            self.confusion_note.setText("Choose two different coders.")
            return
        document = self.document_combo.currentData()
        try:
            conf = confusion_table(
                self.exchange, key, a, b, documents=[document] if document else None
            )
        except AnnotatorError as exc:
            self.confusion_note.setText(f"Cannot cross-tabulate: {exc}")
            return
        self.confusion = conf
        name_a, name_b = self.coder_a_combo.currentText(), self.coder_b_combo.currentText()
        grid.setVerticalHeaderLabels([f"{name_a}: present", f"{name_a}: absent"])
        grid.setHorizontalHeaderLabels([f"{name_b}: present", f"{name_b}: absent"])
        for r, row in enumerate(conf.matrix()):
            for c, count in enumerate(row):
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(Qt.ItemDataRole.UserRole, count)
                grid.setItem(r, c, item)
        grid.setFixedHeight(
            grid.horizontalHeader().height()
            + grid.verticalHeader().length()
            + 2 * grid.frameWidth()
        )
        self.confusion_note.setText(
            f"{plural(conf.units, 'clause')} coded by both · {len(conf.disagreements)} disagree"
            + (":" if conf.disagreements else "")
        )
        for entry in disagreement_items(self.exchange, conf, document, name_a, name_b):
            self.disagreement_list.addItem(entry)

    # -- exports -------------------------------------------------------------------------------

    def export_csv(self, path: str | Path) -> None:
        """Write the shown report as CSV."""
        if self.report is None:
            return
        save_file(path, report_csv(self.report, self.names()))

    def export_html(self, path: str | Path) -> None:
        """Write the shown report as one self-contained HTML page."""
        if self.report is None:
            return
        warning = BLIND_WARNING if self.banner.isVisibleTo(self) else None
        page = report_html(
            self.report, self.names(), title="Inter-coder agreement", warning=warning
        )
        save_file(path, page)

    def _ask_csv(self) -> None:
        self._ask_save("Export agreement as CSV", "agreement.csv", "CSV (*.csv)", self.export_csv)

    def _ask_html(self) -> None:
        self._ask_save(
            "Export agreement as HTML", "agreement.html", "HTML (*.html)", self.export_html
        )

    def _ask_save(self, title: str, name: str, pattern: str, write: Any) -> None:
        if self.report is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, title, name, pattern)
        if not path:
            return
        try:
            write(path)
        except OSError as exc:
            show_message(self, "Cannot export", f"{path}: {exc.strerror or exc}")
