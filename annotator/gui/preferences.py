"""Preferences (Ctrl+,): text size, light or dark, the coder name to offer, blind mode for new
projects. Stored per user in QSettings and applied at start-up and on OK."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStyleFactory,
    QVBoxLayout,
    QWidget,
)

GROUP = "preferences"
THEMES = (("system", "As the system"), ("light", "Light"), ("dark", "Dark"))
BLIND_CHOICES = (
    ("auto", "On once the project has two coders (the default)"),
    ("on", "On from the start"),
    ("off", "Off"),
)


@dataclass(frozen=True)
class Preferences:
    """What the user chose; ``font_size`` 0 keeps the system's size."""

    font_size: int = 0
    theme: str = "system"
    default_coder: str = ""
    blind_new: str = "auto"


def load() -> Preferences:
    """The saved preferences (defaults for anything missing or unreadable)."""
    s = QSettings()
    try:
        size = int(str(s.value(f"{GROUP}/font_size", 0)))
    except ValueError:
        size = 0
    theme = str(s.value(f"{GROUP}/theme", "system"))
    blind = str(s.value(f"{GROUP}/blind_new", "auto"))
    return Preferences(
        font_size=size if 6 <= size <= 32 else 0,
        theme=theme if theme in dict(THEMES) else "system",
        default_coder=str(s.value(f"{GROUP}/default_coder", "")).strip(),
        blind_new=blind if blind in dict(BLIND_CHOICES) else "auto",
    )


def save(prefs: Preferences) -> None:
    s = QSettings()
    s.setValue(f"{GROUP}/font_size", prefs.font_size)
    s.setValue(f"{GROUP}/theme", prefs.theme)
    s.setValue(f"{GROUP}/default_coder", prefs.default_coder)
    s.setValue(f"{GROUP}/blind_new", prefs.blind_new)


def dark_palette() -> QPalette:
    """A dark palette whose text reads at more than 7:1 on its bases."""
    p = QPalette()
    colors = {
        QPalette.ColorRole.Window: "#2b2d30",
        QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1e1f22",
        QPalette.ColorRole.AlternateBase: "#26282b",
        QPalette.ColorRole.Text: "#e8e8e8",
        QPalette.ColorRole.PlaceholderText: "#a0a4aa",
        QPalette.ColorRole.Button: "#35383c",
        QPalette.ColorRole.ButtonText: "#e8e8e8",
        QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#35383c",
        QPalette.ColorRole.ToolTipText: "#e8e8e8",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.Mid: "#55585d",
    }
    for role, color in colors.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7d8188"))
    return p


def apply(app: QApplication, prefs: Preferences) -> None:
    """Apply text size and theme to the running application."""
    system = app.property("annotatorSystemFont")
    if not isinstance(system, QFont):
        system = QFont(app.font())
        app.setProperty("annotatorSystemFont", system)
    font = QFont(system)
    if prefs.font_size:
        font.setPointSize(prefs.font_size)
    app.setFont(font)
    if prefs.theme == "system":
        style = app.property("annotatorSystemStyle")
        if isinstance(style, str) and style:
            app.setStyle(style)
            app.setPalette(app.style().standardPalette())
        return
    if not app.property("annotatorSystemStyle"):
        app.setProperty("annotatorSystemStyle", app.style().name())
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    app.setPalette(dark_palette() if prefs.theme == "dark" else app.style().standardPalette())


def apply_saved(app: QApplication) -> None:
    """At start-up: the saved preferences, if any differ from the defaults."""
    prefs = load()
    if prefs != Preferences():
        apply(app, prefs)


class PreferencesDialog(QDialog):
    """Edit the preferences; OK saves and applies them at once."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("preferences")
        self.setWindowTitle("Preferences")
        prefs = load()
        self.font_size = QSpinBox(self)
        self.font_size.setObjectName("fontSize")
        self.font_size.setRange(5, 32)
        self.font_size.setSpecialValueText("As the system")  # shown at the minimum, 5
        self.font_size.setSuffix(" pt")
        self.font_size.setValue(prefs.font_size or 5)
        self.theme = QComboBox(self)
        self.theme.setObjectName("theme")
        for key, text in THEMES:
            self.theme.addItem(text, key)
        self.theme.setCurrentIndex(self.theme.findData(prefs.theme))
        self.coder = QLineEdit(prefs.default_coder, self)
        self.coder.setObjectName("defaultCoder")
        self.coder.setPlaceholderText("offered when a project asks who is coding")
        self.blind = QComboBox(self)
        self.blind.setObjectName("blindNew")
        for key, text in BLIND_CHOICES:
            self.blind.addItem(text, key)
        self.blind.setCurrentIndex(self.blind.findData(prefs.blind_new))
        form = QFormLayout()
        form.addRow("Text &size:", self.font_size)
        form.addRow("&Theme:", self.theme)
        form.addRow("Default &coder:", self.coder)
        form.addRow("&Blind mode in new projects:", self.blind)
        note = QLabel(
            "Blind mode keeps each coder's work from the others. A project's own setting "
            "(Review ▸ Blind mode) always wins; this chooses it for projects made here.",
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def chosen(self) -> Preferences:
        size = self.font_size.value()
        return Preferences(
            font_size=0 if size == self.font_size.minimum() else size,
            theme=str(self.theme.currentData()),
            default_coder=self.coder.text().strip(),
            blind_new=str(self.blind.currentData()),
        )

    def accept(self) -> None:
        prefs = self.chosen()
        save(prefs)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply(app, prefs)
        super().accept()
