"""Automatic segmentation of a plan's normalised text into clauses (Contract 1).

The segmenter is pure and deterministic: it reads the text line by line once, keeps a stack of the
numbering sequences that are open (points, sub-points, deeper levels, bullets) and cuts a clause
wherever a marker is accepted. Offsets are code points; every clause is trimmed of surrounding
whitespace, starts at its marker and ends at the last non-space character of its text, and clauses
never overlap.

Rules
-----
Markers at the start of a line (after indentation, optional markdown ``#`` and ``**``/``__``):

* numbers ``1.`` ``1)`` ``(1)`` ``1.º`` ``1.°`` ``1º`` and markdown ``**5.**`` / ``5\\.``;
* keywords ``Point 1``, ``Paragraph 3``, ``Article 7``, ``Clause 2``, ``Item 4``, ``Пункт 1``,
  ``Стаття 2``, ``Статья 3``, ``Параграф 4`` (any case) -- only when the number is followed by
  the end of the line or by ``.`` ``:`` ``)`` or a dash, so "Article 5 of the Washington Treaty"
  is text;
* letters ``a.`` ``a)`` ``(a)`` (also capitals and Cyrillic ``а)`` ``б)`` ``в)``) and roman numerals
  ``i.`` ``(ii)`` ``iii)``; ``(i)`` is a letter only when it continues ``(h)``;
* bullets ``-`` ``•`` ``*`` ``–`` ``—`` ``▪`` ``◦`` ``‣`` followed by a space.

The expected-sequence rule: a numbered or lettered marker is accepted only when it continues an
open sequence (the number after the last one, the next letter) or starts one (``1``, ``a``, ``i``,
``а``). So ``2026.`` or ``1994 Budapest`` at a line start, ``600,000`` and ``2.5 billion`` are text.
A ``1`` of a style already open restarts that sequence (an annex numbered afresh). A new sequence
nests under the current item when its style ranks lower (keyword > ``1.`` > ``1)`` > ``(1)`` >
capital letters and roman > small letters > small roman > bullets); otherwise it replaces the
deeper levels.

Points that run together on one line ("... forces. 5. The parties ... 6. Sanctions ...") are cut
where a marker follows sentence punctuation (``. ! ? ; : …``, optionally a closing quote or
bracket) and a space, and the marker is the *next* number or letter of an open sequence. After a
colon an inline ``a)`` / ``(a)`` / ``(i)`` / ``1)`` may also start a sub-sequence
("The parties agree: a) ...; b) ...").

Labels: top-level items by their value (``"5"``, kind ``point``); deeper levels joined with dots
(``"10.b"``, ``"10.b.ii"``, ``"5.1"``, kind ``subpoint``). Bullets are counted: under an item
``"5.•1"``, ``"5.•2"``; at top level ``"•1"``, ``"•2"``... numbered through the whole document so
they stay distinct (kind ``bullet``). Labels of a restarted sequence may repeat.

Headings (kind ``heading``, labelled ``"H1"``, ``"H2"``... in order): a markdown ``#`` line; a line
in ALL CAPS (at least two letters, at most 100 characters); a line wholly in ``**bold**``; a short
line (at most 80 characters and 10 words, capitalised, no final ``. , ; : ! ? …``, no ``|``)
that starts a paragraph and is followed by a blank line, the end of text, or a marker; a
capital-letter or capital-roman item whose text looks like a heading ("II. SECURITY GUARANTEES").
A heading closes the deeper levels but keeps the top-level sequence.

Text that belongs to no marker: a line continues the current clause unless it starts a paragraph
(after a blank line or a heading). A paragraph after a blank line is its own clause unless the
current item has no text yet ("Article 7" on its own line takes the next paragraph) or the paragraph
is indented under a list item. Unmarked paragraphs before the first point are ``"Preamble"``,
``"Preamble ¶2"``... (kind ``preamble``); other unmarked paragraphs are ``"¶1"``, ``"¶2"``...
(kind ``paragraph``). A text with no markers at all falls back to paragraphs split on blank lines;
single newlines stay inside a paragraph. Lines made only of ``-`` ``*`` ``_`` ``=`` ``~`` (rules,
setext underlines) separate paragraphs and belong to no clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    """A span ``[start, end)`` of code points in the normalised text, labelled "5", "10.b"..."""

    label: str
    start: int
    end: int
    kind: str = "paragraph"  # point | subpoint | bullet | heading | preamble | paragraph


_KEYWORDS = "point|paragraph|article|clause|item|пункт|стаття|статья|параграф"
_LETTER = "a-zA-Zа-яА-ЯіїєґІЇЄҐёЁ"

_LINE_MARKER = re.compile(
    rf"""
    (?P<hashes>\#{{1,6}}[ \t]+)?
    (?P<open>\*\*|__)?
    (?:
        (?P<kw>(?i:{_KEYWORDS}))[ \t]+(?P<kwnum>\d{{1,5}})
            (?P<kwdelim>[ \t]*[.:)]|[ \t]+[—–-](?=\s)|)
      | (?P<num>\d{{1,5}})(?P<numdelim>\\?\.[º°]|[º°]|\\?\.|\))
      | \((?P<pnum>\d{{1,5}})\)
      | \((?P<plet>[{_LETTER}]{{1,6}})\)
      | (?P<let>[{_LETTER}]{{1,6}})(?P<letdelim>[.)])
    )
    (?P<close>\*\*|__)?
    (?=\s|$)
    """,
    re.VERBOSE,
)
_BULLET = re.compile(r"(?P<bullet>[-•*–—▪◦‣])[ \t]+(?=\S)")
_RULE = re.compile(r"[ \t]*([-*_=~])(?:[ \t]*\1){2,}[ \t]*")
_MD_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
# Sentence punctuation, an optional closing quote/bracket, spaces, then a marker.
_INLINE = re.compile(
    r"(?P<p>[.!?;:…])[\"'»”’)\]]*[ \t]+"
    r"(?P<m>(?:\*\*)?(?:\d{1,5}(?:\.[º°]|[.)])|\((?:\d{1,5}|[a-zа-яіїєґ]{1,5})\)|[a-zа-яіїєґ]{1,5}\)))"
    r"(?=\s)"
)
_NO_HEADING_END = ".,;:!?…"
_SENTENCE_END = ".;:!?…"
_LIST_KINDS = frozenset({"point", "subpoint", "bullet"})

_ROMAN = re.compile(r"(?=.)(x{0,3})(ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}

_UK = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_RU = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_CYR_OPTIONAL = frozenset("ґєїйьёъыэ")  # letters enumerations often skip


def _cyrillic_successors() -> dict[str, frozenset[str]]:
    nxt: dict[str, set[str]] = {}
    for alphabet in (_UK, _RU):
        for i, ch in enumerate(alphabet):
            bucket = nxt.setdefault(ch, set())
            for following in alphabet[i + 1 :]:
                bucket.add(following)
                if following not in _CYR_OPTIONAL:
                    break
    return {k: frozenset(v) for k, v in nxt.items()}


_CYR_NEXT = _cyrillic_successors()
_CYR_SET = frozenset(_UK + _RU)

# Lower rank = outer level. Families: kw, num, LAT/ROM/CYR (capitals), lat/cyr, rom, bul.
_FAMILY_RANK = {"kw": 0, "LAT": 4, "ROM": 4, "CYR": 4, "lat": 5, "cyr": 5, "rom": 6, "bul": 7}
_NUM_RANK = {".": 1, "º": 1, ")": 2, "()": 3}

Style = tuple[str, str]  # (family, delimiter or keyword or bullet character)
Value = int | str
Interp = tuple[Style, Value, str]  # style, value, label text


def _rank(style: Style) -> int:
    if style[0] == "num":
        return _NUM_RANK[style[1]]
    return _FAMILY_RANK[style[0]]


def _roman_value(token: str) -> int | None:
    low = token.lower()
    if not (token.islower() or token.isupper()) or not _ROMAN.fullmatch(low):
        return None
    total = 0
    prev = 0
    for ch in reversed(low):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _letter_interps(token: str, delim: str) -> list[Interp]:
    out: list[Interp] = []
    if len(token) == 1:
        if "a" <= token <= "z":
            out.append((("lat", delim), ord(token) - 96, token))
        elif "A" <= token <= "Z":
            out.append((("LAT", delim), ord(token) - 64, token))
        elif token.lower() in _CYR_SET:
            family = "cyr" if token.islower() else "CYR"
            out.append(((family, delim), token.lower(), token))
    roman = _roman_value(token)
    if roman is not None and token.isascii():
        out.append((("rom" if token.islower() else "ROM", delim), roman, token))
    return out


def _interpret(m: re.Match[str]) -> list[Interp]:
    """Every reading of a marker match: "i)" may be the letter i or the roman one."""
    if m["kw"] is not None:
        n = int(m["kwnum"])
        return [(("kw", m["kw"].lower()), n, str(n))]
    if m["num"] is not None:
        delim = m["numdelim"].replace("\\", "")
        delim = "º" if delim[-1] in "º°" else delim
        n = int(m["num"])
        return [(("num", delim), n, str(n))]
    if m["pnum"] is not None:
        n = int(m["pnum"])
        return [(("num", "()"), n, str(n))]
    if m["plet"] is not None:
        return _letter_interps(m["plet"], "()")
    return _letter_interps(m["let"], m["letdelim"])


def _is_first(style: Style, value: Value) -> bool:
    return value == ("а" if style[0] in ("cyr", "CYR") else 1)


def _is_next(style: Style, prev: Value, value: Value) -> bool:
    if style[0] in ("cyr", "CYR"):
        return isinstance(prev, str) and value in _CYR_NEXT.get(prev, ())
    return isinstance(prev, int) and isinstance(value, int) and value == prev + 1


def _looks_like_heading(line: str) -> bool:
    """Short and capitalised without final punctuation, or ALL CAPS."""
    s = line.strip().strip("*_").strip()  # emphasis marks do not count as punctuation
    if not s or len(s) > 100 or "|" in s:  # "|" marks a table row
        return False
    if s.upper() == s and s.lower() != s and sum(ch.isalpha() for ch in s) >= 2:
        return True
    if len(s) > 80 or s[-1] in _NO_HEADING_END or len(s.split()) > 10:
        return False
    first = next((ch for ch in s if ch.isalpha()), "")
    return bool(first) and not first.islower()


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


class _Segmenter:
    """One pass over the lines of one text; see the module docstring for the rules."""

    def __init__(self, text: str):
        self.text = text
        self.out: list[_Open] = []
        self.cur: _Open | None = None
        self.stack: list[_Level] = []
        self.headings = 0
        self.top_bullets = 0

    # -- clause bookkeeping -------------------------------------------------------------------
    def _open(self, start: int, end: int, label: str, kind: str, has_body: bool) -> None:
        self.cur = _Open(start, end, label, kind, has_body)
        self.out.append(self.cur)

    def _trim_before(self, pos: int) -> int:
        text = self.text
        while pos > 0 and text[pos - 1].isspace():
            pos -= 1
        return pos

    # -- markers --------------------------------------------------------------------------------
    def _accept(
        self, interps: list[Interp], line_start: bool, after_colon: bool
    ) -> tuple[str, int, Interp] | None:
        stack = self.stack
        for depth in range(len(stack) - 1, -1, -1):
            level = stack[depth]
            for interp in interps:
                if level.style == interp[0] and _is_next(interp[0], level.value, interp[1]):
                    return "continue", depth, interp
        if not (line_start or after_colon):
            return None
        for interp in interps:
            style = interp[0]
            if not _is_first(style, interp[1]):
                continue
            if line_start:
                for depth in range(len(stack) - 1, -1, -1):
                    if stack[depth].style == style:
                        return "restart", depth, interp
                return "push", -1, interp
            if _rank(style) >= 2:  # inline starts only for ")" "(1)" letters and roman
                return "push", -1, interp
        return None

    def _apply(self, mode: str, depth: int, interp: Interp) -> tuple[str, str]:
        style, value, display = interp
        stack = self.stack
        if mode == "push":
            rank = _rank(style)
            while stack and _rank(stack[-1].style) >= rank:
                stack.pop()
            stack.append(_Level(style, value, display))
        else:
            del stack[depth + 1 :]
            stack[depth].value = value
            stack[depth].display = display
        kind = "point" if len(stack) == 1 else "subpoint"
        return ".".join(level.display for level in stack), kind

    def _bullet(self, char: str) -> str:
        stack = self.stack
        style: Style = ("bul", char)
        for depth in range(len(stack) - 1, -1, -1):
            level = stack[depth]
            if level.style == style:
                del stack[depth + 1 :]
                break
        else:
            while stack and _rank(stack[-1].style) >= _FAMILY_RANK["bul"]:
                stack.pop()
            stack.append(_Level(style, 0, ""))
        level = stack[-1]
        if len(stack) == 1:
            # Top-level bullets are numbered through the document so their labels stay distinct.
            self.top_bullets += 1
            level.value = self.top_bullets
        else:
            assert isinstance(level.value, int)
            level.value += 1
        level.display = f"•{level.value}"
        return ".".join(lv.display for lv in stack)

    def _scan_inline(self, start: int, end: int) -> None:
        """Cut points that run on within ``text[start:end]`` (one line of the current clause)."""
        text = self.text
        for m in _INLINE.finditer(text, start, end):
            pos = m.start("m")
            marker = _LINE_MARKER.match(text, pos, end)
            if marker is None:
                continue
            decision = self._accept(_interpret(marker), False, m["p"] == ":")
            if decision is None:
                continue
            label, kind = self._apply(*decision)
            if self.cur is not None:
                self.cur.end = self._trim_before(pos)
                self.cur.has_body = True
            self._open(pos, end, label, kind, True)

    # -- lines ------------------------------------------------------------------------------------
    def _is_marker_line(self, line: str) -> bool:
        body = line.lstrip()
        return bool(_LINE_MARKER.match(body) or _BULLET.match(body) or _MD_HEADING.match(body))

    def _heading(self, start: int, end: int) -> None:
        self.headings += 1
        del self.stack[1:]
        self._open(start, end, f"H{self.headings}", "heading", True)

    def run(self) -> list[Clause]:
        text = self.text
        lines: list[tuple[int, int]] = []
        pos = 0
        for line in text.split("\n"):
            lines.append((pos, pos + len(line)))
            pos += len(line) + 1

        blank_before = True
        prev_heading = False
        prev_end_char = ""
        for idx, (ls, le) in enumerate(lines):
            line = text[ls:le]
            body = line.lstrip()
            if not body or _RULE.fullmatch(line):
                blank_before = True
                continue
            lead = le - len(body)
            content_end = ls + len(line.rstrip())
            para_start = blank_before or prev_heading or self.cur is None
            was_blank = blank_before
            blank_before = False
            prev_heading = False
            end_char = text[content_end - 1]
            handled = self._marker_line(body, lead, content_end, para_start)
            if handled == "heading":
                prev_heading = True
            elif not handled:
                kind = self._text_line(
                    lines, idx, body, lead, content_end, para_start, was_blank, prev_end_char
                )
                prev_heading = kind == "heading"
            prev_end_char = end_char

        clauses: list[Clause] = []
        first_point = next((i for i, c in enumerate(self.out) if c.kind == "point"), None)
        preamble = 0
        paragraphs = 0
        for i, c in enumerate(self.out):
            label, kind = c.label, c.kind
            if kind == "paragraph":
                if first_point is not None and i < first_point:
                    preamble += 1
                    kind = "preamble"
                    label = "Preamble" if preamble == 1 else f"Preamble ¶{preamble}"
                else:
                    paragraphs += 1
                    label = f"¶{paragraphs}"
            clauses.append(Clause(label, c.start, c.end, kind))
        return clauses

    def _marker_line(self, body: str, lead: int, content_end: int, para_start: bool) -> str:
        """Handle a line that starts with a marker; return "item", "heading" or "" if it is text."""
        m = _LINE_MARKER.match(body)
        if m is not None:
            rest = body[m.end() :].strip()
            if m["kw"] is not None and not m["kwdelim"] and rest:
                m = None  # "Article 5 of the Washington Treaty": a reference, not a marker
        if m is not None:
            interps = _interpret(m)
            capitals = interps and all(i[0][0] in ("LAT", "ROM", "CYR") for i in interps)
            if capitals and rest and _looks_like_heading(rest):
                self._heading(lead, content_end)
                return "heading"
            decision = self._accept(interps, True, False)
            if decision is not None:
                label, kind = self._apply(*decision)
                self._open(lead, content_end, label, kind, bool(rest))
                self._scan_inline(lead + m.end(), content_end)
                return "item"
        if _MD_HEADING.match(body):
            self._heading(lead, content_end)
            return "heading"
        b = _BULLET.match(body)
        if b is not None:
            label = self._bullet(b["bullet"])
            self._open(lead, content_end, label, "bullet", True)
            self._scan_inline(lead + b.end(), content_end)
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
        in_item = cur is not None and cur.kind in _LIST_KINDS
        stripped = body.rstrip()
        bold = stripped.startswith(("**", "__")) and stripped.endswith(("**", "__"))
        if para_start:
            indented = lead > 0 and text[lead - 1] != "\n"
            if in_item and cur is not None and (not cur.has_body or (indented and was_blank)):
                return self._continue(lead, content_end)
            if _looks_like_heading(body) and (bold or self._heading_context(lines, idx, body)):
                self._heading(lead, content_end)
                return "heading"
            self._open(lead, content_end, "", "paragraph", True)
            self._scan_inline(lead, content_end)
            return "paragraph"
        if (
            prev_end_char in _SENTENCE_END
            and (bold or body.upper() == body)
            and _looks_like_heading(body)
        ):
            self._heading(lead, content_end)
            return "heading"
        return self._continue(lead, content_end)

    def _heading_context(self, lines: list[tuple[int, int]], idx: int, body: str) -> bool:
        """ALL CAPS anywhere; a short line only when a blank line, the end or a marker follows."""
        if body.upper() == body:
            return True
        if idx + 1 >= len(lines):
            return True
        ns, ne = lines[idx + 1]
        following = self.text[ns:ne]
        return not following.strip() or self._is_marker_line(following)

    def _continue(self, lead: int, content_end: int) -> str:
        cur = self.cur
        assert cur is not None
        cur.end = content_end
        cur.has_body = True
        self._scan_inline(lead, content_end)
        return self.cur.kind if self.cur is not None else "paragraph"


def segment(text: str) -> list[Clause]:
    """Split normalised ``text`` into clauses sorted by start (rules: the module docstring)."""
    return _Segmenter(text).run()
