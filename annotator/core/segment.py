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
import itertools
import re
from dataclasses import dataclass

from annotator.core.labels import unique as _unique
from annotator.core.segment_result import MODES, Clause, Note, Segmentation

__all__ = ["MODES", "Clause", "Note", "Segmentation", "segment", "segment_plan"]

# Invisible characters copies carry (zero-width space and joiners, direction marks, a stray BOM,
# a soft hyphen): a line that starts with them still starts with its marker, and they may stand
# between a marker and its text.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u202a-\u202e\u2066-\u2069\ufeff"
_LEAD = re.compile(rf"[\s{_INVISIBLE}]*")


_INVISIBLE_CHARS = frozenset(
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
    + "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
)


def _lstrip(line: str) -> str:
    """``line`` without its leading white space and invisible characters."""
    body = line.lstrip()
    if body[:1] in _INVISIBLE_CHARS:  # rare: only then the slower pattern
        return line[_LEAD.match(line).end() :]  # type: ignore[union-attr]
    return body


_KEYWORDS = r"point|paragraph|article|art\.|clause|item|пункт|стаття|статья|параграф"
# "Art. 2" continues "Article 1": one numbering, whichever way each header is written.
_KW_SAME = {"art.": "article"}
_LETTER = "a-zA-Zа-яА-ЯіїєґІЇЄҐёЁ"

