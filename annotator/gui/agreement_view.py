"""The agreement window: Contract 3 coefficients per category, overall alpha, coder pairs, exports.

The exchange dict is read on the UI thread (a fast query); the statistics, with their bootstrap,
run on a worker thread and come back by signal, so the window stays responsive on big projects.
"""

from __future__ import annotations

import csv
import html
import io
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import agreement_report
from annotator.core.agreement.confusion import Confusion, confusion_table
from annotator.core.errors import AnnotatorError
from annotator.core.wording import plural

if TYPE_CHECKING:
    from annotator.gui.workspace import Workspace

DASH = "—"
BLIND_WARNING = (
    "Blind mode is off: coders could see each other's work, so agreement may be inflated."
)
#: (report key, column title) of the per-category table, after the category and unit count.
COLUMNS = (
    ("percent_agreement", "% agreement"),
    ("krippendorff_alpha", "Krippendorff α"),
    ("fleiss_kappa", "Fleiss κ"),
    ("gwet_ac1", "Gwet AC1"),
    ("cohen_kappa", "Cohen κ"),
    ("scott_pi", "Scott π"),
)
BOOTSTRAP = 1000


def fmt(value: float | None, percent: bool = False) -> str:
    """A coefficient for display: three decimals (or a percentage), a dash when undefined."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return f"{value * 100:.1f}%" if percent else f"{value:.3f}".replace("-", "−")


def base_text(report: dict[str, Any]) -> str:
    """What every coefficient is computed over: the clauses coded by two or more coders."""
    return (
        f"{report['pairable_units']} of {plural(report['units'], 'clause')} coded by two or more "
        "coders"
    )


def _reason(report: dict[str, Any], key: str) -> str:
    return str(report.get("undefined", {}).get(key, ""))


# -- exports (pure: report dict in, text out) ----------------------------------------------------


def report_csv(report: dict[str, Any], names: dict[str, str]) -> str:
    """One row per category plus an ``(overall)`` row; blank cells for undefined values."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(
        [
            "category_key",
            "category_name",
            "units",
            "pairable_units",
            *(k for k, _ in COLUMNS),
            "undefined",
        ]
    )
    overall = report["overall"]
    ci = overall.get("krippendorff_alpha_masi_ci") or {}
    w.writerow(
        [
            "(overall)",
            "Category sets (MASI)",
            report["units"],
            report["pairable_units"],
            _blank(overall.get("percent_agreement")),
            _blank(overall.get("krippendorff_alpha_masi")),
            "",
            "",
            "",
            "",
            "; ".join(f"{k}: {v}" for k, v in overall.get("undefined", {}).items())
            or (f"95% CI {ci['low']:.6g} to {ci['high']:.6g}" if ci else ""),
        ]
    )
    for key, rep in report["per_category"].items():
        w.writerow(
            [
                key,
                names.get(key, key),
                rep["units"],
                rep["pairable_units"],
                *(_blank(rep[k]) for k, _ in COLUMNS),
                "; ".join(f"{k}: {v}" for k, v in rep["undefined"].items()),
            ]
        )
    return out.getvalue()


def _blank(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def alpha_svg(rows: list[tuple[str, float | None]], width: int = 560) -> str:
    """An inline SVG bar chart of alpha per category on a −1…1 axis (undefined: a dash)."""
    bar_h, gap, label_w, top = 18, 6, 180, 24
    plot_w = width - label_w - 60
    height = top + len(rows) * (bar_h + gap) + 20
    zero = label_w + plot_w / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Krippendorff alpha per category">',
        f'<text x="{label_w}" y="14" font-size="11">−1</text>',
        f'<text x="{zero - 4:.1f}" y="14" font-size="11">0</text>',
        f'<text x="{label_w + plot_w - 8}" y="14" font-size="11">1</text>',
        f'<line x1="{zero:.1f}" y1="{top - 4}" x2="{zero:.1f}" y2="{height - 16}" stroke="#888"/>',
    ]
    for ref in (0.667, 0.8):  # Krippendorff's conventional thresholds
        x = zero + ref * plot_w / 2
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 16}" '
            'stroke="#c33" stroke-dasharray="3,3"/>'
        )
    for i, (name, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"{html.escape(name)}</text>"
        )
        if value is None:
            parts.append(f'<text x="{zero + 4:.1f}" y="{y + 13}" font-size="12">{DASH}</text>')
            continue
        length = max(-1.0, min(1.0, value)) * plot_w / 2
        x = zero if length >= 0 else zero + length
        color = "#2f6fb0" if value >= 0 else "#b5572a"
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{abs(length):.1f}" height="{bar_h}" '
            f'fill="{color}"><title>{html.escape(name)}: {value:.3f}</title></rect>'
        )
        tx = zero + length + (4 if length >= 0 else -4)
        anchor = "start" if length >= 0 else "end"
        parts.append(
            f'<text x="{tx:.1f}" y="{y + 13}" font-size="11" text-anchor="{anchor}">'
            f"{fmt(value)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def report_html(
    report: dict[str, Any], names: dict[str, str], *, title: str, warning: str | None = None
) -> str:
    """A self-contained HTML page: overall alpha, the per-category table, pair tables, a chart."""
    e = html.escape
    overall = report["overall"]
    ci = overall.get("krippendorff_alpha_masi_ci")
    ci_text = (
        f" (95% CI {fmt(ci['low'])} to {fmt(ci['high'])}, {ci['samples']} bootstrap resamples)"
        if ci
        else ""
    )

    def cell(rep: dict[str, Any], key: str, percent: bool = False) -> str:
        reason = _reason(rep, key)
        attr = f' title="{e(reason)}"' if reason else ""
        return f"<td{attr}>{fmt(rep.get(key), percent)}</td>"

    head = "".join(f"<th>{e(t)}</th>" for _, t in COLUMNS)
    body = []
    for key, rep in report["per_category"].items():
        cells = "".join(cell(rep, k, k == "percent_agreement") for k, _ in COLUMNS)
        body.append(
            f"<tr><th>{e(names.get(key, key))}</th>"
            f"<td>{rep['pairable_units']} of {rep['units']}</td>{cells}</tr>"
        )
    pairs = []
    for key, rep in report["per_category"].items():
        for pair in rep["pairs"]:
            a, b = pair["coders"]
            pairs.append(
                f"<tr><td>{e(names.get(key, key))}</td><td>{e(a)}</td><td>{e(b)}</td>"
                f"<td>{fmt(pair['cohen_kappa'])}</td><td>{pair['units']}</td></tr>"
            )
    chart = alpha_svg(
        [(names.get(k, k), r["krippendorff_alpha"]) for k, r in report["per_category"].items()]
    )
    banner = f'<p class="warn">{html.escape(warning, quote=False)}</p>' if warning else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
