"""Colour helpers: readable chip text on any category colour, soft span highlights."""

from __future__ import annotations

from PySide6.QtGui import QColor


def _channel(value: float) -> float:
    # sRGB to linear light, as WCAG 2 defines relative luminance.
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(color: QColor) -> float:
    """WCAG relative luminance of ``color`` (0 = black, 1 = white)."""
    r, g, b = (_channel(c) for c in (color.redF(), color.greenF(), color.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    black, white = QColor(0, 0, 0), QColor(255, 255, 255)
    if contrast_ratio(background, black) >= contrast_ratio(background, white):
        return black
    return white


def readable_on(background: QColor, ink: QColor, ratio: float = 4.5) -> QColor:
    """The softest mix of ``ink`` into ``background`` that still reads at ``ratio`` (WCAG AA for
    text is 4.5:1): muted text that is never too faint. Falls back to ``ink`` itself."""
    for step in range(40, 101, 5):
        t = step / 100
        mixed = QColor.fromRgbF(
            background.redF() + (ink.redF() - background.redF()) * t,
            background.greenF() + (ink.greenF() - background.greenF()) * t,
            background.blueF() + (ink.blueF() - background.blueF()) * t,
        )
        if contrast_ratio(mixed, background) >= ratio:
            return mixed
    return QColor(ink)


def span_background(color: QColor, alpha: int = 90) -> QColor:
    """A translucent version of a category colour for highlighting text on light or dark bases."""
    soft = QColor(color)
    soft.setAlpha(alpha)
    return soft


def category_color(hex_color: str | None) -> QColor:
    """The QColor of a codebook colour string, grey when it is missing or invalid."""
    color = QColor(hex_color or "")
    return color if color.isValid() else QColor("#808080")