_LINE_MARKER = re.compile(
    rf"""
    (?P<hashes>\#{{1,6}}[ \t]+)?
    (?P<open>\*\*|__)?
    (?:
        (?P<kw>(?i:{_KEYWORDS})(?=[ \t\u00a0\u202f])|§)[ \t\u00a0\u202f]*(?P<kwnum>\d{{1,5}})
            (?P<kwdelim>[ \t]*[.:)]|[ \t]+[—–-](?=\s)|)
      | (?P<dnum>\d{{1,3}})\.(?P<dsub>\d{{1,3}})\.?
      | (?P<num>\d{{1,5}})(?P<numdelim>\\?\.[º°]|[º°]|\\?\.|\))
      | \((?P<pnum>\d{{1,5}})\)
      | \((?P<plet>[{_LETTER}]{{1,6}})\)
      | (?P<let>[{_LETTER}]{{1,6}})(?P<letdelim>[.)])
    )
    (?P<close>\*\*|__)?
    (?=[\s{_INVISIBLE}]|$)
    """,
    re.VERBOSE,
)
# A number without "." or ")": "14 – The parties…" (a dash style) or "10 [There will be] …".
_LOOSE_NUMBER = re.compile(r"(?:\*\*)?(?P<num>\d{1,3})(?:(?P<dash>[ \t]+[—–-])[ \t]|[ \t]+(?=\[))")
# A number misread by OCR, a letter O for 0 or l/I for 1 ("1O. The …", "l2. …"): a point only
# where the numbering needs it, as any number.
_OCR_NUMBER = re.compile(r"(?=[0-9OlI]*\d)(?P<num>[0-9OlI]{2,3})(?P<delim>[.)])(?=\s)")
_OCR_DIGITS = str.maketrans("OlI", "011")
# A number with no delimiter at all before a capital ("1 The ceasefire …", as PDFs lose the dot):
# points only when such lines alone make the numbering, never a hole filled in another one.
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Січня|Лютого|Березня|Квітня|Травня|Червня|Липня|Серпня|Вересня|Жовтня|Листопада|Грудня|"
    "Января|Февраля|Марта|Апреля|Мая|Июня|Июля|Августа|Сентября|Октября|Ноября|Декабря"
)
_BARE_NUMBER = re.compile(
    rf"(?P<num>\d{{1,3}})[ \t]+(?=[A-ZА-ЯІЇЄҐ])(?!(?i:{_MONTHS})\b)"  # not "1 March 2026"
)
# A point an amendment inserted: "2a.", "3bis.", "**4ter)**".
_INSERTED = re.compile(
    r"(?:\*\*)?(?P<num>\d{1,3})(?P<suffix>[a-z]|bis|ter|quater)[.)](?:\*\*)?(?=\s)"
)
_BULLET = re.compile(r"(?P<bullet>[-•*–—▪◦‣])[ \t]+(?=\S)")
# Bullets run together on one line ("• roads • bridges", "… signed. - Monitors …"): a dash or "*"
# only after the end of a sentence or a colon, never as a dash inside a sentence ("a – b").
_BULLET_GLYPHS = "-•*–—▪◦‣"
_STRONG_BULLETS = frozenset("•▪◦‣")  # never punctuation
_BULLET_AFTER = frozenset(".!?…:")  # a dash or "*" starts a bullet only after these
_CLOSERS = frozenset("\"'»”’)]")
_AFTER_GLYPH = re.compile(r"[ \t]+\S")
_AFTER_TEXT = "text"  # _scan_inline: the text of a point, where a bullet must repeat to count
_RULE = re.compile(r"[ \t]*([-*_=~])(?:[ \t]*\1){2,}[ \t]*")
# A page's header or footer left in a PDF's text ("Page 3 of 12", "Page 3", "- 3 -"): it belongs to
# no clause and is passed over, so that the point it interrupts goes on after it.
_PAGE_FURNITURE = re.compile(
    r"(?i:page|p\.|сторінка|стор\.|страница|стр\.)[ \t]*\d{1,4}"
    r"(?:[ \t]*(?i:of|/|з|із|из)[ \t]*\d{1,4})?"
    r"|[-–—][ \t]*\d{1,4}[ \t]*[-–—]"
)
# A table of contents' entry ends with its page: "Ceasefire ....... 2", "Ceasefire . . . 2".
_TOC_ENTRY = re.compile(r"(?:(?:[ \t]*[.…·]){2,}|[ \t]{2,}|\t)[ \t]*\d{1,4}$")
# Line breaks other than "\n" that copies carry inside a line: a form feed between a PDF's pages
# (pdftotext), a vertical tab (Word's manual line break), Unicode's line and paragraph separators.
# Right after a "\n" they are only white space before the next line's text.
_BREAKS = "\n\f\v\u2028\u2029\x85"
_OTHER_BREAK = re.compile(r"[\f\v\u2028\u2029\x85]")
_LINE_BREAK = re.compile(r"\n|(?<=[^\n])[\f\v\u2028\u2029\x85]")
_MD_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
# Editorial marks between a sentence and the next point: "[B]", "[…]", "[...truncated]", "[2]", "¹".
_MARKS = r"(?:[ \t\u00a0\u202f]*(?:\[[^\]\n]{0,40}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+))*"
# A marker inside a line, found in one scan of the text: sentence punctuation (or a closing
# bracket), editorial marks, spaces, then a number that may be a point ("… forces. 5. The …",
# "… [B] 6. …", "… sea. 7 – …", "… sea. 10 [There will be] …") or a nested marker ("a)", "(b)",
# "c.", "(ii)", "(2)") -- the latter only after punctuation. The marker is looked at, not consumed,
# so that its own "." can end the sentence before the next one ("… 1994. 5. The …").
_INLINE = re.compile(
    rf"(?:(?P<p>[.!?;:…])[\"'»”’)\]]*|\]){_MARKS}[ \t\u00a0\u202f]+"
    r"(?=(?P<m>(?:\*\*)?(?P<n>\d{1,3})(?P<d>\.[º°]|[.)º])(?:\*\*)?(?=\s)"
    r"|(?P<ln>\d{1,3})(?:(?P<dash>[ \t]+[—–-])(?=[ \t])|(?=[ \t]+\[))"
    r"|(?:\((?:\d{1,3}|[a-zа-яіїєґ]{1,5})\)|[a-zа-яіїєґ]{1,5}\)|[a-zа-яіїєґ]\.)(?=\s)))"
)
# A point inside a line with no punctuation before it: only ever the next number.
_WEAK_POINT = re.compile(r"[ \t]+(?P<m>(?P<n>\d{1,3})\.)[ \t]+(?=[A-ZА-ЯІЇЄҐ\"“«\[])")
_REFERENCE_WORD = re.compile(
    r"(?i:article|art\.?|§|point|paragraph|section|clause|item|chapter|annex|no|nr|number|resolution|"
    r"пункт|пункту|стаття|статті|статья|статьи|розділ|раздел)$"
)
_ABBREVIATIONS = frozenset({"no.", "nr.", "art.", "p.", "pp.", "para.", "ст.", "п.", "№."})
_ABBREV_ENDS = tuple(_ABBREVIATIONS)
# ... or after any space, but then only the next letter of an open sequence ("a) x, (b) y").
_LOOSE_SUB = re.compile(r"[ \t](?P<m>\([a-zа-яіїєґ]{1,5}\)|[a-zа-яіїєґ]{1,5}\))(?=\s)")
# ... and the next number of an open numbered sub-list after a list's comma or "and" ("stages:
# 1) first, 2) second and 3) third"), never one in brackets mid-sentence ("(see point 2)").
_DIGIT_PAREN = re.compile(r"\d\)")
_LOOSE_SUB_NUMBER = re.compile(
    r"(?:[,;]|[ \t](?:and|or|і|й|та|и|или|або))[ \t]+(?P<m>\(\d{1,3}\)|\d{1,3}\))(?=\s)"
)
_HAS_LETTER = re.compile(rf"[{_LETTER}]")
_HAS_DIGIT = re.compile(r"\d")
_NO_HEADING_END = ".,;:!?…"
# A bracketed qualifier closing a title line: "(working translation)", "[unofficial draft]".
_QUALIFIER = re.compile(r"[ \t]+(?:\([^()\n]{1,80}\)|\[[^\[\]\n]{1,80}\])$")
# ... or on a line of its own under the title.
_QUALIFIER_LINE = re.compile(r"[ \t]*(?:\([^()\n]{1,80}\)|\[[^\[\]\n]{1,80}\])[ \t]*")
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
# Latin and Cyrillic letters that look alike, as a list typed on two keyboards mixes them.
_HOMOGLYPHS = dict(zip("aceiopxy", "асеіорху", strict=True)) | dict(
    zip("асеіорху", "aceiopxy", strict=True)
)
_CYR_SET = frozenset(_UK + _RU)

# Lower rank = outer level. Families: kw, num, LAT/ROM/CYR (capitals), lat/cyr, rom, bul.
_FAMILY_RANK = {
    "kw": 0, "dec": 3, "LAT": 4, "ROM": 4, "CYR": 4, "lat": 5, "cyr": 5, "rom": 6, "bul": 7,
}  # fmt: skip
_NUM_RANK = {".": 1, "º": 1, "–": 1, "[": 1, ")": 2, "()": 3, " ": 4}
_BARE: Style = ("num", " ")
_NUMERIC = frozenset({"num", "kw"})

Style = tuple[str, str]  # (family, delimiter or keyword or bullet character)
Value = int | str
Interp = tuple[Style, Value, str]  # style, value, label text

