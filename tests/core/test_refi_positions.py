"""Selections placed by their text: whatever unit another tool counted in, the coding lands on
exactly the text it carries (laws over random texts with emoji, CRLF and combining marks)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.core.refi_positions import (
    NAMELESS,
    SEARCHED,
    UNCHECKED,
    ClauseIndex,
    PositionResolver,
    _OffsetShift,
)
from annotator.core.text import normalise

ALPHABET = st.sampled_from([*"ab .\n", "\u00e9", "\U0001f1fa", "\U0001d538", "\u0416", "e\u0301"])
TEXTS = st.lists(ALPHABET, min_size=1, max_size=60).map("".join)


def resolver(raw: str) -> PositionResolver:
    shift = _OffsetShift(raw)
    return PositionResolver(raw, shift, shift.text)


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def qt_name(text: str) -> str:
    return text.replace("\n", "\u2029")  # Qt's selectedText()


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data())
def test_utf16_positions_land_on_the_selected_text(text: str, data: st.DataObject) -> None:
    text = normalise(text)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    want = text[start:end]
    assume(want.strip())
    place = resolver(text).place(utf16(text, start), utf16(text, end), qt_name(want))
    assert place is not None and text[place.start : place.end] == want


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.data())
def test_lf_positions_in_a_crlf_file_land_on_the_selected_text(
    text: str, data: st.DataObject
) -> None:
    text = normalise(text)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    want = text[start:end]
    assume(want.strip())
    crlf = text.replace("\n", "\r\n")  # QualCoder's "line endings for MAXQDA" export
    place = resolver(crlf).place(start, end, qt_name(want))
    assert place is not None and text[place.start : place.end] == want


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.data(), st.integers(-20, 20))
def test_a_shifted_selection_is_found_by_its_text(
    text: str, data: st.DataObject, shift: int
) -> None:
    text = normalise(text)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    want = text[start:end]
    assume(want.strip())
    place = resolver(text).place(start + shift, end + shift, want)
    assert place is not None and text[place.start : place.end] == want


def test_known_cases() -> None:
    text = "1. Flag 🇺🇦 here.\n2. Then «this» part."
    r = resolver(text)
    start = text.index("«this»")
    u = utf16(text, start)
    assert r.place(u, u + 6, "«this»").how == "utf16"
    assert r.place(start, start + 6, "«this»").how == "codepoints"
    assert r.place(start + 3, start + 9, "«this»").how == SEARCHED
    assert resolver(text).place(start, start + 6, None).how == UNCHECKED
    # Without a name, a selection is read the way this source's checked selections were.
    assert r.place(u, u + 6, None).how == "utf16"
    assert r.place(start, start + 6, "not in the text") is None
    assert r.place(0, 999, "") is None  # outside the text, nothing to search for
    truncated = r.place(0, 10, "1. Flag 🇺🇦 he...")
    assert truncated is not None and truncated.start == 0


def test_pieces_over_clauses() -> None:
    text = "One two.\nThree four.\nFive."
    index = ClauseIndex([(0, 8), (9, 20), (21, 26)])
    assert index.pieces(4, 8, text) == [(0, 8, 4, 8)]
    assert index.pieces(4, 14, text) == [(0, 8, 4, 8), (9, 20, 9, 14)]
    assert index.pieces(0, 26, text) == [(0, 8, 0, 8), (9, 20, 9, 20), (21, 26, 21, 26)]
    assert index.pieces(4, 9, text) == [(0, 8, 4, 8)]  # the line break after it adds nothing
    nested = ClauseIndex([(0, 20), (9, 20)])
    assert nested.pieces(10, 12, text) == [(9, 20, 10, 12)]  # the innermost clause


def test_a_short_selection_takes_the_reading_that_fits_its_source() -> None:
    # One letter read as code points at a UTF-16 offset (two on, after the flag) is the same
    # letter by chance; the other selections of the source show they are UTF-16 positions.
    text = "🇺🇦 a a a a: the cat sat on the mat near the other cat"
    r = resolver(text)
    sels = []
    for word in ("cat sat", "on the mat", "near the other"):
        i = text.index(word)
        sels.append((utf16(text, i), utf16(text, i + len(word)), word))
    target = text.index("a a") + 2  # the second "a"
    u = utf16(text, target)
    assert text[u : u + 1] == "a" and u != target  # the trap: code points read true, elsewhere
    r.learn([*sels, (u, u + 1, "a")])
    place = r.place(u, u + 1, "a")
    assert place is not None and (place.start, place.how) == (target, "utf16")


def test_names_that_are_titles_or_beginnings_do_not_move_or_drop_codings() -> None:
    text = "1. The Federation of Borea guarantees the security of Avalon.\n2. Trade resumes."
    start, end = 3, text.index(".\n") + 1
    # ATLAS.ti / MAXQDA: the name is the beginning of the quotation, cut short.
    r = resolver(text)
    r.learn([(start, end, "The Federation of Borea")])
    place = r.place(start, end, "The Federation of Borea")
    assert place is not None and (place.start, place.end) == (start, end)
    # Names that are titles, not texts: positions are taken (and said to be unchecked) ...
    titles = resolver(text)
    titles.learn([(start, end, "Quote 1:3"), (65, 81, "Quote 1:4")])
    place = titles.place(start, end, "Quote 1:3")
    assert place is not None and (place.start, place.end, place.how) == (start, end, NAMELESS)
    # ... but where names are texts, one that is nowhere in the plan cannot be placed.
    texts = resolver(text)
    texts.learn([(start, end, text[start:end]), (65, 81, "Something else entirely")])
    assert texts.place(65, 81, "Something else entirely") is None
