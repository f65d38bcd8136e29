"""REFI-QDA projects written by QualCoder's own export code, into a project and back.

Each fixture comes with what QualCoder was given (``*.expected.json``): every coding must arrive on
exactly the text the coder selected, with its coder, code and memo; a re-export of the same
project must add nothing; the code tree, code memos, colours and the project memo must survive.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from annotator.core.errors import AnnotatorError
from annotator.services.exchange import export_exchange_dict
from annotator.services.exports import export_bytes
from annotator.services.merge import apply_merge
from annotator.services.notes import set_annotation_memo
from annotator.services.project import Project
from annotator.services.refi import preview_qdpx_merge
from annotator.storage.models import TABLES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "qualcoder"
PROJECTS = [
    "01_two_coders_category_memos",
    "02_same_project_second_export",
    "03_cyrillic_emoji_utf16_positions",
    "04_maxqda_line_endings_crlf",
    # Made here with QualCoder's own RefiExport, from our sample plans (see the README there).
    "06_framework_points_on_one_line",
    "07_counter_uk_dove_combining_accent",
    "08_counter_uk_maxqda_crlf",
]


def expected(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text("utf-8"))


def merge(project: Project, path: Path | str) -> Any:
    preview = preview_qdpx_merge(project, path)
    apply_merge(project, preview)
    return preview


def codings(project: Project) -> Counter[tuple[str, str, str, str]]:
    """(coder, code, text, memo) of every live coding; the spans one selection across clauses
    became (same coder, code, memo and time, separated by white space only) are joined again."""
    doc = export_exchange_dict(project)
    texts = {d["key"]: d["text"] for d in doc["documents"]}
    coders = {c["id"]: c["name"] for c in doc["coders"]}
    names = {c["key"]: c["name"] for c in doc["codebook"]["categories"]}
    pieces = sorted(
        (
            a["document"],
            a["coder"],
            a["category"],
            a["memo"],
            a["created"],
            *(a["span"] or a["clause"]),
        )
        for a in doc["annotations"]
        if not a["deleted"]
    )
    joined: list[list[Any]] = []
    for piece in pieces:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last[:5] == list(piece[:5])
            and last[6] <= piece[5]
            and not texts[piece[0]][last[6] : piece[5]].strip()
            and last[6] < piece[5]
        ):
            last[6] = piece[6]
        else:
            joined.append(list(piece))
    return Counter(
        (coders[c], names[cat], texts[d][s:e], memo) for d, c, cat, memo, _t, s, e in joined
    )


def want(name: str) -> Counter[tuple[str, str, str, str]]:
    return Counter((c["coder"], c["code"], c["text"], c["memo"]) for c in expected(name)["codings"])


def tree(project: Project) -> list[dict[str, Any]]:
    cats = project.categories(include_retired=True)
    by_key = {c.key: c for c in cats}
    return sorted(
        (
            {
                "code": c.name,
                "parent": by_key[c.parent].name if c.parent else None,
                "codable": c.codable,
            }
            for c in cats
        ),
        key=lambda c: json.dumps(c, ensure_ascii=False, sort_keys=True),
    )


def count(project: Project, table: str) -> int:
    with project.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(TABLES[table])).scalar_one())


@pytest.mark.parametrize("name", PROJECTS)
def test_each_coding_arrives_on_exactly_the_text_qualcoder_showed(
    project: Project, name: str
) -> None:
    preview = merge(project, FIXTURES / f"{name}.qdpx")
    exp = expected(name)
    assert codings(project) == want(name)
    assert sorted(c.name for c in project.coders()) == sorted(exp["coders"])
    assert project.setting("project_memo") == exp["project_memo"]
    fresh = [t for t in tree(project) if t["code"] in {c["code"] for c in exp["codebook"]}]
    assert fresh == sorted(
        exp["codebook"], key=lambda c: json.dumps(c, ensure_ascii=False, sort_keys=True)
    )
    cats = {c.name: c for c in project.categories(include_retired=True)}
    for code, memo in exp["code_memos"].items():
        assert cats[code].description == memo
    for code, color in exp["code_colors"].items():
        assert cats[code].color == color.lower()
    # Every correction and the split selection were reported, nothing was skipped silently.
    assert any("crosses clauses" in w for w in preview.warnings)  # each has one such selection
    assert not any("skipped" in w for w in preview.warnings)


def test_utf16_and_crlf_corrections_are_counted(project: Project) -> None:
    preview = merge(project, FIXTURES / "03_cyrillic_emoji_utf16_positions.qdpx")
    assert any("9 of 10 selections corrected: UTF-16" in w for w in preview.warnings)
    other = merge(project, FIXTURES / "04_maxqda_line_endings_crlf.qdpx")
    assert any("13 of 13 selections corrected" in w and "CRLF" in w for w in other.warnings)


@pytest.mark.parametrize("second", ["02_same_project_second_export", "04_maxqda_line_endings_crlf"])
def test_a_re_export_of_the_same_project_adds_nothing(project: Project, second: str) -> None:
    merge(project, FIXTURES / "01_two_coders_category_memos.qdpx")
    before = {t: count(project, t) for t in ("coder", "category", "annotation", "document")}
    preview = preview_qdpx_merge(project, FIXTURES / f"{second}.qdpx")
    assert preview.changes_nothing, preview.counts
    assert apply_merge(project, preview).empty  # so the window says "changed nothing" too
    assert {t: count(project, t) for t in before} == before
    assert codings(project) == want("01_two_coders_category_memos")


def test_users_match_an_existing_coder_by_normalised_name(project: Project) -> None:
    oskar = project.add_coder("Oskar VELD").id
    merge(project, FIXTURES / "01_two_coders_category_memos.qdpx")
    names = sorted(c.name for c in project.coders())
    assert names == ["Mira Castellan", "Oskar VELD"]
    mine = export_exchange_dict(project, oskar)["annotations"]
    assert len(mine) == 7  # his 6 codings, one of them across two clauses


def rewritten(source: Path, target: Path, old: str, new: str) -> Path:
    """``source`` with ``old`` replaced by ``new`` in its project.qde (as if edited there)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "project.qde":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            zout.writestr(info, data)
    return target