# Scores of the point chain (see _chain): a point found, missing numbers, a late start...
_W_LINE, _W_INLINE, _W_WEAK = 1.0, 0.9, 0.5
_MISSING_COST = 0.15
_MAX_MISSING = 30
_LATE_START_COST = 1.6
_LATE_START_MAX = 100
_REPEAT_COST = 0.7
_RESTART_COST = 1.5
# The heading of a plan's notes ("Notes", "Footnotes:", "**Примечания**"), not of an annex.
_NOTES_HEADING = re.compile(
    r"[#*_\s]*(?:(?:foot|end|editor'?s |editorial )?notes?|sources|references"
    r"|примечани[ея]|сноски|примітки|виноски)[\s*_:.]*",
    re.IGNORECASE,
)
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


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


def _kw_style(keyword: str) -> Style:
    low = keyword.lower()
    return ("kw", _KW_SAME.get(low, low))


def _quotes_a_number(word: str) -> bool:
    """True for a word the next number belongs to: "No.", "Art.", "§", "Resolution", "point" --
    not a sentence that ends with such a word ("… of the annex.")."""
    word = word.strip("(\"'«“[")
    if word.endswith("."):
        return word.lower() in _ABBREVIATIONS
    return bool(_REFERENCE_WORD.search(word))


def _kw_header(m: re.Match[str], rest: str) -> bool:
    """ "Article 5." or "Article 5" alone or before a title ("§ 1 Ceasefire", "Art. 4 The …"),
    not "Article 5 of the Washington Treaty" nor "point 4)" (references a wrapped line starts
    with)."""
    if m["kw"][0].islower():
        return False  # "… (see\npoint 4) …": a header is capitalised, a wrapped reference not
    rest = rest.strip()
    return bool(m["kwdelim"]) or not rest or rest[0].isupper()


def _num_style(delim: str) -> Style:
    delim = delim.replace("\\", "").replace("*", "")
    return ("num", "º" if delim[-1] in "º°" else delim)


def _interpret(m: re.Match[str]) -> list[Interp]:
    """Every reading of a marker match: "i)" may be the letter i or the roman one."""
    if m["kw"] is not None:
        n = int(m["kwnum"])
        return [(_kw_style(m["kw"]), n, str(n))]
    if m["dnum"] is not None:  # "12.1." is sub-point 1 of point 12 (the style names its point)
        n = int(m["dsub"])
        return [(("dec", str(int(m["dnum"]))), n, str(n))]
    if m["num"] is not None:
        n = int(m["num"])
        return [(_num_style(m["numdelim"]), n, str(n))]
    if m["pnum"] is not None:
        n = int(m["pnum"])
        return [(("num", "()"), n, str(n))]
    token, delim = (m["plet"], "()") if m["plet"] is not None else (m["let"], m["letdelim"])
    out = _letter_interps(token, delim)
    twin = _HOMOGLYPHS.get(token)
    if twin is not None:  # "е)" typed with a Latin "e" after "д)": it continues either alphabet
        out += [i for i in _letter_interps(twin, delim) if i[0][0] in ("lat", "cyr")]
    return out


def _twin(level: _Level) -> tuple[Style, Value] | None:
    """The level's letter in the other alphabet when it looks the same ("a" and "а")."""
    family = level.style[0]
    if family == "lat" and isinstance(level.value, int) and 1 <= level.value <= 26:
        twin = _HOMOGLYPHS.get(chr(level.value + 96))
        return (("cyr", level.style[1]), twin) if twin is not None else None
    if family == "cyr" and isinstance(level.value, str):
        twin = _HOMOGLYPHS.get(level.value)
        return (("lat", level.style[1]), ord(twin) - 96) if twin is not None else None
    return None


def _is_first(style: Style, value: Value) -> bool:
    return value == ("а" if style[0] in ("cyr", "CYR") else 1)


def _is_next(style: Style, prev: Value, value: Value) -> bool:
    if style[0] in ("cyr", "CYR"):
        return isinstance(prev, str) and value in _CYR_NEXT.get(prev, ())
    return isinstance(prev, int) and isinstance(value, int) and value == prev + 1


def _same_sequence(level: Style, marker: Style) -> bool:
    """Letters and roman numerals continue whatever their brackets ("a) … (b) …"); numbers not."""
    if level[0] != marker[0]:
        return False
    return level[1] == marker[1] or level[0] not in _NUMERIC


def _looks_like_heading(line: str) -> bool:
    """Short and capitalised without final punctuation, or ALL CAPS.

    A closing qualifier in brackets ("Framework for a Settlement (working translation)") is the
    copy's, not the title's: the title is measured without it."""
    s = line.strip().strip("*_").strip()  # emphasis marks do not count as punctuation
    if not s or len(s) > 100 or "|" in s:  # "|" marks a table row
        return False
    if s.upper() == s and s.lower() != s and sum(ch.isalpha() for ch in s) >= 2:
        return True
    qualifier = _QUALIFIER.search(s)
    if qualifier is not None and qualifier.start() > 0:
        core = s[: qualifier.start()].rstrip()
        if (len(s) > 80 or len(s.split()) > 10) and not _title_like(core):
            return False  # a sentence with a long aside ("… six months (or sooner, at …)")
        s = core
    elif len(s) > 80:
        return False
    if len(s) > 80 or s[-1] in _NO_HEADING_END or len(s.split()) > 10:
        return False
    first = next((ch for ch in s if ch.isalpha()), "")
    return bool(first) and not first.islower()


def _title_like(s: str) -> bool:
    """Title Case ("Framework for a Settlement") or at most five words: a title, not a sentence."""
    words = s.split()
    return len(words) <= 5 or all(w[0].isupper() for w in words if len(w) >= 4 and w.isalpha())


def _numbers(values: list[int], prefix: str = "") -> str:
    """ "13, 15, 16" or "1–8" for a run of more than three."""
    if len(values) > 3 and values[-1] - values[0] == len(values) - 1:
        return f"{prefix}{values[0]}–{prefix}{values[-1]}"
    return ", ".join(f"{prefix}{v}" for v in values)


