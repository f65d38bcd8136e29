"""Where a REFI-QDA selection really is: positions checked against the text the selection carries.

The standard says positions are code points, but real files disagree: QualCoder's coding view
stores Qt cursor positions (UTF-16 code units, so every coding after an emoji moves), and its
"line endings for MAXQDA" export writes CRLF text with positions counted in the LF text. Most
tools also write the selected text into ``PlainTextSelection/@name`` (Qt writes a line break there
as U+2029). So each selection is read in every plausible way and the reading whose text equals
its name wins; failing that, the name is looked for near the position. Only a selection that
cannot be placed at all is skipped, and the caller lists it.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from annotator.core.text import BOM, normalise

#: How a selection was placed, in the order readings are tried.
READINGS = ("codepoints", "utf16", "crlf", "utf16+crlf")
SEARCHED = "text"  # found by searching its text near the position
UNCHECKED = "unchecked"  # no usable text to check against: positions taken as code points
NAMELESS = "names"  # names in this source are not texts: positions taken, unchecked
MIN_PREFIX = 8  # a shorter name is no evidence that it begins the selected text
TRUNCATION = ("...", "\u2026")


@dataclass(frozen=True)
class Placement:
    """``[start, end)`` in the normalised text, and how it was found (a :data:`READINGS` name,
    :data:`SEARCHED` or :data:`UNCHECKED`); ``checked`` says whether the text confirmed it."""

    start: int
    end: int
    how: str
    checked: bool


_PIECE_RE = re.compile(r"\r\n|\r|[\x00-\x7f][^\x00-\x7f]*|[^\x00-\x7f]+")


class _OffsetShift:
    """Maps code-point offsets in a raw text to offsets in its normalised form.

    Foreign tools count positions in the text as they stored it (CRLF, decomposed accents, a BOM);
    we count in the normalised text. Pieces that change length are recorded; elsewhere the shift
    is constant. NFC never composes across an ASCII character, so pieces start at one.
    """

    def __init__(self, raw: str) -> None:
        self.text = normalise(raw)
        self._raw: list[int] = []  # raw start of each changed piece
        self._pieces: list[
            tuple[int, int, int, int]
        ] = []  # raw start, raw len, norm start, norm len
        if self.text == raw:
            return
        out: list[str] = []
        pos = npos = 0
        boms = len(raw) - len(raw.lstrip(BOM))  # normalise drops every leading BOM
        if boms:
            self._add(0, boms, 0, 0)
            pos = boms
        for m in _PIECE_RE.finditer(raw, pos):
            piece = m.group()
            norm = "\n" if piece in ("\r\n", "\r") else unicodedata.normalize("NFC", piece)
            if len(norm) != len(piece):
                self._add(m.start(), len(piece), npos, len(norm))
            out.append(norm)
            npos += len(norm)
        if "".join(out) != self.text:  # cannot happen for valid Unicode; never map wrongly
            raise ValueError("normalisation is not piecewise")

    def _add(self, raw_start: int, raw_len: int, norm_start: int, norm_len: int) -> None:
        self._raw.append(raw_start)
        self._pieces.append((raw_start, raw_len, norm_start, norm_len))

    def __call__(self, offset: int) -> int:
        i = bisect.bisect_right(self._raw, offset) - 1
        if i < 0:
            return offset
        rs, rl, ns, nl = self._pieces[i]
        if offset < rs + rl:
            return ns + min(offset - rs, nl)
        return offset - (rs + rl) + (ns + nl)


def expected_text(name: str | None) -> str:
    """A selection's ``@name`` as the text it should cover (U+2029 is Qt's line break)."""
    if not name:
        return ""
    return normalise(name.replace("\u2029", "\n").replace("\u2028", "\n"))


class _Utf16:
    """UTF-16 code-unit offsets into a text, as code-point offsets (``None`` inside a pair)."""

    def __init__(self, text: str) -> None:
        astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self.starts = [cp + k for k, cp in enumerate(astral)]  # UTF-16 offset of each pair
        self.length = len(text) + len(astral)

    def __call__(self, unit: int) -> int | None:
        if not 0 <= unit <= self.length:
            return None
        k = bisect.bisect_left(self.starts, unit)
        if k and self.starts[k - 1] + 1 == unit:
            return None  # between the two halves of a surrogate pair
        return unit - k


class PositionResolver:
    """Reads selections of one source text; ``raw`` is the text as the file stores it."""

    def __init__(self, raw: str, shift: Callable[[int], int], text: str) -> None:
        self.raw = raw
        self.text = text
        self.checked: Counter[str] = Counter()  # how the selections that matched were read
        self.rank: dict[str, int] = {}  # reading -> minus the selections it fits (see learn)
        self.names_are_text = True
        self._readings: dict[str, Callable[[int], int | None]] = {}
        self._add("codepoints", raw, shift)
        if "\r\n" in raw:
            lf = raw.replace("\r\n", "\n")
            self._add("crlf", lf, _OffsetShift(lf))
            if any(ord(ch) > 0xFFFF for ch in raw):
                self._add_utf16("utf16+crlf", lf, _OffsetShift(lf))
        if any(ord(ch) > 0xFFFF for ch in raw):
            self._add_utf16("utf16", raw, shift)

    def _add(self, how: str, raw: str, shift: Callable[[int], int]) -> None:
        n = len(raw)
        self._readings[how] = lambda p: shift(p) if 0 <= p <= n else None

    def _add_utf16(self, how: str, raw: str, shift: Callable[[int], int]) -> None:
        units = _Utf16(raw)

        def read(p: int) -> int | None:
            cp = units(p)
            return None if cp is None else shift(cp)

        self._readings[how] = read

    def readings(self, start: int, end: int) -> list[tuple[str, int, int]]:
        """Each reading of ``[start, end)`` that lands in the text, in :data:`READINGS` order."""
        out = []
        for how in READINGS:
            read = self._readings.get(how)
            if read is None:
                continue
            s, e = read(start), read(end)
            if s is not None and e is not None and s <= e:
                out.append((how, s, e))
        return out

    def learn(self, selections: list[tuple[int, int, str | None]]) -> None:
        """Look over all of a source's selections first.

        Count which readings give their text: a short selection may read true by chance at the
        wrong offset ("the" three characters on), so each one prefers the reading that fits most
        of its source's selections. And see whether names are texts at all: QualCoder's are, an
        ATLAS.ti quotation name may be a title ("Quote 1:3"). Where most names are texts, one
        that is not found is a selection that cannot be placed; elsewhere positions are taken.
        """
        fits: Counter[str] = Counter()
        named = matched = 0
        for start, end, name in selections:
            want = expected_text(name)
            if not want.strip():
                continue
            named += 1
            hits = [h for h, s, e in self.readings(start, end) if self.text[s:e] == want]
            fits.update(hits)
            if hits or self._fits_by_prefix(start, end, want) or want in self.text:
                matched += 1
        self.rank = {how: -n for how, n in fits.items()}
        self.names_are_text = named == 0 or 2 * matched >= named

    def _fits_by_prefix(self, start: int, end: int, want: str) -> bool:
        head = _truncated(want) or want
        return len(head) >= MIN_PREFIX and any(
            self.text[s:e].startswith(head) for _h, s, e in self.readings(start, end)
        )

    def place(
        self, start: int, end: int, name: str | None, *, trust: bool = False
    ) -> Placement | None:
        """The selection's place in the normalised text, or ``None`` if it cannot be placed.

        ``trust``: the file is our own, whose positions are code points and whose names are labels.
        """
        readings = self.readings(start, end)
        readings.sort(key=lambda r: self.rank.get(r[0], 0))  # stable: code points first on ties
        want = "" if trust else expected_text(name)
        if not want.strip():
            return self._unchecked(readings)
        plain = next(((s, e) for how, s, e in readings if how == "codepoints"), None)
        for how, s, e in readings:
            if self.text[s:e] == want:
                self.checked[how] += 1
                # Where the readings agree (before the first emoji) nothing was corrected.
                return Placement(s, e, "codepoints" if plain == (s, e) else how, True)
        # A name that is the beginning of the selected text (ATLAS.ti, MAXQDA shorten them).
        head = _truncated(want) or want
        if len(head) >= MIN_PREFIX:
            for how, s, e in readings:
                if self.text[s:e].startswith(head):
                    return Placement(s, e, "codepoints" if plain == (s, e) else how, True)
        near = readings[0][1] if readings else min(max(start, 0), len(self.text))
        found = self._search(want, near)
        if found is not None:
            return Placement(found, found + len(want), SEARCHED, True)
        prefix = _truncated(want)
        found = self._search(prefix, near) if prefix else None
        if found is not None:  # a shortened name, shifted: as long as its positions say
            length = max(len(prefix), readings[0][2] - readings[0][1] if readings else 0)
            return Placement(found, min(found + length, len(self.text)), SEARCHED, True)
        if not self.names_are_text:  # names here are titles, not texts: positions it is
            placed = self._unchecked(readings)
            return None if placed is None else replace(placed, how=NAMELESS)
        return None

    def _unchecked(self, readings: list[tuple[str, int, int]]) -> Placement | None:
        """Nothing to check against (an annotation note has no name): read it the way the
        source's checked selections were, else as code points."""
        usual = self.checked.most_common(1)[0][0] if self.checked else "codepoints"
        readings = sorted(readings, key=lambda r: r[0] != usual)
        if not readings:
            return None
        how, s, e = readings[0]
        return Placement(s, e, how if how != "codepoints" else UNCHECKED, False)

    def _search(self, want: str, near: int) -> int | None:
        """The start of the occurrence of ``want`` nearest to ``near``."""
        best: int | None = None
        i = self.text.find(want)
        while i != -1:
            if best is None or abs(i - near) < abs(best - near):
                best = i
            elif i > near:
                break  # occurrences only move away from here on
            i = self.text.find(want, i + 1)
        return best


