"""The fast canonicalizer (governance.canonical) writes the bytes of the reference RFC 8785
implementation (`rfc8785`) for every JSON value, and raises where it raises."""

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.canonical import _plain, canonical_json

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