def _points_word(values: list[int] | list[str]) -> str:
    return "point" if len(values) == 1 else "points"


# -- pass 1: the points -------------------------------------------------------------------------


@dataclass(slots=True)
class _Cand:
    """A number that may be a point."""

    pos: int  # where its marker starts
    end: int  # where its marker ends
    value: int
    style: Style
    weight: float  # line start, inline after punctuation, or inline without
    line_start: bool
    score: float = 0.0
    prev: _Cand | None = None
    how: str = ""  # "start", "late", "next", "repeat", "restart"
    misread: bool = False  # written with a letter for a digit ("1O.")
    lower: bool = False  # its text starts in lower case ("2) second …" on a wrapped line)


@dataclass(slots=True)
class _Top:
    """An accepted point: its marker's end, the level it opens and its label."""

    end: int
    style: Style
    value: int
    label: str


def _chain(cands: list[_Cand]) -> tuple[float, list[_Cand]]:
    """The best-scoring chain through ``cands`` (sorted by position); see the module docstring."""
    best_by_value: dict[int, _Cand] = {}
    best_any: _Cand | None = None
    top_score = 0.0
    for c in cands:
        v, w = c.value, c.weight
        score, prev, how = -1e9, None, ""
        if v == 1:
            score, how = w, "start"
        elif v <= _LATE_START_MAX and c.weight != _W_WEAK:
            score, how = w - _LATE_START_COST, "late"
        max_missing = 0 if c.weight == _W_WEAK else _MAX_MISSING
        for missing in range(max_missing + 1):
            if top_score + w - _MISSING_COST * missing <= score:
                break  # nothing further back can beat what we have
            p = best_by_value.get(v - 1 - missing)
            if p is not None and p.score + w - _MISSING_COST * missing > score:
                score, prev, how = p.score + w - _MISSING_COST * missing, p, "next"
        if c.line_start:
            p = best_by_value.get(v)
            # "3. above" on a wrapped line is no point 3 to repeat, nor "2) second" a repeat.
            repeats = p is not None and p.line_start and not c.lower and not p.lower
            if p is not None and repeats and p.score + w - _REPEAT_COST > score:
                score, prev, how = p.score + w - _REPEAT_COST, p, "repeat"
            restarts = v == 1 and best_any is not None and not c.lower  # not "stages:\n1) first"
            if restarts and best_any is not None and best_any.score + w - _RESTART_COST > score:
                score, prev, how = best_any.score + w - _RESTART_COST, best_any, "restart"
        c.score, c.prev, c.how = score, prev, how
        held = best_by_value.get(v)
        if held is None or score > held.score or (score == held.score and held.lower > c.lower):
            best_by_value[v] = c  # on a tie, the number before a capital
        if best_any is None or score > best_any.score:
            best_any = c
        top_score = max(top_score, score)
    if best_any is None or best_any.score < 1.0:
        return 0.0, []
    chain = []
    node: _Cand | None = best_any
    while node is not None:
        chain.append(node)
        node = node.prev
    chain.reverse()
    return best_any.score, chain


