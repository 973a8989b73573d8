"""Text the database can store (governance.text): NUL and lone surrogates are refused, each at the
path of the string that holds it."""

from governance.text import UNSTORABLE, storable, unstorable_fields


def test_nul_and_lone_surrogates_cannot_be_stored_but_any_other_text_can():
    assert storable("Oak 🌳, é, 中文")
    for bad in ("nul\x00", "\ud800", "x\udfffy"):
        assert not storable(bad)


def test_each_unstorable_string_is_reported_at_its_path():
    body = {
        "title": "fine",
        "options": ["Oak", "nul\x00"],
        "action_payload": {"actions": [{"type": "set_role", "role": "\ud800"}]},
    }
    assert unstorable_fields(body) == {"options.1": [UNSTORABLE], "action_payload.actions.0.role": [UNSTORABLE]}


def test_an_unstorable_key_is_reported_at_its_object():
    assert unstorable_fields({"\x00": 1}) == {"_schema": [UNSTORABLE]}
    assert unstorable_fields({"evidence": [{"note\x00": "x"}]}) == {"evidence.0": [UNSTORABLE]}


def test_storable_requests_have_no_errors():
    assert unstorable_fields({"a": [1, 2.5, None, True, {"b": "c"}]}) == {}