def test_a_coding_changed_in_qualcoder_updates_the_one_already_here(
    project: Project, tmp_path: Path
) -> None:
    merge(project, FIXTURES / "01_two_coders_category_memos.qdpx")
    old = "The three stages are not defined anywhere in the plan."
    changed = rewritten(
        FIXTURES / "02_same_project_second_export.qdpx",
        tmp_path / "02b.qdpx",
        old,
        "Defined in annex C.",
    )
    preview = merge(project, changed)
    assert (preview.counts["annotations_added"], preview.counts["annotations_updated"]) == (0, 1)
    got = codings(project)
    assert (
        "Oskar Veld",
        "Sanctions relief",
        "lifted in three stages",
        "Defined in annex C.",
    ) in got
    assert sum(got.values()) == 13


def test_a_memo_changed_here_survives_a_re_import_of_the_unchanged_project(
    project: Project,
) -> None:
    merge(project, FIXTURES / "01_two_coders_category_memos.qdpx")
    doc = export_exchange_dict(project)
    target = next(a for a in doc["annotations"] if a["memo"].startswith("The three stages"))
    set_annotation_memo(project, target["id"], "Ours, edited here.")
    preview = merge(project, FIXTURES / "02_same_project_second_export.qdpx")
    assert preview.changes_nothing
    memos = {a["id"]: a["memo"] for a in export_exchange_dict(project)["annotations"]}
    assert memos[target["id"]] == "Ours, edited here."


def test_a_coding_deleted_here_stays_deleted_after_a_re_import(project: Project) -> None:
    merge(project, FIXTURES / "01_two_coders_category_memos.qdpx")
    doc = export_exchange_dict(project)
    ann = next(a for a in doc["annotations"] if a["span"] is None)
    clause = next(
        c.id for c in project.clauses(ann["document"]) if [c.start, c.end] == ann["clause"]
    )
    project.toggle_tag(ann["coder"], clause, ann["category"])  # untag: a tombstone
    merge(project, FIXTURES / "02_same_project_second_export.qdpx")
    after = {a["id"]: a for a in export_exchange_dict(project)["annotations"]}
    assert after[ann["id"]]["deleted"]


