"""The segmenter's lexicon: what a marker, a bullet, a heading and page furniture look like.

Patterns for markers at a line start and inside a line, the invisible characters and line breaks
copies carry, page headers and footers, the keyword, roman and Cyrillic tables, and the helpers
that read a marker as a numbering style and value (:func:`interpret`, :func:`is_next`,
:func:`level_rank`). Both passes of :mod:`annotator.core.segment` use them; the rules themselves
are described there.
"""

from __future__ import annotations

import re

# Invisible characters copies carry (zero-width space and joiners, direction marks, a stray BOM,
# a soft hyphen): a line that starts with them still starts with its marker, and they may stand
# between a marker and its text.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u202a-\u202e\u2066-\u2069\ufeff"
_LEAD = re.compile(rf"[\s{_INVISIBLE}]*")


_INVISIBLE_CHARS = frozenset(
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"
    + "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))
)


def lstrip_invisible(line: str) -> str:
    """``line`` without its leading white space and invisible characters."""
    body = line.lstrip()
    if body[:1] in _INVISIBLE_CHARS:  # rare: only then the slower pattern
        return line[_LEAD.match(line).end() :]  # type: ignore[union-attr]
    return body


_KEYWORDS = r"point|paragraph|article|art\.|clause|item|пункт|стаття|статья|параграф"
# "Art. 2" continues "Article 1": one numbering, whichever way each header is written.
_KW_SAME = {"art.": "article"}
_LETTER = "a-zA-Zа-яА-ЯіїєґІЇЄҐёЁ"

