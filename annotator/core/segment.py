"""Automatic segmentation of a plan's normalised text into clauses (Contract 1).

The segmenter is pure and deterministic. It works in two passes over the lines of one text:

1. **The points.** Every number that could be a point is a candidate: at a line start (``1.``
   ``1)`` ``(1)`` ``1.º`` ``**5.**`` ``Point 1:`` ``Пункт 1.`` ``14 –`` and ``10 [`` before an
   editorial insertion) or inside a line after sentence punctuation, a closing bracket or an
   editorial mark (``… forces. 5. The …``, ``… [B] 6. …``, ``… [...truncated] 7. …``). For each
   numbering style the longest plausible chain is chosen by dynamic programming: numbers rise,
   a forward jump (a point missing from the source) costs a little per missing number and at most
   30 may be missing at once, a text may start late (an excerpt from point 9) when at least three
   points follow each other, a number may repeat (``4.`` twice), and the numbering may start again
   at 1 (an annex). Years, amounts and quoted numbers ("2026.", "600,000", "Article 5", "point 7
   says") never fit such a chain. The chain of the style that scores best gives the points; a
   number written in another style ("14)" or "14 –" among "N." points, "10 [There will be] …")
   fills a hole of that chain when its number belongs there. Lines numbered without any letter
   after the number ("3. 750,000 1,000") are rows of a table of figures, never points.
2. **The clauses.** One pass over the lines keeps a stack of the open sequences (the point, its
   sub-points, deeper levels, bullets) and cuts a clause at every accepted marker. Under a point
   these markers nest: letters ``a.`` ``a)`` ``(a)`` (also capitals and Cyrillic ``а)`` ``б)``),
   roman numerals ``i.`` ``(ii)`` (``(i)`` is a letter only when it continues ``(h)``), numbers of
   a style other than the points' (``(1)`` under ``2.``), decimal sub-points (``12.1.`` or
   ``12.1`` under point 12 only, so "2.5 billion" stays text) and bullets ``-`` ``•`` ``*``
   ``–`` ``—`` ``▪`` ``◦`` ``‣``. A nested marker is accepted when it continues an open sequence
   (the next letter, whatever its brackets: ``a) … (b) …``) or starts one (``a``, ``i``, ``а``,
   ``1``), so sub-points restart under every point. Inside a line a sub-point starts after a colon
   ("including: a) … (b) …") and continues after any space. Without numbered points, a text
   whose items are lettered or roman (``I.`` ``II.``) takes those as its points. Bullets that run
   together on one line (a copy that lost its line breaks) are cut when the evidence is clear: the
   glyph that starts a bullet line again later in that line ("• roads • bridges"), or in a point's
   text one glyph at least twice ("1. It funds: • roads • bridges"). A dash or ``*`` counts only
   after the end of a sentence or a colon ("… accounts. - its projects."), never as a dash inside a
   sentence ("a board - two from each side - meets"), and "a; b; c" has no bullets.

Labels: a point is labelled with its own number (``"17"``, even when 13-16 are missing). Labels are
unique within a document, by these rules: when the numbering starts again at 1, the points of the
k-th run are prefixed ``"k:"`` (``"2:1"``, ``"2:1.a"``); a number the text repeats gets the
suffix ``bis``, ``ter``, ``quater``... (``"4bis"``); sub-points join their sequence's values with
dots (``"10.b"``, ``"10.b.ii"``, ``"5.1"``); bullets are counted under their item (``"5.•1"``,
``"5.•2"``, whatever the bullet character) or, outside any item, through the whole document
(``"•1"``, ``"•2"``). Any clash left (a heading labelled like another) gets the same ``bis`` suffix.
Edits keep the rule (:mod:`annotator.core.labels`): splitting ``"5"`` labels the second part
``"5bis"`` (or the next free suffix), joining ``"5"`` and ``"6"`` gives ``"5–6"``, and a split
joined back is ``"5"`` again.

Headings (kind ``heading``, labelled ``"H1"``, ``"H2"``... in order): a markdown ``#`` line; a line
in ALL CAPS (at least two letters, at most 100 characters); a line wholly in ``**bold**``; a short
line (at most 80 characters and 10 words, capitalised, no final ``. , ; : ! ? …``, no ``|``)
that starts a paragraph and is followed by a blank line, the end of text, or a marker; a
capital-letter or capital-roman item whose text looks like a heading ("II. SECURITY GUARANTEES").
A bracketed qualifier closing a title ("Framework for a Settlement (working translation)", "…
[unofficial text]") is the copy's: the title is measured without it (when the whole line is too
long, only a Title Case or short title counts); a qualifier on its own line or paragraph under
the title joins the heading; and the text's first line with such a qualifier is a heading even
with its preamble straight under it (no blank line), when that starts a sentence.
A heading closes the sub-points but keeps the point sequence.

Footnotes: numbered notes after the last point (``1. The 72 hours were added …``) are the copy's
apparatus, not an annex. When the numbering starts again at 1 after the last point under a heading
such as "Notes", "Footnotes", "Sources" (or "Примечания", "Примітки"), or when every one of its
numbers is a footnote mark in the text above (``… signing.[1]``, ``… Republic.¹``), those lines are
text: the notes are kept as one unlabelled part (``"¶1"``, kind ``paragraph``) after the last point,
never inside its text (a tag on point 6 must not cover the translator's notes) and never as points
``"2:1"``, ``"2:2"``, which would count them among the plan's points. A note says so. Without a
notes heading or marks, a fresh numbering is an annex (``"2:1"``).

Front matter: when the numbering starts again at 1 after its first run, and that run is a table of
contents (every line ends with its page: "1. Ceasefire ...... 2") or a list inside the preamble's
sentence (every item starts in lower case: "recalling: 1. the Charter; 2. …"), those lines are
text and the plan's points keep their own numbers ("1", not "2:1"). A note says so.

Copies' defects: invisible characters (zero-width space, direction marks, a stray BOM) before a
marker and no-break spaces around it are passed over; "Art. 2" continues "Article 1" and "§ 3"
is a header like "Article 3"; a number misread by OCR ("1O.", "l2.") is the point the numbering
needs there; numbers with no delimiter ("1 The …", never "1 March 2026") are points when at least
three such lines alone make the numbering; a point an amendment inserted ("2a.", "3bis.") after
the point of its number is a point labelled as written. Page headers and footers ("Page 3 of
12", "- 3 -") belong to no clause and a point they interrupt goes on after them.

Text that belongs to no marker: a line continues the current clause unless it starts a paragraph
(after a blank line or a heading). A paragraph after a blank line is its own clause unless the
current item has no text yet ("Article 7" on its own line takes the next paragraph) or the paragraph
is indented under a list item. Unmarked paragraphs before the first point are ``"Preamble"``,
``"Preamble ¶2"``... (kind ``preamble``); other unmarked paragraphs are ``"¶1"``, ``"¶2"``...
(kind ``paragraph``). A text with no markers at all falls back to paragraphs split on blank lines;
single newlines stay inside a paragraph. Lines made only of ``-`` ``*`` ``_`` ``=`` ``~`` (rules,
setext underlines) separate paragraphs and belong to no clause. Offsets are code points; every
clause starts at its marker, ends at the last non-space character of its text, and clauses never
overlap.

Notes (:func:`segment_plan`): what the segmenter noticed and a coder should know before coding --
points missing from the text, a late start, repeated numbers, a restart of the numbering,
footnotes, points written in another style, points that run together on one line, a table of
figures, numbering it could not follow, and the fall-back to paragraphs. Mode ``"paragraphs"``
ignores every marker and cuts at blank lines only.
"""

