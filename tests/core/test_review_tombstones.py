"""Review tombstones (an un-marked "done" or "none applies") in merges, comparisons and datasets."""

from __future__ import annotations

from annotator.core.compare import ExchangeView
from annotator.core.merge import merge_documents
from tests.core.exchange_strategies import CODER, small_exchange


def test_a_review_tombstone_is_not_a_review_in_comparisons_and_datasets() -> None:
    doc = small_exchange()
    (review,) = doc["reviews"]
    assert ExchangeView(doc).reviews  # "done" on clause 1
    doc["reviews"] = [{**review, "deleted": True, "updated": "2026-01-05T11:00:00Z"}]
    view = ExchangeView(doc)
    assert view.reviews == {}
    # The tag still counts as reviewing its clause; the tombstone adds nothing.
    reviewed, _ = view.clause_codings([CODER])[(review["document"], 0, 30)]
    assert reviewed == {CODER}


def test_a_newer_tombstone_wins_the_merge_and_an_older_one_loses() -> None:
    old = small_exchange()
    (review,) = old["reviews"]
    gone = small_exchange()
    gone["reviews"] = [{**review, "deleted": True, "updated": "2026-01-05T10:00:00.001Z"}]
    merged = merge_documents([old, gone], ["old.json", "gone.json"])
    assert merged.document["reviews"][0]["deleted"] is True and merged.conflicts == []
    again = small_exchange()
    again["reviews"] = [{**review, "status": "none", "updated": "2026-01-05T12:00:00Z"}]
    merged = merge_documents([gone, again], ["gone.json", "again.json"])
    assert "deleted" not in merged.document["reviews"][0]