def test_a_broken_file_names_itself_and_changes_nothing(project: Project, tmp_path: Path) -> None:
    merge(project, FIXTURES / "01_two_coders_category_memos.qdpx")
    before = export_exchange_dict(project)
    broken = tmp_path / "broken.qdpx"
    data = (FIXTURES / "03_cyrillic_emoji_utf16_positions.qdpx").read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(AnnotatorError, match=r"broken\.qdpx"):
        preview_qdpx_merge(project, broken)
    wrong = rewritten(
        FIXTURES / "03_cyrillic_emoji_utf16_positions.qdpx",
        tmp_path / "wrong.qdpx",
        "<CodeBook>",
        "<CodeBook><Unclosed>",
    )
    with pytest.raises(AnnotatorError, match=r"wrong.qdpx: project.qde.*not well-formed"):
        preview_qdpx_merge(project, wrong)
    assert export_exchange_dict(project) == before


def _own_project(project: Project) -> dict[str, Any]:
    """A project with what a round trip must keep: labels, kinds, spans, memos, reviews."""
    from annotator.services.clauses import split_clause
    from annotator.services.notes import set_clause_memo

    key = project.import_text(
        "Framework",
        "Preamble of the framework.\n\n1. The parties agree to a ceasefire 🕊.\n"
        "a) Monitors are deployed.\n2. A fund supports reconstruction.\n",
        source_name="plan.txt",
    ).document_key
    olena = project.add_coder("Olena").id
    taras = project.add_coder("Taras").id
    clauses = project.clauses(key)
    split_clause(project, clauses[-1].id, clauses[-1].start + 9)  # a boundary moved by hand
    clauses = project.clauses(key)
    project.toggle_tag(olena, clauses[1].id, "security_guarantee")
    project.toggle_span(
        taras, clauses[1].id, "economic", clauses[1].start + 3, clauses[1].start + 14
    )
    project.mark_none(taras, clauses[0].id)
    ann = export_exchange_dict(project)["annotations"][0]
    set_annotation_memo(project, ann["id"], "Why: «ceasefire» & <scope>", uncertain=True)
    set_clause_memo(project, olena, clauses[2].id, "check the monitors")
    project.set_setting("project_memo", "Our project memo.")
    from annotator.services.review import consensus_coder

    settled = consensus_coder(project).id  # the consensus layer is a coder marked as such
    project.toggle_tag(settled, clauses[1].id, "security_guarantee")
    return export_exchange_dict(project)


def test_our_own_qdpx_round_trip_keeps_every_clause_coder_memo_and_review(
    project: Project, tmp_path: Path
) -> None:
    source = _own_project(project)
    data, _ = export_bytes(source, "qdpx")
    (tmp_path / "own.qdpx").write_bytes(data)
    with Project.open(tmp_path / "other.sqlite", seed_samples=False) as other:
        preview = merge(other, tmp_path / "own.qdpx")
        assert preview.warnings == []
        back = export_exchange_dict(other)
    fields = ("documents", "coders", "annotations", "reviews", "clause_notes", "project_memo")
    for field in fields:
        assert back[field] == source[field], field
    assert any(c.get("consensus") for c in back["coders"])
    kinds = [c["kind"] for c in back["documents"][0]["clauses"]]
    assert kinds[0] == "preamble" and "subpoint" in kinds
    # ... and the file goes back into the project it came from without adding anything.
    assert merge(project, tmp_path / "own.qdpx").changes_nothing