LINE_MARKER = re.compile(
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
LOOSE_NUMBER = re.compile(r"(?:\*\*)?(?P<num>\d{1,3})(?:(?P<dash>[ \t]+[—–-])[ \t]|[ \t]+(?=\[))")
# A number misread by OCR, a letter O for 0 or l/I for 1 ("1O. The …", "l2. …"): a point only
# where the numbering needs it, as any number.
OCR_NUMBER = re.compile(r"(?=[0-9OlI]*\d)(?P<num>[0-9OlI]{2,3})(?P<delim>[.)])(?=\s)")
OCR_DIGITS = str.maketrans("OlI", "011")
# A number with no delimiter at all before a capital ("1 The ceasefire …", as PDFs lose the dot):
# points only when such lines alone make the numbering, never a hole filled in another one.
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Січня|Лютого|Березня|Квітня|Травня|Червня|Липня|Серпня|Вересня|Жовтня|Листопада|Грудня|"
    "Января|Февраля|Марта|Апреля|Мая|Июня|Июля|Августа|Сентября|Октября|Ноября|Декабря"
)
BARE_NUMBER = re.compile(
    rf"(?P<num>\d{{1,3}})[ \t]+(?=[A-ZА-ЯІЇЄҐ])(?!(?i:{_MONTHS})\b)"  # not "1 March 2026"
)
# A point an amendment inserted: "2a.", "3bis.", "**4ter)**".
INSERTED = re.compile(
    r"(?:\*\*)?(?P<num>\d{1,3})(?P<suffix>[a-z]|bis|ter|quater)[.)](?:\*\*)?(?=\s)"
)
BULLET = re.compile(r"(?P<bullet>[-•*–—▪◦‣])[ \t]+(?=\S)")
# Bullets run together on one line ("• roads • bridges", "… signed. - Monitors …"): a dash or "*"
# only after the end of a sentence or a colon, never as a dash inside a sentence ("a – b").
BULLET_GLYPHS = "-•*–—▪◦‣"
STRONG_BULLETS = frozenset("•▪◦‣")  # never punctuation
BULLET_AFTER = frozenset(".!?…:")  # a dash or "*" starts a bullet only after these
CLOSERS = frozenset("\"'»”’)]")
AFTER_GLYPH = re.compile(r"[ \t]+\S")
# The text of a point (segment.py, _scan_inline), where a bullet must repeat to count.
AFTER_TEXT = "text"
RULE = re.compile(r"[ \t]*([-*_=~])(?:[ \t]*\1){2,}[ \t]*")
# A page's header or footer left in a PDF's text ("Page 3 of 12", "Page 3", "- 3 -"): it belongs to
# no clause and is passed over, so that the point it interrupts goes on after it.
PAGE_FURNITURE = re.compile(
    r"(?i:page|p\.|сторінка|стор\.|страница|стр\.)[ \t]*\d{1,4}"
    r"(?:[ \t]*(?i:of|/|з|із|из)[ \t]*\d{1,4})?"
    r"|[-–—][ \t]*\d{1,4}[ \t]*[-–—]"
)
# A table of contents' entry ends with its page: "Ceasefire ....... 2", "Ceasefire . . . 2".
TOC_ENTRY = re.compile(r"(?:(?:[ \t]*[.…·]){2,}|[ \t]{2,}|\t)[ \t]*\d{1,4}$")
# Line breaks other than "\n" that copies carry inside a line: a form feed between a PDF's pages
# (pdftotext), a vertical tab (Word's manual line break), Unicode's line and paragraph separators.
# Right after a "\n" they are only white space before the next line's text.
BREAKS = "\n\f\v\u2028\u2029\x85"
OTHER_BREAK = re.compile(r"[\f\v\u2028\u2029\x85]")
LINE_BREAK = re.compile(r"\n|(?<=[^\n])[\f\v\u2028\u2029\x85]")
MD_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
# Editorial marks between a sentence and the next point: "[B]", "[…]", "[...truncated]", "[2]", "¹".
_MARKS = r"(?:[ \t\u00a0\u202f]*(?:\[[^\]\n]{0,40}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+))*"
# A marker inside a line, found in one scan of the text: sentence punctuation (or a closing
# bracket), editorial marks, spaces, then a number that may be a point ("… forces. 5. The …",
# "… [B] 6. …", "… sea. 7 – …", "… sea. 10 [There will be] …") or a nested marker ("a)", "(b)",
# "c.", "(ii)", "(2)") -- the latter only after punctuation. The marker is looked at, not consumed,
# so that its own "." can end the sentence before the next one ("… 1994. 5. The …").
INLINE = re.compile(
    rf"(?:(?P<p>[.!?;:…])[\"'»”’)\]]*|\]){_MARKS}[ \t\u00a0\u202f]+"
    r"(?=(?P<m>(?:\*\*)?(?P<n>\d{1,3})(?P<d>\.[º°]|[.)º])(?:\*\*)?(?=\s)"
    r"|(?P<ln>\d{1,3})(?:(?P<dash>[ \t]+[—–-])(?=[ \t])|(?=[ \t]+\[))"
    r"|(?:\((?:\d{1,3}|[a-zа-яіїєґ]{1,5})\)|[a-zа-яіїєґ]{1,5}\)|[a-zа-яіїєґ]\.)(?=\s)))"
)
# A point inside a line with no punctuation before it: only ever the next number.
WEAK_POINT = re.compile(r"[ \t]+(?P<m>(?P<n>\d{1,3})\.)[ \t]+(?=[A-ZА-ЯІЇЄҐ\"“«\[])")
REFERENCE_WORD = re.compile(
    r"(?i:article|art\.?|§|point|paragraph|section|clause|item|chapter|annex|no|nr|number|resolution|"
    r"пункт|пункту|стаття|статті|статья|статьи|розділ|раздел)$"
)
_ABBREVIATIONS = frozenset({"no.", "nr.", "art.", "p.", "pp.", "para.", "ст.", "п.", "№."})
ABBREV_ENDS = tuple(_ABBREVIATIONS)
# ... or after any space, but then only the next letter of an open sequence ("a) x, (b) y").
LOOSE_SUB = re.compile(r"[ \t](?P<m>\([a-zа-яіїєґ]{1,5}\)|[a-zа-яіїєґ]{1,5}\))(?=\s)")
# ... and the next number of an open numbered sub-list after a list's comma or "and" ("stages:
# 1) first, 2) second and 3) third"), never one in brackets mid-sentence ("(see point 2)").
DIGIT_PAREN = re.compile(r"\d\)")
LOOSE_SUB_NUMBER = re.compile(
    r"(?:[,;]|[ \t](?:and|or|і|й|та|и|или|або))[ \t]+(?P<m>\(\d{1,3}\)|\d{1,3}\))(?=\s)"
)
HAS_LETTER = re.compile(rf"[{_LETTER}]")
HAS_DIGIT = re.compile(r"\d")
_NO_HEADING_END = ".,;:!?…"
# A bracketed qualifier closing a title line: "(working translation)", "[unofficial draft]".
QUALIFIER = re.compile(r"[ \t]+(?:\([^()\n]{1,80}\)|\[[^\[\]\n]{1,80}\])$")
# ... or on a line of its own under the title.
QUALIFIER_LINE = re.compile(r"[ \t]*(?:\([^()\n]{1,80}\)|\[[^\[\]\n]{1,80}\])[ \t]*")
SENTENCE_END = ".;:!?…"
LIST_KINDS = frozenset({"point", "subpoint", "bullet"})

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
HOMOGLYPHS = dict(zip("aceiopxy", "асеіорху", strict=True)) | dict(
    zip("асеіорху", "aceiopxy", strict=True)
)
_CYR_SET = frozenset(_UK + _RU)

# Lower rank = outer level. Families: kw, num, LAT/ROM/CYR (capitals), lat/cyr, rom, bul.
FAMILY_RANK = {
    "kw": 0, "dec": 3, "LAT": 4, "ROM": 4, "CYR": 4, "lat": 5, "cyr": 5, "rom": 6, "bul": 7,
}  # fmt: skip
_NUM_RANK = {".": 1, "º": 1, "–": 1, "[": 1, ")": 2, "()": 3, " ": 4}
BARE: Style = ("num", " ")
NUMERIC = frozenset({"num", "kw"})

