"""copy_json: the fast deep copy used wherever microcred must not share the caller's JSON."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from microcred._parse import copy_json

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


def _containers(value: Any) -> list[Any]:
    found = [value] if isinstance(value, dict | list) else []
    for item in (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    ):
        found += _containers(item)
    return found


@given(JSON)
def test_equal_and_sharing_no_container(value: Any) -> None:
    copied = copy_json(value)
    assert copied == value
    originals = {id(c) for c in _containers(value)}
    assert originals.isdisjoint(id(c) for c in _containers(copied))


def test_other_values_are_deep_copied() -> None:
    """A tuple (not JSON) still gets a real deep copy rather than being shared."""
    value = {"a": ([1, 2], {"b": 3})}
    copied = copy_json(value)
    assert copied == value
    assert copied["a"][0] is not value["a"][0]


def test_subclasses_and_other_objects_are_rebuilt_as_before() -> None:
    """What marshal refuses (a dict subclass, an object) takes the Python rebuild."""
    from collections import OrderedDict

    class Opaque:
        pass

    thing = Opaque()
    value = {"a": OrderedDict(b=[1, 2]), "c": [thing]}
    copied = copy_json(value)
    assert copied == {"a": {"b": [1, 2]}, "c": [copied["c"][0]]}
    assert copied["a"]["b"] is not value["a"]["b"]
    assert isinstance(copied["c"][0], Opaque)
    assert copied["c"][0] is not thing
