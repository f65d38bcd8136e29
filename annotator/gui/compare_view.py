"""Which plan says what: the categories × plans table and a grouped bar chart, saved as PNG or SVG.

The chart is painted with QPainter (no QtCharts: PySide6-Essentials only), through one ``paint``
function shared by the screen, the PNG (a QImage) and the SVG (QSvgGenerator).
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QIODevice, QLineF, QRectF, QSaveFile, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.compare import Comparison, compare_plans
from annotator.gui.ops import show_message
from annotator.gui.tool_windows import ToolWindow, save_file

if TYPE_CHECKING:
    from annotator.gui.workspace import Workspace

#: Okabe & Ito's colour-blind-safe palette, one colour per plan.
PLAN_COLORS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
COUNT_ROLE = Qt.ItemDataRole.UserRole
SHARE_ROLE = Qt.ItemDataRole.UserRole + 1


def nice_ticks(top: float, *, whole: bool, most: int = 6) -> list[float]:
    """Axis ticks from 0 past ``top`` in steps of 1, 2 or 5 × 10ⁿ (whole steps for counts)."""
    top = top if top > 0 else 1.0
    raw = top / max(1, most - 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if whole:
        step = max(1.0, round(step))
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 12) for i in range(n + 1)]


def tick_label(value: float, step: float, *, percent: bool) -> str:
    """A tick's text with just enough decimals for its step ("0.5%", "1%", "250")."""
    if not percent:
        return f"{value:.0f}"
    step_pct = step * 100
    decimals = max(0, -math.floor(math.log10(step_pct) + 1e-9)) if step_pct > 0 else 0
    return f"{value * 100:.{decimals}f}%"