Style = tuple[str, str]  # (family, delimiter or keyword or bullet character)
Value = int | str
Interp = tuple[Style, Value, str]  # style, value, label text


def level_rank(style: Style) -> int:
    if style[0] == "num":
        return _NUM_RANK[style[1]]
    return FAMILY_RANK[style[0]]


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


def kw_style(keyword: str) -> Style:
    low = keyword.lower()
    return ("kw", _KW_SAME.get(low, low))


def quotes_a_number(word: str) -> bool:
    """True for a word the next number belongs to: "No.", "Art.", "§", "Resolution", "point" --
    not a sentence that ends with such a word ("… of the annex.")."""
    word = word.strip("(\"'«“[")
    if word.endswith("."):
        return word.lower() in _ABBREVIATIONS
    return bool(REFERENCE_WORD.search(word))


def kw_header(m: re.Match[str], rest: str) -> bool:
    """ "Article 5." or "Article 5" alone or before a title ("§ 1 Ceasefire", "Art. 4 The …"),
    not "Article 5 of the Washington Treaty" nor "point 4)" (references a wrapped line starts
    with)."""
    if m["kw"][0].islower():
        return False  # "… (see\npoint 4) …": a header is capitalised, a wrapped reference not
    rest = rest.strip()
    return bool(m["kwdelim"]) or not rest or rest[0].isupper()


def num_style(delim: str) -> Style:
    delim = delim.replace("\\", "").replace("*", "")
    return ("num", "º" if delim[-1] in "º°" else delim)


def interpret(m: re.Match[str]) -> list[Interp]:
    """Every reading of a marker match: "i)" may be the letter i or the roman one."""
    if m["kw"] is not None:
        n = int(m["kwnum"])
        return [(kw_style(m["kw"]), n, str(n))]
    if m["dnum"] is not None:  # "12.1." is sub-point 1 of point 12 (the style names its point)
        n = int(m["dsub"])
        return [(("dec", str(int(m["dnum"]))), n, str(n))]
    if m["num"] is not None:
        n = int(m["num"])
        return [(num_style(m["numdelim"]), n, str(n))]
    if m["pnum"] is not None:
        n = int(m["pnum"])
        return [(("num", "()"), n, str(n))]
    token, delim = (m["plet"], "()") if m["plet"] is not None else (m["let"], m["letdelim"])
    out = _letter_interps(token, delim)
    twin = HOMOGLYPHS.get(token)
    if twin is not None:  # "е)" typed with a Latin "e" after "д)": it continues either alphabet
        out += [i for i in _letter_interps(twin, delim) if i[0][0] in ("lat", "cyr")]
    return out


def is_first(style: Style, value: Value) -> bool:
    return value == ("а" if style[0] in ("cyr", "CYR") else 1)


def is_next(style: Style, prev: Value, value: Value) -> bool:
    if style[0] in ("cyr", "CYR"):
        return isinstance(prev, str) and value in _CYR_NEXT.get(prev, ())
    return isinstance(prev, int) and isinstance(value, int) and value == prev + 1


def same_sequence(level: Style, marker: Style) -> bool:
    """Letters and roman numerals continue whatever their brackets ("a) … (b) …"); numbers not."""
    if level[0] != marker[0]:
        return False
    return level[1] == marker[1] or level[0] not in NUMERIC


def looks_like_heading(line: str) -> bool:
    """Short and capitalised without final punctuation, or ALL CAPS.

    A closing qualifier in brackets ("Framework for a Settlement (working translation)") is the
    copy's, not the title's: the title is measured without it."""
    s = line.strip().strip("*_").strip()  # emphasis marks do not count as punctuation
    if not s or len(s) > 100 or "|" in s:  # "|" marks a table row
        return False
    if s.upper() == s and s.lower() != s and sum(ch.isalpha() for ch in s) >= 2:
        return True
    qualifier = QUALIFIER.search(s)
    if qualifier is not None and qualifier.start() > 0:
        core = s[: qualifier.start()].rstrip()
        if (len(s) > 80 or len(s.split()) > 10) and not title_like(core):
            return False  # a sentence with a long aside ("… six months (or sooner, at …)")
        s = core
    elif len(s) > 80:
        return False
    if len(s) > 80 or s[-1] in _NO_HEADING_END or len(s.split()) > 10:
        return False
    first = next((ch for ch in s if ch.isalpha()), "")
    return bool(first) and not first.islower()


def title_like(s: str) -> bool:
    """Title Case ("Framework for a Settlement") or at most five words: a title, not a sentence."""
    words = s.split()
    return len(words) <= 5 or all(w[0].isupper() for w in words if len(w) >= 4 and w.isalpha())
