"""Hypothesis strategies for valid ``plan-annotations`` v1 exchange files (Contract 2).

Files are drawn from a shared :class:`World` so that several files really overlap: the same
coders (sometimes with different names), the same documents (different titles, clause sets that
overlap without being equal), the same annotation ids in different versions (edits, tombstones,
equal ``updated`` times written differently, ties with different content), reviews (with
tombstones), clause notes, clause links and other tools' links, unknown fields at every level, and
stamps from skewed clocks (an hour fast, years ahead).

- :func:`worlds` - the shared pool;
- :func:`exchange_from_world` - one valid file drawn from a world;
- :func:`exchange_files` - one valid file;
- :func:`exchange_families` - a list of valid files drawn from one world (for merge laws).

Every file these strategies give passes ``validate_exchange``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from annotator.core.exchange import FORMAT, VERSION
from annotator.core.text import document_key

# Clause texts: Cyrillic, accents, an astral character, quotes; all already normalised (NFC, LF).
LINES = (
    "1. The guarantor states assure the Party of collective defence.",
    "2. Гарантії безпеки надаються.",
    "3. A joint fund for reconstruction 🏗 shall be created.",
    "4. Peacetime forces shall not exceed 600,000 personnel.",
    "5. Élections dans les 100 jours.",
    '6. "Frozen assets" are released in stages.',
    "Preamble. The parties agree as follows.",
)
# Instants written in several ways: .000Z equals Z, and .5Z is later than Z although it sorts
# before it as a string.
TIMES = (
    "2026-01-05T10:00:00Z",
    "2026-01-05T10:00:00.000Z",
    "2026-01-05T10:00:00.5Z",
    "2026-01-05T10:00:01Z",
    "2026-01-05T10:00:01.250Z",
    "2026-01-06T09:30:00.000Z",
    "2026-02-01T00:00:00Z",
    # Skewed clocks: a laptop an hour fast, one years ahead.
    "2026-01-05T11:00:00.001Z",
    "2031-07-01T00:00:00.000Z",
)
CATEGORY_KEYS = ("security_guarantee", "territorial", "economic", "military_cap", "sanctions")
COLORS = ("#2f6fb0", "#b5572a", "#3d8b47", "#8a3fa0", "#C03030")


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    labels: tuple[str, ...]  # variants: different files may label it differently


@dataclass(frozen=True)
class Document:
    key: str
    text: str
    titles: tuple[str, ...]
    clauses: tuple[Clause, ...]
    meta: dict[str, Any] | None


@dataclass(frozen=True)
class History:
    """Every version of one annotation, review or link that any file may hold."""

    identity: tuple[Any, ...]
    versions: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class World:
    categories: dict[str, tuple[dict[str, Any], ...]]
    coders: dict[str, tuple[dict[str, Any], ...]]
    documents: tuple[Document, ...]
    annotations: tuple[History, ...]  # identity: (id, coder, document key, start, end)
    reviews: tuple[History, ...]  # identity: (coder, document key, start, end)
    links: tuple[History, ...]  # identity: (id,)
    notes: tuple[History, ...] = ()  # identity: (coder, document key, start, end)
    extras: tuple[dict[str, Any], ...] = ({},)  # top-level unknown fields, per file variant
    clause_links: tuple[History, ...] = ()  # identity: (id, source doc, start, end, target...)


@st.composite
def _document(draw: st.DrawFn, n: int) -> Document:
    lines = draw(st.lists(st.sampled_from(LINES), min_size=1, max_size=4, unique=True))
    text = "\n".join(lines) + draw(st.sampled_from(("", "\n")))
    clauses = []
    pos = 0
    for i, line in enumerate(lines):
        label = str(i + 1)
        clauses.append(Clause(pos, pos + len(line), (label, f"¶{i + 1}")))
        if len(line) > 8 and draw(st.booleans()):
            # Another coder's boundary: the first half of the point, overlapping the whole.
            clauses.append(Clause(pos, pos + len(line) // 2, (f"{label}a",)))
        pos += len(line) + 1
    titles = (f"Plan {n}", f"Plan {n} (revised)")
    meta = draw(st.none() | st.just({"date": "2025-11-23", "party": "US–UA"}))
    return Document(document_key(text), text, titles, tuple(clauses), meta)


@st.composite
def _versions(draw: st.DrawFn, clause: Clause, categories: list[str], coder: str) -> list[Any]:
    versions = []
    for _ in range(draw(st.integers(1, 3))):
        span = None
        if draw(st.booleans()):
            a = draw(st.integers(clause.start, clause.end - 1))
            b = draw(st.integers(a + 1, clause.end))
            span = [a, b]
        version: dict[str, Any] = {
            "category": draw(st.sampled_from(categories)),
            "span": span,
            "memo": draw(st.sampled_from(("", "check annex B", "unclear 🤔"))),
            # Often the previous version's instant: ties with different content must be common.
            "updated": draw(st.sampled_from(TIMES))
            if not versions or draw(st.booleans())
            else versions[-1]["updated"],
            "deleted": draw(st.booleans()),
        }
        if draw(st.booleans()):
            version["uncertain"] = draw(st.booleans())
        if draw(st.integers(0, 4)) == 0:
            version["adjudicator"] = coder
        if draw(st.integers(0, 4)) == 0:
            version["x_tool_note"] = {"from": "a future version"}  # an unknown field to keep
        versions.append(version)
    return versions


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A pool of coders, categories, documents and versioned objects shared by several files."""
    keys = draw(st.lists(st.sampled_from(CATEGORY_KEYS), min_size=1, max_size=4, unique=True))
    categories: dict[str, tuple[dict[str, Any], ...]] = {}
    for key in keys:
        base = {
            "key": key,
            "name": key.replace("_", " ").capitalize(),
            "description": "",
            "color": draw(st.sampled_from(COLORS)),
            "parent": "economic" if key == "sanctions" and "economic" in keys else None,
        }
        if draw(st.integers(0, 3)) == 0:  # a file from a tool that writes only what it must
            base = {"key": key, "name": base["name"], "parent": base["parent"]}
        variants = [base]
        if draw(st.booleans()):
            variants.append({**base, "name": base["name"] + " (v2)", "shortcut": "9"})
        categories[key] = tuple(variants)
    coder_ids = [f"c0{i}e7a1-0000-4000-8000-00000000000{i}" for i in range(draw(st.integers(1, 3)))]
    coders: dict[str, tuple[dict[str, Any], ...]] = {}
    for i, cid in enumerate(coder_ids):
        variants = [{"id": cid, "name": ("Olena", "Marek", "Consensus")[i]}]
        if i == 2:
            variants[0]["consensus"] = True
        if draw(st.booleans()):
            variants.append({**variants[0], "name": variants[0]["name"] + " K."})
        coders[cid] = tuple(variants)
    documents = []
    for n in range(draw(st.integers(1, 2))):
        document = draw(_document(n))
        if all(d.key != document.key for d in documents):
            documents.append(document)
    annotations = []
    for n in range(draw(st.integers(0, 8))):
        document = draw(st.sampled_from(documents))
        clause = draw(st.sampled_from(document.clauses))
        coder = draw(st.sampled_from(coder_ids))
        versions = draw(_versions(clause, keys, coder))
        identity = (f"a{n:03d}-uuid", coder, document.key, clause.start, clause.end)
        annotations.append(History(identity, tuple(versions)))
    reviews = []
    seen = set()
    for _ in range(draw(st.integers(0, 4))):
        document = draw(st.sampled_from(documents))
        clause = draw(st.sampled_from(document.clauses))
        identity = (draw(st.sampled_from(coder_ids)), document.key, clause.start, clause.end)
        if identity in seen:
            continue
        seen.add(identity)
        versions = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "status": st.sampled_from(("done", "none")),
                        "updated": st.sampled_from(TIMES[:4] + TIMES[-2:]),
                    },
                    optional={
                        "deleted": st.just(True),  # a tombstone: the coder took it back
                        "x_device": st.sampled_from(("tablet", "laptop")),
                    },
                ),
                min_size=1,
                max_size=3,
            )
        )
        reviews.append(History(identity, tuple(versions)))
    notes = []
    seen = set()
    for _ in range(draw(st.integers(0, 3))):
        document = draw(st.sampled_from(documents))
        clause = draw(st.sampled_from(document.clauses))
        identity = (draw(st.sampled_from(coder_ids)), document.key, clause.start, clause.end)
        if identity in seen:
            continue
        seen.add(identity)
        versions = draw(
            st.lists(
                st.fixed_dictionaries(
                    {"updated": st.sampled_from(TIMES)},
                    # memo and flagged are optional: a file may leave either out
                    optional={
                        "memo": st.sampled_from(("", "see annex B", "не ясно")),
                        "flagged": st.booleans(),
                        "x_colour": st.sampled_from(("amber", "red")),
                    },
                ),
                min_size=1,
                max_size=2,
            )
        )
        notes.append(History(identity, tuple(versions)))
    clause_links = []
    for n in range(draw(st.integers(0, 2))):
        a, b = draw(st.sampled_from(documents)), draw(st.sampled_from(documents))
        ca, cb = draw(st.sampled_from(a.clauses)), draw(st.sampled_from(b.clauses))
        versions = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "status": st.sampled_from(("accepted", "rejected")),
                        "updated": st.sampled_from(TIMES),
                    },
                    optional={
                        "created": st.just(TIMES[0]),
                        "deleted": st.booleans(),
                        "x_score": st.sampled_from((0.5, 0.9)),
                    },
                ),
                min_size=1,
                max_size=2,
            )
        )
        ends = {
            "source": {"document": a.key, "clause": [ca.start, ca.end]},
            "target": {"document": b.key, "clause": [cb.start, cb.end]},
        }
        clause_links.append(
            History(
                (f"clink-{n}", a.key, ca.start, ca.end, b.key, cb.start, cb.end),
                tuple({**v, **ends} for v in versions),
            )
        )
    extras = draw(
        st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "x_project": st.sampled_from(({"by": "tool A"}, {"by": "tool B", "n": 2})),
                    "x_codebook_scheme": st.sampled_from(("v1", "v2")),
                },
            ),
            min_size=1,
            max_size=2,
        )
    )
    links = []
    for n in range(draw(st.integers(0, 2))):
        a, b = draw(st.sampled_from(documents)), draw(st.sampled_from(documents))
        target = {"document": b.key, "clause": [b.clauses[0].start, b.clauses[0].end]}
        versions = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "updated": st.sampled_from(TIMES),
                        "deleted": st.booleans(),
                        "relation": st.sampled_from(("revises", "contradicts")),
                    }
                ),
                min_size=1,
                max_size=2,
            )
        )
        source = {"document": a.key, "clause": [a.clauses[0].start, a.clauses[0].end]}
        links.append(
            History(
                (f"link-{n}",), tuple({**v, "source": source, "target": target} for v in versions)
            )
        )
    return World(
        categories,
        coders,
        tuple(documents),
        tuple(annotations),
        tuple(reviews),
        tuple(links),
        tuple(notes),
        tuple(extras),
        tuple(clause_links),
    )