def test_our_export_writes_memos_where_each_tool_reads_them(project: Project) -> None:
    source = _own_project(project)
    data, _ = export_bytes(source, "qdpx")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    memo = "Why: «ceasefire» &amp; &lt;scope&gt;"
    # QualCoder reads PlainTextSelection/Description; ATLAS.ti, MAXQDA, NVivo read the note.
    assert re.search(
        rf"<PlainTextSelection [^>]*>\s*<Description>{re.escape(memo)}</Description>", qde
    )
    assert f"<PlainTextContent>{memo}</PlainTextContent>" in qde
    assert "<Description>Our project memo.</Description>" in qde
    assert "plan-annotator:clauses" not in qde  # our own data is in a processing instruction
    import xmlschema

    xsd = Path(__file__).resolve().parents[2] / "resources" / "refi-qda" / "Project.xsd"
    xmlschema.XMLSchema(str(xsd)).validate(io.BytesIO(qde.encode("utf-8")))


def test_qualcoder_annotations_and_journals_are_kept(project: Project, tmp_path: Path) -> None:
    """QualCoder writes a text annotation as a Note holding a PlainTextSelection (UTF-16
    positions, no name) that its TextSource refers to, and a journal as a Note nothing refers to."""
    source = FIXTURES / "03_cyrillic_emoji_utf16_positions.qdpx"
    oskar = "fea7f17b-3804-4a6d-bde2-534cbe26830e"
    annotation = "aaaaaaaa-1111-4111-8111-000000000001"
    journal = "aaaaaaaa-1111-4111-8111-000000000002"
    notes = (
        "</Sources>\n<Notes>\n"
        f'<Note guid="{journal}" creatingUser="{oskar}" creationDateTime="2026-02-02T09:00:00Z" '
        f'name="Щоденник" plainTextPath="internal://{journal}.txt" ><Description /></Note>\n'
        f'<Note guid="{annotation}" creatingUser="{oskar}" '
        'creationDateTime="2026-02-02T10:00:00Z" >\n'
        "<PlainTextContent>Перевірити списки полонених</PlainTextContent>\n"
        '<PlainTextSelection guid="aaaaaaaa-1111-4111-8111-000000000003" startPosition="717" '
        'endPosition="731" />\n</Note>\n</Notes>'
    )
    target = tmp_path / "annotated.qdpx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "project.qde":
                qde = data.decode("utf-8").replace("</Sources>", notes)
                qde = qde.replace(
                    "</TextSource>", f'<NoteRef targetGUID="{annotation}" />\n</TextSource>'
                )
                data = qde.encode("utf-8")
            zout.writestr(info, data)
        zout.writestr(f"sources/{journal}.txt", "Запис у щоденнику.".encode("utf-8-sig"))
    preview = merge(project, target)
    doc = export_exchange_dict(project)
    (note,) = doc["clause_notes"]
    text = doc["documents"][0]["text"]
    clause_text = text[note["clause"][0] : note["clause"][1]]
    assert "«усіх на всіх»" in clause_text and note["memo"] == "Перевірити списки полонених"
    assert next(c["name"] for c in doc["coders"] if c["id"] == note["coder"]) == "Oskar Veld"
    assert "Щоденник\nЗапис у щоденнику." in doc["project_memo"]
    assert any("journals" in w for w in preview.warnings)
    assert "Перевірити" not in doc["documents"][0].get("memo", "")


def test_a_group_of_codes_is_never_applied_here(project: Project) -> None:
    from annotator.core.errors import EditError

    merge(project, FIXTURES / "01_two_coders_category_memos.qdpx")
    group = next(c for c in project.categories() if c.name == "Security arrangements")
    assert not group.codable
    key = project.documents()[0].key
    clause = project.clauses(key)[1]
    coder = project.coders()[0].id
    with pytest.raises(EditError, match="only groups codes"):
        project.toggle_tag(coder, clause.id, group.key)
    with pytest.raises(EditError, match="only groups codes"):
        project.toggle_span(coder, clause.id, group.key, clause.start, clause.start + 2)
    child = next(c for c in project.categories() if c.name == "Force limits")
    assert not project.toggle_tag(coder, clause.id, child.key).empty