class _PointFinder:
    """Pass 1: candidates, the chain per style, the filling of its holes, and the notes."""

    def __init__(self, text: str, lines: list[tuple[int, int]]):
        self.text = text
        self.lines = lines
        self.cands: list[_Cand] = []
        self.figures = 0
        self.notes: list[Note] = []
        self.tops: dict[int, _Top] = {}
        self.top_style: Style | None = None
        self.footnotes: set[int] = set()  # where the numbers of the plan's footnotes start

    def _line_candidates(self, line_matches: list[re.Match[str] | None], leads: list[int]) -> None:
        text = self.text
        for (_, le), m, lead in zip(self.lines, line_matches, leads, strict=True):
            if lead == le:
                continue
            style: Style | None = None
            value, end, rest = 0, lead, ""
            if m is not None:
                rest = text[m.end() : le]
                if m["kw"] is not None:
                    if _kw_header(m, rest):
                        style, value = _kw_style(m["kw"]), int(m["kwnum"])
                elif m["num"] is not None:
                    style, value = _num_style(m["numdelim"]), int(m["num"])
                elif m["pnum"] is not None:
                    style, value = ("num", "()"), int(m["pnum"])
                end = m.end()
            else:
                loose = _LOOSE_NUMBER.match(text, lead, le)
                if loose is not None:
                    style = ("num", "–" if loose["dash"] else "[")
                    value = int(loose["num"])
                    end = loose.end()
                    rest = text[end:le]
                    if style[1] == "[":
                        end = lead + len(loose.group().rstrip())  # the number, not the bracket
                else:
                    ocr = _OCR_NUMBER.match(text, lead, le)
                    if ocr is not None and _HAS_LETTER.search(ocr["num"]):
                        value = int(ocr["num"].translate(_OCR_DIGITS))
                        rest = text[ocr.end() : le]
                        if _HAS_LETTER.search(rest):
                            cand = _Cand(
                                lead, ocr.end(), value, _num_style(ocr["delim"]), _W_LINE, True
                            )
                            cand.misread = True
                            self.cands.append(cand)
                    bare = _BARE_NUMBER.match(text, lead, le)
                    if bare is not None:
                        end = lead + len(bare["num"])
                        self.cands.append(_Cand(lead, end, int(bare["num"]), _BARE, _W_LINE, True))
                    continue
            if style is None:
                continue
            if not _HAS_LETTER.search(rest) and _HAS_DIGIT.search(rest):
                self.figures += 1  # "3. 750,000 1,000": a row of a table of figures
                continue
            if self._wrapped_reference(lead):
                continue  # "… No.\n12. …": the number a wrapped reference goes on with
            cand = _Cand(lead, end, value, style, _W_LINE, True)
            cand.lower = rest.lstrip(" \t*_")[:1].islower()
            self.cands.append(cand)

    def _wrapped_reference(self, lead: int) -> bool:
        """True when the line straight above ``lead`` ends with a reference word after other
        words ("… under Art.\n3."), not when it is a heading ("ANNEX", "Humanitarian Annex")."""
        text = self.text
        if lead < 2 or text[lead - 1] != "\n":
            return False
        last = text[lead - 2]
        if last.isdigit() or (
            last == "." and not text[max(0, lead - 7) : lead - 1].lower().endswith(_ABBREV_ENDS)
        ):
            return False  # the common case, decided without slicing the line
        above = text[text.rfind("\n", 0, lead - 1) + 1 : lead - 1].rstrip()
        space = max(above.rfind(" "), above.rfind("\t"))
        word = above[space + 1 :]
        if space < 0 or not above[:space].strip() or not _quotes_a_number(word):
            return False
        # A title ending in such a word ("Humanitarian Annex") stands above a first point.
        return not word[:1].isupper() or word.endswith(".") or not _looks_like_heading(above)

    def _inline_candidates(self, inline: list[re.Match[str]]) -> None:
        text = self.text
        for m in inline:
            if m["ln"] is not None:
                style: Style = ("num", "–" if m["dash"] else "[")
                self.cands.append(
                    _Cand(m.start("m"), m.end("m"), int(m["ln"]), style, _W_INLINE, False)
                )
            elif m["n"] is not None:
                before = text[max(0, m.start() - 20) : m.start() + 1].split()
                if before and _quotes_a_number(before[-1]):
                    continue  # "… No. 12. …", "… Art. 3. …": a quoted number
                self.cands.append(
                    _Cand(
                        m.start("m"), m.end("m"), int(m["n"]), _num_style(m["d"]), _W_INLINE, False
                    )
                )
        for m in _WEAK_POINT.finditer(text):
            if m.start() == 0 or not text[m.start() - 1].isalpha():
                continue  # only after a word: "… of the Republic 3. The …"
            before = text[max(0, m.start() - 20) : m.start()].split()
            if before and _REFERENCE_WORD.search(before[-1].strip("(\"'«“")):
                continue  # "Article 5. The …" quotes a number
            pos = m.start("m")
            self.cands.append(_Cand(pos, m.end("m"), int(m["n"]), ("num", "."), _W_WEAK, False))

    def run(
        self,
        line_matches: list[re.Match[str] | None],
        leads: list[int],
        inline: list[re.Match[str]],
    ) -> None:
        self._line_candidates(line_matches, leads)
        self._inline_candidates(inline)
        if self.figures:
            self.notes.append(
                Note(
                    "table",
                    f"{self.figures} numbered lines hold only figures (a table?): "
                    "they are kept as text, not as points",
                )
            )
        seen: dict[int, _Cand] = {}
        for c in self.cands:  # a position found both ways keeps its line-start reading
            if c.pos not in seen or c.weight > seen[c.pos].weight:
                seen[c.pos] = c
        cands = sorted(seen.values(), key=lambda c: c.pos)
        by_style: dict[Style, list[_Cand]] = {}
        for c in cands:
            by_style.setdefault(c.style, []).append(c)
        results = []
        for style, members in by_style.items():
            if style == ("num", "["):
                continue  # "10 [There will be] …" only ever fills a hole
            score, chain = _chain(members)
            if style == _BARE and len(chain) < 3:
                continue  # "1 January 2026 …" at a wrapped line's start
            if chain:
                results.append((score, -_rank(style), style, chain))
        if not results:
            numbers = [c.value for c in cands if c.line_start and c.style != _BARE]
            if numbers:
                shown = ", ".join(str(n) for n in numbers[:8]) + (" …" if len(numbers) > 8 else "")
                self.notes.append(
                    Note(
                        "unfollowable",
                        f"the numbers at line starts ({shown}) could not be followed as a "
                        "numbering: the text is cut into paragraphs",
                    )
                )
            return
        results.sort(key=lambda r: (r[0], r[1]), reverse=True)
        score, _, style, chain = results[0]
        restarts = any(c.how == "restart" for c in chain)
        for other_score, neg_rank, other_style, other_chain in results[1:]:
            # An outer style ("Article 1") whose numbering the best one restarts under, or a
            # near tie, is the points' style.
            if -neg_rank < _rank(style) and (
                (restarts and len(other_chain) >= 2) or other_score >= score - 0.5
            ):
                style, chain = other_style, other_chain
                break
        self.top_style = style
        chain = self._without_footnotes(chain)
        chain = self._without_front_list(chain)
        chain = self._fill(chain, [c for c in cands if c.style not in (style, _BARE)])
        self._label(chain)
        self._inserted(leads)

    def _without_footnotes(self, chain: list[_Cand]) -> list[_Cand]:
        """The chain without its last run when that run is the plan's numbered footnotes.

        A numbering that starts again at 1 after the last point is an annex, unless it is the
        notes: under a heading such as "Notes" or "Footnotes", or every one of its numbers is a
        footnote mark in the text above ("… signing.[2]", "… Republic.²"). Footnotes are the
        copy's apparatus, not points a coder should code as "2:1", "2:2" …: they stay text.
        """
        starts = [i for i, c in enumerate(chain) if c.how == "restart"]
        if not starts:
            return chain
        run = chain[starts[-1] :]
        if not all(c.line_start for c in run):
            return chain
        above = self.text[: run[0].pos]
        heading = above.rstrip().rsplit("\n", 1)[-1]
        sup = "⁰¹²³⁴⁵⁶⁷⁸⁹"  # a mark follows a word ("signing.[1]", "Republic.¹²"), whole
        marked = all(
            re.search(
                rf"(?<=[^\s{sup}])(?:\[{c.value}\]|{str(c.value).translate(_SUPERSCRIPT)}(?![{sup}]))",
                above,
            )
            for c in run
        )
        if not marked and not _NOTES_HEADING.fullmatch(heading):
            return chain
        self.footnotes = {c.pos for c in run}
        last = chain[starts[-1] - 1]
        self.notes.append(
            Note(
                "footnotes",
                f"the notes numbered {_numbers([c.value for c in run])} after point "
                f"{last.value} are footnotes: kept as text, not as points",
            )
        )
        return chain[: starts[-1]]

    def _inserted(self, leads: list[int]) -> None:
        """Points an amendment put between two numbered ones ("2a.", "3bis."): each is a point
        labelled as written, when it follows the point of its number."""
        if not self.tops:
            return
        text = self.text
        positions = sorted(self.tops)
        labels = {t.label for t in self.tops.values()}
        found: list[str] = []
        for lead in leads:
            m = _INSERTED.match(text, lead)
            if m is None or lead in self.tops:
                continue
            i = bisect.bisect_left(positions, lead)
            if i == 0:
                continue
            before = self.tops[positions[i - 1]]
            if before.value != int(m["num"]):
                continue
            prefix = before.label[: before.label.find(":") + 1]
            label = f"{prefix}{m['num']}{m['suffix']}"
            if label in labels:
                continue
            labels.add(label)
            self.tops[lead] = _Top(m.end(), before.style, before.value, label)
            found.append(label)
        if found:
            self.notes.append(
                Note(
                    "inserted",
                    f"{_points_word(found)} {', '.join(found[:12])}"
                    f"{' …' if len(found) > 12 else ''} "
                    f"{'stands' if len(found) == 1 else 'stand'} between the numbered points "
                    "(added by an amendment?)",
                )
            )

    def _without_front_list(self, chain: list[_Cand]) -> list[_Cand]:
        """The chain without its first run when that run is a list in the front matter and the
        plan's own points start again at 1 after it: a table of contents ("1. Ceasefire ....
        2") or a list inside the preamble's sentence ("recalling: 1. the Charter; 2. the
        Helsinki Final Act, have agreed"). Its items stay text, and the plan's points keep
        their own numbers ("1", not "2:1").
        """
        starts = [i for i, c in enumerate(chain) if c.how == "restart"]
        if not starts:
            return chain
        run, after = chain[: starts[0]], chain[starts[0] :]
        rests = [self._rest_of_line(c) for c in run]
        if all(c.line_start for c in run) and all(_TOC_ENTRY.search(rest) for rest in rests):
            what = "a table of contents"
        elif (
            len(run) <= len(after)  # a list no longer than the plan after it
            and all(r[:1].islower() for r in rests)
            and not all(self._rest_of_line(c)[:1].islower() for c in after)
        ):
            what = "a list in the preamble"
        else:
            return chain
        self.footnotes |= {c.pos for c in run}
        after[0].how = "start"
        self.notes.append(
            Note(
                "front_list",
                f"the lines numbered {_numbers([c.value for c in run])} before point 1 are "
                f"{what}: kept as text, not as points",
            )
        )
        return after

    def _rest_of_line(self, c: _Cand) -> str:
        end = self.text.find("\n", c.end)
        return self.text[c.end : end if end >= 0 else len(self.text)].strip(" \t*_")

    def _fill(self, chain: list[_Cand], others: list[_Cand]) -> list[_Cand]:
        """Put numbers written in another style into the holes of the chain."""
        if not others:
            return chain
        positions = [c.pos for c in others]
        out: list[_Cand] = []
        bounds: list[tuple[_Cand | None, _Cand | None]] = [(None, chain[0])]
        bounds += itertools.pairwise(chain)
        bounds.append((chain[-1], None))
        for lo, hi in bounds:
            if lo is not None:
                out.append(lo)
            if hi is not None and hi.how not in ("next", "late", "start"):
                continue  # a repeat or a restart: no hole before it
            low_value = lo.value if lo is not None else 0
            if lo is None and hi is not None and hi.value == 1:
                continue
            i = bisect.bisect_right(positions, lo.pos if lo is not None else -1)
            j = bisect.bisect_left(positions, hi.pos if hi is not None else len(self.text) + 1)
            starts: set[Style] = set()
            last = low_value
            for c in others[i:j]:
                if c.value == 1 and lo is not None:
                    starts.add(c.style)  # a sub-list under the point: never a point
                # After the last point: the next few numbers, written at a line start.
                limit = hi.value if hi is not None else last + 7
                if hi is None and not c.line_start:
                    continue
                if c.style in starts or not last < c.value < limit or c.weight == _W_WEAK:
                    continue
                if lo is None and not c.line_start:
                    continue
                c.how = "filled"
                out.append(c)
                last = c.value
        return out

    def _written(self, c: _Cand) -> str:
        """The marker as the text writes it, for notes: "14)", "7 –", "10 [", "Point 3:"."""
        written = self.text[c.pos : c.end].strip().strip("*#").strip()
        return written + " [" if c.style == ("num", "[") else written

    def _label(self, chain: list[_Cand]) -> None:
        run = 1
        labels: set[str] = set()
        prefix = ""
        missing: dict[int, list[int]] = {}
        example = next((self._written(c) for c in chain if c.style == self.top_style), "")
        example = re.sub(r"\d+", "N", example)
        prev: _Cand | None = None
        run_together: list[str] = []
        for c in chain:
            if c.how == "restart":
                run += 1
                prefix = f"{run}:"
                shown = f"{prefix}1, {prefix}2 …"
                after = prev.value if prev is not None else 0
                self.notes.append(
                    Note(
                        "restart",
                        f"the numbering starts again at 1 after point {after}: those points are "
                        f"labelled {shown}",
                    )
                )
            elif prev is not None and c.value > prev.value + 1:
                missing.setdefault(run, []).extend(range(prev.value + 1, c.value))
            elif prev is None and c.value > 1:
                self.notes.append(
                    Note(
                        "late_start",
                        f"the text starts at point {c.value} "
                        f"({_points_word(list(range(1, c.value)))} "
                        f"{_numbers(list(range(1, c.value)))} not in it)",
                    )
                )
            label = f"{prefix}{c.value}"
            if label in labels:
                base = label
                label = _unique(base, labels)
                self.notes.append(
                    Note(
                        "repeated",
                        f"number {c.value} appears twice: the second point {c.value} is "
                        f"labelled {label}",
                    )
                )
            labels.add(label)
            if c.style != self.top_style:
                self.notes.append(
                    Note(
                        "delimiter",
                        f'point {c.value} is written "{self._written(c)}"'
                        + (f' among "{example}" points' if example else ""),
                    )
                )
            if c.misread:
                self.notes.append(
                    Note(
                        "misread",
                        f'point {c.value} is written "{self._written(c)}" (a letter for a digit, '
                        "as OCR misreads it?)",
                    )
                )
            if not c.line_start and prev is not None:
                run_together.append(label)
            self.tops[c.pos] = _Top(c.end, self.top_style or c.style, c.value, label)
            prev = c
        for run_no, values in missing.items():
            pre = f"{run_no}:" if run_no > 1 else ""
            values = sorted(set(values))
            self.notes.insert(
                0,
                Note(
                    "gap",
                    f"{_points_word(values)} {_numbers(values, pre)} "
                    f"{'is' if len(values) == 1 else 'are'} not in the text",
                ),
            )
        if run_together:
            self.notes.append(
                Note(
                    "run_together",
                    f"{_points_word(run_together)} {', '.join(run_together[:12])}"
                    f"{' …' if len(run_together) > 12 else ''} "
                    "run on from the line before (line breaks lost in the copy?)",
                )
            )


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


