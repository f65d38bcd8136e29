"""REFI-QDA identities are pruned per source: tools with stable GUIDs keep each other's mappings.

ATLAS.ti and MAXQDA keep their GUIDs from export to export; QualCoder draws fresh ones each time.
Two stable-GUID tools that code the same plan map their own GUIDs onto the same coders, codes and
codings here; an import from one must not forget the other's, or the other's next import would
fall back to matching by name and content (and a code renamed there would double). The two
projects in tests/fixtures/refi/ are written by hand in each tool's style (see the README there).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import xmlschema
from sqlalchemy import select, update

from annotator.core.qdc import guid_text
from annotator.core.refi import source_of
from annotator.services.project import Project
from annotator.storage.models import TABLES
from tests.services.test_refi_service import FIXTURES as QUALCODER
from tests.services.test_refi_service import count, identities, merge

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tests" / "fixtures" / "refi"
NS = "{urn:QDA-XML:project:1.0}"
ROWS = ("coder", "category", "annotation", "document")
ADDED = ("coders_added", "categories_added", "documents_added", "annotations_added")


def packed(tool: str, target: Path, edits: tuple[tuple[str, str], ...] = ()) -> Path:
    """The fixture folder ``tool`` zipped as a .qdpx, with ``edits`` made to its project.qde (as
    if changed in the tool and exported again)."""
    folder = TOOLS / tool
    qde = (folder / "project.qde").read_text("utf-8")
    for old, new in edits:
        assert old in qde, old
        qde = qde.replace(old, new)
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr("project.qde", qde)
        for text in sorted((folder / "sources").iterdir()):
            zf.write(text, f"sources/{text.name}")
    return target


def guids(tool: str) -> set[tuple[str, str]]:
    """The (kind, GUID) of every user, code and coding the tool's file names."""
    root = ET.parse(TOOLS / tool / "project.qde").getroot()
    return {
        (kind, guid_text(el.get("guid") or ""))
        for kind, tag in (("user", "User"), ("code", "Code"), ("coding", "Coding"))
        for el in root.iter(f"{NS}{tag}")
    }


def mapped(project: Project) -> set[tuple[str, str]]:
    with project.engine.connect() as conn:
        t = TABLES["refi_identity"].c
        return {(k, f) for k, f in conn.execute(select(t.kind, t.foreign_id))}


def rows(project: Project) -> dict[str, int]:
    return {table: count(project, table) for table in ROWS}


def added(preview: object) -> dict[str, int]:
    counts = preview.counts  # type: ignore[attr-defined]
    return {k: counts[k] for k in ADDED if counts[k]}


@pytest.mark.parametrize("tool", ["atlasti_avalon", "maxqda_avalon"])
def test_the_hand_written_projects_are_valid_refi_qda(tool: str, tmp_path: Path) -> None:
    schema = xmlschema.XMLSchema(str(ROOT / "resources" / "refi-qda" / "Project.xsd"))
    schema.validate(str(TOOLS / tool / "project.qde"))
    assert len(guids(tool)) == 2 + 4 + 3


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (("ATLAS.ti 23.2.1", "Avalon plan"), ("ATLAS.ti 24.0.1", "Avalon plan"), True),
        (("MAXQDA 2022 (Release 22.7.0)", "p"), ("MAXQDA 2024 (Release 24.1.0)", "p"), True),
        (("QualCoder 4.0 Beta", "p.qda"), ("QualCoder 3.5", "p.qda"), True),
        (("NVivo 14.23.0", "p"), ("NVivo", "p"), True),
        (("ATLAS.ti 23.2.1", "p"), ("MAXQDA 2022", "p"), False),
        (("ATLAS.ti 23.2.1", "p"), ("ATLAS.ti 23.2.1", "q"), False),
        ((None, "p"), ("", "p"), True),
    ],
)
def test_a_source_is_the_tool_without_its_version_and_the_project_name(
    a: tuple[str | None, str], b: tuple[str | None, str], same: bool
) -> None:
    assert (source_of(*a) == source_of(*b)) is same


def test_two_tools_with_stable_guids_imported_alternately_keep_both_mappings(
    project: Project, tmp_path: Path
) -> None:
    atlas = packed("atlasti_avalon", tmp_path / "atlas.qdpx")
    maxqda = packed("maxqda_avalon", tmp_path / "maxqda.qdpx")
    merge(project, atlas)
    merge(project, maxqda)
    learnt, before = mapped(project), rows(project)
    assert guids("atlasti_avalon") | guids("maxqda_avalon") <= learnt
    # The default codebook's 4 and the tools' 4; both coded clause 2 as Territory and clause 3 as
    # Force limits: one annotation each.
    assert before == {"coder": 2, "category": 8, "annotation": 4, "document": 1}
    for _ in range(3):
        for path in (atlas, maxqda):
            preview = merge(project, path)
            assert preview.changes_nothing, (path.name, preview.counts)
            assert mapped(project) == learnt, path.name
    assert rows(project) == before

    # Renamed in ATLAS.ti: only ATLAS.ti's own mapping can find that code and that user.
    renamed = packed(
        "atlasti_avalon",
        tmp_path / "atlas-renamed.qdpx",
        (('name="Territory"', 'name="Territorial integrity"'), ('"Oskar Veld"', '"O. Veld"')),
    )
    assert added(merge(project, renamed)) == {}
    names = {c.name for c in project.categories()}
    assert "Territorial integrity" in names and "Territory" not in names
    assert sorted(c.name for c in project.coders()) == ["Mira Castellan", "Oskar Veld"]
    # And MAXQDA's still finds them under their new names here.
    assert added(merge(project, maxqda)) == {}
    assert rows(project) == before
    assert mapped(project) == learnt


def test_qualcoder_re_exports_neither_grow_the_table_nor_take_other_tools_mappings(
    project: Project, tmp_path: Path
) -> None:
    atlas = packed("atlasti_avalon", tmp_path / "atlas.qdpx")
    merge(project, atlas)
    merge(project, packed("maxqda_avalon", tmp_path / "maxqda.qdpx"))
    merge(project, QUALCODER / "01_two_coders_category_memos.qdpx")
    first, before = identities(project), rows(project)
    stable = guids("atlasti_avalon") | guids("maxqda_avalon")
    for name in ["02_same_project_second_export", "01_two_coders_category_memos"] * 2:
        preview = merge(project, QUALCODER / f"{name}.qdpx")
        assert added(preview) == {}, name
        assert identities(project) == first, name  # QualCoder's replaced GUIDs went
        assert stable <= mapped(project), name  # the others' stayed
    assert rows(project) == before
    renamed = packed(
        "atlasti_avalon", tmp_path / "atlas-renamed.qdpx", (('"Force limits"', '"Troop caps"'),)
    )
    assert added(merge(project, renamed)) == {}
    assert rows(project) == before


def test_identities_learnt_before_sources_were_recorded_are_nobodys_to_replace(
    project: Project, tmp_path: Path
) -> None:
    """Revision 0010 gives older identities the source "": no import may take them for its own."""
    merge(project, packed("atlasti_avalon", tmp_path / "atlas.qdpx"))
    with project.engine.begin() as conn:
        conn.execute(update(TABLES["refi_identity"]).values(source=""))
    merge(project, packed("maxqda_avalon", tmp_path / "maxqda.qdpx"))
    assert guids("atlasti_avalon") <= mapped(project)