from __future__ import annotations

import bisect
import gc
import re
from dataclasses import dataclass

from annotator.core.labels import unique as _unique
from annotator.core.segment_markers import (
    AFTER_GLYPH,
    AFTER_TEXT,
    BREAKS,
    BULLET,
    BULLET_AFTER,
    BULLET_GLYPHS,
    CLOSERS,
    DIGIT_PAREN,
    FAMILY_RANK,
    HAS_LETTER,
    HOMOGLYPHS,
    INLINE,
    LINE_BREAK,
    LINE_MARKER,
    LIST_KINDS,
    LOOSE_SUB,
    LOOSE_SUB_NUMBER,
    MD_HEADING,
    NUMERIC,
    OTHER_BREAK,
    PAGE_FURNITURE,
    QUALIFIER,
    QUALIFIER_LINE,
    RULE,
    SENTENCE_END,
    STRONG_BULLETS,
    Interp,
    Style,
    Value,
    interpret,
    is_first,
    is_next,
    kw_header,
    level_rank,
    looks_like_heading,
    lstrip_invisible,
    same_sequence,
    title_like,
)
from annotator.core.segment_points import PointFinder, Top
from annotator.core.segment_result import MODES, Clause, Note, Segmentation

__all__ = ["MODES", "Clause", "Note", "Segmentation", "segment", "segment_plan"]