class _Segmenter:
    """One pass over the lines of one text; see the module docstring for the rules."""

    def __init__(self, text: str):
        self.text = text
        self.out: list[_Open] = []
        self.cur: _Open | None = None
        self.stack: list[_Level] = []
        self.headings = 0
        self.bullets: dict[str, int] = {}
        self.tops: dict[int, _Top] = {}
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
                numeric = interp[0][0] in _NUMERIC
                if numeric and self.has_points and depth == 0:
                    continue  # the points come from pass 1 only
                if loose and numeric and not (numbers and depth > 0):
                    continue  # a loose number only goes on with a numbered sub-list
                if _same_sequence(level.style, interp[0]) and _is_next(
                    interp[0], level.value, interp[1]
                ):
                    return "continue", depth, interp
                twin = _twin(level)
                if (
                    twin is not None
                    and interp[0][0] == twin[0][0]
                    and _is_next(interp[0], twin[1], interp[1])
                ):
                    level.style = interp[0]  # "a)" was typed in Latin: "б)" goes on
                    return "continue", depth, interp
        if not (line_start or after_colon):
            return None
        for interp in interps:
            style = interp[0]
            if not _is_first(style, interp[1]):
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
                if _rank(style) <= _rank(stack[0].style) and not nested_afresh:
                    continue
            elif style[0] in _NUMERIC:
                continue  # no numbering was found in pass 1: numbers are text
            if line_start:
                for depth in range(len(stack) - 1, 0 if self.has_points else -1, -1):
                    if _same_sequence(stack[depth].style, style):
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
            floor = 1 if self.has_points else 0
            while len(stack) > floor and _rank(stack[-1].style) >= rank:
                stack.pop()
            stack.append(_Level(style, value, display))
        else:
            del stack[depth + 1 :]
            stack[depth].value = value
            stack[depth].display = display
        kind = "point" if len(stack) == 1 else "subpoint"
        return ".".join(level.display for level in stack), kind

    def _top(self, top: _Top) -> str:
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
            while stack and _rank(stack[-1].style) >= _FAMILY_RANK["bul"]:
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
        for g in _BULLET_GLYPHS:
            i = text.find(g, 1)
            while i >= 0:
                if text[i - 1] in " \t" and _AFTER_GLYPH.match(text, i + 1) is not None:
                    j = i - 1
                    while j >= 0 and text[j] in " \t":
                        j -= 1
                    k = j
                    while k >= 0 and text[k] in _CLOSERS:
                        k -= 1
                    punct = k if k >= 0 and text[k] in _BULLET_AFTER else -1
                    found.append((i, j + 1, punct, g))
                i = text.find(g, i + 1)
        found.sort()
        self.bullet_positions = [f[0] for f in found]
        self.bullet_info = [(f[1], f[2], f[3]) for f in found]

    def _run_on_bullets(self, start: int, end: int, glyph: str) -> list[int]:
        """Where bullets run on within ``text[start:end]``: after a bullet ``glyph`` that starts
        the line, the same glyph again; in a point's text (``glyph`` is ``_AFTER_TEXT``), a glyph
        found at least twice. Dashes and "*" count only after a sentence's end or a colon."""
        marks = self.bullet_positions
        i = bisect.bisect_left(marks, start)
        found: dict[str, list[int]] = {}
        while i < len(marks) and marks[i] < end:
            spaces, punct, g = self.bullet_info[i]
            if spaces >= start and (punct >= start or g in _STRONG_BULLETS):
                found.setdefault(g, []).append(marks[i])
            i += 1
        if glyph != _AFTER_TEXT:
            return found.get(glyph, [])
        return sorted(p for positions in found.values() if len(positions) >= 2 for p in positions)

    def _scan_inline(self, start: int, end: int, bullet: str = "") -> None:
        """Cut points, sub-points and bullets that run on within ``text[start:end]`` (one line);
        ``bullet`` is the glyph that started the line, or ``_AFTER_TEXT`` after a point's marker
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
            events.extend((m.start("m"), 2, False) for m in _LOOSE_SUB.finditer(text, start, end))
            if _DIGIT_PAREN.search(text, start, end) is not None:
                for m in _LOOSE_SUB_NUMBER.finditer(text, start, end):
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
            marker = _LINE_MARKER.match(text, mpos, end)
            if marker is None:
                continue
            interps = _interpret(marker)
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
        body = _lstrip(line)
        return bool(_LINE_MARKER.match(body) or _BULLET.match(body) or _MD_HEADING.match(body))

    def _heading(self, start: int, end: int) -> None:
        self.headings += 1
        del self.stack[1:]
        self._open(start, end, f"H{self.headings}", "heading", True)

    def run(self, mode: str = "auto") -> Segmentation:
        text = self.text
        lines: list[tuple[int, int]] = []
        pos = 0
        if _OTHER_BREAK.search(text) is None:
            for line in text.split("\n"):
                lines.append((pos, pos + len(line)))
                pos += len(line) + 1
        else:
            for m in _LINE_BREAK.finditer(text):
                lines.append((pos, m.start()))
                pos = m.end()
            lines.append((pos, len(text)))
        if mode == "paragraphs":
            return self._paragraphs(lines)
        matches: list[re.Match[str] | None] = []
        leads: list[int] = []  # where each line's text starts (its end when blank)
        match = _LINE_MARKER.match
        for ls, le in lines:
            lead = le - len(_lstrip(text[ls:le]))
            leads.append(lead)
            matches.append(match(text, lead, le) if lead < le else None)
        inline = list(_INLINE.finditer(text))
        finder = _PointFinder(text, lines)
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
            body = _lstrip(line)
            if not body or _RULE.fullmatch(line):
                blank_before = True
                continue
            if _PAGE_FURNITURE.fullmatch(body.rstrip()) or (
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
        if not any(c.kind in _LIST_KINDS for c in clauses) and clauses:
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
            capitals = body.upper() == body and _HAS_LETTER.search(body) is not None
            if _looks_like_heading(body) and (
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
            if not line.strip() or _RULE.fullmatch(line):
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
            self._scan_inline(top.end, content_end, _AFTER_TEXT)
            return "item"
        rest = ""
        if m is not None:
            rest = self.text[m.end() : content_end].strip()
            if m["kw"] is not None and not _kw_header(m, rest):
                m = None  # "Article 5 of the Washington Treaty": a reference, not a marker
        if m is not None:
            interps = _interpret(m)
            capitals = interps and all(i[0][0] in ("LAT", "ROM", "CYR") for i in interps)
            if capitals and rest and _looks_like_heading(rest):
                self._heading(lead, content_end)
                return "heading"
            figures = bool(interps) and interps[0][0][0] == "num" and not _HAS_LETTER.search(rest)
            decision = None if figures else self._accept(interps, True, False)
            if decision is not None:
                label, kind = self._apply(*decision)
                self._open(lead, content_end, label, kind, bool(rest))
                self._scan_inline(m.end(), content_end, _AFTER_TEXT)
                return "item"
        if _MD_HEADING.match(body) and not self._tops_in(lead, content_end):
            self._heading(lead, content_end)
            return "heading"
        b = _BULLET.match(body)
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
        in_item = cur is not None and cur.kind in _LIST_KINDS
        stripped = body.rstrip()
        bold = stripped.startswith(("**", "__")) and stripped.endswith(("**", "__"))
        may_head = not self._tops_in(lead, content_end) and lead not in self.footnotes
        if para_start:
            indented = lead > 0 and text[lead - 1] not in _BREAKS
            if in_item and cur is not None and (not cur.has_body or (indented and was_blank)):
                return self._continue(lead, content_end)
            if (  # "(working translation)" under its title, as its next line or paragraph
                cur is not None
                and cur.kind == "heading"
                and _QUALIFIER_LINE.fullmatch(body)
                and (not was_blank or self._heading_context(lines, idx, body))
            ):
                return self._continue(lead, content_end)
            if (
                may_head
                and _looks_like_heading(body)
                and (bold or self._heading_context(lines, idx, body))
            ):
                self._heading(lead, content_end)
                return "heading"
            self._open(lead, content_end, "", "paragraph", True)
            self._scan_inline(lead, content_end)
            return self.cur.kind if self.cur is not None else "paragraph"
        if (
            may_head
            and prev_end_char in _SENTENCE_END
            and (bold or body.upper() == body)
            and _looks_like_heading(body)
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
        if _QUALIFIER_LINE.fullmatch(following):  # the title's qualifier on its own line
            return self._heading_context(lines, idx + 1, following, title or body)
        if _PAGE_FURNITURE.fullmatch(following.strip()):
            return self._heading_context(lines, idx + 1, body, title)
        if not following.strip() or self._is_marker_line(following):
            return True
        # The copy's title with its qualifier, the preamble straight under it: only as the
        # first line of the text, and only before a new sentence.
        if not title:
            qualifier = _QUALIFIER.search(body.rstrip())
            title = body[: qualifier.start()] if qualifier is not None else ""
        return (
            self.cur is None
            and _title_like(title.strip("*_ \t"))
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
