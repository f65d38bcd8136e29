"""Clause text as readers expect it: markdown emphasis and headings shown, hard wraps reflowed.

Nothing here changes a character's position. :func:`reflow` replaces a line break inside a
paragraph by a space (one code point for one), and :func:`markup` only *describes* ranges
(markers to fade, words to embolden); the clause pane paints them with formats. So a selection in
the pane maps to the same code-point offsets as in the normalised text (Contract 1), and span
tags stay exact.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

Style = Literal["marker", "indent", "bold", "italic", "heading"]

# A line that starts a new block: a heading, a bullet, a numbered or lettered point, a blank line.
_STARTS_BLOCK = re.compile(r"[ \t]*(?:#{1,6}\s|[-*+•]\s|\(?\w{1,3}[.)]\s|\(\w{1,3}\)\s|(?=\n)|\Z)")
_HEADING = re.compile(r"^(#{1,6})([ \t]+)(.*)$", re.M)
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_ITALIC = re.compile(r"(?<![*\w])([*_])(?=\S)(.+?)(?<=\S)\1(?![*\w])", re.S)


class Mark(NamedTuple):
    """A range ``[start, end)`` of code points and how to show it."""

    start: int
    end: int
    style: Style


def reflow(text: str) -> str:
    """``text`` with each line break inside a paragraph shown as a space (same length).

    A break stays when the next line starts a block of its own (a heading, a bullet, a numbered
    or lettered point) or when the line is blank (a paragraph break).
    """
    out = list(text)
    for match in re.finditer("\n", text):
        i = match.start()
        line = text[text.rfind("\n", 0, i) + 1 : i]
        if not line.strip() or line.lstrip().startswith("#") or _STARTS_BLOCK.match(text, i + 1):
            continue
        out[i] = " "
    return "".join(out)


def markup(text: str) -> list[Mark]:
    """What to format in ``text``: heading lines, ``**bold**``, ``*italic*``, their markers, and
    the indentation of reflowed lines (shown narrow). Ranges are code points into ``text``."""
    marks: list[Mark] = []
    shown = reflow(text)
    for i, (a, b) in enumerate(zip(text, shown, strict=True)):
        if a == "\n" and b == " ":
            j = i + 1
            while j < len(text) and text[j] in " \t":
                j += 1
            if j > i + 1:
                marks.append(Mark(i + 1, j, "indent"))
    for m in _HEADING.finditer(text):
        marks.append(Mark(m.start(1), m.end(2), "marker"))
        marks.append(Mark(m.start(3), m.end(3), "heading"))
    taken: list[tuple[int, int]] = []
    for m in _BOLD.finditer(text):
        marks += [
            Mark(m.start(1), m.end(1), "marker"),
            Mark(m.start(2), m.end(2), "bold"),
            Mark(m.end(2), m.end(), "marker"),
        ]
        taken.append((m.start(), m.end()))
    for m in _ITALIC.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        if "\n\n" in m.group(2):
            continue  # emphasis never spans paragraphs
        marks += [
            Mark(m.start(1), m.end(1), "marker"),
            Mark(m.start(2), m.end(2), "italic"),
            Mark(m.end(2), m.end(), "marker"),
        ]
    return sorted(marks)


def without_markers(text: str) -> str:
    """``text`` as read, for places that show it plain (tables): the heading ``#``s and the
    emphasis ``*`` markers that :func:`markup` formats away are dropped."""
    drop = sorted((m.start, m.end) for m in markup(text) if m.style == "marker")
    out, at = [], 0
    for start, end in drop:
        if start >= at:
            out.append(text[at:start])
            at = end
    out.append(text[at:])
    return "".join(out)