# -- pass 2: the clauses ------------------------------------------------------------------------


@dataclass(slots=True)
class _Level:
    style: Style
    value: Value
    display: str


@dataclass(slots=True)
class _Open:
    start: int
    end: int
    label: str
    kind: str
    has_body: bool


def _twin(level: _Level) -> tuple[Style, Value] | None:
    """The level's letter in the other alphabet when it looks the same ("a" and "а")."""
    family = level.style[0]
    if family == "lat" and isinstance(level.value, int) and 1 <= level.value <= 26:
        twin = HOMOGLYPHS.get(chr(level.value + 96))
        return (("cyr", level.style[1]), twin) if twin is not None else None
    if family == "cyr" and isinstance(level.value, str):
        twin = HOMOGLYPHS.get(level.value)
        return (("lat", level.style[1]), ord(twin) - 96) if twin is not None else None
    return None


class _Segmenter:
    """One pass over the lines of one text; see the module docstring for the rules."""

    def __init__(self, text: str):
        self.text = text
        self.out: list[_Open] = []
        self.cur: _Open | None = None
        self.stack: list[_Level] = []
        self.headings = 0
        self.bullets: dict[str, int] = {}
        self.tops: dict[int, Top] = {}
        self.top_positions: list[int] = []
        self.inline_positions: list[int] = []
        self.inline_info: list[tuple[int, bool]] = []  # where the punctuation is, is it a colon
        self.has_points = False
        self.footnotes: set[int] = set()
        self.notes: list[Note] = []
        self.run_on_bullets: list[str] = []  # labels of bullets cut inside a line
        self.bullet_positions: list[int] = []  # glyphs that may start a bullet inside a line
        # Where the spaces before each start, where the sentence's end before them is (or -1),
        # and the glyph.
        self.bullet_info: list[tuple[int, int, str]] = []

    # -- clause bookkeeping -------------------------------------------------------------------
    def _open(self, start: int, end: int, label: str, kind: str, has_body: bool) -> None:
        self.cur = _Open(start, end, label, kind, has_body)
        self.out.append(self.cur)

    def _trim_before(self, pos: int) -> int:
        text = self.text
        while pos > 0 and text[pos - 1].isspace():
            pos -= 1
        return pos

    def _tops_in(self, lo: int, hi: int) -> list[int]:
        i = bisect.bisect_left(self.top_positions, lo)
        j = bisect.bisect_left(self.top_positions, hi)
        return self.top_positions[i:j]

    # -- markers --------------------------------------------------------------------------------
    def _accept(
        self,
        interps: list[Interp],
        line_start: bool,
        after_colon: bool,
        loose: bool = False,
        numbers: bool = False,
    ) -> tuple[str, int, Interp] | None:
        stack = self.stack
        for depth in range(len(stack) - 1, -1, -1):
            level = stack[depth]
            for interp in interps:
                numeric = interp[0][0] in NUMERIC
                if numeric and self.has_points and depth == 0:
                    continue  # the points come from pass 1 only
                if loose and numeric and not (numbers and depth > 0):
                    continue  # a loose number only goes on with a numbered sub-list
                if same_sequence(level.style, interp[0]) and is_next(
                    interp[0], level.value, interp[1]
                ):
                    return "continue", depth, interp
                twin = _twin(level)
                if (
                    twin is not None
                    and interp[0][0] == twin[0][0]
                    and is_next(interp[0], twin[1], interp[1])
                ):
                    level.style = interp[0]  # "a)" was typed in Latin: "б)" goes on
                    return "continue", depth, interp
        if not (line_start or after_colon):
            return None
        for interp in interps:
            style = interp[0]
            if not is_first(style, interp[1]):
                continue
            if style[0] == "dec" and (not stack or str(stack[0].value) != style[1]):
                continue  # "12.1." only under point 12
            if self.has_points:
                # Under a point only: letters, roman numerals, numbers of another style, and at a
                # line start a list numbered afresh in the points' own style ("14. … as
                # follows:" then "1. …", "2. …" -- 14.1, 14.2).
                if not stack:
                    continue
                nested_afresh = line_start and style[0] == "num" and stack[0].style[0] == "num"
                if level_rank(style) <= level_rank(stack[0].style) and not nested_afresh:
                    continue
            elif style[0] in NUMERIC:
                continue  # no numbering was found in pass 1: numbers are text
            if line_start:
                for depth in range(len(stack) - 1, 0 if self.has_points else -1, -1):
                    if same_sequence(stack[depth].style, style):
                        return "restart", depth, interp
                return "push", -1, interp
            if level_rank(style) >= 2:  # inline starts only for ")" "(1)" letters and roman
                return "push", -1, interp
        return None

    def _apply(self, mode: str, depth: int, interp: Interp) -> tuple[str, str]:
        style, value, display = interp
        stack = self.stack
        if mode == "push":
            rank = level_rank(style)
            floor = 1 if self.has_points else 0
            while len(stack) > floor and level_rank(stack[-1].style) >= rank:
                stack.pop()
            stack.append(_Level(style, value, display))
        else:
            del stack[depth + 1 :]
            stack[depth].value = value
            stack[depth].display = display
        kind = "point" if len(stack) == 1 else "subpoint"
        return ".".join(level.display for level in stack), kind

    def _top(self, top: Top) -> str:
        self.stack[:] = [_Level(top.style, top.value, top.label)]
        return top.label

    def _bullet(self, char: str) -> str:
        stack = self.stack
        style: Style = ("bul", char)
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].style[0] == "bul":
                del stack[depth:]
                break
        else:
            while stack and level_rank(stack[-1].style) >= FAMILY_RANK["bul"]:
                stack.pop()
        parent = ".".join(lv.display for lv in stack)
        # Counted under their item whatever the bullet character, so their labels stay distinct.
        count = self.bullets.get(parent, 0) + 1
        self.bullets[parent] = count
        stack.append(_Level(style, count, f"•{count}"))
        return ".".join(lv.display for lv in stack)

    def _find_inline_bullets(self) -> None:
        """Every glyph inside a line that may start a bullet (spaces around it, text after it),
        found glyph by glyph with ``str.find``: a regex over the whole text would cost a tenth of
        the segmenter's time on a long plan, and most texts hold none."""
        text = self.text
        found: list[tuple[int, int, int, str]] = []
        for g in BULLET_GLYPHS:
            i = text.find(g, 1)
            while i >= 0:
                if text[i - 1] in " \t" and AFTER_GLYPH.match(text, i + 1) is not None:
                    j = i - 1
                    while j >= 0 and text[j] in " \t":
                        j -= 1
                    k = j
                    while k >= 0 and text[k] in CLOSERS:
                        k -= 1
                    punct = k if k >= 0 and text[k] in BULLET_AFTER else -1
                    found.append((i, j + 1, punct, g))
                i = text.find(g, i + 1)
        found.sort()
        self.bullet_positions = [f[0] for f in found]
        self.bullet_info = [(f[1], f[2], f[3]) for f in found]

    def _run_on_bullets(self, start: int, end: int, glyph: str) -> list[int]:
        """Where bullets run on within ``text[start:end]``: after a bullet ``glyph`` that starts
        the line, the same glyph again; in a point's text (``glyph`` is ``AFTER_TEXT``), a glyph
        found at least twice. Dashes and "*" count only after a sentence's end or a colon."""
        marks = self.bullet_positions
        i = bisect.bisect_left(marks, start)
        found: dict[str, list[int]] = {}
        while i < len(marks) and marks[i] < end:
            spaces, punct, g = self.bullet_info[i]
            if spaces >= start and (punct >= start or g in STRONG_BULLETS):
                found.setdefault(g, []).append(marks[i])
            i += 1
        if glyph != AFTER_TEXT:
            return found.get(glyph, [])
        return sorted(p for positions in found.values() if len(positions) >= 2 for p in positions)

    def _scan_inline(self, start: int, end: int, bullet: str = "") -> None:
        """Cut points, sub-points and bullets that run on within ``text[start:end]`` (one line);
        ``bullet`` is the glyph that started the line, or ``AFTER_TEXT`` after a point's marker
        (see :meth:`_run_on_bullets`)."""
        text = self.text
        events: list[
            tuple[int, int, bool]
        ] = []  # position, 0 point / 1 after punctuation / 2 loose / 3 bullet / 4 number
        tops = self.top_positions
        i = bisect.bisect_left(tops, start)
        while i < len(tops) and tops[i] < end:
            events.append((tops[i], 0, False))
            i += 1
        marks = self.inline_positions
        j = bisect.bisect_left(marks, start)
        while j < len(marks) and marks[j] < end:
            punct_at, colon = self.inline_info[j]
            if punct_at >= start:
                events.append((marks[j], 1, colon))
            j += 1
        if text.find(")", start, end) >= 0:
            events.extend((m.start("m"), 2, False) for m in LOOSE_SUB.finditer(text, start, end))
            if DIGIT_PAREN.search(text, start, end) is not None:
                for m in LOOSE_SUB_NUMBER.finditer(text, start, end):
                    events.append((m.start("m"), 4, False))
        if bullet:
            events.extend((p, 3, False) for p in self._run_on_bullets(start, end, bullet))
        if not events:
            return
        events.sort()
        pos = start
        for mpos, how, colon in events:
            if mpos < pos:
                continue
            if how == 0:
                pos = self._cut_top(mpos, end)
                continue
            if how == 3:
                label = self._bullet(text[mpos])
                self._cut(mpos, end, label, "bullet")
                self.run_on_bullets.append(label)
                pos = mpos + 1
                continue
            marker = LINE_MARKER.match(text, mpos, end)
            if marker is None:
                continue
            interps = interpret(marker)
            decision = self._accept(interps, False, colon, loose=how in (2, 4), numbers=how == 4)
            if decision is None and self._list_follows(interps, marker.end(), end):
                decision = self._accept(interps, False, True)  # "including a) … b) …"
            if decision is None:
                continue
            label, kind = self._apply(*decision)
            self._cut(mpos, end, label, kind)
            pos = marker.end()

    def _list_follows(self, interps: list[Interp], after: int, end: int) -> bool:
        """An inline "a)" or "(a)" with no colon before it starts a list when "b)" or "(b)"
        follows on the same line."""
        if not self.stack or self.stack[-1].style[0] == "bul":
            return False
        for (family, delim), value, _ in interps:
            if family not in ("lat", "cyr") or delim not in (")", "()") or value not in (1, "а"):
                continue
            following = "b" if family == "lat" else "б"
            found = re.search(rf"[ \t]\(?{following}\)(?=\s)", self.text[after:end])
            return found is not None
        return False

    def _cut(self, pos: int, end: int, label: str, kind: str) -> None:
        if self.cur is not None:
            self.cur.end = self._trim_before(pos)
            self.cur.has_body = True
        self._open(pos, end, label, kind, True)

    def _cut_top(self, pos: int, end: int) -> int:
        top = self.tops[pos]
        self._cut(pos, end, self._top(top), "point")
        return top.end

    # -- lines ------------------------------------------------------------------------------------
    def _is_marker_line(self, line: str) -> bool:
        body = lstrip_invisible(line)
        return bool(LINE_MARKER.match(body) or BULLET.match(body) or MD_HEADING.match(body))

    def _heading(self, start: int, end: int) -> None:
        self.headings += 1
        del self.stack[1:]
        self._open(start, end, f"H{self.headings}", "heading", True)

    def run(self, mode: str = "auto") -> Segmentation:
        text = self.text
        lines: list[tuple[int, int]] = []
        pos = 0
        if OTHER_BREAK.search(text) is None:
            for line in text.split("\n"):
                lines.append((pos, pos + len(line)))
                pos += len(line) + 1
        else:
            for m in LINE_BREAK.finditer(text):
                lines.append((pos, m.start()))
                pos = m.end()
            lines.append((pos, len(text)))
        if mode == "paragraphs":
            return self._paragraphs(lines)
        matches: list[re.Match[str] | None] = []
        leads: list[int] = []  # where each line's text starts (its end when blank)
        match = LINE_MARKER.match
        for ls, le in lines:
            lead = le - len(lstrip_invisible(text[ls:le]))
            leads.append(lead)
            matches.append(match(text, lead, le) if lead < le else None)
        inline = list(INLINE.finditer(text))
        finder = PointFinder(text, lines)
        finder.run(matches, leads, inline)
        self.tops = finder.tops
        self.footnotes = finder.footnotes
        self.top_positions = sorted(finder.tops)
        self.has_points = bool(finder.tops)
        self._find_inline_bullets()
        for m in inline:
            if m["p"] is not None and m["ln"] is None:  # nested markers follow punctuation
                self.inline_positions.append(m.start("m"))
                self.inline_info.append((m.start(), m["p"] == ":"))

        blank_before = True
        prev_heading = False
        prev_end_char = ""
        furniture = 0
        running, firsts = self._running_heads(lines, matches, leads)
        for idx, (ls, le) in enumerate(lines):
            line = text[ls:le]
            body = lstrip_invisible(line)
            if not body or RULE.fullmatch(line):
                blank_before = True
                continue
            if PAGE_FURNITURE.fullmatch(body.rstrip()) or (
                body.rstrip() in running and idx not in firsts
            ):
                furniture += 1
                continue
            lead = le - len(body)
            content_end = ls + len(line.rstrip())
            para_start = blank_before or prev_heading or self.cur is None
            was_blank = blank_before
            blank_before = False
            prev_heading = False
            end_char = text[content_end - 1]
            handled = self._marker_line(body, lead, content_end, matches[idx])
            if handled == "heading":
                prev_heading = True
            elif not handled:
                kind = self._text_line(
                    lines, idx, body, lead, content_end, para_start, was_blank, prev_end_char
                )
                prev_heading = kind == "heading"
            prev_end_char = end_char
        clauses = self._finish()
        notes = finder.notes
        if furniture:
            notes = [
                *notes,
                Note(
                    "page_furniture",
                    f"{furniture} page header{'s' if furniture > 1 else ''} or footer"
                    f'{"s" if furniture > 1 else ""} ("Page 3 of 12") left out of the clauses',
                ),
            ]
        if self.run_on_bullets:
            shown = self.run_on_bullets
            notes = [
                *notes,
                Note(
                    "run_together",
                    f"bullet{'s' if len(shown) > 1 else ''} {', '.join(shown[:12])}"
                    f"{' …' if len(shown) > 12 else ''} "
                    "run on in one line with the item before (line breaks lost in the copy?)",
                ),
            ]
        if not any(c.kind in LIST_KINDS for c in clauses) and clauses:
            paragraphs = sum(c.kind == "paragraph" for c in clauses)
            notes = [
                *notes,
                Note(
                    "paragraphs",
                    f"no numbered points found: the text is cut into {paragraphs} paragraphs",
                ),
            ]
        return Segmentation(clauses, notes)

    def _running_heads(
        self, lines: list[tuple[int, int]], matches: list[re.Match[str] | None], leads: list[int]
    ) -> tuple[set[str], set[int]]:
        """A page's running header left in a PDF's text: the title's line again, or a line in
        capitals three times or more. Returns those lines and where each first stands (that one
        is the title; the others are page furniture)."""
        text = self.text
        seen: dict[str, list[int]] = {}
        title = ""
        for idx, (_, le) in enumerate(lines):
            if matches[idx] is not None or le - leads[idx] > 100 or leads[idx] == le:
                continue
            body = text[leads[idx] : le].rstrip()
            title = title or body
            seen.setdefault(body, []).append(idx)
        running: set[str] = set()
        firsts: set[int] = set()
        for body, where in seen.items():
            capitals = body.upper() == body and HAS_LETTER.search(body) is not None
            if looks_like_heading(body) and (
                (len(where) >= 2 and body == title) or (len(where) >= 3 and capitals)
            ):
                running.add(body)
                firsts.add(where[0])
        return running, firsts

    def _paragraphs(self, lines: list[tuple[int, int]]) -> Segmentation:
        text = self.text
        start = end = -1
        for ls, le in lines:
            line = text[ls:le]
            if not line.strip() or RULE.fullmatch(line):
                if start >= 0:
                    self._open(start, end, "", "paragraph", True)
                    start = -1
                continue
            if start < 0:
                start = le - len(line.lstrip())
            end = ls + len(line.rstrip())
        if start >= 0:
            self._open(start, end, "", "paragraph", True)
        clauses = self._finish(preamble=False)
        note = Note(
            "paragraphs", f"paragraphs only: the text is cut into {len(clauses)} paragraphs"
        )
        return Segmentation(clauses, [note])

    def _finish(self, preamble: bool = True) -> list[Clause]:
        clauses: list[Clause] = []
        first_point = next((i for i, c in enumerate(self.out) if c.kind == "point"), None)
        if not preamble:
            first_point = None
        n_preamble = 0
        paragraphs = 0
        used: set[str] = set()
        for i, c in enumerate(self.out):
            label, kind = c.label, c.kind
            if kind == "paragraph":
                if first_point is not None and i < first_point:
                    n_preamble += 1
                    kind = "preamble"
                    label = "Preamble" if n_preamble == 1 else f"Preamble ¶{n_preamble}"
                else:
                    paragraphs += 1
                    label = f"¶{paragraphs}"
            if label in used:
                label = _unique(label, used)
            used.add(label)
            clauses.append(Clause(label, c.start, c.end, kind))
        return clauses

    def _marker_line(self, body: str, lead: int, content_end: int, m: re.Match[str] | None) -> str:
        """Handle a line that starts with a marker; return "item", "heading" or "" if it is text."""
        if lead in self.footnotes:
            return ""  # a footnote's number: text, not a sub-point of the last point
        top = self.tops.get(lead)
        if top is not None:
            label = self._top(top)
            rest = self.text[top.end : content_end].strip()
            self._open(lead, content_end, label, "point", bool(rest))
            self._scan_inline(top.end, content_end, AFTER_TEXT)
            return "item"
        rest = ""
        if m is not None:
            rest = self.text[m.end() : content_end].strip()
            if m["kw"] is not None and not kw_header(m, rest):
                m = None  # "Article 5 of the Washington Treaty": a reference, not a marker
        if m is not None:
            interps = interpret(m)
            capitals = interps and all(i[0][0] in ("LAT", "ROM", "CYR") for i in interps)
            if capitals and rest and looks_like_heading(rest):
                self._heading(lead, content_end)
                return "heading"
            figures = bool(interps) and interps[0][0][0] == "num" and not HAS_LETTER.search(rest)
            decision = None if figures else self._accept(interps, True, False)
            if decision is not None:
                label, kind = self._apply(*decision)
                self._open(lead, content_end, label, kind, bool(rest))
                self._scan_inline(m.end(), content_end, AFTER_TEXT)
                return "item"
        if MD_HEADING.match(body) and not self._tops_in(lead, content_end):
            self._heading(lead, content_end)
            return "heading"
        b = BULLET.match(body)
        if b is not None:
            label = self._bullet(b["bullet"])
            self._open(lead, content_end, label, "bullet", True)
            self._scan_inline(lead + b.end(), content_end, b["bullet"])
            return "item"
        return ""

    def _text_line(
        self,
        lines: list[tuple[int, int]],
        idx: int,
        body: str,
        lead: int,
        content_end: int,
        para_start: bool,
        was_blank: bool,
        prev_end_char: str,
    ) -> str:
        """Handle a line without a marker; return the kind of clause it went to."""
        cur = self.cur
        text = self.text
        in_item = cur is not None and cur.kind in LIST_KINDS
        stripped = body.rstrip()
        bold = stripped.startswith(("**", "__")) and stripped.endswith(("**", "__"))
        may_head = not self._tops_in(lead, content_end) and lead not in self.footnotes
        if para_start:
            indented = lead > 0 and text[lead - 1] not in BREAKS
            if in_item and cur is not None and (not cur.has_body or (indented and was_blank)):
                return self._continue(lead, content_end)
            if (  # "(working translation)" under its title, as its next line or paragraph
                cur is not None
                and cur.kind == "heading"
                and QUALIFIER_LINE.fullmatch(body)
                and (not was_blank or self._heading_context(lines, idx, body))
            ):
                return self._continue(lead, content_end)
            if (
                may_head
                and looks_like_heading(body)
                and (bold or self._heading_context(lines, idx, body))
            ):
                self._heading(lead, content_end)
                return "heading"
            self._open(lead, content_end, "", "paragraph", True)
            self._scan_inline(lead, content_end)
            return self.cur.kind if self.cur is not None else "paragraph"
        if (
            may_head
            and prev_end_char in SENTENCE_END
            and (bold or body.upper() == body)
            and looks_like_heading(body)
        ):
            self._heading(lead, content_end)
            return "heading"
        return self._continue(lead, content_end)

    def _heading_context(
        self, lines: list[tuple[int, int]], idx: int, body: str, title: str = ""
    ) -> bool:
        """ALL CAPS anywhere; a short line only when a blank line, the end or a marker follows."""
        if body.upper() == body:
            return True
        if idx + 1 >= len(lines):
            return True
        ns, ne = lines[idx + 1]
        following = self.text[ns:ne]
        if QUALIFIER_LINE.fullmatch(following):  # the title's qualifier on its own line
            return self._heading_context(lines, idx + 1, following, title or body)
        if PAGE_FURNITURE.fullmatch(following.strip()):
            return self._heading_context(lines, idx + 1, body, title)
        if not following.strip() or self._is_marker_line(following):
            return True
        # The copy's title with its qualifier, the preamble straight under it: only as the
        # first line of the text, and only before a new sentence.
        if not title:
            qualifier = QUALIFIER.search(body.rstrip())
            title = body[: qualifier.start()] if qualifier is not None else ""
        return (
            self.cur is None
            and title_like(title.strip("*_ \t"))
            and following.lstrip()[:1].isupper()
        )

    def _continue(self, lead: int, content_end: int) -> str:
        cur = self.cur
        assert cur is not None
        cur.end = content_end
        cur.has_body = True
        self._scan_inline(lead, content_end)
        return self.cur.kind if self.cur is not None else "paragraph"


def segment_plan(text: str, mode: str = "auto") -> Segmentation:
    """Split normalised ``text`` into clauses with notes (rules: the module docstring).

    ``mode`` is ``"auto"`` (the rules) or ``"paragraphs"`` (blank lines only).
    """
    if mode not in MODES:
        raise ValueError(f"unknown segmentation mode {mode!r} (expected one of {MODES})")
    # Tens of thousands of small objects and no cycles: the cyclic collector would only walk
    # them again and again (a third of the time on a 10,000-point plan).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Segmenter(text).run(mode)
    finally:
        if collecting:
            gc.enable()


def segment(text: str) -> list[Clause]:
    """Split normalised ``text`` into clauses sorted by start (rules: the module docstring)."""
    return segment_plan(text).clauses
