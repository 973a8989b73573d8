"""The fast canonicalizer (governance.canonical) writes the bytes of the reference RFC 8785
implementation (`rfc8785`) for every JSON value, and raises where it raises."""

import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.canonical import _plain, canonical_json, canonical_json_text

SAFE = 2**53 - 1

# Characters where the encoders could differ: controls, DEL, quotes and backslash, the line and
# paragraph separators, the BMP's top (U+E000-U+FFFF), astral characters and lone surrogates.
tricky = st.sampled_from(
    [chr(c) for c in range(0x20)] + ['"', "\\", "/", "\x7f", "\u2028", "\u2029", "\ue000", "\uffff", "\ufeff",
                                     "\U0001f600", "\U00010000", "\ud800", "\udfff", "é", "ß", "0", "a"]
)
text = st.one_of(st.text(), st.text(tricky), st.text(st.characters(codec="utf-8")))
keys = st.one_of(st.text(max_size=4), st.text(tricky, max_size=4))
scalars = st.one_of(
    st.none(), st.booleans(), text,
    st.integers(min_value=-SAFE, max_value=SAFE),
    st.integers(),  # beyond 2^53: both refuse
    st.sampled_from([SAFE, -SAFE, SAFE + 1, -SAFE - 1, 0, 2**64]),
    st.decimals(allow_nan=False).map(str),  # decimals travel as strings
    st.floats(),  # outside the fast path
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.tuples(inner), st.dictionaries(keys, inner, max_size=5),
        st.dictionaries(st.one_of(st.integers(), st.none(), st.booleans()), inner, min_size=1, max_size=2),  # refused
    ),
    max_leaves=30,
)


def reference(value):
    try:
        return rfc8785.dumps(value)
    except Exception as error:  # noqa: BLE001 - compared by type below
        return type(error)


def ours(value):
    try:
        return canonical_json(value)
    except Exception as error:  # noqa: BLE001
        return type(error)


@settings(max_examples=1000, deadline=None)
@given(values)
def test_fast_canonical_json_equals_rfc8785(value):
    assert ours(value) == reference(value)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.text(tricky, min_size=1, max_size=3), st.integers(0, 3), min_size=2, max_size=8))
def test_keys_sort_by_utf16_code_units(value):
    assert ours(value) == reference(value)


def test_the_fast_path_takes_the_engines_own_values_and_only_them():
    assert _plain({"a": [1, "x", None, True, {"b": "1.50000000"}], "é": -SAFE})
    for outside in (1.5, SAFE + 1, (1,), {1: "a"}, {"\U0001f600": 1}, {"a": [0.0]}):
        assert not _plain(outside)
    assert canonical_json({"\U0001f600": 1, "\ue000": 2}) == rfc8785.dumps({"\U0001f600": 1, "\ue000": 2})
    assert canonical_json({"\U0001f600": 1, "\ue000": 2}).startswith('{"\U0001f600"'.encode())  # UTF-16 order


def test_a_cycle_is_refused_as_the_reference_refuses_it():
    loop: dict = {}
    loop["self"] = loop
    assert ours(loop) == reference(loop)


# JSON texts as any writer may spell them: compact or spaced, indented, \\u-escaped or UTF-8.
spellings = st.fixed_dictionaries({
    "separators": st.sampled_from([(",", ":"), (", ", ": "), (" ,", " :  ")]),
    "indent": st.sampled_from([None, 0, 2]),
    "ensure_ascii": st.booleans(),
})


@settings(max_examples=1000, deadline=None)
@given(values, spellings)
def test_canonical_json_of_a_text_equals_rfc8785_of_the_value_it_spells(value, spelling):
    try:
        text = json.dumps(value, **spelling)
    except (TypeError, ValueError):
        return  # not writable as JSON text (a non-str key json cannot write, a cycle)
    assert from_text(text) == reference(json.loads(text))


def from_text(text):
    try:
        return canonical_json_text(text)
    except Exception as error:  # noqa: BLE001 - compared by type
        return type(error)


@pytest.mark.parametrize("text", [
    '{"a": 1.0}', '{"a": 1e3}', '{"a": [9007199254740992]}', '{"a": -9007199254740993}', '1.5',
    '{"a": 100000000000000000000000}', '{"\\ud83d\\ude00": 1, "\\ue000": 2}', '"\\ud800"', '{"a": -0}',
    '{"a": 1, "a": 2}', '{"a": "x: 1.5", "b": [1,2]}', '{"é": "ß"}', '  {"n": 9007199254740991 } ',
    '{"t": "tab\\there", "q": "\\"", "b": "\\\\"}',
])
def test_the_texts_at_the_fast_paths_edges_are_written_as_the_reference_writes_them(text):
    assert from_text(text) == reference(json.loads(text))


def test_a_text_that_is_not_json_is_refused():
    for bad in ("{", "{'a': 1}", "", "[1,]"):
        with pytest.raises(ValueError):
            canonical_json_text(bad)
