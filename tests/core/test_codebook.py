"""Codebook: JSON reading and writing, keys from names, stable GUIDs, hierarchy order."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.codebook import (
    GUID_NAMESPACE,
    KEY_RE,
    Category,
    category_guid,
    codebook_from_json,
    codebook_to_json,
    default_codebook,
    slugify,
    tree_order,
    unique_key,
)
from annotator.core.errors import FormatError


def test_default_codebook_has_the_four_categories_with_shortcuts():
    cats = default_codebook()
    assert [c.key for c in cats] == [
        "security_guarantee",
        "territorial",
        "economic",
        "military_cap",
    ]
    assert [c.shortcut for c in cats] == ["1", "2", "3", "4"]
    assert [c.position for c in cats] == [0, 1, 2, 3]


def test_json_round_trip_keeps_every_field():
    cats = [*default_codebook(), Category("sanctions", "Sanctions", parent="economic", position=9)]
    again = codebook_from_json(codebook_to_json(cats))
    assert sorted(again, key=lambda c: c.key) == sorted(cats, key=lambda c: c.key)


@pytest.mark.parametrize(
    ("item", "where"),
    [
        ({"key": "Bad Key", "name": "x"}, "$.categories[0].key"),
        ({"key": "a", "name": " "}, "$.categories[0].name"),
        ({"key": "a", "name": "A", "color": "red"}, "$.categories[0].color"),
        ({"key": "a", "name": "A", "shortcut": "0"}, "$.categories[0].shortcut"),
        ({"key": "a", "name": "A", "parent": "zzz"}, "$.categories[0].parent"),
    ],
)
def test_bad_categories_name_the_field(item, where):
    with pytest.raises(FormatError) as err:
        codebook_from_json({"categories": [item]}, source="cb.json")
    assert err.value.where == where
    assert str(err.value).startswith("cb.json: " + where)


def test_duplicate_keys_are_refused():
    with pytest.raises(FormatError, match="duplicate key 'a'"):
        codebook_from_json([{"key": "a", "name": "A"}, {"key": "a", "name": "B"}])


def test_parent_cycles_are_refused():
    items = [{"key": "a", "name": "A", "parent": "b"}, {"key": "b", "name": "B", "parent": "a"}]
    with pytest.raises(FormatError, match="own ancestor"):
        codebook_from_json(items)
    with pytest.raises(FormatError, match="own ancestor"):
        codebook_from_json([{"key": "a", "name": "A", "parent": "a"}])


def test_slugify_and_unique_key():
    assert slugify("NATO / alliances") == "nato_alliances"
    assert slugify("  ---  ") == "category"
    assert slugify("Гарантії безпеки") == "harantii_bezpeky"  # a readable key, not "category"
    assert slugify("Café aid") == "cafe_aid"
    taken: set[str] = set()
    assert [unique_key(n, taken) for n in ["Aid", "aid", "AID!", "Aid 2"]] == [
        "aid",
        "aid_2",
        "aid_3",
        "aid_2_2",
    ]
    assert taken == {"aid", "aid_2", "aid_3", "aid_2_2"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=12))
def test_unique_keys_are_valid_and_distinct(names):
    taken: set[str] = set()
    keys = [unique_key(n, taken) for n in names]
    assert len(set(keys)) == len(keys)
    assert all(KEY_RE.match(k) for k in keys)


def test_category_guid_is_a_stable_uuid5():
    guid = category_guid("economic")
    assert guid == str(uuid.uuid5(GUID_NAMESPACE, "category:economic"))
    assert uuid.UUID(guid).version == 5
    assert category_guid("economic") == guid != category_guid("territorial")


def test_tree_order_puts_parents_first_and_keeps_every_category():
    cats = [
        Category("child", "Child", parent="root2", position=0),
        Category("root1", "Root 1", position=1),
        Category("root2", "Root 2", position=2),
        Category("grandchild", "Grandchild", parent="child", position=3),
        Category("orphan", "Orphan", parent="missing", position=4),
    ]
    order = [(d, c.key) for d, c in tree_order(cats)]
    assert order == [(0, "root1"), (0, "root2"), (1, "child"), (2, "grandchild"), (0, "orphan")]
