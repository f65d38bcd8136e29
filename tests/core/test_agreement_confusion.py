"""confusion_table counts present/absent of one category between two coders, by hand."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from annotator.core.agreement.confusion import Confusion, Disagreement, confusion_table
from annotator.core.errors import InputError

TEXT = "1. One.\n2. Two.\n3. Three.\n4. Four.\n5. Five.\n6. Six."
KEY = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
OTHER_TEXT = "a) Alpha.\nb) Beta."
OTHER = hashlib.sha256(OTHER_TEXT.encode("utf-8")).hexdigest()
CLAUSES = [(0, 7), (8, 15), (16, 25), (26, 34), (35, 43), (44, 51)]
A, B, C = "aaaaaaaa-0000", "bbbbbbbb-0000", "cccccccc-0000"


def ann(coder: str, clause: tuple[int, int], category: str, **extra: Any) -> dict[str, Any]:
    return {"coder": coder, "document": KEY, "clause": list(clause), "category": category, **extra}


def rev(coder: str, clause: tuple[int, int], status: str, doc: str = KEY) -> dict[str, Any]:
    return {"coder": coder, "document": doc, "clause": list(clause), "status": status}


def exchange() -> dict[str, Any]:
    """Six clauses; per clause (Ana, Bo) for category "x":

    1: x / x            both present
    2: x / y            Ana only
    3: y / x (a span)   Bo only
    4: none / none      both absent (reviews)
    5: x / unreviewed   missing for Bo: not counted
    6: x deleted / x    Ana's tag is a tombstone, her "done" review makes it absent: Bo only
    plus clause a) of a second plan: x / none (Ana only), and Cy (consensus) tags everything.
    """
    c = CLAUSES
    return {
        "format": "plan-annotations",
        "version": 1,
        "codebook": {"categories": [{"key": "x", "name": "X"}, {"key": "y", "name": "Y"}]},
        "coders": [
            {"id": A, "name": "Ana"},
            {"id": B, "name": "Bo"},
            {"id": C, "name": "Cy", "consensus": True},
        ],
        "documents": [
            {
                "key": KEY,
                "title": "Plan",
                "text": TEXT,
                "clauses": [
                    {"start": s, "end": e, "label": str(n)} for n, (s, e) in enumerate(c, 1)
                ],
            },
            {
                "key": OTHER,
                "title": "Other",
                "text": OTHER_TEXT,
                "clauses": [
                    {"start": 0, "end": 9, "label": "a"},
                    {"start": 10, "end": 18, "label": "b"},
                ],
            },
        ],
        "annotations": [
            ann(A, c[0], "x"),
            ann(B, c[0], "x"),
            ann(A, c[1], "x"),
            ann(B, c[1], "y"),
            ann(A, c[2], "y"),
            ann(B, c[2], "x", span=[18, 23]),
            ann(A, c[4], "x"),
            ann(A, c[5], "x", deleted=True),
            ann(B, c[5], "x"),
            {"coder": A, "document": OTHER, "clause": [0, 9], "category": "x"},
            *(ann(C, clause, "x") for clause in c),
        ],
        "reviews": [
            rev(A, c[3], "none"),
            rev(B, c[3], "none"),
            rev(A, c[5], "done"),
            rev(B, (0, 9), "none", OTHER),
            rev(B, (10, 18), "todo", OTHER),  # not a review: missing
        ],
    }


def test_counts_by_hand() -> None:
    conf = confusion_table(exchange(), "x", "Ana", "Bo")
    assert (conf.both, conf.a_only, conf.b_only, conf.neither) == (1, 2, 2, 1)
    assert conf.units == 6
    assert conf.matrix() == ((1, 2), (2, 1))
    assert (conf.coder_a, conf.coder_b, conf.label_a, conf.label_b) == (A, B, "Ana", "Bo")
    expected = [
        Disagreement(KEY, 8, 15, "2", True),
        Disagreement(KEY, 16, 25, "3", False),
        Disagreement(KEY, 44, 51, "6", False),
        Disagreement(OTHER, 0, 9, "a", True),
    ]
    # Units come sorted by (document key, start, end).
    assert conf.disagreements == tuple(sorted(expected, key=lambda d: (d.document, d.start)))


def test_order_of_coders_transposes() -> None:
    ab = confusion_table(exchange(), "x", A, B)
    ba = confusion_table(exchange(), "x", "Bo", "Ana")
    assert (ba.coder_a, ba.coder_b) == (B, A)
    assert (ba.both, ba.a_only, ba.b_only, ba.neither) == (
        ab.both,
        ab.b_only,
        ab.a_only,
        ab.neither,
    )
    assert [d.a_present for d in ba.disagreements] == [not d.a_present for d in ab.disagreements]


def test_document_filter_and_other_category() -> None:
    conf = confusion_table(exchange(), "x", "Ana", "Bo", documents=[KEY])
    assert (conf.both, conf.a_only, conf.b_only, conf.neither) == (1, 1, 2, 1)
    y = confusion_table(exchange(), "y", "Ana", "Bo", documents=["Plan"])
    # y: clause 2 Bo only, clause 3 Ana only; 1, 4, 6 both absent.
    assert (y.both, y.a_only, y.b_only, y.neither) == (0, 1, 1, 3)
    assert [d.label for d in y.disagreements] == ["2", "3"]


def test_consensus_coder_can_be_chosen() -> None:
    conf = confusion_table(exchange(), "x", "Cy", "Bo", documents=[KEY])
    # Cy tags x everywhere; Bo coded clauses 1-4 and 6, with x on 1, 3, 6.
    assert isinstance(conf, Confusion)
    assert (conf.both, conf.a_only, conf.b_only, conf.neither) == (3, 2, 0, 0)


@pytest.mark.parametrize(
    ("category", "a", "b"), [("nope", "Ana", "Bo"), ("x", "Ana", "Ana"), ("x", "Ana", "Zed")]
)
def test_bad_selection_is_an_input_error(category: str, a: str, b: str) -> None:
    with pytest.raises(InputError):
        confusion_table(exchange(), category, a, b)