@st.composite
def exchange_from_world(draw: st.DrawFn, world: World) -> dict[str, Any]:
    """One valid exchange file: a subset of the world, one version of each object it holds."""
    coder_ids = draw(st.lists(st.sampled_from(sorted(world.coders)), min_size=1, unique=True))
    documents = draw(st.lists(st.sampled_from(world.documents), unique_by=lambda d: d.key))
    doc_keys = {d.key for d in documents}
    # Clauses each document must hold, because an annotation or review of the file uses them.
    needed: dict[str, set[tuple[int, int]]] = {key: set() for key in doc_keys}
    annotations = []
    for history in world.annotations:
        ann_id, coder, key, start, end = history.identity
        if coder in coder_ids and key in doc_keys and draw(st.integers(0, 3)) > 0:
            version = draw(st.sampled_from(history.versions))
            annotations.append(
                {
                    "id": ann_id,
                    "coder": coder,
                    "document": key,
                    "clause": [start, end],
                    "created": TIMES[0],
                    **version,
                }
            )
            needed[key].add((start, end))
    reviews = []
    for history in world.reviews:
        coder, key, start, end = history.identity
        if coder in coder_ids and key in doc_keys and draw(st.booleans()):
            version = draw(st.sampled_from(history.versions))
            reviews.append({"coder": coder, "document": key, "clause": [start, end], **version})
            needed[key].add((start, end))
    notes = []
    for history in world.notes:
        coder, key, start, end = history.identity
        if coder in coder_ids and key in doc_keys and draw(st.booleans()):
            version = draw(st.sampled_from(history.versions))
            notes.append({"coder": coder, "document": key, "clause": [start, end], **version})
            needed[key].add((start, end))
    clause_links = []
    for history in world.clause_links:
        _, a, a_start, a_end, b, b_start, b_end = history.identity
        if a in doc_keys and b in doc_keys and draw(st.booleans()):
            clause_links.append(
                {"id": history.identity[0], **draw(st.sampled_from(history.versions))}
            )
            needed[a].add((a_start, a_end))
            needed[b].add((b_start, b_end))
    out_documents = []
    for document in documents:
        clauses = []
        for clause in document.clauses:
            if (clause.start, clause.end) in needed[document.key] or draw(st.booleans()):
                label = draw(st.sampled_from(clause.labels))
                clauses.append({"start": clause.start, "end": clause.end, "label": label})
        item: dict[str, Any] = {
            "key": document.key,
            "title": draw(st.sampled_from(document.titles)),
            "text": document.text,
            "clauses": draw(st.permutations(clauses)),
        }
        if document.meta is not None and draw(st.booleans()):
            item["meta"] = document.meta
        out_documents.append(item)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "codebook": {
            "categories": [draw(st.sampled_from(v)) for _, v in sorted(world.categories.items())]
        },
        "coders": [draw(st.sampled_from(world.coders[cid])) for cid in coder_ids],
        "documents": out_documents,
        "annotations": draw(st.permutations(annotations)),
        "reviews": reviews,
    }
    if world.links and draw(st.booleans()):
        doc["links"] = [
            {"id": h.identity[0], **draw(st.sampled_from(h.versions))}
            for h in world.links
            if draw(st.booleans())
        ]
    if clause_links:
        doc["links"] = doc.get("links", []) + clause_links
    if notes:
        doc["clause_notes"] = notes
    extra = dict(draw(st.sampled_from(world.extras)))
    scheme = extra.pop("x_codebook_scheme", None)
    if scheme is not None:
        doc["codebook"]["x_scheme"] = scheme  # an unknown field of the codebook
    doc.update(extra)  # unknown fields of the file
    return doc


