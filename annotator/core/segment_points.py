"""Pass 1 of the segmenter: which numbers are the plan's points (see :mod:`annotator.core.segment`).

:class:`PointFinder` collects the candidates, chooses the best-scoring chain per numbering style,
fills its holes and writes the notes about the numbering; pass 2 builds the clauses around the
points it accepted (:class:`Top`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass

from annotator.core.labels import unique as _unique
from annotator.core.segment_markers import (
    ABBREV_ENDS,
    BARE,
    BARE_NUMBER,
    HAS_DIGIT,
    HAS_LETTER,
    INSERTED,
    LOOSE_NUMBER,
    OCR_DIGITS,
    OCR_NUMBER,
    REFERENCE_WORD,
    TOC_ENTRY,
    WEAK_POINT,
    Style,
    kw_header,
    kw_style,
    level_rank,
    looks_like_heading,
    num_style,
    quotes_a_number,
)
from annotator.core.segment_result import Note

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


def _numbers(values: list[int], prefix: str = "") -> str:
    """ "13, 15, 16" or "1–8" for a run of more than three."""
    if len(values) > 3 and values[-1] - values[0] == len(values) - 1:
        return f"{prefix}{values[0]}–{prefix}{values[-1]}"
    return ", ".join(f"{prefix}{v}" for v in values)


def _points_word(values: list[int] | list[str]) -> str:
    return "point" if len(values) == 1 else "points"


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
class Top:
    """An accepted point: its marker's end, the level it opens and its label."""

    end: int
    style: Style
    value: int
    label: str


def _chain(cands: list[_Cand]) -> tuple[float, list[_Cand]]:
    """The best-scoring chain through ``cands`` (sorted by position); the scoring is described
    in :mod:`annotator.core.segment`."""
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


class PointFinder:
    """Pass 1: candidates, the chain per style, the filling of its holes, and the notes."""

    def __init__(self, text: str, lines: list[tuple[int, int]]):
        self.text = text
        self.lines = lines
        self.cands: list[_Cand] = []
        self.figures = 0
        self.notes: list[Note] = []
        self.tops: dict[int, Top] = {}
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
                    if kw_header(m, rest):
                        style, value = kw_style(m["kw"]), int(m["kwnum"])
                elif m["num"] is not None:
                    style, value = num_style(m["numdelim"]), int(m["num"])
                elif m["pnum"] is not None:
                    style, value = ("num", "()"), int(m["pnum"])
                end = m.end()
            else:
                loose = LOOSE_NUMBER.match(text, lead, le)
                if loose is not None:
                    style = ("num", "–" if loose["dash"] else "[")
                    value = int(loose["num"])
                    end = loose.end()
                    rest = text[end:le]
                    if style[1] == "[":
                        end = lead + len(loose.group().rstrip())  # the number, not the bracket
                else:
                    ocr = OCR_NUMBER.match(text, lead, le)
                    if ocr is not None and HAS_LETTER.search(ocr["num"]):
                        value = int(ocr["num"].translate(OCR_DIGITS))
                        rest = text[ocr.end() : le]
                        if HAS_LETTER.search(rest):
                            cand = _Cand(
                                lead, ocr.end(), value, num_style(ocr["delim"]), _W_LINE, True
                            )
                            cand.misread = True
                            self.cands.append(cand)
                    bare = BARE_NUMBER.match(text, lead, le)
                    if bare is not None:
                        end = lead + len(bare["num"])
                        self.cands.append(_Cand(lead, end, int(bare["num"]), BARE, _W_LINE, True))
                    continue
            if style is None:
                continue
            if not HAS_LETTER.search(rest) and HAS_DIGIT.search(rest):
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
            last == "." and not text[max(0, lead - 7) : lead - 1].lower().endswith(ABBREV_ENDS)
        ):
            return False  # the common case, decided without slicing the line
        above = text[text.rfind("\n", 0, lead - 1) + 1 : lead - 1].rstrip()
        space = max(above.rfind(" "), above.rfind("\t"))
        word = above[space + 1 :]
        if space < 0 or not above[:space].strip() or not quotes_a_number(word):
            return False
        # A title ending in such a word ("Humanitarian Annex") stands above a first point.
        return not word[:1].isupper() or word.endswith(".") or not looks_like_heading(above)

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
                if before and quotes_a_number(before[-1]):
                    continue  # "… No. 12. …", "… Art. 3. …": a quoted number
                self.cands.append(
                    _Cand(
                        m.start("m"), m.end("m"), int(m["n"]), num_style(m["d"]), _W_INLINE, False
                    )
                )
        for m in WEAK_POINT.finditer(text):
            if m.start() == 0 or not text[m.start() - 1].isalpha():
                continue  # only after a word: "… of the Republic 3. The …"
            before = text[max(0, m.start() - 20) : m.start()].split()
            if before and REFERENCE_WORD.search(before[-1].strip("(\"'«“")):
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
            if style == BARE and len(chain) < 3:
                continue  # "1 January 2026 …" at a wrapped line's start
            if chain:
                results.append((score, -level_rank(style), style, chain))
        if not results:
            numbers = [c.value for c in cands if c.line_start and c.style != BARE]
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
            if -neg_rank < level_rank(style) and (
                (restarts and len(other_chain) >= 2) or other_score >= score - 0.5
            ):
                style, chain = other_style, other_chain
                break
        self.top_style = style
        chain = self._without_footnotes(chain)
        chain = self._without_front_list(chain)
        chain = self._fill(chain, [c for c in cands if c.style not in (style, BARE)])
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
            m = INSERTED.match(text, lead)
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
            self.tops[lead] = Top(m.end(), before.style, before.value, label)
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
        if all(c.line_start for c in run) and all(TOC_ENTRY.search(rest) for rest in rests):
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
            self.tops[c.pos] = Top(c.end, self.top_style or c.style, c.value, label)
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
