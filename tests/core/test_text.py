"""Contract 1 text rules: normalise, document_key, OffsetMap."""

from __future__ import annotations

import hashlib
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.readers import decode_text
from annotator.core.text import OffsetMap, document_key, is_normalised, normalise, utf16_length

# Cyrillic, ASCII, combining marks, astral characters (emoji, mathematical digits) and line breaks.
ALPHABET = st.sampled_from(
    list("abc XYZ.,;\t") + list("абвгґєїя") + ["\u0301", "\u0306", "\u0308"]
    + ["🕊", "😀", "𝟏", "𝔸", "\U0002a6d6"] + ["\n", "\r", "\r\n", "é", "e\u0301", "\ufeff"]
)  # fmt: skip
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)


def test_normalise_removes_leading_bom_only() -> None:
    assert normalise("\ufeffPlan\ufeffx") == "Plan\ufeffx"


def test_normalise_line_endings() -> None:
    assert normalise("a\r\nb\rc\nd\r\n\r\n") == "a\nb\nc\nd\n\n"
    assert normalise("\r\r\n") == "\n\n"


def test_normalise_nfc() -> None:
    decomposed = "e\u0301 и\u0306"
    assert normalise(decomposed) == "é й"
    assert normalise(decomposed) == unicodedata.normalize("NFC", decomposed)


def test_normalise_changes_nothing_else() -> None:
    text = "  1.\tPoint  \n\n\n\u200b zero-width\u00a0nbsp   trailing   \n😀 я\u0301\x0c"
    assert normalise(text) == text


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_normalise_is_idempotent(text: str) -> None:
    text = text.lstrip("\ufeff")  # a doubled BOM is the known exception below
    once = normalise(text)
    assert normalise(once) == once
    assert is_normalised(once)
    assert "\r" not in once


def test_normalise_idempotent_on_doubled_bom() -> None:
    once = normalise("\ufeff\ufeffPlan")
    assert normalise(once) == once


def test_document_key_is_sha256_of_utf8() -> None:
    text = "1. Мир 🕊\n"
    assert document_key(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert document_key("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_document_key_same_for_encodings_and_line_endings() -> None:
    text = "ПЛАН\n\n1. Гарантії безпеки для сторін.\n2. Вибори протягом року.\n"
    variants = [
        text.encode("utf-8"),
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("utf-16"),
        b"\xfe\xff" + text.encode("utf-16-be"),
        text.replace("\n", "\r\n").encode("cp1251"),
        text.replace("\n", "\r").encode("utf-8"),
        unicodedata.normalize("NFD", text).encode("utf-8"),
    ]
    keys = {document_key(normalise(decode_text(data, "plan.txt"))) for data in variants}
    assert keys == {document_key(text)}


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_offset_map_agrees_with_utf16_encoding(raw: str) -> None:
    text = normalise(raw)
    omap = OffsetMap(text)
    assert utf16_length(text) == len(text.encode("utf-16-le")) // 2
    assert omap.has_astral == any(ord(ch) > 0xFFFF for ch in text)
    for i in range(len(text) + 1):
        u = omap.to_utf16(i)
        assert u == len(text[:i].encode("utf-16-le")) // 2
        assert omap.from_utf16(u) == i


def test_offset_map_inside_surrogate_pair_rounds_down() -> None:
    text = "a😀b"
    omap = OffsetMap(text)
    assert [omap.to_utf16(i) for i in range(4)] == [0, 1, 3, 4]
    assert omap.from_utf16(2) == 1
    assert omap.from_utf16(3) == 2