class GroupedBarChart(QWidget):
    """Bars grouped by category, one bar per plan, with a legend; values are shares or counts."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.groups: list[str] = []
        self.series: list[str] = []
        self.values: list[list[float]] = []  # [group][series]
        self.percent = True
        self.ticks: list[float] = []
        self.setMinimumSize(420, 260)

    def set_data(
        self, groups: list[str], series: list[str], values: list[list[float]], *, percent: bool
    ) -> None:
        """Replace the chart's data and repaint."""
        self.groups, self.series, self.values, self.percent = groups, series, values, percent
        peak = max((max(v) for v in values if v), default=0.0)
        self.ticks = nice_ticks(peak, whole=not percent)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(720, 360)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        self.paint(painter, QRectF(self.rect()), self.palette().text().color())
        painter.end()

    def paint(self, painter: QPainter, area: QRectF, ink: QColor) -> None:
        """Draw the chart into ``area`` (screen, image or SVG alike)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetricsF(painter.font())
        line = fm.height()
        if not self.groups or not self.series:
            painter.setPen(ink)
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "Nothing to compare yet.")
            return
        peak = max(max(v) for v in self.values) if self.values else 0.0
        self.ticks = nice_ticks(peak, whole=not self.percent)
        top = self.ticks[-1]
        step = self.ticks[1] - self.ticks[0] if len(self.ticks) > 1 else top
        labels = [tick_label(t, step, percent=self.percent) for t in self.ticks]
        legend_h = line + 8
        left = area.left() + max(fm.horizontalAdvance(t) for t in labels) + 12
        plot = QRectF(left, area.top() + legend_h + 6, area.right() - left - 10, 0)
        plot.setBottom(area.bottom() - 2 * line - 8)
        grid = QColor(ink)
        grid.setAlpha(50)
        for value, text in zip(self.ticks, labels, strict=True):
            y = plot.bottom() - plot.height() * value / top
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QLineF(plot.left(), y, plot.right(), y))
            painter.setPen(ink)
            label = QRectF(area.left(), y - line / 2, plot.left() - area.left() - 6, line)
            painter.drawText(
                label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text
            )
        slot = plot.width() / len(self.groups)
        bar = slot * 0.8 / len(self.series)
        for g, name in enumerate(self.groups):
            x0 = plot.left() + g * slot + slot * 0.1
            for s, value in enumerate(self.values[g]):
                h = plot.height() * value / top
                painter.fillRect(
                    QRectF(x0 + s * bar, plot.bottom() - h, bar * 0.92, h),
                    QColor(PLAN_COLORS[s % len(PLAN_COLORS)]),
                )
            painter.setPen(ink)
            text = fm.elidedText(name, Qt.TextElideMode.ElideRight, slot - 4)
            painter.drawText(
                QRectF(plot.left() + g * slot, plot.bottom() + 4, slot, 2 * line),
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                text,
            )
        painter.setPen(QPen(ink, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        # Legend along the top.
        x = plot.left()
        for s, name in enumerate(self.series):
            painter.fillRect(
                QRectF(x, area.top() + 4, line * 0.8, line * 0.8),
                QColor(PLAN_COLORS[s % len(PLAN_COLORS)]),
            )
            painter.setPen(ink)
            width = min(fm.horizontalAdvance(name), 220.0)
            painter.drawText(
                QRectF(x + line, area.top() + 2, width + 2, line),
                Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(name, Qt.TextElideMode.ElideRight, 220),
            )
            x += line + width + 16

    def tick_labels(self) -> list[str]:
        """The y-axis labels as last painted (tests read them)."""
        ticks = self.ticks
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
        return [tick_label(t, step, percent=self.percent) for t in ticks]

    # -- saving --------------------------------------------------------------------------------

    def save_png(self, path: str | Path, size: QSize | None = None) -> bool:
        """Render the chart on white into a PNG image file."""
        size = size or QSize(max(self.width(), 720), max(self.height(), 360))
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        self.paint(painter, QRectF(0, 0, size.width(), size.height()), QColor("black"))
        painter.end()
        out = QSaveFile(str(path))  # all or nothing: never half an image
        if not out.open(QIODevice.OpenModeFlag.WriteOnly):
            return False
        if not image.save(out, "PNG"):  # type: ignore[call-overload]  # stubs want bytes
            out.cancelWriting()
            return False
        return out.commit()

    def save_svg(self, path: str | Path, size: QSize | None = None) -> bool:
        """Write the chart as an SVG file (vector, for papers); False if it cannot be written."""
        size = size or QSize(max(self.width(), 720), max(self.height(), 360))
        out = QSaveFile(str(path))  # all or nothing: never half a file
        if not out.open(QIODevice.OpenModeFlag.WriteOnly):
            return False
        generator = QSvgGenerator()
        generator.setOutputDevice(out)
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setTitle("Categories by plan")
        painter = QPainter(generator)
        self.paint(painter, QRectF(0, 0, size.width(), size.height()), QColor("black"))
        painter.end()
        return out.commit()


class CompareView(ToolWindow):
    """Categories × plans: how many clauses of each plan carry each category.

    ``CompareView(workspace, parent).open_view()``.
    """

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.comparison: Comparison | None = None
        self._asked = 0  # the latest comparison asked for: an older one is not shown
        self.setWindowTitle("Compare plans")
        self.resize(980, 680)
        layout = QVBoxLayout(self)
        options = QHBoxLayout()
        options.addWidget(QLabel("A clause counts when:"))
        self.rule_combo = QComboBox()
        self.rule_combo.addItem("any coder applied the category", "any")
        self.rule_combo.addItem("most coders who reviewed it did", "majority")
        self.rule_combo.addItem("the consensus applied it", "consensus")
        options.addWidget(self.rule_combo)
        options.addWidget(QLabel("Chart:"))
        self.measure_combo = QComboBox()
        self.measure_combo.addItem("share of the plan's clauses", "share")
        self.measure_combo.addItem("number of clauses", "count")
        options.addWidget(self.measure_combo)
        options.addStretch(1)
        layout.addLayout(options)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        split.addWidget(self.table)
        self.chart = GroupedBarChart()
        split.addWidget(self.chart)
        split.setSizes([260, 380])
        layout.addWidget(split, 1)

        buttons = QHBoxLayout()
        for text, slot in (
            ("Save chart as PNG…", self._ask_png),
            ("Save chart as SVG…", self._ask_svg),
            ("Export table as CSV…", self._ask_csv),
        ):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self.rule_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.measure_combo.currentIndexChanged.connect(lambda _: self._fill_chart())
        self.refresh()

    def refresh(self) -> None:
        """Re-read the project and recompute the comparison, through :meth:`Workspace.read`: at
        once locally; on a team server off the UI thread ("Comparing…" meanwhile; the latest
        choice of rule wins), a failure one line."""
        from annotator.services.exchange import export_exchange_dict

        rule, project = self.rule_combo.currentData(), self.workspace.project
        self._asked += 1
        asked = self._asked

        def read() -> Comparison:
            exchange = export_exchange_dict(project)
            if rule == "consensus":
                return compare_plans(exchange, consensus=True, rule="coder", source="project")
            return compare_plans(exchange, rule=rule, source="project")

        def show(comparison: Comparison) -> None:
            if asked == self._asked:
                self.comparison = comparison
                self.message.hide()
                self._fill_table()
                self._fill_chart()

        def failed(why: str) -> None:
            if asked == self._asked:
                self.comparison = None
                self.message.setText(f"Cannot compare: {why}")
                self.message.show()
                self.table.setRowCount(0)
                self.chart.set_data([], [], [], percent=True)

        if self.workspace.background:
            self.message.setText("Comparing…")
            self.message.show()
        self.workspace.read(read, show, title="Cannot compare", on_failed=failed, owner=self)

    def _fill_table(self) -> None:
        """Row 0 is each plan's number of clauses, the base of every share below it."""
        c = self.comparison
        assert c is not None
        self.table.setRowCount(len(c.categories) + 1)
        self.table.setColumnCount(len(c.plans))
        header = self.table.horizontalHeader()
        header.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        for col, p in enumerate(c.plans):
            title = p["title"] or p["key"][:12]
            item = QTableWidgetItem(title)
            item.setToolTip(f"{title}\n{p['clauses']} clauses\ndocument key {p['key']}")
            self.table.setHorizontalHeaderItem(col, item)
        self.table.setVerticalHeaderLabels(
            ["Clauses in the plan", *(name for _, name in c.categories)]
        )
        for col, plan in enumerate(c.plans):
            base = QTableWidgetItem(str(plan["clauses"]))
            base.setData(COUNT_ROLE, plan["clauses"])
            base.setToolTip("Every share in this column is of this many clauses")
            base.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            font = base.font()
            font.setBold(True)
            base.setFont(font)
            self.table.setItem(0, col, base)
        for row, (key, name) in enumerate(c.categories, start=1):
            for col, plan in enumerate(c.plans):
                count, share = c.counts[(key, plan["key"])], c.share(key, plan["key"])
                text = f"{count}" + (f"  ({share * 100:.0f}%)" if share is not None else "")
                item = QTableWidgetItem(text)
                item.setData(COUNT_ROLE, count)
                item.setData(SHARE_ROLE, share)
                item.setToolTip(f"{count} of {plan['clauses']} clauses tagged {name}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def _fill_chart(self) -> None:
        c = self.comparison
        if c is None:
            return
        percent = self.measure_combo.currentData() == "share"
        values = [
            [
                (c.share(key, p["key"]) or 0.0) if percent else float(c.counts[(key, p["key"])])
                for p in c.plans
            ]
            for key, _ in c.categories
        ]
        self.chart.set_data(
            [name for _, name in c.categories],
            [p["title"] or p["key"][:12] for p in c.plans],
            values,
            percent=percent,
        )

    # -- saving --------------------------------------------------------------------------------

    def _ask(self, title: str, name: str, pattern: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, title, name, pattern)
        return path

    def _ask_png(self) -> None:
        path = self._ask("Save chart as PNG", "plans.png", "PNG image (*.png)")
        if path and not self.chart.save_png(path):
            show_message(self, "Cannot save", f"{path}: the image could not be written")

    def _ask_svg(self) -> None:
        path = self._ask("Save chart as SVG", "plans.svg", "SVG image (*.svg)")
        if path and not self.chart.save_svg(path):
            show_message(self, "Cannot save", f"{path}: the image could not be written")

    def _ask_csv(self) -> None:
        if self.comparison is None:
            return
        path = self._ask("Export comparison as CSV", "plans.csv", "CSV (*.csv)")
        if not path:
            return
        try:
            out = io.StringIO(newline="")
            self.comparison.write_csv(out)
            save_file(path, out.getvalue())
        except OSError as exc:
            show_message(self, "Cannot export", f"{path}: {exc.strerror or exc}")
