"""Random codings on our sample plans, exported the way QualCoder does (UTF-16 positions, BOM,
CRLF, fresh GUIDs): each arrives on exactly the text selected; a re-export adds nothing."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.text import normalise
from annotator.services.merge import apply_merge
from annotator.services.project import Project
from annotator.services.refi import preview_qdpx_merge
from tests.helpers.qualcoder_like import Coding, qualcoder_qdpx
from tests.services.test_refi_service import codings

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
TEXTS = [
    normalise((SAMPLES / name).read_text("utf-8"))
    for name in ("counter-24-point-uk.txt", "framework-20-point.txt")
]
TEXTS.append("Plan 🇺🇦 𝔸 test\n\n" + TEXTS[1])  # astral characters before every coding
# A file in decomposed form (NFD): positions count its combining marks, our text is NFC.
TEXTS.append(unicodedata.normalize("NFD", "Café résumé 🕊\n\n1. Élan vital.\n2. Naïve à côté.\n"))
CODERS = ["Олена", "Taras", "Mira Castellan"]
CODES = ["Гарантії безпеки", "Territory", "Economy & trade"]


@st.composite
def coded_texts(draw: st.DrawFn) -> tuple[str, list[Coding]]:
    """A text and codings on it, each by its own (coder, code): two codings of one coder and
    code could share a clause piece, which one annotation then holds (reported, not exact)."""
    text = draw(st.sampled_from(TEXTS))
    # Qt moves the cursor by grapheme: a selection never splits a letter from its accent.
    marks = [
        i
        for i, ch in enumerate(text)
        if not ch.isspace()
        and not unicodedata.combining(ch)
        and not (i + 1 < len(text) and unicodedata.combining(text[i + 1]))
    ]
    pairs = draw(st.permutations([(c, k) for c in CODERS for k in CODES]))
    out = []
    for coder, code in pairs[: draw(st.integers(1, len(pairs)))]:
        a, b = sorted(draw(st.lists(st.sampled_from(marks), min_size=2, max_size=2)))
        memo = draw(st.sampled_from(["", "Memo «з» лапками & <tags>", "two\nlines"]))
        out.append(Coding(coder, code, a, b + 1, memo))
    return text, out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coded_texts(), st.booleans())
def test_codings_land_exactly_and_a_re_export_adds_nothing(
    coded: tuple[str, list[Coding]], crlf: bool
) -> None:
    text, wanted = coded
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.qdpx"
        path.write_bytes(qualcoder_qdpx(text, wanted, crlf=crlf))
        with Project.open(Path(tmp) / "p.sqlite", seed_samples=False) as project:
            preview = preview_qdpx_merge(project, path)
            apply_merge(project, preview)
            assert not any("skipped" in w for w in preview.warnings), preview.warnings
            got = codings(project)
            want = {(c.coder, c.code, normalise(text[c.start : c.end]), c.memo) for c in wanted}
            assert set(got) == want
            again = Path(tmp) / "two.qdpx"
            again.write_bytes(qualcoder_qdpx(text, wanted, crlf=not crlf))  # all GUIDs new
            second = preview_qdpx_merge(project, again)
            apply_merge(project, second)
            assert second.changes_nothing, second.counts
