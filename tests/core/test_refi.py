"""REFI-QDA projects: schema-valid export, lossless round trip, foreign and hostile archives."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.codebook import category_guid
from annotator.core.errors import FormatError
from annotator.core.refi import KnownIdentities, ZipLimits, _OffsetShift, export_qdpx, import_qdpx
from annotator.core.segment import segment
from annotator.core.text import document_key, normalise

ROOT = Path(__file__).parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "exchange_small.json"
XSD = ROOT / "resources" / "refi-qda" / "Project.xsd"
FIXED = datetime(2026, 1, 7, 9, 0, tzinfo=UTC)
NS = "urn:QDA-XML:project:1.0"
USER = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def ex() -> dict:
    return json.loads(FIXTURE.read_text("utf-8"))


def qdpx_bytes(ex: dict) -> bytes:
    buf = io.BytesIO()
    export_qdpx(ex, buf, fixed_time=FIXED)
    return buf.getvalue()


def codings(ex: dict) -> set[tuple]:
    return {
        (
            a["coder"],
            a["document"],
            tuple(a["clause"]),
            a["category"],
            tuple(a["span"]) if a["span"] else None,
        )
        for a in ex["annotations"]
        if not a.get("deleted")
    }


def test_export_is_schema_valid_and_deterministic(ex):
    data = qdpx_bytes(ex)
    assert qdpx_bytes(ex) == data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        qde = zf.read("project.qde").decode("utf-8")
        texts = {n: zf.read(n).decode("utf-8") for n in names if n.startswith("sources/")}
    xmlschema.XMLSchema(str(XSD)).validate(qde)
    assert names[0] == "project.qde" and len(texts) == 2
    assert sorted(texts.values()) == sorted(d["text"] for d in ex["documents"])
    # 17 live tags, one Coding each; the tombstone is not exported
    assert qde.count("<Coding ") == 17
    assert f'targetGUID="{category_guid("sanctions")}"' in qde


def test_selections_are_code_points_into_the_exported_text(ex):
    with zipfile.ZipFile(io.BytesIO(qdpx_bytes(ex))) as zf:
        root = xmlschema.XMLResource(zf.read("project.qde").decode()).root
        texts = {n.split("/")[1]: zf.read(n).decode() for n in zf.namelist() if "/" in n}
    spans = set()
    for src in root.iter(f"{{{NS}}}TextSource"):
        text = texts[src.get("plainTextPath").removeprefix("internal://")]
        for sel in src.iter(f"{{{NS}}}PlainTextSelection"):
            spans.add(text[int(sel.get("startPosition")) : int(sel.get("endPosition"))])
    assert "reconstruction \U0001f3d7" in spans  # the emoji counts as one position
    assert "line of contact" in spans
    assert "1. Гарантії безпеки надаються." in spans


def test_round_trip_keeps_documents_coders_categories_codings_and_reviews(ex):
    warnings: list[str] = []
    back = import_qdpx(io.BytesIO(qdpx_bytes(ex)), source="p.qdpx", warnings=warnings)
    assert warnings == []
    docs = {d["key"]: d for d in back["documents"]}
    for d in ex["documents"]:
        got = docs[d["key"]]
        assert (got["title"], got["text"], got["clauses"], got["meta"]) == (
            d["title"],
            d["text"],
            d["clauses"],
            d["meta"],
        )
        assert document_key(got["text"]) == d["key"]
    assert {(c["id"], c["name"]) for c in back["coders"]} == {
        (c["id"], c["name"]) for c in ex["coders"]
    }
    by_key = lambda c: c["key"]  # noqa: E731 - the order is depth first after a round trip
    assert sorted(back["codebook"]["categories"], key=by_key) == sorted(
        ex["codebook"]["categories"], key=by_key
    )
    assert codings(back) == codings(ex)
    ids = {a["id"] for a in ex["annotations"] if not a["deleted"]}
    assert {a["id"] for a in back["annotations"]} == ids
    memos = {a["id"]: a["memo"] for a in back["annotations"] if a["memo"]}
    assert memos == {a["id"]: a["memo"] for a in ex["annotations"] if a["memo"]}
    key = lambda r: (r["coder"], r["document"], tuple(r["clause"]), r["status"], r["updated"])  # noqa: E731
    assert sorted(map(key, back["reviews"])) == sorted(map(key, ex["reviews"]))


# -- foreign archives ----------------------------------------------------------------------


def make_qdpx(qde: str | bytes, files: dict[str, bytes] | None = None) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde if isinstance(qde, bytes) else qde.encode())
        for name, data in (files or {}).items():
            zf.writestr(name, data)
    buf.seek(0)
    return buf


def project(sources: str, codes: str | None = None) -> str:
    codes = codes or (
        '<Code guid="{AAAAAAAA-0000-4000-8000-000000000001}" name="Aid money" isCodable="true" '
        'color="#0f0"/>'
        '<Code guid="aaaaaaaa-0000-4000-8000-000000000002" name="Ceasefire" isCodable="true"/>'
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="x">'
        f'<Users><User guid="{USER}" name="Ana"/></Users>'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{sources}</Sources></Project>"
    )


def selection(
    start: int, end: int, code: str = "aaaaaaaa-0000-4000-8000-000000000001", n: int = 1
) -> str:
    return (
        f'<PlainTextSelection guid="bbbbbbbb-0000-4000-8000-{n:012d}" startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{USER}" creationDateTime="2025-03-01T08:00:00+01:00">'
        f'<Coding guid="cccccccc-0000-4000-8000-{n:012d}" creatingUser="{USER}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
    )


RAW = "Intro line.\r\n\r\nCafe\u0301 aid is paid.\r\n\r\nA ceasefire holds."


def test_foreign_project_with_crlf_and_decomposed_text_maps_offsets():
    aid = RAW.index("aid")
    holds = RAW.index("ceasefire")
    sources = (
        f'<TextSource guid="dddddddd-0000-4000-8000-000000000001" name="Plan" '
        f'plainTextPath="internal://plan.txt">'
        f"{selection(aid, aid + 3, n=1)}"
        f"{selection(holds, holds + 9, 'aaaaaaaa-0000-4000-8000-000000000002', n=2)}"
        "</TextSource>"
    )
    files = {"Sources/plan.txt": b"\xef\xbb\xbf" + RAW.encode("utf-8")}  # capital S, with a BOM
    warnings: list[str] = []
    back = import_qdpx(make_qdpx(project(sources), files), source="f.qdpx", warnings=warnings)
    text = normalise(RAW)
    (doc,) = back["documents"]
    assert doc["key"] == document_key(text) and doc["text"] == text
    assert [(c["start"], c["end"], c["label"]) for c in doc["clauses"]] == [
        (c.start, c.end, c.label) for c in segment(text)
    ]
    keys = {c["key"]: c for c in back["codebook"]["categories"]}
    assert keys["aid_money"]["color"] == "#00ff00"
    assert back["coders"] == [{"id": USER, "name": "Ana"}]
    spans = {a["category"]: text[a["span"][0] : a["span"][1]] for a in back["annotations"]}
    assert spans == {"aid_money": "aid", "ceasefire": "ceasefire"}
    first = next(a for a in back["annotations"] if a["category"] == "aid_money")
    assert (
        first["created"] == "2025-03-01T07:00:00Z"
        and first["id"] == "cccccccc-0000-4000-8000-000000000001"
    )
    assert warnings == []


def test_inline_text_relative_path_and_straddling_selection():
    text = "First point here.\n\nSecond point here."
    whole = (
        '<TextSource guid="dddddddd-0000-4000-8000-000000000001" name="Inline">'
        f"<PlainTextContent>{text}</PlainTextContent>{selection(6, 25)}</TextSource>"
    )
    rel = (
        '<TextSource guid="dddddddd-0000-4000-8000-000000000002" name="Rel" '
        'plainTextPath="docs/other.txt">'
        f"{selection(0, 17, n=3)}</TextSource>"
    )
    warnings: list[str] = []
    files = {"docs/other.txt": text.upper().encode()}
    back = import_qdpx(make_qdpx(project(whole + rel), files), warnings=warnings)
    by_doc = {d["title"]: d for d in back["documents"]}
    # starts in clause 1, runs into clause 2: a span in each, and the import says so
    pieces = sorted(
        (a["clause"], a["span"])
        for a in back["annotations"]
        if a["document"] == by_doc["Inline"]["key"]
    )
    assert pieces == [([0, 17], [6, 17]), ([19, 37], [19, 25])]
    assert any("crosses clauses ¶1, ¶2: coded as 2 spans" in w for w in warnings)
    other = next(a for a in back["annotations"] if a["document"] == by_doc["Rel"]["key"])
    assert other["clause"] == [0, 17] and other["span"] is None  # exactly the clause


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \r\n\u0301\u0327e\u00e9\ufeff\U0001f3d7\u1100\u1161", max_size=40))
def test_offset_shift_is_monotone_and_ends_at_the_end(raw):
    shift = _OffsetShift(raw)
    assert shift.text == normalise(raw)
    mapped = [shift(i) for i in range(len(raw) + 1)]
    assert mapped == sorted(mapped)
    assert mapped[-1] == len(shift.text)
    assert all(0 <= m <= len(shift.text) for m in mapped)


def test_offset_shift_known_values():
    shift = _OffsetShift("\ufeffa\r\nb\u0065\u0301c")
    assert shift.text == "a\nb\u00e9c"
    assert [shift(i) for i in (1, 2, 4, 5, 7, 8)] == [0, 1, 2, 3, 4, 5]


# -- hostile archives ----------------------------------------------------------------------


def zip_with(name: str, data: bytes = b"x") -> io.BytesIO:
    buf = make_qdpx(project(""))
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    buf.seek(0)
    return buf


@pytest.mark.parametrize(
    "name", ["../evil.txt", "sources/../../evil.txt", "/etc/evil", "C:/evil", "..\\evil"]
)
def test_zip_slip_names_are_refused(name):
    with pytest.raises(FormatError, match="unsafe entry name") as err:
        import_qdpx(zip_with(name), source="evil.qdpx")
    assert err.value.source == "evil.qdpx" and err.value.where == name


def test_zip_bomb_by_ratio_and_by_total_size():
    with pytest.raises(FormatError, match="zip bomb") as err:
        import_qdpx(zip_with("sources/bomb.txt", b"\0" * (8 << 20)), source="b.qdpx")
    assert err.value.where == "sources/bomb.txt"
    with pytest.raises(FormatError, match="archive inflates"):
        import_qdpx(zip_with("sources/big.txt", b"x" * 5000), limits=ZipLimits(total=4000))


def test_a_lying_size_header_is_caught():
    text = "sources/a.txt"
    src = (
        '<TextSource guid="dddddddd-0000-4000-8000-000000000001" name="A" '
        'plainTextPath="internal://a.txt"/>'
    )
    buf = make_qdpx(project(src), {f"{text}": b"hello world, hello world"})
    data = bytearray(buf.getvalue())
    pos = data.rfind(b"PK\x01\x02")  # the last central record is sources/a.txt
    data[pos + 24 : pos + 28] = (5).to_bytes(4, "little")  # uncompressed size
    with pytest.raises(FormatError) as err:
        import_qdpx(io.BytesIO(bytes(data)), source="lie.qdpx")
    assert err.value.where == "sources/a.txt"


@pytest.mark.parametrize(
    ("qde", "message"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<Project xmlns="{NS}" name="&x;"/>',
            "DTDs and entities",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
            f'<!ENTITY c "&b;&b;&b;&b;&b;&b;">]><Project xmlns="{NS}" name="&c;"/>',
            "DTDs and entities",
        ),
        ('<Project xmlns="urn:QDA-XML:project:2.0" name="x"/>', "namespace"),
        ("<Project", "not well-formed"),
        (
            project(
                '<TextSource guid="dddddddd-0000-4000-8000-000000000001" plainTextPath="file:///etc/passwd"/>'
            ),
            "outside the archive",
        ),
        (
            project(
                '<TextSource guid="dddddddd-0000-4000-8000-000000000001" plainTextPath="internal://../x"/>'
            ),
            "climbs out",
        ),
        (
            project(
                '<TextSource guid="dddddddd-0000-4000-8000-000000000001" plainTextPath="internal://no.txt"/>'
            ),
            "not in the archive",
        ),
    ],
)
def test_bad_projects_are_refused_with_file_and_entry(qde, message):
    with pytest.raises(FormatError, match=message) as err:
        import_qdpx(make_qdpx(qde), source="bad.qdpx")
    assert str(err.value).startswith("bad.qdpx: project.qde")


def test_one_bad_selection_is_skipped_and_listed_never_refusing_the_file():
    named = selection(14, 20, n=3).replace("startPosition", 'name="Second" startPosition')
    qde = project(
        '<TextSource guid="dddddddd-0000-4000-8000-000000000001" name="Plan">'
        "<PlainTextContent>First point.\n\nSecond point.</PlainTextContent>"
        f"{selection(0, 99)}"
        f"{selection(0, 5, 'eeeeeeee-0000-4000-8000-000000000000', n=2)}"
        f"{named}"
        '<PlainTextSelection guid="bbbbbbbb-0000-4000-8000-000000000009" startPosition="x" '
        'endPosition="3"><Coding guid="cccccccc-0000-4000-8000-000000000009">'
        f'<CodeRef targetGUID="{category_guid("aid_money")}"/></Coding></PlainTextSelection>'
        "</TextSource>"
    )
    warnings: list[str] = []
    back = import_qdpx(make_qdpx(qde), source="bad.qdpx", warnings=warnings)
    (ann,) = back["annotations"]  # the one good selection arrives
    text = back["documents"][0]["text"]
    assert text[ann["span"][0] : ann["span"][1]] == "Second"
    assert len(warnings) == 3, warnings
    assert any("selection 1" in w and "cannot be placed" in w for w in warnings)
    assert any("selection 2" in w and "not in the codebook" in w for w in warnings)
    assert any("selection 4" in w and "whole numbers" in w for w in warnings)


def test_missing_project_and_non_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("sources/a.txt", "x")
    buf.seek(0)
    with pytest.raises(FormatError, match=r"no project\.qde"):
        import_qdpx(buf, source="empty.qdpx")
    with pytest.raises(FormatError, match="not a readable zip"):
        import_qdpx(io.BytesIO(b"not a zip at all"), source="junk.qdpx")


def test_non_utf8_source_text_is_refused():
    src = (
        '<TextSource guid="dddddddd-0000-4000-8000-000000000001" plainTextPath="internal://a.txt"/>'
    )
    with pytest.raises(FormatError, match="not UTF-8") as err:
        import_qdpx(make_qdpx(project(src), {"sources/a.txt": b"\xff\xfe\x00"}), source="l.qdpx")
    assert err.value.where == "sources/a.txt"


def test_imports_pass_the_exchange_validator(ex):
    from annotator.core import exchange

    exchange.validate_exchange(import_qdpx(io.BytesIO(qdpx_bytes(ex))), "round-trip")
    aid = RAW.index("aid")
    src = (
        '<TextSource guid="dddddddd-0000-4000-8000-000000000001" name="Plan" '
        f'plainTextPath="internal://plan.txt">{selection(aid, aid + 3)}</TextSource>'
    )
    foreign = import_qdpx(make_qdpx(project(src), {"sources/plan.txt": RAW.encode()}))
    exchange.validate_exchange(foreign, "foreign")


def test_a_retired_category_that_holds_codings_stays_a_code_for_other_tools(ex):
    used = {a["category"] for a in ex["annotations"] if not a.get("deleted")}
    unused = [c["key"] for c in ex["codebook"]["categories"] if c["key"] not in used]
    for cat in ex["codebook"]["categories"]:
        cat["retired"] = True
    with zipfile.ZipFile(io.BytesIO(qdpx_bytes(ex))) as zf:
        root = ET.fromstring(zf.read("project.qde"))
    codable = {c.get("guid"): c.get("isCodable") for c in root.iter(f"{{{NS}}}Code")}
    for key in used:
        assert codable[category_guid(key)] == "true"  # QualCoder would hide its codings otherwise
    for key in unused:
        assert codable[category_guid(key)] == "false"
    back = import_qdpx(io.BytesIO(qdpx_bytes(ex)))
    assert all(c.get("retired") for c in back["codebook"]["categories"])
    assert not any(c.get("codable") is False for c in back["codebook"]["categories"])


def test_two_codes_of_one_name_get_distinct_names_and_a_warning():
    codes = (
        '<Code guid="aaaaaaaa-0000-4000-8000-000000000011" name="Security" isCodable="false">'
        '<Code guid="aaaaaaaa-0000-4000-8000-000000000001" name="Other" isCodable="true"/></Code>'
        '<Code guid="aaaaaaaa-0000-4000-8000-000000000012" name="Economy" isCodable="true">'
        '<Code guid="aaaaaaaa-0000-4000-8000-000000000002" name="other " isCodable="true"/></Code>'
    )
    warnings: list[str] = []
    back = import_qdpx(make_qdpx(project("", codes)), warnings=warnings)
    names = [c["name"] for c in back["codebook"]["categories"]]
    assert len({n.casefold().strip() for n in names}) == len(names) == 4
    assert "other (Economy)" in names and any("renamed" in w for w in warnings)
    security = next(c for c in back["codebook"]["categories"] if c["name"] == "Security")
    assert security["codable"] is False


def test_text_outside_every_clause_is_reported_not_dropped_silently():
    text = "First point.\n--\nSecond point."
    qde = project(
        '<TextSource guid="dddddddd-0000-4000-8000-000000000001" name="Gap">'
        f"<PlainTextContent>{text}</PlainTextContent>{selection(6, 20)}</TextSource>"
    )
    # The project has clauses that leave the "--" line out (edited boundaries).
    known = KnownIdentities(
        clauses={document_key(text): [(0, 12, "1", "point"), (16, 29, "2", "point")]}
    )
    warnings: list[str] = []
    back = import_qdpx(make_qdpx(qde), warnings=warnings, known=known)
    assert len(back["annotations"]) == 2
    assert any("2 characters of it lie outside every clause" in w for w in warnings)


def test_a_memo_on_a_passage_without_a_code_becomes_a_clause_memo():
    text = "First point.\n\nSecond point."
    memo_only = (
        '<PlainTextSelection guid="bbbbbbbb-0000-4000-8000-000000000077" startPosition="14" '
        f'endPosition="20" name="Second" creatingUser="{USER}">'
        "<Description>Ask about this.</Description></PlainTextSelection>"
    )
    qde = project(
        '<TextSource guid="dddddddd-0000-4000-8000-000000000001" name="Plan">'
        f"<PlainTextContent>{text}</PlainTextContent>{memo_only}</TextSource>"
    )
    warnings: list[str] = []
    back = import_qdpx(make_qdpx(qde), warnings=warnings)
    assert back["annotations"] == [] and warnings == []
    (note,) = back["clause_notes"]
    assert (note["coder"], note["clause"], note["memo"]) == (USER, [14, 27], "Ask about this.")
    from annotator.core.exchange import validate_exchange

    validate_exchange(back, "memo-only")


def test_parts_without_a_place_here_are_reported():
    qde = project("").replace(
        "<Sources>",
        '<Cases><Case guid="eeeeeeee-0000-4000-8000-000000000001" name="Region A"/></Cases>'
        "<Sources>",
    )
    warnings: list[str] = []
    import_qdpx(make_qdpx(qde), warnings=warnings)
    assert warnings == ["1 cases have no place in a plan project; skipped"]


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC)
    ).map(lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000))
)
def test_a_stamp_keeps_its_text_through_xsd_datetime(moment: datetime) -> None:
    # A stamp on a whole second ("...:59.000Z") once came back as "...:59Z": one in a thousand
    # annotations changed its created time in a .qdpx round trip.
    from annotator.core.clock import format_time
    from annotator.core.refi import _xml_time

    stamp = format_time(moment)
    assert _xml_time(stamp, "fallback") == stamp
    assert _xml_time(stamp.replace(".000Z", "Z"), "fallback") == stamp.replace(".000Z", "Z")