def exchange_files() -> st.SearchStrategy[dict[str, Any]]:
    """One valid exchange file."""
    return worlds().flatmap(exchange_from_world)


def exchange_families(
    min_size: int = 2, max_size: int = 3
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Several valid exchange files drawn from one world, so that they overlap and conflict."""
    return worlds().flatmap(
        lambda world: st.lists(exchange_from_world(world), min_size=min_size, max_size=max_size)
    )


# A small hand-written file for example-based tests -------------------------------------------

SMALL_TEXT = "1. Гарантії безпеки надаються.\n2. A fund 🏗 for reconstruction.\n"
CODER = "0b6a2f3e-1c4d-4e5f-8a9b-0c1d2e3f4a51"
OTHER_CODER = "1c7b3a4f-2d5e-4f60-9bac-1d2e3f4a5b62"


def small_exchange() -> dict[str, Any]:
    """A fresh valid file: 2 categories, 2 coders, 1 document of 2 clauses, 2 annotations, 1 review.

    Clauses are [0, 30] and [31, 62]; annotation "a1" tags clause 1 whole, "a2" a span of clause 2.
    """
    key = document_key(SMALL_TEXT)
    return {
        "format": FORMAT,
        "version": VERSION,
        "codebook": {
            "categories": [
                {
                    "key": "security_guarantee",
                    "name": "Security guarantee",
                    "description": "",
                    "color": "#2f6fb0",
                    "parent": None,
                },
                {
                    "key": "economic",
                    "name": "Economic",
                    "description": "",
                    "color": "#3d8b47",
                    "parent": None,
                },
            ]
        },
        "coders": [{"id": CODER, "name": "Olena"}, {"id": OTHER_CODER, "name": "Marek"}],
        "documents": [
            {
                "key": key,
                "title": "Draft",
                "text": SMALL_TEXT,
                "clauses": [
                    {"start": 0, "end": 30, "label": "1"},
                    {"start": 31, "end": 62, "label": "2"},
                ],
            }
        ],
        "annotations": [
            {
                "id": "a1",
                "coder": CODER,
                "document": key,
                "clause": [0, 30],
                "category": "security_guarantee",
                "span": None,
                "memo": "",
                "created": "2026-01-05T10:00:00Z",
                "updated": "2026-01-05T10:00:00Z",
                "deleted": False,
            },
            {
                "id": "a2",
                "coder": OTHER_CODER,
                "document": key,
                "clause": [31, 62],
                "category": "economic",
                "span": [34, 40],
                "memo": "fund",
                "created": "2026-01-05T10:00:00Z",
                "updated": "2026-01-05T10:00:00Z",
                "deleted": False,
            },
        ],
        "reviews": [
            {
                "coder": CODER,
                "document": key,
                "clause": [0, 30],
                "status": "done",
                "updated": "2026-01-05T10:00:00Z",
            }
        ],
    }