def test_stable_guids_find_renamed_users_and_codes_and_a_moved_coding(
    project: Project, tmp_path: Path
) -> None:
    """ATLAS.ti, MAXQDA and NVivo keep their GUIDs: an earlier import's mapping finds a user and a
    code renamed there, and a coding whose span changed there moves instead of doubling."""
    first = FIXTURES / "01_two_coders_category_memos.qdpx"
    merge(project, first)
    step = rewritten(first, tmp_path / "a.qdpx", 'name="Oskar Veld"', 'name="O. Veld"')
    step = rewritten(step, tmp_path / "b.qdpx", 'name="Territory"', 'name="Territories"')
    moved = rewritten(
        step,
        tmp_path / "c.qdpx",
        'startPosition="530" endPosition="563" name="guarantees the security of Avalon"',
        'startPosition="530" endPosition="552" name="guarantees the security"',
    )
    preview = merge(project, moved)
    assert preview.counts["coders_added"] == preview.counts["categories_added"] == 0
    assert (preview.counts["annotations_added"], preview.counts["annotations_updated"]) == (0, 1)
    assert sorted(c.name for c in project.coders()) == ["Mira Castellan", "Oskar Veld"]
    got = codings(project)
    assert ("Oskar Veld", "Security guarantee", "guarantees the security", "") in got
    assert sum(1 for c in got if c[1] == "Territories") == 3 and sum(got.values()) == 13


def test_a_source_memo_travels_in_and_out(project: Project, tmp_path: Path) -> None:
    first = FIXTURES / "01_two_coders_category_memos.qdpx"
    marker = 'name="avalon_plan.txt">'
    with_memo = rewritten(
        first, tmp_path / "m.qdpx", marker, f"{marker}\n<Description>Draft of 1 Feb.</Description>"
    )
    merge(project, with_memo)
    doc = export_exchange_dict(project)
    assert doc["documents"][0]["memo"] == "Draft of 1 Feb."
    data, _ = export_bytes(doc, "qdpx")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert re.search(r"<TextSource [^>]*>\s*(<\?[^>]*\?>\s*)?<Description>Draft of 1 Feb.<", qde)


def identities(project: Project) -> Counter[str]:
    """How many remembered identities of each kind."""
    with project.engine.connect() as conn:
        t = TABLES["refi_identity"]
        return Counter(kind for (kind,) in conn.execute(select(t.c.kind)))


@pytest.mark.parametrize(
    "files",
    [
        ["01_two_coders_category_memos"] * 5,
        # QualCoder draws fresh GUIDs on every export: each re-export used to add a mapping row
        # per user, code and coding, never pruned.
        ["01_two_coders_category_memos", "02_same_project_second_export"] * 3,
    ],
    ids=["same-file", "re-exports"],
)
def test_re_importing_keeps_the_identity_table_the_same_size(
    project: Project, files: list[str]
) -> None:
    merge(project, FIXTURES / f"{files[0]}.qdpx")
    first = identities(project)
    rows = {t: count(project, t) for t in ("coder", "category", "annotation", "document")}
    for name in files[1:]:
        preview = merge(project, FIXTURES / f"{name}.qdpx")
        assert preview.changes_nothing, (name, preview.counts)  # still idempotent
        assert identities(project) == first, name
    assert {t: count(project, t) for t in rows} == rows
    assert codings(project) == want("01_two_coders_category_memos")


def test_identities_of_rows_that_are_gone_are_forgotten(project: Project) -> None:
    merge(project, FIXTURES / "01_two_coders_category_memos.qdpx")
    with project.engine.begin() as conn:
        conn.execute(
            TABLES["refi_identity"].insert(),
            [
                {"kind": k, "foreign_id": f"gone-{k}", "local_id": "no-such-row", "updated": "0"}
                for k in ("user", "code", "coding", "annotation")
            ],
        )
    merge(project, FIXTURES / "02_same_project_second_export.qdpx")
    with project.engine.connect() as conn:
        t = TABLES["refi_identity"]
        left = conn.execute(select(t.c.foreign_id).where(t.c.local_id == "no-such-row")).all()
    assert left == []