def _truncated(want: str) -> str:
    """The kept beginning of a name another tool shortened with an ellipsis, else ``""``."""
    for mark in TRUNCATION:
        if want.endswith(mark):
            head = want[: -len(mark)].rstrip()
            return head if len(head) >= MIN_PREFIX else ""
    return ""


class ClauseIndex:
    """The clauses of a text, to cut a selection into one piece per clause it touches."""

    def __init__(self, clauses: list[tuple[int, int]]) -> None:
        self.bounds = sorted(clauses)
        self.starts = [s for s, _ in self.bounds]
        self.max_end: list[int] = []
        high = -1
        for _, e in self.bounds:
            high = max(high, e)
            self.max_end.append(high)

    def pieces(self, start: int, end: int, text: str) -> list[tuple[int, int, int, int]]:
        """``(clause start, clause end, piece start, piece end)`` per clause ``[start, end)``
        touches; a selection inside one clause gives one piece (in the innermost clause).

        Pieces that hold only white space (a selection running on over the line break after a
        clause) are dropped.
        """
        i = bisect.bisect_left(self.starts, end) - 1
        touched = []
        while i >= 0 and self.max_end[i] > start:  # earlier clauses cannot reach the selection
            s, e = self.bounds[i]
            if e > start:
                touched.append((s, e))
            i -= 1
        if not touched:
            return []
        holding = [b for b in touched if b[0] <= start and end <= b[1]]
        if holding:
            s, e = min(holding, key=lambda b: b[1] - b[0])
            return [(s, e, start, end)]
        leaves = [
            b for b in touched if not any(o != b and b[0] <= o[0] and o[1] <= b[1] for o in touched)
        ]
        pieces = []
        for s, e in sorted(leaves):
            ps, pe = max(s, start), min(e, end)
            if ps < pe and text[ps:pe].strip():
                pieces.append((s, e, ps, pe))
        return pieces
