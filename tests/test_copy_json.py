"""copy_json: the fast deep copy used wherever microcred must not share the caller's JSON."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microcred._parse import checked_copy, copy_json, require_object

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


# -- checked_copy: require_object and copy_json in one walk ------------------------------------


def _outcome(copy: Any, value: Any) -> tuple[Any, ...]:
    from microcred.errors import MicrocredError

    try:
        return ("copied", copy(value))
    except MicrocredError as exc:
        return (type(exc).__name__, exc.message, exc.pointer)


def _nested(depth: int, shape: str) -> dict[str, Any]:
    inner: Any = {}
    for i in range(depth):
        inner = {"a": inner} if shape == "objects" or (shape == "mixed" and i % 2) else [inner]
    return {"top": inner}


class _Dict(dict):  # type: ignore[type-arg]
    pass


class _Str(str):
    pass


ODD_INPUTS = [
    *(_nested(d, shape) for d in range(61, 67) for shape in ("objects", "arrays", "mixed")),
    {"a": float("nan")},
    {"a": float("-inf")},
    {"a": 10**400},
    {"a": -(10**400)},
    {"a": 10**300},
    {"a": (1, 2)},
    {"a": {1, 2}},
    {"a": b"bytes"},
    {1: "a number key"},
    {"a": _Dict()},
    {"a": _Str("a str subclass")},
    _Dict(a=1),
    [1],
    "text",
    None,
    {"a": [1.5, True, None, "s", {"b": []}], "c": [[], {}]},
]


@pytest.mark.parametrize("value", ODD_INPUTS, ids=lambda v: repr(v)[:40])
def test_checked_copy_accepts_and_refuses_as_require_object_then_copy_json(value: Any) -> None:
    expected = _outcome(lambda v: copy_json(require_object(v)), value)
    assert _outcome(checked_copy, value) == expected


FINITE_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(st.dictionaries(st.text(), FINITE_JSON, max_size=5))
def test_checked_copy_is_equal_and_shares_no_container(value: dict[str, Any]) -> None:
    copied = checked_copy(value)
    assert copied == value
    assert not {id(c) for c in _containers(copied)} & {id(c) for c in _containers(value)}