.warn {{ background: #fff3cd; border: 1px solid #e0c060; padding: 8px; }}
</style></head><body>
<h1>{e(title)}</h1>
{banner}
<p>{e(base_text(report))}; coders: {e(", ".join(report["coders"]))}.
Every coefficient is computed over the clauses coded by two or more coders.</p>
<p><strong>Overall Krippendorff α (category sets, MASI distance):</strong>
{fmt(overall.get("krippendorff_alpha_masi"))}{e(ci_text)};
percent agreement on identical sets {fmt(overall.get("percent_agreement"), True)}.</p>
<h2>Per category</h2>
<table><thead><tr><th>Category</th><th>Clauses coded by ≥2</th>{head}</tr></thead>
<tbody>
{"".join(body)}
</tbody></table>
<h2>Krippendorff α per category</h2>
{chart}
<h2>Cohen's κ per coder pair</h2>
<table><thead><tr><th>Category</th><th>Coder</th><th>Coder</th><th>κ</th>
<th>Clauses coded by both</th></tr></thead>
<tbody>
{"".join(pairs)}
</tbody></table>
<p>Undefined values (—) are explained in each cell's tooltip: a coefficient with no variation
or too few pairable values is not defined.</p>
</body></html>
"""


# -- worker --------------------------------------------------------------------------------------


class _Signals(QObject):
    done = Signal(int, object)
    failed = Signal(int, str)
    progress = Signal(int, int, int)


class _ReportJob(QRunnable):
    """agreement_report on a worker thread; results tagged with the run number."""

    def __init__(self, run: int, exchange: dict[str, Any], options: dict[str, Any]):
        super().__init__()
        self.run_id, self.exchange, self.options = run, exchange, options
        self.signals = _Signals()

    def run(self) -> None:
        try:
            report = agreement_report(
                self.exchange,
                progress=lambda d, t: self.signals.progress.emit(self.run_id, d, t),
                **self.options,
            )
        except AnnotatorError as exc:
            self.signals.failed.emit(self.run_id, str(exc))
            return
        except Exception as exc:  # a bug must not kill the thread silently
            self.signals.failed.emit(self.run_id, f"{type(exc).__name__}: {exc}")
            return
        self.signals.done.emit(self.run_id, report)


# -- the window ----------------------------------------------------------------------------------


class AgreementView(QDialog):
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
        self._pending_exchange: dict[str, Any] | None = None
        self._run = 0
        self._jobs: dict[int, _ReportJob] = {}
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.setWindowTitle("Inter-coder agreement")
        self.resize(900, 640)
        self._build()
        self._load_filters()
        self.recompute()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        from annotator.services.review import blind_mode

        layout = QVBoxLayout(self)
        self.banner = QLabel(BLIND_WARNING)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "background:#fff3cd; color:#5c4400; border:1px solid #e0c060; padding:6px;"
        )
        self.banner.setVisible(not blind_mode(self.workspace.project))
        layout.addWidget(self.banner)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Plan:"))
        self.document_combo = QComboBox()
        self.document_combo.setMinimumContentsLength(24)
        filters.addWidget(self.document_combo, 1)
        filters.addWidget(QLabel("Coders:"))
        self.coder_button = QToolButton()
        self.coder_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # Room for the text and the menu arrow: "All coders" was drawn under the arrow.
        self.coder_button.setMinimumWidth(
            self.coder_button.fontMetrics().horizontalAdvance("All coders") + 36
        )
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
        self.table.setHorizontalHeaderLabels(["Category", "Coded by ≥2", *(t for _, t in COLUMNS)])
        self.table.horizontalHeaderItem(1).setToolTip(
            "Clauses coded by two or more coders, of all clauses: the base of every coefficient"
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
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

    def _load_filters(self) -> None:
        project = self.workspace.project
        self.document_combo.addItem("All plans", None)
        for doc in project.documents():
            self.document_combo.addItem(doc.title or doc.key[:12], doc.key)
        self.coder_actions = []
        for coder in project.coders():
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
        coders = [c for c in project.coders() if not c.is_consensus]
        for combo, default in ((self.coder_a_combo, 0), (self.coder_b_combo, 1)):
            for coder in coders:
                combo.addItem(coder.name, coder.id)
            combo.setCurrentIndex(min(default, len(coders) - 1))
            combo.currentIndexChanged.connect(self._show_confusion)

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
        try:
            exchange = export_exchange_dict(self.workspace.project)
        except AnnotatorError as exc:
            self._failed(self._run, str(exc))
            return
        document = self.document_combo.currentData()
        options: dict[str, Any] = {
            "coders": self.selected_coders(),
            "documents": [document] if document else None,
            "bootstrap": self.bootstrap,
            "source": "project",
        }
        self._pending_exchange = exchange
        job = _ReportJob(self._run, exchange, options)
        job.signals.done.connect(self._finished)
        job.signals.failed.connect(self._failed)
        job.signals.progress.connect(self._progress)
        self._jobs[self._run] = job  # keep the signal carrier alive until it reports
        self.busy.setRange(0, 0)  # busy until the first progress report
        self.busy.show()
        self.overall.setText("Computing…")
        self.pool.start(job)

    def _progress(self, run: int, done: int, total: int) -> None:
        if run == self._run:
            self.busy.setRange(0, total)
            self.busy.setValue(done)

    def _failed(self, run: int, message: str) -> None:
        self._jobs.pop(run, None)
        if run != self._run:
            return
        self.busy.hide()
        self.report = None
        self.table.setRowCount(0)
        self.exchange = None
        self._show_confusion()
        self.overall.setText(f"Cannot compute agreement: {message}")

    def _finished(self, run: int, report: dict[str, Any]) -> None:
        self._jobs.pop(run, None)
        if run != self._run:
            return
        self.busy.hide()
        self.exchange = self._pending_exchange
        self.show_report(report)
        self.finished_report.emit(report)

    def wait(self) -> None:
        """Block until the worker is idle (closing, tests)."""
        self.pool.waitForDone()

    def done(self, result: int) -> None:
        self._run += 1  # any result still coming is stale
        self.pool.waitForDone()
        super().done(result)

    # -- showing -------------------------------------------------------------------------------

    def names(self) -> dict[str, str]:
        """Category key -> display name."""
        return {c.key: c.name for c in self.workspace.project.categories(include_retired=True)}

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
        reason = _reason(overall, "krippendorff_alpha_masi")
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
                    _reason(rep, k)
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
        texts = {d["key"]: d.get("text", "") for d in self.exchange.get("documents", [])}
        titles = {d["key"]: d.get("title") or d["key"][:8] for d in self.exchange["documents"]}
        for d in conf.disagreements:
            all_words = texts.get(d.document, "")[d.start : d.end].split()
            words = " ".join(all_words[:10]) + ("…" if len(all_words) > 10 else "")
            who = name_a if d.a_present else name_b
            label = d.label or f"{d.start}–{d.end}"
            prefix = "" if document else f"{titles.get(d.document, '')} "
            entry = QListWidgetItem(f"{prefix}[{label}]  {words}  (only {who})")
            entry.setData(Qt.ItemDataRole.UserRole, (d.document, d.start, d.end))
            entry.setToolTip(texts.get(d.document, "")[d.start : d.end])
            self.disagreement_list.addItem(entry)

    # -- exports -------------------------------------------------------------------------------

    def export_csv(self, path: str | Path) -> None:
        """Write the shown report as CSV."""
        if self.report is None:
            return
        Path(path).write_text(report_csv(self.report, self.names()), encoding="utf-8")

    def export_html(self, path: str | Path) -> None:
        """Write the shown report as one self-contained HTML page."""
        if self.report is None:
            return
        warning = BLIND_WARNING if self.banner.isVisibleTo(self) else None
        page = report_html(
            self.report, self.names(), title="Inter-coder agreement", warning=warning
        )
        Path(path).write_text(page, encoding="utf-8")

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
            QMessageBox.warning(self, "Cannot export", f"{path}: {exc.strerror or exc}")

    def open_view(self) -> None:
        """Show the window (non-modal)."""
        self.show()
        self.raise_()
        self.activateWindow()
