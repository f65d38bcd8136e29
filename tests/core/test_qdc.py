"""REFI-QDA codebooks: schema-valid export, stable GUIDs, round trip, foreign and hostile files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xmlschema

from annotator.core.codebook import Category, category_guid, default_codebook
from annotator.core.errors import FormatError
from annotator.core.qdc import codebook_from_qdc, codebook_to_qdc

XSD = Path(__file__).parents[2] / "resources" / "refi-qda" / "Codebook.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def sample() -> list[Category]:
    return [
        *default_codebook(),
        Category(
            "sanctions",
            "Sanctions & relief",
            "Lifted <or> imposed",
            "#c03030",
            "economic",
            position=4,
        ),
        Category("phased", "Phased", "", "#112233", "sanctions", position=5, retired=True),
    ]


def fields(c: Category) -> tuple:
    return (c.key, c.name, c.description, c.color, c.parent, c.shortcut, c.retired)


def test_export_is_schema_valid_and_stable(schema):
    data = codebook_to_qdc(sample())
    schema.validate(data.decode("utf-8"))
    assert codebook_to_qdc(sample()) == data
    for cat in sample():
        assert f'guid="{category_guid(cat.key)}"'.encode() in data


def test_children_are_nested_in_their_parent():
    import xml.etree.ElementTree as ET

    root = ET.fromstring(codebook_to_qdc(sample()))
    ns = "{urn:QDA-XML:codebook:1.0}"
    economic = next(c for c in root.iter(f"{ns}Code") if c.get("name") == "Economic")
    sanctions = economic.find(f"{ns}Code")
    assert sanctions is not None and sanctions.get("name") == "Sanctions & relief"
    assert sanctions.find(f"{ns}Code").get("isCodable") == "false"
    assert sanctions.find(f"{ns}Description").text == "Lifted <or> imposed"


def test_round_trip_keeps_keys_colours_hierarchy_and_descriptions():
    back = codebook_from_qdc(codebook_to_qdc(sample()))
    assert sorted(map(fields, back)) == sorted(map(fields, sample()))
    # depth first: a parent always comes before its children
    keys = [c.key for c in back]
    assert keys.index("economic") < keys.index("sanctions") < keys.index("phased")


def test_a_renamed_code_keeps_its_key_by_guid():
    data = codebook_to_qdc(sample()).replace(b'name="Economic"', b'name="Money"')
    data = re.sub(rb'<\?plan-annotator key="economic"[^?]*\?>', b"", data)
    assert b'key="economic"' not in data
    by_guid = {c.name: c.key for c in codebook_from_qdc(data, known_keys=["economic"])}
    assert by_guid["Money"] == "economic"
    # without the known key, the name decides
    assert {c.name: c.key for c in codebook_from_qdc(data)}["Money"] == "money"


def test_a_forged_key_hint_is_ignored():
    guid = "4f1b2c3d-0000-4000-8000-000000000001"
    data = f"""<?xml version="1.0"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="{guid}" name="Aid" isCodable="true"><?plan-annotator key="economic"?></Code>
</Codes></CodeBook>""".encode()
    assert [c.key for c in codebook_from_qdc(data)] == ["aid"]


FOREIGN = b"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="Other tool">
 <Codes>
  <Code guid="{A1B2C3D4-0000-4000-8000-00000000000A}" name="Aid" isCodable="false" color="#F0A">
   <Description>Help</Description>
   <Code guid="a1b2c3d4-0000-4000-8000-00000000000b" name="aid" isCodable="true"/>
   <Code guid="a1b2c3d4-0000-4000-8000-00000000000c" name="AID!" isCodable="true" color="blue"/>
  </Code>
 </Codes>
</CodeBook>"""


def test_foreign_codebook_gets_deduplicated_slug_keys():
    cats = codebook_from_qdc(FOREIGN)
    # isCodable="false" from another tool is a group of codes, not a retired code
    assert [(c.key, c.parent, c.color, c.retired, c.codable) for c in cats] == [
        ("aid", None, "#ff00aa", False, False),
        ("aid_2", "aid", "#808080", False, True),
        ("aid_3", "aid", "#808080", False, True),
    ]
    assert cats[0].description == "Help"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{x}" name="&b;" '
            b'isCodable="true"/></Codes></CodeBook>',
            "DTDs and entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="1" name="&e;" '
            b'isCodable="true"/></Codes></CodeBook>',
            "DTDs and entities",
        ),
        (b'<CodeBook xmlns="urn:QDA-XML:project:1.0"><Codes/></CodeBook>', "namespace"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"></CodeBook>', "no Codes"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>', "no Code"),
        (
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
            b'<Codes><Code name="x"/></Codes></CodeBook>',
            "needs a guid",
        ),
        (b"<CodeBook", "not well-formed"),
    ],
)
def test_bad_and_hostile_files_are_refused(data, message):
    with pytest.raises(FormatError, match=message) as err:
        codebook_from_qdc(data, source="evil.qdc")
    assert str(err.value).startswith("evil.qdc")


def test_absurd_nesting_is_refused():
    depth = 100
    codes = (
        "".join(
            f'<Code guid="a1b2c3d4-0000-4000-8000-{i:012d}" name="c{i}" isCodable="true">'
            for i in range(depth)
        )
        + "</Code>" * depth
    )
    data = f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{codes}</Codes></CodeBook>'
    with pytest.raises(FormatError, match="nested deeper"):
        codebook_from_qdc(data.encode())


def test_empty_codebook_cannot_be_exported():
    with pytest.raises(FormatError):
        codebook_to_qdc([])


def test_a_foreign_code_meets_a_category_whose_key_is_not_its_slug():
    from annotator.core.codebook import Category

    existing = [
        Category(key="sec", name="Security guarantee", color="#112233", shortcut="1"),
        Category(key="other", name="Other"),
    ]
    qdc = (
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        b'<Code guid="a1b2c3d4-0000-4000-8000-0000000000aa" name="Security arrangements" '
        b'isCodable="false">'
        b'<Code guid="a1b2c3d4-0000-4000-8000-0000000000ab" name=" security GUARANTEE" '
        b'isCodable="true"/></Code></Codes></CodeBook>'
    )
    cats = codebook_from_qdc(qdc, existing=existing)
    by_name = {c.name.strip().casefold(): c for c in cats}
    guarantee = by_name["security guarantee"]
    assert guarantee.key == "sec"  # not a second "Security guarantee"
    assert guarantee.parent == by_name["security arrangements"].key
    assert guarantee.color == "#112233" and guarantee.shortcut == "1"  # kept: the file has none
    assert not by_name["security arrangements"].codable
